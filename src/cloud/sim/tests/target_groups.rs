use super::{
    account, code, instance, public, roomy_account, served_target_group, settle, subnet_in, tags,
    target_group, tg_spec, vpc,
};
use crate::cloud::Spec;
use crate::cloud::{Cloud, Kind, TargetGroupSpec};

fn states(a: &super::SimAccount, tg: &str) -> Vec<(String, String)> {
    a.target_health(tg)
        .unwrap()
        .into_iter()
        .map(|h| (h.id, h.state))
        .collect()
}

#[test]
fn a_target_group_has_an_elb_arn_and_its_attributes() {
    let a = account();
    let tg = target_group(&a, "app-tg").unwrap();
    let prefix = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/app-tg/";
    let hex = tg
        .id
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{}", tg.id));
    assert!(
        hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        "{hex}"
    );
    assert_eq!(tg.str("arn"), tg.id);
    assert_eq!(tg.str("vpc"), vpc(&a));
    assert_eq!(tg.attrs["port"], 3000);
    assert_eq!(tg.str("protocol"), "HTTP");
    assert!(tg.strs("targets").is_empty());
}

#[test]
fn target_group_names_follow_elb_rules_or_validation_error() {
    let a = account();
    for name in [
        "",
        "-app",
        "app-",
        "app_tg",
        "app.tg",
        "앱",
        &"x".repeat(33),
    ] {
        assert_eq!(code(target_group(&a, name)), "ValidationError", "{name:?}");
    }
    assert!(target_group(&a, &"x".repeat(32)).is_ok());
}

#[test]
fn a_port_of_zero_or_an_unknown_protocol_is_validation_error() {
    let a = account();
    let spec = TargetGroupSpec {
        port: 0,
        ..tg_spec("app", &vpc(&a))
    };
    assert_eq!(
        code(a.create(&Spec::TargetGroup(spec.clone()), &tags("app"))),
        "ValidationError"
    );
    let spec = TargetGroupSpec {
        protocol: "UDP".into(),
        ..tg_spec("app", &vpc(&a))
    };
    assert_eq!(
        code(a.create(&Spec::TargetGroup(spec.clone()), &tags("app"))),
        "ValidationError"
    );
    let spec = TargetGroupSpec {
        vpc: "vpc-0123456789abcdef0".into(),
        ..tg_spec("app", &vpc(&a))
    };
    assert_eq!(
        code(a.create(&Spec::TargetGroup(spec.clone()), &tags("app"))),
        "ValidationError"
    );
}

#[test]
fn the_same_name_with_other_settings_is_duplicate_target_group_name() {
    let a = account();
    let tg = target_group(&a, "app").unwrap();
    // Same settings: AWS returns the existing group.
    assert_eq!(target_group(&a, "app").unwrap(), tg);
    let spec = TargetGroupSpec {
        port: 8080,
        ..tg_spec("app", &vpc(&a))
    };
    assert_eq!(
        code(a.create(&Spec::TargetGroup(spec.clone()), &tags("other"))),
        "DuplicateTargetGroupName"
    );
}

#[test]
fn registering_in_an_unknown_group_is_target_group_not_found() {
    let a = account();
    let web = settle(&a, &instance(&a, &public(&a, "a"), &[]).unwrap(), "running");
    assert_eq!(
        code(a.register_targets(
            "arn:aws:elasticloadbalancing:x:1:targetgroup/no/1",
            &[web.id]
        )),
        "TargetGroupNotFound"
    );
}

#[test]
fn registering_an_unknown_terminated_or_foreign_instance_is_invalid_target() {
    let a = roomy_account();
    let tg = target_group(&a, "app").unwrap();
    assert_eq!(
        code(a.register_targets(&tg.id, &["i-0123456789abcdef0".into()])),
        "InvalidTarget"
    );
    // RegisterTargets takes running instances only: a pending one is refused.
    let pending = instance(&a, &public(&a, "a"), &[]).unwrap();
    let err = a
        .register_targets(&tg.id, std::slice::from_ref(&pending.id))
        .unwrap_err();
    assert_eq!(err.code, "InvalidTarget");
    assert!(
        err.message.contains("not in a running state"),
        "{}",
        err.message
    );
    let gone = settle(&a, &instance(&a, &public(&a, "a"), &[]).unwrap(), "running");
    a.terminate_instances(std::slice::from_ref(&gone.id))
        .unwrap();
    assert_eq!(
        code(a.register_targets(&tg.id, std::slice::from_ref(&gone.id))),
        "InvalidTarget"
    );
    let other = subnet_in(&a, &super::seed::second_vpc(&a), "10.0.0.0/24", "a").unwrap();
    let foreign = settle(&a, &instance(&a, &other.id, &[]).unwrap(), "running");
    let err = a
        .register_targets(&tg.id, std::slice::from_ref(&foreign.id))
        .unwrap_err();
    assert_eq!(err.code, "InvalidTarget");
    assert!(err.message.contains(&vpc(&a)), "{}", err.message);
    assert_eq!(
        code(a.deregister_targets(&tg.id, std::slice::from_ref(&foreign.id))),
        "InvalidTarget"
    );
}

