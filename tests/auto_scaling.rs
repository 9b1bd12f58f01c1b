//! `scripts/auto-scaling.rhai` and the Auto Scaling host functions on the
//! simulated account: the group at its capacity behind the target group,
//! re-runs that leave a policy's capacity alone, a new template version
//! rolled out batch by batch without losing a healthy instance, and a
//! batch that never turns healthy rolled back.

use crate::rolling::{Watch, assert_never_below, report, script};
use awsrun::cloud::sim::SimAccount;
use awsrun::cloud::{Cloud, GroupUpdate, Kind, Resource, Tags};
use awsrun::engine::plan::Op;
use awsrun::engine::session::{Quiet, Session};
use awsrun::engine::{self};
use std::rc::Rc;

pub(crate) const STACK: &str = "auto-scaling";
const NAME: &str = "awesome-api";

fn session(cloud: Rc<dyn Cloud>, vars: &[(&str, &str)]) -> Rc<Session> {
    let mut session = Session::new(cloud, STACK, Rc::new(Quiet));
    session.vars = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Rc::new(session)
}

/// Runs `name` in the stack; the session, or the failure's code and text.
fn run(
    cloud: Rc<dyn Cloud>,
    name: &str,
    vars: &[(&str, &str)],
) -> (Rc<Session>, Result<rhai::Dynamic, (String, String)>) {
    let s = session(cloud, vars);
    let result = engine::run(&s, &script(name)).map_err(|e| report(&e));
    (s, result)
}

fn ok(cloud: Rc<dyn Cloud>, name: &str, vars: &[(&str, &str)]) -> Rc<Session> {
    let (s, result) = run(cloud, name, vars);
    if let Err((_, text)) = result {
        panic!("{name} {vars:?} failed: {text}");
    }
    s
}

fn find(sim: &SimAccount, kind: Kind, name: &str) -> Resource {
    let found = sim.find(kind, &Tags::new(STACK, name)).unwrap();
    let found = found.unwrap_or_else(|| panic!("no {kind} {name}"));
    sim.refresh(&found).unwrap()
}

fn number(r: &Resource, key: &str) -> u64 {
    r.attr(key)
        .and_then(|v| v.as_u64())
        .unwrap_or_else(|| panic!("{r}: no {key}"))
}

