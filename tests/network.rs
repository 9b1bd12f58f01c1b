//! A network of a stack's own (`network()`, `scripts/own-vpc.rhai`): the
//! plan of each NAT strategy, the subnets' blocks, and bad options.

use crate::support::{awsrun, snapshot};

/// The JSON document of a dry-run of `script` (written to a file of its
/// own), which must exit with `code`.
fn dry_run(script: &str, code: i32) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.rhai");
    std::fs::write(&path, script).unwrap();
    let out = awsrun()
        .args([path.to_str().unwrap(), "--dry-run", "--output", "json"])
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("one JSON document")
}

fn plan(vars: &[&str]) -> String {
    let mut args = vec!["scripts/own-vpc.rhai", "--dry-run", "--output", "json"];
    for var in vars {
        args.extend(["--var", var]);
    }
    let out = awsrun()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// `(kind, name)` of every created resource of a JSON plan.
fn created(json: &str) -> Vec<(String, String)> {
    let doc: serde_json::Value = serde_json::from_str(json).unwrap();
    doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["op"] == "created")
        .map(|a| {
            (
                a["kind"].as_str().unwrap().to_string(),
                a["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn count(created: &[(String, String)], kind: &str) -> usize {
    created.iter().filter(|(k, _)| k == kind).count()
}

#[test]
fn each_nat_strategy_has_its_plan() {
    for (strategy, snap) in [
        ("single", "own-vpc.nat-single.plan.txt"),
        ("none", "own-vpc.nat-none.plan.txt"),
    ] {
        awsrun()
            .args(["scripts/own-vpc.rhai", "--dry-run", "--var"])
            .arg(format!("nat={strategy}"))
            .assert()
            .success()
            .stdout_eq(snapshot(snap));
    }
}

#[test]
fn per_az_makes_a_nat_gateway_and_private_table_per_az_single_one_none_no_nat() {
    for (strategy, azs, nats, tables) in [
        ("per_az", "2a,2c", 2, 3),
        ("per_az", "2a,2b,2c", 3, 4),
        ("single", "2a,2b,2c", 1, 2),
        ("none", "2a,2c", 0, 1),
    ] {
        // t2 is not offered in ap-northeast-2b: these servers are t3.
        let made = created(&plan(&[
            &format!("nat={strategy}"),
            &format!("azs={azs}"),
            "instance_type=t3.micro",
        ]));
        let zones = azs.split(',').count();
        assert_eq!(count(&made, "vpc"), 1, "{strategy}");
        assert_eq!(count(&made, "internet_gateway"), 1, "{strategy}");
        assert_eq!(count(&made, "subnet"), 2 * zones, "{strategy} {azs}");
        assert_eq!(count(&made, "nat_gateway"), nats, "{strategy} {azs}");
        assert_eq!(count(&made, "elastic_ip"), nats, "{strategy} {azs}");
        assert_eq!(count(&made, "route_table"), tables, "{strategy} {azs}");
    }
}

#[test]
fn subnet_blocks_come_from_the_vpc_block_public_first() {
    let doc: serde_json::Value =
        serde_json::from_str(&plan(&["cidr=10.20.0.0/16", "azs=2a,2c"])).unwrap();
    let blocks: Vec<(String, String)> = doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "subnet")
        .map(|a| {
            let detail = a["detail"].as_str().unwrap_or_default().to_string();
            let cidr = detail
                .split_whitespace()
                .find_map(|w| w.strip_prefix("cidr="))
                .unwrap_or_default()
                .to_string();
            (a["name"].as_str().unwrap().to_string(), cidr)
        })
        .collect();
    // Written out by hand: /20s of the /16, the public subnets first.
    assert_eq!(
        blocks,
        [
            (
                "awesome-api-public-2a".to_string(),
                "10.20.0.0/20".to_string()
            ),
            ("awesome-api-private-2a".into(), "10.20.32.0/20".into()),
            ("awesome-api-public-2c".into(), "10.20.16.0/20".into()),
            ("awesome-api-private-2c".into(), "10.20.48.0/20".into()),
        ]
    );
}

#[test]
fn blocks_given_per_az_override_the_computed_ones() {
    let script = r#"
let net = network("lab", #{ cidr: "10.9.0.0/16", azs: ["2a", "2c"], nat: "none",
    public_cidrs: ["10.9.0.0/24", "10.9.1.0/24"], private_cidrs: ["10.9.10.0/24", "10.9.11.0/24"] });
net.private_subnets.map(|s| s.cidr) + net.public_subnets.map(|s| s.cidr)
"#;
    let doc = dry_run(script, 0);
    assert_eq!(
        doc["result"],
        serde_json::json!(["10.9.10.0/24", "10.9.11.0/24", "10.9.0.0/24", "10.9.1.0/24"])
    );
}

#[test]
fn bad_network_options_are_reported_at_the_scripts_line_and_change_nothing() {
    for (line, code, says) in [
        (
            r#"network("n", #{ nat: "double" });"#,
            "awsrun::opts::value",
            "per_az",
        ),
        (
            r#"network("n", #{ nats: "single" });"#,
            "awsrun::opts::unknown_key",
            "nat",
        ),
        (
            r#"network("n", #{ azs: ["2a", "2c"], private_cidrs: ["10.0.0.0/20"] });"#,
            "awsrun::opts::value",
            "one block per AZ",
        ),
        (
            r#"network("n", #{ cidr: "10.0.0.0/26", azs: ["2a", "2c"] });"#,
            "awsrun::opts::value",
            "room for",
        ),
    ] {
        let doc = dry_run(&format!("let x = 1;\n{line}\n"), 1);
        assert_eq!(doc["error"]["code"], code, "{line}");
        assert_eq!(doc["error"]["line"], 2, "{line}: at the script's own line");
        let text = format!("{} {}", doc["error"]["message"], doc["error"]["help"]);
        assert!(text.contains(says), "{line}: {text}");
        assert!(
            doc["actions"].as_array().is_none_or(|a| a.is_empty()),
            "{line}: nothing planned before the check"
        );
    }
}

/// The NAT lint finds a subnet's route table also when nothing else of the
/// stack names its VPC: a default subnet routes through the default VPC's
/// main table, to its internet gateway.
#[test]
fn a_nat_gateway_in_a_default_subnet_is_not_flagged_as_private() {
    let warnings = |script: &str| -> Vec<String> {
        let doc = dry_run(script, 0);
        doc["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["code"].as_str().unwrap().to_string())
            .collect()
    };
    let alone = r#"nat_gateway("nat", #{ subnet: public_subnet("2a"), eip: elastic_ip("nat") });"#;
    assert!(warnings(alone).is_empty(), "{:?}", warnings(alone));
    // In a VPC of the stack's own, a subnet without a table of its own is private.
    let own = r#"
let v = vpc("lab", #{ cidr: "10.0.0.0/16" });
internet_gateway("lab", #{ vpc: v });
let s = subnet("lab-a", #{ vpc: v, cidr: "10.0.0.0/24", az: "2a" });
nat_gateway("nat", #{ subnet: s, eip: elastic_ip("nat") });
"#;
    assert_eq!(warnings(own), ["awsrun::warn::nat_private"]);
}

/// Without an internet gateway a VPC's NAT gateways fail and an
/// internet-facing load balancer is refused, as AWS does: each reported at
/// the script's line with AWS's code and what to do.
#[test]
fn a_vpc_without_internet_gateway_fails_its_nat_and_refuses_a_public_load_balancer() {
    let run = |script: &str| dry_run(script, 1);
    let head = r#"let v = vpc("lab", #{ cidr: "10.0.0.0/16" });
let a = subnet("lab-a", #{ vpc: v, cidr: "10.0.0.0/24", az: "2a" });
let c = subnet("lab-c", #{ vpc: v, cidr: "10.0.1.0/24", az: "2c" });
"#;
    let nat = run(&format!(
        "{head}let nat = nat_gateway(\"nat\", #{{ subnet: a, eip: elastic_ip(\"nat\") }});\nwait(nat);\n"
    ));
    let error = &nat["error"];
    assert_eq!(error["code"], "awsrun::wait::failed");
    assert_eq!(error["line"], 5);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("failed (Gateway.NotAttached: Network vpc-"),
        "{message}"
    );
    assert!(
        error["help"]
            .as_str()
            .unwrap()
            .contains("internet_gateway("),
        "{error}"
    );

    let lb = run(&format!(
        "{head}let sg = security_group(\"web\", #{{ vpc: v }});\nload_balancer(\"web\", #{{ subnets: [a, c], security_groups: [sg] }});\n"
    ));
    let error = &lb["error"];
    assert_eq!(error["code"], "awsrun::aws::InvalidSubnet");
    assert_eq!(error["line"], 5);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("has no internet gateway"),
        "{error}"
    );
}
