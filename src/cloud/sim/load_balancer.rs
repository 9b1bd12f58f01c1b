//! Application load balancers: `CreateLoadBalancer` and `CreateListener`.

use std::collections::{BTreeMap, BTreeSet};

use super::errors::validation;
use super::ids;
use super::rules::{elb_name_hint, elb_name_problem};
use super::state::State;
use crate::cloud::{CloudError, CloudResult, Kind, LoadBalancerSpec, Resource, Tags};
use crate::diagnostic::code;

/// Free addresses an ALB needs in each of its subnets.
const LB_FREE_ADDRESSES: u32 = 8;

/// What the rules need to know about a load balancer.
#[derive(Debug, Clone, Default)]
pub(super) struct LoadBalancerSlot {
    pub(super) name: String,
    /// The 16 hex digits ending its ARN (listener ARNs repeat them).
    pub(super) hex: String,
    pub(super) vpc: String,
    pub(super) scheme: String,
    pub(super) subnets: Vec<String>,
    pub(super) groups: Vec<String>,
    /// Listener ARN by port.
    pub(super) listeners: BTreeMap<u16, String>,
    /// The private address of its node's network interface in each subnet
    /// (one per AZ, as a new ALB has), held until it is deleted. A mirrored
    /// load balancer's interfaces are not read, so it holds none here.
    pub(super) nodes: Vec<(String, std::net::Ipv4Addr)>,
}

impl State {
    pub(super) fn create_load_balancer(
        &mut self,
        spec: &LoadBalancerSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        const OP: &str = "CreateLoadBalancer";
        check_name_and_scheme(spec)?;
        let vpc = self.check_lb_subnets(OP, &spec.subnets)?;
        if spec.scheme == "internet-facing"
            && self
                .vpcs
                .get(&vpc)
                .is_some_and(|slot| slot.internet_gateway.is_none())
        {
            return Err(CloudError::new(
                OP,
                code::Aws::InvalidSubnet,
                format!("VPC {vpc} has no internet gateway"),
            )
            .with_hint(
                "an internet-facing load balancer needs its VPC's internet gateway: attach one first (internet_gateway(name, #{vpc})), or make it `scheme: \"internal\"`",
            ));
        }
        let groups = self.check_lb_groups(OP, &vpc, &spec.security_groups)?;
        if let Some(existing) = self.existing_load_balancer(spec, &groups)? {
            return Ok(existing);
        }
        let seed = self.next_seed(Kind::LoadBalancer);
        let hex = ids::elb_hex(&seed);
        let arn = format!(
            "{}loadbalancer/app/{}/{hex}",
            self.elb_arn_prefix(),
            spec.name
        );
        let internal = if spec.scheme == "internal" {
            "internal-"
        } else {
            ""
        };
        let dns_name = format!(
            "{internal}{}-{}.{}.elb.amazonaws.com",
            spec.name,
            ids::dns_digits(&seed),
            self.region
        );
        let slot = LoadBalancerSlot {
            name: spec.name.clone(),
            hex,
            vpc: vpc.clone(),
            scheme: spec.scheme.clone(),
            subnets: spec.subnets.clone(),
            groups: groups.clone(),
            listeners: BTreeMap::new(),
            nodes: Vec::new(),
        };
        self.place_load_balancer(&arn, slot);
        self.place_nodes(&arn);
        let resource = Resource::new(Kind::LoadBalancer, &tags.name, &arn)
            .with("arn", arn.as_str())
            .with("dns_name", dns_name)
            .with("zone_id", super::dns::load_balancer_zone(&self.region))
            .with("ip_address_type", "ipv4")
            .with("scheme", spec.scheme.as_str())
            .with("state", "provisioning")
            .with("vpc", vpc)
            .with("subnets", spec.subnets.clone())
            .with("security_groups", groups);
        Ok(self.create(resource, tags))
    }

    /// The load balancer of that name: returned again for identical
    /// settings (AWS's idempotency), `DuplicateLoadBalancerName` otherwise.
    fn existing_load_balancer(
        &self,
        spec: &LoadBalancerSpec,
        groups: &[String],
    ) -> CloudResult<Option<Resource>> {
        let Some(arn) = self.load_balancer_names.get(&spec.name) else {
            return Ok(None);
        };
        let slot = &self.load_balancers[arn];
        let same = slot.scheme == spec.scheme
            && set(&slot.subnets) == set(&spec.subnets)
            && set(&slot.groups) == set(groups);
        if same {
            return Ok(self.store.get(arn).map(|e| e.resource.clone()));
        }
        Err(CloudError::new(
            "CreateLoadBalancer",
            code::Aws::DuplicateLoadBalancerName,
            format!(
                "A load balancer with the same name '{}' exists, but with different settings",
                spec.name
            ),
        )
        .with_hint(format!(
            "{arn} already uses that name; load-balancer names are unique per account and region"
        )))
    }

    /// Indexes a load balancer (created or seeded): its name, its subnets'
    /// and security groups' users.
    pub(super) fn place_load_balancer(&mut self, arn: &str, slot: LoadBalancerSlot) {
        for subnet in &slot.subnets {
            if let Some(subnet) = self.subnets.get_mut(subnet) {
                subnet.load_balancers += 1;
            }
        }
        for group in &slot.groups {
            if let Some(group) = self.groups.get_mut(group) {
                group.users += 1;
            }
        }
        self.load_balancer_names
            .insert(slot.name.clone(), arn.to_string());
        self.load_balancers.insert(arn.to_string(), slot);
    }