#[test]
fn registering_twice_is_a_no_op_and_targets_are_recorded() {
    let a = account();
    let tg = target_group(&a, "app").unwrap();
    let one = settle(&a, &instance(&a, &public(&a, "a"), &[]).unwrap(), "running");
    let two = settle(&a, &instance(&a, &public(&a, "c"), &[]).unwrap(), "running");
    a.register_targets(&tg.id, &[one.id.clone(), two.id.clone()])
        .unwrap();
    a.register_targets(&tg.id, std::slice::from_ref(&one.id))
        .unwrap();
    let now = a.find(Kind::TargetGroup, &tags("app")).unwrap().unwrap();
    assert_eq!(now.strs("targets"), [one.id.clone(), two.id.clone()]);
    a.deregister_targets(&tg.id, std::slice::from_ref(&one.id))
        .unwrap();
    a.deregister_targets(&tg.id, std::slice::from_ref(&one.id))
        .unwrap();
    assert_eq!(a.refresh(&tg).unwrap().strs("targets"), [two.id]);
}

#[test]
fn targets_are_initial_until_their_instance_runs_and_once_more_then_healthy() {
    let a = account();
    let tg = served_target_group(&a, "app");
    let web = settle(&a, &instance(&a, &public(&a, "a"), &[]).unwrap(), "running");
    a.register_targets(&tg.id, std::slice::from_ref(&web.id))
        .unwrap();
    assert_eq!(states(&a, &tg.id), [(web.id.clone(), "initial".into())]);
    // Time passes while health is polled: the instance booted meanwhile.
    assert_eq!(a.refresh(&web).unwrap().state(), "running");
    assert_eq!(states(&a, &tg.id), [(web.id.clone(), "healthy".into())]);
    assert_eq!(a.target_health(&tg.id).unwrap()[0].port, 3000);
}

#[test]
fn a_target_whose_instance_is_not_running_is_initial() {
    let a = account();
    let tg = served_target_group(&a, "app");
    let web = settle(&a, &instance(&a, &public(&a, "a"), &[]).unwrap(), "running");
    a.register_targets(&tg.id, std::slice::from_ref(&web.id))
        .unwrap();
    states(&a, &tg.id);
    a.state.borrow_mut().set_state(&web.id, "pending");
    assert_eq!(states(&a, &tg.id), [(web.id.clone(), "initial".into())]);
    assert_eq!(states(&a, &tg.id), [(web.id.clone(), "healthy".into())]);
}

#[test]
fn a_running_target_is_initial_for_the_first_report_after_registration() {
    let a = account();
    let tg = served_target_group(&a, "app");
    let web = settle(&a, &instance(&a, &public(&a, "a"), &[]).unwrap(), "running");
    a.register_targets(&tg.id, std::slice::from_ref(&web.id))
        .unwrap();
    assert_eq!(states(&a, &tg.id), [(web.id.clone(), "initial".into())]);
    assert_eq!(states(&a, &tg.id), [(web.id.clone(), "healthy".into())]);
}

#[test]
fn deregistered_and_terminated_targets_drain_once_then_are_gone() {
    let a = account();
    let tg = target_group(&a, "app").unwrap();
    let one = settle(&a, &instance(&a, &public(&a, "a"), &[]).unwrap(), "running");
    let two = settle(&a, &instance(&a, &public(&a, "c"), &[]).unwrap(), "running");
    a.register_targets(&tg.id, &[one.id.clone(), two.id.clone()])
        .unwrap();
    a.deregister_targets(&tg.id, std::slice::from_ref(&one.id))
        .unwrap();
    a.terminate_instances(std::slice::from_ref(&two.id))
        .unwrap();
    let report = states(&a, &tg.id);
    assert_eq!(report.len(), 2);
    assert!(
        report.iter().all(|(_, state)| state == "draining"),
        "{report:?}"
    );
    assert!(states(&a, &tg.id).is_empty());
    assert!(a.refresh(&tg).unwrap().strs("targets").is_empty());
}

