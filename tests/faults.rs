//! Transient faults (issue 4): the tutorial run live through a proxy that
//! answers a share of the requests with throttling errors, 500s, 503s or a
//! dropped connection still builds exactly the tutorial's resources, a
//! re-run through the proxy creates nothing, and `destroy` through the
//! proxy removes them all. Every resource is counted with the test's own
//! clients, straight to the server.

use crate::support::moto::{Moto, moto};
use crate::support::proxy::{Fault, Proxy, Schedule};
use aws_sdk_ec2::types::Tag;
use std::collections::BTreeMap;

const STACK: &str = "multi-server";

fn tag<'a>(tags: &'a [Tag], key: &str) -> Option<&'a str> {
    tags.iter()
        .find(|t| t.key() == Some(key))
        .and_then(|t| t.value())
}

/// `Name (stack)` of a resource, or what is missing.
fn label(name: Option<&str>, stack: Option<&str>) -> String {
    format!(
        "{} ({})",
        name.unwrap_or("<no Name>"),
        stack.unwrap_or("<no stack>")
    )
}

/// Every resource of the account that a new account does not have, by
/// kind, as sorted `Name (stack)` labels: default VPC parts (default
/// subnets, `default` groups, main route tables) are left out, and so are
/// terminated instances and deleted NAT gateways. Twins show up as a label
/// twice; untagged leftovers as `<no Name> (<no stack>)`.
pub(crate) fn inventory(m: &Moto) -> BTreeMap<&'static str, Vec<String>> {
    let (ec2, elb) = (m.ec2(), m.elb());
    let mut out: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    m.block_on(async {
        fn add(out: &mut BTreeMap<&'static str, Vec<String>>, kind: &'static str, tags: &[Tag]) {
            out.entry(kind)
                .or_default()
                .push(label(tag(tags, "Name"), tag(tags, "awsrun:stack")));
        }
        let vpcs = ec2.describe_vpcs().send().await.unwrap();
        for v in vpcs.vpcs().iter().filter(|v| v.is_default() != Some(true)) {
            add(&mut out, "vpc", v.tags());
        }
        let subnets = ec2.describe_subnets().send().await.unwrap();
        for s in subnets
            .subnets()
            .iter()
            .filter(|s| s.default_for_az() != Some(true))
        {
            add(&mut out, "subnet", s.tags());
        }
        let eips = ec2.describe_addresses().send().await.unwrap();
        for a in eips.addresses() {
            add(&mut out, "elastic_ip", a.tags());
        }
        let nats = ec2.describe_nat_gateways().send().await.unwrap();
        for n in nats.nat_gateways() {
            let gone = n
                .state()
                .is_some_and(|s| matches!(s.as_str(), "deleted" | "deleting" | "failed"));
            if !gone {
                add(&mut out, "nat_gateway", n.tags());
            }
        }
        let rts = ec2.describe_route_tables().send().await.unwrap();
        for rt in rts.route_tables() {
            let main = rt.associations().iter().any(|a| a.main() == Some(true));
            if !main {
                add(&mut out, "route_table", rt.tags());
                let routes = rt
                    .routes()
                    .iter()
                    .filter(|r| r.gateway_id() != Some("local"))
                    .count();
                let associations = rt
                    .associations()
                    .iter()
                    .filter(|a| a.subnet_id().is_some())
                    .count();
                let name = tag(rt.tags(), "Name").unwrap_or("<no Name>");
                out.entry("route").or_default().push(format!(
                    "{name}: {routes} routes, {associations} associations"
                ));
            }
        }
        let sgs = ec2.describe_security_groups().send().await.unwrap();
        for g in sgs
            .security_groups()
            .iter()
            .filter(|g| g.group_name() != Some("default"))
        {
            add(&mut out, "security_group", g.tags());
            let rules: usize = g
                .ip_permissions()
                .iter()
                .map(|p| p.ip_ranges().len() + p.user_id_group_pairs().len())
                .sum();
            let name = tag(g.tags(), "Name").unwrap_or("<no Name>");
            out.entry("ingress_rule")
                .or_default()
                .push(format!("{name}: {rules} rules"));
        }
        let reservations = ec2.describe_instances().send().await.unwrap();
        for i in reservations
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
        {
            let terminated = i
                .state()
                .and_then(|s| s.name())
                .is_some_and(|s| matches!(s.as_str(), "terminated" | "shutting-down"));
            if !terminated {
                add(&mut out, "instance", i.tags());
            }
        }

        let lbs = elb.describe_load_balancers().send().await.unwrap();
        let tgs = elb.describe_target_groups().send().await.unwrap();
        let mut arns: Vec<(&'static str, String)> = Vec::new();
        for lb in lbs.load_balancers() {
            let arn = lb.load_balancer_arn().unwrap().to_string();
            let listeners = elb
                .describe_listeners()
                .load_balancer_arn(&arn)
                .send()
                .await
                .unwrap();
            for l in listeners.listeners() {
                arns.push(("listener", l.listener_arn().unwrap().to_string()));
            }
            arns.push(("load_balancer", arn));
        }
        for tg in tgs.target_groups() {
            let arn = tg.target_group_arn().unwrap().to_string();
            let health = elb
                .describe_target_health()
                .target_group_arn(&arn)
                .send()
                .await
                .unwrap();
            let name = tg.target_group_name().unwrap_or("?");
            let targets = health.target_health_descriptions().len();
            out.entry("target")
                .or_default()
                .push(format!("{name}: {targets} targets"));
            arns.push(("target_group", arn));
        }
        for (kind, arn) in arns {
            let tags = elb
                .describe_tags()
                .resource_arns(&arn)
                .send()
                .await
                .unwrap();
            let tags = tags
                .tag_descriptions()
                .first()
                .map(|d| d.tags())
                .unwrap_or_default();
            let get = |key: &str| {
                tags.iter()
                    .find(|t| t.key() == Some(key))
                    .and_then(|t| t.value())
            };
            out.entry(kind)
                .or_default()
                .push(label(get("Name"), get("awsrun:stack")));
        }
    });
    for labels in out.values_mut() {
        labels.sort();
    }
    out
}

