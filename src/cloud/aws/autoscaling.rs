//! EC2 Auto Scaling writes: groups (created tagged, with `PropagateAtLaunch`
//! so the instances they launch carry `Name` and `awsrun:stack`), their
//! changes (capacity, template version, target groups, detaching,
//! suspending), target-tracking policies, and deletes.
//!
//! Invariants:
//! - Every write returns or caches what AWS describes afterwards, never
//!   the request echoed back.
//! - A group's delete is forced (`ForceDelete`: its instances terminate);
//!   AWS finishes it asynchronously, the group reading `deleting` meanwhile.
//! - A desired capacity alone goes through `SetDesiredCapacity`; anything
//!   else through `UpdateAutoScalingGroup`. AWS checks min <= desired <= max
//!   and answers `ValidationError`, which is passed on unchanged.

use aws_sdk_autoscaling::types::{
    LaunchTemplateSpecification, MetricType, PredefinedMetricSpecification, Tag,
    TargetTrackingConfiguration,
};

use super::AwsCloud;
use super::call::Service;
use crate::cloud::{
    AutoScalingGroupSpec, CloudError, CloudResult, GroupUpdate, Kind, Resource, STACK_TAG,
    ScalingMetric, ScalingPolicySpec, Tags,
};

fn int(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn group_tags(group: &str, tags: &Tags) -> Vec<Tag> {
    [("Name", &tags.name), (STACK_TAG, &tags.stack)]
        .into_iter()
        .map(|(key, value)| {
            Tag::builder()
                .resource_id(group)
                .resource_type("auto-scaling-group")
                .key(key)
                .value(value.as_str())
                .propagate_at_launch(true)
                .build()
        })
        .collect()
}

/// AWS's refusal of a capacity outside min..max (`ValidationError`),
/// given before the request: some AWS-compatible servers accept it.
fn out_of_range(update: &GroupUpdate, min: u32, max: u32) -> Option<CloudError> {
    let (min, max) = (update.min.unwrap_or(min), update.max.unwrap_or(max));
    let message = match update.desired {
        _ if min > max => {
            format!("Max bound, {max}, must be greater than or equal to min bound, {min}")
        }
        Some(desired) if desired > max || desired < min => format!(
            "Desired capacity:{desired} must be between the specified min size:{min} and max size:{max}"
        ),
        _ => return None,
    };
    let operation = if update.min.is_none() && update.max.is_none() {
        "SetDesiredCapacity"
    } else {
        "UpdateAutoScalingGroup"
    };
    Some(
        CloudError::returned(operation, "ValidationError", message)
            .with_hint("AWS requires min <= desired <= max; nothing was changed"),
    )
}

fn template(id: &str, version: u32) -> LaunchTemplateSpecification {
    LaunchTemplateSpecification::builder()
        .launch_template_id(id)
        .version(version.to_string())
        .build()
}

impl AwsCloud {
    pub(super) fn new_group(
        &self,
        spec: &AutoScalingGroupSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        let request = self
            .autoscaling
            .create_auto_scaling_group()
            .auto_scaling_group_name(&spec.name)
            .launch_template(template(&spec.launch_template, spec.version))
            .min_size(int(spec.min))
            .max_size(int(spec.max))
            .desired_capacity(int(spec.desired))
            .vpc_zone_identifier(spec.subnets.join(","))
            .set_target_group_arns(Some(spec.target_groups.clone()))
            .health_check_type(&spec.health_check_type)
            .health_check_grace_period(int(spec.grace))
            .set_tags(Some(group_tags(&spec.name, tags)));
        let mut names = vec![spec.launch_template.as_str()];
        names.extend(spec.subnets.iter().map(String::as_str));
        names.extend(spec.target_groups.iter().map(String::as_str));
        self.patiently(&names, || {
            self.send(
                Service::AutoScaling,
                "CreateAutoScalingGroup",
                request.clone().send(),
            )
        })?;
        self.cache().made(&spec.name);
        let mut resource = self.group_now(&spec.name)?;
        resource.name = tags.name.clone();
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn new_scaling_policy(
        &self,
        spec: &ScalingPolicySpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        const OP: &str = "PutScalingPolicy";
        let label = match &spec.metric {
            ScalingMetric::Cpu => None,
            ScalingMetric::Requests { resource_label } => Some(resource_label.clone()),
        };
        let metric = PredefinedMetricSpecification::builder()
            .predefined_metric_type(MetricType::from(spec.metric.predefined()))
            .set_resource_label(label)
            .build();
        let config = TargetTrackingConfiguration::builder()
            .predefined_metric_specification(metric)
            .target_value(f64::from(spec.target))
            .build();
        let request = self
            .autoscaling
            .put_scaling_policy()
            .auto_scaling_group_name(&spec.group)
            .policy_name(&spec.name)
            .policy_type("TargetTrackingScaling")
            .target_tracking_configuration(config);
        let out = self.patiently(&[&spec.group], || {
            self.send(Service::AutoScaling, OP, request.clone().send())
        })?;
        let arn = out.policy_arn().unwrap_or("").to_string();
        let resource = self
            .group_policies(&spec.group)?
            .into_iter()
            .find(|p| p.id == arn || p.str("policy_name") == spec.name)
            .ok_or_else(|| super::ec2_write::empty_response("DescribePolicies"))?;
        let mut cache = self.cache();
        cache.made(&resource.id);
        cache.created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn change_group(&self, group: &str, update: &GroupUpdate) -> CloudResult<Resource> {
        let current = self.group_now(group)?;
        let number = |key: &str| current.attr(key).and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if let Some(refused) = out_of_range(update, number("min"), number("max")) {
            return Err(refused);
        }
        let desired_only = update.desired.is_some()
            && update.min.is_none()
            && update.max.is_none()
            && update.version.is_none()
            && update.subnets.is_none()
            && update.grace.is_none();
        if desired_only {
            let request = self
                .autoscaling
                .set_desired_capacity()
                .auto_scaling_group_name(group)
                .set_desired_capacity(update.desired.map(int));
            self.patiently(&[group], || {
                self.send(
                    Service::AutoScaling,
                    "SetDesiredCapacity",
                    request.clone().send(),
                )
            })?;
        } else {
            let template_id = update
                .version
                .map(|_| current.str("launch_template").to_string());
            let request = self
                .autoscaling
                .update_auto_scaling_group()
                .auto_scaling_group_name(group)
                .set_min_size(update.min.map(int))
                .set_max_size(update.max.map(int))
                .set_desired_capacity(update.desired.map(int))
                .set_launch_template(
                    template_id
                        .zip(update.version)
                        .map(|(id, version)| template(&id, version)),
                )
                .set_vpc_zone_identifier(update.subnets.as_ref().map(|s| s.join(",")))
                .set_health_check_grace_period(update.grace.map(int));
            self.patiently(&[group], || {
                self.send(
                    Service::AutoScaling,
                    "UpdateAutoScalingGroup",
                    request.clone().send(),
                )
            })?;
        }
        self.group_fresh(group)
    }

    /// The group as described now, its cached copy replaced.
    fn group_fresh(&self, group: &str) -> CloudResult<Resource> {
        let mut fresh = self.group_now(group)?;
        let mut cache = self.cache();
        if let Some(cached) = cache.get(group) {
            fresh.name = cached.name;
        }
        cache.replace(&fresh);
        Ok(fresh)
    }

    pub(super) fn attach_group_target_groups(
        &self,
        group: &str,
        target_groups: &[String],
    ) -> CloudResult<()> {
        let request = self
            .autoscaling
            .attach_load_balancer_target_groups()
            .auto_scaling_group_name(group)
            .set_target_group_arns(Some(target_groups.to_vec()));
        let mut names = vec![group];
        names.extend(target_groups.iter().map(String::as_str));
        self.patiently(&names, || {
            self.send(
                Service::AutoScaling,
                "AttachLoadBalancerTargetGroups",
                request.clone().send(),
            )
        })?;
        self.group_fresh(group).map(|_| ())
    }

    pub(super) fn detach_group_instances(
        &self,
        group: &str,
        ids: &[String],
        decrement: bool,
    ) -> CloudResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let request = self
            .autoscaling
            .detach_instances()
            .auto_scaling_group_name(group)
            .set_instance_ids(Some(ids.to_vec()))
            .should_decrement_desired_capacity(decrement);
        self.patiently(&[group], || {
            self.send(
                Service::AutoScaling,
                "DetachInstances",
                request.clone().send(),
            )
        })?;
        self.group_fresh(group).map(|_| ())
    }

    pub(super) fn group_processes(
        &self,
        group: &str,
        processes: &[&str],
        suspend: bool,
    ) -> CloudResult<()> {
        let names: Option<Vec<String>> = Some(processes.iter().map(|p| p.to_string()).collect());
        if suspend {
            let request = self
                .autoscaling
                .suspend_processes()
                .auto_scaling_group_name(group)
                .set_scaling_processes(names);
            self.patiently(&[group], || {
                self.send(
                    Service::AutoScaling,
                    "SuspendProcesses",
                    request.clone().send(),
                )
            })?;
        } else {
            let request = self
                .autoscaling
                .resume_processes()
                .auto_scaling_group_name(group)
                .set_scaling_processes(names);
            self.patiently(&[group], || {
                self.send(
                    Service::AutoScaling,
                    "ResumeProcesses",
                    request.clone().send(),
                )
            })?;
        }
        self.group_fresh(group).map(|_| ())
    }

    /// Deletes a group (forced: its instances terminate) or a policy.
    pub(super) fn delete_scaling(&self, resource: &Resource) -> CloudResult<()> {
        match resource.kind {
            Kind::AutoScalingGroup => {
                let request = self
                    .autoscaling
                    .delete_auto_scaling_group()
                    .auto_scaling_group_name(&resource.id)
                    .force_delete(true);
                self.send(
                    Service::AutoScaling,
                    "DeleteAutoScalingGroup",
                    request.send(),
                )?;
            }
            _ => {
                let request = self
                    .autoscaling
                    .delete_policy()
                    .auto_scaling_group_name(resource.str("group"))
                    // AWS takes the policy's name or its ARN (the id).
                    .policy_name(match resource.str("policy_name") {
                        "" => resource.id.as_str(),
                        name => name,
                    });
                self.send(Service::AutoScaling, "DeletePolicy", request.send())?;
            }
        }
        Ok(())
    }
}
