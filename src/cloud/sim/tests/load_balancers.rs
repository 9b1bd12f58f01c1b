use super::{
    account, code, group, instance, lb_spec, load_balancer, public, roomy_account, subnet,
    subnet_in, tags,
};
use crate::cloud::Spec;
use crate::cloud::{Cloud, LoadBalancerSpec};

#[test]
fn a_load_balancer_has_an_arn_a_dns_name_and_starts_provisioning() {
    let a = account();
    let lb = load_balancer(&a, "web-alb").unwrap();
    let prefix =
        "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/web-alb/";
    let hex = lb
        .id
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{}", lb.id));
    assert!(
        hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{hex}"
    );
    let dns = lb.str("dns_name");
    let digits = dns
        .strip_prefix("web-alb-")
        .and_then(|d| d.strip_suffix(".ap-northeast-2.elb.amazonaws.com"))
        .unwrap();
    assert!(
        digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()),
        "{dns}"
    );
    assert_eq!(lb.str("arn"), lb.id);
    assert_eq!(lb.str("scheme"), "internet-facing");
    assert_eq!(lb.strs("subnets"), [public(&a, "a"), public(&a, "c")]);
    assert_eq!(
        lb.strs("security_groups").len(),
        1,
        "the VPC's default group"
    );
    assert_eq!(lb.state(), "provisioning");
    assert_eq!(a.refresh(&lb).unwrap().state(), "active");
}

#[test]
fn load_balancer_names_follow_elb_rules_or_validation_error() {
    let a = account();
    for name in [
        "",
        "-web",
        "web-",
        "web_alb",
        &"x".repeat(33),
        "internal-web",
    ] {
        assert_eq!(code(load_balancer(&a, name)), "ValidationError", "{name:?}");
    }
    let spec = LoadBalancerSpec {
        scheme: "public".into(),
        ..lb_spec("web", &[public(&a, "a"), public(&a, "c")], &[])
    };
    assert_eq!(
        code(a.create(&Spec::LoadBalancer(spec.clone()), &tags("web"))),
        "ValidationError"
    );
}

#[test]
fn an_unknown_subnet_is_subnet_not_found() {
    let a = account();
    let spec = lb_spec(
        "web",
        &[public(&a, "a"), "subnet-0123456789abcdef0".into()],
        &[],
    );
    assert_eq!(
        code(a.create(&Spec::LoadBalancer(spec.clone()), &tags("web"))),
        "SubnetNotFound"
    );
}

#[test]
fn fewer_than_two_azs_is_invalid_configuration_request() {
    let a = account();
    let spec = lb_spec("web", &[public(&a, "a")], &[]);
    let err = a
        .create(&Spec::LoadBalancer(spec.clone()), &tags("web"))
        .unwrap_err();
    assert_eq!(err.code, "InvalidConfigurationRequest");
    assert_eq!(
        err.message,
        "At least two subnets in two different Availability Zones must be specified"
    );
}

#[test]
fn two_subnets_in_one_az_is_invalid_configuration_request() {
    let a = account();
    let extra = subnet(&a, "172.31.112.0/20", "a").unwrap();
    let spec = lb_spec("web", &[public(&a, "a"), extra.id, public(&a, "c")], &[]);
    let err = a
        .create(&Spec::LoadBalancer(spec.clone()), &tags("web"))
        .unwrap_err();
    assert_eq!(err.code, "InvalidConfigurationRequest");
    assert!(
        err.message
            .contains("multiple subnets in the same Availability Zone"),
        "{}",
        err.message
    );
}

#[test]
fn subnets_of_two_vpcs_is_invalid_configuration_request() {
    let a = account();
    let other = subnet_in(&a, &super::seed::second_vpc(&a), "10.0.0.0/24", "c").unwrap();
    let spec = lb_spec("web", &[public(&a, "a"), other.id], &[]);
    assert_eq!(
        code(a.create(&Spec::LoadBalancer(spec.clone()), &tags("web"))),
        "InvalidConfigurationRequest"
    );
}

#[test]
fn a_subnet_with_fewer_than_8_free_addresses_is_invalid_subnet() {
    let a = roomy_account();
    let small = subnet(&a, "172.31.112.0/28", "b").unwrap();
    for _ in 0..4 {
        instance(&a, &small.id, &[]).unwrap();
    }
    let spec = lb_spec("web", &[public(&a, "a"), small.id], &[]);
    assert_eq!(
        code(a.create(&Spec::LoadBalancer(spec.clone()), &tags("web"))),
        "InvalidSubnet"
    );
}

