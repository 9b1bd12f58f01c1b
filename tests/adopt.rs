//! `awsrun run SCRIPT --adopt` against moto's server: what the tutorial's
//! reader built by hand, with the real AWS CLI, is tagged into the stack
//! instead of built twice. Every count is taken with the test's own
//! clients, never awsrun's.

use crate::support::moto::{ACCESS_KEY, REGION, SECRET_KEY};
use crate::support::moto::{Moto, moto};
use awsrun::cloud::sim::SimAccount;
use awsrun::cloud::{Cloud, Kind, Resource};
use awsrun::engine::plan::Op;
use awsrun::engine::session::{Hints, Quiet, Session};
use awsrun::engine::{self, Script};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::rc::Rc;

const STACK: &str = "multi-server";

/// Runs the AWS CLI (`aws ARGS --output json`) against the test's server.
fn aws(m: &Moto, args: &[&str]) -> Value {
    let out = std::process::Command::new("aws")
        .args([
            "--endpoint-url",
            &m.endpoint(),
            "--region",
            REGION,
            "--output",
            "json",
        ])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_PAGER", "")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/aws-credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("the AWS CLI runs (install it with `pip install awscli==1.45.11`)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "aws {args:?}: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&stdout).expect("aws prints JSON")
    }
}

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer} in {v}"))
        .to_string()
}

