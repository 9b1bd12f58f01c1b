//! ACM: public certificates validated by DNS (`RequestCertificate`,
//! `DeleteCertificate`).
//!
//! A certificate is `PENDING_VALIDATION` until every validation CNAME ACM
//! asked for is in a hosted zone of the account with ACM's value; then it
//! turns `ISSUED` on the next refresh (under the latency model, after
//! [`super::latency::CERTIFICATE_ISSUED`] seconds from the moment the last
//! record was written). The validation records are the same for every
//! certificate of a domain in an account, and `*.example.com` shares
//! `example.com`'s, as on AWS. A certificate a listener uses cannot be
//! deleted, and stays in use for one more attempt after its last listener
//! is gone (AWS keeps it for a few seconds).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::ids;
use super::state::State;
use crate::cloud::ownership::normalize;
use crate::cloud::{CertificateSpec, CloudError, CloudResult, Kind, Resource, Tags};
use crate::diagnostic::code;

const OP: &str = "RequestCertificate";
/// Domain names one certificate holds by default (ACM quotas).
pub(super) const NAMES_PER_CERTIFICATE: usize = 10;
/// ACM's `DomainNameString` pattern, as its errors quote it.
const PATTERN: &str =
    r"(\*\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])";

/// What the rules need to know about a certificate.
#[derive(Debug, Clone, Default)]
pub(super) struct CertificateSlot {
    /// (record name, value) of each validation CNAME.
    pub(super) validation: Vec<(String, String)>,
    /// Listeners using it now, with their load balancers.
    pub(super) listeners: BTreeMap<String, String>,
    /// Its last listener was just deleted: ACM still counts it in use.
    pub(super) lingering: bool,
}

/// Whether `name` is a `DomainNameString`: at least two labels, each of
/// letters, digits and hyphens not starting with a hyphen and ending with a
/// letter or digit, the last one at least two characters, optionally
/// behind a leading `*.`; 1 to 253 characters.
pub fn valid_domain(name: &str) -> bool {
    if name.is_empty() || name.len() > 253 {
        return false;
    }
    let bare = name.strip_prefix("*.").unwrap_or(name);
    let labels: Vec<&str> = bare.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let last = labels.len() - 1;
    labels.iter().enumerate().all(|(n, label)| {
        let bytes = label.as_bytes();
        let min = if n == last { 2 } else { 1 };
        bytes.len() >= min
            && bytes.len() <= 63
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
            && bytes[0] != b'-'
            && bytes[bytes.len() - 1] != b'-'
    })
}

impl State {
    pub(super) fn request_certificate(
        &mut self,
        spec: &CertificateSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        check_names(spec)?;
        let token = tags.idempotency_token();
        if let Some(arn) = self.certificate_tokens.get(&token)
            && let Some(existing) = self.live(Kind::Certificate, arn)
        {
            // The same token within an hour: ACM issues one certificate.
            return Ok(existing.clone());
        }
        let seed = self.next_seed(Kind::Certificate);
        let arn = format!(
            "arn:aws:acm:{}:{}:certificate/{}",
            self.region,
            self.identity.account,
            ids::uuid(&seed)
        );
        let mut validation: Vec<(String, String)> = Vec::new();
        for name in std::iter::once(&spec.domain).chain(&spec.alt_names) {
            let record = self.validation_record(name);
            if !validation.iter().any(|(n, _)| *n == record.0) {
                validation.push(record);
            }
        }
        let records: Vec<serde_json::Value> = validation
            .iter()
            .map(|(name, value)| serde_json::json!({"name": name, "type": "CNAME", "value": value}))
            .collect();
        self.certificate_tokens.insert(token, arn.clone());
        self.certificates.insert(
            arn.clone(),
            CertificateSlot {
                validation,
                ..CertificateSlot::default()
            },
        );
        let resource = Resource::new(Kind::Certificate, &tags.name, &arn)
            .with("arn", arn.as_str())
            .with("domain", spec.domain.as_str())
            .with("alt_names", spec.alt_names.clone())
            .with("state", "PENDING_VALIDATION")
            .with("validation", records)
            .with("in_use_by", Vec::<String>::new());
        Ok(self.create(resource, tags))
    }

    /// The CNAME ACM asks for to validate `name` in this account: the same
    /// for every request, and for `*.name` as for `name`.
    fn validation_record(&self, name: &str) -> (String, String) {
        let base = normalize(name.strip_prefix("*.").unwrap_or(name));
        let seed = format!("{}/{base}", self.identity.account);
        (
            format!("_{}.{base}", ids::hex_digits(&seed, 32)),
            format!(
                "_{}.{}.acm-validations.aws",
                ids::hex_digits(&format!("{seed}/value"), 32),
                letters(&ids::hex_digits(&format!("{seed}/zone"), 10))
            ),
        )
    }

    /// Whether every validation record of the certificate is in a zone of
    /// the account with ACM's value.
    pub(super) fn certificate_validated(&self, arn: &str) -> bool {
        let Some(slot) = self.certificates.get(arn) else {
            return false;
        };
        slot.validation
            .iter()
            .all(|(name, value)| self.cname_in_a_zone(name, value))
    }

    fn cname_in_a_zone(&self, name: &str, value: &str) -> bool {
        self.zones.values().any(|zone| {
            zone.records
                .get(&(name.to_string(), "CNAME".to_string()))
                .is_some_and(|set| set.values.iter().any(|v| normalize(v) == normalize(value)))
        })
    }

