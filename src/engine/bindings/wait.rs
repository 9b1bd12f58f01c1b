//! `wait` and `wait_healthy`: poll slow resources until usable, with backoff
//! (from the backend), a timeout and progress reported to the sink.
//!
//! Creating a slow resource never blocks; `wait` over several resources
//! (an array, nested arrays, a stdlib result map) polls them all in one
//! loop, so they provision side by side and the wait costs the longest of
//! their times rather than the sum.

use super::volatile;
use crate::cloud::{Kind, Poll, Resource, TargetHealth};
use crate::diagnostic::code;
use crate::engine::host_error::{HostError, HostResult};
use crate::engine::opts::{Opts, expect_kind};
use crate::engine::session::Session;
use rhai::{Array, Dynamic, Engine, Map};
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

pub fn register(engine: &mut Engine, session: &Rc<Session>) {
    let s = session.clone();
    volatile("wait")
        .register_into_engine(engine, move |target: Dynamic| wait(&s, target, Map::new()));
    let s = session.clone();
    volatile("wait").register_into_engine(engine, move |target: Dynamic, opts: Map| {
        wait(&s, target, opts)
    });
    let s = session.clone();
    volatile("wait_healthy")
        .register_into_engine(engine, move |tg: Dynamic| wait_healthy(&s, tg, Map::new()));
    let s = session.clone();
    volatile("wait_healthy").register_into_engine(engine, move |tg: Dynamic, opts: Map| {
        wait_healthy(&s, tg, opts)
    });
}

fn timeout(s: &Session, func: &str, opts: Map) -> HostResult<Duration> {
    let o = Opts::of(func, opts)?;
    Ok(o.int_in("timeout", 1, 86_400)?
        .map_or(s.wait_timeout, |secs| Duration::from_secs(secs as u64)))
}

