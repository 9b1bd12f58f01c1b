//! The AWS-timing layer (`aws_timing.rs`) for HTTPS and domains: ACM's
//! validation records and issuance, ELB's refusal of a certificate not yet
//! issued, ACM's certificate in use, and Route 53's all-or-nothing change
//! batches. Each is documented, with its source, in `aws_timing.rs`.

use super::aws_timing::{Memory, Windows, within};
use super::proxy::{self, Call};
use super::timing_xml::{field, fields, text, texts};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

/// What the layer knows of certificates, listeners and validation records.
#[derive(Default)]
pub(super) struct Https {
    /// Certificates requested through the layer, and when the request answered.
    requested: HashMap<String, Instant>,
    /// Certificate -> the names of its validation records, from
    /// DescribeCertificate answers.
    validation: HashMap<String, Vec<String>>,
    /// CNAMEs in a zone (by name), since when: created through the layer,
    /// or seen in a listing.
    cnames: HashMap<String, Instant>,
    /// Certificates the layer has let be issued (issuance is for good).
    issued: HashSet<String>,
    /// Listener -> its load balancer and certificates, for listeners made
    /// or modified through the layer.
    listeners: HashMap<String, (String, Vec<String>)>,
    /// Certificate -> when the last listener using it stopped using it.
    released: HashMap<String, Instant>,
}

/// A DNS name as Route 53 compares it: lower case, no trailing dot, `*`
/// for its escape `\052`.
fn dns(name: &str) -> String {
    name.trim()
        .trim_end_matches('.')
        .replace("\\052", "*")
        .to_ascii_lowercase()
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or(Value::Null)
}

/// The account of an ARN (`arn:aws:acm:region:account:certificate/id`).
fn account(arn: &str) -> &str {
    arn.split(':').nth(4).unwrap_or("")
}

/// One change of a Route 53 change batch: action, name, type.
struct Change {
    action: String,
    name: String,
    kind: String,
}

/// The changes of a ChangeResourceRecordSets request body, in order.
fn changes(body: &str) -> Vec<Change> {
    texts(body, "Change")
        .iter()
        .map(|change| Change {
            action: text(change, "Action").unwrap_or_default(),
            name: dns(&text(change, "Name").unwrap_or_default()),
            kind: text(change, "Type").unwrap_or_default(),
        })
        .collect()
}

/// The zone id of a Route 53 path (`/2013-04-01/hostedzone/{id}/rrset`).
fn zone_of(path: &str) -> Option<&str> {
    let mut parts = path.trim_matches('/').split('/').skip(1);
    (parts.next() == Some("hostedzone"))
        .then(|| parts.next())
        .flatten()
}

/// The (name, type) of every record set of a zone, asked of the server
/// itself (so records made around the layer count too); `None` if it
/// could not say.
fn zone_records(upstream: u16, zone: &str) -> Option<HashSet<(String, String)>> {
    let mut found = HashSet::new();
    let mut start = String::new();
    loop {
        let path = format!("/2013-04-01/hostedzone/{zone}/rrset?maxitems=300{start}");
        let (status, body) = proxy::get(upstream, "route53", &path).ok()?;
        if status != 200 {
            return None;
        }
        for set in texts(&body, "ResourceRecordSet") {
            let name = dns(&text(&set, "Name").unwrap_or_default());
            found.insert((name, text(&set, "Type").unwrap_or_default()));
        }
        if text(&body, "IsTruncated").as_deref() != Some("true") {
            return Some(found);
        }
        let (name, kind) = (
            text(&body, "NextRecordName")?,
            text(&body, "NextRecordType")?,
        );
        start = format!("&name={name}&type={kind}");
    }
}

/// Route 53's refusal (`InvalidChangeBatch`'s message) of a batch that
/// creates a record set that exists, before the batch or made by an
/// earlier change of it: every such change's message, as AWS lists them.
pub(super) fn duplicate_creates(upstream: u16, call: &Call) -> Option<String> {
    let batch = changes(call.body);
    if !batch.iter().any(|c| c.action == "CREATE") {
        return None;
    }
    let mut sets = zone_records(upstream, zone_of(call.path)?)?;
    let mut problems = Vec::new();
    for change in &batch {
        let key = (change.name.clone(), change.kind.clone());
        match change.action.as_str() {
            "CREATE" if sets.contains(&key) => problems.push(format!(
                "Tried to create resource record set [name='{}.', type='{}'] but it already exists",
                change.name, change.kind
            )),
            "CREATE" | "UPSERT" => drop(sets.insert(key)),
            "DELETE" => drop(sets.remove(&key)),
            _ => {}
        }
    }
    (!problems.is_empty()).then(|| format!("[{}]", problems.join(", ")))
}

