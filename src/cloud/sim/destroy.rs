//! `delete`: AWS's dependency rules, so that `destroy --dry-run` fails where
//! a live destroy would (and a destroy order that works here works live).

use serde_json::Value;

use super::errors::{dependency, not_found};
use super::state::State;
use super::store::Life;
use crate::cloud::{CloudError, CloudResult, Kind, Resource, Source};
use crate::diagnostic::code;

impl State {
    pub(super) fn delete(&mut self, resource: &Resource) -> CloudResult<()> {
        let id = resource.id.as_str();
        let (kind, life) = match self.store.get(id) {
            Some(entry) => (entry.resource.kind, entry.life),
            // DeleteLoadBalancer: "If the load balancer does not exist or
            // has already been deleted, the call succeeds."
            None if resource.kind == Kind::LoadBalancer => return Ok(()),
            None => return Err(not_found(resource.kind.info().delete_op, resource.kind, id)),
        };
        match (kind, life) {
            // Deleting what is already on its way out is a no-op, as in AWS.
            (Kind::Instance | Kind::NatGateway, Life::Leaving | Life::Gone) => return Ok(()),
            (Kind::LoadBalancer, Life::Gone) => return Ok(()),
            (_, Life::Gone) => return Err(not_found(kind.info().delete_op, kind, id)),
            _ => {}
        }
        match kind {
            Kind::Vpc => self.delete_vpc(id),
            Kind::InternetGateway => self.delete_internet_gateway(id),
            Kind::Subnet => self.delete_subnet(id),
            Kind::ElasticIp => self.release_address(id),
            Kind::NatGateway => {
                self.set_state(id, "deleting");
                self.store.set_life(id, Life::Leaving);
                Ok(())
            }
            Kind::RouteTable => self.delete_route_table(id),
            Kind::SecurityGroup => self.delete_group(id),
            Kind::Instance => self.terminate_instances(&[id.to_string()]),
            Kind::TargetGroup => self.delete_target_group(id),
            Kind::LoadBalancer => self.delete_load_balancer(id),
            Kind::Listener => {
                self.delete_listener(id);
                Ok(())
            }
            Kind::Certificate => self.delete_certificate(id),
            Kind::DnsRecord => self.delete_record(id),
            Kind::LaunchTemplate => self.delete_launch_template(id),
            Kind::AutoScalingGroup => self.delete_scaling_group(id),
            Kind::ScalingPolicy => self.delete_policy(id),
            Kind::HostedZone => Err(CloudError::new(
                "DeleteHostedZone",
                code::Backend::UnsupportedKind,
                "awsrun never deletes a hosted zone",
            )),
        }
    }

    fn delete_vpc(&mut self, id: &str) -> CloudResult<()> {
        let Some(slot) = self.vpcs.get(id) else {
            self.store.set_life(id, Life::Gone);
            return Ok(());
        };
        let groups = slot
            .group_names
            .keys()
            .filter(|name| *name != "default")
            .count();
        let gateways = usize::from(slot.internet_gateway.is_some());
        if !slot.subnets.is_empty() || gateways > 0 || groups > 0 || slot.route_tables > 0 {
            return Err(dependency(
                "DeleteVpc",
                Kind::Vpc,
                id,
                format!(
                    "{id} still has {} subnet(s), {groups} security group(s), {} route table(s) and {gateways} internet gateway(s); delete them first",
                    slot.subnets.len(),
                    slot.route_tables,
                ),
            ));
        }
        let slot = self.vpcs.remove(id).expect("looked up above");
        for owned in slot
            .group_names
            .values()
            .chain(slot.main_route_table.iter())
        {
            self.groups.remove(owned);
            self.store.set_life(owned, Life::Gone);
        }
        self.store.set_life(id, Life::Gone);
        Ok(())
    }

