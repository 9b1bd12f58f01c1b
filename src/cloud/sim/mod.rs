//! The simulated account: the `--dry-run` backend.
//!
//! An in-memory model of one AWS account and region that behaves as AWS
//! does for everything awsrun creates: the same rules, the same error codes
//! (with a hint saying what to do), ids of the real shapes that are the same
//! on every run, and slow resources that move through their real states one
//! step per [`Cloud::refresh`] (NAT `pending` -> `available`, instances
//! `pending` -> `running`, load balancers `provisioning` -> `active`,
//! targets `initial` -> `healthy`).
//!
//! [`SimAccount::set_latency`] switches to the latency model of
//! `--sim-latency realistic` (`latency.rs`): states then move by (scaled)
//! time, and [`SimAccount::estimate`] tells how long a live run would take.
//!
//! [`SimAccount::new`] is a brand-new account (default VPC and subnets);
//! [`SimAccount::empty`] plus [`SimAccount::seed`] mirrors an existing one.
//!
//! Invariants: every lookup is O(1) or O(log n) (resources by id and by
//! kind + stack + `Name`, each VPC's subnets sorted by address, a counter
//! per subnet for addresses), so scripts creating thousands of resources
//! stay fast; nothing is ever removed from the store, so `refresh` still
//! reports terminated instances and deleted NAT gateways.
//!
//! | file | holds |
//! | --- | --- |
//! | `state.rs` | [`State`]: the store plus the side indexes |
//! | `store.rs` | resources by id, tags and stack |
//! | `vpc.rs`, `subnet.rs`, `addresses.rs` | networks and their rules |
//! | `nat.rs`, `route_table.rs`, `security_group.rs`, `instance.rs` | EC2 operations |
//! | `target_group.rs`, `target_group_settings.rs`, `load_balancer.rs`, `listener.rs` | ELBv2 operations |
//! | `certificate.rs`, `dns.rs` | ACM certificates; Route 53 zones and records |
//! | `launch_template.rs` | launch templates and their versions |
//! | `auto_scaling.rs`, `scaling_changes.rs`, `scaling_activity.rs` | Auto Scaling groups: creating and updating; detaching, suspending, deleting; what a group does by itself |
//! | `scaling_policy.rs` | target-tracking scaling policies |
//! | `lifecycle.rs`, `destroy.rs`, `seed.rs` | refresh, delete, seeding |
//! | `adopt.rs` | the untagged resources `--adopt` may tag into a stack |
//! | `latency.rs` | the latency model: AWS's times, the clocks, the estimate |
//! | `ids.rs`, `rules.rs`, `errors.rs` | ids, request-only rules, shared errors |

mod addresses;
mod adopt;
mod auto_scaling;
mod certificate;
mod destroy;
mod dns;
mod errors;
mod facts;
mod ids;
mod instance;
pub mod latency;
mod launch_template;
mod lifecycle;
mod listener;
mod load_balancer;
mod nat;
mod offerings;
pub mod quotas;
mod route_table;
mod rules;
mod scaling_activity;
mod scaling_changes;
mod scaling_policy;
mod security_group;
mod seed;
mod state;
mod store;
mod subnet;
mod target_group;
mod target_group_settings;
mod target_timing;
mod vpc;

#[cfg(test)]
mod tests;

use crate::cloud::Spec;
use crate::diagnostic::code;
use std::cell::RefCell;
use std::time::Duration;

use state::State;

pub use certificate::valid_domain;
pub use dns::load_balancer_zone;
pub use facts::AccountFacts;
pub use latency::{Estimate, Latency, PathStep};

use super::{
    Cloud, CloudError, CloudResult, GroupUpdate, Identity, IngressRule, Kind, LaunchTemplateSpec,
    ListenerSpec, Mode, Resource, Route, Tags, TargetGroupSpec, TargetHealth, VpcSpec,
};

/// One simulated AWS account and region.
#[derive(Debug)]
pub struct SimAccount {
    state: RefCell<State>,
}

