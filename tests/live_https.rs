//! The tutorial's next chapter live against moto's server on 127.0.0.1: a
//! domain and HTTPS in front of the tutorial. awsrun talks to moto through
//! the AWS-timing layer (`support/aws_timing.rs`), which makes moto answer
//! as AWS does where it is lax; every result is checked with the test's
//! own ACM, ELBv2, EC2 and Route 53 clients, never awsrun's.

use crate::support::aws_timing::{AwsTiming, Windows};
use crate::support::moto::{Moto, moto};
use crate::support::proxy::{Proxy, Schedule};
use std::collections::BTreeSet;

/// `awsrun` pointed at moto through the AWS-timing layer.
struct Aws {
    timing: std::sync::Arc<AwsTiming>,
    proxy: Proxy,
}

impl Aws {
    fn new(m: &Moto) -> Aws {
        let timing = AwsTiming::new(Windows::short());
        let proxy = timing.proxy(m.port(), Schedule::none());
        Aws { timing, proxy }
    }

    fn awsrun(&self, m: &Moto) -> snapbox::cmd::Command {
        m.awsrun().env("AWS_ENDPOINT_URL", self.proxy.endpoint())
    }
}

const STACK: &str = "multi-server";
const DOMAIN: &str = "api.example.com";

/// One record set as the test reads it: name (no dot), type, values,
/// alias target (no dot).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Record {
    name: String,
    kind: String,
    values: Vec<String>,
    alias: String,
}

