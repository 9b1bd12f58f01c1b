//! EC2 Auto Scaling reads: groups (found by their `Name` and `awsrun:stack`
//! tags) with their instances, and the target-tracking policies of each.
//!
//! Invariants:
//! - A group's id is its AWS name. `DescribeAutoScalingGroups` answers an
//!   empty list (not an error) for a name it does not know, so a group
//!   this run created and AWS does not list yet is retried like any other
//!   new id (`fresh.rs`), through the error Auto Scaling itself gives for
//!   an unknown group (`ValidationError`, "... not found").
//! - A group whose deletion is under way (`Status: Delete in progress`,
//!   after a forced delete) reads as state `deleting`; a live one as
//!   `active`.
//! - Policies carry no tags: they are listed per group and belong to the
//!   stack of their group.

use aws_sdk_autoscaling::types::{AutoScalingGroup, Filter, ScalingPolicy};
use serde_json::{Value, json};

use super::AwsCloud;
use super::call::Service;
use crate::cloud::{CloudError, CloudResult, Kind, Resource, STACK_TAG};

fn tag_filter(key: &str, value: &str) -> Filter {
    Filter::builder()
        .name(format!("tag:{key}"))
        .values(value)
        .build()
}

/// The `Name` and `awsrun:stack` tags of a group.
fn group_tags(g: &AutoScalingGroup) -> (String, Option<String>) {
    let get = |key: &str| {
        g.tags()
            .iter()
            .find(|t| t.key() == Some(key))
            .and_then(|t| t.value())
            .map(str::to_string)
    };
    (get("Name").unwrap_or_default(), get(STACK_TAG))
}

/// A group as a [`Resource`] (the conventions in `crate::cloud::scaling`).
pub(super) fn group(g: &AutoScalingGroup) -> Resource {
    let (name, _) = group_tags(g);
    let id = g.auto_scaling_group_name().unwrap_or("");
    let (min, max, desired) = (
        g.min_size().unwrap_or(0),
        g.max_size().unwrap_or(0),
        g.desired_capacity().unwrap_or(0),
    );
    let template = g.launch_template();
    let version = |v: Option<&str>| -> Value {
        match v.and_then(|v| v.parse::<u64>().ok()) {
            Some(n) => Value::from(n),
            None => Value::from(v.unwrap_or("")),
        }
    };
    let subnets: Vec<String> = g
        .vpc_zone_identifier()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let instances: Vec<Value> = g
        .instances()
        .iter()
        .map(|i| {
            json!({
                "id": i.instance_id().unwrap_or(""),
                "az": i.availability_zone().unwrap_or(""),
                // The group's view of an instance names no subnet; the
                // instance resource (`DescribeInstances`) has it.
                "subnet": "",
                "lifecycle": i.lifecycle_state().map(|s| s.as_str()).unwrap_or(""),
                "health": i.health_status().unwrap_or(""),
                "version": version(i.launch_template().and_then(|t| t.version())),
            })
        })
        .collect();
    let suspended: Vec<String> = g
        .suspended_processes()
        .iter()
        .filter_map(|p| p.process_name().map(str::to_string))
        .collect();
    let state = match g.status() {
        Some(s) if s.to_ascii_lowercase().contains("delete") => "deleting",
        _ => "active",
    };
    Resource::new(Kind::AutoScalingGroup, name, id)
        .with("arn", g.auto_scaling_group_arn().unwrap_or(""))
        .with("group_name", id)
        .with(
            "launch_template",
            template.and_then(|t| t.launch_template_id()).unwrap_or(""),
        )
        .with("version", version(template.and_then(|t| t.version())))
        .with("min", min)
        .with("max", max)
        .with("desired", desired)
        .with("capacity", format!("{desired} ({min}..{max})"))
        .with("subnets", subnets)
        .with("target_groups", g.target_group_arns().to_vec())
        .with("health_check_type", g.health_check_type().unwrap_or("EC2"))
        .with("grace", g.health_check_grace_period().unwrap_or(0))
        .with("suspended", suspended)
        .with("instances", instances)
        .with("state", state)
}

