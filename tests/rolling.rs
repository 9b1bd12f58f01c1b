//! `scripts/rolling-deploy.rhai` (issue 6): the tutorial's app servers
//! replaced batch by batch without a moment of downtime, in the simulated
//! account and live against moto.
//!
//! The healthy-target count is sampled after every cloud call the deploy
//! makes: in-process by a `Cloud` wrapper around the simulated account (it
//! reads the account without moving it, and keeps the health each poll
//! reported), live by a proxy between awsrun and moto that asks moto for
//! the target health with the test's own client before it passes each
//! response back.

use awsrun::cloud::Spec;
use awsrun::cloud::sim::SimAccount;
use awsrun::cloud::{
    Cloud, CloudResult, GroupUpdate, Identity, IngressRule, Kind, LaunchTemplateSpec, ListenerSpec,
    Mode, Resource, Route, Tags, TargetHealth,
};
use awsrun::engine::plan::{Op, Summary};
use awsrun::engine::session::{Quiet, Session};
use awsrun::engine::{self, Script};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const STACK: &str = "multi-server";
const TG: &str = "awesome-api-tg";

pub(crate) fn script(name: &str) -> Script {
    Script::read(&crate::support::root().join("scripts").join(name)).unwrap()
}

fn session(cloud: Rc<dyn Cloud>, vars: &[(&str, &str)]) -> Rc<Session> {
    let mut session = Session::new(cloud, STACK, Rc::new(Quiet));
    session.vars = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Rc::new(session)
}

/// "code: message" of a failed run.
pub(crate) fn report(err: &rhai::EvalAltResult) -> (String, String) {
    let rep = awsrun::diagnostic::from_eval(err, "test", &|_| None, &[], &Default::default());
    (
        rep.code.clone(),
        format!(
            "{}: {}\n{}",
            rep.code,
            rep.message,
            rep.help.clone().unwrap_or_default()
        ),
    )
}

/// The tutorial, deployed into `sim`.
fn tutorial(sim: &Rc<SimAccount>, vars: &[(&str, &str)]) {
    let s = session(sim.clone(), vars);
    if let Err(err) = engine::run(&s, &script("multi-server.rhai")) {
        panic!("the tutorial failed: {}", report(&err).1);
    }
}

/// The simulated account seen through the deploy: every call is passed on
/// and followed by a sample of the healthy-target count. Health is what
/// the account says without being polled (the group's registered targets,
/// their instances' states) combined with what the last poll reported,
/// so sampling never moves the simulation along. Instances whose name
/// starts with `broken` are reported `unhealthy` (an app that never passes
/// its health check).
pub(crate) struct Watch {
    inner: Rc<SimAccount>,
    stack: &'static str,
    broken: Option<String>,
    /// With `Some`, every instance not in the set (one launched after the
    /// watch began, by a group as by `instances`) is reported `unhealthy`.
    known: Option<BTreeSet<String>>,
    broken_ids: RefCell<BTreeSet<String>>,
    reported: RefCell<BTreeMap<String, String>>,
    samples: RefCell<Vec<(String, usize)>>,
    /// Set (as Ctrl-C sets it) right after the next registration.
    interrupt_on_register: RefCell<Option<Arc<AtomicBool>>>,
}

impl Watch {
    fn new(inner: &Rc<SimAccount>, broken: Option<&str>) -> Rc<Watch> {
        Watch::of(inner, STACK, broken, false)
    }

    /// A watch of the tutorial's target group in `stack`; with
    /// `break_new`, every instance launched from now on never turns healthy.
    pub(crate) fn of(
        inner: &Rc<SimAccount>,
        stack: &'static str,
        broken: Option<&str>,
        break_new: bool,
    ) -> Rc<Watch> {
        let known = break_new.then(|| {
            let all = inner.stack_resources(stack).unwrap();
            all.into_iter()
                .filter(|r| r.kind == Kind::Instance)
                .map(|r| r.id)
                .collect()
        });
        let watch = Rc::new(Watch {
            inner: inner.clone(),
            stack,
            broken: broken.map(str::to_string),
            known,
            broken_ids: RefCell::default(),
            reported: RefCell::default(),
            samples: RefCell::default(),
            interrupt_on_register: RefCell::default(),
        });
        // The tutorial ended healthy: one poll says so, before the deploy starts.
        let tg = watch.group();
        watch.target_health(&tg.id).unwrap();
        watch.samples.borrow_mut().clear();
        watch.sample("before the deploy");
        watch
    }

    fn group(&self) -> Resource {
        self.inner
            .find(Kind::TargetGroup, &Tags::new(self.stack, TG))
            .unwrap()
            .expect("the tutorial's target group")
    }

    /// Registered targets whose instance runs and that the last poll
    /// reported healthy.
    pub(crate) fn healthy(&self) -> usize {
        let states: BTreeMap<String, String> = self
            .inner
            .stack_resources(self.stack)
            .unwrap()
            .into_iter()
            .filter(|r| r.kind == Kind::Instance)
            .map(|r| (r.id.clone(), r.state().to_string()))
            .collect();
        let reported = self.reported.borrow();
        self.group()
            .strs("targets")
            .iter()
            .filter(|id| states.get(*id).is_some_and(|s| s == "running"))
            .filter(|id| reported.get(*id).is_some_and(|s| s == "healthy"))
            .count()
    }

