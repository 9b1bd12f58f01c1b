use super::{
    account, code, group, instance, listener_spec, load_balancer, nat_in, public, route_table_in,
    settle, subnet, tags, target_group, vpc,
};
use crate::cloud::ElasticIpSpec;
use crate::cloud::Spec;
use crate::cloud::{Cloud, IngressRule, Kind, Resource, Source};

#[test]
fn a_subnet_with_an_instance_is_dependency_violation_until_it_terminates() {
    let a = account();
    let s = subnet(&a, "172.31.112.0/20", "a").unwrap();
    let web = instance(&a, &s.id, &[]).unwrap();
    assert_eq!(code(a.delete(&s)), "DependencyViolation");
    a.delete(&web).unwrap();
    let listed = a.stack_resources("test").unwrap();
    assert_eq!(
        listed.iter().find(|r| r.id == web.id).unwrap().state(),
        "shutting-down"
    );
    assert_eq!(
        code(a.delete(&s)),
        "DependencyViolation",
        "shutting-down still holds its address"
    );
    assert_eq!(a.refresh(&web).unwrap().state(), "terminated");
    a.delete(&s).unwrap();
}

#[test]
fn a_subnet_with_a_nat_gateway_is_dependency_violation() {
    let a = account();
    let s = subnet(&a, "172.31.112.0/20", "a").unwrap();
    let (_, nat) = nat_in(&a, &s.id);
    assert_eq!(code(a.delete(&s)), "DependencyViolation");
    a.delete(&nat).unwrap();
    settle(&a, &nat, "deleted");
    a.delete(&s).unwrap();
}

#[test]
fn a_subnet_with_a_load_balancer_is_dependency_violation() {
    let a = account();
    let s = subnet(&a, "172.31.112.0/20", "b").unwrap();
    let spec = super::lb_spec("web", &[public(&a, "a"), s.id.clone()], &[]);
    let lb = a
        .create(&Spec::LoadBalancer(spec.clone()), &tags("web"))
        .unwrap();
    assert_eq!(code(a.delete(&s)), "DependencyViolation");
    a.delete(&lb).unwrap();
    a.delete(&s).unwrap();
}

#[test]
fn a_security_group_in_use_is_dependency_violation() {
    let a = account();
    let web = group(&a, "web");
    let alb = group(&a, "alb");
    let app = group(&a, "app");
    let server = instance(&a, &public(&a, "a"), &[&web.id]).unwrap();
    let spec = super::lb_spec("web", &[public(&a, "a"), public(&a, "c")], &[&alb.id]);
    let lb = a
        .create(&Spec::LoadBalancer(spec.clone()), &tags("web"))
        .unwrap();
    let rule = IngressRule {
        protocol: "tcp".into(),
        port: 3000,
        from: Source::SecurityGroup(alb.id.clone()),
    };
    a.authorize_ingress(&app.id, &[rule]).unwrap();
    assert_eq!(
        code(a.delete(&web)),
        "DependencyViolation",
        "used by an instance"
    );
    assert_eq!(
        code(a.delete(&alb)),
        "DependencyViolation",
        "used by a load balancer and a rule"
    );
    a.delete(&lb).unwrap();
    assert_eq!(
        code(a.delete(&alb)),
        "DependencyViolation",
        "still named by app's rule"
    );
    a.delete(&app).unwrap();
    a.delete(&alb).unwrap();
    a.delete(&server).unwrap();
    settle(&a, &server, "terminated");
    a.delete(&web).unwrap();
    // The name is free again.
    assert!(super::group_in(&a, &vpc(&a), "web").is_ok());
}

#[test]
fn an_elastic_ip_of_a_nat_not_yet_deleted_is_invalid_ip_address_in_use() {
    let a = account();
    let (eip, nat) = nat_in(&a, &public(&a, "a"));
    assert_eq!(code(a.delete(&eip)), "InvalidIPAddress.InUse");
    a.delete(&nat).unwrap();
    assert_eq!(
        code(a.delete(&eip)),
        "InvalidIPAddress.InUse",
        "deleting still holds it"
    );
    settle(&a, &nat, "deleted");
    a.delete(&eip).unwrap();
    for i in 0..5 {
        a.create(
            &Spec::ElasticIp(ElasticIpSpec {}),
            &tags(&format!("eip-{i}")),
        )
        .unwrap();
    }
}

