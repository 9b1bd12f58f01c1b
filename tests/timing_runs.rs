//! The tutorial, a rolling deploy and destroy live against moto through
//! the AWS-timing layer (`support/aws_timing.rs`): new ids unknown for a
//! while, instances pending, targets initial, NAT gateways pending and
//! deleting, a deleted load balancer's subnets and groups and a deleted
//! NAT gateway's address still in use. awsrun must converge anyway, as it
//! must on AWS. Resources are counted with the test's own clients,
//! straight to moto.

use crate::faults::{inventory, tutorial_inventory};
use crate::rolling::{
    Proxy as Sampler, assert_only_these_serve, count_of, live_by_name, live_health,
};
use crate::support::aws_timing::{AwsTiming, Windows};
use crate::support::moto::{Moto, moto};
use crate::support::proxy::{Fault, Proxy, Schedule};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const STACK: &str = "multi-server";

/// awsrun with `args` through `endpoint`: (success, stdout, stderr).
pub(crate) fn ok(
    what: &str,
    proxy: &Proxy,
    (ok, stdout, stderr): (bool, String, String),
) -> String {
    assert!(
        ok,
        "{what} failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(proxy.errors(), Vec::<String>::new());
    format!("{stdout}{stderr}")
}

/// The tutorial, its re-run and destroy through `proxy`; the layer's record.
fn tutorial_rerun_destroy(m: &Moto, timing: &AwsTiming, proxy: &Proxy) {
    let endpoint = proxy.endpoint();
    let tutorial = ["scripts/multi-server.rhai", "--yes"];
    let out = ok("the tutorial", proxy, m.run_via(&endpoint, &tutorial));
    assert!(out.contains("Done: 15 created, 1 changed"), "{out}");
    assert!(out.contains("is not known to AWS yet"), "{out}");
    assert_eq!(inventory(m), tutorial_inventory());
    let (_, health) = live_health(m);
    assert_eq!(health.len(), 2, "{health:?}");

    let seen = timing.seen();
    println!("the layer during the tutorial: {seen:?}");
    for what in ["pending", "initial", "nat pending"] {
        assert!(seen.contains_key(what), "no {what} in {seen:?}");
    }
    let not_found: usize = seen
        .iter()
        .filter(|(k, _)| k.starts_with("NotFound"))
        .map(|(_, n)| n)
        .sum();
    assert!(not_found >= 3, "{seen:?}");
    // awsrun waited for running before registering: never refused.
    assert!(!seen.contains_key("InvalidTarget"), "{seen:?}");

    let out = ok("the re-run", proxy, m.run_via(&endpoint, &tutorial));
    assert!(
        out.contains("Done: 0 created, 0 changed, 15 existing, 0 deleted."),
        "{out}"
    );
    assert_eq!(inventory(m), tutorial_inventory());

    let destroy = ["destroy", "--stack", STACK, "--yes"];
    let out = ok("destroy", proxy, m.run_via(&endpoint, &destroy));
    assert_eq!(
        inventory(m),
        BTreeMap::new(),
        "destroy left something\n{out}"
    );
    let seen = timing.seen();
    for what in [
        "DependencyViolation",
        "AuthFailure",
        "deleting",
        "shutting-down",
    ] {
        assert!(seen.contains_key(what), "no {what} in {seen:?}");
    }
    assert!(out.contains("still in use (DependencyViolation"), "{out}");
}

/// Short windows, but instances and NAT gateways slow enough that the
/// tutorial's register and wait see them pending.
fn tutorial_windows() -> Windows {
    Windows {
        pending: std::time::Duration::from_secs(6),
        nat_pending: std::time::Duration::from_secs(20),
        ..Windows::short()
    }
}

#[test]
fn the_tutorial_converges_and_destroys_under_aws_timing() {
    let m = moto();
    let timing = AwsTiming::new(tutorial_windows());
    let proxy = timing.proxy(m.port(), Schedule::none());
    tutorial_rerun_destroy(&m, &timing, &proxy);
}

#[test]
fn the_tutorial_converges_under_aws_timing_and_transient_faults() {
    let m = moto();
    let timing = AwsTiming::new(tutorial_windows());
    let schedule = Schedule {
        seed: 4,
        percent: 20,
        faults: Fault::ALL.to_vec(),
        max_in_a_row: 2,
        drop_writes_after: false,
    };
    let proxy = timing.proxy(m.port(), schedule);
    tutorial_rerun_destroy(&m, &timing, &proxy);
    let counts = proxy.counts();
    for fault in Fault::ALL {
        assert!(
            counts.contains_key(&Some(fault)),
            "no {fault:?} in {counts:?}"
        );
    }
}

/// The tutorial through the layer, then a sampler in front of the layer:
/// the healthy counts it samples are the layer's (AWS's view).
fn tutorial_then_sampler(
    m: &Moto,
    timing: &Arc<AwsTiming>,
    stop: Option<&str>,
) -> (Proxy, Sampler, BTreeSet<String>) {
    let proxy = timing.proxy(m.port(), Schedule::none());
    let tutorial = ["scripts/multi-server.rhai", "--yes"];
    ok(
        "the tutorial",
        &proxy,
        m.run_via(&proxy.endpoint(), &tutorial),
    );
    // Past the initial window: the tutorial's targets are healthy.
    std::thread::sleep(Windows::short().initial);
    let (arn, health) = live_health(m);
    assert!(health.values().all(|s| s == "healthy"), "{health:?}");
    let sampler = Sampler::start_via(m, proxy.port(), &arn, stop);
    (proxy, sampler, health.into_keys().collect())
}

fn deploy(version: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["scripts/rolling-deploy.rhai", "--stack", STACK, "--yes"]
        .map(String::from)
        .to_vec();
    args.extend(["--var".into(), format!("version={version}")]);
    for var in extra {
        args.extend(["--var".into(), var.to_string()]);
    }
    args
}

#[test]
fn a_rolling_deploy_under_aws_timing_keeps_every_healthy_target() {
    let m = moto();
    let timing = AwsTiming::new(Windows::short());
    let (proxy, sampler, old) = tutorial_then_sampler(&m, &timing, None);
    let args = deploy("v2", &["batch=1"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = m.run_via(&sampler.endpoint(), &args);
    let seen = sampler.finish();
    ok("the deploy", &proxy, result);
    assert_eq!(count_of(&seen, "RunInstances"), 2, "{:?}", seen.samples);
    let low: Vec<_> = seen.samples.iter().filter(|(_, n)| *n < 2).collect();
    assert!(
        low.is_empty(),
        "healthy fell below 2: {low:?} in {:?}",
        seen.samples
    );
    let peak = seen.samples.iter().map(|(_, n)| *n).max();
    assert_eq!(peak, Some(3), "{:?}", seen.samples);
    assert!(timing.seen().contains_key("initial"), "{:?}", timing.seen());

    let (_, health) = live_health(&m);
    assert!(health.values().all(|s| s == "healthy"), "{health:?}");
    let by_name = live_by_name(&m);
    for name in ["awesome-api-v2-1", "awesome-api-v2-2"] {
        let found = &by_name[name];
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert!(
            health.contains_key(&found[0].0),
            "{name} not serving: {health:?}"
        );
    }
    assert!(old.iter().all(|id| !health.contains_key(id)), "{health:?}");
}

#[test]
fn a_failed_batch_under_aws_timing_is_rolled_back_and_says_why() {
    let m = moto();
    let timing = AwsTiming::new(Windows::short());
    let (proxy, sampler, old) = tutorial_then_sampler(&m, &timing, Some("awesome-api-v3-"));
    let args = deploy("v3", &["timeout=5"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (success, stdout, stderr) = m.run_via(&sampler.endpoint(), &args);
    let seen = sampler.finish();
    assert!(!success, "{stdout}\n{stderr}");
    assert_eq!(proxy.errors(), Vec::<String>::new());
    assert_eq!(seen.stopped.len(), 1, "{seen:?}");
    let low: Vec<_> = seen.samples.iter().filter(|(_, n)| *n < 2).collect();
    assert!(
        low.is_empty(),
        "healthy fell below 2: {low:?} in {:?}",
        seen.samples
    );
    for part in [
        "awsrun::rolling::rolled_back",
        "awsrun::wait::timeout",
        // AWS's reason for the stopped server, quoted by wait_healthy.
        "Target.InvalidState",
    ] {
        assert!(stderr.contains(part), "{part} missing from:\n{stderr}");
    }
    assert_only_these_serve(&m, &old);
    let by_name = live_by_name(&m);
    assert_eq!(
        by_name["awesome-api-v3-1"][0].1, "terminated",
        "{by_name:?}"
    );
}
