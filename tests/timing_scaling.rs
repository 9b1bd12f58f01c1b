//! EC2 Auto Scaling through the AWS-timing layer (`support/aws_timing.rs`,
//! `support/timing_scaling.rs`), driven with the test's own SDK clients: a
//! group's new instances are pending before they serve, their targets
//! initial before healthy; a detached instance drains out of the target
//! group and keeps running; a forced delete is in progress before the
//! group is gone. And the sampling proxy stops a group's new instances.

use crate::aws_timing::default_vpc_and_subnets;
use crate::rolling::{Proxy as Sampler, Stop};
use crate::support::aws_timing::{AwsTiming, Windows};
use crate::support::moto::{Moto, moto};
use crate::support::proxy::{Proxy, Schedule};
use aws_sdk_autoscaling::types::{LaunchTemplateSpecification, Tag};
use aws_sdk_ec2::types::{
    LaunchTemplateTagSpecificationRequest, RequestLaunchTemplateData, ResourceType,
    TagSpecification,
};
use aws_sdk_elasticloadbalancingv2::types::{Action, ActionTypeEnum, ProtocolEnum};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

const GROUP: &str = "multi-server-web";
const STACK: &str = "multi-server";

/// Two seconds for what the group does, one for the rest.
fn windows() -> Windows {
    let s = Duration::from_secs;
    Windows {
        unknown: s(1),
        pending: s(2),
        initial: s(2),
        shutting_down: s(2),
        draining: s(2),
        group_deleting: s(2),
        ..Windows::short()
    }
}

fn past(window: Duration) {
    std::thread::sleep(window + Duration::from_millis(300));
}

fn tags(resource: ResourceType) -> TagSpecification {
    let tag = |k: &str, v: &str| aws_sdk_ec2::types::Tag::builder().key(k).value(v).build();
    TagSpecification::builder()
        .resource_type(resource)
        .tags(tag("Name", GROUP))
        .tags(tag("awsrun:stack", STACK))
        .build()
}

/// A target group with an ALB listener forwarding to it (made straight on
/// moto: the layer would hide the new ids for a while), a launch template
/// and a group of 2 in two subnets behind it (through the layer). The
/// target group's ARN.
fn group_behind_alb(m: &Moto, proxy: &Proxy) -> String {
    let (vpc, subnets) = default_vpc_and_subnets(m);
    let (elb, ec2) = (m.elb(), m.ec2_at(&proxy.endpoint()));
    let asg = m.autoscaling_at(&proxy.endpoint());
    m.block_on(async {
        let tg = elb
            .create_target_group()
            .name("web-tg")
            .protocol(ProtocolEnum::Http)
            .port(80)
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap();
        let tg = tg.target_groups()[0]
            .target_group_arn()
            .unwrap()
            .to_string();
        let lb = elb
            .create_load_balancer()
            .name("web")
            .subnets(&subnets[0])
            .subnets(&subnets[1])
            .send()
            .await
            .unwrap();
        let lb = lb.load_balancers()[0].load_balancer_arn().unwrap();
        let forward = Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn(&tg)
            .build();
        elb.create_listener()
            .load_balancer_arn(lb)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .default_actions(forward)
            .send()
            .await
            .unwrap();

        let images = m.ec2().describe_images().send().await.unwrap();
        let image = images.images()[0].image_id().unwrap().to_string();
        let mut data = RequestLaunchTemplateData::builder()
            .image_id(image)
            .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro);
        for resource in [ResourceType::Instance, ResourceType::Volume] {
            let spec = tags(resource.clone());
            data = data.tag_specifications(
                LaunchTemplateTagSpecificationRequest::builder()
                    .resource_type(resource)
                    .set_tags(spec.tags)
                    .build(),
            );
        }
        ec2.create_launch_template()
            .launch_template_name(GROUP)
            .launch_template_data(data.build())
            .tag_specifications(tags(ResourceType::LaunchTemplate))
            .send()
            .await
            .unwrap();
        let tag = |k: &str, v: &str| {
            Tag::builder()
                .key(k)
                .value(v)
                .propagate_at_launch(true)
                .build()
        };
        asg.create_auto_scaling_group()
            .auto_scaling_group_name(GROUP)
            .launch_template(
                LaunchTemplateSpecification::builder()
                    .launch_template_name(GROUP)
                    .version("$Latest")
                    .build(),
            )
            .min_size(2)
            .max_size(4)
            .desired_capacity(2)
            .vpc_zone_identifier(subnets.join(","))
            .target_group_arns(&tg)
            .tags(tag("Name", GROUP))
            .tags(tag("awsrun:stack", STACK))
            .send()
            .await
            .unwrap();
        tg
    })
}

/// The group's instances as `client` describes them: id -> lifecycle
/// state, and the group's `Status` if it has one; `None` if not listed.
type Described = Option<(BTreeMap<String, String>, Option<String>)>;

