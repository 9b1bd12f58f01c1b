//! The tutorial's next chapter in the simulated account: the tutorial with
//! its domain in one run (the plan snapshot), and `scripts/https.rhai` on
//! a tutorial already running, where port 80 changes in place.

use crate::support::{awsrun, snapshot};
use awsrun::cloud::sim::SimAccount;
use awsrun::cloud::{Cloud, Kind};
use awsrun::engine::plan::{Op, Summary};
use awsrun::engine::session::{Quiet, Session};
use awsrun::engine::{self, Script};
use std::rc::Rc;

const STACK: &str = "multi-server";

fn script(name: &str) -> Script {
    Script::read(&crate::support::root().join("scripts").join(name)).unwrap()
}

fn run(
    sim: &Rc<SimAccount>,
    name: &str,
    vars: &[(&str, &str)],
) -> (Rc<Session>, Result<rhai::Dynamic, Box<rhai::EvalAltResult>>) {
    let mut session = Session::new(sim.clone(), STACK, Rc::new(Quiet));
    session.vars = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let session = Rc::new(session);
    let result = engine::run(&session, &script(name));
    (session, result)
}

/// An account like a team's: a brand-new one with its zone `example.com`.
fn account_with_zone() -> (Rc<SimAccount>, String) {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    let zone = sim.add_hosted_zone("example.com", None);
    (sim, zone)
}

#[test]
fn the_tutorial_with_a_domain_plans_https_in_front_of_it() {
    awsrun()
        .args([
            "scripts/multi-server.rhai",
            "--dry-run",
            "--var",
            "domain=api.example.com",
        ])
        .assert()
        .success()
        .stdout_eq(snapshot("multi-server.domain.plan.txt"));
}

#[test]
fn the_chapter_on_a_running_tutorial_changes_port_80_in_place_and_converges() {
    let (sim, zone) = account_with_zone();
    let (_, built) = run(&sim, "multi-server.rhai", &[]);
    let dns_name = built.expect("the tutorial").to_string();
    assert!(dns_name.ends_with(".elb.amazonaws.com"), "{dns_name}");
    let port_80 = sim
        .find(
            Kind::Listener,
            &awsrun::cloud::Tags::new(STACK, "awesome-api-80"),
        )
        .unwrap()
        .expect("the tutorial's listener");

    let (s, result) = run(&sim, "https.rhai", &[("domain", "api.example.com")]);
    let url = result.expect("the chapter");
    assert_eq!(url.to_string(), "https://api.example.com/");
    let actions = s.actions();
    let line = |kind: Kind, name: &str| {
        actions
            .iter()
            .find(|a| a.kind == kind && a.name == name)
            .unwrap_or_else(|| panic!("no {kind} {name}: {actions:#?}"))
    };
    // Port 80: the same listener, changed, not replaced.
    let changed = line(Kind::Listener, "awesome-api-80");
    assert_eq!(changed.op, Op::Change);
    assert_eq!(changed.id, port_80.id);
    assert_eq!(
        changed.changes,
        ["default action: forward awesome-api-tg -> redirect HTTPS:443 (301)"]
    );
    assert_eq!(line(Kind::Listener, "awesome-api-443").op, Op::Create);
    assert_eq!(line(Kind::Certificate, "api.example.com").op, Op::Create);
    assert_eq!(line(Kind::DnsRecord, "api.example.com A").op, Op::Create);
    let sg = line(Kind::SecurityGroup, "awesome-api-alb");
    assert_eq!(sg.op, Op::Change);
    assert_eq!(sg.changes, ["allow tcp/443 from 0.0.0.0/0"]);
    assert!(
        !actions
            .iter()
            .any(|a| a.kind == Kind::LoadBalancer || a.kind == Kind::Instance),
        "the chapter makes no load balancer or server: {actions:#?}"
    );

    // The listeners as the account has them now.
    let https = sim
        .find(
            Kind::Listener,
            &awsrun::cloud::Tags::new(STACK, "awesome-api-443"),
        )
        .unwrap()
        .unwrap();
    let cert = sim
        .find(
            Kind::Certificate,
            &awsrun::cloud::Tags::new(STACK, "api.example.com"),
        )
        .unwrap()
        .unwrap();
    assert_eq!(cert.state(), "ISSUED");
    assert_eq!(https.str("protocol"), "HTTPS");
    assert_eq!(https.str("certificate"), cert.id);
    let now_80 = sim.refresh(&port_80).unwrap();
    assert_eq!(now_80.str("redirect"), "HTTPS:443:HTTP_301");
    assert_eq!(now_80.str("forward"), "");
    let alias = sim
        .record_at(&zone, "api.example.com", "A")
        .unwrap()
        .expect("the alias");
    assert_eq!(alias.str("owner"), STACK);

    // Again: nothing to do.
    let (s, again) = run(&sim, "https.rhai", &[("domain", "api.example.com")]);
    assert_eq!(
        again.expect("the chapter again").to_string(),
        "https://api.example.com/"
    );
    let summary = Summary::of(&s.actions());
    assert!(summary.is_noop(), "{:#?}", s.actions());
}

#[test]
fn a_domain_outside_every_zone_of_the_account_is_refused_before_any_change() {
    let (sim, _) = account_with_zone();
    let (s, result) = run(&sim, "multi-server.rhai", &[("domain", "api.example.org")]);
    let err = result.expect_err("no zone holds example.org");
    let report = awsrun::diagnostic::from_eval(&err, "test", &|_| None, &[], &Default::default());
    assert_eq!(report.code, "awsrun::dns::no_zone");
    assert!(
        report
            .message
            .contains("no public hosted zone for api.example.org"),
        "{}",
        report.message
    );
    assert!(
        !s.actions()
            .iter()
            .any(|a| matches!(a.kind, Kind::Certificate | Kind::DnsRecord | Kind::Listener)),
        "{:#?}",
        s.actions()
    );
}

#[test]
fn a_dry_run_with_no_account_says_which_zone_it_assumed() {
    let out = awsrun()
        .args([
            "scripts/multi-server.rhai",
            "--dry-run",
            "--var",
            "domain=shop.example.co",
        ])
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let zone_line = stdout
        .lines()
        .find(|l| l.contains("hosted_zone"))
        .unwrap_or_else(|| panic!("no zone line:\n{stdout}"));
    assert!(zone_line.contains("example.co"), "{zone_line}");
    assert!(zone_line.contains("assumed"), "{zone_line}");
}
