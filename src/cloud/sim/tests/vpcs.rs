use super::{account, code, group_in, instance, instance_spec, route_table_in, subnet_in, tags};
use crate::cloud::{
    Cloud, CloudResult, ElasticIpSpec, InternetGatewaySpec, Kind, NatGatewaySpec, Resource, Spec,
    VpcSpec,
};

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
        "InvalidGroup.Reserved"
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
    let table = route_table_in(&a, &vpc.id, "rt").unwrap();
    for blocker in [&s, &sg, &table] {
        assert_eq!(code(a.delete(&vpc)), "DependencyViolation");
        a.delete(blocker).unwrap();
    }
    a.delete(&vpc).unwrap();
    assert_eq!(a.find(Kind::Vpc, &tags("v")).unwrap(), None);
    assert_eq!(
        code(route_table_in(&a, &vpc.id, "rt")),
        "InvalidVpcID.NotFound"
    );
}

fn own_vpc(a: &crate::cloud::sim::SimAccount) -> crate::cloud::Resource {
    let spec = VpcSpec {
        cidr: "10.0.0.0/16".to_string(),
    };
    a.create(&Spec::Vpc(spec), &tags("own")).unwrap()
}

fn gateway(a: &crate::cloud::sim::SimAccount, vpc: &str) -> CloudResult<Resource> {
    let spec = InternetGatewaySpec { vpc: vpc.into() };
    a.create(&Spec::InternetGateway(spec), &tags("igw"))
}

#[test]
fn an_internet_gateway_is_made_attached_and_a_vpc_takes_one() {
    let a = account();
    let vpc = own_vpc(&a);
    let igw = gateway(&a, &vpc.id).unwrap();
    assert!(
        igw.id.starts_with("igw-") && igw.id.len() == 21,
        "{}",
        igw.id
    );
    assert_eq!(igw.str("vpc"), vpc.id);
    assert_eq!(
        a.find(Kind::InternetGateway, &tags("igw")).unwrap(),
        Some(igw)
    );
    // AttachInternetGateway to a VPC that has one: InvalidParameterValue.
    let before = a.stack_resources("test").unwrap().len();
    assert_eq!(code(gateway(&a, &vpc.id)), "InvalidParameterValue");
    assert_eq!(
        code(gateway(&a, &a.default_vpc().unwrap().id)),
        "InvalidParameterValue"
    );
    assert_eq!(
        code(gateway(&a, "vpc-0123456789abcdef0")),
        "InvalidVpcID.NotFound"
    );
    assert_eq!(
        a.stack_resources("test").unwrap().len(),
        before,
        "a refused gateway leaves nothing behind"
    );
}

#[test]
fn a_gateway_detaches_only_once_its_vpc_maps_no_public_address() {
    let a = account();
    let vpc = own_vpc(&a);
    let igw = gateway(&a, &vpc.id).unwrap();
    let public = subnet_in(&a, &vpc.id, "10.0.0.0/24", "a").unwrap();
    let eip = a
        .create(&Spec::ElasticIp(ElasticIpSpec {}), &tags("eip"))
        .unwrap();
    let nat_spec = NatGatewaySpec {
        subnet: public.id.clone(),
        eip: eip.id.clone(),
    };
    let nat = a.create(&Spec::NatGateway(nat_spec), &tags("nat")).unwrap();
    let mut server = instance_spec(&public.id, &[]);
    server.public_ip = true;
    let server = a.create(&Spec::Instance(server), &tags("web")).unwrap();
    // DetachInternetGateway with mapped public addresses: DependencyViolation.
    let err = a.delete(&igw).unwrap_err();
    assert_eq!(err.code, "DependencyViolation");
    assert!(err.message.contains("mapped public address"), "{err}");
    assert!(err.hint.unwrap().contains(&nat.id));
    // DeleteVpc with a gateway attached: DependencyViolation.
    assert_eq!(code(a.delete(&vpc)), "DependencyViolation");
    for holder in [&nat, &server] {
        a.delete(holder).unwrap();
        a.refresh(holder).unwrap();
    }
    a.delete(&igw).unwrap();
    assert_eq!(a.find(Kind::InternetGateway, &tags("igw")).unwrap(), None);
    a.delete(&eip).unwrap();
    a.delete(&public).unwrap();
    for group in a.stack_resources("test").unwrap() {
        if group.kind == Kind::SecurityGroup {
            a.delete(&group).unwrap();
        }
    }
    a.delete(&vpc).unwrap();
}
