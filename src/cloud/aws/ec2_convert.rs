//! EC2 types -> [`Resource`]s with the attributes of the conventions table
//! in `crate::cloud`. Pure functions, no requests.
//!
//! AWS-compatible servers leave optional fields empty (`""`) where AWS
//! omits them, so every optional string goes through [`some`].

use aws_sdk_ec2::types::{
    Address, Instance, InternetGateway, IpPermission, NatGateway, Route, RouteTable, SecurityGroup,
    Subnet, Tag, Vpc,
};
use serde_json::{Value, json};

use super::cache::Tagged;
use crate::cloud::{Kind, Resource, STACK_TAG};

/// An optional string that is really there (not absent, not empty).
pub(super) fn some(value: Option<&str>) -> Option<&str> {
    value.filter(|v| !v.is_empty())
}

fn text(value: Option<&str>) -> &str {
    some(value).unwrap_or("")
}

/// The `Name` and `awsrun:stack` tags.
fn tag_values(tags: &[Tag]) -> (String, Option<String>) {
    let get = |key: &str| {
        tags.iter()
            .find(|tag| tag.key() == Some(key))
            .and_then(|tag| tag.value())
            .map(str::to_string)
    };
    (get("Name").unwrap_or_default(), get(STACK_TAG))
}

/// The `awsrun:stack` tag's value, if any.
pub(super) fn stack_of(tags: &[Tag]) -> Option<String> {
    tag_values(tags).1
}

fn tagged(kind: Kind, id: Option<&str>, tags: &[Tag]) -> Tagged {
    let (name, stack) = tag_values(tags);
    Tagged {
        resource: Resource::new(kind, name, text(id)),
        stack,
    }
}

pub(super) fn vpc(v: &Vpc) -> Resource {
    let mut t = tagged(Kind::Vpc, v.vpc_id(), v.tags());
    let is_default = v.is_default().unwrap_or(false);
    if t.resource.name.is_empty() && is_default {
        t.resource.name = "default".into();
    }
    t.resource
        .with("cidr", text(v.cidr_block()))
        .with("is_default", is_default)
}

pub(super) fn internet_gateway(g: &InternetGateway) -> Tagged {
    let mut t = tagged(Kind::InternetGateway, g.internet_gateway_id(), g.tags());
    let vpc = g
        .attachments()
        .iter()
        .find_map(|a| some(a.vpc_id()))
        .unwrap_or("");
    t.resource.set("vpc", vpc);
    t
}

/// A subnet; default subnets without a `Name` are called `default-a`, ... as
/// in the simulated account.
pub(super) fn subnet(s: &Subnet, region: &str) -> Tagged {
    let mut t = tagged(Kind::Subnet, s.subnet_id(), s.tags());
    let az = text(s.availability_zone());
    let default = s.default_for_az().unwrap_or(false);
    if t.resource.name.is_empty() && default {
        t.resource.name = format!("default-{}", az.strip_prefix(region).unwrap_or(az));
    }
    t.resource = t
        .resource
        .with("vpc", text(s.vpc_id()))
        .with("cidr", text(s.cidr_block()))
        .with("az", az)
        .with("public_ip", s.map_public_ip_on_launch().unwrap_or(false))
        .with("default", default);
    t
}

pub(super) fn address(a: &Address) -> Tagged {
    let mut t = tagged(Kind::ElasticIp, a.allocation_id(), a.tags());
    let association = some(a.instance_id())
        .or(some(a.network_interface_id()))
        .or(some(a.association_id()))
        .unwrap_or("");
    t.resource = t
        .resource
        .with("public_ip", text(a.public_ip()))
        .with("association", association);
    t
}

pub(super) fn nat_gateway(n: &NatGateway) -> Tagged {
    let mut t = tagged(Kind::NatGateway, n.nat_gateway_id(), n.tags());
    let address = n.nat_gateway_addresses().first();
    let field = |get: fn(&aws_sdk_ec2::types::NatGatewayAddress) -> Option<&str>| {
        address.map(|a| text(get(a))).unwrap_or("")
    };
    t.resource = t
        .resource
        .with("subnet", text(n.subnet_id()))
        .with("eip", field(|a| a.allocation_id()))
        .with("public_ip", field(|a| a.public_ip()))
        .with("private_ip", field(|a| a.private_ip()))
        .with("state", n.state().map(|s| s.as_str()).unwrap_or(""));
    if let Some(code) = some(n.failure_code()) {
        t.resource.set("failure_code", code);
        t.resource.set("failure_message", text(n.failure_message()));
    }
    t
}