    /// A record was written: a certificate it completes starts validating now.
    pub(super) fn validation_written(
        &mut self,
        name: &str,
        record_type: &str,
        _set: &super::dns::RecordSet,
    ) {
        if record_type != "CNAME" {
            return;
        }
        let waiting: Vec<String> = self
            .certificates
            .iter()
            .filter(|(_, slot)| slot.validation.iter().any(|(n, _)| n == name))
            .map(|(arn, _)| arn.clone())
            .collect();
        for arn in waiting {
            if self.certificate_validated(&arn)
                && let Some(clock) = self.clock.as_mut()
            {
                clock.restart(&arn, "PENDING_VALIDATION");
            }
        }
    }

    /// A listener starts (or stops) using a certificate.
    pub(super) fn use_certificate(&mut self, arn: &str, listener: &str, lb: &str, using: bool) {
        let Some(slot) = self.certificates.get_mut(arn) else {
            return;
        };
        if using {
            slot.listeners.insert(listener.to_string(), lb.to_string());
            slot.lingering = false;
        } else if slot.listeners.remove(listener).is_some() && slot.listeners.is_empty() {
            slot.lingering = true;
        }
        // ACM's InUseBy names the load balancers, each once.
        let users: BTreeSet<String> = slot.listeners.values().cloned().collect();
        if let Some(cert) = self.store.resource_mut(arn) {
            cert.set("in_use_by", users.into_iter().collect::<Vec<_>>());
        }
    }

    /// `DeleteCertificate`: refused while a listener uses it, and once more
    /// right after the last one is gone.
    pub(super) fn delete_certificate(&mut self, arn: &str) -> CloudResult<()> {
        let account = self.identity.account.clone();
        if let Some(slot) = self.certificates.get_mut(arn)
            && (!slot.listeners.is_empty() || slot.lingering)
        {
            let users: Vec<String> = slot.listeners.keys().cloned().collect();
            slot.lingering = false;
            let hint = if users.is_empty() {
                "its listener was just deleted; ACM lets the certificate go a few seconds later (destroy retries)".to_string()
            } else {
                format!("delete the listeners using it first: {}", users.join(", "))
            };
            return Err(CloudError::new(
                "DeleteCertificate",
                code::Aws::CertificateInUse,
                format!("Certificate {arn} in account {account} is in use."),
            )
            .with_hint(hint));
        }
        self.certificates.remove(arn);
        self.certificate_tokens.retain(|_, held| held != arn);
        self.store.set_life(arn, super::store::Life::Gone);
        Ok(())
    }

    /// Seeds a certificate found in the real account.
    pub(super) fn seed_certificate(&mut self, r: &Resource) {
        let validation = match r.attr("validation") {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|item| {
                    Some((
                        normalize(item["name"].as_str()?),
                        item["value"].as_str()?.to_string(),
                    ))
                })
                .collect(),
            _ => Vec::new(),
        };
        // Listeners are seeded before certificates: find the ones using it.
        let listeners = self
            .store
            .existing()
            .filter(|l| l.kind == Kind::Listener && l.str("certificate") == r.id)
            .map(|l| (l.id.clone(), l.str("load_balancer").to_string()))
            .collect();
        self.certificates.insert(
            r.id.clone(),
            CertificateSlot {
                validation,
                listeners,
                ..CertificateSlot::default()
            },
        );
    }
}

/// Ten lowercase letters from ten hex digits (the random middle label of
/// ACM's validation values).
fn letters(hex: &str) -> String {
    hex.bytes()
        .map(|b| (b'a' + (b % 26)) as char)
        .collect::<String>()
}

/// ACM's rules for the names of one request.
fn check_names(spec: &CertificateSpec) -> CloudResult<()> {
    let names: Vec<&String> = std::iter::once(&spec.domain)
        .chain(&spec.alt_names)
        .collect();
    for (n, name) in names.iter().enumerate() {
        if !valid_domain(name) {
            let at = if n == 0 {
                "domainName".to_string()
            } else {
                format!("subjectAlternativeNames.{n}.member")
            };
            return Err(CloudError::new(
                OP,
                code::Aws::AcmValidation,
                format!(
                    "1 validation error detected: Value '{name}' at '{at}' failed to satisfy constraint: Member must satisfy regular expression pattern: {PATTERN}"
                ),
            )
            .with_hint("a domain name has two labels or more of letters, digits and hyphens (not first or last), optionally behind a leading `*.`"));
        }
    }
    if spec.domain.len() > 64 {
        return Err(CloudError::new(
            OP,
            code::Aws::AcmValidation,
            format!(
                "1 validation error detected: Value '{}' at 'domainName' failed to satisfy constraint: Member must have length less than or equal to 64",
                spec.domain
            ),
        )
        .with_hint("the first name becomes the certificate's Common Name, which RFC 5280 limits to 64 characters: put a shorter name first and this one in alt_names"));
    }
    let distinct: std::collections::HashSet<&String> = names.iter().copied().collect();
    if distinct.len() > NAMES_PER_CERTIFICATE {
        return Err(CloudError::new(
            OP,
            code::Aws::AcmLimitExceeded,
            format!(
                "Cannot request a certificate with more than {NAMES_PER_CERTIFICATE} domain names ({} requested)",
                distinct.len()
            ),
        )
        .with_hint("cover several names with one wildcard (`*.example.com`), split them over two certificates, or request an ACM quota increase"));
    }
    Ok(())
}

/// Certificates by idempotency token (ACM keeps a token for an hour).
pub(super) type Tokens = HashMap<String, String>;