/// The default VPC and its default subnet in each AZ letter.
fn defaults(m: &Moto) -> (String, BTreeMap<String, String>) {
    let vpcs = aws(
        m,
        &[
            "ec2",
            "describe-vpcs",
            "--filters",
            "Name=isDefault,Values=true",
        ],
    );
    let vpc = text(&vpcs, "/Vpcs/0/VpcId");
    let subnets = aws(
        m,
        &[
            "ec2",
            "describe-subnets",
            "--filters",
            "Name=default-for-az,Values=true",
        ],
    );
    let by_az = subnets["Subnets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let az = s["AvailabilityZone"].as_str().unwrap();
            (
                az.trim_start_matches(REGION).to_string(),
                s["SubnetId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (vpc, by_az)
}

/// The image `latest_ami("al2023")` picks: Amazon's newest
/// `al2023-ami-2023*-x86_64` (by creation date, then name).
fn al2023(m: &Moto) -> String {
    let images = aws(
        m,
        &[
            "ec2",
            "describe-images",
            "--owners",
            "amazon",
            "--filters",
            "Name=name,Values=al2023-ami-2023*-x86_64",
        ],
    );
    let newest = images["Images"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["State"].as_str().is_none_or(|s| s == "available"))
        .max_by_key(|i| {
            (
                i["CreationDate"].as_str().unwrap_or("").to_string(),
                i["Name"].as_str().unwrap_or("").to_string(),
            )
        })
        .expect("moto publishes an al2023 image");
    text(newest, "/ImageId")
}

/// The tutorial built by hand with the AWS CLI, under the names
/// scripts/multi-server.rhai and the stdlib give: both private subnets
/// with their Elastic IP, NAT gateway and route table, the two security
/// groups, one server per private subnet, the target group, the load
/// balancer, its listener and the registrations.
fn build_by_hand(m: &Moto) {
    build_by_hand_in(m, &["a", "c"]);
}

/// [`build_by_hand`] with the private subnets (and a server in each) of
/// these AZs only: `["a"]` is the tutorial before its homework (AZ c).
fn build_by_hand_in(m: &Moto, azs: &[&str]) {
    let (vpc, public) = defaults(m);
    let mut private = Vec::new();
    for (az, cidr) in [("a", "172.31.112.0/20"), ("c", "172.31.144.0/20")] {
        if !azs.contains(&az) {
            continue;
        }
        let subnet = aws(
            m,
            &[
                "ec2",
                "create-subnet",
                "--vpc-id",
                &vpc,
                "--cidr-block",
                cidr,
                "--availability-zone",
                &format!("{REGION}{az}"),
            ],
        );
        let subnet = text(&subnet, "/Subnet/SubnetId");
        let eip = text(
            &aws(m, &["ec2", "allocate-address", "--domain", "vpc"]),
            "/AllocationId",
        );
        let nat = aws(
            m,
            &[
                "ec2",
                "create-nat-gateway",
                "--subnet-id",
                &public[az],
                "--allocation-id",
                &eip,
            ],
        );
        let nat = text(&nat, "/NatGateway/NatGatewayId");
        let table = text(
            &aws(m, &["ec2", "create-route-table", "--vpc-id", &vpc]),
            "/RouteTable/RouteTableId",
        );
        aws(
            m,
            &[
                "ec2",
                "create-route",
                "--route-table-id",
                &table,
                "--destination-cidr-block",
                "0.0.0.0/0",
                "--nat-gateway-id",
                &nat,
            ],
        );
        aws(
            m,
            &[
                "ec2",
                "associate-route-table",
                "--route-table-id",
                &table,
                "--subnet-id",
                &subnet,
            ],
        );
        private.push(subnet);
    }
    let alb_sg = aws(
        m,
        &[
            "ec2",
            "create-security-group",
            "--group-name",
            "multi-server-awesome-api-alb",
            "--description",
            "ALB",
            "--vpc-id",
            &vpc,
        ],
    );
    let alb_sg = text(&alb_sg, "/GroupId");
    aws(
        m,
        &[
            "ec2",
            "authorize-security-group-ingress",
            "--group-id",
            &alb_sg,
            "--protocol",
            "tcp",
            "--port",
            "80",
            "--cidr",
            "0.0.0.0/0",
        ],
    );
    let app_sg = aws(
        m,
        &[
            "ec2",
            "create-security-group",
            "--group-name",
            "multi-server-awesome-api-server-app",
            "--description",
            "app",
            "--vpc-id",
            &vpc,
        ],
    );
    let app_sg = text(&app_sg, "/GroupId");
    aws(
        m,
        &[
            "ec2",
            "authorize-security-group-ingress",
            "--group-id",
            &app_sg,
            "--protocol",
            "tcp",
            "--port",
            "3000",
            "--source-group",
            &alb_sg,
        ],
    );
    let image = al2023(m);
    let mut servers = Vec::new();
    for subnet in &private {
        let run = aws(
            m,
            &[
                "ec2",
                "run-instances",
                "--image-id",
                &image,
                "--instance-type",
                "t2.micro",
                "--subnet-id",
                subnet,
                "--security-group-ids",
                &app_sg,
                "--no-associate-public-ip-address",
                "--count",
                "1",
            ],
        );
        servers.push(text(&run, "/Instances/0/InstanceId"));
    }
    let tg = aws(
        m,
        &[
            "elbv2",
            "create-target-group",
            "--name",
            "awesome-api-tg",
            "--protocol",
            "HTTP",
            "--port",
            "3000",
            "--vpc-id",
            &vpc,
            "--target-type",
            "instance",
        ],
    );
    let tg = text(&tg, "/TargetGroups/0/TargetGroupArn");
    let lb = aws(
        m,
        &[
            "elbv2",
            "create-load-balancer",
            "--name",
            "awesome-api",
            "--type",
            "application",
            "--scheme",
            "internet-facing",
            "--subnets",
            &public["a"],
            &public["c"],
            "--security-groups",
            &alb_sg,
        ],
    );
    let lb = text(&lb, "/LoadBalancers/0/LoadBalancerArn");
    aws(
        m,
        &[
            "elbv2",
            "create-listener",
            "--load-balancer-arn",
            &lb,
            "--protocol",
            "HTTP",
            "--port",
            "80",
            "--default-actions",
            &format!("Type=forward,TargetGroupArn={tg}"),
        ],
    );
    let targets: Vec<String> = servers.iter().map(|id| format!("Id={id}")).collect();
    let mut args = vec![
        "elbv2",
        "register-targets",
        "--target-group-arn",
        &tg,
        "--targets",
    ];
    args.extend(targets.iter().map(String::as_str));
    aws(m, &args);
}

/// How many resources of each kind the region holds (live ones), counted
/// with the SDK's clients.
fn census(m: &Moto) -> BTreeMap<&'static str, usize> {
    let (ec2, elb) = (m.ec2(), m.elb());
    m.block_on(async {
        let vpcs = ec2.describe_vpcs().send().await.unwrap().vpcs().len();
        let subnets = ec2.describe_subnets().send().await.unwrap().subnets().len();
        let eips = ec2
            .describe_addresses()
            .send()
            .await
            .unwrap()
            .addresses()
            .len();
        let nats = ec2.describe_nat_gateways().send().await.unwrap();
        let nats = nats
            .nat_gateways()
            .iter()
            .filter(|n| !matches!(n.state().map(|s| s.as_str()), Some("deleted" | "deleting")))
            .count();
        let tables = ec2
            .describe_route_tables()
            .send()
            .await
            .unwrap()
            .route_tables()
            .len();
        let groups = ec2
            .describe_security_groups()
            .send()
            .await
            .unwrap()
            .security_groups()
            .len();
        let reservations = ec2.describe_instances().send().await.unwrap();
        let instances = reservations
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .filter(|i| i.state().and_then(|s| s.name()).map(|n| n.as_str()) != Some("terminated"))
            .count();
        let tgs = elb
            .describe_target_groups()
            .send()
            .await
            .unwrap()
            .target_groups()
            .len();
        let lbs = elb.describe_load_balancers().send().await.unwrap();
        let mut listeners = 0;
        for lb in lbs.load_balancers() {
            let arn = lb.load_balancer_arn().unwrap();
            let out = elb
                .describe_listeners()
                .load_balancer_arn(arn)
                .send()
                .await
                .unwrap();
            listeners += out.listeners().len();
        }
        BTreeMap::from([
            ("vpc", vpcs),
            ("subnet", subnets),
            ("elastic_ip", eips),
            ("nat_gateway", nats),
            ("route_table", tables),
            ("security_group", groups),
            ("instance", instances),
            ("target_group", tgs),
            ("load_balancer", lbs.load_balancers().len()),
            ("listener", listeners),
        ])
    })
}

/// How many resources carry an `awsrun:stack` tag: EC2's (one
/// DescribeTags) and ELB's (the load balancers, target groups and listeners).
fn tagged(m: &Moto) -> usize {
    let (ec2, elb) = (m.ec2(), m.elb());
    m.block_on(async {
        let key = aws_sdk_ec2::types::Filter::builder()
            .name("key")
            .values("awsrun:stack")
            .build();
        let tags = ec2.describe_tags().filters(key).send().await.unwrap();
        let mut n = tags
            .tags()
            .iter()
            .filter(|t| t.key() == Some("awsrun:stack"))
            .count();
        let mut arns: Vec<String> = Vec::new();
        let lbs = elb.describe_load_balancers().send().await.unwrap();
        for lb in lbs.load_balancers() {
            let arn = lb.load_balancer_arn().unwrap().to_string();
            let out = elb
                .describe_listeners()
                .load_balancer_arn(&arn)
                .send()
                .await
                .unwrap();
            arns.extend(
                out.listeners()
                    .iter()
                    .filter_map(|l| l.listener_arn())
                    .map(str::to_string),
            );
            arns.push(arn);
        }
        let tgs = elb.describe_target_groups().send().await.unwrap();
        arns.extend(
            tgs.target_groups()
                .iter()
                .filter_map(|t| t.target_group_arn())
                .map(str::to_string),
        );
        for arn in arns {
            let out = elb
                .describe_tags()
                .resource_arns(&arn)
                .send()
                .await
                .unwrap();
            let stacked = out
                .tag_descriptions()
                .iter()
                .flat_map(|d| d.tags())
                .any(|t| t.key() == Some("awsrun:stack"));
            n += usize::from(stacked);
        }
        n
    })
}

/// Runs awsrun with `--output json`: exit success, and the document.
fn run_json(m: &Moto, args: &[&str]) -> (bool, Value, String) {
    let out = m
        .awsrun()
        .args(args)
        .args(["--output", "json"])
        .output()
        .expect("awsrun runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let doc = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (
        out.status.success(),
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The ops of a JSON document's actions, counted.
fn ops(doc: &Value) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for action in doc["actions"].as_array().unwrap_or(&Vec::new()) {
        *counts
            .entry(action["op"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    counts
}

#[test]
fn the_tutorial_built_by_hand_is_adopted_not_duplicated_and_destroyed_with_the_stack() {
    let m = moto();
    let empty = census(&m);
    build_by_hand(&m);
    let by_hand = census(&m);
    assert_eq!(tagged(&m), 0);

    // A dry run adopts everything and writes nothing.
    let (ok, plan, stderr) = run_json(&m, &["scripts/multi-server.rhai", "--dry-run", "--adopt"]);
    assert!(ok, "{stderr}\n{plan}");
    let planned = ops(&plan);
    assert_eq!(planned.get("adopted"), Some(&15), "{planned:?}\n{plan}");
    assert_eq!(planned.get("created"), None, "{planned:?}\n{plan}");
    assert_eq!(plan["summary"]["adopted"], 15);
    // What is adopted starts counting in the stack's cost.
    assert_eq!(plan["cost"]["now"]["monthly_usd"], 0.0, "{}", plan["cost"]);
    let after = plan["cost"]["after"]["monthly_usd"].as_f64().unwrap();
    assert!(
        after > 60.0,
        "two NAT gateways, a load balancer, two servers: {}",
        plan["cost"]
    );
    assert_eq!(tagged(&m), 0, "a dry run tags nothing");
    assert_eq!(census(&m), by_hand);
    let text = m
        .awsrun()
        .args(["scripts/multi-server.rhai", "--dry-run", "--adopt"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("< adopt   elastic_ip"), "{text}");
    assert!(text.contains("< adopt   nat_gateway"), "{text}");
    assert!(text.contains("to delete, 15 to adopt."), "{text}");

    // The live run tags the 15 and creates nothing.
    let (ok, done, stderr) = run_json(&m, &["scripts/multi-server.rhai", "--adopt", "--yes"]);
    assert!(ok, "{stderr}\n{done}");
    let applied = ops(&done);
    assert_eq!(applied.get("adopted"), Some(&15), "{applied:?}\n{done}");
    assert_eq!(applied.get("created"), None, "{applied:?}\n{done}");
    assert_eq!(census(&m), by_hand, "nothing is duplicated");
    // Name and awsrun:stack on each EC2 resource, the names the script gives.
    let all = aws(&m, &["ec2", "describe-tags"]);
    let all = all["Tags"].as_array().unwrap();
    let stacked: Vec<&str> = all
        .iter()
        .filter(|t| t["Key"] == "awsrun:stack" && t["Value"] == STACK)
        .map(|t| t["ResourceId"].as_str().unwrap())
        .collect();
    let mut names: Vec<&str> = all
        .iter()
        .filter(|t| t["Key"] == "Name" && stacked.contains(&t["ResourceId"].as_str().unwrap()))
        .map(|t| t["Value"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "awesome-api-alb",
            "awesome-api-private-2a",
            "awesome-api-private-2a",
            "awesome-api-private-2a-nat",
            "awesome-api-private-2a-nat",
            "awesome-api-private-2c",
            "awesome-api-private-2c",
            "awesome-api-private-2c-nat",
            "awesome-api-private-2c-nat",
            "awesome-api-server-1",
            "awesome-api-server-2",
            "awesome-api-server-app",
        ]
    );
    assert_eq!(tagged(&m), 15);

    // A plain re-run finds the stack as it is.
    let (ok, again, stderr) = run_json(&m, &["scripts/multi-server.rhai", "--yes"]);
    assert!(ok, "{stderr}\n{again}");
    let summary = &again["summary"];
    assert_eq!(
        (
            summary["created"].as_u64(),
            summary["changed"].as_u64(),
            summary["deleted"].as_u64()
        ),
        (Some(0), Some(0), Some(0)),
        "{again}"
    );
    assert_eq!(summary["existing"], 15);

    // Destroy removes what was built by hand, leaving the defaults.
    m.awsrun()
        .args(["destroy", "--stack", STACK, "--yes"])
        .assert()
        .success();
    assert_eq!(census(&m), empty);
}

/// The tutorial built by hand without its homework (no private subnet in
/// 2c, so one server): what the hand run made is adopted, only what it
/// lacked is created, and nothing is there twice.
#[test]
fn a_hand_build_without_the_homework_is_adopted_and_completed() {
    let m = moto();
    let empty = census(&m);
    build_by_hand_in(&m, &["a"]);
    let by_hand = census(&m);
    let (ok, done, stderr) = run_json(&m, &["scripts/multi-server.rhai", "--adopt", "--yes"]);
    assert!(ok, "{stderr}\n{done}");
    let actions = done["actions"].as_array().unwrap();
    let with = |op: &str| -> Vec<String> {
        let mut found: Vec<String> = actions
            .iter()
            .filter(|a| a["op"] == op)
            .map(|a| {
                format!(
                    "{} {}",
                    a["kind"].as_str().unwrap(),
                    a["name"].as_str().unwrap()
                )
            })
            .collect();
        found.sort();
        found
    };
    assert_eq!(
        with("created"),
        [
            "elastic_ip awesome-api-private-2c-nat",
            "instance awesome-api-server-2",
            "nat_gateway awesome-api-private-2c-nat",
            "route_table awesome-api-private-2c",
            "subnet awesome-api-private-2c",
        ],
        "{done}"
    );
    assert_eq!(with("adopted").len(), 10, "{:?}", with("adopted"));
    assert!(with("adopted").contains(&"nat_gateway awesome-api-private-2a-nat".to_string()));
    // Each kind grew by what was created, and by nothing else.
    let after = census(&m);
    for (kind, n) in &after {
        let grew = with("created")
            .iter()
            .filter(|a| a.starts_with(&format!("{kind} ")))
            .count();
        assert_eq!(*n, by_hand[kind] + grew, "{kind}: {by_hand:?} -> {after:?}");
    }
    assert_eq!(tagged(&m), 15);
    m.awsrun()
        .args(["destroy", "--stack", STACK, "--yes"])
        .assert()
        .success();
    assert_eq!(census(&m), empty);
}

/// Writes a script for the test and returns its path (relative to the repo root).
fn script(name: &str, body: &str) -> String {
    let dir = crate::support::root().join("target/adopt-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.rhai"));
    std::fs::write(&path, body).unwrap();
    path.display().to_string()
}

#[test]
fn two_matching_servers_are_an_error_listing_both_and_nothing_is_tagged() {
    let m = moto();
    let (vpc, _) = defaults(&m);
    let subnet = aws(
        &m,
        &[
            "ec2",
            "create-subnet",
            "--vpc-id",
            &vpc,
            "--cidr-block",
            "172.31.112.0/20",
            "--availability-zone",
            "ap-northeast-2a",
        ],
    );
    let subnet = text(&subnet, "/Subnet/SubnetId");
    let sg = aws(
        &m,
        &[
            "ec2",
            "create-security-group",
            "--group-name",
            "twins-web",
            "--description",
            "web",
            "--vpc-id",
            &vpc,
        ],
    );
    let sg = text(&sg, "/GroupId");
    let image = al2023(&m);
    let mut ids = Vec::new();
    for _ in 0..2 {
        let run = aws(
            &m,
            &[
                "ec2",
                "run-instances",
                "--image-id",
                &image,
                "--instance-type",
                "t2.micro",
                "--subnet-id",
                &subnet,
                "--security-group-ids",
                &sg,
            ],
        );
        ids.push(text(&run, "/Instances/0/InstanceId"));
    }
    let path = script(
        "twins",
        r#"
let sub = subnet("app", #{ cidr: "172.31.112.0/20", az: "2a" });
let sg = security_group("web", #{ description: "web" });
instances("srv", #{ subnets: [sub], security_groups: [sg] });
"#,
    );
    let out = m
        .awsrun()
        .args([path.as_str(), "--adopt", "--yes", "--output", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("a JSON document");
    assert_eq!(doc["error"]["code"], "awsrun::adopt::ambiguous", "{doc}");
    let message = doc["error"]["message"].as_str().unwrap();
    for id in &ids {
        assert!(message.contains(id.as_str()), "{id} in {message}");
    }
    assert!(stderr.contains("Nothing was changed"), "{stderr}");
    assert_eq!(tagged(&m), 0, "nothing is tagged");
}

#[test]
fn a_hand_made_target_group_on_another_port_is_drift_and_stays_untagged() {
    let m = moto();
    let (vpc, _) = defaults(&m);
    aws(
        &m,
        &[
            "elbv2",
            "create-target-group",
            "--name",
            "web-tg",
            "--protocol",
            "HTTP",
            "--port",
            "8080",
            "--vpc-id",
            &vpc,
        ],
    );
    let path = script("drift", r#"target_group("web-tg", #{ port: 3000 });"#);
    for extra in [&["--dry-run"][..], &["--yes"][..]] {
        let out = m
            .awsrun()
            .arg(path.as_str())
            .arg("--adopt")
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("awsrun::ensure::drift"), "{stderr}");
        assert!(stderr.contains("port = 8080"), "{stderr}");
        assert_eq!(tagged(&m), 0, "nothing is tagged");
    }
    let groups = aws(&m, &["elbv2", "describe-target-groups"]);
    assert_eq!(
        groups["TargetGroups"].as_array().unwrap().len(),
        1,
        "no twin: {groups}"
    );
}

#[test]
fn a_dry_run_without_an_account_takes_adopt_too() {
    let out = crate::support::awsrun()
        .args(["scripts/multi-server.rhai", "--dry-run", "--adopt"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A brand-new account holds nothing but its defaults: nothing to adopt.
    assert!(stdout.contains("Plan: 15 to create"), "{stdout}");
    assert!(!stdout.contains("adopt"), "{stdout}");
}

/// A simulated account holding, untagged, what the tutorial's step 2 makes
/// by hand in 2a: the private subnet, an Elastic IP, a NAT gateway in the
/// default public subnet holding it, and a route table to it associated
/// with the subnet.
fn hand_built_account() -> (Rc<SimAccount>, String) {
    let sim = SimAccount::new(REGION);
    let vpc = sim.default_vpc().unwrap().id;
    let public = sim
        .vpc_subnets(&vpc)
        .unwrap()
        .into_iter()
        .find(|s| s.str("az") == "ap-northeast-2a")
        .unwrap()
        .id;
    let subnet = Resource::new(Kind::Subnet, "", "subnet-0aaaaaaaaaaaaaaa1")
        .with("vpc", vpc.as_str())
        .with("cidr", "172.31.112.0/20")
        .with("az", "ap-northeast-2a")
        .with("public_ip", false)
        .with("default", false);
    sim.seed(subnet, None);
    let eip = "eipalloc-0aaaaaaaaaaaaaaa1";
    sim.seed(
        Resource::new(Kind::ElasticIp, "", eip)
            .with("public_ip", "3.34.0.1")
            .with("association", ""),
        None,
    );
    // An address nobody uses: not the NAT gateway's.
    sim.seed(
        Resource::new(Kind::ElasticIp, "", "eipalloc-0aaaaaaaaaaaaaaa2")
            .with("public_ip", "3.34.0.2")
            .with("association", ""),
        None,
    );
    let nat = "nat-0aaaaaaaaaaaaaaa1";
    sim.seed(
        Resource::new(Kind::NatGateway, "", nat)
            .with("subnet", public.as_str())
            .with("eip", eip)
            .with("public_ip", "3.34.0.1")
            .with("private_ip", "172.31.0.10")
            .with("state", "available"),
        None,
    );
    sim.seed(
        Resource::new(Kind::RouteTable, "", "rtb-0aaaaaaaaaaaaaaa1")
            .with("vpc", vpc.as_str())
            .with("routes", vec![json!({"dest": "0.0.0.0/0", "target": nat})])
            .with("subnets", vec![json!("subnet-0aaaaaaaaaaaaaaa1")]),
        None,
    );
    (Rc::new(sim), eip.to_string())
}

/// One adopting plan of `script` on `cloud` with `hints`.
fn adopting(cloud: &Rc<SimAccount>, script: &Script, hints: Hints) -> Rc<Session> {
    let cloud: Rc<dyn Cloud> = cloud.clone();
    let session = Session::new(cloud, "net", Rc::new(Quiet));
    session.set_adopt(hints);
    let session = Rc::new(session);
    if let Err(err) = engine::run(&session, script) {
        panic!("{} failed: {err}", script.name());
    }
    session
}

#[test]
fn a_plan_learns_the_elastic_ip_from_the_nat_gateway_and_the_next_adopts_it() {
    let script = Script {
        path: "net.rhai".into(),
        source: r#"private_subnet("2a", "172.31.112.0/20", #{ name: "p" });"#.into(),
    };
    // The first plan allocates an address (the script's comes first), then
    // meets the hand-made NAT gateway holding an untagged one.
    let (cloud, eip) = hand_built_account();
    let first = adopting(&cloud, &script, Hints::new());
    let learnt = first.learnt();
    assert_eq!(
        learnt.get(&(Kind::ElasticIp, "p-nat".to_string())),
        Some(&eip),
        "{learnt:?}"
    );
    // The next plan, on a fresh copy of the account, adopts that address:
    // nothing is allocated, nothing is created.
    let (cloud, _) = hand_built_account();
    let second = adopting(&cloud, &script, learnt);
    let ops: Vec<(Op, Kind, String)> = second
        .actions()
        .into_iter()
        .map(|a| (a.op, a.kind, a.id))
        .collect();
    assert_eq!(
        ops,
        [
            (
                Op::Adopt,
                Kind::Subnet,
                "subnet-0aaaaaaaaaaaaaaa1".to_string()
            ),
            (Op::Adopt, Kind::ElasticIp, eip.clone()),
            (
                Op::Adopt,
                Kind::NatGateway,
                "nat-0aaaaaaaaaaaaaaa1".to_string()
            ),
            (
                Op::Adopt,
                Kind::RouteTable,
                "rtb-0aaaaaaaaaaaaaaa1".to_string()
            ),
        ]
    );
    assert!(second.learnt().is_empty(), "nothing new to learn");
    // The unused address stays untagged, and a plain re-run finds the rest.
    let left: Vec<String> = cloud
        .untagged(Kind::ElasticIp)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(left, ["eipalloc-0aaaaaaaaaaaaaaa2"]);
    let plain = Rc::new(Session::new(
        cloud.clone() as Rc<dyn Cloud>,
        "net",
        Rc::new(Quiet),
    ));
    let _ = engine::run(&plain, &script).expect("a plain re-run");
    assert!(
        plain.actions().iter().all(|a| a.op == Op::Exists),
        "{:?}",
        plain.actions()
    );
}