/// What the tutorial builds, as [`inventory`] lists it.
pub(crate) fn tutorial_inventory() -> BTreeMap<&'static str, Vec<String>> {
    let s = |name: &str| format!("{name} ({STACK})");
    let list = |names: &[&str]| names.iter().map(|n| s(n)).collect::<Vec<_>>();
    BTreeMap::from([
        (
            "subnet",
            list(&["awesome-api-private-2a", "awesome-api-private-2c"]),
        ),
        (
            "elastic_ip",
            list(&["awesome-api-private-2a-nat", "awesome-api-private-2c-nat"]),
        ),
        (
            "nat_gateway",
            list(&["awesome-api-private-2a-nat", "awesome-api-private-2c-nat"]),
        ),
        (
            "route_table",
            list(&["awesome-api-private-2a", "awesome-api-private-2c"]),
        ),
        (
            "route",
            vec![
                "awesome-api-private-2a: 1 routes, 1 associations".to_string(),
                "awesome-api-private-2c: 1 routes, 1 associations".to_string(),
            ],
        ),
        (
            "security_group",
            list(&["awesome-api-alb", "awesome-api-server-app"]),
        ),
        (
            "ingress_rule",
            vec![
                "awesome-api-alb: 1 rules".to_string(),
                "awesome-api-server-app: 1 rules".to_string(),
            ],
        ),
        (
            "instance",
            list(&["awesome-api-server-1", "awesome-api-server-2"]),
        ),
        ("load_balancer", list(&["awesome-api"])),
        ("listener", list(&["awesome-api-80"])),
        ("target_group", list(&["awesome-api-tg"])),
        ("target", vec!["awesome-api-tg: 2 targets".to_string()]),
    ])
}

/// The tutorial (or `destroy`) through the proxy, `--yes`.
fn through(m: &Moto, proxy: &Proxy, args: &[&str]) -> (bool, String, String) {
    m.run_via(&proxy.endpoint(), args)
}

