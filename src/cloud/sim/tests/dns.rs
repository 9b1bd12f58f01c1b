//! Route 53: hosted zones, `ChangeResourceRecordSets` batches of a record
//! and its ownership record, and the rules Route 53 checks a batch by.

use serde_json::json;

use super::super::{SimAccount, default_azs, load_balancer_zone};
use super::{REGION, account, code, load_balancer, record, record_spec, tags};
use crate::cloud::ownership::{owner_name, owner_value};
use crate::cloud::{AliasTarget, Cloud, Kind, Resource, Spec, Tags};
use crate::diagnostic::code;

const INVALID: &str = code::Aws::InvalidChangeBatch.as_str();

/// The zone `example.com` of its own (no zones assumed any more).
fn with_zone() -> (SimAccount, String) {
    let a = account();
    let id = a.add_hosted_zone("example.com", None);
    (a, id)
}

/// Neither `name`'s record of `record_type` nor its ownership record exists.
fn nothing_at(a: &SimAccount, zone: &str, name: &str, record_type: &str) {
    assert_eq!(a.record_at(zone, name, record_type).unwrap(), None);
    let owner = owner_name(name, record_type);
    assert_eq!(a.record_at(zone, &owner, "TXT").unwrap(), None);
}

/// The message of a refused batch, which Route 53 puts in brackets.
fn batch_message(result: crate::cloud::CloudResult<Resource>) -> String {
    let err = result.expect_err("the batch should be refused");
    assert_eq!(err.code, INVALID, "{err}");
    assert!(err.hint.is_some(), "{err}");
    assert!(
        err.message.starts_with('[') && err.message.ends_with(']'),
        "{}",
        err.message
    );
    err.message
}

#[test]
fn a_new_account_assumes_a_zone_for_the_last_two_labels_with_soa_and_ns() {
    let a = account();
    let zone = a.hosted_zone("api.Example.com.").unwrap().unwrap();
    assert_eq!(zone.kind, Kind::HostedZone);
    assert_eq!(zone.str("domain"), "example.com");
    assert_eq!(zone.attr("assumed"), Some(&true.into()));
    assert_eq!(zone.attr("private"), Some(&false.into()));
    assert!(
        zone.id.starts_with('Z') && zone.id.len() == 21,
        "{}",
        zone.id
    );
    // The same zone for every name under it, and on every run.
    assert_eq!(
        a.hosted_zone("www.example.com").unwrap(),
        Some(zone.clone())
    );
    assert_eq!(
        account().hosted_zone("example.com").unwrap(),
        Some(zone.clone())
    );
    let ns = a.record_at(&zone.id, "example.com", "NS").unwrap().unwrap();
    assert_eq!(ns.strs("values").len(), 4);
    assert!(
        a.record_at(&zone.id, "example.com", "SOA")
            .unwrap()
            .is_some()
    );
    // Nobody owns the apex records.
    assert_eq!(ns.str("owner"), "");
    assert_eq!(a.hosted_zone("localhost").unwrap(), None, "one label");
}

#[test]
fn an_account_with_a_zone_of_its_own_assumes_none_and_picks_the_closest_parent() {
    let (a, id) = with_zone();
    let found = a.hosted_zone("api.example.com").unwrap().unwrap();
    assert_eq!(found.id, id);
    assert_eq!(found.attr("assumed"), Some(&false.into()));
    assert_eq!(a.hosted_zone("example.org").unwrap(), None);
    assert_eq!(a.hosted_zone("badexample.com").unwrap(), None);
    let dev = a.add_hosted_zone("dev.example.com", Some("Z0DEVDEVDEVDEVDEVDEV1"));
    assert_eq!(dev, "Z0DEVDEVDEVDEVDEVDEV1");
    assert_eq!(
        a.hosted_zone("api.dev.example.com").unwrap().unwrap().id,
        dev
    );
    assert_eq!(a.hosted_zone("api.example.com").unwrap().unwrap().id, id);
}

