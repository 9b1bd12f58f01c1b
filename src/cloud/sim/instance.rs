//! Instances: `RunInstances` and `TerminateInstances`.

use super::errors::{invalid_value, not_found};
use super::ids;
use super::quotas;
use super::rules::{instance_type_hint, known_instance_type};
use super::state::{INSTANCE_BLOCK, State};
use super::store::Life;
use crate::cloud::{CloudError, CloudResult, InstanceSpec, Kind, Resource, Tags};
use crate::diagnostic::code;

/// AWS's limit on user data (before base64 encoding).
const USER_DATA_LIMIT: usize = 16 * 1024;

impl State {
    pub(super) fn run_instance(
        &mut self,
        spec: &InstanceSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        const OP: &str = "RunInstances";
        let groups = self.check_instance(OP, spec)?;
        let slot = self.subnets.get_mut(&spec.subnet).expect("checked above");
        let az = slot.az.clone();
        let private_ip = slot.addresses.allocate().ok_or_else(|| {
            CloudError::new(
                OP,
                code::Aws::InsufficientFreeAddressesInSubnet,
                format!(
                    "There are not enough free addresses in subnet '{}' to satisfy the requested number of instances.",
                    spec.subnet
                ),
            )
            .with_hint(format!(
                "{} ({}) has {} usable addresses, all in use; use a larger subnet or spread the instances over more subnets",
                spec.subnet,
                slot.cidr,
                slot.addresses.usable()
            ))
        })?;
        for group in &groups {
            if let Some(slot) = self.groups.get_mut(group) {
                slot.users += 1;
            }
        }
        let public_ip = if spec.public_ip {
            self.next_public_ip(INSTANCE_BLOCK)
        } else {
            String::new()
        };
        let id = self.new_id(Kind::Instance);
        let resource = Resource::new(Kind::Instance, &tags.name, &id)
            .with("subnet", spec.subnet.as_str())
            .with("az", az)
            .with("image", spec.image.as_str())
            .with("instance_type", spec.instance_type.as_str())
            .with("security_groups", groups)
            .with("private_ip", private_ip.to_string())
            .with("public_ip", public_ip)
            .with("state", "pending");
        Ok(self.create(resource, tags))
    }

    /// Applies AWS's rules; returns the security groups the instance gets
    /// (the VPC's `default` group when none is given, as AWS does).
    fn check_instance(&self, op: &str, spec: &InstanceSpec) -> CloudResult<Vec<String>> {
        let subnet = self
            .subnets
            .get(&spec.subnet)
            .ok_or_else(|| not_found(op, Kind::Subnet, &spec.subnet))?;
        if !ids::well_formed(&spec.image, "ami") {
            return Err(CloudError::new(
                op,
                code::Aws::InvalidAmiIdMalformed,
                format!("Invalid id: \"{}\" (expecting \"ami-...\")", spec.image),
            )
            .with_hint("an image id is `ami-` and 8 or 17 hex digits; `latest_ami(\"al2023\")` gives a current one"));
        }
        if !known_instance_type(&spec.instance_type) {
            return Err(invalid_value(
                op,
                format!("Invalid value '{}' for InstanceType.", spec.instance_type),
                instance_type_hint(&spec.instance_type),
            ));
        }
        if let Some(letters) = super::offerings::offered_in(&self.region, &spec.instance_type) {
            let letter = subnet.az.strip_prefix(self.region.as_str()).unwrap_or("");
            if !letters.contains(letter) {
                let zones: Vec<String> = letters
                    .chars()
                    .map(|l| format!("{}{l}", self.region))
                    .collect();
                return Err(CloudError::new(
                    op,
                    code::Aws::Unsupported,
                    format!(
                        "Your requested instance type ({}) is not supported in your requested Availability Zone ({}). Please retry your request by not specifying an Availability Zone or choosing {}.",
                        spec.instance_type,
                        subnet.az,
                        zones.join(", ")
                    ),
                )
                .with_hint(format!(
                    "{} offers {} only in {}; use a subnet there, or a type every AZ offers, such as t3.micro",
                    self.region,
                    spec.instance_type,
                    zones.join(" and ")
                )));
            }
        }
        if spec.user_data.len() > USER_DATA_LIMIT {
            return Err(invalid_value(
                op,
                format!("User data is limited to {USER_DATA_LIMIT} bytes"),
                format!(
                    "this user data has {} bytes; fetch a script from user data instead of inlining it",
                    spec.user_data.len()
                ),
            ));
        }
        self.instance_groups(op, spec, &subnet.vpc)
    }

