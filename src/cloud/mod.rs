//! The cloud behind a script: one synchronous trait, two backends.
//!
//! [`Cloud`] speaks awsrun's own types ([`Resource`], the specs in [`spec`]).
//! The simulated account ([`sim::SimAccount`]) is the `--dry-run` backend and
//! the one unit tests use; the AWS backend (`aws`) is the only module that
//! imports the AWS SDK. The engine holds the ensure logic (look up by tags,
//! compare, create or converge) so that both backends behave identically.
//!
//! Attribute conventions every backend fills in (`Resource::attrs`):
//!
//! | kind | attributes |
//! | --- | --- |
//! | vpc | `cidr`, `is_default` (a stack's own VPCs come from `vpc(name, #{cidr})`) |
//! | subnet | `vpc`, `cidr`, `az`, `public_ip` (map public IP on launch), `default` |
//! | elastic_ip | `public_ip`, `association` (id of what uses it, or "") |
//! | nat_gateway | `subnet`, `eip` (allocation id), `public_ip`, `state` |
//! | route_table | `vpc`, `routes` (`[{dest, target}]`), `subnets` (associated ids) |
//! | security_group | `vpc`, `description`, `group_name`, `ingress` (`[{protocol, port, from}]`) |
//! | instance | `subnet`, `az`, `image`, `instance_type`, `security_groups`, `private_ip`, `public_ip` ("" if none), `state` |
//! | target_group | `arn`, `vpc`, `port`, `protocol`, `targets` (instance ids), `health_check` (`{path, interval, timeout, healthy_threshold, unhealthy_threshold}`, see [`HealthCheck`]), `deregistration_delay` (seconds; the AWS backend reads it where a run compares it: `find`, `refresh`, a plan's mirror, `--adopt`, not a `status` or `destroy` listing) |
//! | load_balancer | `arn`, `dns_name`, `scheme`, `state`, `vpc`, `subnets`, `security_groups` |
//! | load_balancer (also) | `zone_id` (`CanonicalHostedZoneId`, for alias records), `ip_address_type` |
//! | listener | `arn`, `load_balancer`, `port`, `protocol`, `forward` (target group arn, "" for a redirect), `redirect` (`HTTPS:443:HTTP_301`, or ""), `certificate` and `ssl_policy` ("" for HTTP) |
//! | hosted_zone | `domain` (no trailing dot), `private`, `assumed` (a simulated zone the real account must have) |
//! | certificate | `arn`, `domain`, `alt_names`, `state` (ACM's status), `validation` (`[{name, type, value}]`, empty until ACM has made them), `in_use_by` |
//! | dns_record | `zone`, `record_name` (fqdn, no dot), `type`, `ttl`, `values`, `alias` (target DNS name or ""), `alias_zone`, `target` (alias or values, for the plan), `owner` (the owning stack, "" for nobody) |
//!
//! For ELB and ACM resources the id is the ARN; a hosted zone's id is its
//! `Z...` id; a record's is `<zone>/<name>/<type>` (see [`ownership`]).

pub mod adopt;
pub mod aws;
pub mod cost;
pub mod error;
pub mod kind;
pub mod ownership;
pub mod poll;
pub mod resource;
pub mod scaling;
pub mod sim;
pub mod spec;
pub mod user_data;

pub use error::{CloudError, CloudResult};
pub use kind::{Kind, KindInfo, Service};
pub use poll::Poll;
pub use resource::{Identity, Resource, STACK_TAG, Tags, TargetHealth};
pub use scaling::*;
pub use spec::*;

use std::time::Duration;

/// Which backend a run talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The in-memory simulated account (`--dry-run`).
    DryRun,
    /// AWS (or an AWS-compatible endpoint).
    Live,
}

/// One AWS account and region, as awsrun needs it.
///
/// Methods are blocking. Lookups by tag (`find`) are cheap to repeat: a
/// backend describes each kind once per run and serves later lookups from
/// that cache, updating it on every create.
pub trait Cloud {
    fn mode(&self) -> Mode;
    fn region(&self) -> String;
    /// How long to sleep between two polls of a slow resource.
    fn poll_interval(&self, attempt: u32) -> Duration;

    fn whoami(&self) -> CloudResult<Identity>;
    /// Full AZ names of the region, sorted.
    fn azs(&self) -> CloudResult<Vec<String>>;
    fn default_vpc(&self) -> CloudResult<Resource>;
    /// Every subnet of a VPC, tagged by awsrun or not.
    fn vpc_subnets(&self, vpc: &str) -> CloudResult<Vec<Resource>>;
    fn latest_ami(&self, family: &str) -> CloudResult<String>;

    /// The live (not deleted/terminated) resource of this kind with these tags.
    fn find(&self, kind: Kind, tags: &Tags) -> CloudResult<Option<Resource>>;

