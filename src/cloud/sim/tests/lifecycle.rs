use super::{account, code, instance, load_balancer, nat_gateway, nat_in, public, subnet, tags};
use crate::cloud::{Cloud, Kind};

#[test]
fn slow_resources_move_one_state_per_refresh() {
    let a = account();
    let (_, nat) = nat_in(&a, &public(&a, "a"));
    let web = instance(&a, &public(&a, "a"), &[]).unwrap();
    let lb = load_balancer(&a, "web").unwrap();
    let steps = |r: &crate::cloud::Resource| {
        let once = a.refresh(r).unwrap();
        let twice = a.refresh(&once).unwrap();
        (
            r.state().to_string(),
            once.state().to_string(),
            twice.state().to_string(),
        )
    };
    assert_eq!(
        steps(&nat),
        ("pending".into(), "available".into(), "available".into())
    );
    assert_eq!(
        steps(&web),
        ("pending".into(), "running".into(), "running".into())
    );
    assert_eq!(
        steps(&lb),
        ("provisioning".into(), "active".into(), "active".into())
    );
    // find sees the new state too.
    assert_eq!(
        a.find(Kind::NatGateway, &tags("nat"))
            .unwrap()
            .unwrap()
            .state(),
        "available"
    );
}

#[test]
fn a_deleted_nat_gateway_goes_deleting_then_deleted_and_is_no_longer_found() {
    let a = account();
    let (eip, nat) = nat_in(&a, &public(&a, "a"));
    a.delete(&nat).unwrap();
    assert_eq!(a.find(Kind::NatGateway, &tags("nat")).unwrap(), None);
    assert_eq!(
        a.stack_resources("test").unwrap().len(),
        2,
        "still deleting"
    );
    assert_eq!(a.stack_resources("test").unwrap()[1].state(), "deleting");
    assert_eq!(a.refresh(&nat).unwrap().state(), "deleted");
    assert_eq!(a.refresh(&nat).unwrap().state(), "deleted");
    assert_eq!(a.refresh(&eip).unwrap().str("association"), "");
    assert_eq!(
        a.stack_resources("test").unwrap(),
        [a.refresh(&eip).unwrap()]
    );
    // A new NAT gateway with the same name can now be created.
    let again = nat_gateway(&a, &public(&a, "a"), &eip.id, "nat").unwrap();
    assert_eq!(a.find(Kind::NatGateway, &tags("nat")).unwrap(), Some(again));
}

#[test]
fn refreshing_a_deleted_subnet_is_invalid_subnet_id_not_found() {
    let a = account();
    let s = subnet(&a, "172.31.112.0/20", "a").unwrap();
    a.delete(&s).unwrap();
    assert_eq!(code(a.refresh(&s)), "InvalidSubnetID.NotFound");
    assert_eq!(code(a.delete(&s)), "InvalidSubnetID.NotFound");
    // Its block is free again.
    assert!(subnet(&a, "172.31.112.0/20", "b").is_ok());
}
