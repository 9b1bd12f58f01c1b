//! The AWS-timing harness itself (`support/aws_timing.rs`): each of AWS's
//! delays happens, seen by the test's own SDK clients through the proxy,
//! and ends when its window does.

use crate::support::aws_timing::{AwsTiming, Windows};
use crate::support::moto::{Moto, moto, record_change as change};
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
        acm_records: second,
        issuing: second,
        cert_in_use: second,
        draining: second,
        group_deleting: second,
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

pub(crate) fn default_vpc_and_subnets(m: &Moto) -> (String, Vec<String>) {
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

/// A DNS-validated certificate for `domain`, requested through `acm`.
fn request_certificate(m: &Moto, acm: &aws_sdk_acm::Client, domain: &str) -> String {
    m.block_on(async {
        let out = acm
            .request_certificate()
            .domain_name(domain)
            .validation_method(aws_sdk_acm::types::ValidationMethod::Dns)
            .send()
            .await
            .unwrap();
        out.certificate_arn().unwrap().to_string()
    })
}

/// A certificate as `acm` describes it: its status, each name's
/// validation status, and its validation record names.
fn describe_certificate(
    m: &Moto,
    acm: &aws_sdk_acm::Client,
    arn: &str,
) -> (String, Vec<String>, Vec<String>) {
    m.block_on(async {
        let out = acm
            .describe_certificate()
            .certificate_arn(arn)
            .send()
            .await
            .unwrap();
        let cert = out.certificate().unwrap();
        let options = cert.domain_validation_options();
        (
            cert.status().map_or("?", |s| s.as_str()).to_string(),
            options
                .iter()
                .map(|o| {
                    o.validation_status()
                        .map_or("?", |s| s.as_str())
                        .to_string()
                })
                .collect(),
            options
                .iter()
                .filter_map(|o| o.resource_record())
                .map(|r| r.name().to_string())
                .collect(),
        )
    })
}

/// A change batch sent through `route53`: its error code and message, or "ok".
fn change_batch(
    m: &Moto,
    route53: &aws_sdk_route53::Client,
    zone: &str,
    changes: Vec<aws_sdk_route53::types::Change>,
) -> (String, String) {
    let batch = aws_sdk_route53::types::ChangeBatch::builder()
        .set_changes(Some(changes))
        .build()
        .unwrap();
    answer(
        m.block_on(
            route53
                .change_resource_record_sets()
                .hosted_zone_id(zone)
                .change_batch(batch)
                .send(),
        ),
    )
}

/// The zone's record sets straight from moto: (name, type, values).
fn zone_records(m: &Moto, zone: &str) -> Vec<(String, String, Vec<String>)> {
    m.block_on(async {
        let out = m
            .route53()
            .list_resource_record_sets()
            .hosted_zone_id(zone)
            .send()
            .await
            .unwrap();
        let mut sets: Vec<_> = out
            .resource_record_sets()
            .iter()
            .filter(|s| !matches!(s.r#type().as_str(), "SOA" | "NS"))
            .map(|s| {
                let values = s.resource_records().iter().map(|r| r.value().to_string());
                (
                    s.name().to_string(),
                    s.r#type().as_str().to_string(),
                    values.collect(),
                )
            })
            .collect();
        sets.sort();
        sets
    })
}

/// A certificate for `domain` requested through the layer and issued: its
/// validation records appear, its CNAME is written, ACM issues it.
fn issued_certificate(
    m: &Moto,
    acm: &aws_sdk_acm::Client,
    route53: &aws_sdk_route53::Client,
    zone: &str,
    domain: &str,
) -> String {
    let arn = request_certificate(m, acm, domain);
    past_the_window();
    let (_, _, records) = describe_certificate(m, acm, &arn);
    let cname = change("CREATE", &records[0], "CNAME", "_x.acm-validations.aws.");
    assert_eq!(change_batch(m, route53, zone, vec![cname]).0, "ok");
    past_the_window();
    assert_eq!(describe_certificate(m, acm, &arn).0, "ISSUED");
    arn
}

/// moto issues a certificate after a second, DNS or not, with its
/// validation record there from the first answer; AWS publishes the record
/// after a few seconds and issues once the CNAME is in the zone.
#[test]
fn a_new_certificate_hides_its_validation_record_a_while_and_is_pending_until_its_cname() {
    let m = moto();
    let (timing, proxy) = layer(&m);
    let (acm, route53) = (m.acm_at(&proxy.endpoint()), m.route53_at(&proxy.endpoint()));
    let zone = m.hosted_zone("example.com");
    let arn = request_certificate(&m, &acm, "api.example.com");
    let (status, validation, records) = describe_certificate(&m, &acm, &arn);
    assert_eq!(status, "PENDING_VALIDATION");
    assert_eq!(validation, ["PENDING_VALIDATION"]);
    assert!(records.is_empty(), "{records:?}");
    past_the_window();
    // moto has issued it by now; through the layer it waits for its CNAME.
    assert_eq!(describe_certificate(&m, &m.acm(), &arn).0, "ISSUED");
    let (status, validation, records) = describe_certificate(&m, &acm, &arn);
    assert_eq!(status, "PENDING_VALIDATION");
    assert_eq!(validation, ["PENDING_VALIDATION"]);
    assert_eq!(records.len(), 1, "{records:?}");
    assert!(records[0].ends_with(".api.example.com."), "{records:?}");
    let listed = m.block_on(async {
        let out = acm.list_certificates().send().await.unwrap();
        let summary = &out.certificate_summary_list()[0];
        summary.status().map(|s| s.as_str().to_string())
    });
    assert_eq!(listed.as_deref(), Some("PENDING_VALIDATION"));
    // Another record in the zone validates nothing.
    let other = change("CREATE", "www.example.com", "CNAME", "example.net");
    assert_eq!(change_batch(&m, &route53, &zone, vec![other]).0, "ok");
    past_the_window();
    assert_eq!(describe_certificate(&m, &acm, &arn).0, "PENDING_VALIDATION");
    // The validation CNAME (named without its trailing dot): issued a
    // while later.
    let name = records[0].trim_end_matches('.');
    let cname = change("CREATE", name, "CNAME", "_x.acm-validations.aws.");
    assert_eq!(change_batch(&m, &route53, &zone, vec![cname]).0, "ok");
    assert_eq!(describe_certificate(&m, &acm, &arn).0, "PENDING_VALIDATION");
    past_the_window();
    let (status, validation, _) = describe_certificate(&m, &acm, &arn);
    assert_eq!(
        (status.as_str(), validation),
        ("ISSUED", vec!["SUCCESS".into()])
    );
    let seen = timing.seen();
    for what in ["validation records hidden", "pending validation"] {
        assert!(seen.contains_key(what), "{what} not in {seen:?}");
    }
    assert_eq!(proxy.errors(), Vec::<String>::new());
}

/// moto takes a pending certificate on a listener and deletes a certificate
/// a listener uses; AWS refuses both, and holds the certificate in use a
/// while after the listener goes.
#[test]
fn a_listener_takes_only_an_issued_certificate_and_holds_it_in_use_until_a_while_after() {
    let m = moto();
    let timing = AwsTiming::new(Windows {
        unknown: Duration::ZERO,
        ..windows()
    });
    let proxy = timing.proxy(m.port(), Schedule::none());
    let (acm, elb) = (m.acm_at(&proxy.endpoint()), m.elb_at(&proxy.endpoint()));
    let route53 = m.route53_at(&proxy.endpoint());
    let zone = m.hosted_zone("example.com");
    let (vpc, subnets) = default_vpc_and_subnets(&m);
    let tg = target_group(&m, &m.elb(), "web", &vpc);
    let lb = m.block_on(async {
        let out = m
            .elb()
            .create_load_balancer()
            .name("web")
            .set_subnets(Some(subnets[..2].to_vec()))
            .send()
            .await
            .unwrap();
        out.load_balancers()[0]
            .load_balancer_arn()
            .unwrap()
            .to_string()
    });
    let https = |cert: &str| {
        use aws_sdk_elasticloadbalancingv2::types::{
            Action, ActionTypeEnum, Certificate, ProtocolEnum,
        };
        m.block_on(async {
            let out = elb
                .create_listener()
                .load_balancer_arn(&lb)
                .protocol(ProtocolEnum::Https)
                .port(443)
                .certificates(Certificate::builder().certificate_arn(cert).build())
                .default_actions(
                    Action::builder()
                        .r#type(ActionTypeEnum::Forward)
                        .target_group_arn(&tg)
                        .build(),
                )
                .send()
                .await;
            match out {
                Ok(o) => Ok(o.listeners()[0].listener_arn().unwrap().to_string()),
                Err(err) => Err(answer::<(), _>(Err(err))),
            }
        })
    };
    let pending = request_certificate(&m, &acm, "pending.example.com");
    past_the_window();
    describe_certificate(&m, &acm, &pending);
    let refused = https(&pending).unwrap_err();
    assert_eq!(
        refused,
        (
            "CertificateNotFound".to_string(),
            format!("Certificate '{pending}' not found")
        )
    );

    let cert = issued_certificate(&m, &acm, &route53, &zone, "api.example.com");
    let listener = https(&cert).unwrap();
    let delete = || answer(m.block_on(acm.delete_certificate().certificate_arn(&cert).send()));
    let (code, message) = delete();
    assert_eq!(code, "ResourceInUseException");
    let account = cert.split(':').nth(4).unwrap();
    assert_eq!(
        message,
        format!("Certificate {cert} in account {account} is in use.")
    );
    m.block_on(elb.delete_listener().listener_arn(&listener).send())
        .unwrap();
    assert_eq!(delete().0, "ResourceInUseException");
    past_the_window();
    assert_eq!(delete().0, "ok");
    let seen = timing.seen();
    assert_eq!(seen["CertificateNotFound"], 1, "{seen:?}");
    assert_eq!(seen["certificate in use"], 2, "{seen:?}");
}

/// moto applies a batch change by change and creates a record set that
/// exists as a twin; Route 53 refuses the whole batch.
#[test]
fn a_change_batch_creating_a_record_that_exists_is_refused_whole() {
    let m = moto();
    let (timing, proxy) = layer(&m);
    let route53 = m.route53_at(&proxy.endpoint());
    let zone = m.hosted_zone("example.com");
    // A record made around the layer, straight on moto.
    let a = |value: &str| change("CREATE", "a.example.com", "A", value);
    assert_eq!(
        change_batch(&m, &m.route53(), &zone, vec![a("192.0.2.1")]).0,
        "ok"
    );
    let before = zone_records(&m, &zone);
    let txt = change("CREATE", "b.example.com", "TXT", "\"b\"");
    let upper = change("CREATE", "A.Example.com.", "A", "192.0.2.2");
    let (code, message) = change_batch(&m, &route53, &zone, vec![txt.clone(), upper]);
    assert_eq!(code, "InvalidChangeBatch");
    assert_eq!(
        message,
        "[Tried to create resource record set [name='a.example.com.', type='A'] but it already exists]"
    );
    assert_eq!(
        zone_records(&m, &zone),
        before,
        "part of the batch was applied"
    );
    // Twice in one batch: the second creates what the first made.
    let (code, _) = change_batch(&m, &route53, &zone, vec![txt.clone(), txt.clone()]);
    assert_eq!(code, "InvalidChangeBatch");
    assert_eq!(zone_records(&m, &zone), before);
    // Deleted and created again in one batch: a change of value.
    let delete = change("DELETE", "a.example.com", "A", "192.0.2.1");
    let batch = vec![delete, a("192.0.2.2"), txt];
    assert_eq!(change_batch(&m, &route53, &zone, batch).0, "ok");
    let after = zone_records(&m, &zone);
    assert_eq!(
        after,
        [
            (
                "a.example.com.".into(),
                "A".into(),
                vec!["192.0.2.2".into()]
            ),
            ("b.example.com.".into(), "TXT".into(), vec!["\"b\"".into()]),
        ]
    );
    assert_eq!(timing.seen()["InvalidChangeBatch"], 2);
    // Route 53's REST actions are named, and its GETs are reads.
    m.block_on(
        route53
            .list_resource_record_sets()
            .hosted_zone_id(&zone)
            .send(),
    )
    .unwrap();
    let actions: Vec<String> = proxy.log().into_iter().map(|e| e.action).collect();
    assert!(
        actions.contains(&"ChangeResourceRecordSets".to_string()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"ListResourceRecordSets".to_string()),
        "{actions:?}"
    );
    assert_eq!(proxy.errors(), Vec::<String>::new());
}