/// A target-tracking policy as a [`Resource`], named by its policy name.
pub(super) fn policy(p: &ScalingPolicy) -> Resource {
    let config = p.target_tracking_configuration();
    let predefined = config.and_then(|c| c.predefined_metric_specification());
    let metric = match predefined
        .and_then(|m| m.predefined_metric_type())
        .map(|m| m.as_str())
    {
        Some("ASGAverageCPUUtilization") => "cpu",
        Some("ALBRequestCountPerTarget") => "requests",
        Some(other) => other,
        None => "",
    };
    let target = config.and_then(|c| c.target_value()).unwrap_or(0.0);
    let name = p.policy_name().unwrap_or("");
    Resource::new(Kind::ScalingPolicy, name, p.policy_arn().unwrap_or(""))
        .with("arn", p.policy_arn().unwrap_or(""))
        .with("group", p.auto_scaling_group_name().unwrap_or(""))
        .with("policy_name", name)
        .with("metric", metric)
        .with("target", target.round() as u64)
        .with(
            "resource_label",
            predefined.and_then(|m| m.resource_label()).unwrap_or(""),
        )
}

impl AwsCloud {
    fn describe_groups(
        &self,
        names: Option<Vec<String>>,
        filters: Option<Vec<Filter>>,
    ) -> CloudResult<Vec<AutoScalingGroup>> {
        let client = &self.autoscaling;
        self.pages(
            Service::AutoScaling,
            "DescribeAutoScalingGroups",
            |token| {
                client
                    .describe_auto_scaling_groups()
                    .set_auto_scaling_group_names(names.clone())
                    .set_filters(filters.clone())
                    .set_next_token(token)
                    .send()
            },
            |out| (out.auto_scaling_groups.unwrap_or_default(), out.next_token),
        )
    }

    /// The policies of one group.
    pub(super) fn group_policies(&self, group: &str) -> CloudResult<Vec<Resource>> {
        let client = &self.autoscaling;
        let found = self.pages(
            Service::AutoScaling,
            "DescribePolicies",
            |token| {
                client
                    .describe_policies()
                    .auto_scaling_group_name(group)
                    .set_next_token(token)
                    .send()
            },
            |out| (out.scaling_policies.unwrap_or_default(), out.next_token),
        )?;
        Ok(found
            .iter()
            .filter(|p| p.auto_scaling_group_name() == Some(group))
            .map(policy)
            .collect())
    }

    /// Reads the stack's groups and their policies into the cache.
    pub(super) fn load_scaling(&self, stack: &str) -> CloudResult<()> {
        let found = self.describe_groups(None, Some(vec![tag_filter(STACK_TAG, stack)]))?;
        let groups: Vec<Resource> = found
            .iter()
            .filter(|g| group_tags(g).1.as_deref() == Some(stack))
            .map(group)
            .filter(|g| g.state() != "deleting")
            .collect();
        let mut policies = Vec::new();
        for g in &groups {
            policies.extend(self.group_policies(&g.id)?);
        }
        let mut cache = self.cache();
        cache.set_stack_kind(stack, Kind::AutoScalingGroup, groups);
        cache.set_stack_kind(stack, Kind::ScalingPolicy, policies);
        Ok(())
    }

    /// One group by name, `None` when AWS lists none.
    pub(super) fn describe_group(&self, name: &str) -> CloudResult<Option<Resource>> {
        let found = self.describe_groups(Some(vec![name.to_string()]), None)?;
        Ok(found
            .iter()
            .find(|g| g.auto_scaling_group_name() == Some(name))
            .map(group))
    }

    /// One group by name; an error when AWS lists none (a NotFound for a
    /// group this run made, which `patiently` retries).
    pub(super) fn group_now(&self, name: &str) -> CloudResult<Resource> {
        self.patiently(&[name], || match self.describe_group(name)? {
            Some(g) => Ok(g),
            None => Err(unknown_group(name)),
        })
    }

    pub(super) fn describe_scaling_by_id(
        &self,
        resource: &Resource,
    ) -> CloudResult<Option<Resource>> {
        match resource.kind {
            Kind::AutoScalingGroup => match self.describe_group(&resource.id)? {
                None if self.cache().is_made(&resource.id) => Err(unknown_group(&resource.id)),
                found => Ok(found),
            },
            _ => {
                let group = resource.str("group");
                Ok(self
                    .group_policies(group)?
                    .into_iter()
                    .find(|p| p.id == resource.id))
            }
        }
    }
}

/// The error for a group AWS does not list: Auto Scaling's own words for
/// an unknown group, which `patiently` retries for a group this run made.
pub(super) fn unknown_group(name: &str) -> CloudError {
    CloudError::returned(
        "DescribeAutoScalingGroups",
        Kind::AutoScalingGroup.info().not_found_code.as_str(),
        Kind::AutoScalingGroup.not_found_message(name),
    )
}
