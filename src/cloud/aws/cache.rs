//! The run's lookup cache. One `AwsCloud` serves one run: what it has
//! described once it does not describe again, and what it creates or
//! changes it writes here, so later lookups see the account as it is.
//!
//! Subnets are kept for the whole region (one `DescribeSubnets` serves both
//! `vpc_subnets` and the stack lookups); every other kind per stack.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::cloud::{Identity, Kind, Resource, TargetHealth};

/// A described resource and the value of its `awsrun:stack` tag.
#[derive(Debug, Clone)]
pub(super) struct Tagged {
    pub resource: Resource,
    pub stack: Option<String>,
}

impl Tagged {
    pub fn in_stack(&self, stack: &str) -> bool {
        self.stack.as_deref() == Some(stack)
    }
}

#[derive(Debug, Default)]
pub(super) struct Cache {
    /// Live stack resources by (stack, kind), once that kind was described.
    kinds: HashMap<(String, Kind), Vec<Resource>>,
    subnets: Option<Vec<Tagged>>,
    pub vpcs: Option<Vec<Resource>>,
    /// The `awsrun:stack` of each VPC that has one, read with `vpcs`.
    pub vpc_stacks: HashMap<String, String>,
    pub azs: Option<Vec<String>>,
    pub identity: Option<Identity>,
    pub images: HashMap<String, String>,
    /// The AZs offering each instance type asked about.
    pub offerings: HashMap<String, Vec<String>>,
    /// Whether the account sees each image asked about.
    pub visible_images: HashMap<String, bool>,
    /// The account's public hosted zones, once listed.
    pub zones: Option<Vec<Resource>>,
    /// Every record set of each zone listed so far, by zone id.
    pub records: HashMap<String, Vec<Resource>>,
    /// Target health read by a lookup, by target group, until first used.
    pub health: HashMap<String, Vec<TargetHealth>>,
    /// The ids (ARNs for ELB) of everything this run created and has not
    /// deleted: AWS may not know them yet (see `fresh.rs`).
    made: HashSet<String>,
    /// The region's untagged resources of a kind `--adopt` may take, once
    /// listed (adopted ones leave the list).
    pub untagged: HashMap<Kind, Vec<Resource>>,
    /// The ids this run tagged into a stack (`--adopt`).
    pub adopted: HashSet<String>,
}

impl Cache {
    /// The stack's live resources of a kind, if that kind was described.
    pub fn stack_kind(&self, stack: &str, kind: Kind) -> Option<Vec<Resource>> {
        if kind == Kind::Subnet {
            let all = self.subnets.as_ref()?;
            return Some(
                all.iter()
                    .filter(|t| t.in_stack(stack))
                    .map(|t| t.resource.clone())
                    .collect(),
            );
        }
        self.kinds.get(&(stack.to_string(), kind)).cloned()
    }

    pub fn set_stack_kind(&mut self, stack: &str, kind: Kind, resources: Vec<Resource>) {
        self.kinds.insert((stack.to_string(), kind), resources);
    }

    pub fn subnets(&self) -> Option<&[Tagged]> {
        self.subnets.as_deref()
    }

    pub fn set_subnets(&mut self, subnets: Vec<Tagged>) {
        self.subnets = Some(subnets);
    }

    /// Forgets every description of the account's resources (the lookups
    /// describe again); the account's facts (identity, AZs, images,
    /// offerings) and the ids this run created stay.
    pub fn forget_stacks(&mut self) {
        self.kinds.clear();
        self.subnets = None;
        self.vpcs = None;
        self.vpc_stacks.clear();
        self.zones = None;
        self.records.clear();
        self.health.clear();
    }

    /// Records a resource just created. A kind not described yet stays
    /// undescribed: its first lookup will see the new resource anyway.
    pub fn created(&mut self, stack: &str, resource: Resource) {
        self.made(&resource.id);
        if resource.kind == Kind::Subnet {
            if let Some(all) = &mut self.subnets {
                let stack = Some(stack.to_string());
                all.push(Tagged { resource, stack });
            }
        } else if let Some(list) = self.kinds.get_mut(&(stack.to_string(), resource.kind)) {
            list.push(resource);
        }
    }

    /// Records a resource this run tagged into `stack`: it leaves the
    /// untagged lists and joins the stack's, as if it had been created
    /// (the stack's kind must have been described first).
    pub fn adopted(&mut self, stack: &str, resource: Resource) {
        for list in self.untagged.values_mut() {
            list.retain(|r| r.id != resource.id);
        }
        self.adopted.insert(resource.id.clone());
        match resource.kind {
            Kind::Subnet => {
                for t in self.subnets.iter_mut().flatten() {
                    if t.resource.id == resource.id {
                        t.stack = Some(stack.to_string());
                        t.resource = resource.clone();
                    }
                }
            }
            Kind::Vpc => {
                self.vpc_stacks
                    .insert(resource.id.clone(), stack.to_string());
                for vpc in self.vpcs.iter_mut().flatten() {
                    if vpc.id == resource.id {
                        *vpc = resource.clone();
                    }
                }
            }
            kind => {
                if let Some(list) = self.kinds.get_mut(&(stack.to_string(), kind)) {
                    list.push(resource);
                }
            }
        }
    }