    /// The instance's groups: given ones must exist in the subnet's VPC;
    /// none means the VPC's `default` group, as in AWS.
    fn instance_groups(
        &self,
        op: &str,
        spec: &InstanceSpec,
        vpc: &str,
    ) -> CloudResult<Vec<String>> {
        let mut groups = spec.security_groups.clone();
        if groups.len() > self.quotas.groups_per_interface {
            return Err(quotas::exceeded(
                op,
                code::Aws::SecurityGroupsPerInterfaceLimitExceeded,
                "You've reached the limit on the number of security groups that you can associate with the specified network interface.",
                &format!(
                    "{} security groups per network interface",
                    self.quotas.groups_per_interface
                ),
            ));
        }
        if groups.is_empty() {
            let default = self
                .vpcs
                .get(vpc)
                .and_then(|slot| slot.group_names.get("default"));
            groups.extend(default.cloned());
        }
        for group in &groups {
            let slot = match self.groups.get(group) {
                Some(slot) if self.live(Kind::SecurityGroup, group).is_some() => slot,
                _ => {
                    return Err(CloudError::new(
                        op,
                        code::Aws::InvalidGroupNotFound,
                        format!("The security group '{group}' does not exist in VPC '{vpc}'"),
                    )
                    .with_hint("create the security group first, or check the id"));
                }
            };
            if slot.vpc != vpc {
                return Err(CloudError::new(
                    op,
                    code::Aws::InvalidParameter,
                    format!(
                        "Security group {group} and subnet {} belong to different networks.",
                        spec.subnet
                    ),
                )
                .with_hint(format!(
                    "{group} is in {} but {} is in {vpc}",
                    slot.vpc, spec.subnet
                )));
            }
        }
        Ok(groups)
    }

    pub(super) fn terminate_instances(&mut self, ids: &[String]) -> CloudResult<()> {
        const OP: &str = "TerminateInstances";
        for id in ids {
            if !ids::well_formed(id, "i") {
                return Err(CloudError::new(
                    OP,
                    code::Aws::InvalidInstanceIdMalformed,
                    format!("Invalid id: \"{id}\""),
                )
                .with_hint("an instance id is `i-` and 8 or 17 hex digits"));
            }
            if self.instance_state(id).is_empty() {
                return Err(not_found(OP, Kind::Instance, id));
            }
        }
        for id in ids {
            if matches!(
                self.instance_state(id),
                "pending" | "running" | "stopping" | "stopped"
            ) {
                self.set_state(id, "shutting-down");
                self.store.set_life(id, Life::Leaving);
            }
        }
        Ok(())
    }

    /// An instance reached `terminated`: its address and groups are free.
    pub(super) fn instance_gone(&mut self, id: &str) {
        self.store.set_life(id, Life::Gone);
        let Some(entry) = self.store.get(id) else {
            return;
        };
        let subnet = entry.resource.str("subnet").to_string();
        let groups = entry.resource.strs("security_groups");
        let private_ip = entry.resource.str("private_ip").parse().ok();
        if let (Some(slot), Some(addr)) = (self.subnets.get_mut(&subnet), private_ip) {
            slot.addresses.release(addr);
        }
        for group in groups {
            if let Some(slot) = self.groups.get_mut(&group) {
                slot.users = slot.users.saturating_sub(1);
            }
        }
    }
}
