//! ACM: `RequestCertificate`'s name rules, DNS validation and
//! `DeleteCertificate` while a listener uses the certificate.

use serde_json::json;

use super::super::{Latency, SimAccount, default_azs};
use super::{
    REGION, account, cert_spec, certificate, code, https_spec, issued_certificate, load_balancer,
    record, settle, tags, target_group, validate, validation, zone,
};
use crate::cloud::{Cloud, Identity, Kind, Resource, Spec, Tags};
use crate::diagnostic::code;

/// Nothing of the stack exists: a refused request stored nothing.
fn nothing_stored(a: &SimAccount) {
    assert!(a.stack_resources("test").unwrap().is_empty());
}

/// A load balancer with an HTTPS listener on 443 using `cert`; returns
/// the load balancer and the listener.
fn https_listener(a: &SimAccount, name: &str, cert: &Resource) -> (Resource, Resource) {
    let lb = load_balancer(a, name).unwrap();
    let tg = target_group(a, &format!("{name}-app")).unwrap();
    let spec = https_spec(&lb.id, 443, &tg.id, &cert.id);
    let listener = a
        .create(&Spec::Listener(spec), &tags(&format!("{name}-443")))
        .unwrap();
    (lb, listener)
}

#[test]
fn a_requested_certificate_is_pending_validation_with_an_acm_arn_and_its_cnames() {
    let a = account();
    let cert = certificate(&a, "site", "example.com", &["www.example.com"]).unwrap();
    let prefix = "arn:aws:acm:ap-northeast-2:123456789012:certificate/";
    let uuid = cert
        .id
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{}", cert.id));
    assert_eq!(uuid.len(), 36, "{uuid}");
    assert_eq!(cert.str("arn"), cert.id);
    assert_eq!(cert.state(), "PENDING_VALIDATION");
    assert_eq!(cert.str("domain"), "example.com");
    assert_eq!(cert.strs("alt_names"), ["www.example.com"]);
    assert!(cert.strs("in_use_by").is_empty());
    let records = validation(&cert);
    assert_eq!(records.len(), 2, "one per name: {records:?}");
    for ((name, value), domain) in records.iter().zip(["example.com", "www.example.com"]) {
        // `_<32 hex>.<name>` -> `_<32 hex>.<10 letters>.acm-validations.aws`.
        let label = name.strip_suffix(&format!(".{domain}")).unwrap();
        assert_eq!(label.len(), 33, "{name}");
        assert!(label.starts_with('_'), "{name}");
        assert!(value.ends_with(".acm-validations.aws"), "{value}");
        assert!(value.starts_with('_'), "{value}");
    }
    assert_eq!(
        a.find(Kind::Certificate, &tags("site")).unwrap(),
        Some(cert)
    );
}

#[test]
fn a_wildcard_shares_its_base_names_validation_record() {
    let a = account();
    let cert = certificate(&a, "site", "example.com", &["*.example.com"]).unwrap();
    let records = validation(&cert);
    assert_eq!(records.len(), 1, "one CNAME for both names: {records:?}");
    let wildcard = certificate(&a, "wild", "*.example.com", &[]).unwrap();
    assert_eq!(validation(&wildcard), records);
    // Writing that one record issues both certificates.
    validate(&a, &cert, "example.com");
    settle(&a, &cert, "ISSUED");
    settle(&a, &wildcard, "ISSUED");
}

#[test]
fn validation_records_are_the_same_for_every_certificate_of_a_domain_in_an_account() {
    let a = account();
    let first = certificate(&a, "one", "api.example.com", &[]).unwrap();
    let second = certificate(&a, "two", "api.example.com", &["www.example.com"]).unwrap();
    assert_ne!(first.id, second.id);
    assert_eq!(validation(&first)[0], validation(&second)[0]);
    let other = account();
    other.set_identity(Identity {
        account: "999999999999".into(),
        arn: "arn:aws:iam::999999999999:user/kim".into(),
        user_id: "AIDAEXAMPLE".into(),
    });
    let theirs = certificate(&other, "one", "api.example.com", &[]).unwrap();
    assert!(
        theirs.id.contains(":999999999999:certificate/"),
        "{}",
        theirs.id
    );
    assert_ne!(validation(&theirs), validation(&first), "another account");
}

