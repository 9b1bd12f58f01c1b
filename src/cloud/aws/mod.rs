//! The live backend: [`AwsCloud`] implements [`Cloud`] over the official
//! AWS SDK (EC2, ELBv2, EC2 Auto Scaling, ACM, Route 53, STS, and S3 for the state bucket). This folder is the only code in awsrun that
//! imports `aws_sdk_*` or `aws_config`.
//!
//! Invariants:
//! - Every request goes through one helper (`call.rs`), which counts it
//!   ([`AwsCloud::api_calls`]), logs it with `-v` (service, operation and
//!   time; never a parameter, so never a secret) and turns SDK errors into
//!   [`CloudError`]s that keep AWS's code, message and request id.
//! - Lookups are batched: the first `find` of a kind describes every
//!   resource of that kind in the stack (tag filter on the server, and again
//!   on the client because some AWS-compatible servers ignore it), later
//!   finds and creates work on that cache for the rest of the run.
//! - Tags go on at creation (`TagSpecifications` / `Tags`), never in a
//!   second call that could be lost. The one exception is `--adopt`,
//!   which tags what was built by hand (`adopt.rs`): only tags are written.
//! - The SDK is async; the [`Cloud`] trait is not. `AwsCloud` owns a
//!   multi-thread tokio runtime and `block_on`s inside each method, so it
//!   must never be called from inside a tokio task.
//!
//! | file | holds |
//! | --- | --- |
//! | `connect.rs` | the configuration chain, credential and region checks |
//! | `call.rs` | the request helper: counter, `-v` log, error mapping and hints |
//! | `cache.rs` | the run's lookup cache |
//! | `ec2_read.rs`, `ec2_convert.rs` | EC2 describes, and EC2 types -> [`Resource`] |
//! | `ec2_write.rs`, `ec2_delete.rs` | EC2 creates and additive converges; EC2 deletes |
//! | `fresh.rs` | retrying a NotFound for an id this run created (eventual consistency) |
//! | `elb_read.rs`, `elb_write.rs` | the same for ELBv2 (ids are ARNs) |
//! | `target_group.rs` | a target group's health check and deregistration delay: read, changed in place |
//! | `launch_template.rs` | EC2 launch templates: create, new default versions, describe with the default version's data, delete |
//! | `asg_read.rs`, `autoscaling.rs` | EC2 Auto Scaling groups (with instances) and target-tracking policies: describes; creates, changes, deletes |
//! | `acm.rs` | certificates: request, describe (with tags), delete |
//! | `route53.rs` | hosted zones and record sets, with their ownership records |
//! | `lookup.rs` | find / refresh / stack listing across kinds |
//! | `mirror.rs` | copying the real account into a [`SimAccount`] for a plan |
//! | `adopt.rs` | `--adopt`: the untagged resources of a kind, and tagging one into a stack |
//! | `state.rs` | the state bucket: created private and encrypted, conditional writes of the locks, the run log |
//! | `facts.rs` | what a plan asks the real account while it runs (offerings, images) |

mod acm;
mod adopt;
mod asg_read;
mod autoscaling;
mod cache;
mod call;
mod connect;
mod ec2_convert;
mod ec2_delete;
mod ec2_read;
mod ec2_write;
mod elb_read;
mod elb_write;
mod facts;
mod fresh;
mod launch_template;
mod lookup;
mod mirror;
mod route53;
mod state;
mod target_group;

use crate::cloud::Spec;
use crate::diagnostic::code;
use std::sync::Mutex;
use std::time::Duration;

use super::{
    Cloud, CloudError, CloudResult, GroupUpdate, Identity, IngressRule, Kind, LaunchTemplateSpec,
    ListenerSpec, Mode, Resource, Route, Tags, TargetGroupSpec, TargetHealth,
};
pub use state::{Put, ROLE_TAG, Stored};

use cache::Cache;
use call::Calls;

#[cfg(doc)]
use super::sim::SimAccount;

/// Every instance type EC2 offers, as the SDK's `InstanceType` lists them
/// (the API's own enumeration): what `RunInstances` accepts somewhere.
pub fn instance_types() -> &'static [&'static str] {
    aws_sdk_ec2::types::InstanceType::values()
}

/// How to reach AWS: each field overrides the standard chain (env vars,
/// `~/.aws/config` and `credentials`, SSO, `AWS_ENDPOINT_URL`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsOptions {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// Log one line per request to stderr: `aws: ec2 CreateSubnet (123 ms)`.
    pub verbose: bool,
}