    fn sample(&self, after: &str) {
        let count = self.healthy();
        self.samples.borrow_mut().push((after.to_string(), count));
    }

    pub(crate) fn samples(&self) -> Vec<(String, usize)> {
        self.samples.borrow().clone()
    }

    fn then<T>(&self, call: &str, result: CloudResult<T>) -> CloudResult<T> {
        self.sample(call);
        result
    }
}

impl Cloud for Watch {
    fn mode(&self) -> Mode {
        self.inner.mode()
    }
    fn region(&self) -> String {
        self.inner.region()
    }
    fn poll_interval(&self, attempt: u32) -> Duration {
        self.inner.poll_interval(attempt)
    }
    fn whoami(&self) -> CloudResult<Identity> {
        self.then("whoami", self.inner.whoami())
    }
    fn azs(&self) -> CloudResult<Vec<String>> {
        self.then("azs", self.inner.azs())
    }
    fn default_vpc(&self) -> CloudResult<Resource> {
        self.then("default_vpc", self.inner.default_vpc())
    }
    fn vpc_subnets(&self, vpc: &str) -> CloudResult<Vec<Resource>> {
        self.then("vpc_subnets", self.inner.vpc_subnets(vpc))
    }
    fn latest_ami(&self, family: &str) -> CloudResult<String> {
        self.then("latest_ami", self.inner.latest_ami(family))
    }
    fn find(&self, kind: Kind, tags: &Tags) -> CloudResult<Option<Resource>> {
        self.then("find", self.inner.find(kind, tags))
    }
    fn untagged(&self, kind: Kind) -> CloudResult<Vec<Resource>> {
        self.then("untagged", self.inner.untagged(kind))
    }
    fn adopt(&self, resource: &Resource, tags: &Tags) -> CloudResult<Resource> {
        self.then("adopt", self.inner.adopt(resource, tags))
    }
    fn hosted_zone(&self, domain: &str) -> CloudResult<Option<Resource>> {
        self.then("hosted_zone", self.inner.hosted_zone(domain))
    }
    fn record_at(&self, zone: &str, name: &str, kind: &str) -> CloudResult<Option<Resource>> {
        self.then("record_at", self.inner.record_at(zone, name, kind))
    }
    fn modify_listener(&self, listener: &str, spec: &ListenerSpec) -> CloudResult<Resource> {
        self.then(
            "modify_listener",
            self.inner.modify_listener(listener, spec),
        )
    }
    fn new_template_version(
        &self,
        template: &str,
        spec: &LaunchTemplateSpec,
    ) -> CloudResult<Resource> {
        let made = self.inner.new_template_version(template, spec);
        self.then("new_template_version", made)
    }
    fn update_group(&self, group: &str, update: &GroupUpdate) -> CloudResult<Resource> {
        self.then("update_group", self.inner.update_group(group, update))
    }
    fn attach_target_groups(&self, group: &str, target_groups: &[String]) -> CloudResult<()> {
        let done = self.inner.attach_target_groups(group, target_groups);
        self.then("attach_target_groups", done)
    }
    fn detach_instances(&self, group: &str, ids: &[String], decrement: bool) -> CloudResult<()> {
        let done = self.inner.detach_instances(group, ids, decrement);
        self.then("detach_instances", done)
    }
    fn suspend_processes(&self, group: &str, names: &[&str], suspend: bool) -> CloudResult<()> {
        let done = self.inner.suspend_processes(group, names, suspend);
        self.then("suspend_processes", done)
    }
    fn create(&self, spec: &Spec, tags: &Tags) -> CloudResult<Resource> {
        let made = self.inner.create(spec, tags);
        if !matches!(spec, Spec::Instance(_)) {
            return self.then(&format!("create {}", spec.kind()), made);
        }
        if let (Ok(instance), Some(prefix)) = (&made, &self.broken)
            && tags.name.starts_with(prefix.as_str())
        {
            self.broken_ids.borrow_mut().insert(instance.id.clone());
        }
        self.then(&format!("run_instance {}", tags.name), made)
    }
    fn create_route(&self, route_table: &str, route: &Route) -> CloudResult<()> {
        self.then("create_route", self.inner.create_route(route_table, route))
    }
    fn associate_route_table(&self, route_table: &str, subnet: &str) -> CloudResult<()> {
        self.then(
            "associate_route_table",
            self.inner.associate_route_table(route_table, subnet),
        )
    }
    fn authorize_ingress(&self, group: &str, rules: &[IngressRule]) -> CloudResult<()> {
        self.then(
            "authorize_ingress",
            self.inner.authorize_ingress(group, rules),
        )
    }
    fn terminate_instances(&self, ids: &[String]) -> CloudResult<()> {
        self.then(
            &format!("terminate_instances {ids:?}"),
            self.inner.terminate_instances(ids),
        )
    }
    fn register_targets(&self, target_group: &str, ids: &[String]) -> CloudResult<()> {
        let done = self.inner.register_targets(target_group, ids);
        if let Some(flag) = self.interrupt_on_register.borrow_mut().take() {
            flag.store(true, Ordering::SeqCst);
        }
        // A target registered again starts over from `initial`.
        let mut reported = self.reported.borrow_mut();
        for id in ids {
            reported.remove(id);
        }
        drop(reported);
        self.then(&format!("register_targets {ids:?}"), done)
    }
    fn deregister_targets(&self, target_group: &str, ids: &[String]) -> CloudResult<()> {
        let done = self.inner.deregister_targets(target_group, ids);
        let mut reported = self.reported.borrow_mut();
        for id in ids {
            reported.remove(id);
        }
        drop(reported);
        self.then(&format!("deregister_targets {ids:?}"), done)
    }
    fn target_health(&self, target_group: &str) -> CloudResult<Vec<TargetHealth>> {
        let mut health = self.inner.target_health(target_group);
        if let Ok(targets) = &mut health {
            let broken = self.broken_ids.borrow();
            let new = |id: &String| self.known.as_ref().is_some_and(|k| !k.contains(id));
            for t in targets
                .iter_mut()
                .filter(|t| (broken.contains(&t.id) || new(&t.id)) && t.state != "draining")
            {
                t.state = "unhealthy".into();
            }
            *self.reported.borrow_mut() = targets
                .iter()
                .map(|t| (t.id.clone(), t.state.clone()))
                .collect();
        }
        self.then("target_health", health)
    }
    fn refresh(&self, resource: &Resource) -> CloudResult<Resource> {
        self.then(
            &format!("refresh {}", resource.id),
            self.inner.refresh(resource),
        )
    }
    fn stack_resources(&self, stack: &str) -> CloudResult<Vec<Resource>> {
        self.then("stack_resources", self.inner.stack_resources(stack))
    }
    fn stack_names(&self) -> CloudResult<Vec<String>> {
        self.then("stack_names", self.inner.stack_names())
    }
    fn delete(&self, resource: &Resource) -> CloudResult<()> {
        self.then("delete", self.inner.delete(resource))
    }
}