#[test]
fn a_record_is_written_with_its_ownership_record_and_read_back_with_its_owner() {
    let (a, zone) = with_zone();
    let made = record(&a, &zone, "API.example.com.", "A", &["203.0.113.10"]).unwrap();
    assert_eq!(made.kind, Kind::DnsRecord);
    assert_eq!(made.id, format!("{zone}/api.example.com/A"));
    assert_eq!(made.name, "API.example.com. A");
    assert_eq!(made.str("record_name"), "api.example.com");
    assert_eq!(made.str("owner"), "test");
    assert_eq!(made.str("target"), "203.0.113.10");
    let read = a.record_at(&zone, "api.example.com", "A").unwrap().unwrap();
    assert_eq!(read.id, made.id);
    assert_eq!(read.name, made.name, "the Name the ownership record holds");
    assert_eq!(read.str("owner"), "test");
    assert_eq!(read.strs("values"), ["203.0.113.10"]);
    assert_eq!(read.attrs["ttl"], 300);
    let owner = a
        .record_at(&zone, "_awsrun-a.api.example.com", "TXT")
        .unwrap()
        .unwrap();
    assert_eq!(
        owner.strs("values"),
        [owner_value(&Tags::new("test", "API.example.com. A"))]
    );
    assert_eq!(
        a.find(Kind::DnsRecord, &tags("API.example.com. A"))
            .unwrap(),
        Some(made)
    );
}

#[test]
fn a_name_outside_the_zone_is_invalid_change_batch_and_writes_nothing() {
    let (a, zone) = with_zone();
    for name in ["api.example.org", "badexample.com"] {
        let message = batch_message(record(&a, &zone, name, "A", &["203.0.113.10"]));
        assert!(
            message.contains(&format!(
                "RRSet with DNS name {name}. is not permitted in zone example.com."
            )),
            "{message}"
        );
        nothing_at(&a, &zone, name, "A");
    }
    assert!(a.stack_resources("test").unwrap().is_empty());
}

#[test]
fn creating_a_record_that_exists_is_invalid_change_batch_and_keeps_the_first() {
    let (a, zone) = with_zone();
    let first = record(&a, &zone, "api.example.com", "A", &["203.0.113.10"]).unwrap();
    let message = batch_message(record(&a, &zone, "api.example.com", "A", &["203.0.113.99"]));
    assert!(
        message.contains(
            "Tried to create resource record set [name='api.example.com.', type='A'] but it already exists"
        ),
        "{message}"
    );
    let read = a.record_at(&zone, "api.example.com", "A").unwrap().unwrap();
    assert_eq!(read.strs("values"), ["203.0.113.10"]);
    // Another type at the name is another record set.
    record(&a, &zone, "api.example.com", "AAAA", &["2001:db8::10"]).unwrap();
    assert_eq!(a.stack_resources("test").unwrap().len(), 2);
    assert_eq!(a.stack_resources("test").unwrap()[0], first);
}

#[test]
fn a_cname_beside_other_records_or_at_the_zone_apex_is_invalid_change_batch() {
    let (a, zone) = with_zone();
    record(&a, &zone, "www.example.com", "A", &["203.0.113.10"]).unwrap();
    let message = batch_message(record(
        &a,
        &zone,
        "www.example.com",
        "CNAME",
        &["web.example.net"],
    ));
    assert!(
        message.contains(
            "RRSet of type CNAME with DNS name www.example.com. is not permitted as it conflicts with other records with the same DNS name in zone example.com."
        ),
        "{message}"
    );
    nothing_at(&a, &zone, "www.example.com", "CNAME");
    // The apex holds SOA and NS.
    let message = batch_message(record(
        &a,
        &zone,
        "example.com",
        "CNAME",
        &["web.example.net"],
    ));
    assert!(
        message.contains("DNS name example.com. is not permitted as it conflicts"),
        "{message}"
    );
    nothing_at(&a, &zone, "example.com", "CNAME");
}

#[test]
fn another_type_beside_a_cname_is_invalid_change_batch() {
    let (a, zone) = with_zone();
    record(&a, &zone, "www.example.com", "CNAME", &["web.example.net"]).unwrap();
    for record_type in ["A", "TXT"] {
        let message = batch_message(record(
            &a,
            &zone,
            "www.example.com",
            record_type,
            &["\"x\""],
        ));
        assert!(
            message.contains(&format!(
                "RRSet of type {record_type} with DNS name www.example.com. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone example.com."
            )),
            "{message}"
        );
        nothing_at(&a, &zone, "www.example.com", record_type);
    }
}

