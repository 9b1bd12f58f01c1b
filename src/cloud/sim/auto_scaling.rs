//! Auto Scaling groups: `CreateAutoScalingGroup`, `UpdateAutoScalingGroup`,
//! `AttachLoadBalancerTargetGroups`, `DetachInstances`,
//! (`DetachInstances`, `SuspendProcesses`/`ResumeProcesses` and the forced
//! `DeleteAutoScalingGroup` are in `scaling_changes.rs`). What a group does
//! on its own (launching, replacing, scaling in) is in `scaling_activity.rs`.
//!
//! Invariants: a group's subnets are all in one VPC and its target groups
//! in that VPC; `min <= desired <= max` after every request; the group's
//! `instances` attribute mirrors its slot's members after every change.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use super::ids;
use super::state::State;
use crate::cloud::{
    AutoScalingGroupSpec, CloudError, CloudResult, GroupUpdate, Kind, Resource, Tags,
};
use crate::diagnostic::code;

/// AWS's process names (`SuspendProcesses`).
pub(super) const PROCESSES: &[&str] = &[
    "Launch",
    "Terminate",
    "AddToLoadBalancer",
    "AlarmNotification",
    "AZRebalance",
    "HealthCheck",
    "InstanceRefresh",
    "ReplaceUnhealthy",
    "ScheduledActions",
];

/// One instance of a group.
#[derive(Debug, Clone)]
pub(super) struct Member {
    pub(super) id: String,
    pub(super) az: String,
    pub(super) subnet: String,
    /// `Pending`, `InService`, `Terminating` or `Detaching`.
    pub(super) lifecycle: &'static str,
    /// `Healthy` or `Unhealthy`.
    pub(super) health: &'static str,
    pub(super) version: u32,
    /// When it entered `InService` (the grace period counts from there).
    pub(super) in_service: Option<Instant>,
}

impl Member {
    /// Counts toward the group's capacity.
    pub(super) fn active(&self) -> bool {
        matches!(self.lifecycle, "Pending" | "InService")
    }
}

#[derive(Debug, Clone)]
pub(super) struct ScalingSlot {
    pub(super) arn: String,
    pub(super) template: String,
    pub(super) version: u32,
    pub(super) min: u32,
    pub(super) max: u32,
    pub(super) desired: u32,
    pub(super) subnets: Vec<String>,
    pub(super) target_groups: Vec<String>,
    pub(super) health_check_type: String,
    pub(super) grace: u32,
    pub(super) suspended: BTreeSet<String>,
    pub(super) members: Vec<Member>,
    /// Policy name -> ARN.
    pub(super) policies: BTreeMap<String, String>,
    pub(super) deleting: bool,
    /// The group's tags, propagated to the instances it launches.
    pub(super) tags: Tags,
    /// Why the last launch failed ("" when it did not).
    pub(super) launch_error: String,
}

impl ScalingSlot {
    pub(super) fn suspends(&self, process: &str) -> bool {
        self.suspended.contains(process)
    }
}

pub(super) fn invalid(op: &str, message: impl Into<String>, hint: impl Into<String>) -> CloudError {
    CloudError::new(op, code::Aws::ValidationError, message).with_hint(hint)
}

/// AWS's check of a group's sizes.
fn check_sizes(op: &str, min: u32, max: u32, desired: u32) -> CloudResult<()> {
    if min > max {
        return Err(invalid(
            op,
            format!("Max bound, {max}, must be greater than or equal to min bound, {min}"),
            "keep min <= max",
        ));
    }
    if desired < min || desired > max {
        return Err(invalid(
            op,
            format!(
                "Desired capacity:{desired} must be between the specified min size:{min} and max size:{max}"
            ),
            "keep min <= desired <= max",
        ));
    }
    Ok(())
}

