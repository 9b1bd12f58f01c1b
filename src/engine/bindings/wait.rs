//! `wait` and `wait_healthy`: poll slow resources until usable, with backoff
//! (from the backend), a timeout and progress reported to the sink.

use super::volatile;
use crate::cloud::{Kind, Resource};
use crate::engine::host_error::{HostError, HostResult};
use crate::engine::opts::{Opts, expect_kind};
use crate::engine::session::Session;
use rhai::{Array, Dynamic, Engine, Map};
use std::rc::Rc;
use std::time::{Duration, Instant};

pub fn register(engine: &mut Engine, session: &Rc<Session>) {
    let s = session.clone();
    volatile("wait").register_into_engine(engine, move |target: Dynamic| wait(&s, target, Map::new()));
    let s = session.clone();
    volatile("wait").register_into_engine(engine, move |target: Dynamic, opts: Map| wait(&s, target, opts));
    let s = session.clone();
    volatile("wait_healthy").register_into_engine(engine, move |tg: Dynamic| wait_healthy(&s, tg, Map::new()));
    let s = session.clone();
    volatile("wait_healthy")
        .register_into_engine(engine, move |tg: Dynamic, opts: Map| wait_healthy(&s, tg, opts));
}

fn timeout(s: &Session, func: &str, opts: Map) -> HostResult<Duration> {
    let o = Opts::new(func, opts, &["timeout"])?;
    Ok(o.int_in("timeout", 1, 86_400)?.map_or(s.wait_timeout, |secs| Duration::from_secs(secs as u64)))
}

/// The state in which a resource of this kind can be used, and its failure states.
fn ready_state(kind: Kind) -> Option<(&'static str, &'static [&'static str])> {
    match kind {
        Kind::NatGateway => Some(("available", &["failed", "deleting", "deleted"])),
        Kind::Instance => Some(("running", &["shutting-down", "terminated", "stopping", "stopped"])),
        Kind::LoadBalancer => Some(("active", &["failed"])),
        _ => None,
    }
}

fn wait(s: &Session, target: Dynamic, opts: Map) -> HostResult<Dynamic> {
    let limit = timeout(s, "wait", opts)?;
    if target.is_array() {
        let items = target.cast::<Array>();
        let mut out = Array::with_capacity(items.len());
        for item in items {
            out.push(Dynamic::from(wait_one(s, &item, limit)?));
        }
        return Ok(Dynamic::from(out));
    }
    if target.is_map() {
        // A stdlib result such as private_subnet(...): wait for each resource in it.
        let mut map = target.cast::<Map>();
        for value in map.values_mut() {
            if value.is::<Resource>() || value.is_array() {
                *value = wait(s, value.clone(), Map::new())?;
            }
        }
        return Ok(Dynamic::from(map));
    }
    Ok(Dynamic::from(wait_one(s, &target, limit)?))
}

fn wait_one(s: &Session, target: &Dynamic, limit: Duration) -> HostResult<Resource> {
    let Some(resource) = target.clone().try_cast::<Resource>() else {
        return Err(HostError::new(
            "awsrun::kind::mismatch",
            format!("wait(): expected a resource or an array of them, got {}", crate::engine::opts::describe(target)),
        )
        .into());
    };
    let Some((ready, failed)) = ready_state(resource.kind) else {
        return Ok(resource);
    };
    let start = Instant::now();
    let mut current = resource;
    for attempt in 0.. {
        s.checkpoint()?;
        if current.state() == ready {
            s.sink.progress(&current, ready, start.elapsed(), true);
            return Ok(current);
        }
        if failed.contains(&current.state()) {
            return Err(HostError::new(
                "awsrun::wait::failed",
                format!("{} \"{}\" ({}) is {}; it will never become {ready}", current.kind, current.name, current.id, current.state()),
            )
            .into());
        }
        if attempt > 0 && (start.elapsed() >= limit || (s.dry_run() && attempt > 1000)) {
            return Err(timed_out(&current, current.state(), limit));
        }
        s.sink.progress(&current, current.state(), start.elapsed(), false);
        // The value the script holds may be old: look once before sleeping.
        if attempt > 0 {
            std::thread::sleep(s.cloud.poll_interval(attempt - 1));
        }
        current = s.cloud.refresh(&current).map_err(HostError::from)?;
    }
    unreachable!("the wait loop returns")
}

fn timed_out(r: &Resource, state: &str, limit: Duration) -> Box<rhai::EvalAltResult> {
    HostError::new(
        "awsrun::wait::timeout",
        format!("{} \"{}\" ({}) was still {state} after {}s", r.kind, r.name, r.id, limit.as_secs()),
    )
    .help("wait longer with #{timeout: SECONDS}, or look at the resource in the AWS console; re-running the script resumes where it stopped")
    .into()
}

fn wait_healthy(s: &Session, tg: Dynamic, opts: Map) -> HostResult<Resource> {
    let limit = timeout(s, "wait_healthy", opts)?;
    let tg = expect_kind("wait_healthy", "tg", &tg, Kind::TargetGroup)?;
    let start = Instant::now();
    for attempt in 0.. {
        s.checkpoint()?;
        let health = s.cloud.target_health(&tg.id).map_err(HostError::from)?;
        if health.is_empty() {
            return Err(HostError::new(
                "awsrun::wait::no_targets",
                format!("target_group \"{}\" has no registered targets", tg.name),
            )
            .help("register instances first: register(tg, servers)")
            .into());
        }
        let healthy = health.iter().filter(|t| t.state == "healthy").count();
        let state = format!("{healthy}/{} healthy", health.len());
        if healthy == health.len() {
            s.sink.progress(&tg, &state, start.elapsed(), true);
            return Ok(tg);
        }
        if attempt > 0 && (start.elapsed() >= limit || (s.dry_run() && attempt > 1000)) {
            let states: Vec<String> = health.iter().map(|t| format!("{} {}", t.id, t.state)).collect();
            return Err(timed_out(&tg, &format!("{state} ({})", states.join(", ")), limit));
        }
        s.sink.progress(&tg, &state, start.elapsed(), false);
        std::thread::sleep(s.cloud.poll_interval(attempt));
    }
    unreachable!("the wait loop returns")
}
