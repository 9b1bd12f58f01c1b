//! Live runs of the CLI against moto's server on 127.0.0.1 (issue 3). Every
//! resource is checked with the test's own describe calls, never awsrun's.

use crate::support::moto::{Moto, moto};
use aws_sdk_ec2::types::{Filter, Tag};
use std::collections::BTreeSet;

const STACK: &str = "multi-server";

fn stack_filter(stack: &str) -> Filter {
    Filter::builder()
        .name("tag:awsrun:stack")
        .values(stack)
        .build()
}

fn tag<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

/// Resources of each kind that carry the stack tag (live ones only),
/// counted with the test's own clients.
fn census(m: &Moto, stack: &str) -> Vec<(&'static str, usize)> {
    let (ec2, elb) = (m.ec2(), m.elb());
    m.block_on(async {
        let subnets = ec2
            .describe_subnets()
            .filters(stack_filter(stack))
            .send()
            .await
            .unwrap();
        let eips = ec2
            .describe_addresses()
            .filters(stack_filter(stack))
            .send()
            .await
            .unwrap();
        // moto ignores tag filters here: filter by tag ourselves.
        let nats = ec2.describe_nat_gateways().send().await.unwrap();
        let nats = nats
            .nat_gateways()
            .iter()
            .filter(|n| tag(n.tags(), "awsrun:stack") == Some(stack))
            .filter(|n| {
                n.state()
                    .is_some_and(|s| s.as_str() != "deleted" && s.as_str() != "deleting")
            })
            .count();
        let rts = ec2
            .describe_route_tables()
            .filters(stack_filter(stack))
            .send()
            .await
            .unwrap();
        let sgs = ec2
            .describe_security_groups()
            .filters(stack_filter(stack))
            .send()
            .await
            .unwrap();
        let reservations = ec2
            .describe_instances()
            .filters(stack_filter(stack))
            .send()
            .await
            .unwrap();
        let instances = reservations
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .filter(|i| {
                i.state()
                    .and_then(|s| s.name())
                    .is_some_and(|s| s.as_str() != "terminated")
            })
            .count();
        let lbs = elb.describe_load_balancers().send().await.unwrap();
        let tgs = elb.describe_target_groups().send().await.unwrap();
        let mut arns: Vec<String> = lbs
            .load_balancers()
            .iter()
            .filter_map(|l| l.load_balancer_arn().map(str::to_string))
            .collect();
        arns.extend(
            tgs.target_groups()
                .iter()
                .filter_map(|t| t.target_group_arn().map(str::to_string)),
        );
        let mut tagged_lbs = 0;
        let mut tagged_tgs = 0;
        if !arns.is_empty() {
            let tags = elb
                .describe_tags()
                .set_resource_arns(Some(arns))
                .send()
                .await
                .unwrap();
            for d in tags.tag_descriptions() {
                let in_stack = d
                    .tags()
                    .iter()
                    .any(|t| t.key() == Some("awsrun:stack") && t.value() == Some(stack));
                let arn = d.resource_arn().unwrap_or("");
                if in_stack && arn.contains(":loadbalancer/") {
                    tagged_lbs += 1;
                }
                if in_stack && arn.contains(":targetgroup/") {
                    tagged_tgs += 1;
                }
            }
        }
        vec![
            ("subnet", subnets.subnets().len()),
            ("elastic_ip", eips.addresses().len()),
            ("nat_gateway", nats),
            ("route_table", rts.route_tables().len()),
            ("security_group", sgs.security_groups().len()),
            ("instance", instances),
            ("load_balancer", tagged_lbs),
            ("target_group", tagged_tgs),
        ]
    })
}

fn tutorial(m: &Moto, extra: &[&str]) -> snapbox::cmd::OutputAssert {
    let mut args = vec!["scripts/multi-server.rhai"];
    args.extend_from_slice(extra);
    m.awsrun().args(args).assert()
}

