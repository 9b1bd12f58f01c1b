//! Re-running is safe: a second run of the same script in the same
//! (simulated) account creates nothing and reports everything as existing.

use awsrun::cloud::Cloud;
use awsrun::cloud::sim::SimAccount;
use awsrun::engine::plan::{Op, Summary};
use awsrun::engine::session::{Quiet, Session};
use awsrun::engine::{self, Script};
use std::rc::Rc;

fn run(cloud: &Rc<SimAccount>, script: &Script, stack: &str) -> Rc<Session> {
    let cloud: Rc<dyn Cloud> = cloud.clone();
    let session = Rc::new(Session::new(cloud, stack, Rc::new(Quiet)));
    if let Err(err) = engine::run(&session, script) {
        panic!("{} failed: {err}", script.name());
    }
    session
}

/// The report a failed run gives: "code: message".
fn report(err: &rhai::EvalAltResult) -> String {
    let rep = awsrun::diagnostic::from_eval(err, "test", &|_| None, &[], &Default::default());
    format!("{}: {}", rep.code, rep.message)
}

fn tutorial() -> Script {
    Script::read(&crate::support::root().join("scripts/multi-server.rhai")).unwrap()
}

#[test]
fn second_run_in_the_same_account_creates_nothing() {
    let cloud = Rc::new(SimAccount::new("ap-northeast-2"));
    let first = Summary::of(&run(&cloud, &tutorial(), "multi-server").actions());
    assert!(
        first.created >= 15,
        "first run creates the tutorial: {first:?}"
    );
    let second = run(&cloud, &tutorial(), "multi-server").actions();
    let summary = Summary::of(&second);
    assert_eq!(summary.created, 0, "{second:#?}");
    assert_eq!(summary.changed, 0, "{second:#?}");
    assert_eq!(summary.existing, first.created);
    assert!(second.iter().all(|a| a.op == Op::Exists));
}

#[test]
fn the_same_script_under_another_stack_is_a_separate_deployment() {
    let cloud = Rc::new(SimAccount::new("ap-northeast-2"));
    let source = "let s = subnet(\"db\", #{ cidr: \"172.31.200.0/24\", az: \"2a\" }); s.id";
    let script = Script {
        path: "db.rhai".into(),
        source: source.into(),
    };
    run(&cloud, &script, "one");
    // Same name, other stack: a new subnet is needed, and its CIDR overlaps.
    let session = Rc::new(Session::new(cloud.clone(), "two", Rc::new(Quiet)));
    let err = engine::run(&session, &script).unwrap_err();
    assert!(
        report(&err).starts_with("awsrun::aws::InvalidSubnet.Conflict"),
        "{}",
        report(&err)
    );
}

#[test]
fn a_changed_fixed_attribute_is_an_error_showing_both_values() {
    let cloud = Rc::new(SimAccount::new("ap-northeast-2"));
    let v1 = Script {
        path: "db.rhai".into(),
        source: "subnet(\"db\", #{ cidr: \"172.31.200.0/24\", az: \"2a\" });".into(),
    };
    let v2 = Script {
        path: "db.rhai".into(),
        source: "subnet(\"db\", #{ cidr: \"172.31.201.0/24\", az: \"2a\" });".into(),
    };
    run(&cloud, &v1, "db");
    let session = Rc::new(Session::new(
        cloud.clone() as Rc<dyn Cloud>,
        "db",
        Rc::new(Quiet),
    ));
    let err = engine::run(&session, &v2).unwrap_err();
    let text = report(&err);
    assert!(
        text.contains("cidr = 172.31.200.0/24") && text.contains("cidr = 172.31.201.0/24"),
        "{text}"
    );
    assert!(
        session.actions().is_empty(),
        "nothing was created or changed"
    );
}

#[test]
fn additive_parts_converge_by_adding_what_is_missing() {
    let cloud = Rc::new(SimAccount::new("ap-northeast-2"));
    let v1 = "security_group(\"web\", #{ ingress: [#{ port: 80, from: \"0.0.0.0/0\" }] });";
    let v2 = "security_group(\"web\", #{ ingress: [#{ port: 80, from: \"0.0.0.0/0\" }, #{ port: 443, from: \"0.0.0.0/0\" }] });";
    run(
        &cloud,
        &Script {
            path: "web.rhai".into(),
            source: v1.into(),
        },
        "web",
    );
    let session = run(
        &cloud,
        &Script {
            path: "web.rhai".into(),
            source: v2.into(),
        },
        "web",
    );
    let actions = session.actions();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].op, Op::Change);
    assert_eq!(
        actions[0].changes,
        vec!["allow tcp/443 from 0.0.0.0/0".to_string()]
    );
}
