use super::{
    account, certificate, code, https_spec, issued_certificate, listener_spec, load_balancer,
    public, redirect_spec, subnet_in, tags, target_group, tg_spec,
};
use crate::cloud::Spec;
use crate::cloud::{
    Cloud, DEFAULT_SSL_POLICY, Kind, ListenerAction, ListenerSpec, SSL_POLICIES, TargetGroupSpec,
};
use crate::diagnostic::code;

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

/// The number of listeners forwarding to a target group, as the rules see it.
fn forwarding_listeners(a: &super::super::SimAccount, tg: &str) -> u32 {
    a.state.borrow().target_groups[tg].listeners
}

#[test]
fn an_https_listener_takes_an_issued_certificate_and_a_predefined_policy() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    let cert = issued_certificate(&a, "site", "example.com");
    let listener = a
        .create(
            &Spec::Listener(https_spec(&lb.id, 443, &tg.id, &cert.id)),
            &tags("https"),
        )
        .unwrap();
    assert_eq!(listener.str("protocol"), "HTTPS");
    assert_eq!(listener.str("certificate"), cert.id);
    assert_eq!(listener.str("ssl_policy"), DEFAULT_SSL_POLICY);
    assert_eq!(listener.str("forward"), tg.id);
    assert_eq!(
        a.refresh(&cert).unwrap().strs("in_use_by"),
        [lb.id.as_str()]
    );
    for policy in SSL_POLICIES {
        let spec = ListenerSpec {
            ssl_policy: Some(policy.to_string()),
            ..https_spec(&lb.id, 8443, &tg.id, &cert.id)
        };
        let made = a
            .create(&Spec::Listener(spec), &tags(&format!("https-{policy}")))
            .unwrap();
        a.delete(&made).unwrap();
    }
}

#[test]
fn an_https_listener_without_a_certificate_is_validation_error_and_makes_nothing() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    let spec = ListenerSpec {
        certificate: None,
        ..https_spec(&lb.id, 443, &tg.id, "")
    };
    let err = a.create(&Spec::Listener(spec), &tags("https")).unwrap_err();
    assert_eq!(err.code, code::Aws::ValidationError.as_str());
    assert_eq!(
        err.message,
        "A certificate must be specified for HTTPS listeners"
    );
    assert_eq!(forwarding_listeners(&a, &tg.id), 0);
    assert_eq!(a.find(Kind::Listener, &tags("https")).unwrap(), None);
}

#[test]
fn a_pending_or_unknown_certificate_is_certificate_not_found_and_makes_nothing() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    let pending = certificate(&a, "site", "example.com", &[]).unwrap();
    let unknown =
        "arn:aws:acm:ap-northeast-2:123456789012:certificate/00000000-0000-0000-0000-000000000000";
    for arn in [pending.id.as_str(), unknown] {
        let err = a
            .create(
                &Spec::Listener(https_spec(&lb.id, 443, &tg.id, arn)),
                &tags("https"),
            )
            .unwrap_err();
        assert_eq!(err.code, code::Aws::CertificateNotFound.as_str());
        assert_eq!(err.message, format!("Certificate '{arn}' not found"));
        assert!(err.hint.is_some());
    }
    assert_eq!(forwarding_listeners(&a, &tg.id), 0);
    assert_eq!(a.find(Kind::Listener, &tags("https")).unwrap(), None);
    assert!(a.refresh(&pending).unwrap().strs("in_use_by").is_empty());
    // A deleted certificate is not found either.
    let gone = issued_certificate(&a, "old", "old.example.com");
    a.delete(&gone).unwrap();
    assert_eq!(
        code(a.create(
            &Spec::Listener(https_spec(&lb.id, 443, &tg.id, &gone.id)),
            &tags("https")
        )),
        code::Aws::CertificateNotFound.as_str()
    );
}