fn bare(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Every record set of the zone, with the test's own client.
fn records(m: &Moto, zone: &str) -> Vec<Record> {
    let route53 = m.route53();
    m.block_on(async {
        let out = route53
            .list_resource_record_sets()
            .hosted_zone_id(zone)
            .send()
            .await
            .expect("ListResourceRecordSets");
        let mut all: Vec<Record> = out
            .resource_record_sets()
            .iter()
            .map(|set| Record {
                name: bare(set.name()),
                kind: set.r#type().as_str().to_string(),
                values: set
                    .resource_records()
                    .iter()
                    .map(|r| r.value().to_string())
                    .collect(),
                alias: set
                    .alias_target()
                    .map(|a| bare(a.dns_name()))
                    .unwrap_or_default(),
            })
            .collect();
        all.sort();
        all
    })
}

/// A record made by hand in the zone: awsrun must never touch it.
fn hand_made(m: &Moto, zone: &str, name: &str, kind: &str, value: &str) {
    let route53 = m.route53();
    let batch = aws_sdk_route53::types::ChangeBatch::builder()
        .changes(crate::support::moto::record_change(
            "CREATE", name, kind, value,
        ))
        .build()
        .unwrap();
    m.block_on(async {
        route53
            .change_resource_record_sets()
            .hosted_zone_id(zone)
            .change_batch(batch)
            .send()
            .await
            .expect("a hand-made record");
    });
}

/// The account's certificates: (arn, domain, status, stack tag).
fn certificates(m: &Moto) -> Vec<(String, String, String, String)> {
    let acm = m.acm();
    m.block_on(async {
        let list = acm.list_certificates().send().await.unwrap();
        let mut out = Vec::new();
        for summary in list.certificate_summary_list() {
            let arn = summary.certificate_arn().unwrap().to_string();
            let detail = acm
                .describe_certificate()
                .certificate_arn(&arn)
                .send()
                .await
                .unwrap();
            let detail = detail.certificate().unwrap();
            let tags = acm
                .list_tags_for_certificate()
                .certificate_arn(&arn)
                .send()
                .await
                .unwrap();
            let stack = tags
                .tags()
                .iter()
                .find(|t| t.key() == "awsrun:stack")
                .and_then(|t| t.value())
                .unwrap_or("")
                .to_string();
            out.push((
                arn,
                detail.domain_name().unwrap_or("").to_string(),
                detail
                    .status()
                    .map(|s| s.as_str())
                    .unwrap_or("")
                    .to_string(),
                stack,
            ));
        }
        out
    })
}

/// The tutorial with its domain, through `awsrun` on the command line.
fn tutorial_with_domain(m: &Moto, aws: &Aws) -> snapbox::cmd::OutputAssert {
    aws.awsrun(m)
        .args([
            "scripts/multi-server.rhai",
            "--var",
            &format!("domain={DOMAIN}"),
            "--yes",
        ])
        .assert()
}

#[test]
fn the_tutorial_with_a_domain_serves_https_and_destroys_without_leaving_a_record() {
    let m = moto();
    let aws = Aws::new(&m);
    let zone = m.hosted_zone("example.com");
    // A team's own record in the zone, made by hand.
    hand_made(&m, &zone, "www.example.com", "CNAME", "example.net");
    let before = records(&m, &zone);

    let out = tutorial_with_domain(&m, &aws).success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(stdout.contains("open https://api.example.com/"), "{stdout}");
    // As on AWS: the certificate's validation record came after a while,
    // and it stayed pending until awsrun wrote the CNAME; awsrun waited
    // for it to be issued before the HTTPS listener, and wrote no record
    // twice.
    let seen = aws.timing.seen();
    for what in ["validation records hidden", "pending validation"] {
        assert!(seen.contains_key(what), "no {what} in {seen:?}");
    }
    for what in ["CertificateNotFound", "InvalidChangeBatch"] {
        assert!(!seen.contains_key(what), "{what} in {seen:?}");
    }

    // The certificate: for the domain, issued, tagged with the stack.
    let certs = certificates(&m);
    assert_eq!(certs.len(), 1, "{certs:?}");
    let (cert_arn, cert_domain, status, stack) = &certs[0];
    assert_eq!(
        (cert_domain.as_str(), status.as_str(), stack.as_str()),
        (DOMAIN, "ISSUED", STACK)
    );

    // The listeners: 443 HTTPS with the certificate and a TLS 1.2+ policy,
    // forwarding to the tutorial's target group; 80 redirecting with 301.
    let (elb, ec2) = (m.elb(), m.ec2());
    let (lb_dns, lb_sg) = m.block_on(async {
        let lbs = elb.describe_load_balancers().send().await.unwrap();
        let lb = lbs
            .load_balancers()
            .iter()
            .find(|lb| lb.load_balancer_name() == Some("awesome-api"))
            .expect("the tutorial's load balancer");
        let tgs = elb.describe_target_groups().send().await.unwrap();
        let tg = tgs
            .target_groups()
            .iter()
            .find(|t| t.target_group_name() == Some("awesome-api-tg"))
            .unwrap()
            .target_group_arn()
            .unwrap()
            .to_string();
        let listeners = elb
            .describe_listeners()
            .load_balancer_arn(lb.load_balancer_arn().unwrap())
            .send()
            .await
            .unwrap();
        let by_port = |port: i32| {
            listeners
                .listeners()
                .iter()
                .find(|l| l.port() == Some(port))
                .unwrap_or_else(|| panic!("a listener on {port}: {listeners:?}"))
        };
        let secure = by_port(443);
        assert_eq!(secure.protocol().map(|p| p.as_str()), Some("HTTPS"));
        assert_eq!(
            secure.certificates()[0].certificate_arn(),
            Some(cert_arn.as_str())
        );
        assert_eq!(
            secure.ssl_policy(),
            Some("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09")
        );
        let action = &secure.default_actions()[0];
        assert_eq!(action.r#type().map(|t| t.as_str()), Some("forward"));
        assert_eq!(action.target_group_arn(), Some(tg.as_str()));
        let plain = by_port(80);
        assert_eq!(plain.protocol().map(|p| p.as_str()), Some("HTTP"));
        let redirect = plain.default_actions()[0]
            .redirect_config()
            .expect("port 80 redirects");
        assert_eq!(redirect.protocol(), Some("HTTPS"));
        assert_eq!(redirect.port(), Some("443"));
        assert_eq!(redirect.status_code().map(|c| c.as_str()), Some("HTTP_301"));
        assert_eq!(listeners.listeners().len(), 2, "{listeners:?}");
        (
            bare(lb.dns_name().unwrap()),
            lb.security_groups()[0].clone(),
        )
    });
    // 443 open on the load balancer's group, next to 80.
    let open: BTreeSet<i32> = m.block_on(async {
        let groups = ec2
            .describe_security_groups()
            .group_ids(&lb_sg)
            .send()
            .await
            .unwrap();
        groups.security_groups()[0]
            .ip_permissions()
            .iter()
            .filter(|p| {
                p.ip_ranges()
                    .iter()
                    .any(|r| r.cidr_ip() == Some("0.0.0.0/0"))
            })
            .filter_map(|p| p.from_port())
            .collect()
    });
    assert_eq!(open, BTreeSet::from([80, 443]));

    // The zone: the alias to the load balancer, its ownership record naming
    // the stack, the validation CNAME and its ownership record; the
    // hand-made record untouched.
    let now = records(&m, &zone);
    let alias = now
        .iter()
        .find(|r| r.name == DOMAIN && r.kind == "A")
        .expect("the alias record");
    assert_eq!(alias.alias, lb_dns);
    let owner = now
        .iter()
        .find(|r| r.name == "_awsrun-a.api.example.com" && r.kind == "TXT")
        .expect("the alias's ownership record");
    assert!(
        owner.values[0].contains("awsrun/stack=multi-server"),
        "{owner:?}"
    );
    let validation: Vec<&Record> = now
        .iter()
        .filter(|r| r.kind == "CNAME" && r.name.ends_with(".api.example.com"))
        .collect();
    assert_eq!(validation.len(), 1, "{now:?}");
    assert!(
        now.iter()
            .any(|r| r.name == format!("_awsrun-cname.{}", validation[0].name))
    );
    for record in &before {
        assert!(now.contains(record), "{record:?} was changed");
    }
    assert_eq!(now.len(), before.len() + 4, "{now:#?}");

    // Re-running creates nothing.
    let again = tutorial_with_domain(&m, &aws).success();
    let again = String::from_utf8_lossy(&again.get_output().stdout).into_owned();
    assert!(
        again.contains("Done: 0 created, 0 changed"),
        "a re-run changed something:\n{again}"
    );

    // Destroy: no record, listener or certificate of the stack is left;
    // the zone holds what it held before.
    aws.awsrun(&m)
        .args(["destroy", "--stack", STACK, "--yes"])
        .assert()
        .success();
    // ACM held the certificate in use a while after its listener went.
    let seen = aws.timing.seen();
    println!("the layer during the chapter: {seen:?}");
    assert!(seen.contains_key("certificate in use"), "{seen:?}");
    assert_eq!(records(&m, &zone), before);
    assert!(certificates(&m).is_empty(), "{:?}", certificates(&m));
    m.block_on(async {
        let lbs = elb.describe_load_balancers().send().await.unwrap();
        assert!(lbs.load_balancers().is_empty());
    });
}

#[test]
fn the_chapter_alone_changes_port_80_in_place_and_adds_https_to_the_running_tutorial() {
    let m = moto();
    let aws = Aws::new(&m);
    let zone = m.hosted_zone("example.com");
    aws.awsrun(&m)
        .args(["scripts/multi-server.rhai", "--yes"])
        .assert()
        .success();
    let listener_80 = || {
        let elb = m.elb();
        m.block_on(async {
            let lbs = elb.describe_load_balancers().send().await.unwrap();
            let lb = lbs.load_balancers()[0]
                .load_balancer_arn()
                .unwrap()
                .to_string();
            let listeners = elb
                .describe_listeners()
                .load_balancer_arn(lb)
                .send()
                .await
                .unwrap();
            let l = listeners
                .listeners()
                .iter()
                .find(|l| l.port() == Some(80))
                .unwrap()
                .clone();
            (
                l.listener_arn().unwrap().to_string(),
                l,
                listeners.listeners().len(),
            )
        })
    };
    let (arn_before, before, count) = listener_80();
    assert_eq!(count, 1);
    assert!(before.default_actions()[0].target_group_arn().is_some());

    let args = [
        "scripts/https.rhai",
        "--stack",
        STACK,
        "--var",
        "domain=api.example.com",
        "--yes",
    ];
    let out = aws.awsrun(&m).args(args).assert().success();
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    // The plan shows port 80 as a change of the listener, not a new one.
    let change = stdout
        .lines()
        .find(|l| l.contains("~ change") && l.contains("awesome-api-80"))
        .unwrap_or_else(|| panic!("no change line for port 80:\n{stdout}"));
    assert!(change.contains("listener"), "{change}");
    assert!(
        stdout.contains("default action: forward awesome-api-tg -> redirect HTTPS:443 (301)"),
        "{stdout}"
    );
    assert!(stdout.contains("open https://api.example.com/"), "{stdout}");

    // The same listener (same ARN), now redirecting; a 443 listener beside it.
    let (arn_after, after, count) = listener_80();
    assert_eq!(arn_after, arn_before, "the listener was replaced");
    assert_eq!(count, 2);
    let redirect = after.default_actions()[0].redirect_config().unwrap();
    assert_eq!(redirect.port(), Some("443"));
    assert!(
        records(&m, &zone)
            .iter()
            .any(|r| r.name == DOMAIN && r.kind == "A")
    );

    // Again: nothing to do.
    let again = aws.awsrun(&m).args(args).assert().success();
    let again = String::from_utf8_lossy(&again.get_output().stdout).into_owned();
    assert!(again.contains("Done: 0 created, 0 changed"), "{again}");
}

/// A run that fails at the script's line and changes nothing: no
/// certificate, no record, no listener, no resource of the stack.
fn refused(m: &Moto, aws: &Aws, zone: &str, args: &[&str], code: &str, line: &str) {
    let before = records(m, zone);
    let out = aws.awsrun(m).args(args).assert().failure();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains(code), "expected {code}:\n{stderr}");
    assert!(
        stderr.contains(line),
        "expected the script line {line}:\n{stderr}"
    );
    assert!(
        stderr.contains("Nothing was changed"),
        "the plan should fail before any write:\n{stderr}"
    );
    assert_eq!(records(m, zone), before, "the zone changed");
    assert!(certificates(m).is_empty());
    let elb = m.elb();
    m.block_on(async {
        let lbs = elb.describe_load_balancers().send().await.unwrap();
        assert!(lbs.load_balancers().is_empty(), "a load balancer was made");
    });
}

#[test]
fn a_domain_no_zone_holds_is_refused_before_any_change() {
    let m = moto();
    let aws = Aws::new(&m);
    let zone = m.hosted_zone("example.com");
    refused(
        &m,
        &aws,
        &zone,
        &[
            "scripts/multi-server.rhai",
            "--var",
            "domain=api.example.org",
            "--yes",
        ],
        "awsrun::dns::no_zone",
        "multi-server.rhai:",
    );
}

#[test]
fn a_record_another_stack_or_nobody_owns_is_refused_and_left_alone() {
    let m = moto();
    let aws = Aws::new(&m);
    let zone = m.hosted_zone("example.com");
    // Another stack owns the TXT record `_verify.example.com`.
    aws.awsrun(&m)
        .args([
            "tests/cases/live/txt-record.rhai",
            "--stack",
            "other",
            "--yes",
        ])
        .assert()
        .success();
    refused(
        &m,
        &aws,
        &zone,
        &[
            "tests/cases/live/txt-record.rhai",
            "--stack",
            "mine",
            "--yes",
        ],
        "awsrun::dns::not_owned",
        "txt-record.rhai:",
    );
    // Nobody owns a hand-made one.
    hand_made(&m, &zone, "_hand.example.com", "TXT", "\"by hand\"");
    refused(
        &m,
        &aws,
        &zone,
        &[
            "tests/cases/live/txt-record.rhai",
            "--stack",
            "mine",
            "--var",
            "name=_hand",
            "--yes",
        ],
        "awsrun::dns::not_owned",
        "txt-record.rhai:",
    );
    // Destroying the other stack removes its record and leaves the hand-made one.
    aws.awsrun(&m)
        .args(["destroy", "--stack", "other", "--yes"])
        .assert()
        .success();
    let left: Vec<String> = records(&m, &zone)
        .into_iter()
        .filter(|r| r.kind == "TXT")
        .map(|r| r.name)
        .collect();
    assert_eq!(left, ["_hand.example.com"]);
}

#[test]
fn a_certificate_its_zone_cannot_validate_is_refused_before_any_change() {
    let m = moto();
    let aws = Aws::new(&m);
    let zone = m.hosted_zone("example.com");
    refused(
        &m,
        &aws,
        &zone,
        &["tests/cases/live/cert-outside-zone.rhai", "--yes"],
        "awsrun::dns::outside_zone",
        "cert-outside-zone.rhai:",
    );
}

/// Credentials that may use EC2 and ELB but not ACM or Route 53: both
/// answer `AccessDeniedException` / `AccessDenied` (IAM denies per action).
struct NoDomainRights;

impl crate::support::proxy::Behaviour for NoDomainRights {
    fn refuse(&self, call: &crate::support::proxy::Call) -> Option<(u16, String, String)> {
        let code = match call.service {
            "acm" => "AccessDeniedException",
            "route53" => "AccessDenied",
            _ => return None,
        };
        Some((
            400,
            code.to_string(),
            format!(
                "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: {}:{}",
                call.service, call.action
            ),
        ))
    }

    fn answered(
        &self,
        _call: &crate::support::proxy::Call,
        _status: u16,
        _body: &str,
    ) -> Option<String> {
        None
    }
}

#[test]
fn credentials_without_acm_or_route_53_still_plan_run_and_destroy_a_stack_without_a_domain() {
    let m = moto();
    let proxy = Proxy::start_with(
        m.port(),
        Schedule::none(),
        Some(std::sync::Arc::new(NoDomainRights)),
    );
    let run = |args: &[&str]| {
        let out = m
            .awsrun()
            .env("AWS_ENDPOINT_URL", proxy.endpoint())
            .args(args)
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let stderr = run(&["tests/cases/live/one-server.rhai", "--yes"]);
    assert!(
        stderr
            .contains("cannot list certificate resources (ListCertificates AccessDeniedException"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cannot list dns_record resources (ListHostedZones AccessDenied"),
        "{stderr}"
    );
    run(&["destroy", "--stack", "one-server", "--yes"]);
    let ec2 = m.ec2();
    let left = m
        .block_on(crate::support::moto::stack_instances(&ec2, "one-server"))
        .into_iter()
        .filter(|(_, _, state)| state != "terminated")
        .count();
    assert_eq!(left, 0, "destroy left an instance");
}
