//! Target groups: `CreateTargetGroup`, target registration and health
//! (their settings, and changing them in place: `target_group_settings.rs`).

use std::collections::HashSet;

use serde_json::Value;

use super::errors::{not_found, validation};
use super::ids;
use super::rules::{TARGET_PROTOCOLS, elb_name_hint, elb_name_problem};
use super::state::State;
use super::target_group_settings::{check_deregistration_delay, check_health_check};
use crate::cloud::{
    CloudError, CloudResult, DEFAULT_DEREGISTRATION_DELAY, HealthCheck, Kind, Resource, Tags,
    TargetGroupSpec, TargetHealth,
};
use crate::diagnostic::code;

/// What the rules need to know about a target group.
#[derive(Debug, Clone)]
pub(super) struct TargetGroupSlot {
    pub(super) name: String,
    pub(super) vpc: String,
    pub(super) port: u16,
    pub(super) protocol: String,
    pub(super) health_check: HealthCheck,
    /// Seconds a deregistered target drains (`deregistration_delay.timeout_seconds`).
    pub(super) deregistration_delay: u32,
    /// Registered instance ids, in registration order (mirrors `targets`).
    pub(super) targets: Vec<String>,
    pub(super) registered: HashSet<String>,
    /// Targets already reported once since registration.
    pub(super) seen: HashSet<String>,
    /// Deregistered targets still reported as `draining` once.
    pub(super) draining: Vec<String>,
    /// The load balancer whose listeners forward here, and how many do.
    pub(super) load_balancer: Option<String>,
    pub(super) listeners: u32,
}

impl TargetGroupSlot {
    pub(super) fn new(name: &str, vpc: &str, port: u16, protocol: &str) -> Self {
        TargetGroupSlot {
            name: name.to_string(),
            vpc: vpc.to_string(),
            port,
            protocol: protocol.to_string(),
            health_check: HealthCheck::default(),
            deregistration_delay: super::latency::DEREGISTRATION_DELAY as u32,
            targets: Vec::new(),
            registered: HashSet::new(),
            seen: HashSet::new(),
            draining: Vec::new(),
            load_balancer: None,
            listeners: 0,
        }
    }

    fn same_settings(&self, spec: &TargetGroupSpec) -> bool {
        self.vpc == spec.vpc
            && self.port == spec.port
            && self.protocol == spec.protocol
            && self.health_check == spec.health_check
    }
}

impl State {
    pub(super) fn create_target_group(
        &mut self,
        spec: &TargetGroupSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        const OP: &str = "CreateTargetGroup";
        check_target_group(spec)?;
        // awsrun's create is CreateTargetGroup, then
        // ModifyTargetGroupAttributes for a delay other than AWS's default:
        // the delay is checked first, so a refused one creates nothing.
        check_deregistration_delay(spec.deregistration_delay)?;
        if self.live(Kind::Vpc, &spec.vpc).is_none() {
            return Err(validation(
                OP,
                format!("The VPC ID '{}' is not found", spec.vpc),
                "check the VPC id",
            ));
        }
        if let Some(existing) = self.existing_target_group(spec)? {
            if spec.deregistration_delay == DEFAULT_DEREGISTRATION_DELAY {
                return Ok(existing);
            }
            return self.set_target_group_settings(&existing.id, None, spec.deregistration_delay);
        }
        let seed = self.next_seed(Kind::TargetGroup);
        let arn = format!(
            "{}targetgroup/{}/{}",
            self.elb_arn_prefix(),
            spec.name,
            ids::elb_hex(&seed)
        );
        let mut slot = TargetGroupSlot::new(&spec.name, &spec.vpc, spec.port, &spec.protocol);
        slot.health_check = spec.health_check.clone();
        slot.deregistration_delay = spec.deregistration_delay;
        self.target_groups.insert(arn.clone(), slot);
        self.target_group_names
            .insert(spec.name.clone(), arn.clone());
        let resource = Resource::new(Kind::TargetGroup, &tags.name, &arn)
            .with("arn", arn.as_str())
            .with("vpc", spec.vpc.as_str())
            .with("port", spec.port)
            .with("protocol", spec.protocol.as_str())
            .with("health_check", spec.health_check.attr())
            .with("deregistration_delay", spec.deregistration_delay)
            .with("targets", Vec::<Value>::new());
        Ok(self.create(resource, tags))
    }

    /// The target group of that name: returned again for identical
    /// settings (AWS's idempotency), `DuplicateTargetGroupName` otherwise.
    fn existing_target_group(&self, spec: &TargetGroupSpec) -> CloudResult<Option<Resource>> {
        let Some(arn) = self.target_group_names.get(&spec.name) else {
            return Ok(None);
        };
        let slot = &self.target_groups[arn];
        if slot.same_settings(spec) {
            return Ok(self.store.get(arn).map(|e| e.resource.clone()));
        }
        Err(CloudError::new(
            "CreateTargetGroup",
            code::Aws::DuplicateTargetGroupName,
            format!(
                "A target group with the same name '{}' exists, but with different settings",
                spec.name
            ),
        )
        .with_hint(format!(
            "{arn} has port {} protocol {} in {}; target-group names are unique per account and region, so choose another name",
            slot.port, slot.protocol, slot.vpc
        )))
    }

