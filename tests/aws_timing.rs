//! The AWS-timing harness itself (`support/aws_timing.rs`): each of AWS's
//! delays happens, seen by the test's own SDK clients through the proxy,
//! and ends when its window does.

use crate::support::aws_timing::{AwsTiming, Windows};
use crate::support::moto::{Moto, moto};
use crate::support::proxy::{Proxy, Schedule};
use aws_sdk_ec2::error::ProvideErrorMetadata;
use std::sync::Arc;
use std::time::Duration;

/// One second for everything: each test waits a window out once or twice.
fn windows() -> Windows {
    let second = Duration::from_secs(1);
    Windows {
        unknown: second,
        pending: second,
        initial: second,
        nat_pending: second,
        nat_deleting: second,
        address_held: second,
        lingering: second,
        shutting_down: second,
    }
}

fn layer(m: &Moto) -> (Arc<AwsTiming>, Proxy) {
    let timing = AwsTiming::new(windows());
    let proxy = timing.proxy(m.port(), Schedule::none());
    (timing, proxy)
}

fn past_the_window() {
    std::thread::sleep(Duration::from_millis(1200));
}

/// The error code of a failed request, or "ok".
fn code<T, E: ProvideErrorMetadata>(result: Result<T, E>) -> String {
    answer(result).0
}

/// The error code and message of a failed request, or "ok".
fn answer<T, E: ProvideErrorMetadata>(result: Result<T, E>) -> (String, String) {
    match result {
        Ok(_) => ("ok".to_string(), String::new()),
        Err(err) => (
            err.code().unwrap_or("no code").to_string(),
            err.message().unwrap_or("").to_string(),
        ),
    }
}

/// A new HTTP target group on port 80 of `vpc`, made through `elb`.
fn target_group(
    m: &Moto,
    elb: &aws_sdk_elasticloadbalancingv2::Client,
    name: &str,
    vpc: &str,
) -> String {
    m.block_on(async {
        let out = elb
            .create_target_group()
            .name(name)
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(80)
            .vpc_id(vpc)
            .send()
            .await
            .unwrap();
        out.target_groups()[0]
            .target_group_arn()
            .unwrap()
            .to_string()
    })
}

/// A new security group named `name` in `vpc`, made through `ec2`.
fn security_group(m: &Moto, ec2: &aws_sdk_ec2::Client, name: &str, vpc: &str) -> String {
    m.block_on(async {
        let out = ec2
            .create_security_group()
            .group_name(name)
            .description(name)
            .vpc_id(vpc)
            .send()
            .await
            .unwrap();
        out.group_id().unwrap().to_string()
    })
}

/// One instance of the server's first image, made through `ec2`, in
/// `subnet` (or the default one) with `groups`.
fn launch(m: &Moto, ec2: &aws_sdk_ec2::Client, subnet: Option<&str>, groups: &[&str]) -> String {
    m.block_on(async {
        let images = ec2.describe_images().send().await.unwrap();
        let image = images.images()[0].image_id().unwrap().to_string();
        let mut request = ec2
            .run_instances()
            .image_id(image)
            .min_count(1)
            .max_count(1)
            .set_subnet_id(subnet.map(str::to_string));
        for group in groups {
            request = request.security_group_ids(*group);
        }
        let out = request.send().await.unwrap();
        out.instances()[0].instance_id().unwrap().to_string()
    })
}

fn default_vpc_and_subnets(m: &Moto) -> (String, Vec<String>) {
    let ec2 = m.ec2();
    m.block_on(async {
        let subnets = ec2.describe_subnets().send().await.unwrap();
        let mut found: Vec<_> = subnets
            .subnets()
            .iter()
            .filter(|s| s.default_for_az() == Some(true))
            .map(|s| (s.availability_zone().unwrap().to_string(), s))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        let vpc = found[0].1.vpc_id().unwrap().to_string();
        let ids = found
            .iter()
            .map(|(_, s)| s.subnet_id().unwrap().to_string());
        (vpc, ids.collect())
    })
}

#[test]
fn a_new_security_group_is_unknown_for_a_while_then_usable() {
    let m = moto();
    let (timing, proxy) = layer(&m);
    let ec2 = m.ec2_at(&proxy.endpoint());
    let (vpc, _) = default_vpc_and_subnets(&m);
    let group = security_group(&m, &ec2, "web", &vpc);
    let authorize = || {
        code(
            m.block_on(
                ec2.authorize_security_group_ingress()
                    .group_id(&group)
                    .ip_protocol("tcp")
                    .from_port(80)
                    .to_port(80)
                    .cidr_ip("0.0.0.0/0")
                    .send(),
            ),
        )
    };
    assert_eq!(authorize(), "InvalidGroup.NotFound");
    let described = m.block_on(ec2.describe_security_groups().group_ids(&group).send());
    assert_eq!(code(described), "InvalidGroup.NotFound");
    past_the_window();
    assert_eq!(authorize(), "ok");
    assert_eq!(timing.seen()["NotFound AuthorizeSecurityGroupIngress"], 1);
    assert_eq!(proxy.errors(), Vec::<String>::new());
}

