//! What the engine asks a backend for Auto Scaling: launch templates, groups
//! and target-tracking policies (the specs `Cloud::create` takes inside a
//! [`Spec`](super::Spec)), and the changes an existing group accepts.
//!
//! Attribute conventions (`Resource::attrs`), filled in by both backends:
//!
//! | kind | attributes |
//! | --- | --- |
//! | launch_template | `template_name` (AWS's name, `<stack>-<name>`), `version` (the default version, which awsrun keeps the latest), `image`, `instance_type`, `security_groups`, `public_ip`, `user_data_hash` (sha256 hex of the user data) |
//! | auto_scaling_group | `arn`, `group_name` (AWS's name, `<stack>-<name>`, also the id), `launch_template` (id), `version` (the template version the group launches), `instance_type` (that version's, which prices the group), `min`, `max`, `desired`, `capacity` (`2 (2..6)`, for the plan), `subnets`, `target_groups` (ARNs), `health_check_type` (`ELB` or `EC2`), `grace` (seconds), `suspended` (process names), `instances` (`[{id, az, subnet, lifecycle, health, version}]`) |
//! | scaling_policy | `arn` (also the id), `group` (group name), `policy_name`, `metric` (`cpu` or `requests`), `target` (percent, or requests per target per minute), `resource_label` (`app/<lb>/<id>/targetgroup/<tg>/<id>` for `requests`, else "") |
//!
//! An instance a group launched is an ordinary `instance` resource (tagged
//! `Name=<group's script name>` and `awsrun:stack` through the group's
//! propagated tags) with one more attribute, `group` (the group's name).

use serde::Serialize;
use sha2::{Digest, Sha256};

/// A launch template's settings: what every version holds. A change of any
/// of them makes a new version (`CreateLaunchTemplateVersion`), which
/// becomes the template's default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaunchTemplateSpec {
    /// AWS's name for it (`<stack>-<name>`): 3 to 128 characters of letters,
    /// digits and `( ) . - / _`.
    pub name: String,
    pub image: String,
    pub instance_type: String,
    pub security_groups: Vec<String>,
    /// The instances' user data, as text (the backends encode it).
    pub user_data: String,
    /// Whether instances get a public IPv4 address (the network
    /// interface's `AssociatePublicIpAddress`); awsrun's groups run in
    /// private subnets, so `false` unless the script says otherwise.
    pub public_ip: bool,
}

/// An Auto Scaling group launching a launch template's version into
/// `subnets`, registering its instances with `target_groups`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutoScalingGroupSpec {
    /// AWS's name for it (`<stack>-<name>`): 1 to 255 characters.
    pub name: String,
    /// The launch template id (`lt-...`).
    pub launch_template: String,
    /// The template version to launch.
    pub version: u32,
    pub min: u32,
    pub max: u32,
    pub desired: u32,
    /// Subnet ids, all in one VPC; AWS spreads instances over their AZs.
    pub subnets: Vec<String>,
    /// Target group ARNs the group registers its instances with.
    pub target_groups: Vec<String>,
    /// `ELB` (the target groups' health checks count) or `EC2`.
    pub health_check_type: String,
    /// Seconds after launch before a failing health check replaces an instance.
    pub grace: u32,
}

/// What a target-tracking policy keeps at its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ScalingMetric {
    /// `ASGAverageCPUUtilization`, in percent.
    Cpu,
    /// `ALBRequestCountPerTarget`: requests per target per minute through
    /// the target group of `resource_label`
    /// (`app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>`).
    Requests { resource_label: String },
}

impl ScalingMetric {
    /// The `metric` attribute: `cpu` or `requests`.
    pub fn name(&self) -> &'static str {
        match self {
            ScalingMetric::Cpu => "cpu",
            ScalingMetric::Requests { .. } => "requests",
        }
    }

    /// AWS's `PredefinedMetricType`.
    pub fn predefined(&self) -> &'static str {
        match self {
            ScalingMetric::Cpu => "ASGAverageCPUUtilization",
            ScalingMetric::Requests { .. } => "ALBRequestCountPerTarget",
        }
    }

    /// The `resource_label` attribute ("" for CPU).
    pub fn resource_label(&self) -> &str {
        match self {
            ScalingMetric::Cpu => "",
            ScalingMetric::Requests { resource_label } => resource_label,
        }
    }
}

/// A target-tracking scaling policy of a group (`PutScalingPolicy`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScalingPolicySpec {
    /// The group's name.
    pub group: String,
    /// The policy's name, unique in its group: 1 to 255 characters.
    pub name: String,
    pub metric: ScalingMetric,
    /// The value the policy keeps the metric at (percent, or requests).
    pub target: u32,
}

/// A change to an existing group (`UpdateAutoScalingGroup`); `None` keeps
/// what the group has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GroupUpdate {
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub desired: Option<u32>,
    /// The launch template version to launch from now on.
    pub version: Option<u32>,
    pub subnets: Option<Vec<String>>,
    pub grace: Option<u32>,
}

/// The processes a rolling deploy suspends so that the group neither
/// scales nor rebalances under it (what CloudFormation's rolling update
/// suspends): AZ rebalancing, alarm-driven scaling and scheduled actions.
pub const DEPLOY_SUSPENDS: &[&str] = &["AZRebalance", "AlarmNotification", "ScheduledActions"];

/// A launch template's `user_data_hash`: lowercase hex sha256 of the user
/// data text, so a changed script shows without its text.
pub fn user_data_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_data_hashes_are_sha256_hex() {
        assert_eq!(
            super::user_data_hash(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
