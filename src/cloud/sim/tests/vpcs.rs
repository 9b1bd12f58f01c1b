use super::{account, code, group_in, instance, subnet_in, tags};
use crate::cloud::Spec;
use crate::cloud::{Cloud, Kind};
use crate::cloud::{RouteTableSpec, VpcSpec};

#[test]
fn a_new_vpc_has_a_main_table_and_a_default_group_but_no_gateway() {
    let a = account();
    let vpc = a
        .create(
            &Spec::Vpc(VpcSpec {
                cidr: "10.0.0.0/16".to_string(),
            }),
            &tags("bench"),
        )
        .unwrap();
    assert!(
        vpc.id.starts_with("vpc-") && vpc.id.len() == 21,
        "{}",
        vpc.id
    );
    assert_eq!(vpc.str("cidr"), "10.0.0.0/16");
    assert_eq!(vpc.attr("is_default"), Some(&false.into()));
    assert_eq!(
        a.find(Kind::Vpc, &tags("bench")).unwrap(),
        Some(vpc.clone())
    );
    assert_eq!(a.default_vpc().unwrap().str("cidr"), "172.31.0.0/16");
    assert_eq!(
        code(group_in(&a, &vpc.id, "default")),
        "InvalidGroup.Duplicate"
    );
    let s = subnet_in(&a, &vpc.id, "10.0.0.0/28", "a").unwrap();
    let web = instance(&a, &s.id, &[]).unwrap();
    assert_eq!(
        web.strs("security_groups").len(),
        1,
        "the new VPC's default group"
    );
}

#[test]
fn a_vpc_prefix_outside_16_to_28_is_invalid_vpc_range() {
    let a = account();
    assert_eq!(
        code(a.create(
            &Spec::Vpc(VpcSpec {
                cidr: "10.0.0.0/8".to_string()
            }),
            &tags("big")
        )),
        "InvalidVpc.Range"
    );
    assert_eq!(
        code(a.create(
            &Spec::Vpc(VpcSpec {
                cidr: "10.0.0.0/29".to_string()
            }),
            &tags("small")
        )),
        "InvalidVpc.Range"
    );
    assert_eq!(
        code(a.create(
            &Spec::Vpc(VpcSpec {
                cidr: "10.0.0.1/16".to_string()
            }),
            &tags("bits")
        )),
        "InvalidParameterValue"
    );
}

#[test]
fn a_region_holds_at_most_five_vpcs() {
    let a = account();
    for i in 0..4 {
        a.create(
            &Spec::Vpc(VpcSpec {
                cidr: format!("10.{i}.0.0/16").to_string(),
            }),
            &tags(&format!("v{i}")),
        )
        .unwrap();
    }
    assert_eq!(
        code(a.create(
            &Spec::Vpc(VpcSpec {
                cidr: "10.9.0.0/16".to_string()
            }),
            &tags("v9")
        )),
        "VpcLimitExceeded"
    );
}

#[test]
fn a_vpc_with_subnets_groups_or_tables_is_dependency_violation() {
    let a = account();
    let vpc = a
        .create(
            &Spec::Vpc(VpcSpec {
                cidr: "10.0.0.0/16".to_string(),
            }),
            &tags("v"),
        )
        .unwrap();
    let s = subnet_in(&a, &vpc.id, "10.0.0.0/24", "a").unwrap();
    let sg = group_in(&a, &vpc.id, "web").unwrap();
    let table = a
        .create(
            &Spec::RouteTable(RouteTableSpec {
                vpc: vpc.id.to_string(),
            }),
            &tags("rt"),
        )
        .unwrap();
    for blocker in [&s, &sg, &table] {
        assert_eq!(code(a.delete(&vpc)), "DependencyViolation");
        a.delete(blocker).unwrap();
    }
    a.delete(&vpc).unwrap();
    assert_eq!(a.find(Kind::Vpc, &tags("v")).unwrap(), None);
    assert_eq!(
        code(a.create(
            &Spec::RouteTable(RouteTableSpec {
                vpc: vpc.id.to_string()
            }),
            &tags("rt")
        )),
        "InvalidVpcID.NotFound"
    );
}