impl Memory {
    /// Whether AWS would have issued the certificate by now: always for
    /// one not requested through the layer (moto's word then stands);
    /// else once a CNAME of each of its validation names has been in a
    /// zone for the `issuing` window.
    fn issued(&mut self, arn: &str, w: &Windows) -> bool {
        let https = &mut self.https;
        let Some(requested) = https.requested.get(arn) else {
            return true;
        };
        if https.issued.contains(arn) {
            return true;
        }
        let Some(names) = https.validation.get(arn).filter(|n| !n.is_empty()) else {
            return false;
        };
        let mut since = *requested;
        for name in names {
            match https.cnames.get(name) {
                Some(t) => since = since.max(*t),
                None => return false,
            }
        }
        if within(since, w.issuing) {
            return false;
        }
        https.issued.insert(arn.to_string());
        true
    }

    /// Whether a listener uses the certificate, or stopped using it less
    /// than `cert_in_use` ago.
    fn in_use(&self, arn: &str, w: &Windows) -> bool {
        let https = &self.https;
        https
            .listeners
            .values()
            .any(|(_, certs)| certs.iter().any(|c| c == arn))
            || https
                .released
                .get(arn)
                .is_some_and(|t| within(*t, w.cert_in_use))
    }

    /// Requests about certificates that AWS refuses now.
    pub(super) fn refuse_https(
        &mut self,
        call: &Call,
        form: &[(String, String)],
        w: &Windows,
    ) -> Option<(u16, String, String)> {
        match call.action {
            "CreateListener" | "ModifyListener" | "AddListenerCertificates" => {
                let pending = fields(form, "Certificates.member.", ".CertificateArn")
                    .into_iter()
                    .find(|arn| !self.issued(arn, w))?
                    .to_string();
                self.saw("CertificateNotFound");
                Some((
                    400,
                    "CertificateNotFound".into(),
                    format!("Certificate '{pending}' not found"),
                ))
            }
            "DeleteCertificate" if call.service == "acm" => {
                let arn = json(call.body)["CertificateArn"].as_str()?.to_string();
                if !self.in_use(&arn, w) {
                    return None;
                }
                self.saw("certificate in use");
                Some((
                    400,
                    "ResourceInUseException".into(),
                    format!("Certificate {arn} in account {} is in use.", account(&arn)),
                ))
            }
            _ => None,
        }
    }

    /// The listener's certificates are now `certs`: those no listener uses
    /// any more start their in-use window.
    fn listener_uses(&mut self, listener: &str, lb: &str, certs: Option<Vec<String>>) {
        let now = Instant::now();
        let https = &mut self.https;
        let before = match certs {
            Some(certs) => https
                .listeners
                .insert(listener.to_string(), (lb.to_string(), certs)),
            None => https.listeners.remove(listener),
        };
        for cert in before.map(|(_, certs)| certs).unwrap_or_default() {
            let used = https
                .listeners
                .values()
                .any(|(_, certs)| certs.contains(&cert));
            if !used {
                https.released.insert(cert, now);
            }
        }
    }

    /// Learns from an ELBv2 answer that went through what listeners use.
    pub(super) fn learn_listeners(&mut self, action: &str, form: &[(String, String)], body: &str) {
        let certs: Vec<String> = fields(form, "Certificates.member.", ".CertificateArn")
            .into_iter()
            .map(str::to_string)
            .collect();
        match action {
            "CreateListener" | "ModifyListener" | "AddListenerCertificates" => {
                let Some(listener) = field(form, "ListenerArn")
                    .map(str::to_string)
                    .or_else(|| text(body, "ListenerArn"))
                else {
                    return;
                };
                let lb = text(body, "LoadBalancerArn").unwrap_or_default();
                let held = self.https.listeners.get(&listener).cloned();
                let now = match action {
                    "AddListenerCertificates" => {
                        let mut all = held.map(|(_, c)| c).unwrap_or_default();
                        all.extend(certs);
                        all
                    }
                    // HTTPS -> HTTP drops the listener's certificates.
                    _ if field(form, "Protocol") == Some("HTTP") => Vec::new(),
                    "ModifyListener" if certs.is_empty() => {
                        held.map(|(_, c)| c).unwrap_or_default()
                    }
                    _ => certs,
                };
                self.listener_uses(&listener, &lb, Some(now));
            }
            "DeleteListener" => {
                let listener = field(form, "ListenerArn").unwrap_or("").to_string();
                self.listener_uses(&listener, "", None);
            }
            "DeleteLoadBalancer" => {
                let lb = field(form, "LoadBalancerArn").unwrap_or("");
                let gone: Vec<String> = self
                    .https
                    .listeners
                    .iter()
                    .filter(|(_, (owner, _))| owner == lb)
                    .map(|(listener, _)| listener.clone())
                    .collect();
                for listener in gone {
                    self.listener_uses(&listener, "", None);
                }
            }
            _ => {}
        }
    }

