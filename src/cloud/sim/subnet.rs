//! Subnets: `CreateSubnet` and its rules, and each subnet's addresses.

use super::addresses::Addresses;
use super::errors::{invalid_value, not_found};
use super::quotas;
use super::state::State;
use crate::cidr::Cidr;
use crate::cloud::{CloudError, CloudResult, Kind, Resource, SubnetSpec, Tags};
use crate::diagnostic::code;

const OP: &str = "CreateSubnet";

/// How many free blocks the `InvalidSubnet.Conflict` hint suggests.
const SUGGESTED_BLOCKS: usize = 4;

/// What the rules need to know about a subnet.
#[derive(Debug, Clone)]
pub(super) struct SubnetSlot {
    pub(super) vpc: String,
    pub(super) cidr: Cidr,
    pub(super) az: String,
    /// Private addresses (instances and NAT gateways use one each).
    pub(super) addresses: Addresses,
    /// Load balancers placed in the subnet.
    pub(super) load_balancers: u32,
}

impl State {
    /// Indexes a subnet (created, default or seeded) in its VPC.
    pub(super) fn register_subnet(&mut self, id: &str, vpc: &str, cidr: Cidr, az: &str) {
        if let Some(slot) = self.vpcs.get_mut(vpc) {
            slot.subnets
                .insert(cidr.start_u32(), (cidr, id.to_string()));
        }
        let slot = SubnetSlot {
            vpc: vpc.to_string(),
            cidr,
            az: az.to_string(),
            addresses: Addresses::new(cidr),
            load_balancers: 0,
        };
        self.subnets.insert(id.to_string(), slot);
    }

    pub(super) fn create_subnet(
        &mut self,
        spec: &SubnetSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        let cidr = self.check_subnet(spec)?;
        let id = self.new_id(Kind::Subnet);
        self.register_subnet(&id, &spec.vpc, cidr, &spec.az);
        let resource = Resource::new(Kind::Subnet, &tags.name, &id)
            .with("vpc", spec.vpc.as_str())
            .with("cidr", cidr.to_string())
            .with("az", spec.az.as_str())
            .with("public_ip", spec.public_ip)
            .with("default", false);
        Ok(self.create(resource, tags))
    }

    /// Applies AWS's rules in AWS's order; returns the parsed block.
    fn check_subnet(&self, spec: &SubnetSpec) -> CloudResult<Cidr> {
        let vpc = self
            .vpcs
            .get(&spec.vpc)
            .filter(|_| self.live(Kind::Vpc, &spec.vpc).is_some())
            .ok_or_else(|| not_found(OP, Kind::Vpc, &spec.vpc))?;
        let cidr = crate::cidr::parse(&spec.cidr).map_err(|err| {
            invalid_value(
                OP,
                format!(
                    "Value ({}) for parameter cidrBlock is invalid. This is not a valid CIDR block.",
                    spec.cidr
                ),
                err.to_string(),
            )
        })?;
        if !(16..=28).contains(&cidr.prefix()) || !vpc.cidr.contains(&cidr) {
            return Err(range_error(spec, cidr, vpc.cidr));
        }
        if vpc.subnets.len() >= self.quotas.subnets_per_vpc {
            return Err(quotas::exceeded(
                OP,
                code::Aws::SubnetLimitExceeded,
                "You've reached the limit on the number of subnets that you can create for the specified VPC.",
                &format!("{} subnets per VPC", self.quotas.subnets_per_vpc),
            ));
        }
        if !self.azs.contains(&spec.az) {
            return Err(invalid_value(
                OP,
                format!(
                    "Value ({}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {}.",
                    spec.az,
                    self.azs.join(", ")
                ),
                format!(
                    "use one of the AZs of {}: {}",
                    self.region,
                    self.azs.join(", ")
                ),
            ));
        }
        if let Some((held, other)) = vpc.conflict(&cidr) {
            return Err(CloudError::new(
                OP,
                code::Aws::InvalidSubnetConflict,
                format!("The CIDR '{cidr}' conflicts with another subnet ({other}, {held})"),
            )
            .with_hint(conflict_hint(
                &spec.vpc,
                vpc.cidr,
                &vpc.used_blocks(),
                cidr.prefix(),
            )));
        }
        Ok(cidr)
    }
}

/// `InvalidSubnet.Range`: a prefix outside /16../28 or a block outside the VPC.
fn range_error(spec: &SubnetSpec, cidr: Cidr, container: Cidr) -> CloudError {
    let hint = if (16..=28).contains(&cidr.prefix()) {
        format!(
            "a subnet must lie inside its VPC's CIDR block: {} is {container}",
            spec.vpc
        )
    } else {
        format!(
            "a subnet's prefix must be between /16 and /28 (this one is /{}), inside {container} of {}",
            cidr.prefix(),
            spec.vpc
        )
    };
    CloudError::new(
        OP,
        code::Aws::InvalidSubnetRange,
        format!("The CIDR '{}' is invalid.", spec.cidr),
    )
    .with_hint(hint)
}

/// The first free blocks of the same size, or what to do when none is left.
fn conflict_hint(vpc: &str, container: Cidr, used: &[Cidr], prefix: u8) -> String {
    let free = crate::cidr::free_blocks(container, used, prefix).unwrap_or_default();
    if free.is_empty() {
        return format!("no /{prefix} block is free in {vpc} ({container}); use a smaller block");
    }
    let shown: Vec<String> = free
        .iter()
        .take(SUGGESTED_BLOCKS)
        .map(ToString::to_string)
        .collect();
    let more = if free.len() > SUGGESTED_BLOCKS {
        format!(" ({} free in all)", free.len())
    } else {
        String::new()
    };
    format!(
        "free /{prefix} blocks in {vpc} ({container}): {}{more}",
        shown.join(", ")
    )
}
