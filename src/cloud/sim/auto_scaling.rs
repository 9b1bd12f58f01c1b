//! Auto Scaling groups: `CreateAutoScalingGroup`, `UpdateAutoScalingGroup`,
//! `AttachLoadBalancerTargetGroups`, `DetachInstances`,
//! `SuspendProcesses`/`ResumeProcesses` and the forced
//! `DeleteAutoScalingGroup`. What a group does on its own (launching,
//! replacing, scaling in) is in `scaling_activity.rs`.
//!
//! Invariants: a group's subnets are all in one VPC and its target groups
//! in that VPC; `min <= desired <= max` after every request; the group's
//! `instances` attribute mirrors its slot's members after every change.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Instant;

use serde_json::{Value, json};

use super::errors::not_found;
use super::ids;
use super::state::State;
use super::store::Life;
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

    pub(super) fn detach_instances(
        &mut self,
        name: &str,
        ids: &[String],
        decrement: bool,
    ) -> CloudResult<()> {
        const OP: &str = "DetachInstances";
        let slot = self.scaling_group(OP, name)?;
        for id in ids {
            if !slot.members.iter().any(|m| &m.id == id && m.active()) {
                return Err(invalid(
                    OP,
                    format!("The instance {id} is not part of Auto Scaling group {name}."),
                    "detach instances the group lists as Pending or InService",
                ));
            }
        }
        let count = ids.len() as u32;
        if decrement && slot.desired < slot.min + count {
            return Err(invalid(
                OP,
                format!(
                    "Desired capacity:{} must be between the specified min size:{} and max size:{}",
                    slot.desired.saturating_sub(count),
                    slot.min,
                    slot.max
                ),
                format!(
                    "detaching {count} with decrement would take the group below its min size {}; lower min first",
                    slot.min
                ),
            ));
        }
        let target_groups = slot.target_groups.clone();
        let leaving: HashSet<&String> = ids.iter().collect();
        for arn in &target_groups {
            if self.target_groups.contains_key(arn) {
                self.drop_targets(arn, &leaving);
            }
        }
        let slot = self.scaling_groups.get_mut(name).expect("checked above");
        for member in slot.members.iter_mut().filter(|m| leaving.contains(&m.id)) {
            member.lifecycle = "Detaching";
        }
        if decrement {
            slot.desired -= count;
        }
        for id in ids {
            if let Some(instance) = self.store.resource_mut(id) {
                instance.set("group", "");
            }
        }
        self.fill_capacity(name);
        self.sync_group(name);
        Ok(())
    }

    pub(super) fn suspend_processes(
        &mut self,
        name: &str,
        processes: &[&str],
        suspend: bool,
    ) -> CloudResult<()> {
        let op = if suspend {
            "SuspendProcesses"
        } else {
            "ResumeProcesses"
        };
        self.scaling_group(op, name)?;
        if let Some(unknown) = processes.iter().find(|p| !PROCESSES.contains(p)) {
            return Err(invalid(
                op,
                format!("Process {unknown} is not a valid process name"),
                format!("the processes are {}", PROCESSES.join(", ")),
            ));
        }
        // An empty list means every process, as in AWS.
        let named: Vec<&str> = if processes.is_empty() {
            PROCESSES.to_vec()
        } else {
            processes.to_vec()
        };
        let slot = self.scaling_groups.get_mut(name).expect("checked above");
        for process in named {
            if suspend {
                slot.suspended.insert(process.to_string());
            } else {
                slot.suspended.remove(process);
            }
        }
        if !suspend {
            self.fill_capacity(name);
        }
        self.sync_group(name);
        Ok(())
    }

    /// `DeleteAutoScalingGroup` with `ForceDelete`: every instance
    /// terminates, the group's policies go, and the group is `deleting`
    /// until its instances are terminated (then `deleted`).
    pub(super) fn delete_scaling_group(&mut self, name: &str) -> CloudResult<()> {
        const OP: &str = "DeleteAutoScalingGroup";
        let slot = match self.scaling_groups.get_mut(name) {
            Some(slot) => slot,
            None => return Err(not_found(OP, Kind::AutoScalingGroup, name)),
        };
        if slot.deleting {
            return Ok(());
        }
        slot.deleting = true;
        let policies: Vec<String> = std::mem::take(&mut slot.policies).into_values().collect();
        let ids: Vec<String> = slot
            .members
            .iter()
            .filter(|m| m.lifecycle != "Detaching")
            .map(|m| m.id.clone())
            .collect();
        for member in slot.members.iter_mut() {
            member.lifecycle = "Terminating";
        }
        let target_groups = slot.target_groups.clone();
        for arn in policies {
            self.store.set_life(&arn, Life::Gone);
        }
        self.retire(&target_groups, &ids);
        self.store.set_life(name, Life::Leaving);
        self.sync_group(name);
        Ok(())
    }

    /// Deregisters instances from the target groups and terminates them.
    pub(super) fn retire(&mut self, target_groups: &[String], ids: &[String]) {
        let leaving: HashSet<&String> = ids.iter().collect();
        for arn in target_groups {
            if self.target_groups.contains_key(arn) {
                self.drop_targets(arn, &leaving);
            }
        }
        let live: Vec<String> = ids
            .iter()
            .filter(|id| !matches!(self.instance_state(id), "" | "shutting-down" | "terminated"))
            .cloned()
            .collect();
        // Ids come from instances the account launched: well formed and known.
        let _ = self.terminate_instances(&live);
    }

    /// Writes the slot into the group's attributes.
    pub(super) fn sync_group(&mut self, name: &str) {
        let Some(slot) = self.scaling_groups.get(name) else {
            return;
        };
        let instances: Vec<Value> = slot
            .members
            .iter()
            .map(|m| {
                json!({
                    "id": m.id, "az": m.az, "subnet": m.subnet,
                    "lifecycle": m.lifecycle, "health": m.health, "version": m.version,
                })
            })
            .collect();
        let state = if !slot.deleting {
            ""
        } else if slot.members.is_empty() {
            "deleted"
        } else {
            "deleting"
        };
        let attrs = [
            ("arn", Value::from(slot.arn.as_str())),
            ("group_name", Value::from(name)),
            ("launch_template", Value::from(slot.template.as_str())),
            ("version", Value::from(slot.version)),
            ("min", Value::from(slot.min)),
            ("max", Value::from(slot.max)),
            ("desired", Value::from(slot.desired)),
            (
                "capacity",
                Value::from(format!("{} ({}..{})", slot.desired, slot.min, slot.max)),
            ),
            ("subnets", Value::from(slot.subnets.clone())),
            ("target_groups", Value::from(slot.target_groups.clone())),
            (
                "health_check_type",
                Value::from(slot.health_check_type.as_str()),
            ),
            ("grace", Value::from(slot.grace)),
            (
                "suspended",
                Value::from(slot.suspended.iter().cloned().collect::<Vec<_>>()),
            ),
            ("instances", Value::from(instances)),
            ("launch_error", Value::from(slot.launch_error.as_str())),
            ("state", Value::from(state)),
        ];
        if let Some(resource) = self.store.resource_mut(name) {
            for (key, value) in attrs {
                resource.set(key, value);
            }
        }
    }
}