/// One AWS account and region, reached over the SDK.
pub struct AwsCloud {
    runtime: tokio::runtime::Runtime,
    ec2: aws_sdk_ec2::Client,
    elb: aws_sdk_elasticloadbalancingv2::Client,
    acm: aws_sdk_acm::Client,
    route53: aws_sdk_route53::Client,
    sts: aws_sdk_sts::Client,
    autoscaling: aws_sdk_autoscaling::Client,
    s3: aws_sdk_s3::Client,
    region: String,
    calls: Calls,
    cache: Mutex<Cache>,
    /// Called before every write (see [`AwsCloud::gate_writes`]).
    gate: Mutex<Option<WriteGate>>,
}

/// What runs before each write of the backend: the live prompt takes the
/// stack's lock there, at the first write of a line.
pub type WriteGate = Box<dyn Fn(&AwsCloud) -> CloudResult<()> + Send>;

impl std::fmt::Debug for AwsCloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsCloud")
            .field("region", &self.region)
            .field("api_calls", &self.api_calls())
            .finish_non_exhaustive()
    }
}

impl AwsCloud {
    /// Resolves configuration and credentials through the standard chain.
    ///
    /// Fails with `NoCredentials` (saying how to configure them) when no
    /// credentials can be resolved, and `NoRegion` when no region is set.
    /// The credentials are resolved once here and never shown.
    pub fn connect(opts: &AwsOptions) -> CloudResult<AwsCloud> {
        connect::connect(opts, None)
    }

    /// Like [`AwsCloud::connect`] with fixed keys instead of the credential
    /// chain: for tests against a local AWS-compatible server and for
    /// embedding awsrun in a program that holds its own credentials.
    pub fn connect_with_keys(
        opts: &AwsOptions,
        access_key_id: &str,
        secret_access_key: &str,
    ) -> CloudResult<AwsCloud> {
        connect::connect(opts, Some((access_key_id, secret_access_key)))
    }

    /// How many requests this backend has sent so far (pages and retried
    /// operations count once per `send`).
    pub fn api_calls(&self) -> usize {
        self.calls.count()
    }

    /// Runs `gate` before every write from now on (a create, a change, a
    /// delete); an error from it stops the write.
    pub fn gate_writes(&self, gate: WriteGate) {
        *self.gate.lock().unwrap_or_else(|p| p.into_inner()) = Some(gate);
    }

