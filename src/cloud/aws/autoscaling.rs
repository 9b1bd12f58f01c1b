//! EC2 Auto Scaling: groups and target-tracking policies (`aws-sdk-autoscaling`),
//! and the EC2 launch templates they launch.

use super::AwsCloud;
use crate::cloud::{
    AutoScalingGroupSpec, CloudError, CloudResult, GroupUpdate, LaunchTemplateSpec, Resource,
    ScalingPolicySpec, Tags,
};
use crate::diagnostic::code;

fn unbuilt(op: &str) -> CloudError {
    CloudError::new(
        op,
        code::Backend::UnsupportedKind,
        format!("{op} is not supported yet"),
    )
}

impl AwsCloud {
    pub(super) fn new_launch_template(
        &self,
        _spec: &LaunchTemplateSpec,
        _tags: &Tags,
    ) -> CloudResult<Resource> {
        Err(unbuilt("CreateLaunchTemplate"))
    }

    pub(super) fn new_launch_template_version(
        &self,
        _template: &str,
        _spec: &LaunchTemplateSpec,
    ) -> CloudResult<Resource> {
        Err(unbuilt("CreateLaunchTemplateVersion"))
    }

    pub(super) fn new_group(
        &self,
        _spec: &AutoScalingGroupSpec,
        _tags: &Tags,
    ) -> CloudResult<Resource> {
        Err(unbuilt("CreateAutoScalingGroup"))
    }

    pub(super) fn new_scaling_policy(
        &self,
        _spec: &ScalingPolicySpec,
        _tags: &Tags,
    ) -> CloudResult<Resource> {
        Err(unbuilt("PutScalingPolicy"))
    }

    pub(super) fn change_group(
        &self,
        _group: &str,
        _update: &GroupUpdate,
    ) -> CloudResult<Resource> {
        Err(unbuilt("UpdateAutoScalingGroup"))
    }

    pub(super) fn attach_group_target_groups(
        &self,
        _group: &str,
        _target_groups: &[String],
    ) -> CloudResult<()> {
        Err(unbuilt("AttachLoadBalancerTargetGroups"))
    }

    pub(super) fn detach_group_instances(
        &self,
        _group: &str,
        _ids: &[String],
        _decrement: bool,
    ) -> CloudResult<()> {
        Err(unbuilt("DetachInstances"))
    }

    pub(super) fn group_processes(
        &self,
        _group: &str,
        _processes: &[&str],
        _suspend: bool,
    ) -> CloudResult<()> {
        Err(unbuilt("SuspendProcesses"))
    }

    pub(super) fn describe_scaling_by_id(
        &self,
        _resource: &Resource,
    ) -> CloudResult<Option<Resource>> {
        Err(unbuilt("DescribeAutoScalingGroups"))
    }

    pub(super) fn delete_scaling(&self, _resource: &Resource) -> CloudResult<()> {
        Err(unbuilt("DeleteAutoScalingGroup"))
    }
}
