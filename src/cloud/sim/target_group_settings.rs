//! A target group's settings that change in place: `ModifyTargetGroup`
//! (the health check) and `ModifyTargetGroupAttributes` (the
//! deregistration delay), and the rules they share with
//! `CreateTargetGroup`.
//!
//! Invariants: every rule is checked before anything changes, so a refused
//! request changes nothing; a group's slot and its stored resource (the
//! `health_check` and `deregistration_delay` attributes) always agree; the
//! name, VPC, port and protocol never change (AWS has no call for them).

use super::errors::{not_found, validation};
use super::state::State;
use crate::cloud::{
    CloudError, CloudResult, HealthCheck, Kind, MAX_DEREGISTRATION_DELAY, Resource, TargetGroupSpec,
};
use crate::diagnostic::code;

impl State {
    /// `ModifyTargetGroup` with `spec`'s health check, then
    /// `ModifyTargetGroupAttributes` with its deregistration delay; the
    /// group's name, VPC, port and protocol stay as they are. Returns the
    /// group as it is now.
    pub(super) fn modify_target_group(
        &mut self,
        arn: &str,
        spec: &TargetGroupSpec,
    ) -> CloudResult<Resource> {
        const OP: &str = "ModifyTargetGroup";
        let protocol = match self.target_groups.get(arn) {
            Some(slot) if self.live(Kind::TargetGroup, arn).is_some() => slot.protocol.clone(),
            _ => return Err(not_found(OP, Kind::TargetGroup, arn)),
        };
        check_health_check(OP, &protocol, &spec.health_check)?;
        check_deregistration_delay(spec.deregistration_delay)?;
        self.set_target_group_settings(arn, Some(&spec.health_check), spec.deregistration_delay)
    }

    /// Gives a checked, existing group a health check (when given) and a
    /// deregistration delay, in its slot and its resource.
    pub(super) fn set_target_group_settings(
        &mut self,
        arn: &str,
        check: Option<&HealthCheck>,
        delay: u32,
    ) -> CloudResult<Resource> {
        let slot = self
            .target_groups
            .get_mut(arn)
            .expect("checked by the caller");
        if let Some(check) = check {
            slot.health_check = check.clone();
        }
        slot.deregistration_delay = delay;
        let check = slot.health_check.attr();
        let resource = self
            .store
            .resource_mut(arn)
            .ok_or_else(|| not_found("ModifyTargetGroup", Kind::TargetGroup, arn))?;
        resource.set("health_check", check);
        resource.set("deregistration_delay", delay);
        Ok(resource.clone())
    }
}

/// `ModifyTargetGroupAttributes`: `deregistration_delay.timeout_seconds`
/// is 0 to 3600 (`TargetGroupAttribute`: "The range is 0-3600 seconds").
/// AWS documents `InvalidConfigurationRequest` as the call's error for a
/// configuration it refuses.
pub(super) fn check_deregistration_delay(delay: u32) -> CloudResult<()> {
    if delay <= MAX_DEREGISTRATION_DELAY {
        return Ok(());
    }
    Err(CloudError::new(
        "ModifyTargetGroupAttributes",
        code::Aws::InvalidConfigurationRequest,
        format!(
            "'deregistration_delay.timeout_seconds' value '{delay}' must be between '0-{MAX_DEREGISTRATION_DELAY}' inclusive"
        ),
    )
    .with_hint(format!(
        "use a deregistration delay from 0 to {MAX_DEREGISTRATION_DELAY} seconds (default 300)"
    )))
}

/// The health-check rules of `CreateTargetGroup` and `ModifyTargetGroup`
/// for a group of `protocol`.
pub(super) fn check_health_check(op: &str, protocol: &str, check: &HealthCheck) -> CloudResult<()> {
    if protocol != "TCP" && !check.path.starts_with('/') {
        return Err(validation(
            op,
            format!("Health check path '{}' must begin with '/'", check.path),
            "use a path such as `/` or `/health`",
        ));
    }
    if !(5..=300).contains(&check.interval) {
        return Err(validation(
            op,
            format!(
                "Health check interval '{}' must be between 5 and 300 seconds",
                check.interval
            ),
            "use an interval from 5 to 300 seconds (default 30)",
        ));
    }
    if !(2..=120).contains(&check.timeout) {
        return Err(validation(
            op,
            format!(
                "Health check timeout '{}' must be between 2 and 120 seconds",
                check.timeout
            ),
            "use a timeout from 2 to 120 seconds (default 6 for HTTP, 10 for HTTPS and TCP)",
        ));
    }
    if check.timeout >= check.interval {
        return Err(validation(
            op,
            "Health check interval must be greater than the timeout.",
            format!(
                "make the timeout ({} s) shorter than the interval ({} s)",
                check.timeout, check.interval
            ),
        ));
    }
    check_thresholds(op, check)
}

fn check_thresholds(op: &str, check: &HealthCheck) -> CloudResult<()> {
    for (what, count, default) in [
        ("Healthy", check.healthy_threshold, 5),
        ("Unhealthy", check.unhealthy_threshold, 2),
    ] {
        if !(2..=10).contains(&count) {
            return Err(validation(
                op,
                format!("{what} threshold count '{count}' must be between 2 and 10"),
                format!("use a threshold from 2 to 10 (default {default})"),
            ));
        }
    }
    Ok(())
}
