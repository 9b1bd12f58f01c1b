//! Cost and time in every plan. The tutorial's figures are worked out here
//! by hand from the price table (`src/cloud/prices.json`), never by the
//! code under test, and compared with what the plan, the JSON document and
//! `scripts/README.md` say.

use crate::support::awsrun;
use crate::support::moto::moto;

/// A price of the table, read by the test itself.
fn price(item: &str) -> f64 {
    let table: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate::support::root().join("src/cloud/prices.json")).unwrap(),
    )
    .unwrap();
    table["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["item"] == item && p["region"] == "ap-northeast-2")
        .and_then(|p| p["usd"].as_f64())
        .unwrap_or_else(|| panic!("no {item} in ap-northeast-2"))
}

/// The tutorial by the hour, by hand: two NAT gateways, the ALB's hour and
/// its first LCU, two t2.micro, and four public IPv4 addresses (two Elastic
/// IPs, the ALB's node in each of its two AZs).
fn tutorial_hourly() -> f64 {
    2.0 * price("nat_gateway")
        + price("alb")
        + price("alb_lcu")
        + 2.0 * price("instance:t2.micro")
        + 4.0 * price("public_ipv4")
}

/// `$0.1973` as the plan writes dollars.
fn dollars(usd: f64) -> String {
    if usd >= 10.0 {
        return format!("${usd:.2}");
    }
    let text = format!("{usd:.4}");
    format!("${}", text.trim_end_matches('0').trim_end_matches('.'))
}

