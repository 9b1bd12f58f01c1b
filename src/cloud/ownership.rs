//! Which stack owns a DNS record.
//!
//! Route 53 record sets carry no tags (its tag APIs take only hosted zones
//! and health checks), so a stack owns a record the way external-dns owns
//! one: through a TXT record beside it. For the record `api.example.com`
//! of type `A` the ownership record is the TXT `_awsrun-a.api.example.com`
//! holding `"heritage=awsrun,awsrun/stack=<stack>,awsrun/name=<Name>"`.
//! The type is in the ownership record's name because a CNAME may share its
//! name with no other record, and because a name can hold an A and an AAAA
//! record of different owners.
//!
//! Both are written in one change batch, which Route 53 applies all or
//! nothing, and deleted in one: a record never exists without its owner,
//! nor an owner without its record. A record at the name with no ownership
//! record (made by hand, by another tool) belongs to nobody, and awsrun
//! never writes over it.
//!
//! Names here are fully qualified, lower case, without the trailing dot
//! (Route 53 stores names in lower case and treats a name with and without
//! the dot alike); [`normalize`] makes one from what a user or Route 53
//! writes.

use super::{AliasTarget, DnsRecordSpec, Kind, Resource, Tags};

/// The first label of every ownership record starts with this.
pub const PREFIX: &str = "_awsrun-";
/// The value's first field: who wrote the record.
const HERITAGE: &str = "heritage=awsrun";

/// A DNS name as awsrun compares names: lower case, no trailing dot, and
/// Route 53's `\052` escape back to `*`.
pub fn normalize(name: &str) -> String {
    let name = name.trim().trim_end_matches('.');
    name.replace("\\052", "*").to_ascii_lowercase()
}

/// Whether `name` is `domain` or lies under it (`api.example.com` in
/// `example.com`; not `badexample.com`).
pub fn within(name: &str, domain: &str) -> bool {
    let (name, domain) = (normalize(name), normalize(domain));
    name == domain || name.ends_with(&format!(".{domain}"))
}

/// The name of the ownership record of `name`'s record of `record_type`.
pub fn owner_name(name: &str, record_type: &str) -> String {
    format!(
        "{PREFIX}{}.{}",
        record_type.to_ascii_lowercase(),
        normalize(name)
    )
}

/// The record an ownership record speaks for: `(name, type)`.
pub fn owned_by(owner_record: &str) -> Option<(String, String)> {
    let name = normalize(owner_record);
    let rest = name.strip_prefix(PREFIX)?;
    let (record_type, owned) = rest.split_once('.')?;
    if record_type.is_empty() || owned.is_empty() {
        return None;
    }
    Some((owned.to_string(), record_type.to_ascii_uppercase()))
}

