//! EC2 Auto Scaling and launch templates, as AWS documents them.

use super::{code, public, roomy_account, served_target_group, subnet_in, tags};
use crate::cloud::sim::{Latency, SimAccount};
use crate::cloud::{
    AutoScalingGroupSpec, Cloud, GroupUpdate, Kind, LaunchTemplateSpec, Resource, ScalingMetric,
    ScalingPolicySpec, Spec, Tags, VpcSpec,
};

fn template_spec(name: &str) -> LaunchTemplateSpec {
    LaunchTemplateSpec {
        name: name.into(),
        image: "ami-0123456789abcdef0".into(),
        instance_type: "t3.micro".into(),
        security_groups: vec![],
        user_data: "#!/bin/sh\necho v1\n".into(),
        public_ip: false,
    }
}

fn template(a: &SimAccount) -> Resource {
    a.create(
        &Spec::LaunchTemplate(template_spec("test-web")),
        &tags("web"),
    )
    .unwrap()
}

fn group_spec(a: &SimAccount, template: &str, tg: &str) -> AutoScalingGroupSpec {
    AutoScalingGroupSpec {
        name: "test-web".into(),
        launch_template: template.into(),
        version: 1,
        min: 1,
        max: 4,
        desired: 2,
        subnets: vec![public(a, "a"), public(a, "c")],
        target_groups: vec![tg.into()],
        health_check_type: "ELB".into(),
        grace: 0,
    }
}

/// An account with a served target group `web`, a template and a group of 2.
fn with_group() -> (SimAccount, Resource, Resource, Resource) {
    let a = roomy_account();
    let tg = served_target_group(&a, "web");
    let lt = template(&a);
    let group = a
        .create(
            &Spec::AutoScalingGroup(group_spec(&a, &lt.id, &tg.id)),
            &tags("web"),
        )
        .unwrap();
    (a, tg, lt, group)
}

