//! The latency model of the simulated account (`--sim-latency realistic`),
//! concurrent `wait`, and the plan's estimate of a live run.
//!
//! Timed tests use a scale at which the model's times are 0.15 to 1 s, and
//! bounds taken from the model's own figures with wide margins, so that a
//! loaded 2-core machine does not make them flaky: a state is asserted
//! "not yet" only when the check provably ran early enough.

use crate::support::{awsrun, root, snapshot};
use awsrun::cloud::Spec;
use awsrun::cloud::sim::latency::{
    DEREGISTRATION_DELAY, INSTANCE_BOOT, INSTANCE_RUNNING, LOAD_BALANCER_ACTIVE,
    NAT_GATEWAY_AVAILABLE,
};
use awsrun::cloud::sim::{Latency, SimAccount};
use awsrun::cloud::{
    Cloud, HealthCheck, InstanceSpec, ListenerAction, ListenerSpec, LoadBalancerSpec, Resource,
    Tags, TargetGroupSpec,
};
use awsrun::cloud::{ElasticIpSpec, NatGatewaySpec};
use awsrun::engine::session::{Quiet, Session};
use awsrun::engine::{self, Script};
use std::rc::Rc;
use std::time::{Duration, Instant};

const REGION: &str = "ap-northeast-2";
/// 1 AWS second = 5 ms: a NAT gateway takes 0.5 s, a load balancer 0.75 s.
const SCALE: f64 = 0.005;

fn scaled(secs: u64) -> Duration {
    Duration::from_secs_f64(secs as f64 * SCALE)
}

fn realistic(scale: f64) -> SimAccount {
    let account = SimAccount::new(REGION);
    account.set_latency(Latency::Realistic { scale });
    account
}

fn tags(name: &str) -> Tags {
    Tags::new("latency", name)
}

/// The default subnet of AZ `letter`.
fn public(a: &SimAccount, letter: &str) -> String {
    let vpc = a.default_vpc().unwrap().id;
    let az = format!("{REGION}{letter}");
    let subnets = a.vpc_subnets(&vpc).unwrap();
    subnets.into_iter().find(|s| s.str("az") == az).unwrap().id
}

fn nat(a: &SimAccount, letter: &str) -> Resource {
    let name = format!("nat-{letter}");
    let eip = a
        .create(&Spec::ElasticIp(ElasticIpSpec {}), &tags(&name))
        .unwrap();
    a.create(
        &Spec::NatGateway(NatGatewaySpec {
            subnet: public(a, letter).to_string(),
            eip: eip.id.to_string(),
        }),
        &tags(&name),
    )
    .unwrap()
}

fn instance(a: &SimAccount, name: &str) -> Resource {
    let spec = InstanceSpec {
        subnet: public(a, "a"),
        image: a.latest_ami("al2023").unwrap(),
        instance_type: "t3.micro".into(),
        security_groups: vec![],
        public_ip: false,
        user_data: String::new(),
    };
    a.create(&Spec::Instance(spec.clone()), &tags(name))
        .unwrap()
}

/// Polls an instance until it runs, as `register` waits before
/// RegisterTargets (which takes running instances only).
fn running(a: &SimAccount, instance: Resource) -> Resource {
    let mut now = instance;
    while now.state() != "running" {
        std::thread::sleep(Duration::from_millis(5));
        now = a.refresh(&now).unwrap();
    }
    now
}

fn load_balancer(a: &SimAccount) -> Resource {
    let spec = LoadBalancerSpec {
        name: "web".into(),
        subnets: vec![public(a, "a"), public(a, "c")],
        security_groups: vec![],
        scheme: "internet-facing".into(),
    };
    a.create(&Spec::LoadBalancer(spec.clone()), &tags("web"))
        .unwrap()
}

/// Sleeps until `deadline`.
fn sleep_until(deadline: Instant) {
    if let Some(left) = deadline.checked_duration_since(Instant::now()) {
        std::thread::sleep(left);
    }
}

