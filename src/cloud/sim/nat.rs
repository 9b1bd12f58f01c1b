//! Elastic IPs and NAT gateways.

use super::errors::not_found;
use super::state::{EIP_BLOCK, State};
use crate::cloud::{CloudError, CloudResult, Kind, Resource, Tags};
use crate::diagnostic::code;

impl State {
    pub(super) fn allocate_address(&mut self, tags: &Tags) -> CloudResult<Resource> {
        if self.addresses_held >= self.quotas.elastic_ips {
            return Err(CloudError::new(
                "AllocateAddress",
                code::Aws::AddressLimitExceeded,
                "The maximum number of addresses has been reached.",
            )
            .with_hint(format!(
                "an account holds at most {} Elastic IPs per region; release unused ones, share one NAT gateway (`#{{nat: \"shared\"}}`), or request a quota increase",
                self.quotas.elastic_ips
            )));
        }
        let id = self.new_id(Kind::ElasticIp);
        let public_ip = self.next_public_ip(EIP_BLOCK);
        self.addresses_held += 1;
        let resource = Resource::new(Kind::ElasticIp, &tags.name, &id)
            .with("public_ip", public_ip)
            .with("association", "");
        Ok(self.create(resource, tags))
    }

    pub(super) fn create_nat_gateway(
        &mut self,
        subnet: &str,
        eip: &str,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        const OP: &str = "CreateNatGateway";
        if !self.subnets.contains_key(subnet) {
            return Err(not_found(OP, Kind::Subnet, subnet));
        }
        let address = self
            .live(Kind::ElasticIp, eip)
            .ok_or_else(|| not_found(OP, Kind::ElasticIp, eip))?;
        let holder = address.str("association");
        if !holder.is_empty() {
            return Err(CloudError::new(
                OP,
                code::Aws::ResourceAlreadyAssociated,
                format!("Elastic IP address [{eip}] is already associated"),
            )
            .with_hint(format!(
                "{eip} is used by {holder}; allocate another Elastic IP, or reuse that NAT gateway"
            )));
        }
        let public_ip = address.str("public_ip").to_string();
        let slot = self.subnets.get_mut(subnet).expect("checked above");
        let private_ip = slot.addresses.allocate().ok_or_else(|| {
            CloudError::new(
                OP,
                code::Aws::InsufficientFreeAddressesInSubnet,
                format!("There are not enough free addresses in subnet '{subnet}' to satisfy the requested number of NAT gateways."),
            )
            .with_hint("a NAT gateway needs one free private address in its subnet")
        })?;
        let vpc = slot.vpc.clone();
        let id = self.new_id(Kind::NatGateway);
        if let Some(address) = self.store.resource_mut(eip) {
            address.set("association", id.as_str());
        }
        let mut resource = Resource::new(Kind::NatGateway, &tags.name, &id)
            .with("subnet", subnet)
            .with("eip", eip)
            .with("public_ip", public_ip)
            .with("private_ip", private_ip.to_string())
            .with("state", "pending");
        // AWS accepts the request, then the gateway fails: it needs the
        // VPC's internet gateway to reach the internet.
        if self
            .vpcs
            .get(&vpc)
            .is_some_and(|v| v.internet_gateway.is_none())
        {
            resource.set("failure_code", "Gateway.NotAttached");
            resource.set(
                "failure_message",
                format!("Network {vpc} has no Internet gateway attached"),
            );
        }
        Ok(self.create(resource, tags))
    }

    /// A NAT gateway reached `deleted`: its address and Elastic IP are free.
    pub(super) fn nat_gone(&mut self, id: &str) {
        let Some(entry) = self.store.get(id) else {
            return;
        };
        let subnet = entry.resource.str("subnet").to_string();
        let eip = entry.resource.str("eip").to_string();
        let private_ip = entry.resource.str("private_ip").parse().ok();
        if let (Some(slot), Some(addr)) = (self.subnets.get_mut(&subnet), private_ip) {
            slot.addresses.release(addr);
        }
        if let Some(address) = self.store.resource_mut(&eip)
            && address.str("association") == id
        {
            address.set("association", "");
        }
    }
}