#[test]
fn a_target_group_behind_a_listener_is_resource_in_use_until_the_load_balancer_goes() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    let listener = a
        .create(
            &Spec::Listener(listener_spec(&lb.id, 80, &tg.id).clone()),
            &tags("http"),
        )
        .unwrap();
    assert_eq!(code(a.delete(&tg)), "ResourceInUse");
    a.delete(&lb).unwrap();
    assert_eq!(
        code(a.refresh(&listener)),
        "ListenerNotFound",
        "deleting a load balancer deletes its listeners"
    );
    a.delete(&tg).unwrap();
    assert!(target_group(&a, "app").is_ok(), "its name is free again");
}

#[test]
fn deleting_a_route_table_removes_its_associations() {
    let a = account();
    let table = route_table_in(&a, &vpc(&a), "private").unwrap();
    let s = subnet(&a, "172.31.112.0/20", "a").unwrap();
    a.associate_route_table(&table.id, &s.id).unwrap();
    a.delete(&table).unwrap();
    assert_eq!(code(a.refresh(&table)), "InvalidRouteTableID.NotFound");
    let other = route_table_in(&a, &vpc(&a), "other").unwrap();
    a.associate_route_table(&other.id, &s.id).unwrap();
}

#[test]
fn the_main_route_table_and_the_default_group_stay() {
    let a = account();
    let main = super::routes::main_table(&a);
    assert_eq!(code(a.delete(&main)), "DependencyViolation");
    let default = instance(&a, &public(&a, "a"), &[])
        .unwrap()
        .strs("security_groups")
        .remove(0);
    let default = Resource::new(Kind::SecurityGroup, "default", default);
    assert_eq!(code(a.delete(&default)), "CannotDelete");
}

/// What `destroy` does: delete in `Kind::destroy_order()`, retrying dependency
/// errors after refreshing what is still on its way out.
#[test]
fn a_whole_stack_can_be_destroyed_in_destroy_order() {
    let a = account();
    let private = subnet(&a, "172.31.112.0/20", "a").unwrap();
    let (_, nat) = nat_in(&a, &public(&a, "a"));
    let table = route_table_in(&a, &vpc(&a), "private").unwrap();
    let route = crate::cloud::Route {
        dest: "0.0.0.0/0".into(),
        target: crate::cloud::RouteTarget::NatGateway(nat.id),
    };
    a.create_route(&table.id, &route).unwrap();
    a.associate_route_table(&table.id, &private.id).unwrap();
    let sg = group(&a, "app");
    let web = super::settle(
        &a,
        &instance(&a, &private.id, &[&sg.id]).unwrap(),
        "running",
    );
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    a.register_targets(&tg.id, &[web.id]).unwrap();
    a.create(
        &Spec::Listener(listener_spec(&lb.id, 80, &tg.id).clone()),
        &tags("http"),
    )
    .unwrap();
    assert_eq!(a.stack_resources("test").unwrap().len(), 9);

    for _round in 0..5 {
        let left = a.stack_resources("test").unwrap();
        if left.is_empty() {
            break;
        }
        for kind in Kind::destroy_order() {
            for r in left.iter().filter(|r| r.kind == kind) {
                match a.delete(r) {
                    Ok(()) => {}
                    Err(e)
                        if e.code == "DependencyViolation"
                            || e.code == "InvalidIPAddress.InUse" => {}
                    Err(e) if e.code.ends_with("NotFound") => {}
                    Err(e) => panic!("{r}: {e}"),
                }
                if matches!(kind, Kind::Instance | Kind::NatGateway) {
                    let _ = a.refresh(r);
                    let _ = a.refresh(r);
                }
            }
        }
    }
    assert!(a.stack_resources("test").unwrap().is_empty());
}