#[test]
fn realistic_states_move_by_time_not_by_refresh() {
    let a = realistic(SCALE);
    let born = Instant::now();
    let gateway = nat(&a, "a");
    let lb = load_balancer(&a);
    let server = instance(&a, "server");
    // However often it is refreshed, a NAT gateway is pending until its time.
    for _ in 0..5 {
        let now = a.refresh(&gateway).unwrap();
        if born.elapsed() < scaled(NAT_GATEWAY_AVAILABLE) / 2 {
            assert_eq!(now.state(), "pending");
        }
    }
    if born.elapsed() < scaled(INSTANCE_RUNNING) / 2 {
        assert_eq!(a.refresh(&server).unwrap().state(), "pending");
        assert_eq!(a.refresh(&lb).unwrap().state(), "provisioning");
    }
    sleep_until(born + scaled(INSTANCE_RUNNING) + Duration::from_millis(20));
    assert_eq!(a.refresh(&server).unwrap().state(), "running");
    sleep_until(born + scaled(NAT_GATEWAY_AVAILABLE) + Duration::from_millis(20));
    assert_eq!(a.refresh(&gateway).unwrap().state(), "available");
    sleep_until(born + scaled(LOAD_BALANCER_ACTIVE) + Duration::from_millis(20));
    assert_eq!(a.refresh(&lb).unwrap().state(), "active");
    // The poll interval is AWS's few seconds, scaled.
    let poll = a.poll_interval(0);
    assert!(poll > Duration::ZERO && poll <= scaled(5), "{poll:?}");
}

#[test]
fn without_the_model_states_move_one_step_per_refresh_with_no_sleeping() {
    let a = SimAccount::new(REGION);
    let gateway = nat(&a, "a");
    assert_eq!(gateway.state(), "pending");
    assert_eq!(a.refresh(&gateway).unwrap().state(), "available");
    assert_eq!(a.poll_interval(3), Duration::ZERO);
    assert!(a.estimate().is_none());
}

#[test]
fn a_new_target_turns_healthy_at_its_first_check_once_the_balancer_is_active() {
    let a = realistic(SCALE);
    let born = Instant::now();
    let vpc = a.default_vpc().unwrap().id;
    let lb = load_balancer(&a);
    let check = HealthCheck {
        path: "/".into(),
        interval: 10,
        healthy_threshold: 3,
        ..HealthCheck::default()
    };
    let spec = TargetGroupSpec {
        name: "web-tg".into(),
        vpc,
        port: 3000,
        protocol: "HTTP".into(),
        health_check: check,
        deregistration_delay: 300,
    };
    let tg = a
        .create(&Spec::TargetGroup(spec.clone()), &tags("web-tg"))
        .unwrap();
    let listener = ListenerSpec {
        load_balancer: lb.id.clone(),
        port: 80,
        protocol: "HTTP".into(),
        action: ListenerAction::Forward(tg.id.clone()),
        certificate: None,
        ssl_policy: None,
    };
    a.create(&Spec::Listener(listener.clone()), &tags("web-80"))
        .unwrap();
    let server = running(&a, instance(&a, "server"));
    a.register_targets(&tg.id, std::slice::from_ref(&server.id))
        .unwrap();
    // The balancer is the last to be ready (150 s > 30 s + 45 s); the app
    // answers the first check, 10 s later: a new target needs one passing
    // check, whatever the healthy threshold (3 here).
    let healthy = scaled(LOAD_BALANCER_ACTIVE + 10);
    const { assert!(LOAD_BALANCER_ACTIVE > INSTANCE_RUNNING + INSTANCE_BOOT) };
    for _ in 0..3 {
        let health = a.target_health(&tg.id).unwrap();
        if born.elapsed() < scaled(LOAD_BALANCER_ACTIVE) * 3 / 4 {
            assert_eq!(health[0].state, "initial");
        }
    }
    sleep_until(born + healthy + Duration::from_millis(20));
    assert_eq!(a.target_health(&tg.id).unwrap()[0].state, "healthy");
    let estimate = a.estimate().unwrap();
    assert_eq!(estimate.seconds, LOAD_BALANCER_ACTIVE + 10);
}

fn run_script(cloud: &Rc<SimAccount>, name: &str, source: &str) -> Result<rhai::Dynamic, String> {
    let cloud: Rc<dyn Cloud> = cloud.clone();
    let session = Rc::new(Session::new(cloud, "latency", Rc::new(Quiet)));
    let script = Script {
        path: root().join(name),
        source: source.to_string(),
    };
    engine::run(&session, &script).map_err(|e| {
        let rep = awsrun::diagnostic::from_eval(&e, name, &|_| None, &[], &Default::default());
        format!("{}: {}", rep.code, rep.message)
    })
}