impl State {
    pub(super) fn create_group(
        &mut self,
        spec: &AutoScalingGroupSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        const OP: &str = "CreateAutoScalingGroup";
        if !(1..=255).contains(&spec.name.chars().count()) {
            return Err(invalid(
                OP,
                format!(
                    "1 validation error detected: Value '{}' at 'autoScalingGroupName' failed to satisfy constraint: Member must have length less than or equal to 255",
                    spec.name
                ),
                "name the group with 1 to 255 characters",
            ));
        }
        if self.scaling_groups.contains_key(&spec.name) {
            return Err(CloudError::new(
                OP,
                code::Aws::AutoScalingAlreadyExists,
                format!("AutoScalingGroup by this name already exists - A group with the name {} already exists", spec.name),
            )
            .with_hint("group names are unique per region; name it differently"));
        }
        if !["ELB", "EC2"].contains(&spec.health_check_type.as_str()) {
            return Err(invalid(
                OP,
                format!("Invalid health check type '{}'", spec.health_check_type),
                "use ELB or EC2",
            ));
        }
        check_sizes(OP, spec.min, spec.max, spec.desired)?;
        self.check_version(OP, &spec.launch_template, spec.version)?;
        let vpc = self.check_subnets(OP, &spec.subnets)?;
        self.check_target_groups(OP, &spec.target_groups, &vpc)?;
        let seed = self.next_seed(Kind::AutoScalingGroup);
        let arn = format!(
            "arn:aws:autoscaling:{}:{}:autoScalingGroup:{}:autoScalingGroupName/{}",
            self.region,
            self.identity.account,
            ids::uuid(&seed),
            spec.name
        );
        let slot = ScalingSlot {
            arn,
            template: spec.launch_template.clone(),
            version: spec.version,
            min: spec.min,
            max: spec.max,
            desired: spec.desired,
            subnets: spec.subnets.clone(),
            target_groups: spec.target_groups.clone(),
            health_check_type: spec.health_check_type.clone(),
            grace: spec.grace,
            suspended: BTreeSet::new(),
            members: Vec::new(),
            policies: BTreeMap::new(),
            deleting: false,
            tags: tags.clone(),
            launch_error: String::new(),
        };
        self.scaling_groups.insert(spec.name.clone(), slot);
        let resource = Resource::new(Kind::AutoScalingGroup, &tags.name, &spec.name);
        self.create(resource, tags);
        // AWS starts launching at once.
        self.fill_capacity(&spec.name);
        self.sync_group(&spec.name);
        Ok(self.store.get(&spec.name).expect("stored").resource.clone())
    }

    /// The template is live and has that version.
    fn check_version(&self, op: &str, template: &str, version: u32) -> CloudResult<()> {
        let slot = match self.templates.get(template) {
            Some(slot) if self.live(Kind::LaunchTemplate, template).is_some() => slot,
            _ => {
                return Err(invalid(
                    op,
                    format!(
                        "The specified launch template, with template ID {template}, does not exist."
                    ),
                    "create the launch template first, or check its id",
                ));
            }
        };
        if !slot.versions.contains_key(&version) {
            return Err(invalid(
                op,
                format!(
                    "The specified launch template, with template ID {template}, version number {version}, does not exist."
                ),
                format!("{template} has versions 1 to {}", slot.latest()),
            ));
        }
        Ok(())
    }

    /// The subnets exist and are all in one VPC; returns that VPC.
    fn check_subnets(&self, op: &str, subnets: &[String]) -> CloudResult<String> {
        let mut vpcs = BTreeSet::new();
        for subnet in subnets {
            let slot = self.subnets.get(subnet).ok_or_else(|| {
                invalid(
                    op,
                    format!("The subnet ID '{subnet}' does not exist"),
                    "create the subnet first, or check its id",
                )
            })?;
            vpcs.insert(slot.vpc.clone());
        }
        match vpcs.len() {
            0 => Err(invalid(
                op,
                "No subnets specified: a group in a VPC needs at least one subnet",
                "give the group the subnets (one per AZ) it launches into",
            )),
            1 => Ok(vpcs.into_iter().next().expect("one")),
            _ => Err(invalid(
                op,
                "The subnets must all belong to the same VPC",
                format!(
                    "the subnets are in {}; keep a group in one VPC",
                    vpcs.into_iter().collect::<Vec<_>>().join(" and ")
                ),
            )),
        }
    }