    pub(super) fn register_targets(&mut self, group: &str, ids: &[String]) -> CloudResult<()> {
        const OP: &str = "RegisterTargets";
        self.check_targets(OP, group, ids, true)?;
        let slot = self.target_groups.get_mut(group).expect("checked above");
        let mut added = Vec::new();
        for id in ids {
            if slot.registered.insert(id.clone()) {
                slot.targets.push(id.clone());
                slot.seen.remove(id);
                slot.draining.retain(|d| d != id);
                added.push(Value::from(id.as_str()));
            }
        }
        let fresh: Vec<String> = added
            .iter()
            .filter_map(|v| v.as_str())
            .map(str::to_string)
            .collect();
        self.note_registered(group, &fresh);
        if let Some(resource) = self.store.resource_mut(group) {
            super::state::array_attr(resource, "targets").extend(added);
        }
        Ok(())
    }

    pub(super) fn deregister_targets(&mut self, group: &str, ids: &[String]) -> CloudResult<()> {
        self.check_targets("DeregisterTargets", group, ids, false)?;
        let leaving: HashSet<&String> = ids.iter().collect();
        self.drop_targets(group, &leaving);
        Ok(())
    }

    /// AWS deregisters the targets of terminated instances by itself.
    pub(super) fn drop_terminated_targets(&mut self, group: &str) {
        let terminated: Vec<String> = self.target_groups[group]
            .targets
            .iter()
            .filter(|id| !matches!(self.instance_state(id), "pending" | "running"))
            .cloned()
            .collect();
        if !terminated.is_empty() {
            self.drop_targets(group, &terminated.iter().collect());
        }
    }

    /// Moves registered targets to `draining` and out of `targets`.
    pub(super) fn drop_targets(&mut self, group: &str, leaving: &HashSet<&String>) {
        let slot = self
            .target_groups
            .get_mut(group)
            .expect("checked by the caller");
        let before = slot.targets.len();
        let mut drained = Vec::new();
        slot.targets.retain(|id| {
            let keep = !leaving.contains(id);
            if !keep {
                drained.push(id.clone());
            }
            keep
        });
        if slot.targets.len() == before {
            return;
        }
        for id in &drained {
            slot.registered.remove(id);
            slot.seen.remove(id);
        }
        slot.draining.extend(drained.iter().cloned());
        let targets: Vec<Value> = slot
            .targets
            .iter()
            .map(|id| Value::from(id.as_str()))
            .collect();
        if let Some(resource) = self.store.resource_mut(group) {
            resource.set("targets", targets);
        }
        self.note_draining(group, &drained);
    }

    /// The target group exists; each instance exists (running, when
    /// registering) and is in the group's VPC.
    fn check_targets(
        &self,
        op: &str,
        group: &str,
        ids: &[String],
        registering: bool,
    ) -> CloudResult<()> {
        let slot = match self.target_groups.get(group) {
            Some(slot) if self.live(Kind::TargetGroup, group).is_some() => slot,
            _ => return Err(not_found(op, Kind::TargetGroup, group)),
        };
        for id in ids {
            let state = self.instance_state(id);
            let invalid = |message: String, hint: String| {
                CloudError::new(op, code::Aws::InvalidTarget, message).with_hint(hint)
            };
            if state.is_empty() {
                return Err(invalid(
                    format!("The following targets are not valid instances: '{id}'"),
                    "register instances created by `instances(...)`".into(),
                ));
            }
            // RegisterTargets: "If the target is an EC2 instance, it must be
            // in the running state when you register it."
            if registering && state != "running" {
                return Err(invalid(
                    format!(
                        "The following targets are not in a running state and cannot be registered: '{id}'"
                    ),
                    format!(
                        "{id} is {state}; wait until it is running (`wait(instances)`), then register it"
                    ),
                ));
            }
            let subnet = self
                .store
                .get(id)
                .map(|e| e.resource.str("subnet"))
                .unwrap_or_default();
            let vpc = self
                .subnets
                .get(subnet)
                .map(|s| s.vpc.as_str())
                .unwrap_or_default();
            if vpc != slot.vpc {
                return Err(invalid(
                    format!(
                        "The following targets are not in the target group VPC '{}': '{id}'",
                        slot.vpc
                    ),
                    format!("{id} is in {vpc}; a target group only takes instances of its own VPC"),
                ));
            }
        }
        Ok(())
    }