#[test]
fn a_certificate_is_issued_only_once_its_validation_record_is_in_a_zone() {
    let a = account();
    let cert = certificate(&a, "site", "example.com", &[]).unwrap();
    let mut now = cert.clone();
    for _ in 0..20 {
        now = a.refresh(&now).unwrap();
        assert_eq!(now.state(), "PENDING_VALIDATION", "no record yet");
    }
    let (name, value) = validation(&cert).remove(0);
    let zone = zone(&a, "example.com");
    record(&a, &zone, &name, "CNAME", &[&value]).unwrap();
    assert_eq!(a.refresh(&now).unwrap().state(), "ISSUED");
}

#[test]
fn a_certificate_waits_for_every_one_of_its_validation_records() {
    let a = account();
    let cert = certificate(&a, "site", "example.com", &["example.org"]).unwrap();
    let records = validation(&cert);
    assert_eq!(records.len(), 2);
    let com = zone(&a, "example.com");
    record(&a, &com, &records[0].0, "CNAME", &[&records[0].1]).unwrap();
    for _ in 0..5 {
        assert_eq!(a.refresh(&cert).unwrap().state(), "PENDING_VALIDATION");
    }
    let org = a.hosted_zone("example.org").unwrap().unwrap().id;
    record(&a, &org, &records[1].0, "CNAME", &[&records[1].1]).unwrap();
    assert_eq!(a.refresh(&cert).unwrap().state(), "ISSUED");
}

#[test]
fn a_validation_cname_with_another_value_validates_nothing() {
    let a = account();
    let cert = certificate(&a, "site", "example.com", &[]).unwrap();
    let (name, _) = validation(&cert).remove(0);
    let zone = zone(&a, "example.com");
    record(&a, &zone, &name, "CNAME", &["_wrong.acm-validations.aws"]).unwrap();
    for _ in 0..5 {
        assert_eq!(a.refresh(&cert).unwrap().state(), "PENDING_VALIDATION");
    }
}

#[test]
fn under_the_latency_model_a_certificate_is_issued_60_s_after_its_last_record() {
    let a = account();
    a.set_latency(Latency::Realistic { scale: 0.0 });
    let cert = certificate(&a, "site", "example.com", &[]).unwrap();
    for _ in 0..5 {
        assert_eq!(a.refresh(&cert).unwrap().state(), "PENDING_VALIDATION");
    }
    validate(&a, &cert, "example.com");
    assert_eq!(a.refresh(&cert).unwrap().state(), "ISSUED");
    let estimate = a.estimate().unwrap();
    assert_eq!(estimate.seconds, super::super::latency::CERTIFICATE_ISSUED);
    let last = estimate.critical_path.last().unwrap();
    assert_eq!(
        (last.kind, last.state.as_str()),
        (Kind::Certificate, "ISSUED")
    );
}

#[test]
fn a_malformed_domain_name_is_validation_exception_and_requests_nothing() {
    let a = account();
    for bad in [
        "example",
        "-bad.example.com",
        "bad-.example.com",
        "a..example.com",
        "example.c",
        "example.com.",
        "*.*.example.com",
        "api.*.example.com",
        "*api.example.com",
        "under_score.example.com",
        "",
    ] {
        let err = certificate(&a, "site", bad, &[]).unwrap_err();
        assert_eq!(err.code, code::Aws::AcmValidation.as_str(), "{bad:?}");
        assert!(err.hint.is_some());
        assert!(
            err.message.contains("at 'domainName' failed to satisfy constraint: Member must satisfy regular expression pattern"),
            "{}",
            err.message
        );
    }
    let err = certificate(
        &a,
        "site",
        "example.com",
        &["www.example.com", "-x.example.com"],
    )
    .unwrap_err();
    assert_eq!(err.code, code::Aws::AcmValidation.as_str());
    assert!(
        err.message
            .contains("'-x.example.com' at 'subjectAlternativeNames.2.member'"),
        "{}",
        err.message
    );
    nothing_stored(&a);
    for good in [
        "*.example.com",
        "x1.example.com",
        "EXAMPLE.com",
        "a-b.example.io",
    ] {
        assert!(super::super::valid_domain(good), "{good}");
    }
}

#[test]
fn a_first_name_over_64_characters_is_validation_exception_but_fits_as_an_alt_name() {
    let a = account();
    let long = format!("{}.example.com", "a".repeat(53));
    assert_eq!(long.len(), 65);
    let err = certificate(&a, "site", &long, &[]).unwrap_err();
    assert_eq!(err.code, code::Aws::AcmValidation.as_str());
    assert!(
        err.message
            .contains("Member must have length less than or equal to 64"),
        "{}",
        err.message
    );
    nothing_stored(&a);
    let fits = &long[1..];
    assert_eq!(fits.len(), 64);
    certificate(&a, "fits", fits, &[]).unwrap();
    let cert = certificate(&a, "site", "example.com", &[&long]).unwrap();
    assert_eq!(cert.strs("alt_names"), [long]);
}

