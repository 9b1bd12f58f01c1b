//! EC2 Auto Scaling in the simulated account: launch templates and their
//! versions, groups that keep their desired capacity of instances, and
//! target-tracking policies.

use super::state::State;
use crate::cloud::{
    AutoScalingGroupSpec, CloudError, CloudResult, GroupUpdate, LaunchTemplateSpec, Resource,
    ScalingPolicySpec, Tags,
};
use crate::diagnostic::code;

fn unbuilt(op: &str) -> CloudError {
    CloudError::new(
        op,
        code::Backend::UnsupportedKind,
        format!("{op} is not simulated yet"),
    )
}

impl State {
    pub(super) fn create_launch_template(
        &mut self,
        _spec: &LaunchTemplateSpec,
        _tags: &Tags,
    ) -> CloudResult<Resource> {
        Err(unbuilt("CreateLaunchTemplate"))
    }

    pub(super) fn create_template_version(
        &mut self,
        _template: &str,
        _spec: &LaunchTemplateSpec,
    ) -> CloudResult<Resource> {
        Err(unbuilt("CreateLaunchTemplateVersion"))
    }

    pub(super) fn create_group(
        &mut self,
        _spec: &AutoScalingGroupSpec,
        _tags: &Tags,
    ) -> CloudResult<Resource> {
        Err(unbuilt("CreateAutoScalingGroup"))
    }

    pub(super) fn put_scaling_policy(
        &mut self,
        _spec: &ScalingPolicySpec,
        _tags: &Tags,
    ) -> CloudResult<Resource> {
        Err(unbuilt("PutScalingPolicy"))
    }

    pub(super) fn update_group(
        &mut self,
        _group: &str,
        _update: &GroupUpdate,
    ) -> CloudResult<Resource> {
        Err(unbuilt("UpdateAutoScalingGroup"))
    }

    pub(super) fn attach_target_groups(
        &mut self,
        _group: &str,
        _target_groups: &[String],
    ) -> CloudResult<()> {
        Err(unbuilt("AttachLoadBalancerTargetGroups"))
    }

    pub(super) fn detach_instances(
        &mut self,
        _group: &str,
        _ids: &[String],
        _decrement: bool,
    ) -> CloudResult<()> {
        Err(unbuilt("DetachInstances"))
    }

    pub(super) fn suspend_processes(
        &mut self,
        _group: &str,
        _processes: &[&str],
        _suspend: bool,
    ) -> CloudResult<()> {
        Err(unbuilt("SuspendProcesses"))
    }

    pub(super) fn delete_launch_template(&mut self, _id: &str) -> CloudResult<()> {
        Err(unbuilt("DeleteLaunchTemplate"))
    }

    pub(super) fn delete_scaling_group(&mut self, _id: &str) -> CloudResult<()> {
        Err(unbuilt("DeleteAutoScalingGroup"))
    }

    pub(super) fn delete_policy(&mut self, _id: &str) -> CloudResult<()> {
        Err(unbuilt("DeletePolicy"))
    }

    /// A launch template, group or policy that already exists (a mirror).
    pub(super) fn seed_scaling(&mut self, _resource: &Resource) {}
}