#[test]
fn a_new_instance_is_pending_and_cannot_be_registered_then_starts_initial() {
    let m = moto();
    let timing = AwsTiming::new(Windows {
        pending: Duration::from_secs(2),
        ..windows()
    });
    let proxy = timing.proxy(m.port(), Schedule::none());
    let (ec2, elb) = (m.ec2_at(&proxy.endpoint()), m.elb_at(&proxy.endpoint()));
    let (vpc, subnets) = default_vpc_and_subnets(&m);
    // The target group straight on moto: the layer has no window for it.
    let tg = target_group(&m, &m.elb(), "web", &vpc);
    let id = launch(&m, &ec2, Some(&subnets[0]), &[]);
    let state = || {
        m.block_on(async {
            let out = ec2.describe_instances().instance_ids(&id).send().await;
            match out {
                Ok(out) => out.reservations()[0].instances()[0]
                    .state()
                    .and_then(|s| s.name())
                    .map_or("?".into(), |s| s.as_str().to_string()),
                Err(err) => err.code().unwrap_or("?").to_string(),
            }
        })
    };
    let register = || {
        let target = aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder()
            .id(&id)
            .build();
        answer(
            m.block_on(
                elb.register_targets()
                    .target_group_arn(&tg)
                    .targets(target)
                    .send(),
            ),
        )
    };
    assert_eq!(state(), "InvalidInstanceID.NotFound");
    std::thread::sleep(Duration::from_millis(500));
    let (refused, message) = register();
    assert_eq!(refused, "InvalidTarget");
    assert!(message.contains(&format!("'{id}'")), "{message}");
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(state(), "pending");
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(state(), "running");
    assert_eq!(register().0, "ok");

    let health = || {
        m.block_on(async {
            let out = elb
                .describe_target_health()
                .target_group_arn(&tg)
                .send()
                .await
                .unwrap();
            let h = out.target_health_descriptions()[0].target_health().unwrap();
            let state = h.state().map_or("?", |s| s.as_str()).to_string();
            let reason = h.reason().map_or("", |r| r.as_str()).to_string();
            (state, reason)
        })
    };
    assert_eq!(
        health(),
        ("initial".into(), "Elb.InitialHealthChecking".into())
    );
    past_the_window();
    assert_eq!(health(), ("healthy".into(), String::new()));
    let seen = timing.seen();
    for what in ["InvalidTarget", "pending", "initial"] {
        assert!(seen.contains_key(what), "{what} not in {seen:?}");
    }
}

#[test]
fn a_group_no_listener_forwards_to_has_its_targets_unused() {
    let m = moto();
    let (timing, proxy) = layer(&m);
    let elb = m.elb_at(&proxy.endpoint());
    let (vpc, _) = default_vpc_and_subnets(&m);
    let tg = target_group(&m, &elb, "lonely", &vpc);
    let described = m.block_on(elb.describe_target_health().target_group_arn(&tg).send());
    assert_eq!(code(described), "TargetGroupNotFound");
    past_the_window();
    let instance = launch(&m, &m.ec2(), None, &[]);
    let reason = m.block_on(async {
        let target = aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder()
            .id(&instance)
            .build();
        m.elb()
            .register_targets()
            .target_group_arn(&tg)
            .targets(target)
            .send()
            .await
            .unwrap();
        let out = elb
            .describe_target_health()
            .target_group_arn(&tg)
            .send()
            .await
            .unwrap();
        let h = out.target_health_descriptions()[0].target_health().unwrap();
        (
            h.state().map(|s| s.as_str().to_string()),
            h.reason().map(|r| r.as_str().to_string()),
        )
    });
    assert_eq!(
        reason,
        (Some("unused".into()), Some("Target.NotInUse".into()))
    );
    assert!(timing.seen().contains_key("NotInUse"));
}