#[test]
fn more_than_ten_names_is_limit_exceeded_exception() {
    let a = account();
    let names: Vec<String> = (1..=10).map(|n| format!("s{n}.example.com")).collect();
    let all: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(
        code(certificate(&a, "site", "example.com", &all)),
        code::Aws::AcmLimitExceeded.as_str(),
        "11 names"
    );
    nothing_stored(&a);
    let cert = certificate(&a, "site", "example.com", &all[..9]).unwrap();
    assert_eq!(validation(&cert).len(), 10, "10 names");
}

#[test]
fn the_same_idempotency_token_returns_the_same_certificate() {
    let a = account();
    let first = certificate(&a, "site", "example.com", &[]).unwrap();
    let again = certificate(&a, "site", "example.com", &[]).unwrap();
    assert_eq!(again, first);
    // Another name in the stack is another token, so another certificate.
    let other = certificate(&a, "other", "example.com", &[]).unwrap();
    assert_ne!(other.id, first.id);
    // So is the same name in another stack.
    let elsewhere = a
        .create(
            &Spec::Certificate(cert_spec("example.com", &[])),
            &Tags::new("prod", "site"),
        )
        .unwrap();
    assert_ne!(elsewhere.id, first.id);
    // Once deleted, the token asks for a new one.
    a.delete(&first).unwrap();
    let fresh = certificate(&a, "site", "example.com", &[]).unwrap();
    assert_ne!(fresh.id, first.id);
}

#[test]
fn a_certificate_a_listener_uses_is_resource_in_use_exception_then_once_more_after_it() {
    let a = account();
    let cert = issued_certificate(&a, "site", "example.com");
    let (lb, listener) = https_listener(&a, "web", &cert);
    let in_use = code::Aws::CertificateInUse.as_str();
    let err = a.delete(&cert).unwrap_err();
    assert_eq!(err.code, in_use);
    assert_eq!(
        err.message,
        format!("Certificate {} in account 123456789012 is in use.", cert.id)
    );
    assert!(err.hint.unwrap().contains(&listener.id));
    // Refused: the certificate is still there and still in use.
    let now = a.refresh(&cert).unwrap();
    assert_eq!(now.state(), "ISSUED");
    assert_eq!(now.strs("in_use_by"), [lb.id.as_str()]);
    assert_eq!(code(a.delete(&cert)), in_use, "every attempt while used");
    a.delete(&listener).unwrap();
    assert!(a.refresh(&cert).unwrap().strs("in_use_by").is_empty());
    // ACM keeps it in use a moment after its last listener is gone.
    assert_eq!(code(a.delete(&cert)), in_use, "the in-use window");
    assert_eq!(a.refresh(&cert).unwrap().state(), "ISSUED");
    a.delete(&cert).unwrap();
    assert_eq!(
        code(a.refresh(&cert)),
        code::Aws::CertificateResourceNotFound.as_str()
    );
    assert_eq!(a.find(Kind::Certificate, &tags("site")).unwrap(), None);
}

#[test]
fn deleting_the_load_balancer_frees_the_certificate_after_the_window() {
    let a = account();
    let cert = issued_certificate(&a, "site", "example.com");
    let (lb, _) = https_listener(&a, "web", &cert);
    a.delete(&lb).unwrap();
    assert_eq!(code(a.delete(&cert)), code::Aws::CertificateInUse.as_str());
    a.delete(&cert).unwrap();
}

#[test]
fn in_use_by_lists_the_load_balancers_whose_listeners_use_it() {
    let a = account();
    let cert = issued_certificate(&a, "site", "example.com");
    let (web, web_listener) = https_listener(&a, "web", &cert);
    let (admin, _) = https_listener(&a, "admin", &cert);
    let mut users = a.refresh(&cert).unwrap().strs("in_use_by");
    users.sort();
    let mut both = vec![web.id.clone(), admin.id.clone()];
    both.sort();
    assert_eq!(users, both);
    a.delete(&web_listener).unwrap();
    assert_eq!(a.refresh(&cert).unwrap().strs("in_use_by"), [admin.id]);
    assert_eq!(code(a.delete(&cert)), code::Aws::CertificateInUse.as_str());
}