fn assert_ran(proxy: &Proxy, what: &str, (ok, stdout, stderr): (bool, String, String)) -> String {
    assert!(
        ok,
        "{what} failed through the proxy\n--- stdout\n{stdout}\n--- stderr\n{stderr}\n--- requests\n{:#?}",
        proxy.log()
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        proxy.errors(),
        Vec::<String>::new(),
        "the proxy itself had trouble"
    );
    stdout
}

#[test]
fn a_plain_proxy_changes_nothing() {
    let m = moto();
    let proxy = Proxy::start(m.port(), Schedule::none());
    let out = assert_ran(
        &proxy,
        "the tutorial",
        through(&m, &proxy, &["scripts/multi-server.rhai", "--yes"]),
    );
    assert!(out.contains("Done: 15 created"), "{out}");
    assert_eq!(inventory(&m), tutorial_inventory());
    let log = proxy.log();
    assert!(
        log.iter()
            .any(|e| e.service == "ec2" && e.action == "CreateSubnet"),
        "{log:#?}"
    );
    assert!(
        log.iter()
            .any(|e| e.service == "elasticloadbalancing" && e.action == "CreateLoadBalancer")
    );
    assert!(
        log.iter()
            .any(|e| e.service == "sts" && e.action == "GetCallerIdentity")
    );
}

#[test]
fn the_tutorial_survives_throttling_server_errors_and_dropped_connections() {
    let m = moto();
    let proxy = Proxy::start(
        m.port(),
        Schedule {
            seed: 4,
            percent: 30,
            faults: Fault::ALL.to_vec(),
            max_in_a_row: 2,
            drop_writes_after: false,
        },
    );

    let out = assert_ran(
        &proxy,
        "the tutorial",
        through(&m, &proxy, &["scripts/multi-server.rhai", "--yes"]),
    );
    assert!(
        out.contains("Done: 15 created, 1 changed, 0 existing, 0 deleted."),
        "{out}"
    );
    assert_eq!(
        inventory(&m),
        tutorial_inventory(),
        "exactly the tutorial's resources, no twins"
    );

    // Every kind of fault was injected, on writes too, and some request
    // was faulted twice in a row.
    let log = proxy.log();
    let counts = proxy.counts();
    println!("faults in the first run: {counts:?}");
    for fault in Fault::ALL {
        assert!(
            counts.get(&Some(fault)).is_some_and(|n| *n > 0),
            "no {fault:?} in {counts:?}"
        );
    }
    let writes_hit = log
        .iter()
        .filter(|e| {
            e.fault.is_some()
                && ["Create", "Allocate", "Run", "Register"]
                    .iter()
                    .any(|p| e.action.starts_with(p))
        })
        .count();
    assert!(writes_hit >= 3, "faults on writes: {writes_hit}\n{log:#?}");
    assert!(
        log.windows(2)
            .any(|w| w[0].fault.is_some() && w[1].fault.is_some() && w[0].action == w[1].action),
        "no request was faulted twice in a row"
    );

    // A re-run through the proxy creates nothing.
    proxy.clear_log();
    let out = assert_ran(
        &proxy,
        "the re-run",
        through(&m, &proxy, &["scripts/multi-server.rhai", "--yes"]),
    );
    assert!(
        out.contains("Done: 0 created, 0 changed, 15 existing, 0 deleted."),
        "{out}"
    );
    assert_eq!(inventory(&m), tutorial_inventory());
    assert!(proxy.log().iter().any(|e| e.fault.is_some()));

    // And destroy through the proxy removes everything.
    proxy.clear_log();
    assert_ran(
        &proxy,
        "destroy",
        through(&m, &proxy, &["destroy", "--stack", STACK, "--yes"]),
    );
    assert_eq!(
        inventory(&m),
        BTreeMap::new(),
        "destroy left something behind"
    );
    assert!(proxy.log().iter().any(|e| e.fault.is_some()));
}

