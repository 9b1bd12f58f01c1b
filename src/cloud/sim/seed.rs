//! Seeding: mirroring resources that already exist (a real account's, read
//! before a dry run) so that the rules see them.
//!
//! Seed parents first, in [`Kind`] order: VPCs, internet gateways, subnets,
//! Elastic IPs, NAT gateways, route tables, security groups, instances,
//! target groups, load balancers, listeners. Attributes follow the
//! conventions of `crate::cloud`; a route table may carry `main: true`; a
//! target group without `health_check` or `deregistration_delay` takes
//! AWS's defaults.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::load_balancer::LoadBalancerSlot;
use super::state::State;
use super::store::Life;
use super::target_group::TargetGroupSlot;
use super::vpc::VpcSlot;
use crate::cloud::{
    HealthCheck, IngressRule, Kind, Resource, Source, Tags, deregistration_delay_of,
};

impl State {
    pub(super) fn seed(&mut self, resource: Resource, tags: Option<Tags>) {
        let life = match (resource.kind, resource.state()) {
            (Kind::Instance, "terminated") | (Kind::NatGateway, "deleted" | "failed") => Life::Gone,
            (kind, state) if kind.is_gone(state) => Life::Leaving,
            _ => Life::Live,
        };
        if life != Life::Gone {
            if resource.kind.service() == crate::cloud::Service::AutoScaling
                || resource.kind == Kind::LaunchTemplate
            {
                self.seed_scaling(&resource, tags.clone());
            } else {
                self.index_seeded(&resource);
            }
        }
        self.store.insert(resource, tags, life);
    }

    fn index_seeded(&mut self, r: &Resource) {
        let id = r.id.as_str();
        match r.kind {
            Kind::Vpc => {
                if let Ok(cidr) = crate::cidr::parse(r.str("cidr")) {
                    self.vpcs
                        .entry(id.to_string())
                        .or_insert_with(|| VpcSlot::new(cidr));
                }
            }
            Kind::InternetGateway => {
                if let Some(vpc) = self.vpcs.get_mut(r.str("vpc")) {
                    vpc.internet_gateway = Some(id.to_string());
                }
            }
            Kind::Subnet => {
                if let Ok(cidr) = crate::cidr::parse(r.str("cidr")) {
                    self.register_subnet(id, r.str("vpc"), cidr, r.str("az"));
                }
            }
            Kind::ElasticIp => self.addresses_held += 1,
            Kind::NatGateway | Kind::Instance => self.seed_interface(r),
            Kind::RouteTable => {
                if let Some(vpc) = self.vpcs.get_mut(r.str("vpc")) {
                    if r.attr("main").and_then(Value::as_bool).unwrap_or(false) {
                        vpc.main_route_table = Some(id.to_string());
                    } else {
                        vpc.route_tables += 1;
                    }
                }
                for subnet in r.strs("subnets") {
                    self.associations
                        .entry(subnet)
                        .or_insert_with(|| id.to_string());
                }
            }
            Kind::SecurityGroup => {
                self.register_group(id, r.str("vpc"), r.str("group_name"));
                let rules = seeded_rules(r);
                if let Some(slot) = self.groups.get_mut(id) {
                    slot.rules = rules;
                }
            }
            Kind::TargetGroup => self.seed_target_group(r),
            Kind::LoadBalancer => self.seed_load_balancer(r),
            Kind::Listener => self.seed_listener(r),
            Kind::HostedZone => {
                self.assume_zones = false;
                self.add_zone(r.str("domain"), Some(id), false);
            }
            Kind::Certificate => self.seed_certificate(r),
            Kind::DnsRecord => self.seed_record(r),
            // Seeded with their tags by `seed`.
            Kind::LaunchTemplate | Kind::AutoScalingGroup | Kind::ScalingPolicy => {}
        }
    }

    /// An instance or NAT gateway holds an address of its subnet (and an
    /// instance its security groups).
    fn seed_interface(&mut self, r: &Resource) {
        if let (Some(slot), Ok(addr)) = (
            self.subnets.get_mut(r.str("subnet")),
            r.str("private_ip").parse(),
        ) {
            slot.addresses.reserve(addr);
        }
        if r.kind == Kind::Instance {
            self.vcpus_in_use += super::quotas::standard_vcpus(r.str("instance_type"));
            for group in r.strs("security_groups") {
                if let Some(slot) = self.groups.get_mut(&group) {
                    slot.users += 1;
                }
            }
        }
    }

    fn seed_target_group(&mut self, r: &Resource) {
        let name = arn_part(&r.id, 1).to_string();
        let port = r
            .attr("port")
            .and_then(Value::as_u64)
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(0);
        let mut slot = TargetGroupSlot::new(&name, r.str("vpc"), port, r.str("protocol"));
        // A mirrored group keeps its real settings, so a plan compares the
        // script's with them.
        if let Some(check) = HealthCheck::of(r) {
            slot.health_check = check;
        }
        if let Some(delay) = deregistration_delay_of(r) {
            slot.deregistration_delay = delay;
        }
        slot.targets = r.strs("targets");
        slot.registered = slot.targets.iter().cloned().collect();
        self.target_group_names.insert(name, r.id.clone());
        self.target_groups.insert(r.id.clone(), slot);
    }

    fn seed_load_balancer(&mut self, r: &Resource) {
        let slot = LoadBalancerSlot {
            name: arn_part(&r.id, 2).to_string(),
            hex: arn_part(&r.id, 3).to_string(),
            vpc: r.str("vpc").to_string(),
            scheme: r.str("scheme").to_string(),
            subnets: r.strs("subnets"),
            groups: r.strs("security_groups"),
            listeners: BTreeMap::new(),
            nodes: Vec::new(),
        };
        self.place_load_balancer(&r.id, slot);
    }

    fn seed_listener(&mut self, r: &Resource) {
        let lb = r.str("load_balancer");
        let port = r
            .attr("port")
            .and_then(Value::as_u64)
            .and_then(|p| u16::try_from(p).ok());
        if let (Some(slot), Some(port)) = (self.load_balancers.get_mut(lb), port) {
            slot.listeners.insert(port, r.id.clone());
        }
        if let Some(group) = self.target_groups.get_mut(r.str("forward")) {
            group.listeners += 1;
            group.load_balancer = Some(lb.to_string());
        }
        let certificate = r.str("certificate").to_string();
        self.use_certificate(&certificate, &r.id, lb, true);
    }
}

/// The `n`th `/`-separated part of an ELB ARN's resource
/// (`targetgroup/NAME/HEX`, `loadbalancer/app/NAME/HEX`).
fn arn_part(arn: &str, n: usize) -> &str {
    let resource = arn.rsplit(':').next().unwrap_or(arn);
    resource.split('/').nth(n).unwrap_or("")
}

/// The ingress rules of a seeded group, from its `ingress` attribute.
fn seeded_rules(r: &Resource) -> HashSet<IngressRule> {
    let Some(Value::Array(items)) = r.attr("ingress") else {
        return HashSet::new();
    };
    items
        .iter()
        .filter_map(|item| {
            let port = u16::try_from(item["port"].as_u64()?).ok()?;
            let from = item["from"].as_str()?;
            let from = if from.starts_with("sg-") {
                Source::SecurityGroup(from.to_string())
            } else {
                Source::Cidr(from.to_string())
            };
            let protocol = item["protocol"].as_str()?.to_ascii_lowercase();
            Some(IngressRule {
                protocol,
                port,
                from,
            })
        })
        .collect()
}
