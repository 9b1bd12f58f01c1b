//! Domains: the account's hosted zones, ACM certificates validated by DNS
//! and DNS records owned by the stack.
//!
//! A certificate is ensured in three steps: the request (tagged, with an
//! idempotency token), its validation CNAMEs written into the zones of its
//! names, and a wait until ACM has issued it; a re-run finds all three.
//! A record belongs to the stack through its ownership record
//! (`cloud::ownership`); a record at the same name and type that the stack
//! does not own is never written over. The one exception is a validation
//! CNAME that already holds ACM's value (ACM asks every certificate of a
//! domain in an account for the same record): it is used as it is, and left
//! in place by `destroy`.
//!
//! Every check on the names (inside the zone, a zone for each, the owner
//! of an existing record) runs before the first write.

use super::volatile;
use super::wait::wait_all;
use crate::cloud::ownership::{self, normalize, within};
use crate::cloud::sim::valid_domain;
use crate::cloud::{AliasTarget, CertificateSpec, DnsRecordSpec, Kind, Poll, Resource, Spec};
use crate::diagnostic::code;
use crate::engine::host_error::{HostError, HostResult};
use crate::engine::opts::{Opts, expect_kind};
use crate::engine::plan::Op;
use crate::engine::session::Session;
use rhai::{Dynamic, Engine, Map};
use std::rc::Rc;
use std::time::Duration;

/// The TTL of a plain record when the script names none.
const DEFAULT_TTL: u32 = 300;
/// How long to wait for ACM to publish a new certificate's validation records.
const RECORDS_PATIENCE: Duration = Duration::from_secs(300);

