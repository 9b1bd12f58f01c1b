use serde_json::json;

use super::{account, code, nat_in, public, route_table_in, subnet, subnet_in, tags, vpc};
use crate::cloud::{Cloud, Kind, Resource, Route, RouteTarget};

/// A table in the default VPC and an available NAT gateway in AZ a.
fn table_and_nat(a: &super::SimAccount) -> (Resource, Resource) {
    let table = route_table_in(a, &vpc(a), "private-a").unwrap();
    let (_, nat) = nat_in(a, &public(a, "a"));
    (table, nat)
}

fn to_nat(dest: &str, nat: &str) -> Route {
    Route {
        dest: dest.into(),
        target: RouteTarget::NatGateway(nat.into()),
    }
}

/// The default VPC's internet gateway, named by the main table's default route.
fn igw(a: &super::SimAccount) -> String {
    main_table(a).attrs["routes"][1]["target"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The default VPC's main route table (not tagged, so found by seeding knowledge).
pub(super) fn main_table(a: &super::SimAccount) -> Resource {
    let state = a.state.borrow();
    let slot = &state.vpcs[&state.default_vpc().unwrap().id];
    state
        .store
        .get(slot.main_route_table.as_ref().unwrap())
        .unwrap()
        .resource
        .clone()
}

#[test]
fn a_new_table_has_the_local_route_and_routes_and_associations_are_recorded() {
    let a = account();
    let (table, nat) = table_and_nat(&a);
    assert_eq!(
        table.attrs["routes"],
        json!([{ "dest": "172.31.0.0/16", "target": "local" }])
    );
    a.create_route(&table.id, &to_nat("0.0.0.0/0", &nat.id))
        .unwrap();
    let private = subnet(&a, "172.31.112.0/20", "a").unwrap();
    a.associate_route_table(&table.id, &private.id).unwrap();
    let now = a
        .find(Kind::RouteTable, &tags("private-a"))
        .unwrap()
        .unwrap();
    assert_eq!(
        now.attrs["routes"][1],
        json!({ "dest": "0.0.0.0/0", "target": nat.id })
    );
    assert_eq!(now.strs("subnets"), [private.id]);
    assert_eq!(a.refresh(&table).unwrap(), now);
}

#[test]
fn the_main_table_routes_the_internet_to_the_internet_gateway() {
    let a = account();
    let main = main_table(&a);
    assert_eq!(
        main.attrs["routes"][0],
        json!({ "dest": "172.31.0.0/16", "target": "local" })
    );
    let target = igw(&a);
    assert!(target.starts_with("igw-"), "{target}");
    let gateway = a
        .refresh(&Resource::new(Kind::InternetGateway, "", &target))
        .unwrap();
    assert_eq!(gateway.str("vpc"), vpc(&a));
}

#[test]
fn a_route_in_an_unknown_table_is_invalid_route_table_id_not_found() {
    let a = account();
    let (_, nat) = table_and_nat(&a);
    assert_eq!(
        code(a.create_route("rtb-0123456789abcdef0", &to_nat("0.0.0.0/0", &nat.id))),
        "InvalidRouteTableID.NotFound"
    );
}

#[test]
fn a_route_to_an_unknown_nat_is_invalid_nat_gateway_id_not_found() {
    let a = account();
    let (table, _) = table_and_nat(&a);
    assert_eq!(
        code(a.create_route(&table.id, &to_nat("0.0.0.0/0", "nat-0123456789abcdef0"))),
        "InvalidNatGatewayID.NotFound"
    );
}

#[test]
fn a_route_to_an_unknown_internet_gateway_is_invalid_gateway_id_not_found() {
    let a = account();
    let (table, _) = table_and_nat(&a);
    let route = Route {
        dest: "0.0.0.0/0".into(),
        target: RouteTarget::InternetGateway("igw-0123456789abcdef0".into()),
    };
    assert_eq!(
        code(a.create_route(&table.id, &route)),
        "InvalidGatewayID.NotFound"
    );
    let route = Route {
        dest: "0.0.0.0/0".into(),
        target: RouteTarget::InternetGateway(igw(&a)),
    };
    a.create_route(&table.id, &route).unwrap();
}

#[test]
fn a_route_to_a_gateway_of_another_vpc_is_invalid_parameter_value() {
    let a = account();
    let other = route_table_in(&a, &super::seed::second_vpc(&a), "other").unwrap();
    let route = Route {
        dest: "0.0.0.0/0".into(),
        target: RouteTarget::InternetGateway(igw(&a)),
    };
    assert_eq!(
        code(a.create_route(&other.id, &route)),
        "InvalidParameterValue"
    );
}

#[test]
fn a_malformed_destination_is_invalid_parameter_value() {
    let a = account();
    let (table, nat) = table_and_nat(&a);
    assert_eq!(
        code(a.create_route(&table.id, &to_nat("0.0.0.0", &nat.id))),
        "InvalidParameterValue"
    );
}

#[test]
fn a_second_route_to_the_same_destination_is_route_already_exists() {
    let a = account();
    let (table, nat) = table_and_nat(&a);
    a.create_route(&table.id, &to_nat("0.0.0.0/0", &nat.id))
        .unwrap();
    assert_eq!(
        code(a.create_route(&table.id, &to_nat("0.0.0.0/0", &nat.id))),
        "RouteAlreadyExists"
    );
    assert_eq!(
        code(a.create_route(&table.id, &to_nat("172.31.0.0/16", &nat.id))),
        "RouteAlreadyExists"
    );
}

#[test]
fn a_subnet_associated_with_a_table_cannot_join_another_resource_already_associated() {
    let a = account();
    let (table, _) = table_and_nat(&a);
    let other = route_table_in(&a, &vpc(&a), "private-c").unwrap();
    let private = subnet(&a, "172.31.112.0/20", "a").unwrap();
    a.associate_route_table(&table.id, &private.id).unwrap();
    let err = a.associate_route_table(&other.id, &private.id).unwrap_err();
    assert_eq!(err.code, "Resource.AlreadyAssociated");
    assert!(err.hint.unwrap().contains(&table.id));
    assert_eq!(
        code(a.associate_route_table(&table.id, &private.id)),
        "Resource.AlreadyAssociated"
    );
}

#[test]
fn a_table_and_a_subnet_of_different_vpcs_is_invalid_parameter_value() {
    let a = account();
    let other_vpc = super::seed::second_vpc(&a);
    let table = route_table_in(&a, &other_vpc, "other").unwrap();
    let s = subnet_in(&a, &other_vpc, "10.0.0.0/24", "a").unwrap();
    assert_eq!(
        code(a.associate_route_table(&table.id, &public(&a, "a"))),
        "InvalidParameterValue"
    );
    a.associate_route_table(&table.id, &s.id).unwrap();
    assert_eq!(
        code(a.associate_route_table(&table.id, "subnet-0123456789abcdef0")),
        "InvalidSubnetID.NotFound"
    );
}