#[test]
fn an_ssl_policy_that_is_not_predefined_is_ssl_policy_not_found() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    let cert = issued_certificate(&a, "site", "example.com");
    for policy in ["ELBSecurityPolicy-Nope", "elbsecuritypolicy-2016-08", ""] {
        let spec = ListenerSpec {
            ssl_policy: Some(policy.into()),
            ..https_spec(&lb.id, 443, &tg.id, &cert.id)
        };
        let err = a.create(&Spec::Listener(spec), &tags("https")).unwrap_err();
        assert_eq!(
            err.code,
            code::Aws::SslPolicyNotFound.as_str(),
            "{policy:?}"
        );
        assert_eq!(err.message, format!("SSL policy '{policy}' not found"));
        assert!(err.hint.is_some());
    }
    assert_eq!(forwarding_listeners(&a, &tg.id), 0);
    assert!(a.refresh(&cert).unwrap().strs("in_use_by").is_empty());
}

#[test]
fn a_redirect_from_https_to_http_or_to_itself_is_invalid_load_balancer_action() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let cert = issued_certificate(&a, "site", "example.com");
    let invalid = code::Aws::InvalidLoadBalancerAction.as_str();
    let down = ListenerSpec {
        certificate: Some(cert.id.clone()),
        ..redirect_spec(&lb.id, 443, "HTTPS", ("HTTP", 80))
    };
    let err = a.create(&Spec::Listener(down), &tags("down")).unwrap_err();
    assert_eq!(err.code, invalid);
    assert_eq!(err.message, "You can't redirect HTTPS to HTTP");
    for (protocol, port) in [("HTTP", 80), ("HTTP", 8080)] {
        let spec = redirect_spec(&lb.id, port, protocol, (protocol, port));
        assert_eq!(
            code(a.create(&Spec::Listener(spec), &tags("loop"))),
            invalid,
            "{protocol}:{port} to itself"
        );
    }
    assert!(
        a.stack_resources("test")
            .unwrap()
            .iter()
            .all(|r| r.kind != Kind::Listener)
    );
    // HTTP to HTTPS, HTTP to HTTP on another port, HTTPS to HTTPS.
    let up = a
        .create(
            &Spec::Listener(redirect_spec(&lb.id, 80, "HTTP", ("HTTPS", 443))),
            &tags("up"),
        )
        .unwrap();
    assert_eq!(up.str("redirect"), "HTTPS:443:HTTP_301");
    assert_eq!(up.str("forward"), "");
    a.create(
        &Spec::Listener(redirect_spec(&lb.id, 8080, "HTTP", ("HTTP", 80))),
        &tags("port"),
    )
    .unwrap();
    let across = ListenerSpec {
        certificate: Some(cert.id.clone()),
        ..redirect_spec(&lb.id, 8443, "HTTPS", ("HTTPS", 443))
    };
    a.create(&Spec::Listener(across), &tags("across")).unwrap();
}

#[test]
fn a_redirect_status_other_than_301_or_302_is_validation_error() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let with_status = |status: &str| {
        let mut spec = redirect_spec(&lb.id, 80, "HTTP", ("HTTPS", 443));
        if let ListenerAction::Redirect(r) = &mut spec.action {
            r.status_code = status.into();
        }
        spec
    };
    for status in ["HTTP_307", "301", ""] {
        let err = a
            .create(&Spec::Listener(with_status(status)), &tags("up"))
            .unwrap_err();
        assert_eq!(err.code, code::Aws::ValidationError.as_str(), "{status:?}");
        assert!(
            err.message
                .contains("Member must satisfy enum value set: [HTTP_301, HTTP_302]"),
            "{}",
            err.message
        );
    }
    assert_eq!(a.find(Kind::Listener, &tags("up")).unwrap(), None);
    a.create(&Spec::Listener(with_status("HTTP_302")), &tags("up"))
        .unwrap();
}

