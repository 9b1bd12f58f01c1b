//! VPCs: the default network of a new account, and each VPC's subnets
//! sorted by address for O(log n) overlap checks.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::errors::{invalid_value, not_found};
use super::quotas;
use super::state::State;
use super::store::Life;
use crate::cidr::Cidr;
use crate::cloud::{CloudError, CloudResult, IngressRule, Kind, Resource, Source, Tags};
use crate::diagnostic::code;

/// What the rules need to know about a VPC.
#[derive(Debug, Clone)]
pub(super) struct VpcSlot {
    pub(super) cidr: Cidr,
    /// Subnets by first address: (block, id). Subnets of a VPC never overlap,
    /// so the one starting last at or before a block's end is the only one
    /// that can overlap it.
    pub(super) subnets: BTreeMap<u32, (Cidr, String)>,
    /// Security-group names, unique per VPC.
    pub(super) group_names: HashMap<String, String>,
    pub(super) internet_gateway: Option<String>,
    pub(super) main_route_table: Option<String>,
    /// Route tables other than the main one (they block deleting the VPC).
    pub(super) route_tables: u32,
}

impl VpcSlot {
    pub(super) fn new(cidr: Cidr) -> Self {
        VpcSlot {
            cidr,
            subnets: BTreeMap::new(),
            group_names: HashMap::new(),
            internet_gateway: None,
            main_route_table: None,
            route_tables: 0,
        }
    }

    /// The subnet overlapping `cidr`, if any: (its block, its id).
    pub(super) fn conflict(&self, cidr: &Cidr) -> Option<&(Cidr, String)> {
        self.subnets
            .range(..=cidr.end_u32())
            .next_back()
            .map(|(_, held)| held)
            .filter(|(held, _)| held.end_u32() >= cidr.start_u32())
    }

    /// The blocks in use, in address order.
    pub(super) fn used_blocks(&self) -> Vec<Cidr> {
        self.subnets.values().map(|(cidr, _)| *cidr).collect()
    }
}

/// A route as stored in a route table's `routes` attribute.
pub(super) fn route_json(dest: &str, target: &str) -> Value {
    json!({ "dest": dest, "target": target })
}

impl State {
    /// `CreateVpc`: a VPC with its main route table (the local route only)
    /// and its default security group, as AWS makes them.
    pub(super) fn create_vpc(&mut self, cidr: &str, tags: &Tags) -> CloudResult<Resource> {
        const OP: &str = "CreateVpc";
        let block = crate::cidr::parse(cidr).map_err(|err| {
            invalid_value(
                OP,
                format!("Value ({cidr}) for parameter cidrBlock is invalid. This is not a valid CIDR block."),
                err.to_string(),
            )
        })?;
        if !(16..=28).contains(&block.prefix()) {
            return Err(CloudError::new(
                OP,
                code::Aws::InvalidVpcRange,
                format!("The CIDR '{cidr}' is invalid."),
            )
            .with_hint(format!(
                "a VPC's prefix must be between /16 and /28 (this one is /{})",
                block.prefix()
            )));
        }
        if self.vpcs.len() >= self.quotas.vpcs {
            return Err(CloudError::new(
                OP,
                code::Aws::VpcLimitExceeded,
                "The maximum number of VPCs has been reached.",
            )
            .with_hint(format!(
                "a region holds at most {} VPCs; delete unused ones or request a quota increase",
                self.quotas.vpcs
            )));
        }
        let vpc = self.new_id(Kind::Vpc);
        self.vpcs.insert(vpc.clone(), VpcSlot::new(block));
        let table = self.new_id(Kind::RouteTable);
        let resource = Resource::new(Kind::RouteTable, "main", &table)
            .with("vpc", vpc.as_str())
            .with("routes", vec![route_json(&block.to_string(), "local")])
            .with("subnets", Vec::<Value>::new());
        self.store.insert(resource, None, Life::Live);
        self.vpcs
            .get_mut(&vpc)
            .expect("just inserted")
            .main_route_table = Some(table);
        self.add_default_group(&vpc);
        let resource = Resource::new(Kind::Vpc, &tags.name, &vpc)
            .with("cidr", block.to_string())
            .with("is_default", false);
        Ok(self.create(resource, tags))
    }

    /// `CreateInternetGateway` then `AttachInternetGateway`: a gateway
    /// attached to `vpc`. Refused before anything is made when the VPC does
    /// not exist or already has a gateway (a VPC takes one at a time).
    pub(super) fn create_internet_gateway(
        &mut self,
        vpc: &str,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        const OP: &str = "AttachInternetGateway";
        let slot = match self.vpcs.get(vpc) {
            Some(slot) if self.live(Kind::Vpc, vpc).is_some() => slot,
            _ => return Err(not_found(OP, Kind::Vpc, vpc)),
        };
        let gateways = self
            .vpcs
            .values()
            .filter(|v| v.internet_gateway.is_some())
            .count();
        if gateways >= self.quotas.internet_gateways {
            return Err(quotas::exceeded(
                "CreateInternetGateway",
                code::Aws::InternetGatewayLimitExceeded,
                "You've reached the limit on the number of internet gateways that you can create.",
                &format!(
                    "{} internet gateways per region",
                    self.quotas.internet_gateways
                ),
            ));
        }
        if let Some(held) = &slot.internet_gateway {
            return Err(invalid_value(
                OP,
                format!("Network {vpc} already has an internet gateway attached"),
                format!(
                    "{held} is attached to {vpc} and a VPC takes one internet gateway at a time; route to that one"
                ),
            ));
        }
        let id = self.new_id(Kind::InternetGateway);
        let slot = self.vpcs.get_mut(vpc).expect("looked up above");
        slot.internet_gateway = Some(id.clone());
        let resource = Resource::new(Kind::InternetGateway, &tags.name, &id).with("vpc", vpc);
        Ok(self.create(resource, tags))
    }

