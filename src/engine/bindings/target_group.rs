//! `target_group(name, OPTS)`: the ensure of an ELBv2 target group.
//!
//! Its VPC, port and protocol are fixed once it exists (another value is
//! the drift error); its health check and deregistration delay converge in
//! place: an existing group whose settings differ from the script's is
//! changed with `Cloud::modify_target_group`, and the plan shows it as
//! `~ change` with one line per difference (`health check interval: 30 ->
//! 10`, `deregistration_delay: 300 -> 30`), as `listener()` does.

use super::volatile;
use crate::cloud::{
    DEFAULT_DEREGISTRATION_DELAY, HealthCheck, Kind, MAX_DEREGISTRATION_DELAY, Resource, Spec,
    TargetGroupSpec, deregistration_delay_of,
};
use crate::engine::host_error::{HostError, HostResult};
use crate::engine::opts::Opts;
use crate::engine::session::{Adoption, Session};
use rhai::{Engine, Map};
use std::rc::Rc;

pub fn register(engine: &mut Engine, session: &Rc<Session>) {
    let s = session.clone();
    volatile("target_group").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = target_group(&s, name, opts);
        s.flush();
        r
    });
}

fn target_group(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let spec = spec(s, name, opts)?;
    let fixed = [
        ("vpc", spec.vpc.clone()),
        ("port", spec.port.to_string()),
        ("protocol", spec.protocol.clone()),
    ];
    let same = |r: &Resource| crate::cloud::adopt::elb_name(&r.id) == name;
    let adoption = Some(Adoption::by(&same));
    let (tg, index) = s.ensure_or_adopt(Kind::TargetGroup, name, &fixed, adoption, |tags| {
        s.cloud
            .create(&Spec::TargetGroup(spec.clone()), tags)
            .map_err(|e| HostError::from(e).into())
    })?;
    let changes = differences(&tg, &spec);
    if changes.is_empty() {
        return Ok(tg);
    }
    // The group exists with other settings: ModifyTargetGroup and
    // ModifyTargetGroupAttributes, in place.
    s.checkpoint()?;
    let mut changed = s
        .cloud
        .modify_target_group(&tg.id, &spec)
        .map_err(HostError::from)?;
    changed.name.clone_from(&tg.name);
    for change in changes {
        s.change(index, change);
    }
    s.refresh_detail(index, &changed);
    Ok(changed)
}

/// The spec a script's options ask for; every value is checked here, so a
/// bad one is an option error at the script's line and changes nothing.
fn spec(s: &Session, name: &str, opts: Map) -> HostResult<TargetGroupSpec> {
    let o = Opts::of("target_group", opts)?;
    let vpc = match o.resource("vpc", Kind::Vpc)? {
        Some(vpc) => vpc,
        None => s.default_vpc()?,
    };
    let port = o.int_in("port", 1, 65535)?.unwrap_or(80) as u16;
    let protocol = super::elb::protocol(&o, "protocol", "HTTP")?;
    let health_check = match o.map("health_check")? {
        None => HealthCheck::defaults(&protocol),
        Some(map) => health(map, &protocol)?,
    };
    let deregistration_delay = o
        .int_in(
            "deregistration_delay",
            0,
            i64::from(MAX_DEREGISTRATION_DELAY),
        )?
        .map_or(DEFAULT_DEREGISTRATION_DELAY, |n| n as u32);
    Ok(TargetGroupSpec {
        name: name.to_string(),
        vpc: vpc.id.clone(),
        port,
        protocol,
        health_check,
        deregistration_delay,
    })
}

/// A health check from its options; what is left out takes AWS's default,
/// except a timeout left out under a short interval, which becomes one
/// second less than the interval (AWS wants it shorter than the interval).
fn health(map: Map, protocol: &str) -> HostResult<HealthCheck> {
    let o = Opts::of("target_group(health_check)", map)?;
    let default = HealthCheck::defaults(protocol);
    let interval = o
        .int_in("interval", 5, 300)?
        .map_or(default.interval, |n| n as u16);
    Ok(HealthCheck {
        path: o.str("path")?.unwrap_or(default.path),
        interval,
        timeout: o
            .int_in("timeout", 2, 120)?
            .map_or(default.timeout.min(interval - 1), |n| n as u16),
        healthy_threshold: o
            .int_in("healthy_threshold", 2, 10)?
            .map_or(default.healthy_threshold, |n| n as u16),
        unhealthy_threshold: o
            .int_in("unhealthy_threshold", 2, 10)?
            .map_or(default.unhealthy_threshold, |n| n as u16),
    })
}

/// What differs between a target group's settings and the script's, as
/// plan lines (`health check interval: 30 -> 10`). A setting the backend
/// did not report is not compared.
fn differences(tg: &Resource, spec: &TargetGroupSpec) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(have) = HealthCheck::of(tg) {
        let want = &spec.health_check;
        let fields = [
            ("path", have.path.clone(), want.path.clone()),
            (
                "interval",
                have.interval.to_string(),
                want.interval.to_string(),
            ),
            (
                "timeout",
                have.timeout.to_string(),
                want.timeout.to_string(),
            ),
            (
                "healthy_threshold",
                have.healthy_threshold.to_string(),
                want.healthy_threshold.to_string(),
            ),
            (
                "unhealthy_threshold",
                have.unhealthy_threshold.to_string(),
                want.unhealthy_threshold.to_string(),
            ),
        ];
        for (field, have, want) in fields {
            if have != want {
                out.push(format!("health check {field}: {have} -> {want}"));
            }
        }
    }
    match deregistration_delay_of(tg) {
        Some(have) if have != spec.deregistration_delay => out.push(format!(
            "deregistration_delay: {have} -> {}",
            spec.deregistration_delay
        )),
        _ => {}
    }
    out
}