/// Runs the deploy through `watch`; the session and the script's result.
fn deploy(
    watch: &Rc<Watch>,
    vars: &[(&str, &str)],
) -> (Rc<Session>, Result<rhai::Dynamic, Box<rhai::EvalAltResult>>) {
    let s = session(watch.clone(), vars);
    let result = engine::run(&s, &script("rolling-deploy.rhai"));
    (s, result)
}

/// The stack's instances by Name: (id, state), read without polling.
fn instances(sim: &SimAccount) -> BTreeMap<String, Vec<(String, String)>> {
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for r in sim
        .stack_resources(STACK)
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == Kind::Instance)
    {
        out.entry(r.name.clone())
            .or_default()
            .push((r.id.clone(), r.state().to_string()));
    }
    out
}

/// An instance's state now (the simulation's terminated ones included).
fn state_of(sim: &SimAccount, id: &str) -> String {
    sim.refresh(&Resource::new(Kind::Instance, "", id))
        .unwrap()
        .state()
        .to_string()
}

fn ids(value: &rhai::Dynamic, key: &str) -> Vec<String> {
    let map = value.clone().cast::<rhai::Map>();
    map[key]
        .clone()
        .cast::<rhai::Array>()
        .iter()
        .map(|v| v.to_string())
        .collect()
}

/// The healthy count never fell below `floor`, sampled after every call.
pub(crate) fn assert_never_below(samples: &[(String, usize)], floor: usize) {
    let low: Vec<_> = samples.iter().filter(|(_, n)| *n < floor).collect();
    assert!(
        low.is_empty(),
        "healthy targets fell below {floor}: {low:?}\nall samples: {samples:?}"
    );
}

/// Registered targets of the group and their health after the deploy,
/// polled until the simulation settles.
fn settled_health(sim: &SimAccount) -> BTreeMap<String, String> {
    let tg = sim
        .find(Kind::TargetGroup, &Tags::new(STACK, TG))
        .unwrap()
        .unwrap();
    let mut health = Vec::new();
    for _ in 0..3 {
        health = sim.target_health(&tg.id).unwrap();
    }
    health.into_iter().map(|t| (t.id, t.state)).collect()
}

#[test]
fn dry_run_deploy_replaces_every_server_without_losing_a_healthy_target() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    tutorial(&sim, &[]);
    let old: Vec<String> = ["awesome-api-server-1", "awesome-api-server-2"]
        .iter()
        .map(|n| instances(&sim)[*n][0].0.clone())
        .collect();
    let watch = Watch::new(&sim, None);
    let (s, result) = deploy(&watch, &[("version", "v2"), ("batch", "1")]);
    let value = result.unwrap_or_else(|err| panic!("deploy failed: {}", report(&err).1));

    let samples = watch.samples();
    assert_never_below(&samples, 2);
    // Each batch had three healthy targets at its peak, and the deploy made
    // many calls, each one sampled.
    assert_eq!(
        samples.iter().map(|(_, n)| *n).max(),
        Some(3),
        "{samples:?}"
    );
    assert!(samples.len() > 20, "{samples:?}");

    // The old servers are terminated, the new ones alone registered and healthy.
    for id in &old {
        assert_eq!(state_of(&sim, id), "terminated", "{id}");
    }
    let now = instances(&sim);
    assert!(
        !now.contains_key("awesome-api-server-1") && !now.contains_key("awesome-api-server-2"),
        "{now:?}"
    );
    let new: Vec<String> = ["awesome-api-v2-1", "awesome-api-v2-2"]
        .iter()
        .map(|n| now[*n][0].0.clone())
        .collect();
    let health = settled_health(&sim);
    assert_eq!(
        health.keys().cloned().collect::<Vec<_>>(),
        sorted(&new),
        "{health:?}"
    );
    assert!(health.values().all(|s| s == "healthy"), "{health:?}");

    // The report names the old and the new ids.
    assert_eq!(sorted(&ids(&value, "old")), sorted(&old));
    assert_eq!(sorted(&ids(&value, "new")), sorted(&new));

    // The plan: two servers started, registered, two deregistered and terminated.
    let actions = s.actions();
    let summary = Summary::of(&actions);
    assert_eq!((summary.created, summary.deleted), (2, 2), "{actions:#?}");
    let created: Vec<&str> = actions
        .iter()
        .filter(|a| a.op == Op::Create)
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(created, ["awesome-api-v2-1", "awesome-api-v2-2"]);
    // Batch 2 starts while old server 1 drains: it is terminated only once
    // batch 2's server is up (its target long drained by then).
    let position = |op: Op, name: &str| {
        actions
            .iter()
            .position(|a| a.op == op && a.name == name)
            .unwrap()
    };
    assert!(
        position(Op::Create, "awesome-api-v2-2") < position(Op::Delete, "awesome-api-server-1")
    );
    assert!(
        position(Op::Delete, "awesome-api-server-1") < position(Op::Delete, "awesome-api-server-2")
    );
    // New servers go where the old ones were: one per private subnet.
    let subnets: BTreeSet<&str> = actions
        .iter()
        .filter(|a| a.op == Op::Create)
        .map(|a| a.detail.as_str())
        .collect();
    assert_eq!(subnets.len(), 2, "{subnets:?}");
}

