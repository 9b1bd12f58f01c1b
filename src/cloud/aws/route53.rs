//! Route 53: the account's public hosted zones and their record sets.
//!
//! Records carry no tags, so the stack's records are found through their
//! ownership records (`crate::cloud::ownership`): a zone's record sets are
//! listed once per run (300 a page) and kept in the cache, which every
//! change this run makes updates. A record and its ownership record are
//! created in one change batch and deleted in one; Route 53 applies a batch
//! all or nothing, so neither is ever left without the other.

use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
};

use super::AwsCloud;
use super::call::Service;
use crate::cloud::ownership::{self, normalize, owner_name};
use crate::cloud::{CloudError, CloudResult, DnsRecordSpec, Kind, Resource, Tags};
use crate::diagnostic::code;

const CHANGE: &str = "ChangeResourceRecordSets";

/// A zone id without Route 53's `/hostedzone/` prefix.
fn bare_zone_id(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

fn build_error(operation: &str, err: impl std::fmt::Display) -> CloudError {
    CloudError::new(
        operation,
        code::Backend::SdkError,
        format!("could not build the request: {err}"),
    )
}

/// A record set as awsrun hands it out (its `owner` filled in later).
fn record_resource(zone: &str, set: &ResourceRecordSet) -> Resource {
    let name = normalize(set.name());
    let record_type = set.r#type().as_str();
    let values: Vec<String> = set
        .resource_records()
        .iter()
        .map(|r| r.value().to_string())
        .collect();
    let alias = set.alias_target().map(|a| crate::cloud::AliasTarget {
        dns_name: a.dns_name().to_string(),
        hosted_zone_id: a.hosted_zone_id().to_string(),
        evaluate_health: a.evaluate_target_health(),
    });
    ownership::record_resource(
        zone,
        &name,
        record_type,
        set.ttl().and_then(|t| u64::try_from(t).ok()).unwrap_or(0),
        values,
        alias.as_ref(),
        &ownership::record_label(&name, record_type),
    )
}

/// The owner (stack and name) of the record (name, type), read from the
/// ownership record among `sets`.
fn owner_in(sets: &[Resource], name: &str, record_type: &str) -> Option<Tags> {
    let owner = owner_name(name, record_type);
    sets.iter()
        .find(|r| r.str("record_name") == owner && r.str("type") == "TXT")
        .and_then(|r| {
            r.strs("values")
                .iter()
                .find_map(|v| ownership::parse_owner(v))
        })
}

impl AwsCloud {
    /// Every public hosted zone of the account, described once per run.
    pub(super) fn public_zones(&self) -> CloudResult<Vec<Resource>> {
        if let Some(zones) = self.cache().zones.clone() {
            return Ok(zones);
        }
        let mut zones = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let request = self.route53.list_hosted_zones().set_marker(marker.clone());
            let out = self.send(Service::Route53, "ListHostedZones", request.send())?;
            for zone in out.hosted_zones() {
                if zone.config().is_some_and(|c| c.private_zone()) {
                    continue;
                }
                let domain = normalize(zone.name());
                let id = bare_zone_id(zone.id());
                zones.push(
                    Resource::new(Kind::HostedZone, &domain, id)
                        .with("domain", domain.as_str())
                        .with("private", false)
                        .with("assumed", false),
                );
            }
            match out.next_marker() {
                Some(next) if out.is_truncated() => marker = Some(next.to_string()),
                _ => break,
            }
        }
        self.cache().zones = Some(zones.clone());
        Ok(zones)
    }

    /// The public zone named after `domain` or its closest parent.
    pub(super) fn zone_for(&self, domain: &str) -> CloudResult<Option<Resource>> {
        let domain = normalize(domain);
        let zones = self.public_zones()?;
        Ok(zones
            .into_iter()
            .filter(|z| ownership::within(&domain, z.str("domain")))
            .max_by_key(|z| z.str("domain").len()))
    }

    /// Every record set of a zone, described once per run.
    pub(super) fn zone_records(&self, zone: &str) -> CloudResult<Vec<Resource>> {
        if let Some(sets) = self.cache().records.get(zone) {
            return Ok(sets.clone());
        }
        let mut sets = Vec::new();
        let mut start: Option<(String, RrType)> = None;
        loop {
            let request = self
                .route53
                .list_resource_record_sets()
                .hosted_zone_id(zone)
                .set_start_record_name(start.as_ref().map(|s| s.0.clone()))
                .set_start_record_type(start.as_ref().map(|s| s.1.clone()));
            let out = self.send(Service::Route53, "ListResourceRecordSets", request.send())?;
            sets.extend(
                out.resource_record_sets()
                    .iter()
                    .map(|set| record_resource(zone, set)),
            );
            match (out.next_record_name(), out.next_record_type()) {
                (Some(name), Some(kind)) if out.is_truncated() => {
                    start = Some((name.to_string(), kind.clone()));
                }
                _ => break,
            }
        }
        self.cache().records.insert(zone.to_string(), sets.clone());
        Ok(sets)
    }

    pub(super) fn record_set_at(
        &self,
        zone: &str,
        name: &str,
        record_type: &str,
    ) -> CloudResult<Option<Resource>> {
        let name = normalize(name);
        let sets = self.zone_records(zone)?;
        let Some(mut found) = sets
            .iter()
            .find(|r| r.str("record_name") == name && r.str("type") == record_type)
            .cloned()
        else {
            return Ok(None);
        };
        let owner = owner_in(&sets, &name, record_type);
        if let Some(tags) = &owner {
            found.name = tags.name.clone();
        }
        found.set("owner", owner.map(|t| t.stack).unwrap_or_default());
        Ok(Some(found))
    }

    /// A zone or record set as Route 53 has it now.
    pub(super) fn describe_route53_by_id(
        &self,
        resource: &Resource,
    ) -> CloudResult<Option<Resource>> {
        if resource.kind == Kind::HostedZone {
            let zones = self.public_zones()?;
            return Ok(zones.into_iter().find(|z| z.id == resource.id));
        }
        let Some((zone, name, record_type)) = ownership::split_record_id(&resource.id) else {
            return Ok(None);
        };
        self.cache().records.remove(zone);
        let found = self.record_set_at(zone, name, record_type)?;
        Ok(found.map(|mut r| {
            r.name = resource.name.clone();
            r
        }))
    }

    /// Every record set of a zone, each with its `owner` ("" for none).
    pub(super) fn owned_records(&self, zone: &str) -> CloudResult<Vec<Resource>> {
        let sets = self.zone_records(zone)?;
        let owners: std::collections::HashMap<(String, String), Tags> = sets
            .iter()
            .filter(|set| set.str("type") == "TXT")
            .filter_map(|set| {
                let owned = ownership::owned_by(set.str("record_name"))?;
                let tags = set
                    .strs("values")
                    .iter()
                    .find_map(|v| ownership::parse_owner(v))?;
                Some((owned, tags))
            })
            .collect();
        Ok(sets
            .into_iter()
            .map(|mut set| {
                let key = (
                    set.str("record_name").to_string(),
                    set.str("type").to_string(),
                );
                match owners.get(&key) {
                    Some(tags) => {
                        set.name = tags.name.clone();
                        set.set("owner", tags.stack.as_str());
                    }
                    None => set.set("owner", ""),
                }
                set
            })
            .collect())
    }

    /// The stacks that own a record in a public zone of the account.
    pub(super) fn record_stack_names(&self) -> CloudResult<Vec<String>> {
        let mut names = Vec::new();
        for zone in self.public_zones()? {
            for record in self.owned_records(&zone.id)? {
                let owner = record.str("owner");
                if !owner.is_empty() && ownership::owned_by(record.str("record_name")).is_none() {
                    names.push(owner.to_string());
                }
            }
        }
        Ok(names)
    }

    /// The stack's records, in every public zone of the account.
    pub(super) fn stack_records(&self, stack: &str) -> CloudResult<Vec<Resource>> {
        let mut owned = Vec::new();
        for zone in self.public_zones()? {
            let sets = self.zone_records(&zone.id)?;
            for set in &sets {
                let Some((name, record_type)) = ownership::owned_by(set.str("record_name")) else {
                    continue;
                };
                if set.str("type") != "TXT" {
                    continue;
                }
                let Some(tags) = set
                    .strs("values")
                    .iter()
                    .find_map(|v| ownership::parse_owner(v))
                else {
                    continue;
                };
                if tags.stack != stack {
                    continue;
                }
                if let Some(record) = sets
                    .iter()
                    .find(|r| r.str("record_name") == name && r.str("type") == record_type)
                {
                    let mut record = record.clone();
                    record.name = tags.name.clone();
                    record.set("owner", stack);
                    owned.push(record);
                }
            }
        }
        Ok(owned)
    }

    /// One CREATE batch: the record and its ownership record.
    pub(super) fn new_record(&self, spec: &DnsRecordSpec, tags: &Tags) -> CloudResult<Resource> {
        let set = record_set(spec)?;
        let owner = owner_set(&spec.name, &spec.record_type, tags)?;
        self.change_records(
            &spec.zone,
            ChangeAction::Create,
            vec![set.clone(), owner.clone()],
        )?;
        let mut resource = record_resource(&spec.zone, &set);
        resource.name = tags.name.clone();
        resource.set("owner", tags.stack.as_str());
        let mut cache = self.cache();
        if let Some(sets) = cache.records.get_mut(&spec.zone) {
            sets.push(record_resource(&spec.zone, &set));
            sets.push(record_resource(&spec.zone, &owner));
        }
        cache.created(&tags.stack, resource.clone());
        Ok(resource)
    }

    /// One DELETE batch: the record (with the values it has now) and its
    /// ownership record.
    pub(super) fn delete_record(&self, resource: &Resource) -> CloudResult<()> {
        let Some((zone, name, record_type)) = ownership::split_record_id(&resource.id) else {
            return Err(CloudError::new(
                CHANGE,
                code::Aws::InvalidChangeBatch,
                format!("not a record id: {}", resource.id),
            ));
        };
        let sets = self.zone_records(zone)?;
        let find = |n: &str, t: &str| {
            sets.iter()
                .find(|r| r.str("record_name") == n && r.str("type") == t)
                .cloned()
        };
        let mut batch = Vec::new();
        for (n, t) in [
            (name.to_string(), record_type.to_string()),
            (owner_name(name, record_type), "TXT".to_string()),
        ] {
            if let Some(found) = find(&n, &t) {
                batch.push(set_of(&found)?);
            }
        }
        if batch.is_empty() {
            return Ok(());
        }
        self.change_records(zone, ChangeAction::Delete, batch)?;
        let owner = owner_name(name, record_type);
        if let Some(sets) = self.cache().records.get_mut(zone) {
            sets.retain(|r| {
                let n = r.str("record_name");
                !((n == name && r.str("type") == record_type)
                    || (n == owner && r.str("type") == "TXT"))
            });
        }
        Ok(())
    }

    fn change_records(
        &self,
        zone: &str,
        action: ChangeAction,
        sets: Vec<ResourceRecordSet>,
    ) -> CloudResult<()> {
        let changes = sets
            .into_iter()
            .map(|set| {
                Change::builder()
                    .action(action.clone())
                    .resource_record_set(set)
                    .build()
                    .map_err(|e| build_error(CHANGE, e))
            })
            .collect::<CloudResult<Vec<_>>>()?;
        let batch = ChangeBatch::builder()
            .comment("awsrun")
            .set_changes(Some(changes))
            .build()
            .map_err(|e| build_error(CHANGE, e))?;
        let request = self
            .route53
            .change_resource_record_sets()
            .hosted_zone_id(zone)
            .change_batch(batch);
        self.send(Service::Route53, CHANGE, request.send())
            .map(drop)
    }
}

