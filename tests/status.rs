//! `awsrun status` and `awsrun stacks` live against moto's server on
//! 127.0.0.1: after the tutorial, after half of it, and after destroy.

use crate::support::moto::{Moto, moto};

fn run(m: &Moto, args: &[&str]) -> String {
    let out = m.awsrun().args(args).assert().success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

fn json(m: &Moto, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--output", "json"]);
    serde_json::from_str(&run(m, &all)).expect("one JSON document")
}

#[test]
fn status_lists_what_the_tutorial_holds_what_it_costs_and_what_is_stuck() {
    let m = moto();
    run(&m, &["scripts/multi-server.rhai", "--yes"]);
    let text = run(&m, &["status", "--stack", "multi-server"]);
    assert!(
        text.starts_with("Stack \"multi-server\" in ap-northeast-2: 15 resources"),
        "{text}"
    );
    for kind in [
        "subnet",
        "elastic_ip",
        "nat_gateway",
        "route_table",
        "security_group",
        "instance",
        "target_group",
        "load_balancer",
        "listener",
    ] {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(kind)),
            "no {kind}:\n{text}"
        );
    }
    // The tutorial by the hour: 2 NAT 0.059, ALB 0.0225 + LCU 0.008,
    // 2 t2.micro 0.0144, 4 public IPv4 0.005 (the cost tests derive these
    // from the table; here the figure the status line must show).
    assert!(
        text.contains("Costs $0.1973/h, about $144.03/month"),
        "{text}"
    );
    assert!(text.contains("Nothing unhealthy or stuck."), "{text}");

    // A server stopped by hand is reported.
    let doc = json(&m, &["status", "--stack", "multi-server"]);
    let server = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "instance")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let ec2 = m.ec2();
    m.block_on(async {
        ec2.stop_instances()
            .instance_ids(&server)
            .send()
            .await
            .unwrap();
    });
    let doc = json(&m, &["status", "--stack", "multi-server"]);
    let problems: Vec<String> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains(&server) && p.contains("not running")),
        "{problems:?}"
    );
    assert_eq!(doc["resources"].as_array().unwrap().len(), 15);
    assert!(doc["cost"]["hourly_usd"].as_f64().unwrap() > 0.0);

    // stacks: this one, with its count and cost.
    let stacks = json(&m, &["stacks"]);
    let list = stacks["stacks"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{stacks}");
    assert_eq!(list[0]["stack"], "multi-server");
    assert_eq!(list[0]["resources"], 15);

    // After destroy: nothing held, no stack.
    run(&m, &["destroy", "--stack", "multi-server", "--yes"]);
    let text = run(&m, &["status", "--stack", "multi-server"]);
    assert!(text.contains("holds nothing"), "{text}");
    let text = run(&m, &["stacks"]);
    assert!(text.contains("No stack in ap-northeast-2"), "{text}");
}

#[test]
fn stacks_lists_every_stack_a_half_run_left_billing() {
    let m = moto();
    // Half the tutorial (as a run stopped after its first private subnet
    // leaves it), and another team's stack.
    run(
        &m,
        &[
            "tests/cases/live/half-tutorial.rhai",
            "--stack",
            "multi-server",
            "--yes",
        ],
    );
    run(
        &m,
        &[
            "tests/cases/live/other-stack.rhai",
            "--stack",
            "other",
            "--yes",
        ],
    );
    let text = run(&m, &["stacks"]);
    let line = |stack: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(stack))
            .unwrap_or_else(|| panic!("no {stack}:\n{text}"))
            .to_string()
    };
    // Subnet, Elastic IP, NAT gateway, route table: the NAT and its
    // address bill by the hour (0.059 + 0.005).
    let half = line("multi-server");
    assert!(half.contains("4 resources"), "{half}");
    assert!(half.contains("$0.064/h"), "{half}");
    let other = line("other");
    assert!(other.contains("2 resources"), "{other}");
    assert!(other.contains("$0/h"), "{other}");
    assert!(text.contains("In all $0.064/h"), "{text}");
    let status = run(&m, &["status", "--stack", "multi-server"]);
    assert!(status.contains("Costs $0.064/h"), "{status}");
}