/// A route as `{dest, target}`; the VPC's own `local` route is left out.
fn route(r: &Route) -> Option<Value> {
    let dest = some(r.destination_cidr_block())
        .or(some(r.destination_ipv6_cidr_block()))
        .or(some(r.destination_prefix_list_id()))?;
    let target = some(r.nat_gateway_id())
        .or(some(r.gateway_id()))
        .or(some(r.transit_gateway_id()))
        .or(some(r.vpc_peering_connection_id()))
        .or(some(r.egress_only_internet_gateway_id()))
        .or(some(r.instance_id()))
        .or(some(r.network_interface_id()))
        .unwrap_or("");
    (target != "local").then(|| json!({ "dest": dest, "target": target }))
}

/// A route table with its routes and the subnets explicitly associated
/// (`main: true` when it is its VPC's main table).
pub(super) fn route_table(rt: &RouteTable) -> Tagged {
    let mut t = tagged(Kind::RouteTable, rt.route_table_id(), rt.tags());
    let routes: Vec<Value> = rt.routes().iter().filter_map(route).collect();
    let live = rt.associations().iter().filter(|a| {
        let state = a
            .association_state()
            .and_then(|s| s.state())
            .map(|s| s.as_str());
        !matches!(state, Some("disassociated" | "disassociating" | "failed"))
    });
    let main = live.clone().any(|a| a.main().unwrap_or(false));
    let subnets: Vec<Value> = live
        .filter_map(|a| some(a.subnet_id()))
        .map(Value::from)
        .collect();
    t.resource = t
        .resource
        .with("vpc", text(rt.vpc_id()))
        .with("routes", routes)
        .with("subnets", subnets);
    if main {
        t.resource.set("main", true);
    }
    t
}

/// The association ids of a route table's subnets (for disassociating).
pub(super) fn association_ids(rt: &RouteTable) -> Vec<String> {
    rt.associations()
        .iter()
        .filter(|a| !a.main().unwrap_or(false))
        .filter_map(|a| some(a.route_table_association_id()).map(str::to_string))
        .collect()
}

/// One `{protocol, port, from}` per source of an inbound permission.
fn ingress(p: &IpPermission) -> Vec<Value> {
    permissions(p, "from")
}

/// One `{protocol, port, to}` per destination of an outbound permission.
fn egress(p: &IpPermission) -> Vec<Value> {
    permissions(p, "to")
}

/// One `{protocol, port, <peer>}` per peer of a permission.
fn permissions(p: &IpPermission, peer: &str) -> Vec<Value> {
    let protocol = text(p.ip_protocol()).to_ascii_lowercase();
    let port = p.from_port().unwrap_or(0).max(0);
    let cidrs = p.ip_ranges().iter().filter_map(|r| some(r.cidr_ip()));
    let cidrs6 = p.ipv6_ranges().iter().filter_map(|r| some(r.cidr_ipv6()));
    let groups = p
        .user_id_group_pairs()
        .iter()
        .filter_map(|g| some(g.group_id()));
    let lists = p
        .prefix_list_ids()
        .iter()
        .filter_map(|l| some(l.prefix_list_id()));
    cidrs
        .chain(cidrs6)
        .chain(groups)
        .chain(lists)
        .map(|other| json!({ "protocol": protocol, "port": port, peer: other }))
        .collect()
}

pub(super) fn security_group(g: &SecurityGroup) -> Tagged {
    let mut t = tagged(Kind::SecurityGroup, g.group_id(), g.tags());
    let rules: Vec<Value> = g.ip_permissions().iter().flat_map(ingress).collect();
    let outbound: Vec<Value> = g.ip_permissions_egress().iter().flat_map(egress).collect();
    t.resource = t
        .resource
        .with("vpc", text(g.vpc_id()))
        .with("description", text(g.description()))
        .with("group_name", text(g.group_name()))
        .with("ingress", rules)
        .with("egress", outbound);
    t
}

