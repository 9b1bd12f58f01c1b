//! `scripts/own-vpc.rhai` live against moto's server on 127.0.0.1: the
//! tutorial's service in a VPC of its own, checked with the test's own
//! describe calls; a re-run creates nothing; destroy leaves nothing, the
//! gateway and the VPC included. Also the walk over every kind a stack
//! owns: each is listed, mirrored and destroyed.

use crate::support::moto::{Moto, moto};
use aws_sdk_ec2::types::{Filter, Tag};
use awsrun::cloud::{Cloud, Kind};
use std::collections::{BTreeMap, BTreeSet};

const STACK: &str = "own-vpc";

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

fn name(tags: &[Tag]) -> String {
    tags.iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value())
        .unwrap_or_default()
        .to_string()
}

fn run(m: &Moto, args: &[&str]) -> serde_json::Value {
    let out = m
        .awsrun()
        .args(args)
        .args(["--yes", "--output", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("one JSON document")
}

/// What the stack's network is, as AWS describes it.
struct Network {
    vpcs: Vec<String>,
    /// (gateway id, the VPC it is attached to)
    igws: Vec<(String, String)>,
    /// name -> (id, cidr, public IP on launch)
    subnets: BTreeMap<String, (String, String, bool)>,
}

fn network(m: &Moto) -> Network {
    let ec2 = m.ec2();
    m.block_on(async {
        let stack = filter("tag:awsrun:stack", STACK);
        let vpcs = ec2
            .describe_vpcs()
            .filters(stack.clone())
            .send()
            .await
            .unwrap();
        let vpcs: Vec<String> = vpcs
            .vpcs()
            .iter()
            .map(|v| v.vpc_id().unwrap().to_string())
            .collect();
        let igws = ec2
            .describe_internet_gateways()
            .filters(stack.clone())
            .send()
            .await
            .unwrap();
        let igws = igws
            .internet_gateways()
            .iter()
            .map(|g| {
                let vpc = g
                    .attachments()
                    .iter()
                    .find_map(|a| a.vpc_id())
                    .unwrap_or("");
                (
                    g.internet_gateway_id().unwrap().to_string(),
                    vpc.to_string(),
                )
            })
            .collect();
        let subnets = ec2.describe_subnets().filters(stack).send().await.unwrap();
        let subnets = subnets
            .subnets()
            .iter()
            .map(|s| {
                (
                    name(s.tags()),
                    (
                        s.subnet_id().unwrap().to_string(),
                        s.cidr_block().unwrap().to_string(),
                        s.map_public_ip_on_launch() == Some(true),
                    ),
                )
            })
            .collect();
        Network {
            vpcs,
            igws,
            subnets,
        }
    })
}

#[test]
fn own_vpc_builds_a_network_from_scratch_converges_and_is_destroyed_whole() {
    let m = moto();
    run(&m, &["scripts/own-vpc.rhai"]);
    let Network {
        vpcs,
        igws,
        subnets,
    } = network(&m);
    assert_eq!(vpcs.len(), 1, "one VPC of the stack");
    let vpc = &vpcs[0];
    assert_eq!(igws.len(), 1);
    let (igw, attached_to) = &igws[0];
    assert_eq!(
        attached_to, vpc,
        "the gateway is attached to the stack's VPC"
    );
    let expected = [
        ("awesome-api-public-2a", "10.0.0.0/20", true),
        ("awesome-api-public-2c", "10.0.16.0/20", true),
        ("awesome-api-private-2a", "10.0.32.0/20", false),
        ("awesome-api-private-2c", "10.0.48.0/20", false),
    ];
    for (subnet, cidr, public) in expected {
        let (_, got_cidr, got_public) = &subnets[subnet];
        assert_eq!((got_cidr.as_str(), *got_public), (cidr, public), "{subnet}");
    }
    let id = |n: &str| subnets[n].0.clone();
    let public: BTreeSet<String> =
        [id("awesome-api-public-2a"), id("awesome-api-public-2c")].into();
    let private: BTreeSet<String> =
        [id("awesome-api-private-2a"), id("awesome-api-private-2c")].into();

    let (ec2, elb) = (m.ec2(), m.elb());
    m.block_on(async {
        // NAT gateways, one per AZ, in the public subnets.
        let nats = ec2.describe_nat_gateways().send().await.unwrap();
        let nats: BTreeMap<String, String> = nats
            .nat_gateways()
            .iter()
            .filter(|n| n.vpc_id() == Some(vpc.as_str()))
            .map(|n| {
                (
                    n.nat_gateway_id().unwrap().to_string(),
                    n.subnet_id().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(nats.len(), 2, "per_az: a NAT gateway per AZ");
        assert!(nats.values().all(|s| public.contains(s)), "{nats:?}");

        // The public table sends 0.0.0.0/0 to the gateway, each private one
        // to the NAT gateway of its own AZ.
        let tables = ec2
            .describe_route_tables()
            .filters(filter("tag:awsrun:stack", STACK))
            .send()
            .await
            .unwrap();
        assert_eq!(tables.route_tables().len(), 3);
        for table in tables.route_tables() {
            let default = table
                .routes()
                .iter()
                .find(|r| r.destination_cidr_block() == Some("0.0.0.0/0"))
                .expect("a default route");
            let associated: BTreeSet<String> = table
                .associations()
                .iter()
                .filter_map(|a| a.subnet_id().map(str::to_string))
                .collect();
            if name(table.tags()) == "awesome-api-public" {
                assert_eq!(default.gateway_id(), Some(igw.as_str()));
                assert_eq!(associated, public);
            } else {
                let nat = default
                    .nat_gateway_id()
                    .expect("private tables route to NAT");
                assert_eq!(associated.len(), 1);
                let subnet = associated.iter().next().unwrap();
                assert!(private.contains(subnet));
                // Subnets are named `...-2a`, `...-2c`: the AZ ends the name.
                let az = |id: &str| {
                    let (n, _) = subnets.iter().find(|(_, (i, ..))| i == id).unwrap();
                    n[n.len() - 2..].to_string()
                };
                assert_eq!(az(&nats[nat]), az(subnet), "the NAT gateway of the same AZ");
            }
        }

        // The ALB: internet-facing, in the public subnets.
        let lbs = elb
            .describe_load_balancers()
            .names("awesome-api")
            .send()
            .await
            .unwrap();
        let lb = &lbs.load_balancers()[0];
        assert_eq!(lb.scheme().map(|s| s.as_str()), Some("internet-facing"));
        assert_eq!(lb.vpc_id(), Some(vpc.as_str()));
        let lb_subnets: BTreeSet<String> = lb
            .availability_zones()
            .iter()
            .filter_map(|z| z.subnet_id().map(str::to_string))
            .collect();
        assert_eq!(lb_subnets, public);

        // The servers: private subnets, no public address.
        let res = ec2
            .describe_instances()
            .filters(filter("tag:awsrun:stack", STACK))
            .send()
            .await
            .unwrap();
        let servers: Vec<_> = res
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .collect();
        assert_eq!(servers.len(), 2);
        for server in servers {
            assert!(private.contains(server.subnet_id().unwrap()));
            assert_eq!(server.public_ip_address(), None);
        }
    });

    // Every kind a stack owns is listed live and mirrored for the next plan.
    let cloud = m.cloud();
    let listed: BTreeSet<Kind> = cloud
        .stack_resources(STACK)
        .unwrap()
        .iter()
        .map(|r| r.kind)
        .collect();
    let mirrored: BTreeSet<Kind> = std::rc::Rc::new(m.cloud())
        .mirror(STACK)
        .unwrap()
        .stack_resources(STACK)
        .unwrap()
        .iter()
        .map(|r| r.kind)
        .collect();
    // A domain's kinds (certificates, records) are the HTTPS chapter's:
    // `live_https` lists and mirrors them; `auto_scaling_live` those of a
    // group.
    let domain = [
        Kind::Certificate,
        Kind::DnsRecord,
        Kind::LaunchTemplate,
        Kind::AutoScalingGroup,
        Kind::ScalingPolicy,
    ];
    for kind in Kind::destroy_order()
        .into_iter()
        .filter(|k| !domain.contains(k))
    {
        assert!(listed.contains(&kind), "{kind} is not listed live");
        assert!(mirrored.contains(&kind), "{kind} is not mirrored");
    }

    // A re-run finds everything and changes nothing.
    let again = run(&m, &["scripts/own-vpc.rhai"]);
    assert_eq!(again["summary"]["created"], 0, "{}", again["summary"]);
    assert_eq!(again["summary"]["changed"], 0, "{}", again["summary"]);

    // Destroy leaves nothing: not a kind, not the gateway, not the VPC.
    run(&m, &["destroy", "--stack", STACK]);
    assert!(m.cloud().stack_resources(STACK).unwrap().is_empty());
    let left = network(&m);
    assert!(left.vpcs.is_empty() && left.igws.is_empty() && left.subnets.is_empty());
    let gone = m.block_on(
        m.ec2()
            .describe_internet_gateways()
            .filters(filter("internet-gateway-id", igw))
            .send(),
    );
    assert!(
        gone.unwrap().internet_gateways().is_empty(),
        "the gateway is deleted, not only detached"
    );
}

/// `destroy --dry-run` deletes the stack in the mirrored account under
/// AWS's rules: a VPC still holding a subnet made outside the stack cannot
/// be deleted (DependencyViolation), so the dry-run fails, and nothing of
/// the stack is touched.
#[test]
fn a_destroy_aws_would_refuse_fails_in_its_dry_run_and_changes_nothing() {
    let m = moto();
    let script = tempfile::tempdir().unwrap();
    let path = script.path().join("lab.rhai");
    std::fs::write(
        &path,
        r#"let v = vpc("lab", #{ cidr: "10.7.0.0/16" });
subnet("lab-a", #{ vpc: v, cidr: "10.7.0.0/24", az: "2a" });
v.id
"#,
    )
    .unwrap();
    let doc = run(&m, &[path.to_str().unwrap()]);
    let vpc = doc["result"].as_str().unwrap().to_string();
    let ec2 = m.ec2();
    m.block_on(
        ec2.create_subnet()
            .vpc_id(&vpc)
            .cidr_block("10.7.1.0/24")
            .availability_zone("ap-northeast-2c")
            .send(),
    )
    .unwrap();
    let before = m.cloud().stack_resources("lab").unwrap().len();
    let out = m
        .awsrun()
        .args(["destroy", "--stack", "lab", "--dry-run"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("would stop after 1 of 2 deletions"),
        "{stdout}"
    );
    assert!(stderr.contains("DependencyViolation"), "{stderr}");
    assert!(stderr.contains(&vpc), "the report names the VPC: {stderr}");
    assert_eq!(
        m.cloud().stack_resources("lab").unwrap().len(),
        before,
        "nothing deleted"
    );
    // Without the foreign subnet the same dry-run holds.
    let subnets = m
        .block_on(
            ec2.describe_subnets()
                .filters(filter("cidr-block", "10.7.1.0/24"))
                .send(),
        )
        .unwrap();
    let foreign = subnets.subnets()[0].subnet_id().unwrap().to_string();
    m.block_on(ec2.delete_subnet().subnet_id(foreign).send())
        .unwrap();
    m.awsrun()
        .args(["destroy", "--stack", "lab", "--dry-run"])
        .assert()
        .success();
}
