//! `--adopt` in the simulated account: what is listed as untagged, what is
//! never offered (the account's defaults), and tagging into a stack.

use super::seed::second_vpc;
use super::{account, vpc};
use crate::cloud::{Cloud, Kind, Resource, Tags};

#[test]
fn a_new_accounts_defaults_are_never_offered() {
    let a = account();
    for kind in [
        Kind::Vpc,
        Kind::InternetGateway,
        Kind::Subnet,
        Kind::RouteTable,
        Kind::SecurityGroup,
    ] {
        assert_eq!(a.untagged(kind).unwrap(), Vec::<Resource>::new(), "{kind}");
    }
    // Not even when asked directly.
    let default_vpc = a.default_vpc().unwrap();
    let err = a.adopt(&default_vpc, &Tags::new("s", "net")).unwrap_err();
    assert_eq!(err.code, "NotAdoptable");
    let subnet = a.vpc_subnets(&vpc(&a)).unwrap().remove(0);
    assert_eq!(
        a.adopt(&subnet, &Tags::new("s", "sub")).unwrap_err().code,
        "NotAdoptable"
    );
    assert!(a.stack_resources("s").unwrap().is_empty());
}

#[test]
fn a_new_vpcs_main_table_and_default_group_are_never_offered() {
    let a = account();
    let own = a
        .create_vpc(
            &crate::cloud::VpcSpec {
                cidr: "10.1.0.0/16".into(),
            },
            &Tags::new("other", "net"),
        )
        .unwrap();
    let tables = a.untagged(Kind::RouteTable).unwrap();
    assert!(tables.iter().all(|t| t.str("vpc") != own.id), "{tables:?}");
    let groups = a.untagged(Kind::SecurityGroup).unwrap();
    assert!(groups.is_empty(), "{groups:?}");
}

#[test]
fn an_untagged_resource_is_listed_then_tagged_into_the_stack() {
    let a = account();
    let other = second_vpc(&a);
    let hand = Resource::new(Kind::Subnet, "", "subnet-0bbbbbbbbbbbbbbbb")
        .with("vpc", other.as_str())
        .with("cidr", "10.0.1.0/24")
        .with("az", "ap-northeast-2a")
        .with("public_ip", false)
        .with("default", false);
    a.seed(hand.clone(), None);
    let listed = a.untagged(Kind::Subnet).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, hand.id);
    assert_eq!(a.untagged(Kind::Vpc).unwrap()[0].id, other);

    let tags = Tags::new("s", "app");
    let adopted = a.adopt(&listed[0], &tags).unwrap();
    assert_eq!(adopted.name, "app");
    assert_eq!(adopted.str("cidr"), "10.0.1.0/24");
    assert_eq!(a.find(Kind::Subnet, &tags).unwrap().unwrap().id, hand.id);
    assert!(a.untagged(Kind::Subnet).unwrap().is_empty());
    let stack: Vec<String> = a
        .stack_resources("s")
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(stack, std::slice::from_ref(&hand.id));
    assert_eq!(a.stack_names().unwrap(), ["s"]);
    // Tagged once: a second adoption (into any stack) is refused.
    let again = a.adopt(&hand, &Tags::new("t", "app")).unwrap_err();
    assert_eq!(again.code, "NotAdoptable");
    assert_eq!(a.find(Kind::Subnet, &tags).unwrap().unwrap().name, "app");
}

#[test]
fn a_seeded_main_table_is_never_offered() {
    let a = account();
    let other = second_vpc(&a);
    let main = Resource::new(Kind::RouteTable, "", "rtb-0ccccccccccccccccc")
        .with("vpc", other.as_str())
        .with("routes", Vec::<serde_json::Value>::new())
        .with("subnets", Vec::<serde_json::Value>::new())
        .with("main", true);
    a.seed(main, None);
    let table = Resource::new(Kind::RouteTable, "", "rtb-0ddddddddddddddddd")
        .with("vpc", other.as_str())
        .with("routes", Vec::<serde_json::Value>::new())
        .with("subnets", Vec::<serde_json::Value>::new());
    a.seed(table, None);
    let listed: Vec<String> = a
        .untagged(Kind::RouteTable)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, ["rtb-0ddddddddddddddddd"]);
}