/// The group's members: (id, version, lifecycle).
fn members(group: &Resource) -> Vec<(String, u64, String)> {
    let items = group.attr("instances").and_then(|v| v.as_array()).cloned();
    items
        .unwrap_or_default()
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["version"].as_u64().unwrap_or(0),
                i["lifecycle"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Healthy targets of the tutorial's target group, polled until settled.
fn healthy(sim: &SimAccount) -> Vec<String> {
    let tg = find(sim, Kind::TargetGroup, &format!("{NAME}-tg"));
    let mut health = Vec::new();
    for _ in 0..3 {
        health = sim.target_health(&tg.id).unwrap();
    }
    let mut ids: Vec<String> = health
        .into_iter()
        .filter(|t| t.state == "healthy")
        .map(|t| t.id)
        .collect();
    ids.sort();
    ids
}

fn created(s: &Session, kind: Kind) -> usize {
    s.actions()
        .iter()
        .filter(|a| a.op == Op::Create && a.kind == kind)
        .count()
}

#[test]
fn the_tutorial_as_a_group_holds_two_healthy_servers_and_a_request_policy() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    let s = ok(sim.clone(), "auto-scaling.rhai", &[]);
    for kind in [
        Kind::LaunchTemplate,
        Kind::AutoScalingGroup,
        Kind::ScalingPolicy,
    ] {
        assert_eq!(created(&s, kind), 1, "{kind}: {:?}", s.actions());
    }
    assert_eq!(created(&s, Kind::Instance), 0, "the group launches them");
    let group = find(&sim, Kind::AutoScalingGroup, NAME);
    assert_eq!(
        (
            number(&group, "min"),
            number(&group, "desired"),
            number(&group, "max")
        ),
        (2, 2, 6)
    );
    assert_eq!(group.str("health_check_type"), "ELB");
    let subnets = group.strs("subnets");
    let a = find(&sim, Kind::Subnet, &format!("{NAME}-private-2a"));
    let c = find(&sim, Kind::Subnet, &format!("{NAME}-private-2c"));
    assert_eq!(sorted(subnets), sorted(vec![a.id, c.id]));
    let ids: Vec<String> = members(&group).into_iter().map(|m| m.0).collect();
    assert_eq!(ids.len(), 2);
    assert_eq!(healthy(&sim), sorted(ids.clone()));
    // Spread as AWS spreads: one per AZ.
    let azs: Vec<String> = ids
        .iter()
        .map(|id| {
            let i = sim.refresh(&Resource::new(Kind::Instance, "", id)).unwrap();
            assert_eq!(i.str("public_ip"), "", "{i:?}");
            i.str("az").to_string()
        })
        .collect();
    assert_ne!(azs[0], azs[1], "{azs:?}");
    let policy = find(&sim, Kind::ScalingPolicy, &format!("{NAME}-requests"));
    assert_eq!(policy.str("metric"), "requests");
    assert_eq!(number(&policy, "target"), 1000);
    assert!(
        policy.str("resource_label").starts_with("app/awesome-api/"),
        "{policy:?}"
    );

    // Again: nothing new, and a capacity the policy set is left alone.
    sim.update_group(
        &group.id,
        &GroupUpdate {
            desired: Some(3),
            ..GroupUpdate::default()
        },
    )
    .unwrap();
    let again = ok(sim.clone(), "auto-scaling.rhai", &[]);
    let made: Vec<_> = again
        .actions()
        .into_iter()
        .filter(|a| a.op != Op::Exists)
        .collect();
    assert!(made.is_empty(), "{made:?}");
    assert_eq!(
        number(&find(&sim, Kind::AutoScalingGroup, NAME), "desired"),
        3
    );
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

#[test]
fn servers_set_by_hand_are_waited_for_until_in_service_and_healthy() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    ok(sim.clone(), "auto-scaling.rhai", &[]);
    ok(sim.clone(), "auto-scaling.rhai", &[("servers", "4")]);
    let group = find(&sim, Kind::AutoScalingGroup, NAME);
    assert_eq!(number(&group, "desired"), 4);
    let in_service: Vec<String> = members(&group)
        .into_iter()
        .filter(|m| m.2 == "InService")
        .map(|m| m.0)
        .collect();
    assert_eq!(in_service.len(), 4, "{group:?}");
    assert_eq!(healthy(&sim), sorted(in_service));

    let (_, refused) = run(sim.clone(), "auto-scaling.rhai", &[("servers", "7")]);
    let (code, text) = refused.unwrap_err();
    assert_eq!(code, "awsrun::opts::value", "{text}");
    assert!(text.contains("2..6"), "{text}");
    assert_eq!(
        number(&find(&sim, Kind::AutoScalingGroup, NAME), "desired"),
        4
    );
}

#[test]
fn a_new_instance_type_is_a_new_version_rolled_out_without_losing_a_healthy_server() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    ok(sim.clone(), "auto-scaling.rhai", &[]);
    let before: Vec<String> = members(&find(&sim, Kind::AutoScalingGroup, NAME))
        .into_iter()
        .map(|m| m.0)
        .collect();
    let watch = Watch::of(&sim, STACK, None, false);
    let s = ok(
        watch.clone(),
        "auto-scaling.rhai",
        &[("instance_type", "t3.micro")],
    );
    let change = s
        .actions()
        .into_iter()
        .find(|a| a.kind == Kind::LaunchTemplate)
        .unwrap();
    assert_eq!(change.op, Op::Change, "{change:?}");
    assert!(
        change
            .changes
            .iter()
            .any(|c| c.contains("new version 2") && c.contains("t2.micro -> t3.micro")),
        "{change:?}"
    );
    assert_never_below(&watch.samples(), 2);
    let template = find(&sim, Kind::LaunchTemplate, NAME);
    assert_eq!(number(&template, "version"), 2);
    let group = find(&sim, Kind::AutoScalingGroup, NAME);
    assert_eq!(
        (
            number(&group, "version"),
            number(&group, "desired"),
            number(&group, "max")
        ),
        (2, 2, 6)
    );
    let now = members(&group);
    assert_eq!(now.len(), 2, "{now:?}");
    for (id, version, _) in &now {
        assert_eq!(*version, 2, "{now:?}");
        assert!(!before.contains(id), "{id} was not replaced");
        let i = sim.refresh(&Resource::new(Kind::Instance, "", id)).unwrap();
        assert_eq!(i.str("instance_type"), "t3.micro");
    }
    for id in &before {
        let old = sim.refresh(&Resource::new(Kind::Instance, "", id)).unwrap();
        assert!(
            matches!(old.state(), "terminated" | "shutting-down"),
            "{old:?}"
        );
    }
    assert_eq!(
        healthy(&sim),
        sorted(now.into_iter().map(|m| m.0).collect())
    );

    let again = ok(
        sim.clone(),
        "auto-scaling.rhai",
        &[("instance_type", "t3.micro")],
    );
    let made: Vec<_> = again
        .actions()
        .into_iter()
        .filter(|a| a.op != Op::Exists)
        .collect();
    assert!(made.is_empty(), "{made:?}");
}