    /// The live resources of `kind` without an `awsrun:stack` tag that
    /// `--adopt` may tag into a stack: never the account's defaults (see
    /// [`adopt::adoptable`]); none for a kind that is never adopted.
    fn untagged(&self, kind: Kind) -> CloudResult<Vec<Resource>>;
    /// Tags one of [`Cloud::untagged`]'s resources into a stack (`Name` and
    /// `awsrun:stack`: EC2 `CreateTags`, ELBv2 `AddTags`) and changes
    /// nothing else; returns it as `find` would now (with its name).
    fn adopt(&self, resource: &Resource, tags: &Tags) -> CloudResult<Resource>;

    /// Creates one resource, tagged at creation with `tags`.
    fn create(&self, spec: &Spec, tags: &Tags) -> CloudResult<Resource>;
    fn create_route(&self, route_table: &str, route: &Route) -> CloudResult<()>;
    fn associate_route_table(&self, route_table: &str, subnet: &str) -> CloudResult<()>;
    fn authorize_ingress(&self, group: &str, rules: &[IngressRule]) -> CloudResult<()>;
    fn terminate_instances(&self, ids: &[String]) -> CloudResult<()>;
    fn register_targets(&self, target_group: &str, ids: &[String]) -> CloudResult<()>;
    fn deregister_targets(&self, target_group: &str, ids: &[String]) -> CloudResult<()>;
    fn target_health(&self, target_group: &str) -> CloudResult<Vec<TargetHealth>>;

    /// The account's public hosted zone for `domain`: the zone named after
    /// the domain or its closest parent; `None` when the account has none.
    fn hosted_zone(&self, domain: &str) -> CloudResult<Option<Resource>>;
    /// The record set at `name` (fqdn, no dot) and `record_type` in a zone,
    /// whoever made it, with `owner` the stack its ownership record names
    /// ("" for a record no stack owns).
    fn record_at(&self, zone: &str, name: &str, record_type: &str)
    -> CloudResult<Option<Resource>>;
    /// `ModifyListener`: gives an existing listener the protocol, default
    /// action, certificate and policy of `spec`. Returns it as it is now.
    fn modify_listener(&self, listener: &str, spec: &ListenerSpec) -> CloudResult<Resource>;
    /// `ModifyTargetGroup` and `ModifyTargetGroupAttributes`: gives an
    /// existing target group the health check and deregistration delay of
    /// `spec` (its name, VPC, port and protocol cannot change, and are not
    /// read). Returns it as it is now.
    ///
    /// The default refuses: a backend that wraps another must forward it.
    fn modify_target_group(&self, arn: &str, spec: &TargetGroupSpec) -> CloudResult<Resource> {
        let _ = spec;
        Err(CloudError::new(
            "ModifyTargetGroup",
            crate::diagnostic::code::Backend::UnsupportedKind,
            format!("this backend cannot change target group {arn} in place"),
        ))
    }

    /// `CreateLaunchTemplateVersion` with `spec`'s settings, made the
    /// template's default version. Returns the template as it is now.
    fn new_template_version(
        &self,
        template: &str,
        spec: &LaunchTemplateSpec,
    ) -> CloudResult<Resource>;
    /// `UpdateAutoScalingGroup` (or `SetDesiredCapacity` for a desired
    /// capacity alone); AWS's rules apply (min <= desired <= max, a
    /// version that exists). Returns the group as it is now.
    fn update_group(&self, group: &str, update: &GroupUpdate) -> CloudResult<Resource>;
    /// `AttachLoadBalancerTargetGroups`: the group registers its instances
    /// with these target groups too.
    fn attach_target_groups(&self, group: &str, target_groups: &[String]) -> CloudResult<()>;
    /// `DetachInstances`: the instances leave the group (and its target
    /// groups, draining there); with `decrement` the desired capacity drops
    /// by as many, else the group launches replacements. They keep running.
    fn detach_instances(&self, group: &str, ids: &[String], decrement: bool) -> CloudResult<()>;
    /// `SuspendProcesses` (`suspend`) or `ResumeProcesses` for `processes`.
    fn suspend_processes(&self, group: &str, processes: &[&str], suspend: bool) -> CloudResult<()>;

    /// The resource as it is now (state and attributes). A simulated slow
    /// resource moves one step along its real states on each refresh.
    fn refresh(&self, resource: &Resource) -> CloudResult<Resource>;

    /// How long a live run of what ran so far would take, and why: only a
    /// simulated account under `--sim-latency realistic` knows.
    fn estimate(&self) -> Option<sim::Estimate> {
        None
    }

    /// The stacks of the region: every value of an `awsrun:stack` tag (or
    /// ownership record) on something not yet deleted, sorted.
    fn stack_names(&self) -> CloudResult<Vec<String>>;
    /// Everything tagged `awsrun:stack=<stack>`, any kind, not yet deleted.
    fn stack_resources(&self, stack: &str) -> CloudResult<Vec<Resource>>;
    /// Deletes one resource (and, for a route table, its associations; for an
    /// instance, terminates it). Dependency errors are returned as AWS reports
    /// them (`DependencyViolation`, ...) so the caller can retry.
    fn delete(&self, resource: &Resource) -> CloudResult<()>;
}
