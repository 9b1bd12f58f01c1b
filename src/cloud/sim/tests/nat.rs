use super::{account, code, nat_gateway, nat_in, public, settle, tags};
use crate::cloud::Spec;
use crate::cloud::{Cloud, Kind};
use crate::cloud::{ElasticIpSpec, NatGatewaySpec};

#[test]
fn an_account_holds_at_most_five_elastic_ips() {
    let a = account();
    let ips: Vec<String> = (0..5)
        .map(|i| {
            a.create(
                &Spec::ElasticIp(ElasticIpSpec {}),
                &tags(&format!("eip-{i}")),
            )
            .unwrap()
            .str("public_ip")
            .to_string()
        })
        .collect();
    let mut unique = ips.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 5, "{ips:?}");
    assert_eq!(
        code(a.create(&Spec::ElasticIp(ElasticIpSpec {}), &tags("eip-5"))),
        "AddressLimitExceeded"
    );
}

#[test]
fn a_nat_gateway_takes_an_elastic_ip_and_starts_pending() {
    let a = account();
    let (eip, nat) = nat_in(&a, &public(&a, "a"));
    assert!(
        nat.id.starts_with("nat-") && nat.id.len() == 21,
        "{}",
        nat.id
    );
    assert_eq!(nat.state(), "pending");
    assert_eq!(nat.str("eip"), eip.id);
    assert_eq!(nat.str("public_ip"), eip.str("public_ip"));
    assert_eq!(a.refresh(&eip).unwrap().str("association"), nat.id);
    let nat = a.refresh(&nat).unwrap();
    assert_eq!(nat.state(), "available");
    assert_eq!(settle(&a, &nat, "available"), nat);
}

#[test]
fn a_nat_gateway_in_an_unknown_subnet_is_invalid_subnet_id_not_found() {
    let a = account();
    let eip = a
        .create(&Spec::ElasticIp(ElasticIpSpec {}), &tags("eip"))
        .unwrap();
    assert_eq!(
        code(nat_gateway(&a, "subnet-0123456789abcdef0", &eip.id, "nat")),
        "InvalidSubnetID.NotFound"
    );
}

#[test]
fn a_nat_gateway_with_an_unknown_allocation_is_invalid_allocation_id_not_found() {
    let a = account();
    assert_eq!(
        code(nat_gateway(
            &a,
            &public(&a, "a"),
            "eipalloc-0123456789abcdef0",
            "nat"
        )),
        "InvalidAllocationID.NotFound"
    );
}

#[test]
fn an_elastic_ip_already_used_by_a_nat_is_resource_already_associated() {
    let a = account();
    let eip = a
        .create(&Spec::ElasticIp(ElasticIpSpec {}), &tags("eip"))
        .unwrap();
    let nat = nat_gateway(&a, &public(&a, "a"), &eip.id, "nat-a").unwrap();
    let err = nat_gateway(&a, &public(&a, "c"), &eip.id, "nat-c").unwrap_err();
    assert_eq!(err.code, "Resource.AlreadyAssociated");
    assert!(err.hint.unwrap().contains(&nat.id));
}

/// A NAT gateway in a VPC without an internet gateway: AWS accepts the
/// request, then the gateway goes to `failed` with failure code
/// `Gateway.NotAttached`, and its Elastic IP is free again.
#[test]
fn a_nat_gateway_in_a_vpc_without_internet_gateway_fails_with_gateway_not_attached() {
    let a = account();
    let vpc = super::seed::second_vpc(&a);
    let subnet = super::subnet_in(&a, &vpc, "10.0.0.0/24", "a").unwrap();
    let eip = a
        .create(&Spec::ElasticIp(ElasticIpSpec {}), &tags("eip"))
        .unwrap();
    let spec = NatGatewaySpec {
        subnet: subnet.id.clone(),
        eip: eip.id.clone(),
    };
    let nat = a.create(&Spec::NatGateway(spec), &tags("nat")).unwrap();
    assert_eq!(nat.state(), "pending");
    let now = a.refresh(&nat).unwrap();
    assert_eq!(now.state(), "failed");
    assert_eq!(now.str("failure_code"), "Gateway.NotAttached");
    assert_eq!(
        now.str("failure_message"),
        format!("Network {vpc} has no Internet gateway attached")
    );
    assert_eq!(a.find(Kind::NatGateway, &tags("nat")).unwrap(), None);
    assert_eq!(a.refresh(&eip).unwrap().str("association"), "");
}
