//! A target group's settings: the deregistration delay kept and reported,
//! its range, and `ModifyTargetGroup` / `ModifyTargetGroupAttributes`
//! changing what they are asked to and nothing else.

use super::{account, code, tags, target_group, tg_spec, vpc};
use crate::cloud::{
    Cloud, HealthCheck, Kind, Resource, Spec, Tags, TargetGroupSpec, deregistration_delay_of,
};

fn with_delay(a: &super::SimAccount, delay: u32) -> TargetGroupSpec {
    TargetGroupSpec {
        deregistration_delay: delay,
        ..tg_spec("app-tg", &vpc(a))
    }
}

#[test]
fn a_new_group_reports_its_health_check_and_a_default_delay_of_300() {
    let a = account();
    let tg = target_group(&a, "app-tg").unwrap();
    assert_eq!(HealthCheck::of(&tg), Some(HealthCheck::default()));
    assert_eq!(deregistration_delay_of(&tg), Some(300));
    let found = a.find(Kind::TargetGroup, &tags("app-tg")).unwrap().unwrap();
    assert_eq!(deregistration_delay_of(&found), Some(300));
}

#[test]
fn the_delay_is_stored_and_reported_and_kept_for_draining() {
    let a = account();
    let tg = a
        .create(&Spec::TargetGroup(with_delay(&a, 30)), &tags("app-tg"))
        .unwrap();
    assert_eq!(deregistration_delay_of(&tg), Some(30));
    assert_eq!(deregistration_delay_of(&a.refresh(&tg).unwrap()), Some(30));
    let state = a.state.borrow();
    assert_eq!(state.target_groups[&tg.id].deregistration_delay, 30);
}

#[test]
fn a_delay_outside_0_to_3600_is_invalid_configuration_request_and_creates_nothing() {
    let a = account();
    let err = a
        .create(&Spec::TargetGroup(with_delay(&a, 3601)), &tags("app-tg"))
        .unwrap_err();
    assert_eq!(err.code, "InvalidConfigurationRequest");
    assert_eq!(err.operation, "ModifyTargetGroupAttributes");
    assert!(err.message.contains("'3601'"), "{}", err.message);
    assert!(err.message.contains("0-3600"), "{}", err.message);
    assert!(
        a.find(Kind::TargetGroup, &tags("app-tg"))
            .unwrap()
            .is_none()
    );
    for edge in [0, 3600] {
        let name = format!("edge-{edge}");
        let spec = TargetGroupSpec {
            name: name.clone(),
            ..with_delay(&a, edge)
        };
        let tg = a.create(&Spec::TargetGroup(spec), &tags(&name)).unwrap();
        assert_eq!(deregistration_delay_of(&tg), Some(edge));
    }
}

/// The group, its settings changed by `change`, through ModifyTargetGroup.
fn modified(
    a: &super::SimAccount,
    tg: &Resource,
    change: impl FnOnce(&mut TargetGroupSpec),
) -> crate::cloud::CloudResult<Resource> {
    let mut spec = tg_spec("app-tg", &vpc(a));
    change(&mut spec);
    a.modify_target_group(&tg.id, &spec)
}

#[test]
fn modify_changes_only_the_settings_asked_for() {
    let a = account();
    let tg = target_group(&a, "app-tg").unwrap();
    let changed = modified(&a, &tg, |s| s.health_check.interval = 10).unwrap();
    assert_eq!(changed.id, tg.id);
    assert_eq!(HealthCheck::of(&changed).unwrap().interval, 10);
    assert_eq!(deregistration_delay_of(&changed), Some(300));
    for key in ["arn", "vpc", "port", "protocol", "targets"] {
        assert_eq!(changed.attr(key), tg.attr(key), "{key}");
    }
    let changed = modified(&a, &tg, |s| {
        s.health_check.interval = 10;
        s.deregistration_delay = 30;
    })
    .unwrap();
    assert_eq!(HealthCheck::of(&changed).unwrap().interval, 10);
    assert_eq!(deregistration_delay_of(&changed), Some(30));
    let found = a.find(Kind::TargetGroup, &tags("app-tg")).unwrap().unwrap();
    assert_eq!(found, changed);
    let state = a.state.borrow();
    let slot = &state.target_groups[&tg.id];
    assert_eq!(
        (slot.health_check.interval, slot.deregistration_delay),
        (10, 30)
    );
}

