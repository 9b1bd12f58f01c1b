//! `scripts/auto-scaling.rhai` live against moto's server on 127.0.0.1:
//! built, re-run, given a new instance type (a new launch template version
//! rolled out through the group) and destroyed, each step checked with the
//! test's own describe calls, never awsrun's.

use crate::support::moto::{Moto, moto};
use aws_sdk_ec2::types::Filter;
use std::collections::BTreeSet;

const STACK: &str = "auto-scaling";
const GROUP: &str = "auto-scaling-awesome-api";

fn script(m: &Moto, extra: &[&str]) -> String {
    let mut args = vec!["scripts/auto-scaling.rhai", "--yes"];
    args.extend_from_slice(extra);
    let out = m.awsrun().args(args).assert().success().get_output().stdout.clone();
    String::from_utf8_lossy(&out).into_owned()
}

/// What the group is now: (min, desired, max, subnets, version, instance ids).
struct Group {
    min: i32,
    desired: i32,
    max: i32,
    subnets: BTreeSet<String>,
    template: String,
    version: String,
    instances: Vec<(String, String)>,
    target_groups: Vec<String>,
}

fn group(m: &Moto) -> Option<Group> {
    let asg = m.autoscaling();
    m.block_on(async {
        let out = asg
            .describe_auto_scaling_groups()
            .auto_scaling_group_names(GROUP)
            .send()
            .await
            .unwrap();
        let g = out.auto_scaling_groups().first()?.clone();
        let lt = g.launch_template().cloned().unwrap();
        Some(Group {
            min: g.min_size().unwrap(),
            desired: g.desired_capacity().unwrap(),
            max: g.max_size().unwrap(),
            subnets: g
                .vpc_zone_identifier()
                .unwrap_or_default()
                .split(',')
                .map(str::to_string)
                .collect(),
            template: lt.launch_template_id().unwrap_or_default().to_string(),
            version: lt.version().unwrap_or_default().to_string(),
            instances: g
                .instances()
                .iter()
                .map(|i| {
                    let version = i
                        .launch_template()
                        .and_then(|t| t.version())
                        .unwrap_or_default();
                    (i.instance_id().unwrap().to_string(), version.to_string())
                })
                .collect(),
            target_groups: g.target_group_arns().to_vec(),
        })
    })
}

fn subnet_id(m: &Moto, name: &str) -> String {
    let ec2 = m.ec2();
    m.block_on(async {
        let out = ec2
            .describe_subnets()
            .filters(Filter::builder().name("tag:Name").values(name).build())
            .send()
            .await
            .unwrap();
        out.subnets()[0].subnet_id().unwrap().to_string()
    })
}

/// (instance type, state) of an instance.
fn instance(m: &Moto, id: &str) -> (String, String) {
    let ec2 = m.ec2();
    m.block_on(async {
        let out = ec2.describe_instances().instance_ids(id).send().await.unwrap();
        let i = out.reservations()[0].instances()[0].clone();
        (
            i.instance_type().unwrap().as_str().to_string(),
            i.state().unwrap().name().unwrap().as_str().to_string(),
        )
    })
}

/// The target group's registered targets.
fn targets(m: &Moto, arn: &str) -> BTreeSet<String> {
    let elb = m.elb();
    m.block_on(async {
        let out = elb
            .describe_target_health()
            .target_group_arn(arn)
            .send()
            .await
            .unwrap();
        out.target_health_descriptions()
            .iter()
            .filter_map(|t| t.target().and_then(|t| t.id()).map(str::to_string))
            .collect()
    })
}

/// The template's latest version number and its instance type.
fn latest_version(m: &Moto, template: &str) -> (i64, String) {
    let ec2 = m.ec2();
    m.block_on(async {
        let out = ec2
            .describe_launch_template_versions()
            .launch_template_id(template)
            .versions("$Latest")
            .send()
            .await
            .unwrap();
        let v = out.launch_template_versions()[0].clone();
        let data = v.launch_template_data().unwrap();
        (
            v.version_number().unwrap(),
            data.instance_type().unwrap().as_str().to_string(),
        )
    })
}