/// The state in which a resource of this kind can be used, and its failure states.
fn ready_state(kind: Kind) -> Option<(&'static str, &'static [&'static str])> {
    let info = kind.info();
    info.ready_state.map(|ready| (ready, info.failed_states))
}

/// AWS's reason for a failure, when it gives one (` (Gateway.NotAttached: ...)`).
fn failure(r: &Resource) -> String {
    match (r.str("failure_code"), r.str("failure_message")) {
        ("", _) => String::new(),
        (code, "") => format!(" ({code})"),
        (code, message) => format!(" ({code}: {message})"),
    }
}

/// What to do about a resource that reached one of its failure states.
fn failed_help(r: &Resource, stack: &str) -> String {
    match (r.kind, r.state()) {
        (Kind::Instance, "stopping" | "stopped") => format!(
            "start it again (`aws ec2 start-instances --instance-ids {}`), then re-run the script",
            r.id
        ),
        (Kind::Instance, _) => {
            "re-run the script: it launches a new instance in place of this one".into()
        }
        (Kind::NatGateway, "failed") if r.str("failure_code") == "Gateway.NotAttached" => {
            "its VPC has no internet gateway: attach one first (`internet_gateway(name, #{vpc})`, or `network(...)` builds the whole network), then re-run: a new NAT gateway replaces the failed one, which AWS deletes by itself".into()
        }
        (Kind::NatGateway, state) => format!(
            "look at why it is {state} in the AWS console (VPC > NAT gateways); a re-run creates a new one, or `awsrun destroy --stack {stack}` removes the stack"
        ),
        _ => format!(
            "look at the {} in the AWS console; delete it there or with `awsrun destroy --stack {stack}`, then re-run the script",
            r.kind
        ),
    }
}

fn wait(s: &Session, target: Dynamic, opts: Map) -> HostResult<Dynamic> {
    let limit = timeout(s, "wait", opts)?;
    let mut found = Vec::new();
    let shape = Shape::of(target, &mut found)?;
    let ready = wait_all(s, found, limit)?;
    Ok(shape.fill(&ready))
}

/// Where the resources of a `wait` argument sit, so that the result has the
/// argument's shape with every resource as it is once ready.
enum Shape {
    /// The n-th resource found.
    Resource(usize),
    Array(Vec<Shape>),
    /// A stdlib result such as `private_subnet(...)`: its resources and
    /// arrays are waited for, other values kept.
    Map(Vec<(rhai::ImmutableString, Shape)>, Map),
}

impl Shape {
    /// Collects the resources of `target` (a resource, or an array or map
    /// of them, nested as deep as the script likes) into `found`.
    fn of(target: Dynamic, found: &mut Vec<Resource>) -> HostResult<Shape> {
        if target.is_array() {
            let items = target.cast::<Array>();
            let mut shapes = Vec::with_capacity(items.len());
            for item in items {
                shapes.push(Shape::of(item, found)?);
            }
            return Ok(Shape::Array(shapes));
        }
        if target.is_map() {
            let mut map = target.cast::<Map>();
            let mut shapes = Vec::new();
            let keys: Vec<_> = map.keys().cloned().collect();
            for key in keys {
                let waits = map
                    .get(&key)
                    .is_some_and(|v| v.is::<Resource>() || v.is_array());
                if waits && let Some(value) = map.remove(&key) {
                    shapes.push((key.as_str().into(), Shape::of(value, found)?));
                }
            }
            return Ok(Shape::Map(shapes, map));
        }
        let Some(resource) = target.clone().try_cast::<Resource>() else {
            return Err(HostError::new(
                code::Resource::KindMismatch,
                format!("wait(): expected a resource or an array of them, got {}", crate::engine::opts::describe(&target)),
            )
            .help("pass what a resource function returned, e.g. `wait(nat)` or `wait([nat_a, nat_c])`")
            .into());
        };
        found.push(resource);
        Ok(Shape::Resource(found.len() - 1))
    }

    fn fill(self, ready: &[Resource]) -> Dynamic {
        match self {
            Shape::Resource(i) => Dynamic::from(ready[i].clone()),
            Shape::Array(items) => {
                Dynamic::from(items.into_iter().map(|s| s.fill(ready)).collect::<Array>())
            }
            Shape::Map(shapes, mut rest) => {
                for (key, shape) in shapes {
                    rest.insert(key.as_str().into(), shape.fill(ready));
                }
                Dynamic::from(rest)
            }
        }
    }
}

/// Waits for every slow resource of `resources` at once: one polling loop
/// that, each round, checks every resource not yet usable, refreshes them
/// and sleeps the backend's poll interval; so resources provisioning side
/// by side cost the longest of their times, not the sum. Returns the
/// resources as they are once all are usable (others unchanged).
pub(crate) fn wait_all(
    s: &Session,
    mut resources: Vec<Resource>,
    limit: Duration,
) -> HostResult<Vec<Resource>> {
    // Each resource once, however often the argument names it: the index
    // of its first occurrence by id.
    let mut first_of: HashMap<String, usize> = HashMap::with_capacity(resources.len());
    let mut pending: Vec<usize> = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        if first_of.contains_key(&r.id) {
            continue;
        }
        first_of.insert(r.id.clone(), i);
        if ready_state(r.kind).is_some() {
            pending.push(i);
        }
    }
    let mut poll = Poll::new(&*s.cloud, limit);
    let mut shown = vec![String::new(); resources.len()];
    let mut looked = false;
    while !pending.is_empty() {
        s.checkpoint()?;
        let mut waiting = Vec::with_capacity(pending.len());
        for &i in &pending {
            let current = &resources[i];
            let (ready, failed) =
                ready_state(current.kind).expect("only slow resources are pending");
            if current.state() == ready {
                s.sink.progress(current, ready, poll.elapsed(), true);
            } else if failed.contains(&current.state()) {
                return Err(HostError::new(
                    code::Wait::Failed,
                    format!(
                        "{} \"{}\" ({}) is {}{}; it will never become {ready}",
                        current.kind,
                        current.name,
                        current.id,
                        current.state(),
                        failure(current)
                    ),
                )
                .help(failed_help(current, &s.stack))
                .into());
            } else {
                waiting.push(i);
            }
        }
        pending = waiting;
        let Some(&first) = pending.first() else { break };
        if looked && poll.over() {
            return Err(timed_out(
                &resources[first],
                resources[first].state(),
                limit,
            ));
        }
        // Each state once, and the first resource every round (so that a
        // spinner's time moves): many resources do not flood the display.
        for &i in &pending {
            let state = resources[i].state();
            if i == first || shown[i] != state {
                s.sink.progress(&resources[i], state, poll.elapsed(), false);
                shown[i] = state.to_string();
            }
        }
        // The values the script holds may be old: look once before sleeping.
        if looked {
            poll.sleep();
        }
        for &i in &pending {
            resources[i] = s.cloud.refresh(&resources[i]).map_err(HostError::from)?;
        }
        looked = true;
    }
    // Duplicates take the value their first occurrence has now.
    for i in 0..resources.len() {
        let j = first_of[&resources[i].id];
        if j != i {
            resources[i] = resources[j].clone();
        }
    }
    Ok(resources)
}

fn timed_out(r: &Resource, state: &str, limit: Duration) -> Box<rhai::EvalAltResult> {
    HostError::new(
        code::Wait::Timeout,
        format!("{} \"{}\" ({}) was still {state} after {}s", r.kind, r.name, r.id, limit.as_secs()),
    )
    .help("wait longer with #{timeout: SECONDS}, or look at the resource in the AWS console; re-running the script resumes where it stopped")
    .into()
}