    /// A new load balancer's nodes take one address of each of its subnets
    /// (checked above: each has 8 free at least).
    fn place_nodes(&mut self, arn: &str) {
        let subnets = self.load_balancers[arn].subnets.clone();
        let mut nodes = Vec::new();
        for subnet in subnets {
            if let Some(addr) = self
                .subnets
                .get_mut(&subnet)
                .and_then(|slot| slot.addresses.allocate())
            {
                nodes.push((subnet, addr));
            }
        }
        if let Some(slot) = self.load_balancers.get_mut(arn) {
            slot.nodes = nodes;
        }
    }

    /// Subnets exist, share a VPC, one per AZ, two AZs at least, room for
    /// the load balancer's nodes. Returns the VPC.
    fn check_lb_subnets(&self, op: &str, subnets: &[String]) -> CloudResult<String> {
        let config = |message: String, hint: String| {
            CloudError::new(op, code::Aws::InvalidConfigurationRequest, message).with_hint(hint)
        };
        let mut by_az: BTreeMap<&str, &str> = BTreeMap::new();
        let mut vpc: Option<&str> = None;
        for id in subnets {
            let slot = self.subnets.get(id).ok_or_else(|| {
                CloudError::new(
                    op,
                    code::Aws::SubnetNotFound,
                    format!("The subnet ID '{id}' is not valid"),
                )
                .with_hint("create the subnet first, or check the id")
            })?;
            if *vpc.get_or_insert(&slot.vpc) != slot.vpc {
                return Err(config(
                    "All subnets of a load balancer must belong to the same VPC".into(),
                    format!(
                        "{id} is in {}, the others in {}",
                        slot.vpc,
                        vpc.unwrap_or_default()
                    ),
                ));
            }
            if let Some(other) = by_az.insert(&slot.az, id) {
                return Err(config(
                    "A load balancer cannot be attached to multiple subnets in the same Availability Zone".into(),
                    format!("{other} and {id} are both in {}; give one subnet per AZ", slot.az),
                ));
            }
            if slot.addresses.free() < LB_FREE_ADDRESSES {
                return Err(CloudError::new(
                    op,
                    code::Aws::InvalidSubnet,
                    format!("Not enough IP space available in {id}. ELB requires at least {LB_FREE_ADDRESSES} free IP addresses in each subnet."),
                )
                .with_hint(format!("{id} has {} free addresses; place the load balancer in larger public subnets", slot.addresses.free())));
            }
        }
        if by_az.len() < 2 {
            return Err(config(
                "At least two subnets in two different Availability Zones must be specified".into(),
                format!(
                    "got {} subnet(s); an ALB needs public subnets in two AZs or more, e.g. `[public_subnet(\"a\"), public_subnet(\"c\")]`",
                    subnets.len()
                ),
            ));
        }
        Ok(vpc.unwrap_or_default().to_string())
    }

    /// The groups exist and are in `vpc`; none means the VPC's default group.
    fn check_lb_groups(&self, op: &str, vpc: &str, groups: &[String]) -> CloudResult<Vec<String>> {
        if groups.is_empty() {
            let default = self
                .vpcs
                .get(vpc)
                .and_then(|slot| slot.group_names.get("default"));
            return Ok(default.cloned().into_iter().collect());
        }
        for group in groups {
            let slot = match self.groups.get(group) {
                Some(slot) if self.live(Kind::SecurityGroup, group).is_some() => slot,
                _ => {
                    return Err(CloudError::new(
                        op,
                        code::Aws::InvalidSecurityGroup,
                        format!("Security group '{group}' does not exist"),
                    )
                    .with_hint("create the security group first, or check the id"));
                }
            };
            if slot.vpc != vpc {
                return Err(CloudError::new(
                    op,
                    code::Aws::InvalidSecurityGroup,
                    format!("Security group '{group}' does not belong to VPC '{vpc}'"),
                )
                .with_hint(format!(
                    "{group} is in {}; use a group of the load balancer's VPC",
                    slot.vpc
                )));
            }
        }
        Ok(groups.to_vec())
    }
}

fn set(items: &[String]) -> BTreeSet<&str> {
    items.iter().map(String::as_str).collect()
}

fn check_name_and_scheme(spec: &LoadBalancerSpec) -> CloudResult<()> {
    const OP: &str = "CreateLoadBalancer";
    if let Some(problem) = elb_name_problem("Load balancer", &spec.name) {
        return Err(validation(OP, problem, elb_name_hint(&spec.name)));
    }
    if spec.name.starts_with("internal-") {
        return Err(validation(
            OP,
            format!(
                "Load balancer name '{}' cannot begin with 'internal-'",
                spec.name
            ),
            "AWS reserves the `internal-` prefix for DNS names; choose another name",
        ));
    }
    if !matches!(spec.scheme.as_str(), "internet-facing" | "internal") {
        return Err(validation(
            OP,
            format!(
                "Value '{}' at 'scheme' failed to satisfy constraint: Member must satisfy enum value set: [internet-facing, internal]",
                spec.scheme
            ),
            "use `internet-facing` or `internal`",
        ));
    }
    Ok(())
}