    /// Records an id this run created (`created` does it for its resource).
    pub fn made(&mut self, id: &str) {
        self.made.insert(id.to_string());
    }

    /// Whether this run created `id` (and has not deleted it).
    pub fn is_made(&self, id: &str) -> bool {
        self.made.contains(id)
    }

    /// The cached copy of a resource, wherever it is.
    pub fn get(&self, id: &str) -> Option<Resource> {
        let subnets = self.subnets.iter().flatten().map(|t| &t.resource);
        let others = self.kinds.values().flatten();
        subnets.chain(others).find(|r| r.id == id).cloned()
    }

    /// Applies a change to the cached copy of a resource, wherever it is.
    pub fn update(&mut self, id: &str, change: impl Fn(&mut Resource)) {
        let subnets = self.subnets.iter_mut().flatten().map(|t| &mut t.resource);
        let others = self.kinds.values_mut().flatten();
        for resource in subnets.chain(others).filter(|r| r.id == id) {
            change(resource);
        }
    }

    /// Replaces the cached copy of a resource with a fresh description.
    pub fn replace(&mut self, fresh: &Resource) {
        self.update(&fresh.id, |cached| *cached = fresh.clone());
    }

    /// Forgets a resource that is deleted or on its way out.
    pub fn remove(&mut self, id: &str) {
        self.health.remove(id);
        self.made.remove(id);
        if let Some(all) = &mut self.subnets {
            all.retain(|t| t.resource.id != id);
        }
        for list in self.kinds.values_mut() {
            list.retain(|r| r.id != id);
        }
    }

    /// Points each of the stack's Elastic IPs held by one of its NAT
    /// gateways at that gateway (AWS reports the gateway's network
    /// interface), as the simulated account does.
    pub fn link_addresses(&mut self, stack: &str) {
        let key = |kind| (stack.to_string(), kind);
        let Some(nats) = self.kinds.get(&key(Kind::NatGateway)) else {
            return;
        };
        let holders: HashMap<String, String> = nats
            .iter()
            .map(|nat| (nat.str("eip").to_string(), nat.id.clone()))
            .collect();
        if let Some(addresses) = self.kinds.get_mut(&key(Kind::ElasticIp)) {
            for address in addresses {
                if let Some(nat) = holders.get(&address.id) {
                    address.set("association", Value::from(nat.as_str()));
                }
            }
        }
    }
}

/// Whether a resource in this state no longer counts as existing.
pub(super) fn gone(kind: Kind, state: &str) -> bool {
    kind.is_gone(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subnet(id: &str) -> Resource {
        Resource::new(Kind::Subnet, "web", id).with("cidr", "10.0.0.0/24")
    }

    #[test]
    fn creates_reach_a_described_kind_and_skip_an_undescribed_one() {
        let mut cache = Cache::default();
        cache.created("s", Resource::new(Kind::ElasticIp, "a", "eipalloc-1"));
        assert_eq!(cache.stack_kind("s", Kind::ElasticIp), None);
        cache.set_stack_kind("s", Kind::ElasticIp, Vec::new());
        cache.created("s", Resource::new(Kind::ElasticIp, "a", "eipalloc-1"));
        assert_eq!(cache.stack_kind("s", Kind::ElasticIp).unwrap().len(), 1);
        assert_eq!(cache.stack_kind("other", Kind::ElasticIp), None);
    }

    #[test]
    fn subnets_are_region_wide_and_filtered_by_stack() {
        let mut cache = Cache::default();
        cache.set_subnets(vec![Tagged {
            resource: subnet("subnet-1"),
            stack: None,
        }]);
        cache.created("s", subnet("subnet-2"));
        let mine = cache.stack_kind("s", Kind::Subnet).unwrap();
        assert_eq!(
            mine.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["subnet-2"]
        );
        cache.remove("subnet-2");
        assert!(cache.stack_kind("s", Kind::Subnet).unwrap().is_empty());
        assert_eq!(cache.subnets().unwrap().len(), 1);
    }

    #[test]
    fn an_address_held_by_a_nat_gateway_names_the_gateway() {
        let mut cache = Cache::default();
        let eip = Resource::new(Kind::ElasticIp, "a", "eipalloc-1").with("association", "eni-9");
        cache.set_stack_kind("s", Kind::ElasticIp, vec![eip]);
        let nat = Resource::new(Kind::NatGateway, "n", "nat-1").with("eip", "eipalloc-1");
        cache.set_stack_kind("s", Kind::NatGateway, vec![nat]);
        cache.link_addresses("s");
        let eip = &cache.stack_kind("s", Kind::ElasticIp).unwrap()[0];
        assert_eq!(eip.str("association"), "nat-1");
    }
}
