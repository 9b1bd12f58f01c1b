//! A target group's health check and deregistration delay on a live run
//! against moto (127.0.0.1): created as the script asks, changed in place
//! by a re-run that asks for others, then left alone. Every setting is
//! checked with the test's own ELBv2 client, never awsrun's.

use crate::support::aws_timing::{AwsTiming, Windows};
use crate::support::moto::{Moto, moto};
use crate::support::proxy::Schedule;
use std::time::Duration;

const SCRIPT: &str = "tests/cases/tg-settings.rhai";
const STACK: &str = "tg-settings";

/// What AWS says of the stack's group: its ARN, health-check interval,
/// path and healthy threshold, and its deregistration delay.
fn described(m: &Moto) -> (String, i32, String, i32, String) {
    let elb = m.elb();
    m.block_on(async {
        let groups = elb
            .describe_target_groups()
            .names("tuned-tg")
            .send()
            .await
            .unwrap();
        let [tg] = groups.target_groups() else {
            panic!("one group: {groups:?}");
        };
        let arn = tg.target_group_arn().unwrap().to_string();
        let attributes = elb
            .describe_target_group_attributes()
            .target_group_arn(&arn)
            .send()
            .await
            .unwrap();
        let delay = attributes
            .attributes()
            .iter()
            .find(|a| a.key() == Some("deregistration_delay.timeout_seconds"))
            .and_then(|a| a.value())
            .unwrap_or("")
            .to_string();
        (
            arn,
            tg.health_check_interval_seconds().unwrap_or(0),
            tg.health_check_path().unwrap_or("").to_string(),
            tg.healthy_threshold_count().unwrap_or(0),
            delay,
        )
    })
}

/// A live run of the script with these `--var`s: its stdout.
fn run(m: &Moto, vars: &[&str]) -> String {
    let mut args = vec![SCRIPT, "--stack", STACK, "--yes"];
    for var in vars {
        args.extend(["--var", var]);
    }
    let out = m.awsrun().args(&args).assert().success();
    String::from_utf8_lossy(&out.get_output().stdout).into_owned()
}

#[test]
fn a_live_group_gets_its_settings_changes_them_in_place_and_then_stays() {
    let m = moto();
    run(&m, &[]);
    let (arn, interval, path, healthy, delay) = described(&m);
    assert_eq!((interval, path.as_str(), healthy), (10, "/health", 3));
    assert_eq!(delay, "30");

    let stdout = run(&m, &["interval=20", "delay=60"]);
    let change = stdout
        .lines()
        .find(|l| l.contains("~ change") && l.contains("tuned-tg"))
        .unwrap_or_else(|| panic!("no change line for the group:\n{stdout}"));
    assert!(change.contains("target_group"), "{change}");
    assert!(
        stdout.contains("health check interval: 10 -> 20"),
        "{stdout}"
    );
    assert!(
        stdout.contains("deregistration_delay: 30 -> 60"),
        "{stdout}"
    );
    let (arn_after, interval, path, healthy, delay) = described(&m);
    assert_eq!(arn_after, arn, "the group was replaced");
    assert_eq!((interval, path.as_str(), healthy), (20, "/health", 3));
    assert_eq!(delay, "60");

    let stdout = run(&m, &["interval=20", "delay=60"]);
    assert!(
        !stdout.contains("~ change") && !stdout.contains("+ create"),
        "a third run changes nothing:\n{stdout}"
    );
    assert_eq!(described(&m), (arn, 20, "/health".into(), 3, "60".into()));
}

/// ELBv2 may not know a group for a while after creating it: setting the
/// new group's delay (ModifyTargetGroupAttributes, named by its ARN) is
/// retried until it does.
#[test]
fn the_delay_of_a_new_group_is_set_once_elb_knows_the_group() {
    let m = moto();
    let none = Duration::ZERO;
    let timing = AwsTiming::new(Windows {
        unknown: Duration::from_secs(2),
        pending: none,
        initial: none,
        nat_pending: none,
        nat_deleting: none,
        address_held: none,
        lingering: none,
        shutting_down: none,
        acm_records: none,
        issuing: none,
        cert_in_use: none,
        draining: none,
        group_deleting: none,
    });
    let proxy = timing.proxy(m.port(), Schedule::none());
    let (ok, stdout, stderr) = m.run_via(&proxy.endpoint(), &[SCRIPT, "--stack", STACK, "--yes"]);
    assert!(ok, "--- stdout\n{stdout}\n--- stderr\n{stderr}");
    assert!(stderr.contains("is not known to AWS yet"), "{stderr}");
    let seen = timing.seen();
    assert!(
        seen.contains_key("NotFound ModifyTargetGroupAttributes"),
        "{seen:?}"
    );
    assert_eq!(proxy.errors(), Vec::<String>::new());
    let (_, interval, _, _, delay) = described(&m);
    assert_eq!((interval, delay.as_str()), (10, "30"));
}