#[test]
fn modify_listener_from_forward_to_redirect_frees_the_target_group() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    let listener = a
        .create(
            &Spec::Listener(listener_spec(&lb.id, 80, &tg.id)),
            &tags("http"),
        )
        .unwrap();
    assert_eq!(forwarding_listeners(&a, &tg.id), 1);
    assert_eq!(code(a.delete(&tg)), code::Aws::ResourceInUse.as_str());
    let changed = a
        .modify_listener(
            &listener.id,
            &redirect_spec(&lb.id, 80, "HTTP", ("HTTPS", 443)),
        )
        .unwrap();
    assert_eq!(changed.id, listener.id);
    assert_eq!(changed.str("forward"), "");
    assert_eq!(changed.str("redirect"), "HTTPS:443:HTTP_301");
    assert_eq!(a.refresh(&listener).unwrap(), changed);
    assert_eq!(forwarding_listeners(&a, &tg.id), 0);
    // Free: another load balancer may use it, and it may be deleted.
    let spec = super::lb_spec("admin", &[public(&a, "b"), public(&a, "d")], &[]);
    let admin = a.create(&Spec::LoadBalancer(spec), &tags("admin")).unwrap();
    let other = a
        .create(
            &Spec::Listener(listener_spec(&admin.id, 80, &tg.id)),
            &tags("admin-http"),
        )
        .unwrap();
    a.delete(&other).unwrap();
    a.delete(&tg).unwrap();
}

#[test]
fn modify_listener_moves_target_group_and_certificate_usage() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let app = target_group(&a, "app").unwrap();
    let next = target_group(&a, "next").unwrap();
    let listener = a
        .create(
            &Spec::Listener(listener_spec(&lb.id, 443, &app.id)),
            &tags("main"),
        )
        .unwrap();
    let cert = issued_certificate(&a, "site", "example.com");
    // HTTP -> HTTPS, to another group.
    let https = a
        .modify_listener(&listener.id, &https_spec(&lb.id, 443, &next.id, &cert.id))
        .unwrap();
    assert_eq!(https.str("protocol"), "HTTPS");
    assert_eq!(https.str("certificate"), cert.id);
    assert_eq!(forwarding_listeners(&a, &app.id), 0);
    assert_eq!(forwarding_listeners(&a, &next.id), 1);
    assert_eq!(
        a.refresh(&cert).unwrap().strs("in_use_by"),
        [lb.id.as_str()]
    );
    assert_eq!(code(a.delete(&cert)), code::Aws::CertificateInUse.as_str());
    // HTTPS -> HTTP removes the certificate and the policy.
    let http = a
        .modify_listener(&listener.id, &listener_spec(&lb.id, 443, &next.id))
        .unwrap();
    assert_eq!(http.str("protocol"), "HTTP");
    assert_eq!(http.str("certificate"), "");
    assert_eq!(http.str("ssl_policy"), "");
    assert!(a.refresh(&cert).unwrap().strs("in_use_by").is_empty());
    assert_eq!(forwarding_listeners(&a, &next.id), 1);
    // The certificate is free after ACM's short in-use window.
    assert_eq!(code(a.delete(&cert)), code::Aws::CertificateInUse.as_str());
    a.delete(&cert).unwrap();
}

#[test]
fn a_refused_modify_listener_changes_nothing() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    let listener = a
        .create(
            &Spec::Listener(listener_spec(&lb.id, 443, &tg.id)),
            &tags("main"),
        )
        .unwrap();
    let pending = certificate(&a, "site", "example.com", &[]).unwrap();
    assert_eq!(
        code(a.modify_listener(&listener.id, &https_spec(&lb.id, 443, &tg.id, &pending.id))),
        code::Aws::CertificateNotFound.as_str()
    );
    let no_cert = ListenerSpec {
        certificate: None,
        ..https_spec(&lb.id, 443, &tg.id, "")
    };
    assert_eq!(
        code(a.modify_listener(&listener.id, &no_cert)),
        code::Aws::ValidationError.as_str()
    );
    let missing = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/no/1";
    assert_eq!(
        code(a.modify_listener(&listener.id, &listener_spec(&lb.id, 443, missing))),
        code::Aws::TargetGroupNotFound.as_str()
    );
    assert_eq!(a.refresh(&listener).unwrap(), listener);
    assert_eq!(forwarding_listeners(&a, &tg.id), 1);
    assert!(a.refresh(&pending).unwrap().strs("in_use_by").is_empty());
    // An unknown (or deleted) listener.
    a.delete(&listener).unwrap();
    assert_eq!(
        code(a.modify_listener(&listener.id, &listener_spec(&lb.id, 443, &tg.id))),
        code::Aws::ListenerNotFound.as_str()
    );
}