fn sorted(items: &[String]) -> Vec<String> {
    let mut items = items.to_vec();
    items.sort();
    items
}

#[test]
fn dry_run_deploy_in_batches_of_two_keeps_capacity_too() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    // Four servers and a batch of two more are 6 t2.micro vCPUs: more than
    // a new account's 5, so this account's quota was raised.
    sim.set_quotas(awsrun::cloud::sim::quotas::Quotas {
        vcpus: 32,
        ..awsrun::cloud::sim::quotas::Quotas::AWS
    });
    tutorial(&sim, &[("count", "4")]);
    let watch = Watch::new(&sim, None);
    let (_, result) = deploy(&watch, &[("version", "v2"), ("batch", "2")]);
    let value = result.unwrap_or_else(|err| panic!("deploy failed: {}", report(&err).1));
    let samples = watch.samples();
    assert_never_below(&samples, 4);
    assert_eq!(
        samples.iter().map(|(_, n)| *n).max(),
        Some(6),
        "two at a time: {samples:?}"
    );
    assert_eq!(ids(&value, "old").len(), 4);
    assert_eq!(ids(&value, "new").len(), 4);
    let health = settled_health(&sim);
    assert_eq!(health.len(), 4);
    assert!(health.values().all(|s| s == "healthy"), "{health:?}");
}

#[test]
fn dry_run_deploy_of_the_same_version_again_does_nothing() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    tutorial(&sim, &[]);
    let watch = Watch::new(&sim, None);
    let _first = deploy(&watch, &[("version", "v2")])
        .1
        .expect("the first deploy");
    let before = instances(&sim);
    let watch = Watch::new(&sim, None);
    let (s, result) = deploy(&watch, &[("version", "v2")]);
    let value = result.unwrap_or_else(|err| panic!("second deploy failed: {}", report(&err).1));
    let actions = s.actions();
    assert!(
        actions.is_empty(),
        "nothing created, changed or deleted: {actions:#?}"
    );
    assert_eq!(instances(&sim), before);
    assert!(ids(&value, "old").is_empty());
    assert_eq!(ids(&value, "new").len(), 2);
    assert!(
        s.output()
            .iter()
            .any(|line| line.contains("v2 is deployed already")),
        "{:?}",
        s.output()
    );
}

#[test]
fn dry_run_batch_that_never_becomes_healthy_is_rolled_back() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    tutorial(&sim, &[]);
    let old: BTreeSet<String> = ["awesome-api-server-1", "awesome-api-server-2"]
        .iter()
        .map(|n| instances(&sim)[*n][0].0.clone())
        .collect();
    let watch = Watch::new(&sim, Some("awesome-api-v3-"));
    let (s, result) = deploy(&watch, &[("version", "v3")]);
    let err = result.expect_err("the deploy must fail");
    let (code, text) = report(&err);
    assert_eq!(code, "awsrun::rolling::rolled_back", "{text}");
    assert!(text.contains("batch 1 of 2"), "{text}");
    assert!(
        text.contains("awsrun::wait::timeout"),
        "the cause is named: {text}"
    );
    assert!(
        text.contains("awesome-api-v3-1"),
        "the failed server is named: {text}"
    );
    assert_never_below(&watch.samples(), 2);

    // The failed server is deregistered and terminated; the old ones serve.
    let now = instances(&sim);
    assert_eq!(now["awesome-api-v3-1"].len(), 1);
    let failed = now["awesome-api-v3-1"][0].0.clone();
    assert_eq!(state_of(&sim, &failed), "terminated");
    assert!(
        !now.contains_key("awesome-api-v3-2"),
        "no second batch: {now:?}"
    );
    let health = settled_health(&sim);
    assert_eq!(health.keys().cloned().collect::<BTreeSet<_>>(), old);
    assert!(health.values().all(|s| s == "healthy"), "{health:?}");
    let deleted: Vec<String> = s
        .actions()
        .iter()
        .filter(|a| a.op == Op::Delete)
        .map(|a| a.name.clone())
        .collect();
    assert_eq!(deleted, ["awesome-api-v3-1"]);

    // Fixed, the same deploy goes through from the start.
    let watch = Watch::new(&sim, None);
    let (_, result) = deploy(&watch, &[("version", "v3")]);
    let value =
        result.unwrap_or_else(|err| panic!("deploy after the fix failed: {}", report(&err).1));
    assert_never_below(&watch.samples(), 2);
    assert_eq!(ids(&value, "old").into_iter().collect::<BTreeSet<_>>(), old);
}