fn stdout(out: &snapbox::cmd::OutputAssert) -> String {
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn the_tutorials_plan_says_what_it_costs_per_line_and_in_all() {
    let out = awsrun()
        .args(["scripts/multi-server.rhai", "--dry-run"])
        .assert()
        .success();
    let text = stdout(&out);
    let hourly = tutorial_hourly();
    let line = format!(
        "Cost: {}/h, about {}/month once applied (now $0/h: +{}/h)",
        dollars(hourly),
        dollars(hourly * 730.0),
        dollars(hourly)
    );
    assert!(text.contains(&line), "expected {line:?} in:\n{text}");
    assert!(text.contains("not included: NAT data processing"), "{text}");
    let of = |kind: &str| {
        text.lines()
            .filter(|l| l.contains(&format!(" {kind} ")) && l.contains("+ create"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    for nat in of("nat_gateway") {
        assert!(
            nat.ends_with(&format!("{}/h", dollars(price("nat_gateway")))),
            "{nat}"
        );
    }
    let lb = &of("load_balancer")[0];
    let lb_hourly = price("alb") + price("alb_lcu") + 2.0 * price("public_ipv4");
    assert!(lb.ends_with(&format!("{}/h", dollars(lb_hourly))), "{lb}");
    for subnet in of("subnet") {
        assert!(!subnet.contains("/h"), "a subnet is free: {subnet}");
    }
    // Time too, without --sim-latency.
    assert!(
        text.contains("Estimate: about 2m40s for a live run"),
        "{text}"
    );
}

#[test]
fn the_json_plan_carries_the_same_figures() {
    let out = awsrun()
        .args(["scripts/multi-server.rhai", "--dry-run", "--output", "json"])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let hourly = tutorial_hourly();
    let cost = &doc["cost"];
    assert!((cost["after"]["hourly_usd"].as_f64().unwrap() - hourly).abs() < 1e-9);
    assert!((cost["after"]["monthly_usd"].as_f64().unwrap() - hourly * 730.0).abs() < 1e-6);
    assert_eq!(cost["now"]["hourly_usd"], 0.0);
    assert!((cost["change_hourly_usd"].as_f64().unwrap() - hourly).abs() < 1e-9);
    let nat = doc["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "nat_gateway")
        .unwrap();
    assert_eq!(nat["cost"]["cost"], "usd");
    assert_eq!(nat["cost"]["usd"].as_f64().unwrap(), price("nat_gateway"));
    assert!(doc["estimate"]["seconds"].as_u64().unwrap() >= 160);
}

#[test]
fn a_type_the_table_lacks_is_price_unknown_and_fails_a_cost_limit() {
    let out = awsrun()
        .args([
            "scripts/multi-server.rhai",
            "--dry-run",
            "--var",
            "instance_type=t3.nano",
        ])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(
        text.contains("price unknown (instance:t3.nano in ap-northeast-2)"),
        "{text}"
    );
    let out = awsrun()
        .args([
            "scripts/multi-server.rhai",
            "--dry-run",
            "--var",
            "instance_type=t3.nano",
            "--max-monthly-cost",
            "1000",
        ])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("awsrun::cost::over_limit"), "{stderr}");
    assert!(stderr.contains("monthly cost is unknown"), "{stderr}");
}

#[test]
fn a_plan_over_the_monthly_limit_is_refused_live_before_any_write() {
    let m = moto();
    let ec2 = m.ec2();
    let subnets = |m: &crate::support::moto::Moto| {
        m.block_on(async { ec2.describe_subnets().send().await.unwrap().subnets().len() })
    };
    let before = subnets(&m);
    let limit = format!("{:.2}", tutorial_hourly() * 730.0 - 1.0);
    let out = m
        .awsrun()
        .args([
            "scripts/multi-server.rhai",
            "--yes",
            "--max-monthly-cost",
            &limit,
        ])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("awsrun::cost::over_limit"), "{stderr}");
    assert!(stderr.contains("over --max-monthly-cost"), "{stderr}");
    assert!(stderr.contains(&format!("${limit}")), "{stderr}");
    assert_eq!(subnets(&m), before, "a subnet was made");
    // The same limit from the environment, and one above the plan, lets it through.
    m.awsrun()
        .env("AWSRUN_MAX_MONTHLY_COST", &limit)
        .args(["scripts/multi-server.rhai", "--yes"])
        .assert()
        .code(1);
    let above = format!("{:.2}", tutorial_hourly() * 730.0 + 1.0);
    m.awsrun()
        .args([
            "scripts/multi-server.rhai",
            "--yes",
            "--max-monthly-cost",
            &above,
        ])
        .assert()
        .success();
    // A destroy says what stops being billed, and how long it takes.
    let out = m
        .awsrun()
        .args(["destroy", "--stack", "multi-server", "--dry-run"])
        .assert()
        .success();
    let text = stdout(&out);
    let hourly = tutorial_hourly();
    let stops = format!(
        "Stops billing: {}/h, about {}/month",
        dollars(hourly),
        dollars(hourly * 730.0)
    );
    assert!(text.contains(&stops), "expected {stops:?} in:\n{text}");
    assert!(text.contains("Estimate: about"), "{text}");
    // The live destroy's plan says both too, before it asks.
    let out = m
        .awsrun()
        .args(["destroy", "--stack", "multi-server", "--yes"])
        .assert()
        .success();
    let text = stdout(&out);
    assert!(text.contains(&stops), "expected {stops:?} in:\n{text}");
    let estimate = text
        .lines()
        .find(|l| l.starts_with("Estimate: about"))
        .unwrap_or_else(|| panic!("no estimate:\n{text}"));
    // The NAT gateways take a minute to go (deleting -> deleted).
    assert!(estimate.contains("nat_gateway"), "{estimate}");
}

#[test]
fn the_scripts_readme_states_the_tutorials_prices_as_the_table_has_them() {
    let readme = std::fs::read_to_string(crate::support::root().join("scripts/README.md")).unwrap();
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `multi-server.rhai`"))
        .unwrap();
    for (what, usd) in [
        ("2 NAT gateways", 2.0 * price("nat_gateway")),
        ("the ALB", price("alb")),
        ("at least 1 LCU", price("alb_lcu")),
        ("2 t2.micro", 2.0 * price("instance:t2.micro")),
        (
            "4 public IPv4 addresses (2 Elastic IPs, 2 ALB nodes)",
            4.0 * price("public_ipv4"),
        ),
    ] {
        let figure = format!("${:.3}", usd);
        let short = figure.trim_end_matches('0');
        assert!(
            row.contains(&format!("{what} {figure}"))
                || row.contains(&format!("{what} {short}"))
                || row.contains(&format!("{what} ${:.4}", usd)),
            "README's {what} is not {figure}: {row}"
        );
    }
    let total = format!("about **${:.2}**", tutorial_hourly());
    assert!(row.contains(&total), "README's total is not {total}: {row}");
    // own-vpc: as the tutorial with `per_az`; `single` has one NAT gateway
    // and one Elastic IP less, `none` neither.
    let row = readme
        .lines()
        .find(|l| l.starts_with("| `own-vpc.rhai`"))
        .unwrap();
    let one_nat = price("nat_gateway") + price("public_ipv4");
    for (strategy, usd) in [
        ("per_az", tutorial_hourly()),
        ("single", tutorial_hourly() - one_nat),
        ("none", tutorial_hourly() - 2.0 * one_nat),
    ] {
        let figure = format!("${usd:.2}");
        let at = row
            .rfind(&format!("`{strategy}`"))
            .unwrap_or_else(|| panic!("no {strategy}: {row}"));
        let after = &row[at..];
        let said = &after[after.find('$').unwrap()..];
        assert!(
            said.trim_start_matches('$')
                .starts_with(figure.trim_start_matches('$')),
            "README's {strategy} is not about {figure}: {after}"
        );
    }
}
