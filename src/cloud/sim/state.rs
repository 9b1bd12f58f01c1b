//! The simulated account's state: the stored resources plus the side
//! indexes that keep every rule O(1) or O(log n).
//!
//! [`Store`] holds what `find` and `refresh` return; the slots hold what the
//! rules need quickly (a VPC's subnets sorted by address, a subnet's free
//! addresses, a security group's users). Each operation lives in the file of
//! the resource it creates, as an `impl State` block.

use super::quotas::Quotas;
use std::collections::{BTreeMap, HashMap};

use super::auto_scaling::ScalingSlot;
use super::certificate::{CertificateSlot, Tokens};
use super::dns::ZoneSlot;
use super::ids;
use super::latency::Clock;
use super::launch_template::TemplateSlot;
use super::load_balancer::LoadBalancerSlot;
use super::security_group::GroupSlot;
use super::store::{Life, Store};
use super::subnet::SubnetSlot;
use super::target_group::TargetGroupSlot;
use super::vpc::VpcSlot;
use crate::cloud::{Identity, Kind, Resource, Tags};

/// The account id of a simulated brand-new account.
pub(super) const ACCOUNT: &str = "123456789012";

/// Public addresses of Elastic IPs come from here (never contacted).
pub(super) const EIP_BLOCK: [u8; 2] = [3, 34];
/// Public addresses of instances launched with a public IP.
pub(super) const INSTANCE_BLOCK: [u8; 2] = [3, 35];

#[derive(Debug)]
pub(super) struct State {
    pub(super) region: String,
    pub(super) identity: Identity,
    /// Full AZ names, sorted.
    pub(super) azs: Vec<String>,
    pub(super) store: Store,
    pub(super) vpcs: HashMap<String, VpcSlot>,
    pub(super) subnets: HashMap<String, SubnetSlot>,
    pub(super) groups: HashMap<String, GroupSlot>,
    /// The explicit route-table association of each subnet.
    pub(super) associations: HashMap<String, String>,
    /// Elastic IPs allocated and not released.
    pub(super) addresses_held: usize,
    pub(super) target_groups: HashMap<String, TargetGroupSlot>,
    /// Target-group names are unique per account and region.
    pub(super) target_group_names: HashMap<String, String>,
    pub(super) load_balancers: HashMap<String, LoadBalancerSlot>,
    pub(super) load_balancer_names: HashMap<String, String>,
    /// `latest_ami` answers: family -> image id.
    pub(super) images: BTreeMap<String, String>,
    /// The clocks of `--sim-latency realistic`; `None`: one step per refresh.
    pub(super) clock: Option<Clock>,
    /// The quotas the account enforces (AWS's defaults unless raised).
    pub(super) quotas: Quotas,
    /// vCPUs of the Standard bucket held by instances not yet terminated.
    pub(super) vcpus_in_use: usize,
    /// The real account this one mirrors, asked what only it knows.
    pub(super) facts: Option<super::facts::Facts>,
    /// Hosted zones by id, and their ids by domain.
    pub(super) zones: BTreeMap<String, ZoneSlot>,
    pub(super) zone_names: BTreeMap<String, String>,
    /// A brand-new account assumes a zone for a domain a script names; a
    /// mirror has the real account's zones only.
    pub(super) assume_zones: bool,
    pub(super) certificates: HashMap<String, CertificateSlot>,
    pub(super) certificate_tokens: Tokens,
    /// Launch templates by id, and their ids by name.
    pub(super) templates: HashMap<String, TemplateSlot>,
    pub(super) template_names: HashMap<String, String>,
    /// Auto Scaling groups by name (their id).
    pub(super) scaling_groups: HashMap<String, ScalingSlot>,
    /// Instances whose app stopped answering health checks
    /// ([`super::SimAccount::fail_app`]).
    pub(super) failing_apps: std::collections::HashSet<String>,
    serial: u64,
    public_ips: u64,
}