/// An alias record to `dns_name` in the zone id `target_zone`.
fn alias(
    a: &SimAccount,
    zone: &str,
    name: &str,
    dns_name: &str,
    target_zone: &str,
) -> crate::cloud::CloudResult<Resource> {
    let spec = crate::cloud::DnsRecordSpec {
        alias: Some(AliasTarget {
            dns_name: dns_name.into(),
            hosted_zone_id: target_zone.into(),
            evaluate_health: true,
        }),
        ..record_spec(zone, name, "A", &[])
    };
    a.create(&Spec::DnsRecord(spec), &tags(&format!("{name} A")))
}

#[test]
fn an_alias_names_the_regions_load_balancer_zone_and_a_load_balancer_that_exists() {
    let (a, zone) = with_zone();
    let lb = load_balancer(&a, "web").unwrap();
    let dns = lb.str("dns_name").to_string();
    let elb_zone = load_balancer_zone(REGION);
    assert_eq!(elb_zone, "ZWKZPGTI48KDX");
    let message = batch_message(alias(&a, &zone, "api.example.com", &dns, "Z35SXDOTRQ7X7K"));
    assert!(
        message.contains(&format!(
            "Tried to create an alias that targets {dns}., type A in zone {zone}, but the alias target name does not lie within the target zone"
        )),
        "{message}"
    );
    nothing_at(&a, &zone, "api.example.com", "A");
    let missing = "nope-1234567890.ap-northeast-2.elb.amazonaws.com";
    let message = batch_message(alias(&a, &zone, "api.example.com", missing, elb_zone));
    assert!(
        message.ends_with(", but that target was not found]"),
        "{message}"
    );
    nothing_at(&a, &zone, "api.example.com", "A");
    let made = alias(
        &a,
        &zone,
        "api.example.com",
        &format!("{}.", dns.to_uppercase()),
        elb_zone,
    )
    .unwrap();
    assert_eq!(made.str("target"), format!("alias:{dns}"));
    assert_eq!(made.attrs["ttl"], 0, "an alias has no TTL of its own");
    assert_eq!(made.str("alias_zone"), elb_zone);
    // The dualstack name of a load balancer is the same target.
    alias(
        &a,
        &zone,
        "example.com",
        &format!("dualstack.{dns}"),
        elb_zone,
    )
    .unwrap();
    // A deleted load balancer is no target.
    a.delete(&lb).unwrap();
    let message = batch_message(alias(&a, &zone, "www.example.com", &dns, elb_zone));
    assert!(
        message.contains("but that target was not found"),
        "{message}"
    );
}

#[test]
fn a_refused_batch_leaves_neither_the_record_nor_its_ownership_record() {
    let (a, zone) = with_zone();
    // Someone else's TXT where the ownership record of api's A would go.
    let owner = owner_name("api.example.com", "A");
    record(&a, &zone, &owner, "TXT", &["\"by hand\""]).unwrap();
    let message = batch_message(record(&a, &zone, "api.example.com", "A", &["203.0.113.10"]));
    assert!(
        message.contains(&format!(
            "Tried to create resource record set [name='{owner}.', type='TXT'] but it already exists"
        )),
        "{message}"
    );
    // The record itself was valid, yet the batch wrote none of it.
    assert_eq!(a.record_at(&zone, "api.example.com", "A").unwrap(), None);
    let kept = a.record_at(&zone, &owner, "TXT").unwrap().unwrap();
    assert_eq!(kept.strs("values"), ["\"by hand\""]);
    // Both changes of a batch are reported, in brackets, comma-separated.
    let message = batch_message(record(&a, &zone, "api.example.org", "A", &["203.0.113.10"]));
    assert_eq!(
        message
            .matches("is not permitted in zone example.com.")
            .count(),
        2,
        "{message}"
    );
    assert!(message.contains("., RRSet"), "{message}");
}