fn group(m: &Moto, asg: &aws_sdk_autoscaling::Client) -> Described {
    m.block_on(async {
        let out = asg
            .describe_auto_scaling_groups()
            .auto_scaling_group_names(GROUP)
            .send()
            .await
            .unwrap();
        let group = out.auto_scaling_groups().first()?;
        let instances = group
            .instances()
            .iter()
            .map(|i| {
                let state = i.lifecycle_state().map_or("?", |s| s.as_str());
                (i.instance_id().unwrap().to_string(), state.to_string())
            })
            .collect();
        Some((instances, group.status().map(str::to_string)))
    })
}

/// id -> EC2 state name, as `ec2` describes `ids`.
fn states(m: &Moto, ec2: &aws_sdk_ec2::Client, ids: &[String]) -> BTreeMap<String, String> {
    m.block_on(async {
        let out = ec2
            .describe_instances()
            .set_instance_ids(Some(ids.to_vec()))
            .send()
            .await
            .unwrap();
        out.reservations()
            .iter()
            .flat_map(|r| r.instances())
            .map(|i| {
                let state = i.state().and_then(|s| s.name()).map_or("?", |s| s.as_str());
                (i.instance_id().unwrap().to_string(), state.to_string())
            })
            .collect()
    })
}

/// id -> (state, reason) of the target group's targets as `elb` lists them.
fn targets(
    m: &Moto,
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    tg: &str,
) -> BTreeMap<String, (String, String)> {
    m.block_on(async {
        let out = elb
            .describe_target_health()
            .target_group_arn(tg)
            .send()
            .await
            .unwrap();
        out.target_health_descriptions()
            .iter()
            .map(|d| {
                let health = d.target_health().unwrap();
                let state = health.state().map_or("?", |s| s.as_str()).to_string();
                let reason = health.reason().map_or("", |r| r.as_str()).to_string();
                (
                    d.target().unwrap().id().unwrap().to_string(),
                    (state, reason),
                )
            })
            .collect()
    })
}

fn all(map: &BTreeMap<String, String>, state: &str) -> bool {
    !map.is_empty() && map.values().all(|s| s == state)
}

struct Layer {
    timing: Arc<AwsTiming>,
    proxy: Proxy,
    tg: String,
    ids: Vec<String>,
}

impl Layer {
    fn asg(&self, m: &Moto) -> aws_sdk_autoscaling::Client {
        m.autoscaling_at(&self.proxy.endpoint())
    }
    fn ec2(&self, m: &Moto) -> aws_sdk_ec2::Client {
        m.ec2_at(&self.proxy.endpoint())
    }
    fn elb(&self, m: &Moto) -> aws_sdk_elasticloadbalancingv2::Client {
        m.elb_at(&self.proxy.endpoint())
    }
}

/// The group behind the ALB, made through the layer and past its windows:
/// both instances InService, running and healthy.
fn serving_group(m: &Moto) -> Layer {
    let timing = AwsTiming::new(windows());
    let proxy = timing.proxy(m.port(), Schedule::none());
    let tg = group_behind_alb(m, &proxy);
    let mut layer = Layer {
        timing,
        proxy,
        tg,
        ids: Vec::new(),
    };
    let (instances, _) = group(m, &layer.asg(m)).expect("the group");
    layer.ids = instances.into_keys().collect();
    past(windows().pending + windows().initial);
    let health = targets(m, &layer.elb(m), &layer.tg);
    assert!(
        health.len() == 2 && health.values().all(|(s, _)| s == "healthy"),
        "{health:?}"
    );
    layer
}

#[test]
fn a_groups_new_instances_are_pending_then_in_service_and_their_targets_initial_then_healthy() {
    let m = moto();
    let timing = AwsTiming::new(windows());
    let proxy = timing.proxy(m.port(), Schedule::none());
    let tg = group_behind_alb(&m, &proxy);
    let (asg, ec2) = (
        m.autoscaling_at(&proxy.endpoint()),
        m.ec2_at(&proxy.endpoint()),
    );
    let elb = m.elb_at(&proxy.endpoint());

    // moto: InService, running and healthy at once.
    let (direct, _) = group(&m, &m.autoscaling()).expect("the group");
    assert!(all(&direct, "InService"), "{direct:?}");
    let ids: Vec<String> = direct.keys().cloned().collect();
    assert_eq!(ids.len(), 2, "{direct:?}");
    assert!(all(&states(&m, &m.ec2(), &ids), "running"));
    assert_eq!(targets(&m, &m.elb(), &tg).len(), 2);

    // Through the layer, as AWS: pending, and not registered yet.
    let (instances, status) = group(&m, &asg).expect("the group");
    assert!(all(&instances, "Pending"), "{instances:?}");
    assert_eq!(status, None);
    assert!(all(&states(&m, &ec2, &ids), "pending"));
    assert_eq!(targets(&m, &elb, &tg), BTreeMap::new());

    past(windows().pending);
    let (instances, _) = group(&m, &asg).expect("the group");
    assert!(all(&instances, "InService"), "{instances:?}");
    assert!(all(&states(&m, &ec2, &ids), "running"));
    let health = targets(&m, &elb, &tg);
    assert_eq!(health.len(), 2, "{health:?}");
    for (state, reason) in health.values() {
        assert_eq!(
            (state.as_str(), reason.as_str()),
            ("initial", "Elb.InitialHealthChecking")
        );
    }

    past(windows().initial);
    let health = targets(&m, &elb, &tg);
    assert!(
        health.len() == 2 && health.values().all(|(s, _)| s == "healthy"),
        "{health:?}"
    );
    let seen = timing.seen();
    for what in ["group pending", "pending", "not registered yet", "initial"] {
        assert!(seen.contains_key(what), "no {what} in {seen:?}");
    }
}

