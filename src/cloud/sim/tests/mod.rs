//! Unit tests of the simulated account: one test per AWS rule, asserting
//! AWS's error code, plus states, destroy rules, seeding and speed.

mod account;
mod adopt;
mod auto_scaling;
mod certificates;
mod destroy;
mod dns;
mod groups;
mod instances;
mod lifecycle;
mod listeners;
mod load_balancers;
mod nat;
mod perf;
mod quotas;
mod routes;
mod seed;
mod subnets;
mod target_group_settings;
mod target_groups;
mod vpcs;

use crate::cloud::{ListenerAction, Spec};
use std::fmt::Debug;

use super::SimAccount;
use crate::cloud::{CertificateSpec, DnsRecordSpec, ElasticIpSpec, NatGatewaySpec, RouteTableSpec};
use crate::cloud::{
    Cloud, CloudResult, HealthCheck, InstanceSpec, ListenerSpec, LoadBalancerSpec, Resource,
    SecurityGroupSpec, SubnetSpec, Tags, TargetGroupSpec,
};

pub(super) const REGION: &str = "ap-northeast-2";

pub(super) fn account() -> SimAccount {
    SimAccount::new(REGION)
}

/// A new account whose vCPU quota was raised (to 10,000), for tests about
/// other rules that launch more than a new account's 5 vCPUs.
pub(super) fn roomy_account() -> SimAccount {
    let a = SimAccount::new(REGION);
    a.set_quotas(super::quotas::Quotas {
        vcpus: 10_000,
        ..super::quotas::Quotas::AWS
    });
    a
}

pub(super) fn tags(name: &str) -> Tags {
    Tags::new("test", name)
}

/// The AWS error code of a failed call (panics on success).
pub(super) fn code<T: Debug>(result: CloudResult<T>) -> String {
    let err = result.expect_err("the call should fail");
    assert!(
        err.hint.is_some(),
        "every simulated error has a hint: {err}"
    );
    err.code
}

pub(super) fn vpc(a: &SimAccount) -> String {
    a.default_vpc().unwrap().id
}

/// The default subnet of AZ `letter` (`a`, `b`, ...).
pub(super) fn public(a: &SimAccount, letter: &str) -> String {
    let az = format!("{REGION}{letter}");
    let subnets = a.vpc_subnets(&vpc(a)).unwrap();
    subnets
        .into_iter()
        .find(|s| s.str("az") == az && s.attr("default") == Some(&true.into()))
        .unwrap()
        .id
}

pub(super) fn subnet_in(
    a: &SimAccount,
    vpc: &str,
    cidr: &str,
    letter: &str,
) -> CloudResult<Resource> {
    let spec = SubnetSpec {
        vpc: vpc.into(),
        cidr: cidr.into(),
        az: format!("{REGION}{letter}"),
        public_ip: false,
    };
    a.create(&Spec::Subnet(spec.clone()), &tags(cidr))
}

pub(super) fn subnet(a: &SimAccount, cidr: &str, letter: &str) -> CloudResult<Resource> {
    subnet_in(a, &vpc(a), cidr, letter)
}

pub(super) fn group_in(a: &SimAccount, vpc: &str, name: &str) -> CloudResult<Resource> {
    let spec = SecurityGroupSpec {
        vpc: vpc.into(),
        group_name: name.into(),
        description: format!("{name} servers"),
    };
    a.create(&Spec::SecurityGroup(spec.clone()), &tags(name))
}

pub(super) fn group(a: &SimAccount, name: &str) -> Resource {
    group_in(a, &vpc(a), name).unwrap()
}

pub(super) fn instance_spec(subnet: &str, groups: &[&str]) -> InstanceSpec {
    InstanceSpec {
        subnet: subnet.into(),
        image: "ami-0123456789abcdef0".into(),
        instance_type: "t3.micro".into(),
        security_groups: groups.iter().map(|g| g.to_string()).collect(),
        public_ip: false,
        user_data: String::new(),
    }
}

pub(super) fn instance(a: &SimAccount, subnet: &str, groups: &[&str]) -> CloudResult<Resource> {
    a.create(
        &Spec::Instance(instance_spec(subnet, groups).clone()),
        &tags("web"),
    )
}

pub(super) fn tg_spec(name: &str, vpc: &str) -> TargetGroupSpec {
    TargetGroupSpec {
        name: name.into(),
        vpc: vpc.into(),
        port: 3000,
        protocol: "HTTP".into(),
        health_check: HealthCheck::default(),
        deregistration_delay: 300,
    }
}

pub(super) fn target_group(a: &SimAccount, name: &str) -> CloudResult<Resource> {
    a.create(
        &Spec::TargetGroup(tg_spec(name, &vpc(a)).clone()),
        &tags(name),
    )
}

pub(super) fn lb_spec(name: &str, subnets: &[String], groups: &[&str]) -> LoadBalancerSpec {
    LoadBalancerSpec {
        name: name.into(),
        subnets: subnets.to_vec(),
        security_groups: groups.iter().map(|g| g.to_string()).collect(),
        scheme: "internet-facing".into(),
    }
}

/// An internet-facing ALB over the default subnets of AZs a and c.
pub(super) fn load_balancer(a: &SimAccount, name: &str) -> CloudResult<Resource> {
    let subnets = [public(a, "a"), public(a, "c")];
    a.create(
        &Spec::LoadBalancer(lb_spec(name, &subnets, &[]).clone()),
        &tags(name),
    )
}

