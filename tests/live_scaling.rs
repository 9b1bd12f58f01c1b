//! The live backend's EC2 Auto Scaling (`AwsCloud`: launch templates,
//! groups, target-tracking policies) against moto on 127.0.0.1, checked
//! with the tests' own SDK clients. Only what AWS guarantees is asserted:
//! instances are waited for (never taken to be there at once), and target
//! health is never read.

use std::time::{Duration, Instant};

use awsrun::cloud::aws::AwsCloud;
use awsrun::cloud::{
    AutoScalingGroupSpec, Cloud, GroupUpdate, HealthCheck, Kind, LaunchTemplateSpec, Resource,
    ScalingMetric, ScalingPolicySpec, SecurityGroupSpec, Spec, Tags, TargetGroupSpec,
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::moto::{Moto, moto};

const STACK: &str = "shop";

fn hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Polls the group until `done` holds (AWS launches and registers
/// asynchronously), for at most a minute.
fn until(cloud: &AwsCloud, group: &Resource, done: impl Fn(&Resource) -> bool) -> Resource {
    let started = Instant::now();
    loop {
        let now = cloud.refresh(group).unwrap();
        if done(&now) {
            return now;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the group never got there: {now:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn instance_ids(group: &Resource) -> Vec<String> {
    match group.attr("instances") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i["id"].as_str().unwrap_or("").to_string())
            .collect(),
        _ => Vec::new(),
    }
}

fn registered(moto: &Moto, target_group: &str) -> Vec<String> {
    let elb = moto.elb();
    let out = moto
        .block_on(
            elb.describe_target_health()
                .target_group_arn(target_group)
                .send(),
        )
        .unwrap();
    out.target_health_descriptions()
        .iter()
        .filter_map(|d| d.target().and_then(|t| t.id()).map(str::to_string))
        .collect()
}

fn template_spec(name: &str, image: &str, sg: &str, user_data: &str) -> LaunchTemplateSpec {
    LaunchTemplateSpec {
        name: format!("{STACK}-{name}"),
        image: image.to_string(),
        instance_type: "t3.micro".to_string(),
        security_groups: vec![sg.to_string()],
        user_data: user_data.to_string(),
        public_ip: false,
    }
}

#[test]
fn a_group_launches_its_template_scales_detaches_and_is_deleted_with_nothing_left() {
    let moto = moto();
    let cloud = moto.cloud();
    let t = |name: &str| Tags::new(STACK, name);
    let vpc = cloud.default_vpc().unwrap();
    let subnets: Vec<String> = cloud
        .vpc_subnets(&vpc.id)
        .unwrap()
        .into_iter()
        .filter(|s| s.attr("default") == Some(&json!(true)))
        .take(2)
        .map(|s| s.id)
        .collect();
    assert_eq!(subnets.len(), 2);
    let image = cloud.latest_ami("al2023").unwrap();
    let sg = cloud
        .create(
            &Spec::SecurityGroup(SecurityGroupSpec {
                vpc: vpc.id.clone(),
                group_name: format!("{STACK}-app"),
                description: "app servers".into(),
            }),
            &t("app"),
        )
        .unwrap();
    let tg = cloud
        .create(
            &Spec::TargetGroup(TargetGroupSpec {
                name: format!("{STACK}-app"),
                vpc: vpc.id.clone(),
                port: 3000,
                protocol: "HTTP".into(),
                health_check: HealthCheck::default(),
                deregistration_delay: 300,
            }),
            &t("app"),
        )
        .unwrap();

    // The template, read back from what AWS stored.
    let spec = template_spec("app", &image, &sg.id, "#!/bin/bash\necho v1\n");
    let lt = cloud
        .create(&Spec::LaunchTemplate(spec.clone()), &t("app"))
        .unwrap();
    assert!(lt.id.starts_with("lt-"), "{lt:?}");
    assert_eq!(lt.name, "app");
    assert_eq!(lt.str("template_name"), "shop-app");
    assert_eq!(lt.attr("version"), Some(&json!(1)));
    assert_eq!(lt.str("image"), image);
    assert_eq!(lt.str("instance_type"), "t3.micro");
    assert_eq!(lt.strs("security_groups"), vec![sg.id.clone()]);
    assert_eq!(lt.attr("public_ip"), Some(&json!(false)));
    assert_eq!(lt.str("user_data_hash"), hash("#!/bin/bash\necho v1\n"));

    // A new version becomes the default.
    let v2 = template_spec("app", &image, &sg.id, "#!/bin/bash\necho v2\n");
    let lt2 = cloud.new_template_version(&lt.id, &v2).unwrap();
    assert_eq!(lt2.id, lt.id);
    assert_eq!(lt2.attr("version"), Some(&json!(2)));
    assert_eq!(lt2.str("user_data_hash"), hash("#!/bin/bash\necho v2\n"));
    let ec2 = moto.ec2();
    let described = moto
        .block_on(
            ec2.describe_launch_templates()
                .launch_template_ids(&lt.id)
                .send(),
        )
        .unwrap();
    assert_eq!(
        described.launch_templates()[0].default_version_number(),
        Some(2)
    );
    let found = cloud
        .find(Kind::LaunchTemplate, &t("app"))
        .unwrap()
        .unwrap();
    assert_eq!(found.attr("version"), Some(&json!(2)));

    // The group over two subnets, registering with the target group. It
    // launches version 1 and moves to version 2 at the end: moto 5.2.1
    // fails (HTTP 500) to launch from a version made by
    // CreateLaunchTemplateVersion, which AWS does not.
    let group_spec = AutoScalingGroupSpec {
        name: format!("{STACK}-app"),
        launch_template: lt.id.clone(),
        version: 1,
        min: 2,
        max: 4,
        desired: 2,
        subnets: subnets.clone(),
        target_groups: vec![tg.id.clone()],
        health_check_type: "ELB".into(),
        grace: 120,
    };
    let group = cloud
        .create(&Spec::AutoScalingGroup(group_spec), &t("app"))
        .unwrap();
    assert_eq!(group.id, "shop-app");
    assert_eq!(group.name, "app");
    assert_eq!(group.str("group_name"), "shop-app");
    assert_eq!(group.str("launch_template"), lt.id);
    assert_eq!(group.attr("version"), Some(&json!(1)));
    assert_eq!(group.str("capacity"), "2 (2..4)");
    let mut group_subnets = group.strs("subnets");
    group_subnets.sort();
    let mut want = subnets.clone();
    want.sort();
    assert_eq!(group_subnets, want);
    assert_eq!(group.strs("target_groups"), vec![tg.id.clone()]);
    assert_eq!(group.str("health_check_type"), "ELB");
    assert_eq!(group.attr("grace"), Some(&json!(120)));
    assert!(
        group.str("arn").starts_with("arn:aws:autoscaling:"),
        "{group:?}"
    );

    // Its instances appear, carry the propagated tags and the group's
    // name, and get registered with the target group.
    let group = until(&cloud, &group, |g| instance_ids(g).len() == 2);
    let ids = instance_ids(&group);
    let fresh = moto.cloud();
    let listed = fresh.stack_resources(STACK).unwrap();
    for id in &ids {
        let instance = listed
            .iter()
            .find(|r| r.kind == Kind::Instance && &r.id == id)
            .unwrap_or_else(|| panic!("{id} is not listed with the stack: {listed:#?}"));
        assert_eq!(instance.name, "app");
        assert_eq!(instance.str("group"), "shop-app");
    }
    let started = Instant::now();
    while registered(&moto, &tg.id).len() < 2 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "never registered"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let mut targets = registered(&moto, &tg.id);
    targets.sort();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(targets, sorted);

    // Capacity changes, and a desired outside min..max refused.
    let group = cloud
        .update_group(
            "shop-app",
            &GroupUpdate {
                max: Some(6),
                desired: Some(3),
                ..GroupUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(group.str("capacity"), "3 (2..6)");
    let refused = cloud
        .update_group(
            "shop-app",
            &GroupUpdate {
                desired: Some(7),
                ..GroupUpdate::default()
            },
        )
        .unwrap_err();
    assert_eq!(refused.code, "ValidationError", "{refused:?}");
    assert!(refused.message.contains('7'), "{refused:?}");
    let group = cloud.refresh(&group).unwrap();
    assert_eq!(group.attr("desired"), Some(&json!(3)));
    let group = until(&cloud, &group, |g| instance_ids(g).len() == 3);

    // Detaching with decrement: the group's desired drops, the instance leaves it.
    let leaving = instance_ids(&group)[0].clone();
    cloud
        .detach_instances("shop-app", std::slice::from_ref(&leaving), true)
        .unwrap();
    let group = until(&cloud, &group, |g| !instance_ids(g).contains(&leaving));
    assert_eq!(group.attr("desired"), Some(&json!(2)));
    cloud.terminate_instances(&[leaving]).unwrap();

    // Suspend and resume.
    cloud
        .suspend_processes("shop-app", awsrun::cloud::DEPLOY_SUSPENDS, true)
        .unwrap();
    let group = cloud.refresh(&group).unwrap();
    let mut suspended = group.strs("suspended");
    suspended.sort();
    assert_eq!(
        suspended,
        ["AZRebalance", "AlarmNotification", "ScheduledActions"]
    );
    cloud
        .suspend_processes("shop-app", awsrun::cloud::DEPLOY_SUSPENDS, false)
        .unwrap();
    assert!(cloud.refresh(&group).unwrap().strs("suspended").is_empty());

    // The group moves to the template's new version.
    let group = cloud
        .update_group(
            "shop-app",
            &GroupUpdate {
                version: Some(2),
                ..GroupUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(group.attr("version"), Some(&json!(2)));
    assert_eq!(group.str("launch_template"), lt.id);

    // A policy of each metric, read back.
    let cpu = cloud
        .create(
            &Spec::ScalingPolicy(ScalingPolicySpec {
                group: "shop-app".into(),
                name: "cpu".into(),
                metric: ScalingMetric::Cpu,
                target: 50,
            }),
            &t("cpu"),
        )
        .unwrap();
    assert_eq!(cpu.str("metric"), "cpu");
    assert_eq!(cpu.attr("target"), Some(&json!(50)));
    assert_eq!(cpu.str("group"), "shop-app");
    assert_eq!(cpu.str("resource_label"), "");
    let label = "app/shop-web/50dc6c495c0c9188/targetgroup/shop-app/943f017f100becff";
    let requests = cloud
        .create(
            &Spec::ScalingPolicy(ScalingPolicySpec {
                group: "shop-app".into(),
                name: "requests".into(),
                metric: ScalingMetric::Requests {
                    resource_label: label.into(),
                },
                target: 1000,
            }),
            &t("requests"),
        )
        .unwrap();
    assert_eq!(requests.str("metric"), "requests");
    assert_eq!(requests.attr("target"), Some(&json!(1000)));
    assert_eq!(requests.str("resource_label"), label);
    assert!(
        requests.id.starts_with("arn:aws:autoscaling:"),
        "{requests:?}"
    );

    // The stack listing, read by a backend that made none of it.
    let listed = moto.cloud().stack_resources(STACK).unwrap();
    let of = |kind| {
        let mut names: Vec<String> = listed
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.name.clone())
            .collect();
        names.sort();
        names
    };
    assert_eq!(of(Kind::LaunchTemplate), ["app"]);
    assert_eq!(of(Kind::AutoScalingGroup), ["app"]);
    assert_eq!(of(Kind::ScalingPolicy), ["cpu", "requests"]);

    // Forced delete (the instances terminate), then the template.
    cloud.delete(&cpu).unwrap();
    cloud.delete(&requests).unwrap();
    cloud.delete(&group).unwrap();
    let autoscaling = moto.autoscaling();
    let started = Instant::now();
    loop {
        let out = moto
            .block_on(
                autoscaling
                    .describe_auto_scaling_groups()
                    .auto_scaling_group_names("shop-app")
                    .send(),
            )
            .unwrap();
        if out.auto_scaling_groups().is_empty() {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the group stayed"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    cloud.delete(&lt2).unwrap();
    let left = moto.cloud().stack_resources(STACK).unwrap();
    let scaling: Vec<&Resource> = left
        .iter()
        .filter(|r| {
            matches!(
                r.kind,
                Kind::LaunchTemplate | Kind::AutoScalingGroup | Kind::ScalingPolicy
            )
        })
        .collect();
    assert!(scaling.is_empty(), "{scaling:#?}");
    let out = moto
        .block_on(ec2.describe_launch_templates().send())
        .unwrap();
    assert!(out.launch_templates().is_empty());
}