#[test]
fn a_nat_gateway_is_pending_then_deleting_and_holds_its_address_a_while() {
    let m = moto();
    let (timing, proxy) = layer(&m);
    let ec2 = m.ec2_at(&proxy.endpoint());
    let (_, subnets) = default_vpc_and_subnets(&m);
    let eip = m.block_on(async {
        let out = m.ec2().allocate_address().send().await.unwrap();
        out.allocation_id().unwrap().to_string()
    });
    let nat = m.block_on(async {
        let out = ec2
            .create_nat_gateway()
            .subnet_id(&subnets[0])
            .allocation_id(&eip)
            .send()
            .await
            .unwrap();
        out.nat_gateway()
            .unwrap()
            .nat_gateway_id()
            .unwrap()
            .to_string()
    });
    // Described straight on moto's answer, rewritten (the id's own window
    // is over by the time the state is asked).
    let state = || {
        m.block_on(async {
            let out = ec2.describe_nat_gateways().send().await.unwrap();
            let found = out
                .nat_gateways()
                .iter()
                .find(|n| n.nat_gateway_id() == Some(nat.as_str()));
            found
                .and_then(|n| n.state())
                .map_or("?".into(), |s| s.as_str().to_string())
        })
    };
    assert_eq!(state(), "pending");
    past_the_window();
    assert_eq!(state(), "available");
    m.block_on(ec2.delete_nat_gateway().nat_gateway_id(&nat).send())
        .unwrap();
    assert_eq!(state(), "deleting");
    let release = || code(m.block_on(ec2.release_address().allocation_id(&eip).send()));
    assert_eq!(release(), "AuthFailure");
    past_the_window();
    assert_eq!(release(), "ok");
    let seen = timing.seen();
    for what in ["nat pending", "deleting", "AuthFailure"] {
        assert!(seen.contains_key(what), "{what} not in {seen:?}");
    }
}

#[test]
fn a_deleted_load_balancer_keeps_its_subnets_and_groups_in_use_a_while() {
    let m = moto();
    let (timing, proxy) = layer(&m);
    let (ec2, elb) = (m.ec2_at(&proxy.endpoint()), m.elb_at(&proxy.endpoint()));
    let (vpc, _) = default_vpc_and_subnets(&m);
    // Subnets and a group of its own, straight on moto.
    let direct = m.ec2();
    let subnets = m.block_on(async {
        let mut subnets = Vec::new();
        for (cidr, az) in [
            ("172.31.112.0/20", "ap-northeast-2a"),
            ("172.31.144.0/20", "ap-northeast-2c"),
        ] {
            let out = direct
                .create_subnet()
                .vpc_id(&vpc)
                .cidr_block(cidr)
                .availability_zone(az)
                .send()
                .await
                .unwrap();
            subnets.push(out.subnet().unwrap().subnet_id().unwrap().to_string());
        }
        subnets
    });
    let group = security_group(&m, &direct, "lb", &vpc);
    let lb = m.block_on(async {
        let out = elb
            .create_load_balancer()
            .name("web")
            .set_subnets(Some(subnets.clone()))
            .security_groups(&group)
            .send()
            .await
            .unwrap();
        out.load_balancers()[0]
            .load_balancer_arn()
            .unwrap()
            .to_string()
    });
    past_the_window();
    m.block_on(elb.delete_load_balancer().load_balancer_arn(&lb).send())
        .unwrap();
    let delete_subnet = || code(m.block_on(ec2.delete_subnet().subnet_id(&subnets[0]).send()));
    let delete_group = || code(m.block_on(ec2.delete_security_group().group_id(&group).send()));
    assert_eq!(delete_subnet(), "DependencyViolation");
    assert_eq!(delete_group(), "DependencyViolation");
    past_the_window();
    assert_eq!(delete_subnet(), "ok");
    assert_eq!(delete_group(), "ok");
    assert_eq!(timing.seen()["DependencyViolation"], 2);
}

/// A terminated instance is `shutting-down` for a while, and its security
/// group cannot be deleted meanwhile (`DependencyViolation`); then it is
/// `terminated` and the group goes.
#[test]
fn a_terminated_instance_shuts_down_a_while_holding_its_group() {
    let m = moto();
    let timing = AwsTiming::new(Windows {
        pending: Duration::ZERO,
        unknown: Duration::ZERO,
        shutting_down: Duration::from_secs(2),
        ..windows()
    });
    let proxy = timing.proxy(m.port(), Schedule::none());
    let ec2 = m.ec2_at(&proxy.endpoint());
    let (vpc, subnets) = default_vpc_and_subnets(&m);
    let group = security_group(&m, &ec2, "shutting-down", &vpc);
    let id = launch(&m, &ec2, Some(&subnets[0]), &[&group]);
    m.block_on(ec2.terminate_instances().instance_ids(&id).send())
        .unwrap();
    let state = || {
        m.block_on(async {
            let out = ec2
                .describe_instances()
                .instance_ids(&id)
                .send()
                .await
                .unwrap();
            out.reservations()[0].instances()[0]
                .state()
                .and_then(|s| s.name())
                .map_or("?".into(), |s| s.as_str().to_string())
        })
    };
    let delete_group = || answer(m.block_on(ec2.delete_security_group().group_id(&group).send()));
    assert_eq!(state(), "shutting-down");
    assert_eq!(delete_group().0, "DependencyViolation");
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(state(), "terminated");
    assert_eq!(delete_group().0, "ok");
    let seen = timing.seen();
    assert!(seen.contains_key("shutting-down"), "{seen:?}");
    assert!(seen.contains_key("DependencyViolation"), "{seen:?}");
}