    /// Passes the write gate, if one is set.
    fn before_write(&self) -> CloudResult<()> {
        let gate = self.gate.lock().unwrap_or_else(|p| p.into_inner());
        match gate.as_ref() {
            Some(gate) => gate(self),
            None => Ok(()),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        // A panic while the lock was held leaves a cache that is at worst
        // incomplete, never wrong; keep using it.
        self.cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Poll delays for slow resources: 0.25 s doubling up to 8 s.
fn backoff(attempt: u32) -> Duration {
    Duration::from_millis(250u64.saturating_mul(1 << attempt.min(5)))
}

impl Cloud for AwsCloud {
    fn mode(&self) -> Mode {
        Mode::Live
    }

    fn region(&self) -> String {
        self.region.clone()
    }

    fn poll_interval(&self, attempt: u32) -> Duration {
        backoff(attempt)
    }

    fn whoami(&self) -> CloudResult<Identity> {
        self.identity()
    }

    fn azs(&self) -> CloudResult<Vec<String>> {
        self.availability_zones()
    }

    fn default_vpc(&self) -> CloudResult<Resource> {
        self.find_default_vpc()
    }

    fn vpc_subnets(&self, vpc: &str) -> CloudResult<Vec<Resource>> {
        self.subnets_of(vpc)
    }

    fn latest_ami(&self, family: &str) -> CloudResult<String> {
        self.newest_image(family)
    }

    fn find(&self, kind: Kind, tags: &Tags) -> CloudResult<Option<Resource>> {
        self.find_tagged(kind, tags)
    }

    fn untagged(&self, kind: Kind) -> CloudResult<Vec<Resource>> {
        self.untagged_of(kind)
    }

    fn adopt(&self, resource: &Resource, tags: &Tags) -> CloudResult<Resource> {
        self.before_write()?;
        self.adopt_one(resource, tags)
    }

    fn create(&self, spec: &Spec, tags: &Tags) -> CloudResult<Resource> {
        self.before_write()?;
        match spec {
            Spec::Vpc(s) => self.new_vpc(&s.cidr, tags),
            Spec::InternetGateway(s) => self.new_internet_gateway(&s.vpc, tags),
            Spec::Subnet(s) => self.new_subnet(s, tags),
            Spec::ElasticIp(_) => self.new_address(tags),
            Spec::NatGateway(s) => self.new_nat_gateway(&s.subnet, &s.eip, tags),
            Spec::RouteTable(s) => self.new_route_table(&s.vpc, tags),
            Spec::SecurityGroup(s) => self.new_security_group(s, tags),
            Spec::Instance(s) => self.new_instance(s, tags),
            Spec::TargetGroup(s) => self.new_target_group(s, tags),
            Spec::LoadBalancer(s) => self.new_load_balancer(s, tags),
            Spec::Listener(s) => self.new_listener(s, tags),
            Spec::Certificate(s) => self.new_certificate(s, tags),
            Spec::DnsRecord(s) => self.new_record(s, tags),
            Spec::LaunchTemplate(s) => self.new_launch_template(s, tags),
            Spec::AutoScalingGroup(s) => self.new_group(s, tags),
            Spec::ScalingPolicy(s) => self.new_scaling_policy(s, tags),
        }
    }

    fn create_route(&self, route_table: &str, route: &Route) -> CloudResult<()> {
        self.before_write()?;
        self.add_route(route_table, route)
    }

    fn associate_route_table(&self, route_table: &str, subnet: &str) -> CloudResult<()> {
        self.before_write()?;
        self.add_association(route_table, subnet)
    }

    fn authorize_ingress(&self, group: &str, rules: &[IngressRule]) -> CloudResult<()> {
        self.before_write()?;
        self.add_ingress(group, rules)
    }

    fn terminate_instances(&self, ids: &[String]) -> CloudResult<()> {
        self.before_write()?;
        self.terminate(ids)
    }

    fn register_targets(&self, target_group: &str, ids: &[String]) -> CloudResult<()> {
        self.before_write()?;
        self.register(target_group, ids)
    }

    fn deregister_targets(&self, target_group: &str, ids: &[String]) -> CloudResult<()> {
        self.before_write()?;
        self.deregister(target_group, ids)
    }

    fn target_health(&self, target_group: &str) -> CloudResult<Vec<TargetHealth>> {
        self.target_health_now(target_group)
    }

    fn hosted_zone(&self, domain: &str) -> CloudResult<Option<Resource>> {
        self.zone_for(domain)
    }

    fn record_at(
        &self,
        zone: &str,
        name: &str,
        record_type: &str,
    ) -> CloudResult<Option<Resource>> {
        self.record_set_at(zone, name, record_type)
    }

    fn modify_listener(&self, listener: &str, spec: &ListenerSpec) -> CloudResult<Resource> {
        self.before_write()?;
        self.change_listener(listener, spec)
    }

    fn modify_target_group(&self, arn: &str, spec: &TargetGroupSpec) -> CloudResult<Resource> {
        self.before_write()?;
        self.change_target_group(arn, spec)
    }

    fn new_template_version(
        &self,
        template: &str,
        spec: &LaunchTemplateSpec,
    ) -> CloudResult<Resource> {
        self.before_write()?;
        self.new_launch_template_version(template, spec)
    }

    fn update_group(&self, group: &str, update: &GroupUpdate) -> CloudResult<Resource> {
        self.before_write()?;
        self.change_group(group, update)
    }

    fn attach_target_groups(&self, group: &str, target_groups: &[String]) -> CloudResult<()> {
        self.before_write()?;
        self.attach_group_target_groups(group, target_groups)
    }

    fn detach_instances(&self, group: &str, ids: &[String], decrement: bool) -> CloudResult<()> {
        self.before_write()?;
        self.detach_group_instances(group, ids, decrement)
    }

    fn suspend_processes(&self, group: &str, processes: &[&str], suspend: bool) -> CloudResult<()> {
        self.before_write()?;
        self.group_processes(group, processes, suspend)
    }

    fn refresh(&self, resource: &Resource) -> CloudResult<Resource> {
        self.refresh_one(resource)
    }

    fn stack_resources(&self, stack: &str) -> CloudResult<Vec<Resource>> {
        self.list_stack(stack)
    }

    fn stack_names(&self) -> CloudResult<Vec<String>> {
        self.all_stack_names()
    }

    fn delete(&self, resource: &Resource) -> CloudResult<()> {
        self.before_write()?;
        self.delete_one(resource)
    }
}

/// The error for a kind this backend does not create or delete.
fn unsupported(operation: &str, kind: Kind) -> CloudError {
    CloudError::new(
        operation,
        code::Backend::UnsupportedKind,
        format!("awsrun does not manage {kind} resources"),
    )
}