#[test]
fn a_batch_that_never_turns_healthy_is_rolled_back_to_the_old_version() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    ok(sim.clone(), "auto-scaling.rhai", &[]);
    let before = sorted(
        members(&find(&sim, Kind::AutoScalingGroup, NAME))
            .into_iter()
            .map(|m| m.0)
            .collect(),
    );
    let watch = Watch::of(&sim, STACK, None, true);
    let (_, result) = run(
        watch.clone(),
        "rolling-deploy.rhai",
        &[("version", "v3"), ("timeout", "60")],
    );
    let (code, text) = result.unwrap_err();
    assert_eq!(code, "awsrun::rolling::rolled_back", "{text}");
    assert!(text.contains("version 1"), "{text}");
    assert_never_below(&watch.samples(), 2);
    let group = find(&sim, Kind::AutoScalingGroup, NAME);
    assert_eq!(
        (
            number(&group, "version"),
            number(&group, "desired"),
            number(&group, "max")
        ),
        (1, 2, 6)
    );
    let serving = sorted(members(&group).into_iter().map(|m| m.0).collect());
    assert_eq!(serving, before);
    assert_eq!(healthy(&sim), before);
    assert!(group.strs("suspended").is_empty(), "{group:?}");
}

#[test]
fn the_rolling_deploy_script_rolls_a_new_app_version_through_the_group() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    ok(sim.clone(), "auto-scaling.rhai", &[]);
    let watch = Watch::of(&sim, STACK, None, false);
    let s = ok(
        watch.clone(),
        "rolling-deploy.rhai",
        &[("version", "v2"), ("batch", "2")],
    );
    assert_never_below(&watch.samples(), 2);
    let group = find(&sim, Kind::AutoScalingGroup, NAME);
    assert!(members(&group).iter().all(|m| m.1 == 2), "{group:?}");
    assert_eq!(number(&group, "desired"), 2);
    assert!(
        s.output().iter().any(|l| l.contains("Deployed v2")),
        "{:?}",
        s.output()
    );
    let again = ok(sim.clone(), "rolling-deploy.rhai", &[("version", "v2")]);
    assert!(
        again
            .output()
            .iter()
            .any(|l| l.contains("deployed already")),
        "{:?}",
        again.output()
    );
}

#[test]
fn the_scaling_functions_say_what_to_do_when_misused() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    let cases = [
        (
            r#"let lt = launch_template("x", #{}); auto_scaling_group("g", #{ launch_template: lt, subnets: [public_subnet("2a")], min: 3, max: 2 });"#,
            "awsrun::opts::value",
            "at least `min`",
        ),
        (
            r#"let lt = launch_template("x", #{}); auto_scaling_group("g", #{ launch_template: lt, subnets: [public_subnet("2a")], min: 1, max: 2, desired: 5 });"#,
            "awsrun::opts::value",
            "between min 1 and max 2",
        ),
        (
            r#"let lt = launch_template("x", #{}); let g = auto_scaling_group("g", #{ launch_template: lt, subnets: [public_subnet("2a")] }); scaling_policy("p", #{ group: g });"#,
            "awsrun::opts::value",
            "`cpu` (average CPU percent) or `requests`",
        ),
        (
            r#"let lt = launch_template("x", #{}); let g = auto_scaling_group("g", #{ launch_template: lt, subnets: [public_subnet("2a")] }); scaling_policy("p", #{ group: g, cpu: 50, requests: 10 });"#,
            "awsrun::opts::value",
            "not both",
        ),
        (
            r#"scale(public_subnet("2a"), 2);"#,
            "awsrun::kind::mismatch",
            "auto_scaling_group",
        ),
    ];
    for (source, code, part) in cases {
        let s = session(sim.clone(), &[]);
        let probe = engine::Script {
            path: "scripts/probe.rhai".into(),
            source: source.into(),
        };
        let err = engine::run(&s, &probe).unwrap_err();
        let (got, text) = report(&err);
        assert_eq!(got, code, "{source}\n{text}");
        assert!(text.contains(part), "{part} missing from {text}");
    }
}