pub fn register(engine: &mut Engine, session: &Rc<Session>) {
    let s = session.clone();
    volatile("hosted_zone").register_into_engine(engine, move |domain: &str| {
        let r = hosted_zone(&s, "hosted_zone", domain);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("certificate").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = certificate(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("dns_record").register_into_engine(
        engine,
        move |zone: Dynamic, name: &str, opts: Map| {
            let r = dns_record(&s, &zone, name, opts);
            s.flush();
            r
        },
    );
}

/// The account's public hosted zone for `domain`; the plan shows it once
/// (and says so when a simulated account assumed it).
pub(crate) fn hosted_zone(s: &Session, func: &str, domain: &str) -> HostResult<Resource> {
    let bare = normalize(domain);
    let bare = bare.strip_prefix("*.").unwrap_or(&bare).to_string();
    if !valid_domain(&bare) {
        return Err(HostError::new(
            code::Opts::Value,
            format!("{func}(): {domain:?} is not a domain name"),
        )
        .help("a domain name has two labels or more of letters, digits and hyphens, e.g. \"api.example.com\"")
        .into());
    }
    let Some(zone) = s.cloud.hosted_zone(&bare).map_err(HostError::from)? else {
        return Err(no_zone(func, &bare).into());
    };
    let shown = s
        .actions()
        .iter()
        .any(|a| a.kind == Kind::HostedZone && a.id == zone.id);
    if !shown {
        let mut detail = format!("domain={}", zone.str("domain"));
        if zone.attr("assumed") == Some(&true.into()) {
            detail.push_str(
                "  (assumed: a new simulated account has no zones; a live run needs this public zone in the account)",
            );
        }
        s.note(Op::Exists, &zone, detail);
    }
    Ok(zone)
}

fn no_zone(func: &str, domain: &str) -> HostError {
    HostError::new(
        code::Resource::NoHostedZone,
        format!("{func}(): the account has no public hosted zone for {domain} (nor for a domain above it)"),
    )
    .help(format!(
        "create the zone once, e.g. `aws route53 create-hosted-zone --name {} --caller-reference $(date +%s)`, and give your registrar its four name servers; awsrun uses the account's zones and never creates one",
        apex(domain)
    ))
}

/// The registrable part of a name, for help texts (`example.com`).
fn apex(domain: &str) -> String {
    let labels: Vec<&str> = domain.split('.').collect();
    labels[labels.len().saturating_sub(2)..].join(".")
}

/// `certificate(name, #{domain, alt_names, zone, timeout})`.
fn certificate(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("certificate", opts)?;
    let domain = normalize(&o.req_str("domain")?);
    let mut alt_names: Vec<String> = Vec::new();
    for item in o.array("alt_names")? {
        let Some(text) = item.clone().into_immutable_string().ok() else {
            return Err(o.value_error(
                "alt_names",
                format!(
                    "must be an array of domain names, got {}",
                    crate::engine::opts::describe(&item)
                ),
                "write e.g. `alt_names: [\"www.example.com\"]`".into(),
            ));
        };
        let text = normalize(&text);
        if text != domain && !alt_names.contains(&text) {
            alt_names.push(text);
        }
    }
    alt_names.sort();
    let limit = o
        .int_in("timeout", 1, 86_400)?
        .map_or(s.wait_timeout, |secs| Duration::from_secs(secs as u64));
    let wait = o.bool("wait")?.unwrap_or(true);
    let given = o.resource("zone", Kind::HostedZone)?;
    // The zone of every name, before anything is written.
    let mut zones: Vec<(String, Resource)> = Vec::new();
    for n in std::iter::once(&domain).chain(&alt_names) {
        let base = n.strip_prefix("*.").unwrap_or(n).to_string();
        let zone = match &given {
            Some(zone) if within(&base, zone.str("domain")) => zone.clone(),
            Some(zone) => {
                return Err(HostError::new(
                    code::Resource::OutsideZone,
                    format!(
                        "certificate(): {n} is not inside hosted zone {} ({}), so that zone cannot validate it",
                        zone.str("domain"),
                        zone.id
                    ),
                )
                .help(format!(
                    "ACM validates a name through a CNAME in the name's own zone: leave `zone` out to use each name's zone, or give only names under {}",
                    zone.str("domain")
                ))
                .into());
            }
            None => hosted_zone(s, "certificate", &base)?,
        };
        zones.push((base, zone));
    }
    let spec = CertificateSpec {
        domain: domain.clone(),
        alt_names: alt_names.clone(),
    };
    let fixed = [
        ("domain", domain.clone()),
        ("alt_names", alt_names.join(",")),
    ];
    let (mut cert, _) = s.ensure(Kind::Certificate, name, &fixed, |tags| {
        s.cloud
            .create(&Spec::Certificate(spec.clone()), tags)
            .map_err(|e| HostError::from(e).into())
    })?;
    cert = validation_records(s, cert, limit)?;
    for record in validation_list(&cert) {
        let zone = zones
            .iter()
            .filter(|(base, _)| record.name.ends_with(&format!(".{base}")))
            .map(|(_, zone)| zone)
            .next()
            .expect("ACM names a validation record under one of the certificate's names");
        ensure_record(
            s,
            zone,
            &record.name,
            "CNAME",
            Target::Values(vec![record.value.clone()], DEFAULT_TTL),
            true,
        )?;
    }
    if cert.state() == "ISSUED" || !wait {
        return Ok(cert);
    }
    issued(s, cert, limit)
}

/// The certificate once ACM has issued it (waiting with progress).
pub(crate) fn issued(s: &Session, cert: Resource, limit: Duration) -> HostResult<Resource> {
    if cert.state() == "ISSUED" {
        return Ok(cert);
    }
    let ready = wait_all(s, vec![cert], limit)?;
    Ok(ready.into_iter().next().expect("one in, one out"))
}

/// One validation CNAME ACM asks for.
struct Validation {
    name: String,
    value: String,
}

fn validation_list(cert: &Resource) -> Vec<Validation> {
    let Some(serde_json::Value::Array(items)) = cert.attr("validation") else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| {
            Some(Validation {
                name: normalize(item["name"].as_str()?),
                value: normalize(item["value"].as_str()?),
            })
        })
        .collect()
}

/// The certificate once ACM has published its validation records (a new
/// one has none for a few seconds).
fn validation_records(s: &Session, cert: Resource, limit: Duration) -> HostResult<Resource> {
    if !validation_list(&cert).is_empty() || cert.state() == "ISSUED" {
        return Ok(cert);
    }
    let mut poll = Poll::new(&*s.cloud, limit.min(RECORDS_PATIENCE));
    let mut cert = cert;
    loop {
        s.checkpoint()?;
        if poll.over() {
            return Err(HostError::new(
                code::Wait::Timeout,
                format!(
                    "certificate \"{}\" ({}): ACM published no validation records within {}s",
                    cert.name,
                    cert.id,
                    poll.elapsed().as_secs()
                ),
            )
            .help("ACM usually publishes them within seconds; re-run the script, it resumes with this certificate")
            .into());
        }
        s.sink.progress(
            &cert,
            "waiting for validation records",
            poll.elapsed(),
            false,
        );
        poll.sleep();
        cert = s.cloud.refresh(&cert).map_err(HostError::from)?;
        if !validation_list(&cert).is_empty() || cert.state() == "ISSUED" {
            return Ok(cert);
        }
    }
}

/// What a record holds: values with a TTL, or an alias.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    Values(Vec<String>, u32),
    Alias(AliasTarget),
}

impl Target {
    /// The `target` attribute a record of this target has.
    fn text(&self) -> String {
        match self {
            Target::Values(values, _) => values.join(","),
            Target::Alias(alias) => format!("alias:{}", normalize(&alias.dns_name)),
        }
    }
}

/// `dns_record(zone, name, #{type, alias, values, value, ttl, evaluate_health})`.
fn dns_record(s: &Session, zone: &Dynamic, name: &str, opts: Map) -> HostResult<Resource> {
    let zone = expect_kind("dns_record", "zone", zone, Kind::HostedZone)?;
    let o = Opts::of("dns_record", opts)?;
    let fqdn = record_name(&zone, name)?;
    let alias = o.resource("alias", Kind::LoadBalancer)?;
    let mut values: Vec<String> = Vec::new();
    if let Some(value) = o.str("value")? {
        values.push(value);
    }
    for item in o.array("values")? {
        values.push(item.to_string());
    }
    let record_type = match (o.str("type")?, &alias) {
        (Some(t), _) => t.to_ascii_uppercase(),
        (None, Some(_)) => "A".to_string(),
        (None, None) => return Err(o.missing("type")),
    };
    if !matches!(record_type.as_str(), "A" | "AAAA" | "CNAME" | "TXT") {
        return Err(o.value_error(
            "type",
            format!("must be \"A\", \"AAAA\", \"CNAME\" or \"TXT\", got \"{record_type}\""),
            "alias records to a load balancer are A (and AAAA when it is dual-stack)".into(),
        ));
    }
    let target = match alias {
        Some(lb) => {
            if !values.is_empty() {
                return Err(o.value_error(
                    "alias",
                    "an alias record has no values".into(),
                    "give either `alias: lb` or `values: [...]`".into(),
                ));
            }
            if !matches!(record_type.as_str(), "A" | "AAAA") {
                return Err(o.value_error(
                    "type",
                    format!(
                        "an alias to a load balancer is an A or AAAA record, not {record_type}"
                    ),
                    "leave `type` out for an A record".into(),
                ));
            }
            Target::Alias(alias_to(
                s,
                &lb,
                o.bool("evaluate_health")?.unwrap_or(false),
            ))
        }
        None => {
            if values.is_empty() {
                return Err(o.missing("values"));
            }
            if record_type == "CNAME" && values.len() != 1 {
                return Err(o.value_error(
                    "values",
                    format!("a CNAME record has exactly one value, got {}", values.len()),
                    "give one name: `value: \"target.example.net\"`".into(),
                ));
            }
            if record_type == "TXT" {
                values = values.iter().map(|v| quoted(v)).collect();
            }
            let ttl = o
                .int_in("ttl", 0, 2_147_483_647)?
                .map_or(DEFAULT_TTL, |t| t as u32);
            Target::Values(values, ttl)
        }
    };
    ensure_record(s, &zone, &fqdn, &record_type, target, false)
}

/// The alias target of a load balancer: its DNS name and the hosted zone
/// id AWS gives load balancers of its region.
pub(crate) fn alias_to(s: &Session, lb: &Resource, evaluate_health: bool) -> AliasTarget {
    let zone = match lb.str("zone_id") {
        "" => crate::cloud::sim::load_balancer_zone(&s.cloud.region()).to_string(),
        zone => zone.to_string(),
    };
    AliasTarget {
        dns_name: lb.str("dns_name").to_string(),
        hosted_zone_id: zone,
        evaluate_health,
    }
}

/// A TXT value in the double quotes Route 53 wants (inner quotes escaped).
fn quoted(value: &str) -> String {
    if value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        return value.to_string();
    }
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The fully qualified name of `name` in `zone`: a name inside the zone
/// (`api.example.com`), a label relative to it (`api`), or `@` for the
/// zone's own name; anything else lies outside the zone.
fn record_name(zone: &Resource, name: &str) -> HostResult<String> {
    let domain = zone.str("domain");
    let name = name.trim();
    let fqdn = if name == "@" {
        domain.to_string()
    } else if name.ends_with('.') || within(name, domain) {
        normalize(name)
    } else if !name.contains('.') && !name.is_empty() {
        format!("{}.{domain}", normalize(name))
    } else {
        normalize(name)
    };
    if !within(&fqdn, domain) {
        return Err(HostError::new(
            code::Resource::OutsideZone,
            format!(
                "dns_record(): {fqdn} is not inside hosted zone {domain} ({})",
                zone.id
            ),
        )
        .help(format!(
            "name a record inside the zone (`api.{domain}`, or just `api`), or use the zone of that name: hosted_zone(\"{fqdn}\")"
        ))
        .into());
    }
    Ok(fqdn)
}

/// Ensures the stack's record (name, type) in `zone`. A record there that
/// the stack does not own is an error, except (`shared`) one that already
/// holds exactly the values asked for, which is used as it is.
pub(crate) fn ensure_record(
    s: &Session,
    zone: &Resource,
    fqdn: &str,
    record_type: &str,
    target: Target,
    shared: bool,
) -> HostResult<Resource> {
    let label = ownership::record_label(fqdn, record_type);
    let tags = s.tags(&label);
    let mine = s
        .cloud
        .find(Kind::DnsRecord, &tags)
        .map_err(HostError::from)?;
    if mine.is_none()
        && let Some(held) = s
            .cloud
            .record_at(&zone.id, fqdn, record_type)
            .map_err(HostError::from)?
    {
        let owner = held.str("owner").to_string();
        if shared && held.str("target") == target.text() {
            let whose = if owner.is_empty() {
                "made outside awsrun".to_string()
            } else {
                format!("owned by stack \"{owner}\"")
            };
            s.note(
                Op::Exists,
                &held,
                format!(
                    "type={record_type} target={}  ({whose}; used as it is, and left in place by destroy)",
                    held.str("target")
                ),
            );
            return Ok(held);
        }
        return Err(not_owned(&held, &owner, &s.stack).into());
    }
    let (values, ttl, alias) = match &target {
        Target::Values(values, ttl) => (values.clone(), *ttl, None),
        Target::Alias(alias) => (Vec::new(), 0, Some(alias.clone())),
    };
    let spec = DnsRecordSpec {
        zone: zone.id.clone(),
        name: fqdn.to_string(),
        record_type: record_type.to_string(),
        ttl,
        values,
        alias,
    };
    let fixed = [("target", target.text())];
    let (record, _) = s.ensure(Kind::DnsRecord, &label, &fixed, |tags| {
        s.cloud
            .create(&Spec::DnsRecord(spec.clone()), tags)
            .map_err(|e| HostError::from(e).into())
    })?;
    Ok(record)
}

fn not_owned(held: &Resource, owner: &str, stack: &str) -> HostError {
    let name = held.str("record_name");
    let record_type = held.str("type");
    let who = if owner.is_empty() {
        "no stack owns it (it was made by hand or by another tool)".to_string()
    } else {
        format!("stack \"{owner}\" owns it")
    };
    HostError::new(
        code::Resource::RecordNotOwned,
        format!(
            "the {record_type} record {name} already exists in zone {} ({}) and {who}; awsrun never writes over it",
            held.str("zone"),
            held.str("target")
        ),
    )
    .help(if owner.is_empty() {
        format!(
            "use another name, or delete the record where it was made (Route 53 console) and run again; stack \"{stack}\" then creates and owns it"
        )
    } else {
        format!(
            "use another name, or remove it from its stack first: `awsrun destroy --stack {owner}`"
        )
    })
}