/// The record set a spec describes.
fn record_set(spec: &DnsRecordSpec) -> CloudResult<ResourceRecordSet> {
    let mut set = ResourceRecordSet::builder()
        .name(format!("{}.", spec.name))
        .r#type(RrType::from(spec.record_type.as_str()));
    match &spec.alias {
        Some(alias) => {
            let target = AliasTarget::builder()
                .hosted_zone_id(&alias.hosted_zone_id)
                .dns_name(&alias.dns_name)
                .evaluate_target_health(alias.evaluate_health)
                .build()
                .map_err(|e| build_error(CHANGE, e))?;
            set = set.alias_target(target);
        }
        None => {
            set = set.ttl(i64::from(spec.ttl));
            for value in &spec.values {
                let record = ResourceRecord::builder()
                    .value(value)
                    .build()
                    .map_err(|e| build_error(CHANGE, e))?;
                set = set.resource_records(record);
            }
        }
    }
    set.build().map_err(|e| build_error(CHANGE, e))
}

/// The ownership record of (name, type) for the stack's record.
fn owner_set(name: &str, record_type: &str, tags: &Tags) -> CloudResult<ResourceRecordSet> {
    let record = ResourceRecord::builder()
        .value(ownership::owner_value(tags))
        .build()
        .map_err(|e| build_error(CHANGE, e))?;
    ResourceRecordSet::builder()
        .name(format!("{}.", owner_name(name, record_type)))
        .r#type(RrType::Txt)
        .ttl(300)
        .resource_records(record)
        .build()
        .map_err(|e| build_error(CHANGE, e))
}

/// A record set as it is now (a DELETE must repeat every value).
fn set_of(r: &Resource) -> CloudResult<ResourceRecordSet> {
    record_set(&ownership::record_spec(r))
}
