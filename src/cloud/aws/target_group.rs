//! A target group's settings on AWS: its health check, which
//! `DescribeTargetGroups` reports with the group, and its deregistration
//! delay, a target group attribute (`deregistration_delay.timeout_seconds`)
//! only `DescribeTargetGroupAttributes` reports; changing them in place
//! with `ModifyTargetGroup` and `ModifyTargetGroupAttributes`.
//!
//! Invariants:
//! - The delay costs one request per group, made only where a run compares
//!   it (the ensure's lookup, a plan's mirror, `--adopt`) and once per group
//!   and run: it is kept in the cached copy, and every change writes there.
//! - A change sends only what differs: `ModifyTargetGroup` for another
//!   health check, `ModifyTargetGroupAttributes` for another delay.
//! - A group this run created may be unknown to ELBv2 for a while; every
//!   call naming it is retried (`fresh.rs`).

use aws_sdk_elasticloadbalancingv2::types::{TargetGroup, TargetGroupAttribute};

use super::AwsCloud;
use super::call::Service;
use crate::cloud::{
    CloudError, CloudResult, DEFAULT_DEREGISTRATION_DELAY, DEREGISTRATION_DELAY_KEY, HealthCheck,
    Resource, TargetGroupSpec, deregistration_delay_of,
};
use crate::diagnostic::code;

/// The health check `DescribeTargetGroups` reports for a group (a field it
/// leaves out reads as AWS's default for an HTTP group).
pub(super) fn health_check(tg: &TargetGroup) -> HealthCheck {
    let default = HealthCheck::default();
    let seconds = |value: Option<i32>, default: u16| {
        value.and_then(|v| u16::try_from(v).ok()).unwrap_or(default)
    };
    HealthCheck {
        path: tg.health_check_path().unwrap_or(&default.path).to_string(),
        interval: seconds(tg.health_check_interval_seconds(), default.interval),
        timeout: seconds(tg.health_check_timeout_seconds(), default.timeout),
        healthy_threshold: seconds(tg.healthy_threshold_count(), default.healthy_threshold),
        unhealthy_threshold: seconds(tg.unhealthy_threshold_count(), default.unhealthy_threshold),
    }
}

impl AwsCloud {
    /// The target group with its `deregistration_delay`: the one it
    /// carries, else the cached copy's, else `DescribeTargetGroupAttributes`
    /// (kept in the cache for the rest of the run).
    pub(super) fn with_delay(&self, mut tg: Resource) -> CloudResult<Resource> {
        if deregistration_delay_of(&tg).is_some() {
            return Ok(tg);
        }
        let cached = self
            .cache()
            .get(&tg.id)
            .and_then(|c| deregistration_delay_of(&c));
        let delay = match cached {
            Some(delay) => delay,
            None => self.describe_delay(&tg.id)?,
        };
        tg.set("deregistration_delay", delay);
        self.cache()
            .update(&tg.id, |cached| cached.set("deregistration_delay", delay));
        Ok(tg)
    }

    fn describe_delay(&self, arn: &str) -> CloudResult<u32> {
        let request = self
            .elb
            .describe_target_group_attributes()
            .target_group_arn(arn);
        let out = self.patiently(&[arn], || {
            self.send(
                Service::Elb,
                "DescribeTargetGroupAttributes",
                request.clone().send(),
            )
        })?;
        let value = out
            .attributes()
            .iter()
            .find(|a| a.key() == Some(DEREGISTRATION_DELAY_KEY))
            .and_then(|a| a.value())
            .and_then(|v| v.parse().ok());
        Ok(value.unwrap_or(DEFAULT_DEREGISTRATION_DELAY))
    }

    /// `ModifyTargetGroupAttributes` with the deregistration delay alone.
    pub(super) fn set_delay(&self, arn: &str, seconds: u32) -> CloudResult<()> {
        let attribute = TargetGroupAttribute::builder()
            .key(DEREGISTRATION_DELAY_KEY)
            .value(seconds.to_string())
            .build();
        let request = self
            .elb
            .modify_target_group_attributes()
            .target_group_arn(arn)
            .attributes(attribute);
        self.patiently(&[arn], || {
            self.send(
                Service::Elb,
                "ModifyTargetGroupAttributes",
                request.clone().send(),
            )
        })?;
        self.cache()
            .update(arn, |cached| cached.set("deregistration_delay", seconds));
        Ok(())
    }

    /// Gives a target group `spec`'s health check and delay, sending only
    /// what differs from the group as this run knows it (described once
    /// when it does not). Returns the group as it is now.
    pub(super) fn change_target_group(
        &self,
        arn: &str,
        spec: &TargetGroupSpec,
    ) -> CloudResult<Resource> {
        let known = match self.cache().get(arn) {
            Some(known) => known,
            None => self.refresh_one(&Resource::new(crate::cloud::Kind::TargetGroup, "", arn))?,
        };
        let mut now = self.with_delay(known)?;
        if HealthCheck::of(&now).as_ref() != Some(&spec.health_check) {
            let described = self.modify_health_check(arn, &spec.health_check)?;
            now.set("health_check", health_check(&described).attr());
        }
        if deregistration_delay_of(&now) != Some(spec.deregistration_delay) {
            self.set_delay(arn, spec.deregistration_delay)?;
            now.set("deregistration_delay", spec.deregistration_delay);
        }
        self.cache().replace(&now);
        Ok(now)
    }

    /// `ModifyTargetGroup` with every field of the health check; returns
    /// the group as AWS describes it after the change.
    fn modify_health_check(&self, arn: &str, check: &HealthCheck) -> CloudResult<TargetGroup> {
        let request = self
            .elb
            .modify_target_group()
            .target_group_arn(arn)
            .health_check_path(&check.path)
            .health_check_interval_seconds(i32::from(check.interval))
            .health_check_timeout_seconds(i32::from(check.timeout))
            .healthy_threshold_count(i32::from(check.healthy_threshold))
            .unhealthy_threshold_count(i32::from(check.unhealthy_threshold));
        let out = self.patiently(&[arn], || {
            self.send(Service::Elb, "ModifyTargetGroup", request.clone().send())
        })?;
        out.target_groups().first().cloned().ok_or_else(|| {
            CloudError::new(
                "ModifyTargetGroup",
                code::Backend::EmptyResponse,
                "the response holds no resource",
            )
        })
    }
}