impl SimAccount {
    /// A brand-new account: account `123456789012`, the default VPC
    /// `172.31.0.0/16` with its internet gateway, main route table, default
    /// security group and one default public /20 subnet per AZ.
    pub fn new(region: &str) -> Self {
        let account = SimAccount::empty(region, default_azs(region));
        let mut state = account.state.borrow_mut();
        state.add_default_network();
        state.assume_zones = true;
        drop(state);
        account
    }

    /// An account with nothing in it, for mirroring an existing one with
    /// [`SimAccount::seed`]. `azs` are full AZ names (`ap-northeast-2a`).
    pub fn empty(region: &str, azs: Vec<String>) -> Self {
        SimAccount {
            state: RefCell::new(State::new(region, azs)),
        }
    }

    /// Inserts a resource that already exists, as-is (tags `None` for
    /// resources awsrun did not create). Seed parents first, in [`Kind`]
    /// order (VPCs, internet gateways, subnets, ..., listeners); a route
    /// table may carry `main: true`. Seeded ids never collide with the
    /// ids the account generates in practice (64-bit hashes).
    pub fn seed(&self, resource: Resource, tags: Option<Tags>) {
        self.state.borrow_mut().seed(resource, tags);
    }

    /// Adds a public hosted zone for `domain` (an account's own, as a
    /// mirror finds it, or one a test sets up); returns its id. Once an
    /// account has a zone it assumes none.
    pub fn add_hosted_zone(&self, domain: &str, id: Option<&str>) -> String {
        let mut state = self.state.borrow_mut();
        state.assume_zones = false;
        state.add_zone(domain, id, false)
    }

    /// Seeds a real hosted zone with every record set it holds (each with
    /// `owner`, the stack its ownership record names, or "").
    pub fn seed_zone(&self, zone: &Resource, records: &[Resource]) {
        let mut state = self.state.borrow_mut();
        state.assume_zones = false;
        state.seed_zone(zone, records);
    }

    /// Fault injection: the app on instance `id` stops answering health
    /// checks (it crashed), so every target group it is registered with
    /// reports it `unhealthy` (`Target.FailedHealthChecks`), as AWS would.
    pub fn fail_app(&self, id: &str) {
        self.state.borrow_mut().failing_apps.insert(id.to_string());
    }

    /// Who `whoami()` says the caller is (the real identity, when mirroring).
    pub fn set_identity(&self, identity: Identity) {
        self.state.borrow_mut().identity = identity;
    }

    /// `CreateVpc`: a VPC with its main route table and default security
    /// group (no internet gateway), under AWS's rules (/16 to /28,
    /// `InvalidVpc.Range`; at most 5 per region, `VpcLimitExceeded`).
    pub fn create_vpc(&self, spec: &VpcSpec, tags: &Tags) -> CloudResult<Resource> {
        self.state.borrow_mut().create_vpc(&spec.cidr, tags)
    }

    /// Switches the latency model (`--sim-latency`): under
    /// [`Latency::Realistic`] slow resources take AWS's typical times,
    /// scaled, from the moment they enter a state (resources already here
    /// count as settled). [`Latency::None`] goes back to one step per refresh.
    /// Raises (or lowers) the quotas the account enforces: a plan for an
    /// account whose quotas were raised (`--sim-quota`).
    pub fn set_quotas(&self, quotas: quotas::Quotas) {
        self.state.borrow_mut().quotas = quotas;
    }

    pub fn set_latency(&self, latency: Latency) {
        self.state.borrow_mut().clock = match latency {
            Latency::None => None,
            Latency::Realistic { scale } => Some(latency::Clock::new(scale)),
        };
    }

    /// Under the latency model, the estimated wall time of a live run of
    /// what ran so far, with its critical path; `None` without the model.
    pub fn estimate(&self) -> Option<Estimate> {
        self.state
            .borrow()
            .clock
            .as_ref()
            .map(latency::Clock::estimate)
    }