#[test]
fn modify_keeps_the_name_vpc_port_and_protocol() {
    let a = account();
    let tg = target_group(&a, "app-tg").unwrap();
    let changed = modified(&a, &tg, |s| {
        s.port = 8080;
        s.protocol = "HTTPS".into();
    })
    .unwrap();
    assert_eq!(changed.attr("port"), tg.attr("port"));
    assert_eq!(changed.str("protocol"), "HTTP");
}

#[test]
fn a_refused_modify_changes_nothing() {
    let a = account();
    let tg = target_group(&a, "app-tg").unwrap();
    let err = modified(&a, &tg, |s| {
        s.health_check.interval = 10;
        s.deregistration_delay = 4000;
    })
    .unwrap_err();
    assert_eq!(err.code, "InvalidConfigurationRequest");
    assert_eq!(
        code(modified(&a, &tg, |s| {
            s.health_check.timeout = 30;
            s.deregistration_delay = 30;
        })),
        "ValidationError"
    );
    assert_eq!(
        code(modified(&a, &tg, |s| s.health_check.path = "health".into())),
        "ValidationError"
    );
    assert_eq!(a.refresh(&tg).unwrap(), tg);
}

#[test]
fn modifying_an_unknown_or_deleted_group_is_target_group_not_found() {
    let a = account();
    let tg = target_group(&a, "app-tg").unwrap();
    let unknown = Resource::new(Kind::TargetGroup, "x", tg.id.replace("app-tg", "nope"));
    assert_eq!(code(modified(&a, &unknown, |_| {})), "TargetGroupNotFound");
    a.delete(&tg).unwrap();
    assert_eq!(code(modified(&a, &tg, |_| {})), "TargetGroupNotFound");
}

/// CreateTargetGroup's idempotency compares the create call's settings;
/// the delay, an attribute, is set on the group it returns.
#[test]
fn the_same_create_settings_return_the_group_whatever_the_delay() {
    let a = account();
    let tg = target_group(&a, "app-tg").unwrap();
    let again = a
        .create(&Spec::TargetGroup(with_delay(&a, 30)), &tags("app-tg"))
        .unwrap();
    assert_eq!(again.id, tg.id);
    assert_eq!(deregistration_delay_of(&again), Some(30));
    let mut other = with_delay(&a, 30);
    other.health_check.interval = 10;
    assert_eq!(
        code(a.create(&Spec::TargetGroup(other), &Tags::new("s", "other"))),
        "DuplicateTargetGroupName"
    );
}

#[test]
fn a_seeded_group_keeps_its_settings() {
    let a = crate::cloud::sim::SimAccount::new("ap-northeast-2");
    let check = HealthCheck {
        interval: 10,
        timeout: 5,
        ..HealthCheck::default()
    };
    let arn = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/real/0123456789abcdef";
    let seeded = Resource::new(Kind::TargetGroup, "real", arn)
        .with("arn", arn)
        .with("vpc", vpc(&a))
        .with("port", 3000)
        .with("protocol", "HTTP")
        .with("health_check", check.attr())
        .with("deregistration_delay", 30)
        .with("targets", Vec::<serde_json::Value>::new());
    a.seed(seeded.clone(), Some(tags("real")));
    let state = a.state.borrow();
    let slot = &state.target_groups[arn];
    assert_eq!(
        (&slot.health_check, slot.deregistration_delay),
        (&check, 30)
    );
}