#[test]
fn an_unknown_security_group_is_invalid_security_group() {
    let a = account();
    let spec = lb_spec(
        "web",
        &[public(&a, "a"), public(&a, "c")],
        &["sg-0123456789abcdef0"],
    );
    assert_eq!(
        code(a.create(&Spec::LoadBalancer(spec.clone()), &tags("web"))),
        "InvalidSecurityGroup"
    );
}

#[test]
fn the_same_name_with_other_settings_is_duplicate_load_balancer_name() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    assert_eq!(
        load_balancer(&a, "web").unwrap(),
        lb,
        "same settings: AWS returns the existing one"
    );
    let sg = group(&a, "alb");
    let spec = lb_spec("web", &[public(&a, "a"), public(&a, "c")], &[&sg.id]);
    assert_eq!(
        code(a.create(&Spec::LoadBalancer(spec.clone()), &tags("other"))),
        "DuplicateLoadBalancerName"
    );
}

#[test]
fn an_internal_load_balancer_has_an_internal_dns_name() {
    let a = account();
    let spec = LoadBalancerSpec {
        scheme: "internal".into(),
        ..lb_spec("api", &[public(&a, "b"), public(&a, "d")], &[])
    };
    let lb = a
        .create(&Spec::LoadBalancer(spec.clone()), &tags("api"))
        .unwrap();
    assert!(
        lb.str("dns_name").starts_with("internal-api-"),
        "{}",
        lb.str("dns_name")
    );
}

/// CreateLoadBalancer, internet-facing, in a VPC without an internet
/// gateway: `InvalidSubnet` ("VPC ... has no internet gateway"); internal is
/// fine there.
#[test]
fn an_internet_facing_load_balancer_needs_its_vpcs_internet_gateway() {
    let a = account();
    let vpc = super::seed::second_vpc(&a);
    let subnets = [
        subnet_in(&a, &vpc, "10.0.0.0/24", "a").unwrap().id,
        subnet_in(&a, &vpc, "10.0.1.0/24", "c").unwrap().id,
    ];
    let spec = lb_spec("web", &subnets, &[]);
    let err = a
        .create(&Spec::LoadBalancer(spec.clone()), &tags("web"))
        .unwrap_err();
    assert_eq!(err.code, "InvalidSubnet");
    assert_eq!(err.message, format!("VPC {vpc} has no internet gateway"));
    let internal = LoadBalancerSpec {
        scheme: "internal".into(),
        ..spec
    };
    assert!(
        a.create(&Spec::LoadBalancer(internal), &tags("web"))
            .is_ok()
    );
}

/// DeleteLoadBalancer of one already deleted (or never known) succeeds.
#[test]
fn deleting_a_load_balancer_that_is_gone_succeeds() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    a.delete(&lb).unwrap();
    a.delete(&lb).unwrap();
    let unknown = crate::cloud::Resource::new(
        crate::cloud::Kind::LoadBalancer,
        "x",
        "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/x/0123456789abcdef",
    );
    a.delete(&unknown).unwrap();
}

/// A new ALB's node takes one address of each of its subnets (its network
/// interface there) until the load balancer is deleted: a /28 with 8 free
/// addresses takes it, and has 7 left for instances; deleting it gives the
/// address back.
#[test]
fn a_load_balancer_takes_an_address_in_each_subnet_until_deleted() {
    let a = roomy_account();
    let small = subnet(&a, "172.31.112.0/28", "b").unwrap();
    // 11 usable addresses; 3 instances leave 8, as an ALB needs.
    for _ in 0..3 {
        instance(&a, &small.id, &[]).unwrap();
    }
    let spec = lb_spec("web", &[public(&a, "a"), small.id.clone()], &[]);
    let lb = a.create(&Spec::LoadBalancer(spec), &tags("web")).unwrap();
    let mut last = None;
    for _ in 0..7 {
        last = Some(instance(&a, &small.id, &[]).unwrap());
    }
    assert_eq!(last.unwrap().str("private_ip"), "172.31.112.14");
    assert_eq!(
        code(instance(&a, &small.id, &[])),
        "InsufficientFreeAddressesInSubnet"
    );
    a.delete(&lb).unwrap();
    let freed = instance(&a, &small.id, &[]).unwrap();
    assert_eq!(freed.str("private_ip"), "172.31.112.7");
}