/// The instance's security groups: the instance's list, or (where a server
/// only reports them there) its primary network interface's.
fn instance_groups(i: &Instance) -> Vec<String> {
    let listed = i
        .security_groups()
        .iter()
        .filter_map(|g| some(g.group_id()));
    let mut groups: Vec<String> = listed.map(str::to_string).collect();
    if groups.is_empty() {
        let primary = i
            .network_interfaces()
            .iter()
            .min_by_key(|n| n.attachment().and_then(|a| a.device_index()).unwrap_or(0));
        groups = primary
            .map(|n| n.groups().iter().filter_map(|g| some(g.group_id())))
            .into_iter()
            .flatten()
            .map(str::to_string)
            .collect();
    }
    groups
}

pub(super) fn instance(i: &Instance) -> Tagged {
    let mut t = tagged(Kind::Instance, i.instance_id(), i.tags());
    let az = i.placement().and_then(|p| p.availability_zone());
    let state = i.state().and_then(|s| s.name()).map(|s| s.as_str());
    t.resource = t
        .resource
        .with("subnet", text(i.subnet_id()))
        .with("az", text(az))
        .with("image", text(i.image_id()))
        .with(
            "instance_type",
            i.instance_type().map(|s| s.as_str()).unwrap_or(""),
        )
        .with("security_groups", instance_groups(i))
        .with("private_ip", text(i.private_ip_address()))
        .with("public_ip", text(i.public_ip_address()))
        .with("state", text(state));
    // An instance an Auto Scaling group launched names it in a tag AWS
    // adds itself.
    let group = i
        .tags()
        .iter()
        .find(|tag| tag.key() == Some("aws:autoscaling:groupName"))
        .and_then(|tag| tag.value());
    if let Some(group) = some(group) {
        t.resource.set("group", group);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::{IpRange, RouteTableAssociation, UserIdGroupPair};

    fn tags(name: &str, stack: &str) -> Vec<Tag> {
        vec![
            Tag::builder().key("Name").value(name).build(),
            Tag::builder().key(STACK_TAG).value(stack).build(),
        ]
    }

    #[test]
    fn route_tables_leave_out_the_local_route_and_the_main_association() {
        let rt = RouteTable::builder()
            .route_table_id("rtb-1")
            .vpc_id("vpc-1")
            .set_tags(Some(tags("private-2a", "prod")))
            .routes(
                Route::builder()
                    .destination_cidr_block("10.0.0.0/16")
                    .gateway_id("local")
                    .build(),
            )
            .routes(
                Route::builder()
                    .destination_cidr_block("0.0.0.0/0")
                    .nat_gateway_id("nat-1")
                    .gateway_id("")
                    .build(),
            )
            .associations(
                RouteTableAssociation::builder()
                    .subnet_id("subnet-1")
                    .route_table_association_id("rtbassoc-1")
                    .build(),
            )
            .build();
        let t = route_table(&rt);
        assert_eq!(t.stack.as_deref(), Some("prod"));
        assert_eq!(t.resource.name, "private-2a");
        assert_eq!(
            t.resource.attr("routes").unwrap(),
            &json!([{ "dest": "0.0.0.0/0", "target": "nat-1" }])
        );
        assert_eq!(t.resource.strs("subnets"), ["subnet-1"]);
        assert_eq!(association_ids(&rt), ["rtbassoc-1"]);
    }

    #[test]
    fn ingress_lists_one_rule_per_source() {
        let g = SecurityGroup::builder()
            .group_id("sg-1")
            .ip_permissions(
                IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(3000)
                    .to_port(3000)
                    .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/16").build())
                    .user_id_group_pairs(UserIdGroupPair::builder().group_id("sg-2").build())
                    .build(),
            )
            .build();
        let rules = security_group(&g)
            .resource
            .attr("ingress")
            .cloned()
            .unwrap();
        assert_eq!(
            rules,
            json!([
                { "protocol": "tcp", "port": 3000, "from": "10.0.0.0/16" },
                { "protocol": "tcp", "port": 3000, "from": "sg-2" },
            ])
        );
    }

    #[test]
    fn default_subnets_without_a_name_are_named_after_their_az() {
        let s = Subnet::builder()
            .subnet_id("subnet-1")
            .availability_zone("ap-northeast-2b")
            .default_for_az(true)
            .build();
        assert_eq!(subnet(&s, "ap-northeast-2").resource.name, "default-b");
    }
}