#[test]
fn dry_run_deploy_stopped_by_ctrl_c_mid_batch_resumes_without_an_extra_server() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    tutorial(&sim, &[]);
    let old: BTreeSet<String> = ["awesome-api-server-1", "awesome-api-server-2"]
        .iter()
        .map(|n| instances(&sim)[*n][0].0.clone())
        .collect();
    // Ctrl-C right after the first new server is registered.
    let watch = Watch::new(&sim, None);
    let s = session(watch.clone(), &[("version", "v2")]);
    *watch.interrupt_on_register.borrow_mut() = Some(s.interrupted.clone());
    let err = engine::run(&s, &script("rolling-deploy.rhai")).expect_err("interrupted");
    assert_eq!(report(&err).0, "awsrun::interrupted", "{}", report(&err).1);
    assert_never_below(&watch.samples(), 2);
    // Nothing rolled back: the new server stays registered next to the old ones.
    let first = instances(&sim)["awesome-api-v2-1"][0].0.clone();
    let health = settled_health(&sim);
    assert_eq!(health.len(), 3, "{health:?}");

    // The re-run pairs awesome-api-v2-1 with awesome-api-server-1 and goes on.
    let watch = Watch::new(&sim, None);
    let (s, result) = deploy(&watch, &[("version", "v2")]);
    let value = result.unwrap_or_else(|err| panic!("resumed deploy failed: {}", report(&err).1));
    assert_never_below(&watch.samples(), 2);
    let created: Vec<String> = s
        .actions()
        .iter()
        .filter(|a| a.op == Op::Create)
        .map(|a| a.name.clone())
        .collect();
    assert_eq!(created, ["awesome-api-v2-2"]);
    assert_eq!(ids(&value, "old").into_iter().collect::<BTreeSet<_>>(), old);
    let now = instances(&sim);
    assert_eq!(
        now["awesome-api-v2-1"][0].0, first,
        "the server started before Ctrl-C is kept"
    );
    let health = settled_health(&sim);
    let expected: BTreeSet<String> = [first, now["awesome-api-v2-2"][0].0.clone()]
        .into_iter()
        .collect();
    assert_eq!(
        health.keys().cloned().collect::<BTreeSet<_>>(),
        expected,
        "{health:?}"
    );
    assert!(health.values().all(|s| s == "healthy"), "{health:?}");
}

#[test]
fn dry_run_without_the_tutorial_has_nothing_to_deploy() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    let s = session(sim.clone(), &[("version", "v2")]);
    let value = engine::run(&s, &script("rolling-deploy.rhai"))
        .unwrap_or_else(|err| panic!("{}", report(&err).1));
    assert!(s.actions().is_empty());
    assert!(ids(&value, "new").is_empty());
    assert!(
        s.output()[0].contains("nothing to deploy"),
        "{:?}",
        s.output()
    );
}

/// Runs `source` in the stack after the tutorial; its error, "code: message\nhelp".
fn misuse(sim: &Rc<SimAccount>, source: &str) -> (String, String) {
    let s = session(sim.clone(), &[]);
    let probe = Script {
        path: "scripts/probe.rhai".into(),
        source: source.into(),
    };
    match engine::run(&s, &probe) {
        Ok(value) => panic!("{source} succeeded with {value:?}"),
        Err(err) => report(&err),
    }
}

#[test]
fn the_deploys_building_blocks_say_what_to_do_when_misused() {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    tutorial(&sim, &[]);
    let tg = "let tg = existing(\"target_group\", \"awesome-api-tg\");";
    let cases: &[(&str, &str, &str)] = &[
        (
            "existing(\"targetgroup\", \"awesome-api-tg\")",
            "awsrun::kind::unknown",
            "did you mean \"target_group\"?",
        ),
        (
            "wait_terminated(targets(tg))",
            "awsrun::wait::failed",
            "terminate it first",
        ),
        (
            "wait_drained(tg, targets(tg))",
            "awsrun::wait::failed",
            "deregister it first",
        ),
        (
            "lookup(\"subnet\", targets(tg)[0].id)",
            "awsrun::kind::mismatch",
            "lookup(\"instance\"",
        ),
        (
            "rolling_replace(tg, targets(tg), #{})",
            "awsrun::opts::missing",
            "api-v2-1",
        ),
        (
            "rolling_replace(tg, targets(tg), #{ name: \"x\", bach: 1 })",
            "awsrun::opts::unknown_key",
            "did you mean `batch`?",
        ),
        (
            "rolling_replace(tg, targets(tg), #{ name: \"x\", count: 1 })",
            "awsrun::rolling::capacity",
            "never lowers capacity",
        ),
        (
            "rolling_replace(tg, targets(tg), #{ name: \"x\", batch: \"2\" })",
            "awsrun::opts::value",
            "parse_int",
        ),
    ];
    for (call, code, hint) in cases {
        let (got, text) = misuse(&sim, &format!("{tg}\n{call};"));
        assert_eq!(&got, code, "{call}: {text}");
        assert!(text.contains(hint), "{call}: {text}");
    }
    // Nothing was touched by the failed calls.
    let health = settled_health(&sim);
    assert_eq!(health.len(), 2);
    assert!(health.values().all(|s| s == "healthy"));
    // `existing` never creates; `first` numbers and places as one call would.
    let s = session(sim.clone(), &[]);
    let probe = Script {
        path: "scripts/probe.rhai".into(),
        source: format!(
            "{tg}\nlet none = existing(\"instance\", \"nope\");\nlet subnets = spread_subnets(targets(tg));\n\
             let third = instances(\"x\", #{{ count: 1, first: 2, subnets: subnets }});\n\
             [none == (), lookup(\"target_group\", tg.id).name, third[0].name, third[0].subnet == subnets[1].id]"
        ),
    };
    let value = engine::run(&s, &probe).unwrap_or_else(|err| panic!("{}", report(&err).1));
    assert_eq!(
        format!("{value:?}"),
        r#"[true, "awesome-api-tg", "x-2", true]"#
    );
}