#[test]
fn deleting_an_unknown_certificate_is_resource_not_found_exception() {
    let a = account();
    let ghost = Resource::new(
        Kind::Certificate,
        "ghost",
        "arn:aws:acm:ap-northeast-2:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    );
    assert_eq!(
        code(a.delete(&ghost)),
        code::Aws::CertificateResourceNotFound.as_str()
    );
    let cert = certificate(&a, "site", "example.com", &[]).unwrap();
    a.delete(&cert).unwrap();
    assert_eq!(
        code(a.delete(&cert)),
        code::Aws::CertificateResourceNotFound.as_str(),
        "deleted twice"
    );
}

/// A mirror: an empty account with the default VPC's subnets, a real zone
/// and an ACM certificate, seeded as `AwsCloud::mirror` does.
fn mirrored_with_certificate(state: &str) -> (SimAccount, Resource) {
    let a = SimAccount::empty(REGION, default_azs(REGION));
    let zone = "Z0123456789ABCDEFGHIJ";
    a.seed(
        Resource::new(Kind::HostedZone, "example.com", zone)
            .with("domain", "example.com")
            .with("private", false),
        None,
    );
    let arn =
        "arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-2222-3333-4444-555555555555";
    let cert = Resource::new(Kind::Certificate, "site", arn)
        .with("arn", arn)
        .with("domain", "example.com")
        .with("alt_names", json!([]))
        .with("state", state)
        .with(
            "validation",
            json!([{"name": "_aaaa.example.com.", "type": "CNAME", "value": "_bbbb.xyz.acm-validations.aws."}]),
        )
        .with("in_use_by", json!([]));
    a.seed(cert.clone(), Some(Tags::new("test", "site")));
    (a, cert)
}

#[test]
fn a_seeded_pending_certificate_is_issued_once_its_seeded_validation_record_is_written() {
    let (a, cert) = mirrored_with_certificate("PENDING_VALIDATION");
    assert!(a.hosted_zone("api.example.com").unwrap().is_some());
    assert_eq!(a.refresh(&cert).unwrap().state(), "PENDING_VALIDATION");
    // The names Route 53 and ACM write end with a dot; the record does not.
    record(
        &a,
        "Z0123456789ABCDEFGHIJ",
        "_aaaa.example.com",
        "CNAME",
        &["_bbbb.xyz.acm-validations.aws"],
    )
    .unwrap();
    assert_eq!(a.refresh(&cert).unwrap().state(), "ISSUED");
}

#[test]
fn a_seeded_certificate_and_the_seeded_listener_using_it_are_seen_by_the_rules() {
    let a = account();
    let lb = load_balancer(&a, "web").unwrap();
    let tg = target_group(&a, "app").unwrap();
    let arn =
        "arn:aws:acm:ap-northeast-2:123456789012:certificate/11111111-2222-3333-4444-555555555555";
    let listener_arn = format!(
        "{}/0123456789abcdef",
        lb.id.replace(":loadbalancer/", ":listener/")
    );
    // Listeners are seeded before certificates, in `Kind` order.
    a.seed(
        Resource::new(Kind::Listener, "web-443", &listener_arn)
            .with("load_balancer", lb.id.as_str())
            .with("port", 443)
            .with("protocol", "HTTPS")
            .with("forward", tg.id.as_str())
            .with("certificate", arn)
            .with("ssl_policy", crate::cloud::DEFAULT_SSL_POLICY),
        Some(tags("web-443")),
    );
    let cert = Resource::new(Kind::Certificate, "site", arn)
        .with("arn", arn)
        .with("domain", "example.com")
        .with("state", "ISSUED")
        .with("validation", json!([]))
        .with("in_use_by", json!([lb.id.clone()]));
    a.seed(cert.clone(), Some(tags("site")));
    assert_eq!(code(a.delete(&cert)), code::Aws::CertificateInUse.as_str());
    // An ISSUED seeded certificate serves a new HTTPS listener.
    let admin = load_balancer(&a, "admin").unwrap();
    let admin_tg = target_group(&a, "admin-app").unwrap();
    a.create(
        &Spec::Listener(https_spec(&admin.id, 443, &admin_tg.id, arn)),
        &tags("admin-443"),
    )
    .unwrap();
    // The seeded listener holds port 443 of its load balancer.
    let other = target_group(&a, "other").unwrap();
    assert_eq!(
        code(a.create(
            &Spec::Listener(https_spec(&lb.id, 443, &other.id, arn)),
            &tags("web-443b"),
        )),
        code::Aws::DuplicateListener.as_str()
    );
}
