//! Auto Scaling groups: the ensure, setting the capacity by hand and
//! waiting until a group is at capacity with every instance healthy.

use super::ec2::instance_list;
use super::scaling::{apply, aws_name, group_of, note_change, poll};
use crate::cloud::{AutoScalingGroupSpec, DEPLOY_SUSPENDS, GroupUpdate, Kind, Resource, Spec};
use crate::diagnostic::code;
use crate::engine::host_error::{HostError, HostResult};
use crate::engine::opts::Opts;
use crate::engine::session::Session;
use rhai::{Dynamic, Map};
use std::time::Duration;

/// What a group's options ask for, before it exists.
struct Wanted {
    min: u32,
    max: u32,
    desired: Option<u32>,
    subnets: Vec<String>,
    target_groups: Vec<String>,
    health_check_type: String,
    grace: u32,
}

fn wanted(o: &Opts) -> HostResult<Wanted> {
    let min = o.int_in("min", 0, 10_000)?.unwrap_or(1) as u32;
    let max = o.int_in("max", 0, 10_000)?.unwrap_or(min.max(1) as i64) as u32;
    let desired = o.int_in("desired", 0, 10_000)?.map(|n| n as u32);
    if max < min {
        return Err(o.value_error(
            "max",
            format!("must be at least `min` ({min}), got {max}"),
            "a group holds min..max instances: raise max or lower min".into(),
        ));
    }
    if let Some(d) = desired
        && !(min..=max).contains(&d)
    {
        return Err(o.value_error(
            "desired",
            format!("must be between min {min} and max {max}, got {d}"),
            "AWS refuses a desired capacity outside min..max (ValidationError)".into(),
        ));
    }
    let subnets: Vec<String> = o
        .resources("subnets", Kind::Subnet)?
        .into_iter()
        .map(|s| s.id)
        .collect();
    if subnets.is_empty() {
        return Err(o.missing("subnets"));
    }
    let target_groups: Vec<String> = o
        .resources("target_groups", Kind::TargetGroup)?
        .into_iter()
        .map(|t| t.id)
        .collect();
    let health_check_type = match o.str("health_check")?.as_deref().map(str::to_uppercase) {
        None if target_groups.is_empty() => "EC2".to_string(),
        None => "ELB".to_string(),
        Some(t) if t == "ELB" || t == "EC2" => t,
        Some(t) => {
            return Err(o.value_error(
                "health_check",
                format!("must be \"ELB\" or \"EC2\", got \"{t}\""),
                "ELB (the default with target groups) replaces instances the load balancer finds unhealthy; EC2 only those whose instance fails".into(),
            ));
        }
    };
    let grace = o.int_in("grace", 0, 7200)?.unwrap_or(300) as u32;
    Ok(Wanted {
        min,
        max,
        desired,
        subnets,
        target_groups,
        health_check_type,
        grace,
    })
}

pub(super) fn auto_scaling_group(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("auto_scaling_group", opts)?;
    let template = o.req_resource("launch_template", Kind::LaunchTemplate)?;
    let want = wanted(&o)?;
    let version = template
        .attr("version")
        .and_then(|v| v.as_u64())
        .unwrap_or(1) as u32;
    let spec = AutoScalingGroupSpec {
        name: aws_name(s, name),
        launch_template: template.id.clone(),
        version,
        min: want.min,
        max: want.max,
        desired: want.desired.unwrap_or(want.min),
        subnets: want.subnets.clone(),
        target_groups: want.target_groups.clone(),
        health_check_type: want.health_check_type.clone(),
        grace: want.grace,
    };
    let fixed = [("launch_template", template.id.clone())];
    let (group, index) = s.ensure(Kind::AutoScalingGroup, name, &fixed, |tags| {
        s.cloud
            .create(&Spec::AutoScalingGroup(spec.clone()), tags)
            .map_err(|e| HostError::from(e).into())
    })?;
    if s.made_here(&group.id) {
        return Ok(group);
    }
    let (update, changes) = changes(&group, &spec, want.desired);
    let mut group = group;
    if !changes.is_empty() {
        group = apply(s, &group, &update)?;
        s.change(index, changes.join(", "));
    }
    let held = group.strs("target_groups");
    let missing: Vec<String> = spec
        .target_groups
        .iter()
        .filter(|t| !held.contains(t))
        .cloned()
        .collect();
    if !missing.is_empty() {
        s.checkpoint()?;
        s.cloud
            .attach_target_groups(&group.id, &missing)
            .map_err(HostError::from)?;
        s.change(index, format!("attach {}", missing.join(", ")));
        group = s.cloud.refresh(&group).map_err(HostError::from)?;
    }
    s.refresh_detail(index, &group);
    Ok(group)
}