    /// Learns from a Route 53 answer that went through which CNAMEs a zone holds.
    pub(super) fn learn_route53(&mut self, call: &Call, body: &str) {
        let now = Instant::now();
        match call.action {
            "ChangeResourceRecordSets" => {
                for change in changes(call.body).into_iter().filter(|c| c.kind == "CNAME") {
                    match change.action.as_str() {
                        "CREATE" | "UPSERT" => drop(self.https.cnames.insert(change.name, now)),
                        "DELETE" => drop(self.https.cnames.remove(&change.name)),
                        _ => {}
                    }
                }
            }
            "ListResourceRecordSets" => {
                for set in texts(body, "ResourceRecordSet") {
                    if text(&set, "Type").as_deref() == Some("CNAME") {
                        let name = dns(&text(&set, "Name").unwrap_or_default());
                        self.https.cnames.entry(name).or_insert(now);
                    }
                }
            }
            _ => {}
        }
    }

    /// An ACM answer as AWS would give it now (`None`: as it is).
    pub(super) fn acm_answer(&mut self, call: &Call, body: &str, w: &Windows) -> Option<String> {
        let mut answer = json(body);
        match call.action {
            "RequestCertificate" => {
                let arn = answer["CertificateArn"].as_str()?.to_string();
                self.https.requested.entry(arn).or_insert_with(Instant::now);
                None
            }
            "DescribeCertificate" => {
                let cert = answer.get_mut("Certificate")?;
                self.certificate_now(cert, w).then(|| answer.to_string())
            }
            "ListCertificates" => {
                let mut changed = false;
                let list = answer.get_mut("CertificateSummaryList")?.as_array_mut()?;
                for summary in list {
                    changed |= self.certificate_now(summary, w);
                }
                changed.then(|| answer.to_string())
            }
            _ => None,
        }
    }

    /// Rewrites one certificate (a detail or a summary) as AWS has it now;
    /// whether anything changed. Learns its validation record names first.
    fn certificate_now(&mut self, cert: &mut Value, w: &Windows) -> bool {
        let Some(arn) = cert["CertificateArn"].as_str().map(str::to_string) else {
            return false;
        };
        let mut names: Vec<String> = Vec::new();
        if let Some(options) = cert["DomainValidationOptions"].as_array() {
            for option in options {
                if let Some(name) = option["ResourceRecord"]["Name"].as_str() {
                    let name = dns(name);
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
        }
        if !names.is_empty() {
            self.https.validation.insert(arn.clone(), names);
        }
        let mut changed = false;
        let hide = self
            .https
            .requested
            .get(&arn)
            .is_some_and(|t| within(*t, w.acm_records));
        if hide && let Some(options) = cert["DomainValidationOptions"].as_array_mut() {
            for option in options.iter_mut().filter_map(Value::as_object_mut) {
                changed |= option.remove("ResourceRecord").is_some();
            }
            if changed {
                self.saw("validation records hidden");
            }
        }
        if cert["Status"] == "ISSUED" && !self.issued(&arn, w) {
            cert["Status"] = "PENDING_VALIDATION".into();
            if let Some(object) = cert.as_object_mut() {
                object.remove("IssuedAt");
            }
            if let Some(options) = cert["DomainValidationOptions"].as_array_mut() {
                for option in options {
                    option["ValidationStatus"] = "PENDING_VALIDATION".into();
                }
            }
            self.saw("pending validation");
            changed = true;
        }
        changed
    }
}