const FOUR_SLOW_RESOURCES: &str = r#"
let a = private_subnet("2a", "172.31.112.0/20");
let c = private_subnet("2c", "172.31.144.0/20");
let web = alb("web", #{ subnets: [public_subnet("2a"), public_subnet("2c")] });
let app = app_servers("app", #{ subnets: [a.subnet, c.subnet], from: web.sg, count: 2 });
"#;

#[test]
fn one_wait_over_several_resources_lasts_the_longest_not_the_sum() {
    let cloud = Rc::new(realistic(SCALE));
    let source = format!(
        "{FOUR_SLOW_RESOURCES}\nlet got = wait([a.nat, c.nat, web.lb, app.instances]);\n[got[0].state, got[1].state, got[2].state, got[3][0].state, got[3][1].state]"
    );
    let start = Instant::now();
    let states = run_script(&cloud, "concurrent.rhai", &source).unwrap();
    let took = start.elapsed();
    let longest = scaled(LOAD_BALANCER_ACTIVE);
    let sum = scaled(2 * NAT_GATEWAY_AVAILABLE + LOAD_BALANCER_ACTIVE + 2 * INSTANCE_RUNNING);
    assert_eq!(
        format!("{states:?}"),
        r#"["available", "available", "active", "running", "running"]"#
    );
    assert!(
        took >= longest,
        "the load balancer alone takes {longest:?}; took {took:?}"
    );
    assert!(
        took < sum.mul_f64(0.7),
        "one wait over everything took {took:?}; one after another: {sum:?}"
    );
}

#[test]
fn waiting_for_each_resource_right_after_creating_it_costs_the_sum() {
    let cloud = Rc::new(realistic(SCALE));
    let source = r#"
let a = private_subnet("2a", "172.31.112.0/20");
wait(a.nat);
let c = private_subnet("2c", "172.31.144.0/20");
wait(c.nat);
"#;
    let start = Instant::now();
    let _ = run_script(&cloud, "sequential.rhai", source).unwrap();
    let took = start.elapsed();
    assert!(took >= scaled(2 * NAT_GATEWAY_AVAILABLE), "took {took:?}");
    let estimate = cloud.estimate().unwrap();
    assert_eq!(estimate.seconds, 2 * NAT_GATEWAY_AVAILABLE);
    let path: Vec<&str> = estimate
        .critical_path
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(path, ["private-2a-nat", "private-2c-nat"]);
}

#[test]
fn wait_times_out_on_the_slowest_resource_with_the_usual_report() {
    // At 0.05 a NAT gateway takes 5 s: far beyond a 1 s timeout.
    let cloud = Rc::new(realistic(0.05));
    let source = r#"
let a = private_subnet("2a", "172.31.112.0/20");
wait([a.subnet, a.nat], #{ timeout: 1 });
"#;
    let start = Instant::now();
    let err = run_script(&cloud, "timeout.rhai", source).unwrap_err();
    assert!(err.contains("was still pending after 1s"), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn wait_keeps_the_shape_of_its_argument() {
    let cloud = Rc::new(SimAccount::new(REGION));
    let source = r#"
let a = private_subnet("2a", "172.31.112.0/20");
let web = alb("web", #{ subnets: [public_subnet("2a"), public_subnet("2c")] });
let map = wait(a);
let nested = wait([[a.nat], web.lb, [a.nat]]);
[map.subnet.cidr, map.nat.state, map.route_table.kind, nested[0][0].state, nested[1].state, nested[2][0].state]
"#;
    let got = run_script(&cloud, "shape.rhai", source).unwrap();
    assert_eq!(
        format!("{got:?}"),
        r#"["172.31.112.0/20", "available", "route_table", "available", "active", "available"]"#
    );
}

#[test]
fn the_tutorial_plan_ends_with_its_estimate_and_critical_path() {
    let plain = awsrun()
        .args(["scripts/multi-server.rhai", "--dry-run"])
        .assert()
        .success();
    let plain = String::from_utf8(plain.get_output().stdout.clone()).unwrap();
    let out = awsrun()
        .args([
            "scripts/multi-server.rhai",
            "--dry-run",
            "--sim-latency",
            "realistic",
            "--sim-latency-scale",
            "0",
        ])
        .assert()
        .success()
        .stderr_eq("");
    let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let (_, estimate) = out.trim_end().rsplit_once('\n').unwrap();
    // Every plan estimates: without the model, the same plan and estimate.
    assert_eq!(out, plain, "the plan does not change with the model");
    snapbox::assert_data_eq!(
        format!("{estimate}\n"),
        snapshot("multi-server.estimate.txt")
    );
    // The estimate is in AWS seconds, whatever the scale.
    let scaled = awsrun()
        .args([
            "--sim-latency",
            "realistic",
            "--sim-latency-scale",
            "0.002",
            "scripts/multi-server.rhai",
            "--dry-run",
        ])
        .assert()
        .success();
    let scaled = String::from_utf8(scaled.get_output().stdout.clone()).unwrap();
    assert_eq!(scaled, out);
}

#[test]
fn the_json_document_carries_the_estimate_with_or_without_the_model() {
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["scripts/multi-server.rhai", "--dry-run", "--output", "json"];
        args.extend_from_slice(extra);
        let out = awsrun().args(&args).assert().success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    let doc = json(&["--sim-latency", "realistic", "--sim-latency-scale", "0"]);
    assert_eq!(json(&[])["estimate"], doc["estimate"]);
    let estimate = &doc["estimate"];
    // alb() checks every 10 s; the servers answer long before the load
    // balancer is active, so they pass its first check.
    let health = 10;
    assert_eq!(estimate["seconds"], LOAD_BALANCER_ACTIVE + health);
    let path = estimate["critical_path"].as_array().unwrap();
    let steps: Vec<String> = path
        .iter()
        .map(|s| format!("{} {} {}", s["kind"], s["state"], s["seconds"]))
        .collect();
    assert_eq!(
        steps,
        [
            r#""load_balancer" "active" 150"#,
            r#""target_group" "healthy" 10"#
        ]
    );
    assert_eq!(path[1]["start"], LOAD_BALANCER_ACTIVE);
}

#[test]
fn sequential_waits_show_in_the_estimate_as_a_longer_critical_path() {
    let out = awsrun()
        .args([
            "benches/scripts/multi-server-sequential.rhai",
            "--dry-run",
            "--sim-latency",
            "realistic",
            "--sim-latency-scale",
            "0",
            "--output",
            "json",
        ])
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    // The servers are registered once running, 45 s before their app
    // answers: checks every 10 s fail meanwhile, so they turn unhealthy and
    // need 2 passing checks (the first at 50 s after registration).
    let registered = 2 * NAT_GATEWAY_AVAILABLE + LOAD_BALANCER_ACTIVE + INSTANCE_RUNNING;
    let sum = registered + 50 + 10;
    const { assert!(INSTANCE_BOOT <= 50 && INSTANCE_BOOT > 40) };
    assert_eq!(doc["estimate"]["seconds"], sum);
    assert_eq!(
        doc["estimate"]["critical_path"].as_array().unwrap().len(),
        6
    );
}

#[test]
fn latency_flags_are_checked_and_work_for_check_too() {
    awsrun()
        .args([
            "scripts/multi-server.rhai",
            "--dry-run",
            "--sim-latency",
            "fast",
        ])
        .assert()
        .code(2);
    awsrun()
        .args([
            "scripts/multi-server.rhai",
            "--dry-run",
            "--sim-latency-scale=200",
        ])
        .assert()
        .code(2);
    awsrun()
        .args([
            "check",
            "scripts/multi-server.rhai",
            "--sim-latency",
            "realistic",
            "--sim-latency-scale",
            "0",
        ])
        .assert()
        .success()
        .stdout_eq(snapshot("check.multi-server.stdout"));
}

/// A target of a group with `delay` seconds of deregistration delay is
/// `draining` that long after it leaves, then gone; the estimate counts it.
fn drains_for(delay_secs: u32) {
    // 300 s of draining = 0.6 s here.
    let scale = 0.002;
    let a = realistic(scale);
    let vpc = a.default_vpc().unwrap().id;
    let spec = TargetGroupSpec {
        name: "web-tg".into(),
        vpc,
        port: 3000,
        protocol: "HTTP".into(),
        health_check: HealthCheck::default(),
        deregistration_delay: delay_secs,
    };
    let tg = a
        .create(&Spec::TargetGroup(spec.clone()), &tags("web-tg"))
        .unwrap();
    let server = running(&a, instance(&a, "server"));
    let ids = [server.id.clone()];
    a.register_targets(&tg.id, &ids).unwrap();
    let left = Instant::now();
    a.deregister_targets(&tg.id, &ids).unwrap();
    let delay = Duration::from_secs_f64(f64::from(delay_secs) * scale);
    let health = a.target_health(&tg.id).unwrap();
    if left.elapsed() < delay / 2 {
        assert_eq!(health[0].state, "draining");
    }
    sleep_until(left + delay + Duration::from_millis(20));
    assert!(
        a.target_health(&tg.id).unwrap().is_empty(),
        "gone once drained"
    );
    let estimate = a.estimate().unwrap();
    // The instance ran first (RegisterTargets takes running ones), then drained.
    assert_eq!(estimate.seconds, INSTANCE_RUNNING + u64::from(delay_secs));
    assert_eq!(estimate.critical_path.last().unwrap().state, "drained");
}

#[test]
fn a_deregistered_target_drains_for_the_deregistration_delay() {
    drains_for(DEREGISTRATION_DELAY as u32);
}

#[test]
fn a_group_with_a_short_deregistration_delay_drains_that_long() {
    drains_for(30);
}

/// A load balancer made and waited for first; then a private subnet whose
/// NAT gateway is still pending, and servers in it running `user_data`.
fn servers_behind_a_late_nat(user_data: &str) -> awsrun::cloud::sim::Estimate {
    let cloud = Rc::new(realistic(0.0));
    let source = format!(
        r#"
let web = alb("web", #{{ subnets: [public_subnet("2a"), public_subnet("2c")] }});
wait(web.lb);
let a = private_subnet("2a", "172.31.112.0/20");
let app = app_servers("app", #{{ subnets: [a.subnet], from: web.sg, count: 1, user_data: {user_data:?} }});
register(web.tg, app.instances);
wait_healthy(web.tg);
"#
    );
    let _ = run_script(&cloud, "late-nat.rhai", &source).unwrap();
    cloud.estimate().unwrap()
}

#[test]
fn a_server_whose_user_data_downloads_answers_only_once_its_nat_gateway_is_available() {
    let lb = LOAD_BALANCER_ACTIVE;
    // The demo app needs nothing from the internet: it answers 45 s after
    // running (registered at 180 s; checks at 190..220 fail, so it needs
    // 2 passing checks: 230 s and 240 s).
    let plain = servers_behind_a_late_nat(
        "#!/bin/bash
python3 -m http.server 3000
",
    );
    assert_eq!(plain.seconds, lb + INSTANCE_RUNNING + 50 + 10);
    assert!(
        !plain.path_text().contains("nat_gateway"),
        "{}",
        plain.path_text()
    );
    // `dnf install` waits for the NAT gateway (available at 250 s), then
    // boots: the app answers at 295 s, passes checks at 300 s and 310 s.
    let downloads = servers_behind_a_late_nat(
        "#!/bin/bash
dnf install -y nodejs
node /srv/app.js
",
    );
    assert_eq!(
        downloads.seconds,
        lb + NAT_GATEWAY_AVAILABLE + INSTANCE_BOOT + 5 + 10
    );
    let path: Vec<String> = downloads
        .critical_path
        .iter()
        .map(|s| format!("{} {} {}", s.kind, s.state, s.seconds))
        .collect();
    assert_eq!(
        path,
        [
            "load_balancer active 150",
            "nat_gateway available 100",
            "instance booted 45",
            "target_group healthy 15"
        ]
    );
}

#[test]
fn a_rolling_deploy_of_the_tutorial_is_estimated_at_five_minutes_at_most() {
    let cloud = Rc::new(SimAccount::new(REGION));
    let built: Rc<dyn Cloud> = cloud.clone();
    let session = Rc::new(Session::new(built, "multi-server", Rc::new(Quiet)));
    let tutorial = Script::read(&root().join("scripts/multi-server.rhai")).unwrap();
    let _ = engine::run(&session, &tutorial).unwrap();
    // The servers have long been healthy when the deploy starts.
    cloud.set_latency(Latency::Realistic { scale: 0.0 });
    let deploy: Rc<dyn Cloud> = cloud.clone();
    let session = Rc::new(Session::new(deploy, "multi-server", Rc::new(Quiet)));
    let script = Script::read(&root().join("scripts/rolling-deploy.rhai")).unwrap();
    let done = engine::run(&session, &script).unwrap();
    let old = done.cast::<rhai::Map>()["old"]
        .clone()
        .into_array()
        .unwrap();
    assert_eq!(old.len(), 2, "both servers replaced");
    let estimate = cloud.estimate().unwrap();
    // Per batch: a new server runs (30 s), is registered, answers 45 s
    // later and passes 2 checks 10 s apart after failing meanwhile (60 s);
    // its old server drains 30 s while the next batch starts. The last old
    // server drains, then terminates (30 s).
    let batch = INSTANCE_RUNNING + 60;
    assert_eq!(estimate.seconds, 2 * batch + 30 + 30, "{}", estimate.line());
    assert!(estimate.seconds <= 300);
    let last: Vec<&str> = estimate
        .critical_path
        .iter()
        .rev()
        .take(2)
        .map(|s| s.state.as_str())
        .collect();
    assert_eq!(last, ["terminated", "drained"], "{}", estimate.line());
}