#[test]
fn live_tutorial_builds_every_resource_as_the_tutorial_says() {
    let m = moto();
    tutorial(&m, &["--yes"]).success();
    let (ec2, elb) = (m.ec2(), m.elb());
    m.block_on(async {
        // Two private subnets with the right CIDRs and AZs, no public IPs on launch.
        let subnets = ec2
            .describe_subnets()
            .filters(stack_filter(STACK))
            .send()
            .await
            .unwrap();
        let mut private: Vec<(String, String, String)> = subnets
            .subnets()
            .iter()
            .map(|s| {
                assert_eq!(s.map_public_ip_on_launch(), Some(false), "{s:?}");
                assert!(tag(s.tags(), "Name").is_some());
                (
                    s.cidr_block().unwrap().to_string(),
                    s.availability_zone().unwrap().to_string(),
                    s.subnet_id().unwrap().to_string(),
                )
            })
            .collect();
        private.sort();
        assert_eq!(
            private
                .iter()
                .map(|(c, az, _)| (c.as_str(), az.as_str()))
                .collect::<Vec<_>>(),
            [
                ("172.31.112.0/20", "ap-northeast-2a"),
                ("172.31.144.0/20", "ap-northeast-2c")
            ]
        );
        let private_ids: BTreeSet<String> = private.iter().map(|(_, _, id)| id.clone()).collect();

        // The default (public) subnets of 2a and 2c.
        let all = ec2.describe_subnets().send().await.unwrap();
        let public: BTreeSet<String> = all
            .subnets()
            .iter()
            .filter(|s| s.default_for_az() == Some(true))
            .filter(|s| {
                matches!(
                    s.availability_zone(),
                    Some("ap-northeast-2a" | "ap-northeast-2c")
                )
            })
            .map(|s| s.subnet_id().unwrap().to_string())
            .collect();
        assert_eq!(public.len(), 2);

        // NAT gateways with Elastic IPs, in the public subnets, tagged.
        let nats = ec2.describe_nat_gateways().send().await.unwrap();
        let nats: Vec<_> = nats
            .nat_gateways()
            .iter()
            .filter(|n| tag(n.tags(), "awsrun:stack") == Some(STACK))
            .collect();
        assert_eq!(nats.len(), 2);
        let eips = ec2
            .describe_addresses()
            .filters(stack_filter(STACK))
            .send()
            .await
            .unwrap();
        let eip_ids: BTreeSet<&str> = eips
            .addresses()
            .iter()
            .filter_map(|a| a.allocation_id())
            .collect();
        assert_eq!(eip_ids.len(), 2);
        let nat_ids: BTreeSet<String> = nats
            .iter()
            .map(|n| n.nat_gateway_id().unwrap().to_string())
            .collect();
        for nat in &nats {
            assert!(
                public.contains(nat.subnet_id().unwrap()),
                "NAT in a public subnet: {nat:?}"
            );
            let alloc = nat.nat_gateway_addresses()[0].allocation_id().unwrap();
            assert!(eip_ids.contains(alloc), "NAT uses the stack's Elastic IP");
        }

        // Route tables: 0.0.0.0/0 -> NAT, associated with the private subnets.
        let rts = ec2
            .describe_route_tables()
            .filters(stack_filter(STACK))
            .send()
            .await
            .unwrap();
        assert_eq!(rts.route_tables().len(), 2);
        let mut associated = BTreeSet::new();
        for rt in rts.route_tables() {
            let default_route = rt
                .routes()
                .iter()
                .find(|r| r.destination_cidr_block() == Some("0.0.0.0/0"))
                .unwrap();
            assert!(
                nat_ids.contains(default_route.nat_gateway_id().unwrap()),
                "{rt:?}"
            );
            for a in rt.associations() {
                if let Some(subnet) = a.subnet_id() {
                    associated.insert(subnet.to_string());
                }
            }
        }
        assert_eq!(associated, private_ids);

        // Security groups: 80 from anywhere on the ALB's; 3000 only from the ALB's group on the app's.
        let sgs = ec2
            .describe_security_groups()
            .filters(stack_filter(STACK))
            .send()
            .await
            .unwrap();
        let by_name = |name: &str| {
            sgs.security_groups()
                .iter()
                .find(|g| tag(g.tags(), "Name") == Some(name))
                .unwrap()
                .clone()
        };
        let alb_sg = by_name("awesome-api-alb");
        let app_sg = by_name("awesome-api-server-app");
        let http = &alb_sg.ip_permissions()[0];
        assert_eq!((http.from_port(), http.to_port()), (Some(80), Some(80)));
        assert_eq!(http.ip_ranges()[0].cidr_ip(), Some("0.0.0.0/0"));
        let app = &app_sg.ip_permissions()[0];
        assert_eq!((app.from_port(), app.to_port()), (Some(3000), Some(3000)));
        assert!(
            app.ip_ranges().is_empty(),
            "the app port is not open to any CIDR"
        );
        assert_eq!(app.user_id_group_pairs()[0].group_id(), alb_sg.group_id());

        // Two instances in the private subnets, no public IP, the app's group.
        let res = ec2
            .describe_instances()
            .filters(stack_filter(STACK))
            .send()
            .await
            .unwrap();
        let instances: Vec<_> = res
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .collect();
        assert_eq!(instances.len(), 2);
        let mut instance_ids = BTreeSet::new();
        for i in &instances {
            assert!(private_ids.contains(i.subnet_id().unwrap()));
            assert_eq!(i.public_ip_address(), None);
            // moto lists the groups on the network interface only.
            let groups: Vec<&str> = i
                .network_interfaces()
                .iter()
                .flat_map(|n| n.groups())
                .filter_map(|g| g.group_id())
                .collect();
            assert_eq!(groups, [app_sg.group_id().unwrap()]);
            assert_eq!(i.instance_type().map(|t| t.as_str()), Some("t2.micro"));
            assert!(
                tag(i.tags(), "Name")
                    .unwrap()
                    .starts_with("awesome-api-server-")
            );
            instance_ids.insert(i.instance_id().unwrap().to_string());
        }

        // The ALB: internet-facing, over the public subnets of 2a and 2c.
        let lbs = elb
            .describe_load_balancers()
            .names("awesome-api")
            .send()
            .await
            .unwrap();
        let lb = &lbs.load_balancers()[0];
        assert_eq!(lb.scheme().map(|s| s.as_str()), Some("internet-facing"));
        let lb_subnets: BTreeSet<String> = lb
            .availability_zones()
            .iter()
            .filter_map(|z| z.subnet_id().map(str::to_string))
            .collect();
        assert_eq!(lb_subnets, public);

        // Target group HTTP:3000 with both instances, healthy.
        let tgs = elb
            .describe_target_groups()
            .names("awesome-api-tg")
            .send()
            .await
            .unwrap();
        let tg = &tgs.target_groups()[0];
        assert_eq!(
            (tg.protocol().map(|p| p.as_str()), tg.port()),
            (Some("HTTP"), Some(3000))
        );
        let health = elb
            .describe_target_health()
            .target_group_arn(tg.target_group_arn().unwrap())
            .send()
            .await
            .unwrap();
        let targets: BTreeSet<String> = health
            .target_health_descriptions()
            .iter()
            .map(|d| {
                assert_eq!(
                    d.target_health()
                        .and_then(|h| h.state())
                        .map(|s| s.as_str()),
                    Some("healthy")
                );
                d.target().unwrap().id().unwrap().to_string()
            })
            .collect();
        assert_eq!(targets, instance_ids);

        // Listener 80 forwarding to the target group.
        let listeners = elb
            .describe_listeners()
            .load_balancer_arn(lb.load_balancer_arn().unwrap())
            .send()
            .await
            .unwrap();
        let listener = &listeners.listeners()[0];
        assert_eq!(listener.port(), Some(80));
        assert_eq!(
            listener.default_actions()[0].target_group_arn(),
            tg.target_group_arn()
        );

        // Every ELB resource tagged with the stack and its name.
        let arns = vec![
            lb.load_balancer_arn().unwrap().to_string(),
            tg.target_group_arn().unwrap().to_string(),
            listener.listener_arn().unwrap().to_string(),
        ];
        let tags = elb
            .describe_tags()
            .set_resource_arns(Some(arns))
            .send()
            .await
            .unwrap();
        assert_eq!(tags.tag_descriptions().len(), 3);
        for d in tags.tag_descriptions() {
            let keys: BTreeSet<&str> = d.tags().iter().filter_map(|t| t.key()).collect();
            assert!(
                keys.contains("Name") && keys.contains("awsrun:stack"),
                "{d:?}"
            );
        }
    });
}

