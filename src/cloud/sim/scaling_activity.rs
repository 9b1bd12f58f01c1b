//! What an Auto Scaling group does by itself: it launches instances up to
//! its desired capacity (balanced over its subnets' AZs), registers each
//! with its target groups once it runs, replaces instances that were
//! terminated behind its back or that fail their ELB health checks after
//! the grace period, and scales in from the AZ with the most instances,
//! oldest template version first (AWS's default termination policy).
//!
//! Each refresh of a group is one reconciliation: its instances move one
//! step (or, under the latency model, as far as time allows), then the
//! group acts. Suspended processes (`Launch`, `Terminate`,
//! `AddToLoadBalancer`, `ReplaceUnhealthy`) are not done.
//!
//! The health check grace period counts from `InService` on the real clock,
//! scaled as the latency model scales AWS's times; without the model time
//! does not pass, so the period is over at once (an unhealthy instance is
//! replaced on the next refresh). A target fails its checks only when its
//! app stopped answering ([`super::SimAccount::fail_app`]).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use serde_json::Value;

use super::auto_scaling::{Member, ScalingSlot};
use super::state::State;
use super::store::Life;
use crate::cloud::{InstanceSpec, Kind, Resource, Tags};

impl State {
    /// Launches up to the desired capacity, or scales in to it.
    pub(super) fn fill_capacity(&mut self, name: &str) {
        let Some(slot) = self.scaling_groups.get(name) else {
            return;
        };
        if slot.deleting {
            return;
        }
        let active = slot.members.iter().filter(|m| m.active()).count() as u32;
        if active < slot.desired && !slot.suspends("Launch") {
            for _ in active..slot.desired {
                if let Err(message) = self.launch_one(name) {
                    if let Some(slot) = self.scaling_groups.get_mut(name) {
                        slot.launch_error = message;
                    }
                    break;
                }
            }
        } else if active > slot.desired && !slot.suspends("Terminate") {
            for _ in slot.desired..active {
                let Some(victim) = scale_in_victim(&self.scaling_groups[name]) else {
                    break;
                };
                let slot = self.scaling_groups.get_mut(name).expect("looked up above");
                slot.members[victim].lifecycle = "Terminating";
                let (id, tgs) = (slot.members[victim].id.clone(), slot.target_groups.clone());
                self.retire(&tgs, &[id]);
            }
        }
    }

    /// Launches one instance into the AZ with the fewest of the group's;
    /// the error's message when the launch fails.
    fn launch_one(&mut self, name: &str) -> Result<(), String> {
        let slot = &self.scaling_groups[name];
        let (subnet, az) = self
            .balanced_subnet(slot)
            .ok_or("no subnet of the group exists")?;
        let data = self
            .templates
            .get(&slot.template)
            .and_then(|t| t.versions.get(&slot.version))
            .ok_or_else(|| {
                format!(
                    "The specified launch template, with template ID {}, does not exist.",
                    slot.template
                )
            })?;
        let spec = InstanceSpec {
            subnet: subnet.clone(),
            image: data.image.clone(),
            instance_type: data.instance_type.clone(),
            security_groups: data.security_groups.clone(),
            public_ip: data.public_ip,
            user_data: data.user_data.clone(),
        };
        let (tags, version): (Tags, u32) = (slot.tags.clone(), slot.version);
        let instance = self
            .run_instance(&spec, &tags)
            .map_err(|e| format!("{}: {}", e.code, e.message))?;
        if let Some(resource) = self.store.resource_mut(&instance.id) {
            resource.set("group", name);
        }
        let slot = self.scaling_groups.get_mut(name).expect("looked up above");
        slot.launch_error.clear();
        slot.members.push(Member {
            id: instance.id,
            az,
            subnet,
            lifecycle: "Pending",
            health: "Healthy",
            version,
            in_service: None,
        });
        Ok(())
    }

    /// The first subnet of the AZ holding the fewest active instances.
    fn balanced_subnet(&self, slot: &ScalingSlot) -> Option<(String, String)> {
        let mut zones: Vec<(String, String)> = Vec::new();
        for subnet in &slot.subnets {
            let Some(s) = self.subnets.get(subnet) else {
                continue;
            };
            if !zones.iter().any(|(_, az)| *az == s.az) {
                zones.push((subnet.clone(), s.az.clone()));
            }
        }
        let count = |az: &str| {
            slot.members
                .iter()
                .filter(|m| m.active() && m.az == az)
                .count()
        };
        zones.into_iter().min_by_key(|(_, az)| count(az))
    }

