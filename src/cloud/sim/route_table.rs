//! Route tables: `CreateRouteTable`, `CreateRoute`, `AssociateRouteTable`.

use serde_json::Value;

use super::errors::{invalid_value, not_found};
use super::quotas;
use super::state::{State, array_attr};
use super::vpc::route_json;
use crate::cloud::{CloudError, CloudResult, Kind, Resource, Route, RouteTarget, Tags};
use crate::diagnostic::code;

impl State {
    pub(super) fn create_route_table(&mut self, vpc: &str, tags: &Tags) -> CloudResult<Resource> {
        let (cidr, tables) = match self.vpcs.get(vpc) {
            Some(slot) if self.live(Kind::Vpc, vpc).is_some() => (slot.cidr, slot.route_tables),
            _ => return Err(not_found("CreateRouteTable", Kind::Vpc, vpc)),
        };
        // The main route table counts too.
        if tables as usize + 1 >= self.quotas.route_tables_per_vpc {
            return Err(quotas::exceeded(
                "CreateRouteTable",
                code::Aws::RouteTableLimitExceeded,
                "You've reached the limit on the number of route tables that you can create for the specified VPC.",
                &format!("{} route tables per VPC", self.quotas.route_tables_per_vpc),
            ));
        }
        let id = self.new_id(Kind::RouteTable);
        if let Some(slot) = self.vpcs.get_mut(vpc) {
            slot.route_tables += 1;
        }
        let resource = Resource::new(Kind::RouteTable, &tags.name, &id)
            .with("vpc", vpc)
            .with("routes", vec![route_json(&cidr.to_string(), "local")])
            .with("subnets", Vec::<Value>::new());
        Ok(self.create(resource, tags))
    }

    pub(super) fn create_route(&mut self, table: &str, route: &Route) -> CloudResult<()> {
        const OP: &str = "CreateRoute";
        let vpc = self
            .live(Kind::RouteTable, table)
            .ok_or_else(|| not_found(OP, Kind::RouteTable, table))?
            .str("vpc")
            .to_string();
        let dest = crate::cidr::parse(&route.dest).map_err(|err| {
            invalid_value(
                OP,
                format!(
                    "Value ({}) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.",
                    route.dest
                ),
                err.to_string(),
            )
        })?;
        let target_vpc = self.route_target_vpc(OP, &route.target)?;
        if target_vpc != vpc {
            return Err(invalid_value(
                OP,
                format!(
                    "route table {table} and network gateway {} belong to different networks",
                    route.target.id()
                ),
                format!("{table} is in {vpc}; route to a gateway of that VPC"),
            ));
        }
        let dest = dest.to_string();
        let resource = self.store.resource_mut(table).expect("checked above");
        let routes = array_attr(resource, "routes");
        if let Some(held) = routes.iter().find(|r| r["dest"] == dest.as_str()) {
            return Err(CloudError::new(
                OP,
                code::Aws::RouteAlreadyExists,
                format!("The route identified by {dest} already exists."),
            )
            .with_hint(format!(
                "{table} already sends {dest} to {}; a table holds one route per destination",
                held["target"].as_str().unwrap_or("?")
            )));
        }
        routes.push(route_json(&dest, route.target.id()));
        Ok(())
    }

    /// The VPC of a route's target, which must exist.
    fn route_target_vpc(&self, op: &str, target: &RouteTarget) -> CloudResult<String> {
        match target {
            RouteTarget::NatGateway(id) => {
                let nat = self.live(Kind::NatGateway, id).ok_or_else(|| {
                    CloudError::new(
                        op,
                        code::Aws::InvalidNatGatewayIdNotFound,
                        format!("The natGateway ID '{id}' does not exist"),
                    )
                    .with_hint("create the NAT gateway first, or check that it was not deleted")
                })?;
                let subnet = nat.str("subnet");
                Ok(self
                    .subnets
                    .get(subnet)
                    .map(|s| s.vpc.clone())
                    .unwrap_or_default())
            }
            RouteTarget::InternetGateway(id) => {
                let igw = self.live(Kind::InternetGateway, id).ok_or_else(|| {
                    CloudError::new(
                        op,
                        code::Aws::InvalidGatewayIdNotFound,
                        format!("The gateway ID '{id}' does not exist"),
                    )
                    .with_hint("use the internet gateway attached to the route table's VPC")
                })?;
                Ok(igw.str("vpc").to_string())
            }
        }
    }

    pub(super) fn associate_route_table(&mut self, table: &str, subnet: &str) -> CloudResult<()> {
        const OP: &str = "AssociateRouteTable";
        let vpc = self
            .live(Kind::RouteTable, table)
            .ok_or_else(|| not_found(OP, Kind::RouteTable, table))?
            .str("vpc");
        let slot = self
            .subnets
            .get(subnet)
            .ok_or_else(|| not_found(OP, Kind::Subnet, subnet))?;
        if slot.vpc != vpc {
            return Err(invalid_value(
                OP,
                format!("Route table {table} and subnet {subnet} belong to different networks"),
                format!("{table} is in {vpc} but {subnet} is in {}", slot.vpc),
            ));
        }
        if let Some(held) = self.associations.get(subnet) {
            let hint = if held == table {
                format!("{subnet} is already associated with {table}; nothing to do")
            } else {
                format!(
                    "{subnet} is already associated with {held}; a subnet has one route table, so remove that association first"
                )
            };
            return Err(CloudError::new(
                OP,
                code::Aws::ResourceAlreadyAssociated,
                format!("the specified association for route table {table} conflicts with an existing association"),
            )
            .with_hint(hint));
        }
        self.associations
            .insert(subnet.to_string(), table.to_string());
        let resource = self.store.resource_mut(table).expect("checked above");
        array_attr(resource, "subnets").push(Value::from(subnet));
        Ok(())
    }
}