// ---- Live, against moto -------------------------------------------------

use crate::support::moto::{Moto, moto};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::sync::Mutex;
use std::thread::JoinHandle;

/// What the proxy saw: after each request awsrun made (by its `Action`),
/// the healthy-target count moto reported to the test's own client.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    pub(crate) samples: Vec<(String, usize)>,
    pub(crate) stopped: Vec<String>,
}

/// A proxy on 127.0.0.1 between awsrun and moto. It handles one request at
/// a time; after moto answers and before awsrun gets the answer, it samples
/// the target group's health with the test's own ELB client, so every
/// step of the deploy is observed, however fast it goes. With `stop` set,
/// after each `RegisterTargets` it stops the running instances whose Name
/// starts with it (with the test's own EC2 client): moto then reports them
/// `unused` instead of `healthy`, as AWS reports a server whose app is down.
/// [`Proxy::start_stopping`] takes any [`Stop`] instead.
pub(crate) struct Proxy {
    port: u16,
    done: Arc<AtomicBool>,
    seen: Arc<Mutex<Seen>>,
    thread: Option<JoinHandle<()>>,
}

impl Proxy {
    fn start(m: &Moto, target_group: &str, stop: Option<&str>) -> Proxy {
        Proxy::start_via(m, m.port(), target_group, stop)
    }

    /// [`Proxy::start`] in front of another server on 127.0.0.1 (a proxy
    /// before moto), which the samples and stops go through too: the
    /// healthy count is then the one that server reports.
    pub(crate) fn start_via(
        m: &Moto,
        upstream: u16,
        target_group: &str,
        stop: Option<&str>,
    ) -> Proxy {
        let stop = stop.map_or(Stop::Nothing, |prefix| Stop::Named(prefix.to_string()));
        Proxy::start_stopping(m, upstream, target_group, stop)
    }

    /// [`Proxy::start_via`] stopping what `stop` says.
    pub(crate) fn start_stopping(m: &Moto, upstream: u16, target_group: &str, stop: Stop) -> Proxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let done = Arc::new(AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let via = format!("http://127.0.0.1:{upstream}");
        let (ec2, elb) = (m.ec2_at(&via), m.elb_at(&via));
        let tg = target_group.to_string();
        let (flag, log) = (done.clone(), seen.clone());
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            for client in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut client) = client else { continue };
                let Some((head, body)) = read_request(&mut client) else {
                    continue;
                };
                let action = action_of(&body);
                let answer = forward(upstream, &head, &body);
                let stopped = match (&stop, action.as_str()) {
                    (Stop::Named(prefix), "RegisterTargets") => {
                        runtime.block_on(stop_named(&ec2, prefix))
                    }
                    (Stop::NotIn(known), _) => runtime.block_on(stop_unknown(&ec2, STACK, known)),
                    (Stop::NotInStack(stack, known), _) => {
                        runtime.block_on(stop_unknown(&ec2, stack, known))
                    }
                    _ => Vec::new(),
                };
                log.lock().unwrap().stopped.extend(stopped);
                let healthy = runtime.block_on(healthy_count(&elb, &tg));
                log.lock().unwrap().samples.push((action, healthy));
                let _ = client.write_all(&answer);
                let _ = client.shutdown(Shutdown::Both);
            }
        });
        Proxy {
            port,
            done,
            seen,
            thread: Some(thread),
        }
    }

    pub(crate) fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub(crate) fn finish(mut self) -> Seen {
        self.done.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect((Ipv4Addr::LOCALHOST, self.port));
        if let Some(thread) = self.thread.take() {
            thread.join().expect("the proxy thread");
        }
        std::mem::take(&mut *self.seen.lock().unwrap())
    }
}

/// One HTTP/1.1 request: its head (up to the blank line) and body.
fn read_request(client: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    client
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if client.read(&mut byte).ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).ok()?;
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "chunked request: {head}"
    );
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    client.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// The `Action` of a query-protocol request (EC2, ELBv2, STS).
fn action_of(body: &[u8]) -> String {
    let body = String::from_utf8_lossy(body);
    body.split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .unwrap_or("?")
        .to_string()
}