/// Polls the target group until every target is `healthy`. A new target
/// is `initial` first (ELB user guide, "Health checks for your target
/// groups": reason `Elb.RegistrationInProgress` or
/// `Elb.InitialHealthChecking`), which is fine. Progress lines and the
/// timeout name AWS's reason for every target not healthy yet; a target
/// `unused` for `Target.NotInUse` (no listener forwards to the group, or
/// its AZ is not enabled on the load balancer) never becomes healthy by
/// waiting, so that fails at once and says why.
fn wait_healthy(s: &Session, tg: Dynamic, opts: Map) -> HostResult<Resource> {
    let limit = timeout(s, "wait_healthy", opts)?;
    if let Some(group) = tg.clone().try_cast::<Resource>()
        && group.kind == Kind::AutoScalingGroup
    {
        return super::scaling_group::wait_at_capacity(s, &group, limit);
    }
    let tg = expect_kind("wait_healthy", "tg", &tg, Kind::TargetGroup)?;
    let mut poll = Poll::new(&*s.cloud, limit);
    loop {
        s.checkpoint()?;
        let health = s.cloud.target_health(&tg.id).map_err(HostError::from)?;
        if health.is_empty() {
            return Err(HostError::new(
                code::Wait::NoTargets,
                format!("target_group \"{}\" has no registered targets", tg.name),
            )
            .help("register instances first: register(tg, servers)")
            .into());
        }
        let healthy = health.iter().filter(|t| t.state == "healthy").count();
        let count = format!("{healthy}/{} healthy", health.len());
        if healthy == health.len() {
            s.sink.progress(&tg, &count, poll.elapsed(), true);
            return Ok(tg);
        }
        let why = reasons(&health);
        if let Some(stuck) = health.iter().find(|t| t.reason == "Target.NotInUse") {
            return Err(never_healthy(&tg, stuck, &why));
        }
        if poll.over() {
            return Err(timed_out(&tg, &format!("{count} ({why})"), limit));
        }
        s.sink
            .progress(&tg, &format!("{count} ({why})"), poll.elapsed(), false);
        poll.sleep();
    }
}

/// Every target not healthy, with AWS's reason: `i-1 initial
/// (Elb.InitialHealthChecking: Initial health checks in progress)`.
fn reasons(health: &[TargetHealth]) -> String {
    let not_healthy = health.iter().filter(|t| t.state != "healthy");
    let each = not_healthy.map(|t| match (t.reason.as_str(), t.description.as_str()) {
        ("", _) => format!("{} {}", t.id, t.state),
        (code, "") => format!("{} {} ({code})", t.id, t.state),
        (code, text) => format!("{} {} ({code}: {text})", t.id, t.state),
    });
    each.collect::<Vec<_>>().join(", ")
}

fn never_healthy(tg: &Resource, stuck: &TargetHealth, why: &str) -> Box<rhai::EvalAltResult> {
    HostError::new(
        code::Wait::Unhealthy,
        format!(
            "target_group \"{}\" will never become healthy: {why}",
            tg.name
        ),
    )
    .help(format!(
        "AWS health-checks a target only for a listener that forwards to its group, from an \
         Availability Zone enabled on the load balancer: add one with listener(lb, #{{port: 80, \
         forward: tg}}), or give the load balancer a subnet in {}'s Availability Zone",
        stuck.id
    ))
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::SimAccount;
    use crate::engine::session::Quiet;

    #[test]
    fn a_resource_that_failed_says_what_to_do() {
        let s = Session::new(
            Rc::new(SimAccount::new("ap-northeast-2")),
            "web",
            Rc::new(Quiet),
        );
        let cases = [
            (Kind::NatGateway, "failed", "a re-run creates a new one"),
            (
                Kind::Instance,
                "stopped",
                "start-instances --instance-ids x-1",
            ),
            (Kind::Instance, "terminated", "launches a new instance"),
            (Kind::LoadBalancer, "failed", "`awsrun destroy --stack web`"),
        ];
        for (kind, state, hint) in cases {
            let r = Resource::new(kind, "x", "x-1").with("state", state);
            let err = wait_all(&s, vec![r], Duration::from_secs(1)).unwrap_err();
            let err = HostError::of(&err);
            assert_eq!(err.code, "awsrun::wait::failed", "{kind} {state}");
            let help = err.help.unwrap_or_default();
            assert!(help.contains(hint), "{kind} {state}: {help}");
        }
    }
}