    /// Puts the real account behind this mirror of it: images, instance
    /// types and `latest_ami` are asked of it (see [`AccountFacts`]).
    pub fn set_facts(&self, facts: std::rc::Rc<dyn AccountFacts>) {
        self.state.borrow_mut().facts = Some(facts::Facts(facts));
    }

    /// What `latest_ami(family)` answers without a real account behind.
    pub fn set_image(&self, family: &str, image: &str) {
        self.state
            .borrow_mut()
            .images
            .insert(family.to_string(), image.to_string());
    }
}

/// The AZs of a region in a new account: a..d in Seoul, a..f in N. Virginia,
/// a..c elsewhere.
pub fn default_azs(region: &str) -> Vec<String> {
    let letters = match region {
        "ap-northeast-2" => "abcd",
        "us-east-1" => "abcdef",
        "us-west-2" => "abcd",
        // New accounts have no ap-northeast-1b.
        "ap-northeast-1" => "acd",
        _ => "abc",
    };
    letters
        .chars()
        .map(|letter| format!("{region}{letter}"))
        .collect()
}

impl Cloud for SimAccount {
    fn mode(&self) -> Mode {
        Mode::DryRun
    }

    fn region(&self) -> String {
        self.state.borrow().region.clone()
    }

    fn poll_interval(&self, _attempt: u32) -> Duration {
        self.state
            .borrow()
            .clock
            .as_ref()
            .map_or(Duration::ZERO, latency::Clock::poll_interval)
    }

    fn estimate(&self) -> Option<Estimate> {
        SimAccount::estimate(self)
    }

    fn whoami(&self) -> CloudResult<Identity> {
        Ok(self.state.borrow().identity.clone())
    }

    fn azs(&self) -> CloudResult<Vec<String>> {
        Ok(self.state.borrow().azs.clone())
    }

    fn default_vpc(&self) -> CloudResult<Resource> {
        self.state.borrow().default_vpc()
    }

    fn vpc_subnets(&self, vpc: &str) -> CloudResult<Vec<Resource>> {
        self.state.borrow().vpc_subnets(vpc)
    }

    fn latest_ami(&self, family: &str) -> CloudResult<String> {
        let state = self.state.borrow();
        if let Some(facts) = &state.facts {
            return facts.0.latest_image(family);
        }
        state.images.get(family).cloned().ok_or_else(|| {
            let known: Vec<&str> = state.images.keys().map(String::as_str).collect();
            CloudError::new(
                "latest_ami",
                code::Aws::ParameterNotFound,
                format!("No latest image is published for family '{family}'"),
            )
            .with_hint(format!("known families: {}", known.join(", ")))
        })
    }

    fn find(&self, kind: Kind, tags: &Tags) -> CloudResult<Option<Resource>> {
        Ok(self.state.borrow().store.find(kind, tags).cloned())
    }

    fn untagged(&self, kind: Kind) -> CloudResult<Vec<Resource>> {
        Ok(self.state.borrow().untagged(kind))
    }

    fn adopt(&self, resource: &Resource, tags: &Tags) -> CloudResult<Resource> {
        self.state.borrow_mut().adopt(resource, tags)
    }

    fn create(&self, spec: &Spec, tags: &Tags) -> CloudResult<Resource> {
        let mut state = self.state.borrow_mut();
        match spec {
            Spec::Vpc(s) => state.create_vpc(&s.cidr, tags),
            Spec::InternetGateway(s) => state.create_internet_gateway(&s.vpc, tags),
            Spec::Subnet(s) => state.create_subnet(s, tags),
            Spec::ElasticIp(_) => state.allocate_address(tags),
            Spec::NatGateway(s) => state.create_nat_gateway(&s.subnet, &s.eip, tags),
            Spec::RouteTable(s) => state.create_route_table(&s.vpc, tags),
            Spec::SecurityGroup(s) => state.create_security_group(s, tags),
            Spec::Instance(s) => state.run_instance(s, tags),
            Spec::TargetGroup(s) => state.create_target_group(s, tags),
            Spec::LoadBalancer(s) => state.create_load_balancer(s, tags),
            Spec::Listener(s) => state.create_listener(s, tags),
            Spec::Certificate(s) => state.request_certificate(s, tags),
            Spec::DnsRecord(s) => state.create_record(s, tags),
            Spec::LaunchTemplate(s) => state.create_launch_template(s, tags),
            Spec::AutoScalingGroup(s) => state.create_group(s, tags),
            Spec::ScalingPolicy(s) => state.put_scaling_policy(s, tags),
        }
    }