/// Sends the request to moto on its own connection; moto's whole answer,
/// marked `Connection: close`.
fn forward(port: u16, head: &str, body: &[u8]) -> Vec<u8> {
    let mut upstream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).expect("connect to moto");
    let head: String = head
        .trim_end()
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    upstream
        .write_all(format!("{head}Connection: close\r\n\r\n").as_bytes())
        .unwrap();
    upstream.write_all(body).unwrap();
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer).unwrap();
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an HTTP answer")
        + 2;
    let (head, rest) = answer.split_at(split);
    let head = String::from_utf8_lossy(head);
    let mut out: String = head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    out.push_str("Connection: close\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(rest);
    bytes
}

async fn healthy_count(elb: &aws_sdk_elasticloadbalancingv2::Client, tg: &str) -> usize {
    let health = elb
        .describe_target_health()
        .target_group_arn(tg)
        .send()
        .await
        .unwrap();
    health
        .target_health_descriptions()
        .iter()
        .filter(|d| {
            d.target_health()
                .and_then(|h| h.state())
                .map(|s| s.as_str())
                == Some("healthy")
        })
        .count()
}

/// Which instances the sampling proxy stops (with the test's own EC2
/// client), so that a batch never turns healthy.
pub(crate) enum Stop {
    Nothing,
    /// After each `RegisterTargets`, the running instances of the stack
    /// whose Name starts with this.
    Named(String),
    /// After each request, every running instance of the stack not in this
    /// set: with the set of instances at a given moment, every instance
    /// launched after it. An Auto Scaling group's instances all have the
    /// group's Name and are registered by the group, not by a
    /// `RegisterTargets`, so [`Stop::Named`] cannot single them out.
    NotIn(BTreeSet<String>),
    /// [`Stop::NotIn`] for the instances of another stack.
    NotInStack(String, BTreeSet<String>),
}

/// Stops the running instances of the stack not in `known`; their ids.
async fn stop_unknown(
    ec2: &aws_sdk_ec2::Client,
    stack: &str,
    known: &BTreeSet<String>,
) -> Vec<String> {
    let ids: Vec<String> = crate::support::moto::stack_instances(ec2, stack)
        .await
        .into_iter()
        .filter(|(_, id, state)| !known.contains(id) && state == "running")
        .map(|(_, id, _)| id)
        .collect();
    stop_all(ec2, ids).await
}

/// Stops `ids` (none is no request); returns them.
async fn stop_all(ec2: &aws_sdk_ec2::Client, ids: Vec<String>) -> Vec<String> {
    if !ids.is_empty() {
        ec2.stop_instances()
            .set_instance_ids(Some(ids.clone()))
            .send()
            .await
            .unwrap();
    }
    ids
}

/// Stops the running instances whose Name starts with `prefix`; their ids.
async fn stop_named(ec2: &aws_sdk_ec2::Client, prefix: &str) -> Vec<String> {
    let ids: Vec<String> = crate::support::moto::stack_instances(ec2, STACK)
        .await
        .into_iter()
        .filter(|(name, _, state)| name.starts_with(prefix) && state == "running")
        .map(|(_, id, _)| id)
        .collect();
    stop_all(ec2, ids).await
}

/// The tutorial's target group ARN and its targets' health, by instance id.
pub(crate) fn live_health(m: &Moto) -> (String, BTreeMap<String, String>) {
    let elb = m.elb();
    m.block_on(async {
        let tgs = elb.describe_target_groups().names(TG).send().await.unwrap();
        let arn = tgs.target_groups()[0]
            .target_group_arn()
            .unwrap()
            .to_string();
        let health = elb
            .describe_target_health()
            .target_group_arn(&arn)
            .send()
            .await
            .unwrap();
        let states = health
            .target_health_descriptions()
            .iter()
            .map(|d| {
                let id = d.target().and_then(|t| t.id()).unwrap_or("").to_string();
                let state = d
                    .target_health()
                    .and_then(|h| h.state())
                    .map(|s| s.as_str())
                    .unwrap_or("");
                (id, state.to_string())
            })
            .collect();
        (arn, states)
    })
}

/// Instances by Name: every (id, state) of that name.
/// The target group's targets are exactly `servers`, all healthy.
pub(crate) fn assert_only_these_serve(m: &Moto, servers: &BTreeSet<String>) {
    let (_, health) = live_health(m);
    assert_eq!(
        &health.keys().cloned().collect::<BTreeSet<_>>(),
        servers,
        "{health:?}"
    );
    assert!(health.values().all(|s| s == "healthy"), "{health:?}");
}

pub(crate) fn live_by_name(m: &Moto) -> BTreeMap<String, Vec<(String, String)>> {
    let ec2 = m.ec2();
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (name, id, state) in m.block_on(crate::support::moto::stack_instances(&ec2, STACK)) {
        out.entry(name).or_default().push((id, state));
    }
    out
}

fn live_tutorial(m: &Moto) -> (String, BTreeSet<String>) {
    m.awsrun()
        .args(["scripts/multi-server.rhai", "--yes"])
        .assert()
        .success();
    let (arn, health) = live_health(m);
    assert_eq!(health.len(), 2, "{health:?}");
    assert!(health.values().all(|s| s == "healthy"), "{health:?}");
    (arn, health.into_keys().collect())
}

