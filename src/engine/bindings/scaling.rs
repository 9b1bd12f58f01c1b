//! EC2 Auto Scaling: launch templates, groups, target-tracking policies and
//! setting a group's capacity by hand.
//!
//! A launch template's settings are never replaced in place: a change makes
//! a new version (the template's default from then on), shown as `~ change`,
//! and the group's version follows it. Running instances keep their version
//! until a rolling deploy (`rolling_group` in the stdlib) replaces them.
//!
//! A group's desired capacity is the script's only when the group is
//! created: from then on its scaling policy owns it, and a re-run leaves
//! it alone (Terraform users learn this the hard way with
//! `ignore_changes = [desired_capacity]`). `scale(group, n)` sets it by hand.

use super::volatile;
use crate::cloud::{
    GroupUpdate, Kind, LaunchTemplateSpec, Poll, Resource, ScalingMetric, ScalingPolicySpec, Spec,
    user_data_hash,
};
use crate::diagnostic::code;
use crate::engine::host_error::{HostError, HostResult};
use crate::engine::opts::{Opts, expect_kind};
use crate::engine::plan::Op;
use crate::engine::session::Session;
use rhai::{Dynamic, Engine, Map};
use std::rc::Rc;

pub fn register(engine: &mut Engine, session: &Rc<Session>) {
    let s = session.clone();
    volatile("launch_template").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = launch_template(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("auto_scaling_group").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = super::scaling_group::auto_scaling_group(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("scaling_policy").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = scaling_policy(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("scale").register_into_engine(engine, move |group: Dynamic, desired: i64| {
        let r = super::scaling_group::scale(&s, &group, desired, Map::new());
        s.flush();
        r
    });
    let s = session.clone();
    volatile("scale").register_into_engine(
        engine,
        move |group: Dynamic, desired: i64, opts: Map| {
            let r = super::scaling_group::scale(&s, &group, desired, opts);
            s.flush();
            r
        },
    );
    let s = session.clone();
    volatile("set_group_version").register_into_engine(
        engine,
        move |group: Dynamic, version: i64| {
            let r = super::scaling_group::set_version(&s, &group, version);
            s.flush();
            r
        },
    );
    let s = session.clone();
    volatile("detach").register_into_engine(engine, move |group: Dynamic, targets: Dynamic| {
        let r = super::scaling_group::detach(&s, &group, &targets);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("suspend").register_into_engine(engine, move |group: Dynamic| {
        super::scaling_group::suspend(&s, &group, true)
    });
    let s = session.clone();
    volatile("resume").register_into_engine(engine, move |group: Dynamic| {
        super::scaling_group::suspend(&s, &group, false)
    });
}

/// AWS's name of a stack's template or group: `<stack>-<name>`.
pub(super) fn aws_name(s: &Session, name: &str) -> String {
    format!("{}-{name}", s.stack)
}

fn launch_template(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("launch_template", opts)?;
    let chosen = o.str("image")?;
    let instance_type = o.str("instance_type")?.unwrap_or_else(|| "t2.micro".into());
    let mut groups: Vec<String> = o
        .resources("security_groups", Kind::SecurityGroup)?
        .into_iter()
        .map(|g| g.id)
        .collect();
    groups.sort();
    let public_ip = o.bool("public_ip")?.unwrap_or(false);
    let user_data = o.str("user_data")?.unwrap_or_default();
    let mut spec = LaunchTemplateSpec {
        name: aws_name(s, name),
        image: chosen.clone().unwrap_or_default(),
        instance_type,
        security_groups: groups,
        user_data,
        public_ip,
    };
    let (template, index) = s.ensure(Kind::LaunchTemplate, name, &[], |tags| {
        if spec.image.is_empty() {
            spec.image = s.cloud.latest_ami("al2023").map_err(HostError::from)?;
        }
        s.cloud
            .create(&Spec::LaunchTemplate(spec.clone()), tags)
            .map_err(|e| HostError::from(e).into())
    })?;
    if s.made_here(&template.id) {
        return Ok(template);
    }
    // Without an image of its own the template keeps the one it has: a
    // newer "latest" AMI is a deploy the script asks for, not a side effect.
    if chosen.is_none() {
        spec.image = template.str("image").to_string();
    }
    let changes = template_changes(&template, &spec);
    if changes.is_empty() {
        return Ok(template);
    }
    s.checkpoint()?;
    let next = s
        .cloud
        .new_template_version(&template.id, &spec)
        .map_err(HostError::from)?;
    let version = next
        .attr("version")
        .map(ToString::to_string)
        .unwrap_or_default();
    s.change(
        index,
        format!("new version {version}: {}", changes.join(", ")),
    );
    s.refresh_detail(index, &next);
    Ok(next)
}

/// What differs between a template's default version and `spec`, as plan
/// text (`instance_type t2.micro -> t3.micro`).
fn template_changes(template: &Resource, spec: &LaunchTemplateSpec) -> Vec<String> {
    let mut changes = Vec::new();
    for (key, wanted) in [
        ("image", spec.image.as_str()),
        ("instance_type", spec.instance_type.as_str()),
    ] {
        let actual = template.str(key);
        if actual != wanted {
            changes.push(format!("{key} {actual} -> {wanted}"));
        }
    }
    let mut held = template.strs("security_groups");
    held.sort();
    if held != spec.security_groups {
        changes.push(format!(
            "security_groups [{}] -> [{}]",
            held.join(", "),
            spec.security_groups.join(", ")
        ));
    }
    if template.str("user_data_hash") != user_data_hash(&spec.user_data) {
        changes.push("user data".into());
    }
    let public_ip = template.attr("public_ip").and_then(|v| v.as_bool()) == Some(true);
    if public_ip != spec.public_ip {
        changes.push(format!("public_ip {public_ip} -> {}", spec.public_ip));
    }
    changes
}

fn scaling_policy(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("scaling_policy", opts)?;
    let group = o.req_resource("group", Kind::AutoScalingGroup)?;
    let (metric, target) = match (
        o.int_in("cpu", 1, 100)?,
        o.int_in("requests", 1, 1_000_000)?,
    ) {
        (Some(cpu), None) => (ScalingMetric::Cpu, cpu as u32),
        (None, Some(requests)) => (requests_metric(&o)?, requests as u32),
        (Some(_), Some(_)) => {
            return Err(o.value_error(
                "requests",
                "a policy tracks one metric: give `cpu` or `requests`, not both".into(),
                "make a second policy for the other metric: AWS scales out when any policy asks and in only when all agree".into(),
            ));
        }
        (None, None) => {
            return Err(o.value_error(
                "cpu",
                "is missing: a policy needs `cpu` (average CPU percent) or `requests` (requests per target per minute)".into(),
                "e.g. #{group: g, requests: 1000, target_group: web.tg, load_balancer: web.lb} or #{group: g, cpu: 50}".into(),
            ));
        }
    };
    let spec = ScalingPolicySpec {
        group: group.id.clone(),
        name: name.to_string(),
        metric,
        target,
    };
    let fixed = [("group", group.id.clone())];
    let (policy, index) = s.ensure(Kind::ScalingPolicy, name, &fixed, |tags| {
        s.cloud
            .create(&Spec::ScalingPolicy(spec.clone()), tags)
            .map_err(|e| HostError::from(e).into())
    })?;
    if s.made_here(&policy.id) {
        return Ok(policy);
    }
    let was = (
        policy.str("metric").to_string(),
        policy.attr("target").and_then(|v| v.as_u64()),
        policy.str("resource_label").to_string(),
    );
    let wanted = (
        spec.metric.name().to_string(),
        Some(u64::from(target)),
        spec.metric.resource_label().to_string(),
    );
    if was == wanted {
        return Ok(policy);
    }
    s.checkpoint()?;
    // PutScalingPolicy on an existing name replaces its settings.
    let tags = s.tags(name);
    let next = s
        .cloud
        .create(&Spec::ScalingPolicy(spec.clone()), &tags)
        .map_err(HostError::from)?;
    s.change(
        index,
        format!(
            "{} {} -> {} {target}",
            was.0,
            was.1.unwrap_or_default(),
            spec.metric.name()
        ),
    );
    s.refresh_detail(index, &next);
    Ok(next)
}

/// `requests`: the ALB's request count per target of a target group,
/// which AWS names by a resource label built from both ARNs.
fn requests_metric(o: &Opts) -> HostResult<ScalingMetric> {
    let tg = o.req_resource("target_group", Kind::TargetGroup)?;
    let lb = o.req_resource("load_balancer", Kind::LoadBalancer)?;
    match resource_label(&lb.id, &tg.id) {
        Some(resource_label) => Ok(ScalingMetric::Requests { resource_label }),
        None => Err(HostError::new(
            code::Opts::Value,
            format!(
                "cannot name the request count of {} behind {}",
                tg.id, lb.id
            ),
        )
        .help("give the load balancer and target group awsrun made (alb(...).lb and .tg)")
        .into()),
    }
}

/// `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>`: the final parts
/// of the load balancer's and the target group's ARNs.
pub fn resource_label(lb_arn: &str, tg_arn: &str) -> Option<String> {
    let lb = lb_arn.split_once(":loadbalancer/")?.1;
    let tg = tg_arn.split_once(":targetgroup/")?.1;
    lb.starts_with("app/")
        .then(|| format!("{lb}/targetgroup/{tg}"))
}

/// The group a function was given.
pub(super) fn group_of(func: &str, value: &Dynamic) -> HostResult<Resource> {
    expect_kind(func, "group", value, Kind::AutoScalingGroup)
}

/// Records a change to a group that was not ensured here.
pub(super) fn note_change(s: &Session, group: &Resource, what: String) {
    s.note(Op::Change, group, what);
}

/// Applies `update` to `group` and returns the group as it is now.
pub(super) fn apply(s: &Session, group: &Resource, update: &GroupUpdate) -> HostResult<Resource> {
    s.checkpoint()?;
    s.cloud
        .update_group(&group.id, update)
        .map_err(|e| HostError::from(e).into())
}

pub(super) fn poll<'a>(s: &'a Session, limit: std::time::Duration) -> Poll<'a> {
    Poll::new(&*s.cloud, limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resource_label_joins_the_arns_final_parts() {
        let lb = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
        let tg = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/web-tg/73e2d6bc24d8a067";
        assert_eq!(
            resource_label(lb, tg).as_deref(),
            Some("app/web/50dc6c495c0c9188/targetgroup/web-tg/73e2d6bc24d8a067")
        );
        assert_eq!(resource_label("lb", tg), None);
    }
}