    fn create_route(&self, route_table: &str, route: &Route) -> CloudResult<()> {
        self.state.borrow_mut().create_route(route_table, route)
    }

    fn associate_route_table(&self, route_table: &str, subnet: &str) -> CloudResult<()> {
        self.state
            .borrow_mut()
            .associate_route_table(route_table, subnet)
    }

    fn authorize_ingress(&self, group: &str, rules: &[IngressRule]) -> CloudResult<()> {
        self.state.borrow_mut().authorize_ingress(group, rules)
    }

    fn terminate_instances(&self, ids: &[String]) -> CloudResult<()> {
        self.state.borrow_mut().terminate_instances(ids)
    }

    fn register_targets(&self, target_group: &str, ids: &[String]) -> CloudResult<()> {
        self.state.borrow_mut().register_targets(target_group, ids)
    }

    fn deregister_targets(&self, target_group: &str, ids: &[String]) -> CloudResult<()> {
        self.state
            .borrow_mut()
            .deregister_targets(target_group, ids)
    }

    fn target_health(&self, target_group: &str) -> CloudResult<Vec<TargetHealth>> {
        self.state.borrow_mut().target_health(target_group)
    }

    fn hosted_zone(&self, domain: &str) -> CloudResult<Option<Resource>> {
        self.state.borrow_mut().hosted_zone(domain)
    }

    fn record_at(
        &self,
        zone: &str,
        name: &str,
        record_type: &str,
    ) -> CloudResult<Option<Resource>> {
        self.state.borrow().record_at(zone, name, record_type)
    }

    fn modify_listener(&self, listener: &str, spec: &ListenerSpec) -> CloudResult<Resource> {
        self.state.borrow_mut().modify_listener(listener, spec)
    }

    fn modify_target_group(&self, arn: &str, spec: &TargetGroupSpec) -> CloudResult<Resource> {
        self.state.borrow_mut().modify_target_group(arn, spec)
    }

    fn new_template_version(
        &self,
        template: &str,
        spec: &LaunchTemplateSpec,
    ) -> CloudResult<Resource> {
        self.state
            .borrow_mut()
            .create_template_version(template, spec)
    }

    fn update_group(&self, group: &str, update: &GroupUpdate) -> CloudResult<Resource> {
        self.state.borrow_mut().update_group(group, update)
    }

    fn attach_target_groups(&self, group: &str, target_groups: &[String]) -> CloudResult<()> {
        self.state
            .borrow_mut()
            .attach_target_groups(group, target_groups)
    }

    fn detach_instances(&self, group: &str, ids: &[String], decrement: bool) -> CloudResult<()> {
        self.state
            .borrow_mut()
            .detach_instances(group, ids, decrement)
    }

    fn suspend_processes(&self, group: &str, processes: &[&str], suspend: bool) -> CloudResult<()> {
        self.state
            .borrow_mut()
            .suspend_processes(group, processes, suspend)
    }

    fn refresh(&self, resource: &Resource) -> CloudResult<Resource> {
        self.state.borrow_mut().refresh(resource)
    }

    fn stack_resources(&self, stack: &str) -> CloudResult<Vec<Resource>> {
        Ok(self.state.borrow().store.stack(stack))
    }

    fn stack_names(&self) -> CloudResult<Vec<String>> {
        Ok(self.state.borrow().store.stack_names())
    }

    fn delete(&self, resource: &Resource) -> CloudResult<()> {
        self.state.borrow_mut().delete(resource)
    }
}