fn number(r: &Resource, key: &str) -> u32 {
    r.attr(key).and_then(|v| v.as_u64()).unwrap_or(0) as u32
}

/// The update that gives `group` the script's settings, and its plan text.
/// The desired capacity changes only when the script gives one that the
/// group lacks, or when the new min..max leaves it outside.
fn changes(
    group: &Resource,
    spec: &AutoScalingGroupSpec,
    desired: Option<u32>,
) -> (GroupUpdate, Vec<String>) {
    let mut update = GroupUpdate::default();
    let mut text = Vec::new();
    let (min, max, now) = (
        number(group, "min"),
        number(group, "max"),
        number(group, "desired"),
    );
    if min != spec.min {
        update.min = Some(spec.min);
        text.push(format!("min {min} -> {}", spec.min));
    }
    if max != spec.max {
        update.max = Some(spec.max);
        text.push(format!("max {max} -> {}", spec.max));
    }
    let target = desired
        .unwrap_or(now)
        .clamp(spec.min, spec.max.max(spec.min));
    if target != now {
        update.desired = Some(target);
        text.push(format!("desired {now} -> {target}"));
    }
    let version = number(group, "version");
    if version != spec.version {
        update.version = Some(spec.version);
        text.push(format!("version {version} -> {}", spec.version));
    }
    let mut held = group.strs("subnets");
    held.sort();
    let mut wanted = spec.subnets.clone();
    wanted.sort();
    if held != wanted {
        update.subnets = Some(spec.subnets.clone());
        text.push(format!(
            "subnets [{}] -> [{}]",
            held.join(", "),
            wanted.join(", ")
        ));
    }
    if number(group, "grace") != spec.grace {
        update.grace = Some(spec.grace);
        text.push(format!(
            "grace {}s -> {}s",
            number(group, "grace"),
            spec.grace
        ));
    }
    (update, text)
}

/// `scale(group, n)`: sets the desired capacity (and, with `max`, the
/// largest size) and waits until the group is at it, every instance in
/// service and healthy in its target groups.
pub(super) fn scale(s: &Session, group: &Dynamic, desired: i64, opts: Map) -> HostResult<Resource> {
    let group = group_of("scale", group)?;
    let o = Opts::of("scale", opts)?;
    let limit = o
        .int_in("timeout", 1, 86_400)?
        .map_or(s.wait_timeout, |secs| Duration::from_secs(secs as u64));
    let new_max = o.int_in("max", 0, 10_000)?.map(|n| n as u32);
    let group = s.cloud.refresh(&group).map_err(HostError::from)?;
    let (min, now) = (number(&group, "min"), number(&group, "desired"));
    let max = new_max.unwrap_or(number(&group, "max"));
    if desired < i64::from(min) || desired > i64::from(max) {
        return Err(HostError::new(
            code::Opts::Value,
            format!(
                "scale(): {} holds {min}..{max} instances, so {desired} is out of range",
                group.name
            ),
        )
        .help(format!("raise max (`scale(group, n, #{{max: n}})`, or in auto_scaling_group(\"{}\", ...)) first; AWS refuses a desired capacity outside min..max", group.name))
        .into());
    }
    let desired = desired as u32;
    let mut update = GroupUpdate::default();
    let mut text = Vec::new();
    if let Some(m) = new_max.filter(|m| *m != number(&group, "max")) {
        update.max = Some(m);
        text.push(format!("max {} -> {m}", number(&group, "max")));
    }
    if desired != now {
        update.desired = Some(desired);
        text.push(format!("desired {now} -> {desired}"));
    }
    let group = if text.is_empty() {
        group
    } else {
        let next = apply(s, &group, &update)?;
        note_change(s, &next, text.join(", "));
        next
    };
    s.flush();
    wait_at_capacity(s, &group, limit)
}

