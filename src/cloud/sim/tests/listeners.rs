use super::{
    account, code, listener_spec, load_balancer, public, subnet_in, tags, target_group, tg_spec,
};
use crate::cloud::Spec;
use crate::cloud::{Cloud, ListenerSpec, TargetGroupSpec};

#[test]
fn a_listener_forwards_to_its_target_group_and_has_an_arn() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    let listener = a
        .create(
            &Spec::Listener(listener_spec(&lb.id, 80, &tg.id).clone()),
            &tags("http"),
        )
        .unwrap();
    let hex = lb.id.rsplit('/').next().unwrap();
    let prefix =
        format!("arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:listener/app/web/{hex}/");
    assert!(listener.id.starts_with(&prefix), "{}", listener.id);
    assert_eq!(listener.id.len(), prefix.len() + 16);
    assert_eq!(listener.str("load_balancer"), lb.id);
    assert_eq!(listener.attrs["port"], 80);
    assert_eq!(listener.str("protocol"), "HTTP");
    assert_eq!(listener.str("forward"), tg.id);
}

#[test]
fn a_listener_on_an_unknown_load_balancer_is_load_balancer_not_found() {
    let a = account();
    let tg = target_group(&a, "app").unwrap();
    let spec = listener_spec(
        "arn:aws:elasticloadbalancing:x:1:loadbalancer/app/no/1",
        80,
        &tg.id,
    );
    assert_eq!(
        code(a.create(&Spec::Listener(spec.clone()), &tags("http"))),
        "LoadBalancerNotFound"
    );
}

#[test]
fn a_listener_to_an_unknown_target_group_is_target_group_not_found() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let spec = listener_spec(
        &lb.id,
        80,
        "arn:aws:elasticloadbalancing:x:1:targetgroup/no/1",
    );
    assert_eq!(
        code(a.create(&Spec::Listener(spec.clone()), &tags("http"))),
        "TargetGroupNotFound"
    );
}

#[test]
fn a_second_listener_on_a_port_is_duplicate_listener() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let app = target_group(&a, "app").unwrap();
    let admin = target_group(&a, "admin").unwrap();
    let first = a
        .create(
            &Spec::Listener(listener_spec(&lb.id, 80, &app.id).clone()),
            &tags("http"),
        )
        .unwrap();
    // Same settings: AWS returns the existing listener.
    assert_eq!(
        a.create(
            &Spec::Listener(listener_spec(&lb.id, 80, &app.id).clone()),
            &tags("http")
        )
        .unwrap(),
        first
    );
    assert_eq!(
        code(a.create(
            &Spec::Listener(listener_spec(&lb.id, 80, &admin.id).clone()),
            &tags("admin")
        )),
        "DuplicateListener"
    );
    assert!(
        a.create(
            &Spec::Listener(listener_spec(&lb.id, 8080, &admin.id).clone()),
            &tags("admin")
        )
        .is_ok()
    );
}

#[test]
fn an_https_listener_without_certificate_or_a_port_of_zero_is_validation_error() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    let https = ListenerSpec {
        protocol: "HTTPS".into(),
        ..listener_spec(&lb.id, 443, &tg.id)
    };
    assert_eq!(
        code(a.create(&Spec::Listener(https.clone()), &tags("https"))),
        "ValidationError"
    );
    assert_eq!(
        code(a.create(
            &Spec::Listener(listener_spec(&lb.id, 0, &tg.id).clone()),
            &tags("zero")
        )),
        "ValidationError"
    );
}

#[test]
fn a_tcp_target_group_behind_an_alb_is_incompatible_protocols() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let spec = TargetGroupSpec {
        protocol: "TCP".into(),
        ..tg_spec("tcp", &super::vpc(&a))
    };
    let tg = a
        .create(&Spec::TargetGroup(spec.clone()), &tags("tcp"))
        .unwrap();
    assert_eq!(
        code(a.create(
            &Spec::Listener(listener_spec(&lb.id, 80, &tg.id).clone()),
            &tags("http")
        )),
        "IncompatibleProtocols"
    );
}

#[test]
fn a_target_group_serves_one_load_balancer_only() {
    let a = account();
    let web = load_balancer(&a, "web").unwrap();
    let spec = super::lb_spec("admin", &[public(&a, "b"), public(&a, "d")], &[]);
    let admin = a
        .create(&Spec::LoadBalancer(spec.clone()), &tags("admin"))
        .unwrap();
    let tg = target_group(&a, "app").unwrap();
    a.create(
        &Spec::Listener(listener_spec(&web.id, 80, &tg.id).clone()),
        &tags("web-http"),
    )
    .unwrap();
    assert_eq!(
        code(a.create(
            &Spec::Listener(listener_spec(&admin.id, 80, &tg.id).clone()),
            &tags("admin-http")
        )),
        "TargetGroupAssociationLimit"
    );
}

#[test]
fn a_target_group_of_another_vpc_is_invalid_configuration_request() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let other = super::seed::second_vpc(&a);
    subnet_in(&a, &other, "10.0.0.0/24", "a").unwrap();
    let tg = a
        .create(
            &Spec::TargetGroup(tg_spec("other", &other).clone()),
            &tags("other"),
        )
        .unwrap();
    assert_eq!(
        code(a.create(
            &Spec::Listener(listener_spec(&lb.id, 80, &tg.id).clone()),
            &tags("http")
        )),
        "InvalidConfigurationRequest"
    );
}