    /// One reconciliation of a group (a `refresh`).
    pub(super) fn reconcile_group(&mut self, name: &str) {
        let Some(slot) = self.scaling_groups.get(name) else {
            return;
        };
        let ids: Vec<String> = slot.members.iter().map(|m| m.id.clone()).collect();
        for id in &ids {
            if self.clock.is_some() {
                self.advance(id);
            } else {
                self.step(Kind::Instance, id);
            }
        }
        let now = Instant::now();
        let grace_scale = self.clock.as_ref().map(|c| c.scaled(1).as_secs_f64());
        let slot = self.scaling_groups[name].clone();
        let mut members = Vec::new();
        let mut retiring = Vec::new();
        let mut observed = Vec::new();
        for mut member in slot.members.clone() {
            let state = self.instance_state(&member.id).to_string();
            let gone = matches!(state.as_str(), "" | "shutting-down" | "terminated");
            match member.lifecycle {
                "Detaching" => continue,
                "Terminating" if matches!(state.as_str(), "" | "terminated") => {
                    observed.push(member.id.clone());
                    continue;
                }
                "Pending" | "InService" if gone => {
                    // Terminated outside the group: unhealthy, then replaced.
                    member.health = "Unhealthy";
                    if !slot.suspends("ReplaceUnhealthy") {
                        continue;
                    }
                }
                "Pending" if state == "running" => {
                    if !slot.suspends("AddToLoadBalancer") {
                        for arn in &slot.target_groups {
                            let _ = self.register_targets(arn, std::slice::from_ref(&member.id));
                        }
                    }
                    member.lifecycle = "InService";
                    member.in_service = Some(now);
                    observed.push(member.id.clone());
                }
                "InService" if slot.health_check_type == "ELB" => {
                    let grace = grace_scale.unwrap_or(0.0) * f64::from(slot.grace);
                    let over = member
                        .in_service
                        .is_none_or(|at| now.duration_since(at).as_secs_f64() >= grace);
                    if over && self.fails_checks(&slot.target_groups, &member.id) {
                        member.health = "Unhealthy";
                        if !slot.suspends("ReplaceUnhealthy") {
                            member.lifecycle = "Terminating";
                            retiring.push(member.id.clone());
                        }
                    }
                }
                _ => {}
            }
            members.push(member);
        }
        let deleting = slot.deleting;
        let tgs = slot.target_groups.clone();
        self.scaling_groups
            .get_mut(name)
            .expect("looked up above")
            .members = members;
        self.retire(&tgs, &retiring);
        for id in &observed {
            self.observe(id);
        }
        if deleting {
            if self.scaling_groups[name].members.is_empty() {
                self.store.set_life(name, Life::Gone);
            }
        } else {
            self.fill_capacity(name);
        }
        self.sync_group(name);
    }

    /// Whether a target group of the group reports the instance unhealthy.
    fn fails_checks(&self, target_groups: &[String], id: &str) -> bool {
        self.failing_apps.contains(id)
            && target_groups.iter().any(|arn| {
                self.target_groups
                    .get(arn)
                    .is_some_and(|tg| tg.registered.contains(id))
            })
    }

    /// A mirrored group, with its instances (and so its capacity).
    pub(super) fn seed_group(&mut self, r: &Resource, tags: Tags) {
        let number = |key: &str| r.attrs.get(key).and_then(Value::as_u64).unwrap_or(0) as u32;
        let members = match r.attrs.get("instances") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| {
                    let text = |key: &str| i.get(key).and_then(Value::as_str).unwrap_or_default();
                    Member {
                        id: text("id").to_string(),
                        az: text("az").to_string(),
                        subnet: text("subnet").to_string(),
                        lifecycle: match text("lifecycle") {
                            "Pending" => "Pending",
                            "Terminating" => "Terminating",
                            "Detaching" => "Detaching",
                            _ => "InService",
                        },
                        health: if text("health") == "Unhealthy" {
                            "Unhealthy"
                        } else {
                            "Healthy"
                        },
                        version: i.get("version").and_then(Value::as_u64).unwrap_or(0) as u32,
                        in_service: None,
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let slot = ScalingSlot {
            arn: r.str("arn").to_string(),
            template: r.str("launch_template").to_string(),
            version: number("version"),
            min: number("min"),
            max: number("max"),
            desired: number("desired"),
            subnets: r.strs("subnets"),
            target_groups: r.strs("target_groups"),
            health_check_type: r.str("health_check_type").to_string(),
            grace: number("grace"),
            suspended: r.strs("suspended").into_iter().collect::<BTreeSet<_>>(),
            members,
            policies: BTreeMap::new(),
            deleting: r.state() == "deleting",
            tags,
            launch_error: String::new(),
        };
        self.scaling_groups.insert(r.id.clone(), slot);
    }
}

/// AWS's default termination policy: the AZ with the most instances, then
/// the oldest launch template version, then the oldest instance.
fn scale_in_victim(slot: &ScalingSlot) -> Option<usize> {
    let mut per_az: BTreeMap<&str, usize> = BTreeMap::new();
    for m in slot.members.iter().filter(|m| m.active()) {
        *per_az.entry(m.az.as_str()).or_default() += 1;
    }
    let most = per_az.values().copied().max()?;
    slot.members
        .iter()
        .enumerate()
        .filter(|(_, m)| m.active() && per_az[m.az.as_str()] == most)
        .min_by_key(|(i, m)| (m.version, *i))
        .map(|(i, _)| i)
}