/// A target group a load balancer's listener forwards to (the load
/// balancer in 2a and 2c), so that its targets get traffic.
pub(super) fn served_target_group(a: &SimAccount, name: &str) -> Resource {
    let tg = target_group(a, name).unwrap();
    let lb = load_balancer(a, &format!("{name}-lb")).unwrap();
    let listener = listener_spec(&lb.id, 80, &tg.id);
    a.create(&Spec::Listener(listener), &tags(name)).unwrap();
    tg
}

pub(super) fn route_table_in(a: &SimAccount, vpc: &str, name: &str) -> CloudResult<Resource> {
    let spec = RouteTableSpec {
        vpc: vpc.to_string(),
    };
    a.create(&Spec::RouteTable(spec), &tags(name))
}

pub(super) fn nat_gateway(
    a: &SimAccount,
    subnet: &str,
    eip: &str,
    name: &str,
) -> CloudResult<Resource> {
    let spec = NatGatewaySpec {
        subnet: subnet.to_string(),
        eip: eip.to_string(),
    };
    a.create(&Spec::NatGateway(spec), &tags(name))
}

/// An Elastic IP (`eip`) and a NAT gateway (`nat`) using it in `subnet`.
pub(super) fn nat_in(a: &SimAccount, subnet: &str) -> (Resource, Resource) {
    let eip = a
        .create(&Spec::ElasticIp(ElasticIpSpec {}), &tags("eip"))
        .unwrap();
    let nat = nat_gateway(a, subnet, &eip.id, "nat").unwrap();
    (eip, nat)
}

pub(super) fn listener_spec(lb: &str, port: u16, tg: &str) -> ListenerSpec {
    ListenerSpec {
        load_balancer: lb.into(),
        port,
        protocol: "HTTP".into(),
        action: ListenerAction::Forward(tg.into()),
        certificate: None,
        ssl_policy: None,
    }
}

/// Refreshes until the resource reaches `state`, at most 5 times.
pub(super) fn settle(a: &SimAccount, resource: &Resource, state: &str) -> Resource {
    let mut now = resource.clone();
    for _ in 0..5 {
        if now.state() == state {
            return now;
        }
        now = a.refresh(&now).unwrap();
    }
    assert_eq!(now.state(), state, "{now}");
    now
}

pub(super) fn cert_spec(domain: &str, alt_names: &[&str]) -> CertificateSpec {
    CertificateSpec {
        domain: domain.into(),
        alt_names: alt_names.iter().map(|n| n.to_string()).collect(),
    }
}

/// `RequestCertificate` for `domain` and `alt_names`, tagged `name`.
pub(super) fn certificate(
    a: &SimAccount,
    name: &str,
    domain: &str,
    alt_names: &[&str],
) -> CloudResult<Resource> {
    a.create(
        &Spec::Certificate(cert_spec(domain, alt_names)),
        &tags(name),
    )
}

/// The (name, value) of each validation CNAME ACM asks of a certificate.
pub(super) fn validation(cert: &Resource) -> Vec<(String, String)> {
    cert.attr("validation")
        .and_then(|v| v.as_array())
        .expect("a certificate lists its validation records")
        .iter()
        .map(|r| {
            assert_eq!(r["type"], "CNAME");
            (
                r["name"].as_str().unwrap().to_string(),
                r["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The id of the account's zone for `domain` (assumed in a new account).
pub(super) fn zone(a: &SimAccount, domain: &str) -> String {
    a.hosted_zone(domain).unwrap().expect("a zone").id
}

pub(super) fn record_spec(
    zone: &str,
    name: &str,
    record_type: &str,
    values: &[&str],
) -> DnsRecordSpec {
    DnsRecordSpec {
        zone: zone.into(),
        name: name.into(),
        record_type: record_type.into(),
        ttl: 300,
        values: values.iter().map(|v| v.to_string()).collect(),
        alias: None,
    }
}

/// `ChangeResourceRecordSets`: a stack record (and its ownership record).
pub(super) fn record(
    a: &SimAccount,
    zone: &str,
    name: &str,
    record_type: &str,
    values: &[&str],
) -> CloudResult<Resource> {
    a.create(
        &Spec::DnsRecord(record_spec(zone, name, record_type, values)),
        &tags(&format!("{name} {record_type}")),
    )
}

/// Writes every validation CNAME of `cert` into the zone of `domain`.
pub(super) fn validate(a: &SimAccount, cert: &Resource, domain: &str) {
    let zone = zone(a, domain);
    for (name, value) in validation(cert) {
        record(a, &zone, &name, "CNAME", &[&value]).unwrap();
    }
}

/// A certificate for `domain`, validated and `ISSUED`.
pub(super) fn issued_certificate(a: &SimAccount, name: &str, domain: &str) -> Resource {
    let cert = certificate(a, name, domain, &[]).unwrap();
    validate(a, &cert, domain);
    settle(a, &cert, "ISSUED")
}

/// An HTTPS listener forwarding to `tg` with `certificate` and the default policy.
pub(super) fn https_spec(lb: &str, port: u16, tg: &str, certificate: &str) -> ListenerSpec {
    ListenerSpec {
        protocol: "HTTPS".into(),
        certificate: Some(certificate.into()),
        ssl_policy: Some(crate::cloud::DEFAULT_SSL_POLICY.into()),
        ..listener_spec(lb, port, tg)
    }
}

/// A listener answering with a redirect to `protocol`:`port` (HTTP 301).
pub(super) fn redirect_spec(lb: &str, port: u16, protocol: &str, to: (&str, u16)) -> ListenerSpec {
    ListenerSpec {
        load_balancer: lb.into(),
        port,
        protocol: protocol.into(),
        action: ListenerAction::Redirect(crate::cloud::Redirect {
            protocol: to.0.into(),
            port: to.1,
            status_code: "HTTP_301".into(),
        }),
        certificate: None,
        ssl_policy: None,
    }
}