/// `set_group_version(group, v)`: the template version new instances get.
pub(super) fn set_version(s: &Session, group: &Dynamic, version: i64) -> HostResult<Resource> {
    let group = group_of("set_group_version", group)?;
    let now = number(&group, "version");
    if version < 1 {
        return Err(HostError::new(
            code::Opts::Value,
            format!("set_group_version(): versions count from 1, got {version}"),
        )
        .help("give a version of the group's launch template (its `.version`)")
        .into());
    }
    if i64::from(now) == version {
        return Ok(group);
    }
    let update = GroupUpdate {
        version: Some(version as u32),
        ..GroupUpdate::default()
    };
    let next = apply(s, &group, &update)?;
    note_change(s, &next, format!("version {now} -> {version}"));
    Ok(next)
}

/// `detach(group, instances)`: they leave the group and drain from its
/// target groups; the desired capacity drops by as many. They keep running.
pub(super) fn detach(s: &Session, group: &Dynamic, targets: &Dynamic) -> HostResult<Resource> {
    let group = group_of("detach", group)?;
    let list = instance_list("detach", targets)?;
    if list.is_empty() {
        return Ok(group);
    }
    s.checkpoint()?;
    let ids: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
    s.cloud
        .detach_instances(&group.id, &ids, true)
        .map_err(HostError::from)?;
    let names: Vec<String> = list
        .iter()
        .map(|i| format!("{} ({})", i.name, i.id))
        .collect();
    note_change(s, &group, format!("detach {}", names.join(", ")));
    s.cloud
        .refresh(&group)
        .map_err(|e| HostError::from(e).into())
}

/// `suspend(group)` / `resume(group)`: the processes a deploy holds still.
pub(super) fn suspend(s: &Session, group: &Dynamic, on: bool) -> HostResult<Resource> {
    let func = if on { "suspend" } else { "resume" };
    let group = group_of(func, group)?;
    s.checkpoint()?;
    s.cloud
        .suspend_processes(&group.id, DEPLOY_SUSPENDS, on)
        .map_err(HostError::from)?;
    s.cloud
        .refresh(&group)
        .map_err(|e| HostError::from(e).into())
}

/// The group's instances that count: not leaving it.
fn serving(group: &Resource) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let Some(serde_json::Value::Array(items)) = group.attr("instances") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|v| v.as_object().cloned())
        .filter(|i| {
            let life = i.get("lifecycle").and_then(|v| v.as_str()).unwrap_or("");
            !life.starts_with("Terminat") && !life.starts_with("Detach")
        })
        .collect()
}

/// Polls until the group holds its desired capacity of `InService`
/// instances, each healthy in every target group of the group.
pub(super) fn wait_at_capacity(
    s: &Session,
    group: &Resource,
    limit: Duration,
) -> HostResult<Resource> {
    let mut poll = poll(s, limit);
    loop {
        s.checkpoint()?;
        let now = s.cloud.refresh(group).map_err(HostError::from)?;
        let desired = number(&now, "desired") as usize;
        let members = serving(&now);
        let ids: Vec<String> = members
            .iter()
            .filter_map(|i| i.get("id").and_then(|v| v.as_str()).map(str::to_string))
            .collect();
        let in_service = members
            .iter()
            .filter(|i| i.get("lifecycle").and_then(|v| v.as_str()) == Some("InService"))
            .count();
        let mut healthy = ids.len();
        let mut why = Vec::new();
        for tg in now.strs("target_groups") {
            let health = s.cloud.target_health(&tg).map_err(HostError::from)?;
            let ok = ids
                .iter()
                .filter(|id| health.iter().any(|t| &t.id == *id && t.state == "healthy"))
                .count();
            healthy = healthy.min(ok);
            for t in health
                .iter()
                .filter(|t| ids.contains(&t.id) && t.state != "healthy")
            {
                why.push(match t.reason.as_str() {
                    "" => format!("{} {}", t.id, t.state),
                    reason => format!("{} {} ({reason})", t.id, t.state),
                });
            }
        }
        let status = format!("{in_service}/{desired} in service, {healthy} healthy");
        if ids.len() == desired && in_service == desired && healthy == desired {
            s.sink.progress(&now, &status, poll.elapsed(), true);
            return Ok(now);
        }
        if poll.over() {
            let detail = if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join(", "))
            };
            return Err(HostError::new(
                code::Wait::Timeout,
                format!(
                    "auto_scaling_group \"{}\" was at {status} after {}s{detail}",
                    now.name,
                    limit.as_secs()
                ),
            )
            .help("wait longer with #{timeout: SECONDS}; the group's activities (AWS console: EC2 > Auto Scaling groups > Activity) say why an instance did not launch or was replaced")
            .into());
        }
        s.sink.progress(&now, &status, poll.elapsed(), false);
        poll.sleep();
    }
}