fn members(group: &Resource) -> Vec<serde_json::Value> {
    group.attrs["instances"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn field(member: &serde_json::Value, key: &str) -> String {
    match &member[key] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Refreshes the group until every instance is InService (at most 6 times).
fn in_service(a: &SimAccount, group: &Resource) -> Resource {
    let mut now = group.clone();
    for _ in 0..6 {
        now = a.refresh(&now).unwrap();
        let all = members(&now);
        let desired = now.attrs["desired"].as_u64().unwrap() as usize;
        if all.len() == desired && all.iter().all(|m| m["lifecycle"] == "InService") {
            return now;
        }
    }
    panic!("the group never got InService: {now}");
}

#[test]
fn a_group_launches_its_desired_capacity_spread_over_its_azs_and_registers_each_with_its_target_group()
 {
    let (a, tg, _, group) = with_group();
    assert_eq!(group.str("capacity"), "2 (1..4)");
    let launched = members(&group);
    assert_eq!(launched.len(), 2);
    assert!(launched.iter().all(|m| m["lifecycle"] == "Pending"));
    let group = in_service(&a, &group);
    let mut azs: Vec<String> = members(&group).iter().map(|m| field(m, "az")).collect();
    azs.sort();
    assert_eq!(azs, ["ap-northeast-2a", "ap-northeast-2c"]);
    let registered = a.refresh(&tg).unwrap().strs("targets");
    for m in members(&group) {
        let id = field(&m, "id");
        assert!(registered.contains(&id), "{id} not in {registered:?}");
        let instance = a.refresh(&Resource::new(Kind::Instance, "", &id)).unwrap();
        assert_eq!(instance.str("group"), "test-web");
        assert_eq!(instance.name, "web", "the group's Name tag propagates");
        assert_eq!(instance.state(), "running");
    }
    assert!(
        a.state
            .borrow()
            .store
            .stack("test")
            .iter()
            .any(|r| r.kind == Kind::Instance)
    );
}

#[test]
fn a_desired_capacity_outside_min_to_max_is_refused_and_nothing_changes() {
    let a = roomy_account();
    let tg = served_target_group(&a, "web");
    let lt = template(&a);
    let spec = AutoScalingGroupSpec {
        desired: 5,
        ..group_spec(&a, &lt.id, &tg.id)
    };
    let err = a
        .create(&Spec::AutoScalingGroup(spec), &tags("web"))
        .unwrap_err();
    assert_eq!(err.code, "ValidationError");
    assert_eq!(
        err.message,
        "Desired capacity:5 must be between the specified min size:1 and max size:4"
    );
    assert!(a.state.borrow().scaling_groups.is_empty());
    let group = a
        .create(
            &Spec::AutoScalingGroup(group_spec(&a, &lt.id, &tg.id)),
            &tags("web"),
        )
        .unwrap();
    let update = GroupUpdate {
        desired: Some(0),
        ..Default::default()
    };
    assert_eq!(code(a.update_group(&group.id, &update)), "ValidationError");
    let now = a.refresh(&group).unwrap();
    assert_eq!(now.str("capacity"), "2 (1..4)");
    assert_eq!(members(&now).len(), 2);
}

#[test]
fn subnets_of_two_vpcs_are_refused() {
    let a = roomy_account();
    let tg = served_target_group(&a, "web");
    let lt = template(&a);
    let other = a
        .create_vpc(
            &VpcSpec {
                cidr: "10.9.0.0/16".into(),
            },
            &tags("other"),
        )
        .unwrap();
    let far = subnet_in(&a, &other.id, "10.9.1.0/24", "b").unwrap();
    let spec = AutoScalingGroupSpec {
        subnets: vec![public(&a, "a"), far.id],
        ..group_spec(&a, &lt.id, &tg.id)
    };
    assert_eq!(
        code(a.create(&Spec::AutoScalingGroup(spec), &tags("web"))),
        "ValidationError"
    );
    assert!(a.state.borrow().scaling_groups.is_empty());
}

#[test]
fn an_unknown_template_version_is_refused() {
    let a = roomy_account();
    let tg = served_target_group(&a, "web");
    let lt = template(&a);
    let spec = AutoScalingGroupSpec {
        version: 2,
        ..group_spec(&a, &lt.id, &tg.id)
    };
    assert_eq!(
        code(a.create(&Spec::AutoScalingGroup(spec), &tags("web"))),
        "ValidationError"
    );
    assert_eq!(a.state.borrow().vcpus_in_use, 0, "nothing launched");
}

#[test]
fn a_second_group_of_the_same_name_is_already_exists() {
    let (a, tg, lt, _) = with_group();
    assert_eq!(
        code(a.create(
            &Spec::AutoScalingGroup(group_spec(&a, &lt.id, &tg.id)),
            &tags("web2")
        )),
        "AlreadyExists"
    );
}

#[test]
fn an_instance_terminated_outside_the_group_is_replaced() {
    let (a, _, _, group) = with_group();
    let group = in_service(&a, &group);
    let victim = field(&members(&group)[0], "id");
    a.terminate_instances(std::slice::from_ref(&victim))
        .unwrap();
    let now = a.refresh(&group).unwrap();
    let ids: Vec<String> = members(&now).iter().map(|m| field(m, "id")).collect();
    assert_eq!(ids.len(), 2);
    assert!(!ids.contains(&victim));
    let now = in_service(&a, &now);
    assert_eq!(members(&now).len(), 2);
}

#[test]
fn an_instance_failing_its_health_checks_is_replaced_after_the_grace_period_not_before() {
    let a = roomy_account();
    let tg = served_target_group(&a, "web");
    let lt = template(&a);
    a.set_latency(Latency::Realistic { scale: 0.0005 });
    let spec = AutoScalingGroupSpec {
        grace: 600,
        ..group_spec(&a, &lt.id, &tg.id)
    };
    let mut group = a
        .create(&Spec::AutoScalingGroup(spec), &tags("web"))
        .unwrap();
    // 30 s to running at this scale is 15 ms.
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(5));
        group = a.refresh(&group).unwrap();
        if members(&group)
            .iter()
            .all(|m| m["lifecycle"] == "InService")
        {
            break;
        }
    }
    let sick = field(&members(&group)[0], "id");
    a.fail_app(&sick);
    let health = a.target_health(&tg.id).unwrap();
    assert!(
        health
            .iter()
            .any(|h| h.id == sick && h.state == "unhealthy")
    );
    group = a.refresh(&group).unwrap();
    assert!(
        members(&group).iter().any(|m| field(m, "id") == sick),
        "within the grace period (600 s = 300 ms here) the group keeps it"
    );
    std::thread::sleep(std::time::Duration::from_millis(320));
    group = a.refresh(&group).unwrap();
    let sick_now: Vec<_> = members(&group)
        .into_iter()
        .filter(|m| field(m, "id") == sick)
        .collect();
    assert!(
        sick_now.is_empty() || sick_now[0]["lifecycle"] == "Terminating",
        "{group}"
    );
    let active = members(&group)
        .iter()
        .filter(|m| m["lifecycle"] == "Pending" || m["lifecycle"] == "InService")
        .count();
    assert_eq!(active, 2, "a replacement is launched");
}

#[test]
fn detaching_with_decrement_drains_the_instance_and_keeps_it_running() {
    let (a, tg, _, group) = with_group();
    let group = in_service(&a, &group);
    let leaving = field(&members(&group)[0], "id");
    a.detach_instances(&group.id, std::slice::from_ref(&leaving), true)
        .unwrap();
    let health = a.target_health(&tg.id).unwrap();
    assert!(
        health
            .iter()
            .any(|h| h.id == leaving && h.state == "draining")
    );
    let now = a.refresh(&group).unwrap();
    assert_eq!(now.attrs["desired"], 1);
    assert_eq!(members(&now).len(), 1);
    assert!(members(&now).iter().all(|m| field(m, "id") != leaving));
    let instance = a
        .refresh(&Resource::new(Kind::Instance, "", &leaving))
        .unwrap();
    assert_eq!(instance.state(), "running");
}

#[test]
fn detaching_with_decrement_below_min_is_refused() {
    let (a, _, _, group) = with_group();
    let group = in_service(&a, &group);
    let ids: Vec<String> = members(&group).iter().map(|m| field(m, "id")).collect();
    assert_eq!(
        code(a.detach_instances(&group.id, &ids, true)),
        "ValidationError"
    );
    assert_eq!(members(&a.refresh(&group).unwrap()).len(), 2);
}

#[test]
fn scale_in_terminates_from_the_az_with_the_most_oldest_version_first() {
    let (a, _, lt, group) = with_group();
    let group = in_service(&a, &group);
    let v2 = LaunchTemplateSpec {
        user_data: "#!/bin/sh\necho v2\n".into(),
        ..template_spec("test-web")
    };
    a.new_template_version(&lt.id, &v2).unwrap();
    let up = GroupUpdate {
        desired: Some(3),
        version: Some(2),
        ..Default::default()
    };
    let group = in_service(&a, &a.update_group(&group.id, &up).unwrap());
    // Two in one AZ (a version 1 and a version 2), one in the other.
    let all = members(&group);
    let mut per_az = std::collections::BTreeMap::<String, Vec<(String, String)>>::new();
    for m in &all {
        per_az
            .entry(field(m, "az"))
            .or_default()
            .push((field(m, "version"), field(m, "id")));
    }
    let crowded = per_az
        .values()
        .find(|v| v.len() == 2)
        .expect("an AZ with two");
    let oldest = crowded.iter().min().unwrap().1.clone();
    let down = GroupUpdate {
        desired: Some(2),
        ..Default::default()
    };
    let now = a.update_group(&group.id, &down).unwrap();
    let terminating: Vec<String> = members(&now)
        .iter()
        .filter(|m| m["lifecycle"] == "Terminating")
        .map(|m| field(m, "id"))
        .collect();
    assert_eq!(terminating, [oldest]);
}

#[test]
fn a_suspended_launch_keeps_the_group_below_desired() {
    let (a, _, _, group) = with_group();
    let group = in_service(&a, &group);
    a.suspend_processes(&group.id, &["Launch"], true).unwrap();
    let up = GroupUpdate {
        desired: Some(4),
        ..Default::default()
    };
    a.update_group(&group.id, &up).unwrap();
    let now = a.refresh(&group).unwrap();
    assert_eq!(members(&now).len(), 2);
    assert_eq!(now.strs("suspended"), ["Launch"]);
    a.suspend_processes(&group.id, &["Launch"], false).unwrap();
    assert_eq!(members(&a.refresh(&group).unwrap()).len(), 4);
}

#[test]
fn an_unknown_process_name_is_refused() {
    let (a, _, _, group) = with_group();
    assert_eq!(
        code(a.suspend_processes(&group.id, &["Scaling"], true)),
        "ValidationError"
    );
}

#[test]
fn a_new_template_version_leaves_running_instances_alone() {
    let (a, _, lt, group) = with_group();
    let group = in_service(&a, &group);
    let before: Vec<String> = members(&group).iter().map(|m| field(m, "id")).collect();
    let v2 = LaunchTemplateSpec {
        instance_type: "t3.small".into(),
        ..template_spec("test-web")
    };
    let now = a.new_template_version(&lt.id, &v2).unwrap();
    assert_eq!(now.attrs["version"], 2);
    assert_eq!(now.name, "web");
    let group = a.refresh(&group).unwrap();
    let after: Vec<String> = members(&group).iter().map(|m| field(m, "id")).collect();
    assert_eq!(before, after);
    assert!(members(&group).iter().all(|m| m["version"] == 1));
    assert_eq!(group.attrs["version"], 1);
}

#[test]
fn template_names_follow_aws_rules_and_are_unique() {
    let a = roomy_account();
    for name in ["ab", "web server", "web*", &"x".repeat(129)] {
        assert_eq!(
            code(a.create(&Spec::LaunchTemplate(template_spec(name)), &tags("web"))),
            "InvalidLaunchTemplateName.MalformedException",
            "{name:?}"
        );
    }
    let lt = template(&a);
    assert!(lt.id.starts_with("lt-"));
    assert_eq!(lt.attrs["version"], 1);
    assert_eq!(lt.str("user_data_hash").len(), 64);
    assert_eq!(
        code(a.create(
            &Spec::LaunchTemplate(template_spec("test-web")),
            &tags("web2")
        )),
        "InvalidLaunchTemplateName.AlreadyExistsException"
    );
}

#[test]
fn a_template_with_a_missing_security_group_or_bad_image_is_refused() {
    let a = roomy_account();
    let spec = LaunchTemplateSpec {
        security_groups: vec!["sg-0123456789abcdef0".into()],
        ..template_spec("test-web")
    };
    assert_eq!(
        code(a.create(&Spec::LaunchTemplate(spec), &tags("web"))),
        "InvalidGroup.NotFound"
    );
    let spec = LaunchTemplateSpec {
        image: "image-1".into(),
        ..template_spec("test-web")
    };
    assert_eq!(
        code(a.create(&Spec::LaunchTemplate(spec), &tags("web"))),
        "InvalidAMIID.Malformed"
    );
}

#[test]
fn deleting_a_template_that_does_not_exist_is_not_found_and_one_in_use_is_allowed() {
    let (a, _, lt, _) = with_group();
    a.delete(&lt).unwrap();
    let err = a.delete(&lt).unwrap_err();
    assert!(
        Kind::LaunchTemplate.is_not_found(&err.code, &err.message),
        "{err}"
    );
}

#[test]
fn a_forced_delete_terminates_every_instance_then_the_group_is_deleted() {
    let (a, _, _, group) = with_group();
    let group = in_service(&a, &group);
    let ids: Vec<String> = members(&group).iter().map(|m| field(m, "id")).collect();
    a.delete(&group).unwrap();
    let now = a.refresh(&group).unwrap();
    assert_eq!(now.state(), "deleted", "{now}");
    for id in ids {
        let i = a.refresh(&Resource::new(Kind::Instance, "", &id)).unwrap();
        assert_eq!(i.state(), "terminated");
    }
    assert!(
        a.find(Kind::AutoScalingGroup, &tags("web"))
            .unwrap()
            .is_none()
    );
}

fn lb_label(a: &SimAccount, tg: &Resource) -> String {
    let lb = a
        .find(Kind::LoadBalancer, &tags("web-lb"))
        .unwrap()
        .unwrap();
    let lb_part = lb.id.split_once(":loadbalancer/").unwrap().1.to_string();
    let tg_part = tg
        .id
        .split_once(":")
        .map(|_| tg.id.rsplit_once(":").unwrap().1)
        .unwrap();
    format!("{lb_part}/{tg_part}")
}

fn policy_spec(label: String, target: u32) -> ScalingPolicySpec {
    ScalingPolicySpec {
        group: "test-web".into(),
        name: "requests".into(),
        metric: ScalingMetric::Requests {
            resource_label: label,
        },
        target,
    }
}

#[test]
fn a_requests_per_target_policy_needs_a_target_group_a_load_balancer_forwards_to() {
    let (a, tg, _, _) = with_group();
    let label = lb_label(&a, &tg);
    let bad = label.replace("targetgroup/web/", "targetgroup/other/");
    assert_eq!(
        code(a.create(
            &Spec::ScalingPolicy(policy_spec(bad, 1000)),
            &tags("requests")
        )),
        "ValidationError"
    );
    let policy = a
        .create(
            &Spec::ScalingPolicy(policy_spec(label.clone(), 1000)),
            &tags("requests"),
        )
        .unwrap();
    assert!(
        policy
            .id
            .starts_with("arn:aws:autoscaling:ap-northeast-2:123456789012:scalingPolicy:")
            && policy
                .id
                .ends_with(":autoScalingGroupName/test-web:policyName/requests"),
        "{}",
        policy.id
    );
    assert_eq!(policy.str("resource_label"), label);
}

#[test]
fn putting_a_policy_again_replaces_its_settings_and_the_stack_lists_it() {
    let (a, tg, _, group) = with_group();
    let label = lb_label(&a, &tg);
    let first = a
        .create(
            &Spec::ScalingPolicy(policy_spec(label.clone(), 1000)),
            &tags("requests"),
        )
        .unwrap();
    let second = a
        .create(
            &Spec::ScalingPolicy(policy_spec(label, 500)),
            &tags("requests"),
        )
        .unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(second.attrs["target"], 500);
    let stack = a.stack_resources("test").unwrap();
    assert!(
        stack
            .iter()
            .any(|r| r.kind == Kind::ScalingPolicy && r.id == first.id)
    );
    a.delete(&group).unwrap();
    let stack = a.stack_resources("test").unwrap();
    assert!(
        !stack.iter().any(|r| r.kind == Kind::ScalingPolicy),
        "policies go with their group"
    );
}

#[test]
fn the_estimate_under_the_latency_model_includes_the_groups_launch() {
    let a = roomy_account();
    let tg = served_target_group(&a, "web");
    let lt = template(&a);
    a.set_latency(Latency::Realistic { scale: 0.0 });
    let group = a
        .create(
            &Spec::AutoScalingGroup(group_spec(&a, &lt.id, &tg.id)),
            &tags("web"),
        )
        .unwrap();
    in_service(&a, &group);
    let estimate = a.estimate().unwrap();
    assert!(estimate.seconds >= 30, "{estimate:?}");
    assert!(
        estimate
            .critical_path
            .iter()
            .any(|s| s.kind == Kind::Instance && s.state == "running"),
        "{}",
        estimate.path_text()
    );
}

#[test]
fn a_mirror_seeds_templates_groups_with_their_instances_and_policies() {
    let (live, tg, lt, group) = with_group();
    let group = in_service(&live, &group);
    let mirror = roomy_account();
    let mirror_tags = Some(Tags::new("test", "web"));
    let state = live.state.borrow();
    let mut seeded: Vec<_> = state
        .store
        .stack("test")
        .into_iter()
        .filter(|r| matches!(r.kind, Kind::Vpc | Kind::Subnet) || r.kind == Kind::Instance)
        .collect();
    seeded.sort_by_key(|r| r.kind);
    drop(state);
    for r in seeded {
        mirror.seed(r, mirror_tags.clone());
    }
    mirror.seed(lt.clone(), mirror_tags.clone());
    mirror.seed(group.clone(), mirror_tags.clone());
    let _ = tg;
    let found = mirror
        .find(Kind::AutoScalingGroup, &tags("web"))
        .unwrap()
        .unwrap();
    assert_eq!(members(&found).len(), 2);
    let s = mirror.state.borrow();
    assert_eq!(s.scaling_groups["test-web"].members.len(), 2);
    assert_eq!(s.templates[&lt.id].latest(), 1);
}

#[test]
fn a_group_launches_within_the_vcpu_quota_and_stays_below_desired_beyond_it() {
    // A new account's 5 vCPUs hold two t3.micro (2 vCPUs each), not three.
    let a = super::account();
    let tg = served_target_group(&a, "web");
    let lt = template(&a);
    let spec = AutoScalingGroupSpec {
        desired: 3,
        ..group_spec(&a, &lt.id, &tg.id)
    };
    let group = a
        .create(&Spec::AutoScalingGroup(spec), &tags("web"))
        .unwrap();
    assert_eq!(members(&group).len(), 2);
    assert!(
        group.str("launch_error").starts_with("VcpuLimitExceeded"),
        "{group}"
    );
    assert_eq!(members(&a.refresh(&group).unwrap()).len(), 2);
}

#[test]
fn launch_templates_groups_and_policies_are_never_adopted() {
    let a = roomy_account();
    let lt = template(&a);
    let mirror = roomy_account();
    mirror.seed(lt, None);
    for kind in [
        Kind::LaunchTemplate,
        Kind::AutoScalingGroup,
        Kind::ScalingPolicy,
    ] {
        assert!(mirror.untagged(kind).unwrap().is_empty(), "{kind}");
    }
}