/// EC2's idempotency tokens make a retried `RunInstances` or
/// `CreateNatGateway` safe: every attempt of one call carries the same
/// token. But AWS keeps a token for at least a day after the instance is
/// gone and answers a repeated token with the original result (or with
/// `IdempotentParameterMismatch`), so a token must never be reused by a
/// later call: run, destroy and run again must launch new instances.
#[test]
fn client_tokens_are_kept_across_retries_and_never_reused_across_runs() {
    let m = moto();
    let proxy = Proxy::start(
        m.port(),
        Schedule {
            seed: 7,
            percent: 25,
            faults: vec![Fault::Throttle, Fault::DropBefore],
            max_in_a_row: 2,
            drop_writes_after: false,
        },
    );
    let tokens = |proxy: &Proxy| {
        let mut tokens: BTreeMap<String, Vec<Option<Fault>>> = BTreeMap::new();
        for e in proxy.log() {
            if matches!(
                e.action.as_str(),
                "RunInstances" | "CreateNatGateway" | "CreateRouteTable"
            ) {
                let token = e
                    .client_token
                    .clone()
                    .unwrap_or_else(|| panic!("{} without a ClientToken", e.action));
                tokens.entry(token).or_default().push(e.fault);
            }
        }
        tokens
    };
    assert_ran(
        &proxy,
        "the tutorial",
        through(&m, &proxy, &["scripts/multi-server.rhai", "--yes"]),
    );
    let first = tokens(&proxy);
    // 2 instances, 2 NAT gateways, 2 route tables; retries share a token.
    assert_eq!(first.len(), 6, "{first:#?}");
    assert!(
        first.values().any(|attempts| attempts.len() > 1),
        "no write was retried: {first:#?}"
    );
    for attempts in first.values() {
        let (last, faulted) = attempts.split_last().unwrap();
        assert!(
            last.is_none() && faulted.iter().all(Option::is_some),
            "{attempts:?}"
        );
    }

    assert_ran(
        &proxy,
        "destroy",
        through(&m, &proxy, &["destroy", "--stack", STACK, "--yes"]),
    );
    proxy.clear_log();
    assert_ran(
        &proxy,
        "the second run",
        through(&m, &proxy, &["scripts/multi-server.rhai", "--yes"]),
    );
    let second = tokens(&proxy);
    assert_eq!(second.len(), 6, "{second:#?}");
    let reused: Vec<&String> = second.keys().filter(|t| first.contains_key(*t)).collect();
    assert!(
        reused.is_empty(),
        "tokens of the first run used again: {reused:?}"
    );
    assert_eq!(inventory(&m), tutorial_inventory());
}

/// When the answer to a write is lost after the server did it, the SDK
/// sends the write again. On AWS that is harmless for most writes (client
/// tokens for `RunInstances`, `CreateNatGateway` and `CreateRouteTable`;
/// load balancers and target groups are idempotent by name; the others fail
/// as duplicates), but moto ignores client tokens and names, so the run may
/// fail or leave a twin here. What must hold anyway: everything made is
/// tagged with its stack and name, so `destroy` finds and removes it all.
#[test]
fn lost_answers_to_writes_leave_nothing_untagged_and_destroy_removes_all() {
    let m = moto();
    for seed in 1..=3 {
        m.reset();
        let proxy = Proxy::start(
            m.port(),
            Schedule {
                seed,
                percent: 30,
                faults: vec![Fault::DropAfter],
                max_in_a_row: 2,
                drop_writes_after: true,
            },
        );
        let (_, stdout, stderr) = through(&m, &proxy, &["scripts/multi-server.rhai", "--yes"]);
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(proxy.errors(), Vec::<String>::new());
        let lost: Vec<String> = proxy
            .log()
            .iter()
            .filter(|e| e.fault.is_some())
            .map(|e| e.action.clone())
            .collect();
        assert!(!lost.is_empty());
        for (kind, labels) in inventory(&m) {
            for label in labels {
                assert!(
                    !label.contains("<no "),
                    "seed {seed}, answers lost to {lost:?}: an untagged {kind}: {label}\n{stdout}\n{stderr}"
                );
            }
        }
        m.awsrun()
            .args(["destroy", "--stack", STACK, "--yes"])
            .assert()
            .success();
        assert_eq!(
            inventory(&m),
            BTreeMap::new(),
            "seed {seed}, answers lost to {lost:?}"
        );
    }
}