#[test]
fn a_detached_instance_drains_out_of_the_target_group_and_keeps_running() {
    let m = moto();
    let layer = serving_group(&m);
    let (asg, elb) = (layer.asg(&m), layer.elb(&m));
    let leaving = layer.ids[0].clone();
    m.block_on(
        asg.detach_instances()
            .auto_scaling_group_name(GROUP)
            .instance_ids(&leaving)
            .should_decrement_desired_capacity(true)
            .send(),
    )
    .unwrap();

    // AWS deregisters it from the group's target group: it drains.
    let health = targets(&m, &elb, &layer.tg);
    assert_eq!(
        health[&leaving],
        ("draining".into(), "Target.DeregistrationInProgress".into()),
        "{health:?}"
    );
    assert_eq!(health[&layer.ids[1]].0, "healthy", "{health:?}");
    // The layer deregistered it on moto itself.
    assert!(!targets(&m, &m.elb(), &layer.tg).contains_key(&leaving));
    let (instances, _) = group(&m, &asg).expect("the group");
    assert_eq!(instances.len(), 2, "{instances:?}");
    assert_eq!(instances[&leaving], "Detaching", "{instances:?}");
    assert_eq!(instances[&layer.ids[1]], "InService", "{instances:?}");
    let (direct, _) = group(&m, &m.autoscaling()).expect("the group");
    assert_eq!(direct.keys().collect::<Vec<_>>(), [&layer.ids[1]]);

    past(windows().draining);
    let health = targets(&m, &elb, &layer.tg);
    assert_eq!(
        health.keys().collect::<Vec<_>>(),
        [&layer.ids[1]],
        "{health:?}"
    );
    let (instances, _) = group(&m, &asg).expect("the group");
    assert_eq!(instances.keys().collect::<Vec<_>>(), [&layer.ids[1]]);
    let running = states(&m, &layer.ec2(&m), std::slice::from_ref(&leaving));
    assert_eq!(running[&leaving], "running");
    let seen = layer.timing.seen();
    assert_eq!(seen.get("detach deregistered"), Some(&1), "{seen:?}");
    for what in ["draining", "detaching"] {
        assert!(seen.contains_key(what), "no {what} in {seen:?}");
    }
}

#[test]
fn a_force_deleted_group_is_delete_in_progress_before_it_is_gone() {
    let m = moto();
    let layer = serving_group(&m);
    let (asg, ec2) = (layer.asg(&m), layer.ec2(&m));
    m.block_on(
        asg.delete_auto_scaling_group()
            .auto_scaling_group_name(GROUP)
            .force_delete(true)
            .send(),
    )
    .unwrap();
    assert_eq!(group(&m, &m.autoscaling()), None, "moto deletes at once");

    let (instances, status) = group(&m, &asg).expect("still listed");
    assert_eq!(status.as_deref(), Some("Delete in progress"));
    assert_eq!(instances.len(), 2, "{instances:?}");
    assert!(all(&states(&m, &ec2, &layer.ids), "shutting-down"));

    past(windows().group_deleting.max(windows().shutting_down));
    assert_eq!(group(&m, &asg), None);
    assert!(all(&states(&m, &ec2, &layer.ids), "terminated"));
    assert!(layer.timing.seen().contains_key("delete in progress"));
}

#[test]
fn the_sampler_stops_every_instance_a_group_launches_after_a_moment() {
    let m = moto();
    let layer = serving_group(&m);
    let known: BTreeSet<String> = layer.ids.iter().cloned().collect();
    let sampler = Sampler::start_stopping(&m, layer.proxy.port(), &layer.tg, Stop::NotIn(known));
    let asg = m.autoscaling_at(&sampler.endpoint());
    m.block_on(
        asg.update_auto_scaling_group()
            .auto_scaling_group_name(GROUP)
            .desired_capacity(3)
            .send(),
    )
    .unwrap();
    // Poll through the sampler until the new instance was stopped.
    for _ in 0..30 {
        let (instances, _) = group(&m, &asg).expect("the group");
        assert_eq!(instances.len(), 3, "{instances:?}");
        std::thread::sleep(Duration::from_millis(300));
    }
    let seen = sampler.finish();
    assert_eq!(seen.stopped.len(), 1, "{seen:?}");
    assert!(!layer.ids.contains(&seen.stopped[0]), "{seen:?}");
    let peak = seen.samples.iter().map(|(_, n)| *n).max();
    assert_eq!(peak, Some(2), "the new instance served: {:?}", seen.samples);
    let stopped = states(&m, &m.ec2(), &seen.stopped);
    assert_eq!(stopped[&seen.stopped[0]], "stopped");
}