    fn check_target_groups(&self, op: &str, arns: &[String], vpc: &str) -> CloudResult<()> {
        for arn in arns {
            let slot = match self.target_groups.get(arn) {
                Some(slot) if self.live(Kind::TargetGroup, arn).is_some() => slot,
                _ => {
                    return Err(invalid(
                        op,
                        format!(
                            "Provided Target Groups may not be valid. Please ensure they exist and try again: {arn}"
                        ),
                        "create the target group first, or check its ARN",
                    ));
                }
            };
            if slot.vpc != vpc {
                return Err(invalid(
                    op,
                    format!("Target group {arn} is not in the VPC {vpc} of the group's subnets"),
                    format!(
                        "{arn} is in {}; use a target group of the group's VPC",
                        slot.vpc
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The live group of that name, or AWS's `ValidationError`.
    pub(super) fn scaling_group(&self, op: &str, name: &str) -> CloudResult<&ScalingSlot> {
        match self.scaling_groups.get(name) {
            Some(slot) if !slot.deleting => Ok(slot),
            _ => Err(CloudError::new(
                op,
                code::Aws::ValidationError,
                Kind::AutoScalingGroup.not_found_message(name),
            )
            .with_hint(format!(
                "no live Auto Scaling group `{name}` exists in this region"
            ))),
        }
    }

    pub(super) fn update_group(
        &mut self,
        name: &str,
        update: &GroupUpdate,
    ) -> CloudResult<Resource> {
        const OP: &str = "UpdateAutoScalingGroup";
        let slot = self.scaling_group(OP, name)?;
        let (min, max) = (
            update.min.unwrap_or(slot.min),
            update.max.unwrap_or(slot.max),
        );
        // UpdateAutoScalingGroup: a new MinSize above the desired capacity
        // (or MaxSize below it) without a DesiredCapacity moves it there.
        let desired = update
            .desired
            .unwrap_or_else(|| slot.desired.clamp(min, max.max(min)));
        check_sizes(OP, min, max, desired)?;
        let template = slot.template.clone();
        if let Some(version) = update.version {
            self.check_version(OP, &template, version)?;
        }
        if let Some(subnets) = &update.subnets {
            let vpc = self.check_subnets(OP, subnets)?;
            let target_groups = self.scaling_groups[name].target_groups.clone();
            self.check_target_groups(OP, &target_groups, &vpc)?;
        }
        let slot = self.scaling_groups.get_mut(name).expect("checked above");
        (slot.min, slot.max, slot.desired) = (min, max, desired);
        if let Some(version) = update.version {
            slot.version = version;
        }
        if let Some(subnets) = &update.subnets {
            slot.subnets = subnets.clone();
        }
        if let Some(grace) = update.grace {
            slot.grace = grace;
        }
        self.fill_capacity(name);
        self.sync_group(name);
        Ok(self.store.get(name).expect("stored").resource.clone())
    }

    pub(super) fn attach_target_groups(&mut self, name: &str, arns: &[String]) -> CloudResult<()> {
        const OP: &str = "AttachLoadBalancerTargetGroups";
        let slot = self.scaling_group(OP, name)?;
        let vpc = self
            .subnets
            .get(slot.subnets.first().map(String::as_str).unwrap_or_default())
            .map(|s| s.vpc.clone())
            .unwrap_or_default();
        self.check_target_groups(OP, arns, &vpc)?;
        let in_service: Vec<String> = slot
            .members
            .iter()
            .filter(|m| m.lifecycle == "InService")
            .map(|m| m.id.clone())
            .collect();
        let slot = self.scaling_groups.get_mut(name).expect("checked above");
        let fresh: Vec<String> = arns
            .iter()
            .filter(|arn| !slot.target_groups.contains(arn))
            .cloned()
            .collect();
        slot.target_groups.extend(fresh.iter().cloned());
        for arn in &fresh {
            let running: Vec<String> = in_service
                .iter()
                .filter(|id| self.instance_state(id) == "running")
                .cloned()
                .collect();
            self.register_targets(arn, &running)?;
        }
        self.sync_group(name);
        Ok(())
    }
}