    /// Detaches the gateway from its VPC, then deletes it. AWS refuses to
    /// detach while the VPC maps public addresses.
    fn delete_internet_gateway(&mut self, id: &str) -> CloudResult<()> {
        let vpc = self
            .store
            .get(id)
            .map(|e| e.resource.str("vpc").to_string())
            .unwrap_or_default();
        let attached = self
            .vpcs
            .get(&vpc)
            .is_some_and(|slot| slot.internet_gateway.as_deref() == Some(id));
        if attached {
            let mapped = self.mapped_public_addresses(&vpc);
            if !mapped.is_empty() {
                return Err(CloudError::new(
                    "DetachInternetGateway",
                    code::Aws::DependencyViolation,
                    format!("Network {vpc} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway."),
                )
                .with_hint(format!(
                    "{} still hold public addresses in {vpc}; delete them first (NAT gateways until `deleted`, instances until `terminated`)",
                    mapped.join(", ")
                )));
            }
            if let Some(slot) = self.vpcs.get_mut(&vpc) {
                slot.internet_gateway = None;
            }
        }
        self.store.set_life(id, Life::Gone);
        if let Some(resource) = self.store.resource_mut(id) {
            resource.set("vpc", "");
        }
        Ok(())
    }

    fn delete_subnet(&mut self, id: &str) -> CloudResult<()> {
        let Some(slot) = self.subnets.get(id) else {
            self.store.set_life(id, Life::Gone);
            return Ok(());
        };
        let (used, lbs) = (slot.addresses.in_use(), slot.load_balancers);
        if used > 0 || lbs > 0 {
            return Err(dependency(
                "DeleteSubnet",
                Kind::Subnet,
                id,
                format!(
                    "{id} still holds {used} network interface(s) of instances or NAT gateways and {lbs} load balancer(s); delete them first and wait until instances are terminated and NAT gateways deleted"
                ),
            ));
        }
        let slot = self.subnets.remove(id).expect("looked up above");
        if let Some(vpc) = self.vpcs.get_mut(&slot.vpc) {
            vpc.subnets.remove(&slot.cidr.start_u32());
        }
        if let Some(table) = self.associations.remove(id)
            && let Some(resource) = self.store.resource_mut(&table)
        {
            let subnets = super::state::array_attr(resource, "subnets");
            subnets.retain(|s| s.as_str() != Some(id));
        }
        self.store.set_life(id, Life::Gone);
        Ok(())
    }

    fn release_address(&mut self, id: &str) -> CloudResult<()> {
        let holder = self
            .store
            .get(id)
            .map(|e| e.resource.str("association").to_string())
            .unwrap_or_default();
        let in_use = !holder.is_empty()
            && self
                .store
                .life(&holder)
                .is_some_and(|life| life != Life::Gone);
        if in_use {
            return Err(CloudError::new(
                "ReleaseAddress",
                code::Aws::InvalidIpAddressInUse,
                format!("The address with allocation id [{id}] is in use."),
            )
            .with_hint(format!(
                "{holder} uses it; delete that NAT gateway and wait until it is deleted"
            )));
        }
        self.addresses_held = self.addresses_held.saturating_sub(1);
        self.store.set_life(id, Life::Gone);
        Ok(())
    }

    fn delete_route_table(&mut self, id: &str) -> CloudResult<()> {
        let vpc = self
            .store
            .get(id)
            .map(|e| e.resource.str("vpc").to_string())
            .unwrap_or_default();
        if self
            .vpcs
            .get(&vpc)
            .is_some_and(|slot| slot.main_route_table.as_deref() == Some(id))
        {
            return Err(dependency(
                "DeleteRouteTable",
                Kind::RouteTable,
                id,
                format!("{id} is the main route table of {vpc}; it goes with the VPC"),
            ));
        }
        if let Some(slot) = self.vpcs.get_mut(&vpc) {
            slot.route_tables = slot.route_tables.saturating_sub(1);
        }
        let subnets = self
            .store
            .get(id)
            .map(|e| e.resource.strs("subnets"))
            .unwrap_or_default();
        for subnet in subnets {
            if self
                .associations
                .get(&subnet)
                .is_some_and(|table| table == id)
            {
                self.associations.remove(&subnet);
            }
        }
        if let Some(resource) = self.store.resource_mut(id) {
            resource.set("subnets", Vec::<Value>::new());
        }
        self.store.set_life(id, Life::Gone);
        Ok(())
    }