#[test]
fn deleting_a_record_deletes_its_ownership_record_and_a_missing_one_is_invalid_change_batch() {
    let (a, zone) = with_zone();
    let made = record(&a, &zone, "api.example.com", "A", &["203.0.113.10"]).unwrap();
    a.delete(&made).unwrap();
    nothing_at(&a, &zone, "api.example.com", "A");
    assert_eq!(
        a.find(Kind::DnsRecord, &tags("api.example.com A")).unwrap(),
        None
    );
    assert!(a.stack_resources("test").unwrap().is_empty());
    // The name is free again.
    record(&a, &zone, "api.example.com", "CNAME", &["web.example.net"]).unwrap();
    // A record the store knows but the zone has lost (deleted by hand).
    let ghost = Resource::new(Kind::DnsRecord, "old", format!("{zone}/old.example.com/A"));
    a.seed(ghost.clone(), Some(tags("old")));
    let err = a.delete(&ghost).unwrap_err();
    assert_eq!(err.code, INVALID);
    assert!(err.hint.is_some(), "{err}");
    assert_eq!(
        err.message,
        "[Tried to delete resource record set [name='old.example.com.', type='A'] but it was not found]"
    );
}

#[test]
fn an_unknown_zone_id_is_no_such_hosted_zone() {
    let (a, _) = with_zone();
    let no_such = code::Aws::NoSuchHostedZone.as_str();
    let err = a
        .record_at("Z0NOSUCHZONE", "api.example.com", "A")
        .unwrap_err();
    assert_eq!(err.code, no_such);
    assert_eq!(err.message, "No hosted zone found with ID: Z0NOSUCHZONE");
    assert_eq!(
        code(record(
            &a,
            "Z0NOSUCHZONE",
            "api.example.com",
            "A",
            &["203.0.113.10"]
        )),
        no_such
    );
    assert!(a.stack_resources("test").unwrap().is_empty());
    let stray = Resource::new(Kind::DnsRecord, "x", "Z0NOSUCHZONE/api.example.com/A");
    a.seed(stray.clone(), Some(tags("x")));
    assert_eq!(code(a.delete(&stray)), no_such);
}

#[test]
fn seeded_zones_and_records_are_seen_by_the_rules() {
    let a = SimAccount::empty(REGION, default_azs(REGION));
    let zone = "Z0123456789ABCDEFGHIJ";
    a.seed(
        Resource::new(Kind::HostedZone, "example.com", zone)
            .with("domain", "example.com.")
            .with("private", false),
        None,
    );
    let found = a.hosted_zone("api.example.com").unwrap().unwrap();
    assert_eq!(found.id, zone);
    assert_eq!(found.attr("assumed"), Some(&false.into()));
    assert_eq!(
        a.hosted_zone("example.org").unwrap(),
        None,
        "a mirror assumes no zone"
    );
    // The stack's record and its ownership record, as Route 53 lists them.
    let owner_tags = Tags::new("prod", "api.example.com A");
    let seeded = |name: &str, record_type: &str, values: serde_json::Value| {
        Resource::new(
            Kind::DnsRecord,
            format!("{name} {record_type}"),
            format!("{zone}/{name}/{record_type}"),
        )
        .with("zone", zone)
        .with("record_name", format!("{name}."))
        .with("type", record_type)
        .with("ttl", 300)
        .with("values", values)
        .with("alias", "")
        .with("alias_zone", "")
    };
    a.seed(
        seeded("api.example.com", "A", json!(["203.0.113.10"])),
        Some(owner_tags.clone()),
    );
    a.seed(
        seeded(
            "_awsrun-a.api.example.com",
            "TXT",
            json!([owner_value(&owner_tags)]),
        ),
        None,
    );
    a.seed(
        seeded("www.example.com", "CNAME", json!(["web.example.net."])),
        None,
    );
    let read = a.record_at(zone, "api.example.com", "A").unwrap().unwrap();
    assert_eq!(read.str("owner"), "prod");
    assert_eq!(read.name, "api.example.com A");
    let www = a
        .record_at(zone, "www.example.com", "CNAME")
        .unwrap()
        .unwrap();
    assert_eq!(www.str("owner"), "", "a record nobody owns");
    assert_eq!(www.name, "www.example.com CNAME");
    let message = batch_message(record(&a, zone, "api.example.com", "A", &["203.0.113.99"]));
    assert!(message.contains("but it already exists"), "{message}");
    let message = batch_message(record(&a, zone, "www.example.com", "TXT", &["\"x\""]));
    assert!(
        message.contains("conflicting RRSet of type CNAME"),
        "{message}"
    );
    let message = batch_message(record(
        &a,
        zone,
        "example.com",
        "CNAME",
        &["web.example.net"],
    ));
    assert!(
        message.contains("conflicts with other records"),
        "the seeded zone's SOA and NS: {message}"
    );
}