#[test]
fn running_the_tutorial_again_creates_nothing() {
    let m = moto();
    tutorial(&m, &["--yes"]).success();
    let before = census(&m, STACK);
    assert_eq!(
        before.iter().map(|(_, n)| n).sum::<usize>(),
        15 - 1,
        "{before:?}"
    );
    let out = tutorial(&m, &["--yes"])
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8_lossy(&out);
    assert!(
        out.contains("Plan: 0 to create, 0 to change, 15 existing, 0 to delete."),
        "{out}"
    );
    assert!(
        out.contains("Done: 0 created, 0 changed, 15 existing, 0 deleted."),
        "{out}"
    );
    assert_eq!(census(&m, STACK), before);
}

/// (op, kind, name) of each action of a JSON document.
fn actions(doc: &[u8]) -> Vec<(String, String, String)> {
    let doc: serde_json::Value = serde_json::from_slice(doc).expect("one JSON document");
    doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["op"].as_str().unwrap().into(),
                a["kind"].as_str().unwrap().into(),
                a["name"].as_str().unwrap().into(),
            )
        })
        .collect()
}

#[test]
fn dry_run_against_the_account_predicts_the_live_run_and_creates_nothing() {
    let m = moto();
    let plan = tutorial(&m, &["--dry-run", "--output", "json"])
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        census(&m, STACK).iter().all(|(_, n)| *n == 0),
        "a dry-run creates nothing"
    );
    let live = tutorial(&m, &["--yes", "--output", "json"])
        .success()
        .get_output()
        .stdout
        .clone();
    let (plan, live) = (actions(&plan), actions(&live));
    assert_eq!(plan.len(), 16);
    assert_eq!(plan, live);

    // And once half of it exists, the plan still predicts the rest exactly.
    m.awsrun()
        .args(["destroy", "--stack", STACK, "--yes"])
        .assert()
        .success();
    m.awsrun()
        .args([
            "tests/cases/live/half-tutorial.rhai",
            "--stack",
            STACK,
            "--yes",
        ])
        .assert()
        .success();
    let plan = tutorial(&m, &["--dry-run", "--output", "json"])
        .success()
        .get_output()
        .stdout
        .clone();
    let live = tutorial(&m, &["--yes", "--output", "json"])
        .success()
        .get_output()
        .stdout
        .clone();
    let (plan, live) = (actions(&plan), actions(&live));
    assert!(
        plan.iter().any(|(op, _, _)| op == "existing")
            && plan.iter().any(|(op, _, _)| op == "created")
    );
    assert_eq!(plan, live);
}