    fn delete_group(&mut self, id: &str) -> CloudResult<()> {
        const OP: &str = "DeleteSecurityGroup";
        let Some(slot) = self.groups.get(id) else {
            self.store.set_life(id, Life::Gone);
            return Ok(());
        };
        if slot.name == "default" {
            return Err(CloudError::new(
                OP,
                code::Aws::CannotDelete,
                format!(
                    "the specified group: \"{id}\" name: \"default\" cannot be deleted by a user"
                ),
            )
            .with_hint("a VPC's default security group goes with the VPC"));
        }
        let referenced_by = self.rules_naming(id);
        if slot.users > 0 || referenced_by > 0 {
            return Err(dependency(
                OP,
                Kind::SecurityGroup,
                id,
                format!(
                    "{id} is used by {} instance(s) or load balancer(s) and named by {} rule(s) of other groups; delete those first (instances must reach `terminated`)",
                    slot.users, referenced_by
                ),
            ));
        }
        let slot = self.groups.remove(id).expect("looked up above");
        if let Some(vpc) = self.vpcs.get_mut(&slot.vpc)
            && vpc
                .group_names
                .get(&slot.name.to_ascii_lowercase())
                .is_some_and(|held| held == id)
        {
            vpc.group_names.remove(&slot.name.to_ascii_lowercase());
        }
        self.store.set_life(id, Life::Gone);
        Ok(())
    }

    /// Rules of other live groups naming `group` as their source (a scan:
    /// deletes are rare, and this way seeding order does not matter).
    fn rules_naming(&self, group: &str) -> usize {
        self.groups
            .iter()
            .filter(|(id, _)| id.as_str() != group)
            .flat_map(|(_, slot)| &slot.rules)
            .filter(|rule| matches!(&rule.from, Source::SecurityGroup(source) if source == group))
            .count()
    }

    fn delete_target_group(&mut self, id: &str) -> CloudResult<()> {
        if let Some(slot) = self.target_groups.get(id)
            && slot.listeners > 0
        {
            return Err(CloudError::new(
                "DeleteTargetGroup",
                code::Aws::ResourceInUse,
                format!("Target group '{id}' is currently in use by a listener or a rule"),
            )
            .with_hint("delete the listeners forwarding to it first"));
        }
        if let Some(slot) = self.target_groups.remove(id)
            && self
                .target_group_names
                .get(&slot.name)
                .is_some_and(|held| held == id)
        {
            self.target_group_names.remove(&slot.name);
        }
        self.store.set_life(id, Life::Gone);
        Ok(())
    }

    fn delete_load_balancer(&mut self, id: &str) -> CloudResult<()> {
        if let Some(slot) = self.load_balancers.remove(id) {
            for listener in slot.listeners.values() {
                self.delete_listener(listener);
            }
            for subnet in &slot.subnets {
                if let Some(subnet) = self.subnets.get_mut(subnet) {
                    subnet.load_balancers = subnet.load_balancers.saturating_sub(1);
                }
            }
            for (subnet, addr) in &slot.nodes {
                if let Some(subnet) = self.subnets.get_mut(subnet) {
                    subnet.addresses.release(*addr);
                }
            }
            for group in &slot.groups {
                if let Some(group) = self.groups.get_mut(group) {
                    group.users = group.users.saturating_sub(1);
                }
            }
            if self
                .load_balancer_names
                .get(&slot.name)
                .is_some_and(|held| held == id)
            {
                self.load_balancer_names.remove(&slot.name);
            }
        }
        self.store.set_life(id, Life::Gone);
        Ok(())
    }

    fn delete_listener(&mut self, id: &str) {
        if self.store.life(id) == Some(Life::Gone) {
            return;
        }
        let (lb, port, forward) = match self.store.get(id) {
            Some(entry) => (
                entry.resource.str("load_balancer").to_string(),
                entry
                    .resource
                    .attr("port")
                    .and_then(Value::as_u64)
                    .unwrap_or(0),
                entry.resource.str("forward").to_string(),
            ),
            None => return,
        };
        let certificate = self
            .store
            .get(id)
            .map(|e| e.resource.str("certificate").to_string())
            .unwrap_or_default();
        self.use_certificate(&certificate, id, &lb, false);
        if let Some(slot) = self.load_balancers.get_mut(&lb)
            && let Ok(port) = u16::try_from(port)
        {
            slot.listeners.remove(&port);
        }
        if let Some(group) = self.target_groups.get_mut(&forward) {
            group.listeners = group.listeners.saturating_sub(1);
            if group.listeners == 0 {
                group.load_balancer = None;
            }
        }
        self.store.set_life(id, Life::Gone);
    }
}