    /// What holds a public address in `vpc`: NAT gateways, instances with a
    /// public IP, internet-facing load balancers (not yet gone).
    pub(super) fn mapped_public_addresses(&self, vpc: &str) -> Vec<String> {
        let in_vpc = |subnet: &str| self.subnets.get(subnet).is_some_and(|s| s.vpc == vpc);
        let mut holders: Vec<String> = self
            .store
            .existing()
            .filter(|r| match r.kind {
                Kind::NatGateway => in_vpc(r.str("subnet")),
                Kind::Instance => !r.str("public_ip").is_empty() && in_vpc(r.str("subnet")),
                _ => false,
            })
            .map(|r| r.id.clone())
            .collect();
        holders.extend(
            self.load_balancers
                .iter()
                .filter(|(_, lb)| lb.vpc == vpc && lb.scheme == "internet-facing")
                .map(|(id, _)| id.clone()),
        );
        holders.sort();
        holders
    }

    /// The `default` security group every VPC comes with.
    fn add_default_group(&mut self, vpc: &str) {
        let group = self.new_id(Kind::SecurityGroup);
        let resource = Resource::new(Kind::SecurityGroup, "default", &group)
            .with("vpc", vpc)
            .with("description", "default VPC security group")
            .with("group_name", "default")
            .with("ingress", Vec::<Value>::new())
            .with("egress", crate::cloud::default_egress());
        self.store.insert(resource, None, Life::Live);
        self.register_group(&group, vpc, "default");
        // Its members may talk to each other on every protocol.
        let members = IngressRule {
            protocol: "-1".into(),
            port: 0,
            from: Source::SecurityGroup(group.clone()),
        };
        self.add_rule(&group, members);
    }

    /// What a new AWS account has in every region: the default VPC
    /// `172.31.0.0/16`, its internet gateway, main route table, default
    /// security group and one default public /20 subnet per AZ.
    pub(super) fn add_default_network(&mut self) {
        let cidr = crate::cidr::parse("172.31.0.0/16").expect("a valid literal");
        let vpc = self.new_id(Kind::Vpc);
        let resource = Resource::new(Kind::Vpc, "default", &vpc)
            .with("cidr", cidr.to_string())
            .with("is_default", true);
        self.store.insert(resource, None, Life::Live);
        self.vpcs.insert(vpc.clone(), VpcSlot::new(cidr));

        let igw = self.new_id(Kind::InternetGateway);
        let resource =
            Resource::new(Kind::InternetGateway, "default", &igw).with("vpc", vpc.as_str());
        self.store.insert(resource, None, Life::Live);

        let table = self.new_id(Kind::RouteTable);
        let routes = vec![
            route_json(&cidr.to_string(), "local"),
            route_json("0.0.0.0/0", &igw),
        ];
        let resource = Resource::new(Kind::RouteTable, "main", &table)
            .with("vpc", vpc.as_str())
            .with("routes", routes)
            .with("subnets", Vec::<Value>::new());
        self.store.insert(resource, None, Life::Live);
        let slot = self.vpcs.get_mut(&vpc).expect("just inserted");
        slot.internet_gateway = Some(igw);
        slot.main_route_table = Some(table);

        self.add_default_group(&vpc);

        let azs = self.azs.clone();
        let blocks = cidr.subnets(20).expect("/16 splits into /20s");
        for (az, block) in azs.iter().zip(blocks) {
            let id = self.new_id(Kind::Subnet);
            let letter = az.strip_prefix(self.region.as_str()).unwrap_or(az);
            let resource = Resource::new(Kind::Subnet, format!("default-{letter}"), &id)
                .with("vpc", vpc.as_str())
                .with("cidr", block.to_string())
                .with("az", az.as_str())
                .with("public_ip", true)
                .with("default", true);
            self.store.insert(resource, None, Life::Live);
            self.register_subnet(&id, &vpc, block, az);
        }
    }

    /// The VPC marked `is_default`.
    pub(super) fn default_vpc(&self) -> CloudResult<Resource> {
        let found = self
            .vpcs
            .keys()
            .filter_map(|id| self.live(Kind::Vpc, id))
            .find(|vpc| {
                vpc.attr("is_default")
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
            });
        found.cloned().ok_or_else(|| {
            CloudError::new(
                "DescribeVpcs",
                code::Aws::InvalidVpcIdNotFound,
                format!("There is no default VPC in region {}", self.region),
            )
            .with_hint("create one with `aws ec2 create-default-vpc`, or pass a VPC explicitly")
        })
    }

    /// Every subnet of a VPC, in address order.
    pub(super) fn vpc_subnets(&self, vpc: &str) -> CloudResult<Vec<Resource>> {
        let slot = self
            .vpcs
            .get(vpc)
            .ok_or_else(|| not_found("DescribeSubnets", Kind::Vpc, vpc))?;
        Ok(slot
            .subnets
            .values()
            .filter_map(|(_, id)| self.live(Kind::Subnet, id).cloned())
            .collect())
    }
}
