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
    /// The AZs that offer `instance_type`: the real account's answer when
    /// this one mirrors it, else the dated table's; `None` when the table
    /// does not know the type (taken as offered everywhere).
    fn offering_azs(&self, instance_type: &str) -> CloudResult<Option<Vec<String>>> {
        if let Some(facts) = &self.facts {
            return facts.0.offered_azs(instance_type).map(Some);
        }
        Ok(
            super::offerings::offered_in(&self.region, instance_type).map(|letters| {
                letters
                    .chars()
                    .map(|l| format!("{}{l}", self.region))
                    .collect()
            }),
        )
    }

    pub(super) fn run_instance(
        &mut self,
        spec: &InstanceSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        const OP: &str = "RunInstances";
        let groups = self.check_instance(OP, spec)?;
        let vcpus = quotas::standard_vcpus(&spec.instance_type);
        // The applied quota of a real account is in Service Quotas, which a
        // plan against its mirror does not read: only AWS's default is known.
        if self.facts.is_none() && self.vcpus_in_use + vcpus > self.quotas.vcpus {
            return Err(CloudError::new(
                OP,
                code::Aws::VcpuLimitExceeded,
                format!(
                    "You have requested more vCPU capacity than your current vCPU limit of {} allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.",
                    self.quotas.vcpus
                ),
            )
            .with_hint(format!(
                "{} takes {vcpus} vCPU{}, and {} of the {} vCPUs of running On-Demand Standard instances are in use; use a smaller type or fewer instances, or raise the quota (Service Quotas, L-1216C47A) and plan with `--sim-quota vcpus=N`",
                spec.instance_type,
                if vcpus == 1 { "" } else { "s" },
                self.vcpus_in_use,
                self.quotas.vcpus
            )));
        }
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
        self.vcpus_in_use += vcpus;
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
        self.note_user_data(&id, &spec.user_data);
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
        self.check_image_and_type(op, &spec.image, &spec.instance_type)?;
        if let Some(zones) = self.offering_azs(&spec.instance_type)?
            && !zones.contains(&subnet.az)
        {
            return Err(unsupported_here(op, spec, &subnet.az, &zones, &self.region));
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

    /// The image exists (as far as the account can tell) and the instance
    /// type is one AWS knows: what `RunInstances` and a launch template's
    /// data both require.
    pub(super) fn check_image_and_type(
        &self,
        op: &str,
        image: &str,
        instance_type: &str,
    ) -> CloudResult<()> {
        if !ids::well_formed(image, "ami") {
            return Err(CloudError::new(
                op,
                code::Aws::InvalidAmiIdMalformed,
                format!("Invalid id: \"{}\" (expecting \"ami-...\")", image),
            )
            .with_hint("an image id is `ami-` and 8 or 17 hex digits; `latest_ami(\"al2023\")` gives a current one"));
        }
        if let Some(facts) = &self.facts
            && !facts.0.image_visible(image)?
        {
            return Err(CloudError::new(
                    op,
                    code::Aws::InvalidAmiIdNotFound,
                    format!("The image id '[{}]' does not exist", image),
                )
                .with_hint(format!(
                    "the account cannot see {} in {}: it may be of another region, deregistered, or private to another account; `latest_ami(\"al2023\")` gives a current one",
                    image, self.region
                )));
        }
        if !known_instance_type(instance_type) {
            return Err(invalid_value(
                op,
                format!("Invalid value '{}' for InstanceType.", instance_type),
                instance_type_hint(instance_type),
            ));
        }
        Ok(())
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
        let vcpus = quotas::standard_vcpus(entry.resource.str("instance_type"));
        self.vcpus_in_use = self.vcpus_in_use.saturating_sub(vcpus);
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

/// AWS's `Unsupported` for a type the subnet's AZ does not offer.
fn unsupported_here(
    op: &str,
    spec: &InstanceSpec,
    az: &str,
    zones: &[String],
    region: &str,
) -> CloudError {
    let asked = format!(
        "Your requested instance type ({}) is not supported in your requested Availability Zone ({az}).",
        spec.instance_type
    );
    if zones.is_empty() {
        return CloudError::new(op, code::Aws::Unsupported, asked).with_hint(format!(
            "{region} offers {} in none of its AZs; pick another type, such as t3.micro",
            spec.instance_type
        ));
    }
    CloudError::new(
        op,
        code::Aws::Unsupported,
        format!(
            "{asked} Please retry your request by not specifying an Availability Zone or choosing {}.",
            zones.join(", ")
        ),
    )
    .with_hint(format!(
        "{region} offers {} only in {}; use a subnet there, or a type every AZ offers, such as t3.micro",
        spec.instance_type,
        zones.join(" and ")
    ))
}