impl State {
    pub(super) fn new(region: &str, mut azs: Vec<String>) -> Self {
        azs.sort();
        azs.dedup();
        let images = ["al2023", "amzn2"]
            .into_iter()
            .map(|family| {
                (
                    family.to_string(),
                    ids::ec2_id("ami", &format!("{region}/ami/{family}")),
                )
            })
            .collect();
        State {
            region: region.to_string(),
            identity: Identity {
                account: ACCOUNT.to_string(),
                arn: format!("arn:aws:iam::{ACCOUNT}:user/awsrun-dry-run"),
                user_id: "AIDASIMULATEDDRYRUN01".to_string(),
            },
            azs,
            store: Store::default(),
            vpcs: HashMap::new(),
            subnets: HashMap::new(),
            groups: HashMap::new(),
            associations: HashMap::new(),
            addresses_held: 0,
            target_groups: HashMap::new(),
            target_group_names: HashMap::new(),
            load_balancers: HashMap::new(),
            load_balancer_names: HashMap::new(),
            images,
            clock: None,
            quotas: Quotas::AWS,
            vcpus_in_use: 0,
            facts: None,
            zones: BTreeMap::new(),
            zone_names: BTreeMap::new(),
            assume_zones: false,
            certificates: HashMap::new(),
            certificate_tokens: Tokens::new(),
            templates: HashMap::new(),
            template_names: HashMap::new(),
            scaling_groups: HashMap::new(),
            failing_apps: std::collections::HashSet::new(),
            serial: 0,
            public_ips: 0,
        }
    }

    /// A fresh seed for the next identifier: region, kind and a counter.
    pub(super) fn next_seed(&mut self, kind: Kind) -> String {
        self.serial += 1;
        format!("{}/{}/{}", self.region, kind, self.serial)
    }

    /// A fresh EC2 id for `kind` (`subnet-0...`).
    pub(super) fn new_id(&mut self, kind: Kind) -> String {
        let seed = self.next_seed(kind);
        ids::ec2_id(ids::prefix(kind), &seed)
    }

    /// The `arn:aws:elasticloadbalancing:...:` prefix of this account's ELB ARNs.
    pub(super) fn elb_arn_prefix(&self) -> String {
        format!(
            "arn:aws:elasticloadbalancing:{}:{}:",
            self.region, self.identity.account
        )
    }

    /// A fresh public address from `block`.
    pub(super) fn next_public_ip(&mut self, block: [u8; 2]) -> String {
        self.public_ips += 1;
        ids::public_ip(block, self.public_ips).to_string()
    }

    /// Stores a resource awsrun creates (live, tagged) and returns it.
    pub(super) fn create(&mut self, resource: Resource, tags: &Tags) -> Resource {
        if let Some(clock) = self.clock.as_mut()
            && resource.attr("state").is_some()
        {
            clock.entered(&resource.id, resource.state());
        }
        self.store
            .insert(resource.clone(), Some(tags.clone()), Life::Live);
        resource
    }

    /// The live resource of `kind` with this id.
    pub(super) fn live(&self, kind: Kind, id: &str) -> Option<&Resource> {
        self.store.live(kind, id)
    }

    /// The state of an instance, or "" if it is unknown.
    pub(super) fn instance_state(&self, id: &str) -> &str {
        match self.store.get(id) {
            Some(entry) if entry.resource.kind == Kind::Instance => entry.resource.state(),
            _ => "",
        }
    }

    /// Sets the `state` attribute of a stored resource.
    pub(super) fn set_state(&mut self, id: &str, state: &str) {
        if let Some(resource) = self.store.resource_mut(id) {
            resource.set("state", state);
        }
        if let Some(clock) = self.clock.as_mut() {
            clock.entered(id, state);
        }
    }
}

/// The array attribute `key` of a resource, created empty if missing.
pub(super) fn array_attr<'a>(
    resource: &'a mut Resource,
    key: &str,
) -> &'a mut Vec<serde_json::Value> {
    let value = resource
        .attrs
        .entry(key)
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if !value.is_array() {
        *value = serde_json::Value::Array(Vec::new());
    }
    value.as_array_mut().expect("made an array above")
}
