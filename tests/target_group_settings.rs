//! A target group's health check and deregistration delay in the simulated
//! account: created as the script asks, changed in place (`~ change`, one
//! line per difference) when a re-run asks for others, then left alone;
//! a delay out of range is an option error at the script's line.

use crate::support::awsrun;
use awsrun::cloud::sim::SimAccount;
use awsrun::cloud::{HealthCheck, Kind, Resource, deregistration_delay_of};
use awsrun::engine::plan::{Action, Op, Summary};
use awsrun::engine::session::{Quiet, Session};
use awsrun::engine::{self, Script};
use std::rc::Rc;

const SCRIPT: &str = "tests/cases/tg-settings.rhai";

/// Runs the script in `sim` with these `--var`s; its actions and the
/// target group it returned the ARN of.
fn run(sim: &Rc<SimAccount>, vars: &[(&str, &str)]) -> (Vec<Action>, Resource) {
    let mut session = Session::new(sim.clone(), "tg-settings", Rc::new(Quiet));
    session.vars = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let session = Rc::new(session);
    let script = Script::read(&crate::support::root().join(SCRIPT)).unwrap();
    let arn = engine::run(&session, &script).expect("the script runs");
    let tags = awsrun::cloud::Tags::new("tg-settings", "tuned-tg");
    let tg = awsrun::cloud::Cloud::find(&**sim, Kind::TargetGroup, &tags)
        .unwrap()
        .expect("the target group");
    assert_eq!(arn.to_string(), tg.id);
    (session.actions(), tg)
}

fn target_group_action(actions: &[Action]) -> &Action {
    actions
        .iter()
        .find(|a| a.kind == Kind::TargetGroup)
        .unwrap_or_else(|| panic!("no target group: {actions:#?}"))
}

#[test]
fn a_dry_run_creates_the_group_with_its_delay_and_its_tuned_health_check() {
    let out = awsrun().args([SCRIPT, "--dry-run"]).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("+ create") && l.contains("tuned-tg")),
        "{stdout}"
    );
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    let (actions, tg) = run(&sim, &[]);
    assert_eq!(target_group_action(&actions).op, Op::Create);
    assert_eq!(deregistration_delay_of(&tg), Some(30));
    let check = HealthCheck::of(&tg).expect("the health check");
    assert_eq!(
        check,
        HealthCheck {
            path: "/health".into(),
            interval: 10,
            timeout: 6,
            healthy_threshold: 3,
            unhealthy_threshold: 2,
        }
    );
}

#[test]
fn a_rerun_with_other_settings_changes_the_group_in_place_and_then_nothing() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    let (_, first) = run(&sim, &[]);
    let (actions, changed) = run(&sim, &[("interval", "20"), ("delay", "60")]);
    let action = target_group_action(&actions);
    assert_eq!(action.op, Op::Change);
    assert_eq!(action.id, first.id, "the group was replaced");
    assert_eq!(
        action.changes,
        [
            "health check interval: 10 -> 20",
            "deregistration_delay: 30 -> 60"
        ]
    );
    assert_eq!(changed.id, first.id);
    assert_eq!(HealthCheck::of(&changed).unwrap().interval, 20);
    assert_eq!(deregistration_delay_of(&changed), Some(60));
    let (again, _) = run(&sim, &[("interval", "20"), ("delay", "60")]);
    assert!(Summary::of(&again).is_noop(), "{again:#?}");
}

#[test]
fn a_rerun_changing_the_delay_alone_shows_one_line() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    run(&sim, &[]);
    let (actions, changed) = run(&sim, &[("delay", "0")]);
    let action = target_group_action(&actions);
    assert_eq!(action.op, Op::Change);
    assert_eq!(action.changes, ["deregistration_delay: 30 -> 0"]);
    assert_eq!(HealthCheck::of(&changed).unwrap().interval, 10);
}

#[test]
fn a_delay_out_of_range_is_an_option_error_at_the_line_and_changes_nothing() {
    let out = awsrun()
        .args([SCRIPT, "--dry-run", "--var", "delay=3601"])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("awsrun::opts::range"), "{stderr}");
    assert!(
        stderr.contains("option `deregistration_delay` must be 0 to 3600, got 3601"),
        "{stderr}"
    );
    assert!(stderr.contains("tg-settings.rhai:3:10"), "{stderr}");
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    let mut session = Session::new(sim.clone(), "tg-settings", Rc::new(Quiet));
    session.vars = [("delay".to_string(), "-1".to_string())].into();
    let session = Rc::new(session);
    let script = Script::read(&crate::support::root().join(SCRIPT)).unwrap();
    assert!(engine::run(&session, &script).is_err());
    assert!(session.actions().is_empty(), "{:#?}", session.actions());
}
