//! `scripts/auto-scaling.rhai` live against moto's server on 127.0.0.1:
//! built, re-run, given a new instance type (a new launch template version
//! rolled out through the group) and destroyed, each step checked with the
//! test's own describe calls, never awsrun's.

use crate::support::moto::{Moto, moto};
use aws_sdk_ec2::types::Filter;
use awsrun::cloud::{Cloud, Kind};
use std::collections::BTreeSet;

const STACK: &str = "auto-scaling";
const GROUP: &str = "auto-scaling-awesome-api";

fn script(m: &Moto, extra: &[&str]) -> String {
    let mut args = vec!["scripts/auto-scaling.rhai", "--yes"];
    args.extend_from_slice(extra);
    let out = m
        .awsrun()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
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
        let out = ec2
            .describe_instances()
            .instance_ids(id)
            .send()
            .await
            .unwrap();
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
    assert_eq!(tracking.target_value(), Some(1000.0));
    let metric = tracking.predefined_metric_specification().unwrap();
    assert_eq!(
        metric.predefined_metric_type().map(|t| t.as_str()),
        Some("ALBRequestCountPerTarget")
    );
    assert!(
        metric
            .resource_label()
            .unwrap()
            .contains("/targetgroup/awesome-api-tg/")
    );

    // Listed live and mirrored for a plan, which then predicts nothing to do.
    let scaling = [
        Kind::LaunchTemplate,
        Kind::AutoScalingGroup,
        Kind::ScalingPolicy,
    ];
    let kinds = |list: Vec<awsrun::cloud::Resource>| -> BTreeSet<Kind> {
        list.into_iter()
            .map(|r| r.kind)
            .filter(|k| scaling.contains(k))
            .collect()
    };
    let listed = kinds(m.cloud().stack_resources(STACK).unwrap());
    let mirror = std::rc::Rc::new(m.cloud()).mirror(STACK).unwrap();
    let mirrored = kinds(mirror.stack_resources(STACK).unwrap());
    assert_eq!(listed, BTreeSet::from(scaling));
    assert_eq!(mirrored, BTreeSet::from(scaling));
    let planned = m
        .awsrun()
        .args(["scripts/auto-scaling.rhai", "--dry-run"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let planned = String::from_utf8_lossy(&planned);
    assert!(
        planned.contains("Plan: 0 to create, 0 to change,"),
        "{planned}"
    );

    // Again: nothing to create or change.
    let again = script(&m, &[]);
    assert!(again.contains("Plan: 0 to create, 0 to change,"), "{again}");
    assert_eq!(group(&m).unwrap().instances.len(), 2);

    // A new instance type: a new template version, then every instance runs it.
    let rolled = script(&m, &["--var", "instance_type=t3.micro"]);
    assert_eq!(
        latest_version(&m, &g.template),
        (2, "t3.micro".to_string()),
        "{rolled}"
    );
    let now = group(&m).unwrap();
    assert_eq!(
        (now.desired, now.max, now.version.as_str()),
        (2, 6, "2"),
        "{rolled}"
    );
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
            .filters(
                Filter::builder()
                    .name("tag:awsrun:stack")
                    .values(STACK)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let running: Vec<String> = out
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .filter(|i| {
                i.state()
                    .and_then(|s| s.name())
                    .is_some_and(|s| s.as_str() != "terminated")
            })
            .filter_map(|i| i.instance_id().map(str::to_string))
            .collect();
        (lts.launch_templates().len(), running)
    });
    assert_eq!(templates, 0);
    assert!(running.is_empty(), "{running:?}");
}

mod under_aws_timing {
    //! The rolling deploy through the group against moto behind the
    //! AWS-timing layer: a group's new instances pending, then initial;
    //! detached ones draining; a forced delete in progress for a while.
    //! The healthy counts are sampled in front of the layer (AWS's view).

    use super::{GROUP, STACK, group};
    use crate::rolling::{Proxy as Sampler, Stop, live_health};
    use crate::support::aws_timing::{AwsTiming, Windows};
    use crate::support::moto::{Moto, moto};
    use crate::support::proxy::{Proxy, Schedule};
    use crate::timing_runs::ok;
    use std::collections::BTreeSet;
    use std::sync::Arc;

    /// The stack built through the layer and healthy; the proxy, the target
    /// group's ARN and the instances serving.
    fn built(m: &Moto, timing: &Arc<AwsTiming>) -> (Proxy, String, BTreeSet<String>) {
        let proxy = timing.proxy(m.port(), Schedule::none());
        let args = ["scripts/auto-scaling.rhai", "--yes"];
        ok("the group", &proxy, m.run_via(&proxy.endpoint(), &args));
        std::thread::sleep(Windows::short().initial);
        let (arn, health) = live_health(m);
        assert_eq!(health.len(), 2, "{health:?}");
        assert!(health.values().all(|s| s == "healthy"), "{health:?}");
        (proxy, arn, health.into_keys().collect())
    }

    fn deploy(version: &str, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = ["scripts/rolling-deploy.rhai", "--stack", STACK, "--yes"]
            .map(String::from)
            .to_vec();
        args.extend(["--var".into(), format!("version={version}")]);
        for var in extra {
            args.extend(["--var".into(), var.to_string()]);
        }
        args
    }

    #[test]
    fn a_deploy_through_the_group_never_drops_a_healthy_target() {
        let m = moto();
        let timing = AwsTiming::new(Windows::short());
        let (proxy, arn, old) = built(&m, &timing);
        let sampler = Sampler::start_via(&m, proxy.port(), &arn, None);
        let args = deploy("v2", &[]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let result = m.run_via(&sampler.endpoint(), &args);
        let seen = sampler.finish();
        let out = ok("the deploy", &proxy, result);
        let low: Vec<_> = seen.samples.iter().filter(|(_, n)| *n < 2).collect();
        assert!(
            low.is_empty(),
            "healthy fell below 2: {low:?} in {:?}",
            seen.samples
        );
        let peak = seen.samples.iter().map(|(_, n)| *n).max();
        assert_eq!(peak, Some(3), "{:?}", seen.samples);
        for window in ["group pending", "initial", "detach deregistered"] {
            assert!(
                timing.seen().contains_key(window),
                "{window}: {:?}",
                timing.seen()
            );
        }
        let now = group(&m).unwrap();
        assert_eq!(
            (now.desired, now.max, now.version.as_str()),
            (2, 6, "2"),
            "{out}"
        );
        let serving: BTreeSet<String> = now.instances.iter().map(|i| i.0.clone()).collect();
        assert!(
            now.instances.iter().all(|i| i.1 == "2"),
            "{:?}",
            now.instances
        );
        assert!(serving.is_disjoint(&old), "{serving:?} {old:?}");
        let (_, health) = live_health(&m);
        let healthy: BTreeSet<String> = health
            .iter()
            .filter(|(_, s)| *s == "healthy")
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(healthy, serving, "{health:?}");
    }

    #[test]
    fn a_batch_through_the_group_that_never_turns_healthy_is_rolled_back() {
        let m = moto();
        let timing = AwsTiming::new(Windows::short());
        let (proxy, arn, old) = built(&m, &timing);
        let stop = Stop::NotInStack(STACK.to_string(), old.clone());
        let sampler = Sampler::start_stopping(&m, proxy.port(), &arn, stop);
        let args = deploy("v3", &["timeout=8"]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (success, stdout, stderr) = m.run_via(&sampler.endpoint(), &args);
        let seen = sampler.finish();
        assert!(!success, "{stdout}\n{stderr}");
        assert_eq!(proxy.errors(), Vec::<String>::new());
        assert!(!seen.stopped.is_empty(), "{seen:?}");
        let low: Vec<_> = seen.samples.iter().filter(|(_, n)| *n < 2).collect();
        assert!(
            low.is_empty(),
            "healthy fell below 2: {low:?} in {:?}",
            seen.samples
        );
        for part in ["awsrun::rolling::rolled_back", "version 1"] {
            assert!(stderr.contains(part), "{part} missing from:\n{stderr}");
        }
        let now = group(&m).unwrap();
        assert_eq!(
            (now.desired, now.max, now.version.as_str()),
            (2, 6, "1"),
            "{stderr}"
        );
        let serving: BTreeSet<String> = now.instances.iter().map(|i| i.0.clone()).collect();
        assert_eq!(serving, old);
        let _ = GROUP;
    }
}
