//! Changes to a live Auto Scaling group that take instances out of it or
//! stop it acting: `DetachInstances`, `SuspendProcesses`/`ResumeProcesses`
//! and the forced `DeleteAutoScalingGroup`; and the group's attributes,
//! written from its slot after every change.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::auto_scaling::{PROCESSES, invalid};
use super::errors::not_found;
use super::state::State;
use super::store::Life;
use crate::cloud::{CloudResult, Kind};

impl State {
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
        // The instance type the group launches, which its cost is priced by.
        let instance_type = self
            .templates
            .get(&slot.template)
            .and_then(|t| t.versions.get(&slot.version))
            .map_or(String::new(), |v| v.instance_type.clone());
        let attrs = [
            ("arn", Value::from(slot.arn.as_str())),
            ("instance_type", Value::from(instance_type)),
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
