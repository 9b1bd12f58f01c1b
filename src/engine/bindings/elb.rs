//! Elastic Load Balancing (v2): load balancers, listeners and target
//! registration (target groups: `target_group.rs`).

use super::ec2::{instance_list, push_attr, wait_limit};
use super::volatile;
use super::wait::wait_all;
use crate::cloud::Spec;
use crate::cloud::{
    DEFAULT_SSL_POLICY, Kind, ListenerAction, ListenerSpec, LoadBalancerSpec, Poll, Redirect,
    Resource,
};
use crate::diagnostic::code;
use crate::engine::host_error::{HostError, HostResult};
use crate::engine::opts::{Opts, expect_kind};
use crate::engine::plan::Op;
use crate::engine::session::{Adoption, Session};
use rhai::{Array, Dynamic, Engine, Map};
use std::rc::Rc;

pub fn register(engine: &mut Engine, session: &Rc<Session>) {
    super::target_group::register(engine, session);
    let s = session.clone();
    volatile("load_balancer").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = load_balancer(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("listener").register_into_engine(engine, move |lb: Dynamic, opts: Map| {
        let r = listener(&s, &lb, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("register").register_into_engine(engine, move |tg: Dynamic, targets: Dynamic| {
        let r = register_targets(&s, &tg, &targets);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("deregister").register_into_engine(engine, move |tg: Dynamic, targets: Dynamic| {
        let r = deregister_targets(&s, &tg, &targets);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("targets").register_into_engine(engine, move |tg: Dynamic| targets(&s, &tg));
    let s = session.clone();
    volatile("target_health").register_into_engine(engine, move |tg: Dynamic| -> HostResult<Map> {
        let tg = expect_kind("target_health", "tg", &tg, Kind::TargetGroup)?;
        let health = s.cloud.target_health(&tg.id).map_err(HostError::from)?;
        Ok(health
            .into_iter()
            .map(|t| (t.id.into(), Dynamic::from(t.state)))
            .collect())
    });
    let s = session.clone();
    volatile("wait_drained").register_into_engine(engine, move |tg: Dynamic, targets: Dynamic| {
        wait_drained(&s, &tg, &targets, Map::new())
    });
    let s = session.clone();
    volatile("wait_drained")
        .register_into_engine(engine, move |tg: Dynamic, targets: Dynamic, opts: Map| {
            wait_drained(&s, &tg, &targets, opts)
        });
}

/// `targets(tg)`: the instances registered now (draining ones left out),
/// each as the cloud reports it.
fn targets(s: &Session, tg: &Dynamic) -> HostResult<Array> {
    let tg = expect_kind("targets", "tg", tg, Kind::TargetGroup)?;
    let fresh = s.cloud.refresh(&tg).map_err(HostError::from)?;
    let mut out = Array::new();
    for id in fresh
        .strs("targets")
        .into_iter()
        .filter(|id| id.starts_with("i-"))
    {
        let instance = s
            .cloud
            .refresh(&Resource::new(Kind::Instance, "", id))
            .map_err(HostError::from)?;
        out.push(Dynamic::from(instance));
    }
    Ok(out)
}

/// `wait_drained(tg, instances)`: polls the target group until none of the
/// instances is reported any more (deregistered and done draining).
fn wait_drained(s: &Session, tg: &Dynamic, targets: &Dynamic, opts: Map) -> HostResult<()> {
    let limit = wait_limit(s, "wait_drained", opts)?;
    let tg = expect_kind("wait_drained", "tg", tg, Kind::TargetGroup)?;
    let ids: Vec<String> = instance_list("wait_drained", targets)?
        .into_iter()
        .map(|i| i.id)
        .collect();
    let mut poll = Poll::new(&*s.cloud, limit);
    loop {
        s.checkpoint()?;
        let health = s.cloud.target_health(&tg.id).map_err(HostError::from)?;
        let left: Vec<_> = health.iter().filter(|t| ids.contains(&t.id)).collect();
        if left.is_empty() {
            s.sink.progress(&tg, "drained", poll.elapsed(), true);
            return Ok(());
        }
        if let Some(serving) = left.iter().find(|t| t.state != "draining") {
            return Err(HostError::new(
                code::Wait::Failed,
                format!(
                    "{} is still registered with target_group \"{}\" ({}); it will not drain",
                    serving.id, tg.name, serving.state
                ),
            )
            .help(
                "deregister it first: deregister(tg, instances), then wait_drained(tg, instances)",
            )
            .into());
        }
        if poll.over() {
            let names: Vec<&str> = left.iter().map(|t| t.id.as_str()).collect();
            return Err(HostError::new(
                code::Wait::Timeout,
                format!("target_group \"{}\" was still draining {} after {}s", tg.name, names.join(", "), limit.as_secs()),
            )
            .help("wait longer with #{timeout: SECONDS}; the target group's deregistration delay (300s by default) decides how long draining takes")
            .into());
        }
        s.sink.progress(
            &tg,
            &format!("{} draining", left.len()),
            poll.elapsed(),
            false,
        );
        poll.sleep();
    }
}

pub(super) fn protocol(o: &Opts, key: &str, default: &str) -> HostResult<String> {
    let p = o
        .str(key)?
        .unwrap_or_else(|| default.to_string())
        .to_uppercase();
    if !matches!(p.as_str(), "HTTP" | "HTTPS") {
        return Err(o.value_error(
            key,
            format!("must be \"HTTP\" or \"HTTPS\" for an application load balancer, got \"{p}\""),
            format!("write `{key}: \"HTTP\"` (the default); other protocols need a network load balancer, which awsrun does not make"),
        ));
    }
    Ok(p)
}

fn load_balancer(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("load_balancer", opts)?;
    let subnets = o.resources("subnets", Kind::Subnet)?;
    if subnets.is_empty() {
        return Err(o.missing("subnets"));
    }
    let groups = o.resources("security_groups", Kind::SecurityGroup)?;
    let scheme = o.str("scheme")?.unwrap_or_else(|| "internet-facing".into());
    if !matches!(scheme.as_str(), "internet-facing" | "internal") {
        return Err(o.value_error(
            "scheme",
            format!("must be \"internet-facing\" or \"internal\", got \"{scheme}\""),
            "use \"internet-facing\" (the default) for a load balancer reachable from the internet, \"internal\" for one reachable only inside the VPC".into(),
        ));
    }
    let spec = LoadBalancerSpec {
        name: name.to_string(),
        subnets: subnets.iter().map(|s| s.id.clone()).collect(),
        security_groups: groups.iter().map(|g| g.id.clone()).collect(),
        scheme,
    };
    let mut sorted = spec.subnets.clone();
    sorted.sort();
    let fixed = [
        ("scheme", spec.scheme.clone()),
        ("subnets", sorted.join(",")),
    ];
    let same = |r: &Resource| crate::cloud::adopt::elb_name(&r.id) == name;
    let adoption = Some(Adoption::by(&same));
    let (lb, _) = s.ensure_or_adopt(Kind::LoadBalancer, name, &fixed, adoption, |tags| {
        s.cloud
            .create(&Spec::LoadBalancer(spec.clone()), tags)
            .map_err(|e| HostError::from(e).into())
    })?;
    Ok(lb)
}

fn listener(s: &Session, lb: &Dynamic, opts: Map) -> HostResult<Resource> {
    let lb = expect_kind("listener", "lb", lb, Kind::LoadBalancer)?;
    let o = Opts::of("listener", opts)?;
    let port = o.int_in("port", 1, 65535)?.unwrap_or(80) as u16;
    let protocol = protocol(&o, "protocol", "HTTP")?;
    let action = match (
        o.resource("forward", Kind::TargetGroup)?,
        o.map("redirect")?,
    ) {
        (Some(tg), None) => ListenerAction::Forward(tg.id.clone()),
        (None, Some(map)) => ListenerAction::Redirect(redirect(map)?),
        (Some(_), Some(_)) => {
            return Err(o.value_error(
                "redirect",
                "cannot be given with `forward`: a listener's default action is one or the other"
                    .into(),
                "forward to a target group (`forward: tg`) or redirect (`redirect: #{port: 443}`)"
                    .into(),
            ));
        }
        (None, None) => return Err(o.missing("forward")),
    };
    let mut certificate = o.resource("certificate", Kind::Certificate)?;
    let ssl_policy = o.str("ssl_policy")?;
    if protocol == "HTTP" && (certificate.is_some() || ssl_policy.is_some()) {
        let key = if certificate.is_some() {
            "certificate"
        } else {
            "ssl_policy"
        };
        return Err(o.value_error(
            key,
            "is for HTTPS listeners".into(),
            "add `protocol: \"HTTPS\"`, or leave the option out".into(),
        ));
    }
    let https = protocol == "HTTPS";
    let mut waited = None;
    if let Some(cert) = certificate.take() {
        // ELB takes only an issued certificate: wait for a pending one.
        certificate = Some(if cert.state() == "ISSUED" {
            cert
        } else {
            waited = Some(cert.name.clone());
            let fresh = s.cloud.refresh(&cert).map_err(HostError::from)?;
            super::dns::issued(s, fresh, s.wait_timeout)?
        });
    }
    let spec = ListenerSpec {
        load_balancer: lb.id.clone(),
        port,
        protocol,
        action,
        certificate: certificate.map(|c| c.id),
        ssl_policy: https.then(|| ssl_policy.unwrap_or_else(|| DEFAULT_SSL_POLICY.to_string())),
    };
    let name = format!("{}-{port}", lb.name);
    duplicate_port(s, &lb, &name, &spec)?;
    let same = |r: &Resource| {
        r.str("load_balancer") == lb.id
            && r.attr("port").and_then(|p| p.as_u64()) == Some(u64::from(port))
    };
    let (listener, index) = s.ensure_or_adopt(
        Kind::Listener,
        &name,
        &[("port", port.to_string())],
        Some(Adoption::by(&same)),
        |tags| {
            s.cloud
                .create(&Spec::Listener(spec.clone()), tags)
                .map_err(|e| HostError::from(e).into())
        },
    )?;
    if let Some(cert) = waited {
        s.change(
            index,
            format!("once ACM has issued certificate {cert} (ELB takes issued certificates only)"),
        );
    }
    let changes = differences(&listener, &spec);
    if changes.is_empty() {
        return Ok(listener);
    }
    // The listener exists with other settings: ModifyListener, in place.
    s.checkpoint()?;
    let changed = s
        .cloud
        .modify_listener(&listener.id, &spec)
        .map_err(HostError::from)?;
    for change in changes {
        s.change(index, change);
    }
    s.refresh_detail(index, &changed);
    Ok(changed)
}

/// `redirect: #{protocol, port, status}`: HTTPS on 443 with a permanent
/// redirect unless told otherwise.
fn redirect(map: Map) -> HostResult<Redirect> {
    let o = Opts::of("listener(redirect)", map)?;
    let protocol = protocol(&o, "protocol", "HTTPS")?;
    let port = o.int_in("port", 1, 65535)?.unwrap_or(443) as u16;
    let status = match o.int("status")? {
        None | Some(301) => "HTTP_301",
        Some(302) => "HTTP_302",
        Some(other) => {
            return Err(o.value_error(
                "status",
                format!("must be 301 (permanent) or 302 (temporary), got {other}"),
                "leave it out for 301".into(),
            ));
        }
    };
    Ok(Redirect {
        protocol,
        port,
        status_code: status.to_string(),
    })
}

/// What differs between a listener and the settings a script asks for, as
/// plan lines (`default action: forward web-tg -> redirect HTTPS:443 (301)`).
fn differences(listener: &Resource, spec: &ListenerSpec) -> Vec<String> {
    let action_text = |forward: &str, redirect: &str| match Redirect::parse(redirect) {
        Some(r) => format!(
            "redirect {}:{} ({})",
            r.protocol,
            r.port,
            r.status_code.trim_start_matches("HTTP_")
        ),
        None => format!("forward {}", arn_name(forward)),
    };
    let mut out = Vec::new();
    if listener.str("protocol") != spec.protocol {
        out.push(format!(
            "protocol: {} -> {}",
            listener.str("protocol"),
            spec.protocol
        ));
    }
    let (have, want) = (
        action_text(listener.str("forward"), listener.str("redirect")),
        action_text(spec.action.forward(), &spec.action.redirect_text()),
    );
    if have != want {
        out.push(format!("default action: {have} -> {want}"));
    }
    let cert = spec.certificate.as_deref().unwrap_or("");
    if listener.str("certificate") != cert {
        out.push(format!(
            "certificate: {} -> {}",
            or_none(arn_name(listener.str("certificate"))),
            or_none(arn_name(cert))
        ));
    }
    let policy = spec.ssl_policy.as_deref().unwrap_or("");
    if listener.str("ssl_policy") != policy {
        out.push(format!(
            "ssl_policy: {} -> {}",
            or_none(listener.str("ssl_policy")),
            or_none(policy)
        ));
    }
    out
}

fn or_none(text: &str) -> &str {
    if text.is_empty() { "none" } else { text }
}

/// The readable part of an ARN: a target group's name, a certificate's id.
fn arn_name(arn: &str) -> &str {
    let resource = arn.rsplit(':').next().unwrap_or(arn);
    if resource.starts_with("targetgroup/") {
        return resource.split('/').nth(1).unwrap_or(resource);
    }
    resource.rsplit('/').next().unwrap_or(resource)
}

/// A second, different listener on a port this script already gave a
/// listener: one listener per port (not a drift from an earlier run).
fn duplicate_port(s: &Session, lb: &Resource, name: &str, spec: &ListenerSpec) -> HostResult<()> {
    let made_here = s
        .actions()
        .iter()
        .any(|a| a.kind == Kind::Listener && a.name == name);
    if !made_here {
        return Ok(());
    }
    let Ok(Some(held)) = s.cloud.find(Kind::Listener, &s.tags(name)) else {
        return Ok(());
    };
    if differences(&held, spec).is_empty() {
        return Ok(());
    }
    let action = match Redirect::parse(held.str("redirect")) {
        Some(r) => format!("redirecting to {}:{}", r.protocol, r.port),
        None => format!("forwarding to {}", arn_name(held.str("forward"))),
    };
    Err(HostError::new(
        code::Resource::DuplicatePort,
        format!(
            "load balancer \"{}\" already has a listener on port {} ({action}), made earlier in this script",
            lb.name, spec.port
        ),
    )
    .help(format!(
        "a load balancer has one listener per port: give this one another port, or give port {} one default action",
        spec.port
    ))
    .into())
}

fn register_targets(s: &Session, tg: &Dynamic, targets: &Dynamic) -> HostResult<Resource> {
    let mut tg = expect_kind("register", "tg", tg, Kind::TargetGroup)?;
    let instances = instance_list("register", targets)?;
    let have = tg.strs("targets");
    let missing: Vec<String> = instances
        .iter()
        .map(|i| i.id.clone())
        .filter(|id| !have.contains(id))
        .collect();
    if !missing.is_empty() {
        s.checkpoint()?;
        let waited = wait_running(s, &tg, &instances, &missing)?;
        s.cloud
            .register_targets(&tg.id, &missing)
            .map_err(HostError::from)?;
        for id in &missing {
            push_attr(&mut tg, "targets", id.clone().into());
        }
        let index = s.note(Op::Change, &tg, format!("register {}", missing.join(", ")));
        if !waited.is_empty() {
            let which = match (waited.len() == missing.len(), waited.len()) {
                (true, 1) => "it is".to_string(),
                (true, _) => "they are".to_string(),
                (false, 1) => format!("{} is", waited[0]),
                (false, _) => format!("{} are", waited.join(", ")),
            };
            let what = format!("once {which} running (ELB registers running instances only)");
            s.change(index, what);
        }
    }
    Ok(tg)
}

/// Waits until the instances of `missing` are `running`: ELBv2's
/// RegisterTargets says "If the target is an EC2 instance, it must be in
/// the running state when you register it" and answers `InvalidTarget`
/// otherwise. Returns the ids it waited for; an instance that ends
/// stopped or terminated instead is an error.
fn wait_running(
    s: &Session,
    tg: &Resource,
    instances: &[Resource],
    missing: &[String],
) -> HostResult<Vec<String>> {
    let pending: Vec<Resource> = instances
        .iter()
        .filter(|i| missing.contains(&i.id) && i.state() != "running")
        .cloned()
        .collect();
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    let ids = pending.iter().map(|i| i.id.clone()).collect();
    match wait_all(s, pending, s.wait_timeout) {
        Ok(_) => Ok(ids),
        Err(err) => Err(cannot_register(tg, err)),
    }
}

/// A wait for running that failed, told as the registration it stopped.
fn cannot_register(tg: &Resource, err: Box<rhai::EvalAltResult>) -> Box<rhai::EvalAltResult> {
    let rhai::EvalAltResult::ErrorRuntime(value, _) = &*err else {
        return err;
    };
    let Some(mut host) = value.clone().try_cast::<HostError>() else {
        return err;
    };
    host.message = format!(
        "register(): cannot register with target_group \"{}\": {}",
        tg.name, host.message
    );
    host.into()
}

fn deregister_targets(s: &Session, tg: &Dynamic, targets: &Dynamic) -> HostResult<Resource> {
    let mut tg = expect_kind("deregister", "tg", tg, Kind::TargetGroup)?;
    let instances = instance_list("deregister", targets)?;
    let have = tg.strs("targets");
    let present: Vec<String> = instances
        .iter()
        .map(|i| i.id.clone())
        .filter(|id| have.contains(id))
        .collect();
    if !present.is_empty() {
        s.checkpoint()?;
        s.cloud
            .deregister_targets(&tg.id, &present)
            .map_err(HostError::from)?;
        let left: Vec<serde_json::Value> = have
            .iter()
            .filter(|id| !present.contains(id))
            .map(|id| id.clone().into())
            .collect();
        tg.set("targets", left);
        s.note(
            Op::Change,
            &tg,
            format!("deregister {}", present.join(", ")),
        );
    }
    Ok(tg)
}