pub(crate) fn count_of(seen: &Seen, action: &str) -> usize {
    seen.samples.iter().filter(|(a, _)| a == action).count()
}

#[test]
fn live_deploy_never_lowers_the_healthy_count_and_a_rerun_does_nothing() {
    let m = moto();
    let (arn, old) = live_tutorial(&m);
    let proxy = Proxy::start(&m, &arn, None);
    let output = m
        .awsrun()
        .env("AWS_ENDPOINT_URL", proxy.endpoint())
        .args([
            "scripts/rolling-deploy.rhai",
            "--stack",
            STACK,
            "--var",
            "version=v2",
            "--var",
            "batch=1",
            "--yes",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let seen = proxy.finish();
    let stdout = String::from_utf8_lossy(&output.stdout);

    // Every step went through the proxy and was sampled right after it.
    for (action, n) in [
        ("RunInstances", 2),
        ("RegisterTargets", 2),
        ("DeregisterTargets", 2),
        ("TerminateInstances", 2),
    ] {
        assert_eq!(count_of(&seen, action), n, "{action}: {:?}", seen.samples);
    }
    let low: Vec<_> = seen.samples.iter().filter(|(_, n)| *n < 2).collect();
    assert!(
        low.is_empty(),
        "healthy targets fell below 2: {low:?} in {:?}",
        seen.samples
    );
    let peak = seen.samples.iter().map(|(_, n)| *n).max();
    assert_eq!(
        peak,
        Some(3),
        "one additional server at a time: {:?}",
        seen.samples
    );

    // Only the new version is registered and healthy; the old servers are terminated.
    let (_, health) = live_health(&m);
    let by_name = live_by_name(&m);
    let new: BTreeSet<String> = ["awesome-api-v2-1", "awesome-api-v2-2"]
        .iter()
        .map(|n| {
            let found = &by_name[*n];
            assert_eq!(found.len(), 1, "{n}: {found:?}");
            assert_eq!(found[0].1, "running");
            found[0].0.clone()
        })
        .collect();
    assert_eq!(
        health.keys().cloned().collect::<BTreeSet<_>>(),
        new,
        "{health:?}"
    );
    assert!(health.values().all(|s| s == "healthy"), "{health:?}");
    for name in ["awesome-api-server-1", "awesome-api-server-2"] {
        assert!(
            by_name[name].iter().all(|(_, s)| s == "terminated"),
            "{name}: {by_name:?}"
        );
    }
    // The report names the old and the new ids.
    for id in old.iter().chain(&new) {
        assert!(
            stdout.contains(id.as_str()),
            "{id} missing from the report:\n{stdout}"
        );
    }

    // The same version again: nothing to do, nothing changed.
    let again = m
        .awsrun()
        .args([
            "scripts/rolling-deploy.rhai",
            "--stack",
            STACK,
            "--var",
            "version=v2",
            "--yes",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&again.stdout),
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(
        text.contains("v2 is deployed already: nothing to do."),
        "{text}"
    );
    assert!(
        text.contains("Done: 0 created, 0 changed, 0 existing, 0 deleted."),
        "{text}"
    );
    assert_eq!(live_by_name(&m), by_name);
}

#[test]
fn live_batch_that_never_becomes_healthy_is_rolled_back() {
    let m = moto();
    let (arn, old) = live_tutorial(&m);
    let proxy = Proxy::start(&m, &arn, Some("awesome-api-v3-"));
    let output = m
        .awsrun()
        .env("AWS_ENDPOINT_URL", proxy.endpoint())
        .args([
            "scripts/rolling-deploy.rhai",
            "--stack",
            STACK,
            "--var",
            "version=v3",
            "--var",
            "timeout=3",
            "--yes",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let seen = proxy.finish();
    let stderr = String::from_utf8_lossy(&output.stderr);

    // The test stopped the first new server right after it was registered.
    assert_eq!(seen.stopped.len(), 1, "{seen:?}");
    let failed = seen.stopped[0].clone();
    let low: Vec<_> = seen.samples.iter().filter(|(_, n)| *n < 2).collect();
    assert!(
        low.is_empty(),
        "healthy targets fell below 2: {low:?} in {:?}",
        seen.samples
    );
    assert_eq!(
        count_of(&seen, "RunInstances"),
        1,
        "no second batch: {:?}",
        seen.samples
    );

    // A clear report: the batch, the cause, what was undone.
    for part in [
        "awsrun::rolling::rolled_back",
        "batch 1 of 2",
        "awsrun::wait::timeout",
        "awesome-api-v3-1",
        failed.as_str(),
        "still serve",
    ] {
        assert!(stderr.contains(part), "{part} missing from:\n{stderr}");
    }
    // The list of what the run left says the failed server is gone again.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.lines().any(|l| l.contains(failed.as_str())
            && l.contains("awesome-api-v3-1")
            && l.ends_with("(created, then removed again)")),
        "{stdout}"
    );

    // Rolled back: the failed server deregistered and terminated, the old ones serving.
    assert_only_these_serve(&m, &old);
    let by_name = live_by_name(&m);
    assert_eq!(
        by_name["awesome-api-v3-1"],
        [(failed, "terminated".to_string())]
    );
    assert!(!by_name.contains_key("awesome-api-v3-2"), "{by_name:?}");
    for name in ["awesome-api-server-1", "awesome-api-server-2"] {
        assert_eq!(by_name[name][0].1, "running", "{name}");
    }
}