#[test]
fn destroy_removes_the_stack_and_only_the_stack() {
    let m = moto();
    tutorial(&m, &["--yes"]).success();
    m.awsrun()
        .args([
            "tests/cases/live/other-stack.rhai",
            "--stack",
            "other",
            "--yes",
        ])
        .assert()
        .success();
    let other = census(&m, "other");
    m.awsrun()
        .args(["destroy", "--stack", STACK, "--yes"])
        .assert()
        .success();
    assert!(
        census(&m, STACK).iter().all(|(_, n)| *n == 0),
        "{:?}",
        census(&m, STACK)
    );
    assert_eq!(census(&m, "other"), other, "another stack is untouched");
    let again = m
        .awsrun()
        .args(["destroy", "--stack", STACK, "--yes"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&again).starts_with("Nothing to destroy"));
}

#[test]
fn live_run_without_a_terminal_or_yes_changes_nothing_and_exits_2() {
    let m = moto();
    let out = tutorial(&m, &[]).code(2).get_output().clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("awsrun::refused"), "{stderr}");
    assert!(
        stderr.contains("`awsrun scripts/multi-server.rhai --yes`"),
        "{stderr}"
    );
    assert!(census(&m, STACK).iter().all(|(_, n)| *n == 0));

    // With --output json: one document with the plan not applied and the error.
    let out = tutorial(&m, &["--output", "json"])
        .code(2)
        .get_output()
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["error"]["code"], "awsrun::refused");
    // The plan is the dry-run's.
    let ops = |actions: &serde_json::Value| -> Vec<(String, String, String)> {
        actions
            .as_array()
            .expect("a list of actions")
            .iter()
            .map(|a| {
                (
                    a["op"].to_string(),
                    a["kind"].to_string(),
                    a["name"].to_string(),
                )
            })
            .collect()
    };
    let dry = tutorial(&m, &["--dry-run", "--output", "json"])
        .success()
        .get_output()
        .clone();
    let dry: serde_json::Value = serde_json::from_slice(&dry.stdout).expect("one JSON document");
    assert_eq!(ops(&doc["plan"]), ops(&dry["actions"]));
    assert!(
        ops(&doc["plan"])
            .iter()
            .any(|(op, _, _)| op == "\"created\"")
    );
    assert!(census(&m, STACK).iter().all(|(_, n)| *n == 0));

    // destroy refuses the same way.
    tutorial(&m, &["--yes"]).success();
    let before = census(&m, STACK);
    let out = m
        .awsrun()
        .args(["destroy", "--stack", STACK, "--output", "json"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(doc["error"]["code"], "awsrun::refused");
    assert!(
        doc["error"]["help"]
            .as_str()
            .is_some_and(|h| h.contains("awsrun destroy --stack multi-server --yes")),
        "{doc:#}"
    );
    assert!(!doc["plan"].as_array().unwrap().is_empty());
    assert_eq!(census(&m, STACK), before);
}

#[test]
fn real_api_errors_point_at_the_script_line() {
    let m = moto();
    // Target group names are unique in the whole account, and the plan only
    // sees this stack: the clash with another stack's group is AWS's to find.
    let script = "tests/cases/live/tg-name-taken.rhai";
    m.awsrun()
        .args([script, "--stack", "first", "--yes"])
        .assert()
        .success();
    let out = m
        .awsrun()
        .args([script, "--stack", "second", "--var", "port=8080", "--yes"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("awsrun::aws::DuplicateTargetGroupName"),
        "{err}"
    );
    assert!(err.contains("CreateTargetGroup"), "{err}");
    assert!(
        err.contains("[tests/cases/live/tg-name-taken.rhai:3:10]"),
        "{err}"
    );
}

#[test]
fn no_credentials_is_a_clear_error_before_any_script_line() {
    let m = moto();
    let out = crate::support::awsrun()
        .env("AWS_REGION", "ap-northeast-2")
        .env("AWS_ENDPOINT_URL", m.endpoint())
        .args(["scripts/multi-server.rhai", "--yes"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("awsrun::aws::NoCredentials"), "{err}");
    assert!(err.contains("aws configure"), "{err}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("account"),
        "no script line ran"
    );
}

/// The stack's instances that are not terminated (from [`census`]).
fn instances_of(m: &Moto, stack: &str) -> usize {
    census(m, stack)
        .into_iter()
        .find_map(|(kind, n)| (kind == "instance").then_some(n))
        .unwrap_or(0)
}

/// A live plan asks the account what only it knows: which AZs offer an
/// instance type (c5a.large is offered in ap-northeast-2a to 2c, which the
/// dry-run's dated table does not know) and whether it can see an image.
/// Each refusal is AWS's code at the script's line, before any write.
#[test]
fn a_live_plan_refuses_a_type_the_az_does_not_offer_and_an_image_the_account_cannot_see() {
    let m = moto();
    let script = "tests/cases/live/one-server.rhai";
    let cases = [
        (
            "type=c5a.large",
            "awsrun::aws::Unsupported",
            "ap-northeast-2d",
        ),
        (
            "image=ami-0fffffffffffffff0",
            "awsrun::aws::InvalidAMIID.NotFound",
            "ami-0fffffffffffffff0",
        ),
    ];
    for (var, code, named) in cases {
        let out = m
            .awsrun()
            .args([script, "--stack", "offer", "--var", var, "--yes"])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(code), "{var}: {err}");
        assert!(err.contains(named), "{var}: {err}");
        assert!(
            err.contains("[tests/cases/live/one-server.rhai:4:"),
            "{var}: {err}"
        );
        assert!(
            err.contains("Nothing was changed: the plan failed before any AWS write."),
            "{var}: {err}"
        );
        assert_eq!(instances_of(&m, "offer"), 0, "{var}");
    }
    // The same script with a type 2d offers and the account's image runs.
    m.awsrun()
        .args([script, "--stack", "offer", "--yes"])
        .assert()
        .success();
    assert_eq!(instances_of(&m, "offer"), 1);
}