    /// Health of every target, moving each one step: `initial` until its
    /// instance runs and it has been reported once, then `healthy`; leaving
    /// targets are `draining` once, then gone. Time passes while health is
    /// polled, so a `pending` target instance boots (one step) too, as it
    /// would in AWS while a script waits for healthy targets.
    pub(super) fn target_health(&mut self, group: &str) -> CloudResult<Vec<TargetHealth>> {
        if self.live(Kind::TargetGroup, group).is_none() || !self.target_groups.contains_key(group)
        {
            return Err(not_found("DescribeTargetHealth", Kind::TargetGroup, group));
        }
        let mut report = self.stepped_target_health(group)?;
        for target in &mut report {
            // An app that stopped answering fails its checks.
            if self.failing_apps.contains(&target.id)
                && matches!(target.state.as_str(), "healthy" | "initial")
            {
                target.state = "unhealthy".into();
                target.reason = "Target.FailedHealthChecks".into();
                target.description = "Health checks failed".into();
            }
        }
        Ok(report)
    }

    fn stepped_target_health(&mut self, group: &str) -> CloudResult<Vec<TargetHealth>> {
        if self.clock.is_some() {
            return self.timed_target_health(group);
        }
        self.drop_terminated_targets(group);
        let states: Vec<bool> = self.target_groups[group]
            .targets
            .iter()
            .map(|id| self.instance_state(id) == "running")
            .collect();
        let unused: Vec<Option<&'static str>> = self.target_groups[group]
            .targets
            .iter()
            .map(|id| self.not_in_use(group, id))
            .collect();
        let slot = self.target_groups.get_mut(group).expect("checked above");
        let mut report = Vec::with_capacity(slot.targets.len() + slot.draining.len());
        for ((id, running), unused) in slot.targets.iter().zip(states).zip(unused) {
            if let Some(why) = unused {
                report.push(TargetHealth::unused(id, slot.port, why));
                continue;
            }
            let seen = slot.seen.contains(id);
            let state = if running && seen {
                "healthy"
            } else {
                "initial"
            };
            if !seen {
                slot.seen.insert(id.clone());
            }
            report.push(TargetHealth {
                id: id.clone(),
                port: slot.port,
                state: state.into(),
                ..Default::default()
            });
        }
        for id in slot.draining.drain(..) {
            report.push(TargetHealth {
                id,
                port: slot.port,
                state: "draining".into(),
                ..Default::default()
            });
        }
        for target in &report {
            if self.instance_state(&target.id) == "pending" {
                self.set_state(&target.id, "running");
            }
        }
        Ok(report)
    }
}

impl State {
    /// Why a registered target gets no traffic, as AWS reports it (`unused`,
    /// `Target.NotInUse`): no listener forwards to its group, or its AZ is
    /// not one of the load balancer's.
    pub(super) fn not_in_use(&self, group: &str, target: &str) -> Option<&'static str> {
        let slot = self.target_groups.get(group)?;
        if slot.listeners == 0 {
            return Some(
                "Target group is not configured to receive traffic from the load balancer",
            );
        }
        let lb = self.load_balancers.get(slot.load_balancer.as_ref()?)?;
        let az = self.store.get(target)?.resource.str("az").to_string();
        let enabled = lb
            .subnets
            .iter()
            .any(|s| self.subnets.get(s).is_some_and(|subnet| subnet.az == az));
        (!enabled).then_some(
            "Target is in an Availability Zone that is not enabled for the load balancer",
        )
    }
}

impl TargetHealth {
    /// A target AWS reports `unused` for `Target.NotInUse`.
    pub(super) fn unused(id: &str, port: u16, why: &str) -> TargetHealth {
        TargetHealth {
            id: id.to_string(),
            port,
            state: "unused".into(),
            reason: "Target.NotInUse".into(),
            description: why.into(),
        }
    }
}

/// The request-only rules of `CreateTargetGroup`.
fn check_target_group(spec: &TargetGroupSpec) -> CloudResult<()> {
    const OP: &str = "CreateTargetGroup";
    if let Some(problem) = elb_name_problem("Target group", &spec.name) {
        return Err(validation(OP, problem, elb_name_hint(&spec.name)));
    }
    if !TARGET_PROTOCOLS.contains(&spec.protocol.as_str()) {
        return Err(validation(
            OP,
            format!(
                "Value '{}' at 'protocol' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE, QUIC, TCP_QUIC]",
                spec.protocol
            ),
            "use HTTP, HTTPS or TCP (upper case)",
        ));
    }
    if spec.port == 0 {
        return Err(validation(
            OP,
            "Value '0' at 'port' failed to satisfy constraint: Member must have value greater than or equal to 1",
            "use a port from 1 to 65535",
        ));
    }
    check_health_check(OP, &spec.protocol, &spec.health_check)
}
