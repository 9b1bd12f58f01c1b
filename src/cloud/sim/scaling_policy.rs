//! Target-tracking scaling policies: `PutScalingPolicy` and `DeletePolicy`.
//!
//! A policy has no tags in AWS; it belongs to the stack of its group, so the
//! store indexes it under the tags the engine gives (the group's stack and
//! the policy's script name) and `stack_resources` lists it. Putting a
//! policy whose name the group already has replaces its settings and keeps
//! its ARN, as AWS does.

use super::auto_scaling::invalid;
use super::ids;
use super::state::State;
use super::store::Life;
use crate::cloud::{CloudResult, Kind, Resource, ScalingMetric, ScalingPolicySpec, Tags};

impl State {
    pub(super) fn put_scaling_policy(
        &mut self,
        spec: &ScalingPolicySpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        const OP: &str = "PutScalingPolicy";
        let slot = self.scaling_group(OP, &spec.group)?;
        if !(1..=255).contains(&spec.name.chars().count()) {
            return Err(invalid(
                OP,
                format!(
                    "1 validation error detected: Value '{}' at 'policyName' failed to satisfy constraint: Member must have length between 1 and 255",
                    spec.name
                ),
                "name the policy with 1 to 255 characters",
            ));
        }
        if spec.target == 0 {
            return Err(invalid(
                OP,
                "TargetValue must be greater than 0",
                "give the policy a positive target",
            ));
        }
        if let ScalingMetric::Requests { resource_label } = &spec.metric {
            self.check_label(OP, resource_label, &slot.target_groups)?;
        }
        let existing = slot.policies.get(&spec.name).cloned();
        let arn = match existing {
            Some(arn) => arn,
            None => {
                let seed = self.next_seed(Kind::ScalingPolicy);
                format!(
                    "arn:aws:autoscaling:{}:{}:scalingPolicy:{}:autoScalingGroupName/{}:policyName/{}",
                    self.region,
                    self.identity.account,
                    ids::uuid(&seed),
                    spec.group,
                    spec.name
                )
            }
        };
        let resource = Resource::new(Kind::ScalingPolicy, &tags.name, &arn)
            .with("arn", arn.as_str())
            .with("group", spec.group.as_str())
            .with("policy_name", spec.name.as_str())
            .with("metric", spec.metric.name())
            .with("target", spec.target)
            .with("resource_label", spec.metric.resource_label());
        self.scaling_groups
            .get_mut(&spec.group)
            .expect("checked above")
            .policies
            .insert(spec.name.clone(), arn.clone());
        if self.store.live(Kind::ScalingPolicy, &arn).is_some() {
            if let Some(stored) = self.store.resource_mut(&arn) {
                stored.attrs = resource.attrs.clone();
            }
            return Ok(self.store.get(&arn).expect("live").resource.clone());
        }
        Ok(self.create(resource, tags))
    }

    /// `ALBRequestCountPerTarget`'s label names a target group of the group
    /// that a load balancer's listener forwards to, with that load balancer.
    fn check_label(&self, op: &str, label: &str, group_tgs: &[String]) -> CloudResult<()> {
        let hint = "the label is `app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>` of a target group the group registers with and a listener of that load balancer forwards to";
        let parts: Vec<&str> = label.split('/').collect();
        let bad = || {
            invalid(
                op,
                format!(
                    "Unable to find resource label {label}; the target group and load balancer must be associated"
                ),
                hint,
            )
        };
        if parts.len() != 6 || parts[0] != "app" || parts[3] != "targetgroup" {
            return Err(bad());
        }
        let tg = format!(
            "{}targetgroup/{}/{}",
            self.elb_arn_prefix(),
            parts[4],
            parts[5]
        );
        let lb = format!(
            "{}loadbalancer/app/{}/{}",
            self.elb_arn_prefix(),
            parts[1],
            parts[2]
        );
        let served = self.target_groups.get(&tg).is_some_and(|slot| {
            slot.listeners > 0 && slot.load_balancer.as_deref() == Some(lb.as_str())
        });
        if !served || !group_tgs.contains(&tg) {
            return Err(bad());
        }
        Ok(())
    }

    pub(super) fn delete_policy(&mut self, arn: &str) -> CloudResult<()> {
        const OP: &str = "DeletePolicy";
        let Some(policy) = self.store.live(Kind::ScalingPolicy, arn) else {
            return Err(invalid(
                OP,
                Kind::ScalingPolicy.not_found_message(arn),
                "no live scaling policy has that ARN",
            ));
        };
        let (group, name) = (
            policy.str("group").to_string(),
            policy.str("policy_name").to_string(),
        );
        if let Some(slot) = self.scaling_groups.get_mut(&group) {
            slot.policies.remove(&name);
        }
        self.store.set_life(arn, Life::Gone);
        Ok(())
    }

    /// A mirrored policy joins its group.
    pub(super) fn seed_policy(&mut self, r: &Resource) {
        if let Some(slot) = self.scaling_groups.get_mut(r.str("group")) {
            slot.policies
                .insert(r.str("policy_name").to_string(), r.id.clone());
        }
    }

    /// A launch template, group or policy that already exists (a mirror).
    pub(super) fn seed_scaling(&mut self, r: &Resource, tags: Option<Tags>) {
        match r.kind {
            Kind::LaunchTemplate => self.seed_template(r),
            Kind::AutoScalingGroup => {
                let tags = tags.unwrap_or_else(|| Tags::new("", &r.name));
                self.seed_group(r, tags);
            }
            _ => self.seed_policy(r),
        }
    }
}