/// The ownership record's value for a stack's record (a TXT value, quoted;
/// split into strings of at most 255 characters as TXT requires).
pub fn owner_value(tags: &Tags) -> String {
    let text = format!(
        "{HERITAGE},awsrun/stack={},awsrun/name={}",
        tags.stack, tags.name
    );
    let escaped: Vec<String> = chunks(&text, 255)
        .into_iter()
        .map(|chunk| format!("\"{}\"", chunk.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect();
    escaped.join(" ")
}

/// The stack and name an ownership value records; `None` for a TXT value
/// awsrun did not write.
pub fn parse_owner(value: &str) -> Option<Tags> {
    let text = unquote(value);
    let rest = text
        .strip_prefix(HERITAGE)?
        .strip_prefix(",awsrun/stack=")?;
    let (stack, name) = rest.split_once(",awsrun/name=")?;
    Some(Tags::new(stack, name))
}

/// The id awsrun gives a record set: `<zone>/<name>/<type>`.
pub fn record_id(zone: &str, name: &str, record_type: &str) -> String {
    format!("{zone}/{}/{record_type}", normalize(name))
}

/// The parts of a record id: `(zone, name, type)`.
pub fn split_record_id(id: &str) -> Option<(&str, &str, &str)> {
    let (zone, rest) = id.split_once('/')?;
    let (name, record_type) = rest.rsplit_once('/')?;
    Some((zone, name, record_type))
}

/// The `Name` a record has in its stack: `api.example.com A`.
pub fn record_label(name: &str, record_type: &str) -> String {
    format!("{} {record_type}", normalize(name))
}

/// A record set as both backends hand it out (its `owner` set apart): `Name`
/// `label`, id [`record_id`], and the attributes of `cloud`'s table.
pub fn record_resource(
    zone: &str,
    name: &str,
    record_type: &str,
    ttl: u64,
    values: Vec<String>,
    alias: Option<&AliasTarget>,
    label: &str,
) -> Resource {
    let name = normalize(name);
    let alias_name = alias.map(|a| normalize(&a.dns_name)).unwrap_or_default();
    let target = match alias {
        Some(_) => format!("alias:{alias_name}"),
        None => values.join(","),
    };
    Resource::new(Kind::DnsRecord, label, record_id(zone, &name, record_type))
        .with("zone", zone)
        .with("record_name", name.as_str())
        .with("type", record_type)
        .with("ttl", if alias.is_some() { 0 } else { ttl })
        .with("values", values)
        .with("alias", alias_name)
        .with(
            "alias_zone",
            alias.map(|a| a.hosted_zone_id.clone()).unwrap_or_default(),
        )
        .with("evaluate_health", alias.is_some_and(|a| a.evaluate_health))
        .with("target", target)
}

/// The record set a record resource describes: the inverse of
/// [`record_resource`] (a DELETE repeats every value; a mirror seeds it).
pub fn record_spec(r: &Resource) -> DnsRecordSpec {
    let alias = (!r.str("alias").is_empty()).then(|| AliasTarget {
        dns_name: r.str("alias").to_string(),
        hosted_zone_id: r.str("alias_zone").to_string(),
        evaluate_health: r
            .attr("evaluate_health")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
    });
    let ttl = r.attr("ttl").and_then(serde_json::Value::as_u64);
    DnsRecordSpec {
        zone: r.str("zone").to_string(),
        name: normalize(r.str("record_name")),
        record_type: r.str("type").to_string(),
        ttl: ttl.and_then(|t| u32::try_from(t).ok()).unwrap_or(300),
        values: r.strs("values"),
        alias,
    }
}

/// The text of a TXT value: its quoted strings joined, escapes undone.
fn unquote(value: &str) -> String {
    if !value.contains('"') {
        return value.to_string();
    }
    let mut out = String::new();
    let mut inside = false;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match (c, inside) {
            ('"', _) => inside = !inside,
            ('\\', true) => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            (c, true) => out.push(c),
            (_, false) => {}
        }
    }
    out
}

fn chunks(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(size)
        .map(|chunk| chunk.iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_value_reads_back_as_the_stack_and_name() {
        let tags = Tags::new("multi-server", "api.example.com A");
        let value = owner_value(&tags);
        assert_eq!(
            value,
            "\"heritage=awsrun,awsrun/stack=multi-server,awsrun/name=api.example.com A\""
        );
        assert_eq!(parse_owner(&value), Some(tags));
        let odd = Tags::new("s", &format!("say \"hi\" {}", "x".repeat(300)));
        assert_eq!(parse_owner(&owner_value(&odd)), Some(odd));
        assert_eq!(parse_owner("\"v=spf1 -all\""), None);
    }

    #[test]
    fn ownership_records_name_the_record_and_type_they_speak_for() {
        let owner = owner_name("API.Example.com.", "AAAA");
        assert_eq!(owner, "_awsrun-aaaa.api.example.com");
        assert_eq!(
            owned_by(&owner),
            Some(("api.example.com".into(), "AAAA".into()))
        );
        assert_eq!(owned_by("api.example.com"), None);
    }

    #[test]
    fn names_compare_as_route_53_stores_them() {
        assert_eq!(normalize("\\052.Example.COM."), "*.example.com");
        assert!(within("api.example.com", "example.com."));
        assert!(within("example.com", "example.com"));
        assert!(!within("badexample.com", "example.com"));
        let id = record_id("Z123", "Api.example.com.", "A");
        assert_eq!(split_record_id(&id), Some(("Z123", "api.example.com", "A")));
    }
}
