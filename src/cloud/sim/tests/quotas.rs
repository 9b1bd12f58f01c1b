//! The default quotas a first deployment meets, each with AWS's code.

use super::{account, code, group, instance_spec, public, settle, subnet_in, tags};
use crate::cloud::sim::quotas::Quotas;
use crate::cloud::{
    Cloud, IngressRule, InstanceSpec, InternetGatewaySpec, RouteTableSpec, Source, Spec, VpcSpec,
};

fn own_vpc(a: &crate::cloud::sim::SimAccount, cidr: &str, name: &str) -> String {
    let spec = VpcSpec { cidr: cidr.into() };
    a.create(&Spec::Vpc(spec), &tags(name)).unwrap().id
}

#[test]
fn a_vpc_holds_at_most_200_subnets_subnet_limit_exceeded() {
    let a = account();
    let vpc = own_vpc(&a, "10.0.0.0/16", "v");
    let blocks = crate::cidr::parse("10.0.0.0/16")
        .unwrap()
        .subnets(24)
        .unwrap();
    for block in blocks.iter().take(200) {
        subnet_in(&a, &vpc, &block.to_string(), "a").unwrap();
    }
    assert_eq!(
        code(subnet_in(&a, &vpc, &blocks[200].to_string(), "a")),
        "SubnetLimitExceeded"
    );
}

#[test]
fn a_vpc_holds_at_most_200_route_tables_main_included_route_table_limit_exceeded() {
    let a = account();
    let vpc = own_vpc(&a, "10.0.0.0/16", "v");
    let table = || {
        let spec = RouteTableSpec { vpc: vpc.clone() };
        a.create(&Spec::RouteTable(spec), &tags("rt"))
    };
    for _ in 0..199 {
        table().unwrap();
    }
    assert_eq!(code(table()), "RouteTableLimitExceeded");
}

#[test]
fn a_group_holds_at_most_60_inbound_rules_rules_per_security_group_limit_exceeded() {
    let a = account();
    let sg = group(&a, "web");
    let rule = |port: u16| IngressRule {
        protocol: "tcp".into(),
        port,
        from: Source::Cidr("0.0.0.0/0".into()),
    };
    let first: Vec<IngressRule> = (1..=59).map(rule).collect();
    a.authorize_ingress(&sg.id, &first).unwrap();
    assert_eq!(
        code(a.authorize_ingress(&sg.id, &[rule(1000), rule(1001)])),
        "RulesPerSecurityGroupLimitExceeded"
    );
    a.authorize_ingress(&sg.id, &[rule(1000)]).unwrap();
}

#[test]
fn an_instance_takes_at_most_five_groups_security_groups_per_interface_limit_exceeded() {
    let a = account();
    let names = ["g1", "g2", "g3", "g4", "g5", "g6"];
    let ids: Vec<String> = names.iter().map(|n| group(&a, n).id).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let subnet = public(&a, "a");
    let six = instance_spec(&subnet, &refs);
    assert_eq!(
        code(a.create(&Spec::Instance(six), &tags("web"))),
        "SecurityGroupsPerInterfaceLimitExceeded"
    );
    let five = instance_spec(&subnet, &refs[..5]);
    assert!(a.create(&Spec::Instance(five), &tags("web")).is_ok());
}

#[test]
fn a_region_holds_at_most_five_internet_gateways_internet_gateway_limit_exceeded() {
    // The default VPC's gateway counts; VPCs are capped at five too, so
    // the sixth gateway needs a region whose VPC quota was raised: seed one.
    let a = account();
    let mut vpcs = Vec::new();
    for i in 1..=4 {
        vpcs.push(own_vpc(&a, &format!("10.{i}.0.0/16"), &format!("v{i}")));
    }
    for vpc in &vpcs {
        let spec = InternetGatewaySpec { vpc: vpc.clone() };
        a.create(&Spec::InternetGateway(spec), &tags(vpc)).unwrap();
    }
    let extra = "vpc-0bbbbbbbbbbbbbbbb";
    a.seed(
        crate::cloud::Resource::new(crate::cloud::Kind::Vpc, "extra", extra)
            .with("cidr", "10.9.0.0/16")
            .with("is_default", false),
        None,
    );
    let spec = InternetGatewaySpec { vpc: extra.into() };
    assert_eq!(
        code(a.create(&Spec::InternetGateway(spec), &tags("sixth"))),
        "InternetGatewayLimitExceeded"
    );
}

/// A new account runs On-Demand instances of the Standard families up to 5
/// vCPUs: five t2.micro (1 vCPU) or two t3.micro (2 vCPUs); a terminated
/// one gives its vCPUs back; other buckets (G, P, X, ...) are not counted.
#[test]
fn running_instances_hold_at_most_five_standard_vcpus_vcpu_limit_exceeded() {
    let a = account();
    let launch = |instance_type: &str| {
        let spec = InstanceSpec {
            instance_type: instance_type.into(),
            ..instance_spec(&public(&a, "a"), &[])
        };
        a.create(&Spec::Instance(spec), &tags("web"))
    };
    let first = launch("t3.micro").unwrap();
    launch("t3.micro").unwrap();
    let err = launch("t3.micro").unwrap_err();
    assert_eq!(err.code, "VcpuLimitExceeded");
    assert!(
        err.message.contains("current vCPU limit of 5 allows"),
        "{}",
        err.message
    );
    assert!(err.hint.unwrap().contains("--sim-quota vcpus=N"));
    // One vCPU is left: a t2.micro fits, and the bucket is then full.
    launch("t2.micro").unwrap();
    assert_eq!(code(launch("t2.micro")), "VcpuLimitExceeded");
    // A G-family type is another bucket.
    launch("g4dn.xlarge").unwrap();
    a.terminate_instances(std::slice::from_ref(&first.id))
        .unwrap();
    settle(&a, &first, "terminated");
    launch("t3.micro").unwrap();
    let mut raised = Quotas::AWS;
    raised.set("vcpus", 32).unwrap();
    a.set_quotas(raised);
    launch("c5.4xlarge").unwrap();
}