#[test]
fn the_auto_scaling_tutorial_builds_reruns_rolls_a_new_type_and_destroys() {
    let m = moto();
    script(&m, &[]);
    let g = group(&m).expect("the group");
    assert_eq!((g.min, g.desired, g.max), (2, 2, 6));
    let private: BTreeSet<String> = ["awesome-api-private-2a", "awesome-api-private-2c"]
        .iter()
        .map(|n| subnet_id(&m, n))
        .collect();
    assert_eq!(g.subnets, private);
    assert_eq!(g.version, "1");
    assert_eq!(g.instances.len(), 2, "{:?}", g.instances);
    assert_eq!(g.target_groups.len(), 1);
    let ids: BTreeSet<String> = g.instances.iter().map(|i| i.0.clone()).collect();
    assert_eq!(targets(&m, &g.target_groups[0]), ids);
    let policies = m.block_on(async {
        m.autoscaling()
            .describe_policies()
            .auto_scaling_group_name(GROUP)
            .send()
            .await
            .unwrap()
    });
    let policy = &policies.scaling_policies()[0];
    assert_eq!(policy.policy_type(), Some("TargetTrackingScaling"));
    let tracking = policy.target_tracking_configuration().unwrap();
    assert_eq!(tracking.target_value(), 1000.0);
    let metric = tracking.predefined_metric_specification().unwrap();
    assert_eq!(metric.predefined_metric_type().as_str(), "ALBRequestCountPerTarget");
    assert!(metric.resource_label().unwrap().contains("/targetgroup/awesome-api-tg/"));

    // Again: nothing to create or change.
    let again = script(&m, &[]);
    assert!(again.contains("Plan: 0 to create, 0 to change,"), "{again}");
    assert_eq!(group(&m).unwrap().instances.len(), 2);

    // A new instance type: a new template version, then every instance runs it.
    let rolled = script(&m, &["--var", "instance_type=t3.micro"]);
    assert_eq!(latest_version(&m, &g.template), (2, "t3.micro".to_string()), "{rolled}");
    let now = group(&m).unwrap();
    assert_eq!((now.desired, now.max, now.version.as_str()), (2, 6, "2"), "{rolled}");
    assert_eq!(now.instances.len(), 2, "{:?}", now.instances);
    for (id, version) in &now.instances {
        assert_eq!(version, "2", "{:?}", now.instances);
        assert!(!ids.contains(id), "{id} was not replaced");
        assert_eq!(instance(&m, id).0, "t3.micro");
    }
    for id in &ids {
        assert_eq!(instance(&m, id).1, "terminated", "{id}");
    }
    let serving: BTreeSet<String> = now.instances.iter().map(|i| i.0.clone()).collect();
    assert_eq!(targets(&m, &now.target_groups[0]), serving);

    // Destroy: no group, template or instance of the stack is left.
    m.awsrun()
        .args(["destroy", "--stack", STACK, "--yes"])
        .assert()
        .success();
    assert!(group(&m).is_none());
    let ec2 = m.ec2();
    let (templates, running) = m.block_on(async {
        let lts = ec2.describe_launch_templates().send().await.unwrap();
        let out = ec2
            .describe_instances()
            .filters(Filter::builder().name("tag:awsrun:stack").values(STACK).build())
            .send()
            .await
            .unwrap();
        let running: Vec<String> = out
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .filter(|i| i.state().and_then(|s| s.name()).is_some_and(|s| s.as_str() != "terminated"))
            .filter_map(|i| i.instance_id().map(str::to_string))
            .collect();
        (lts.launch_templates().len(), running)
    });
    assert_eq!(templates, 0);
    assert!(running.is_empty(), "{running:?}");
}