/// CreateTargetGroup's health-check settings: interval 5-300, timeout
/// 2-120 and shorter than the interval, thresholds 2-10 (ValidationError
/// otherwise); AWS's defaults: interval 30, timeout 6 for HTTP and 10 for
/// HTTPS and TCP, healthy 5, unhealthy 2.
#[test]
fn health_check_settings_follow_aws_ranges_and_the_timeout_is_shorter_than_the_interval() {
    let a = account();
    let check = |change: fn(&mut crate::cloud::HealthCheck)| {
        let mut spec = super::tg_spec("web-tg", &vpc(&a));
        change(&mut spec.health_check);
        a.create(&Spec::TargetGroup(spec), &tags("web-tg"))
    };
    for bad in [
        (|h: &mut crate::cloud::HealthCheck| h.interval = 4) as fn(&mut _),
        |h| h.interval = 301,
        |h| h.timeout = 1,
        |h| {
            h.interval = 300;
            h.timeout = 121;
        },
        |h| h.timeout = 30,
        |h| h.healthy_threshold = 11,
        |h| h.unhealthy_threshold = 1,
    ] {
        assert_eq!(code(check(bad)), "ValidationError");
    }
    let err = check(|h| {
        h.interval = 10;
        h.timeout = 10;
    })
    .unwrap_err();
    assert_eq!(
        err.message,
        "Health check interval must be greater than the timeout."
    );
    assert!(
        check(|h| {
            h.interval = 10;
            h.timeout = 5;
            h.healthy_threshold = 2;
        })
        .is_ok()
    );
    let http = crate::cloud::HealthCheck::defaults("HTTP");
    assert_eq!(
        (
            http.interval,
            http.timeout,
            http.healthy_threshold,
            http.unhealthy_threshold
        ),
        (30, 6, 5, 2)
    );
    assert_eq!(crate::cloud::HealthCheck::defaults("TCP").timeout, 10);
    assert_eq!(crate::cloud::HealthCheck::defaults("HTTPS").timeout, 10);
}

/// A target of a group no listener forwards to, or in an AZ its load
/// balancer does not use, is `unused` for `Target.NotInUse`, whatever its
/// instance does; a listener makes the group's targets `initial`, then
/// `healthy`.
#[test]
fn targets_of_a_group_no_listener_uses_or_outside_the_lbs_azs_are_unused() {
    let a = account();
    let tg = target_group(&a, "app").unwrap();
    let web = settle(&a, &instance(&a, &public(&a, "a"), &[]).unwrap(), "running");
    a.register_targets(&tg.id, std::slice::from_ref(&web.id))
        .unwrap();
    for _ in 0..3 {
        let health = a.target_health(&tg.id).unwrap();
        assert_eq!(health[0].state, "unused");
        assert_eq!(health[0].reason, "Target.NotInUse");
        assert_eq!(
            health[0].description,
            "Target group is not configured to receive traffic from the load balancer"
        );
    }
    let lb = super::load_balancer(&a, "web").unwrap();
    let listener = super::listener_spec(&lb.id, 80, &tg.id);
    a.create(&Spec::Listener(listener), &tags("web")).unwrap();
    assert_eq!(states(&a, &tg.id), [(web.id.clone(), "initial".into())]);
    assert_eq!(states(&a, &tg.id), [(web.id.clone(), "healthy".into())]);
    // The load balancer is in 2a and 2c: a target in 2b gets no traffic.
    let far = settle(&a, &instance(&a, &public(&a, "b"), &[]).unwrap(), "running");
    a.register_targets(&tg.id, std::slice::from_ref(&far.id))
        .unwrap();
    let health = a.target_health(&tg.id).unwrap();
    let far_health = health.iter().find(|h| h.id == far.id).unwrap();
    assert_eq!(far_health.state, "unused");
    assert_eq!(
        far_health.description,
        "Target is in an Availability Zone that is not enabled for the load balancer"
    );
}
