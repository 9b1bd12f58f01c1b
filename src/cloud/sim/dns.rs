//! Route 53: hosted zones and record sets (`ChangeResourceRecordSets`).
//!
//! A zone holds its record sets by (name, type), its apex `SOA` and `NS`
//! included, so the rules that involve other records (a CNAME beside
//! anything else, a record that already exists) read the zone as AWS does.
//! A stack's record is written with its ownership TXT record
//! (`cloud::ownership`) in one batch, checked whole before either is
//! written: Route 53's batches are all or nothing.
//!
//! A brand-new simulated account has no zones; a script that names a domain
//! there gets a zone *assumed* for it (marked `assumed`), so a dry run with
//! no account can plan a domain. A mirror of a real account has exactly
//! the real account's zones.

use std::collections::BTreeMap;

use super::ids;
use super::state::State;
use crate::cloud::ownership::{self, normalize, owner_name, within};
use crate::cloud::{AliasTarget, CloudError, CloudResult, DnsRecordSpec, Kind, Resource, Tags};
use crate::diagnostic::code;

const OP: &str = "ChangeResourceRecordSets";

/// One record set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RecordSet {
    pub(super) ttl: u32,
    pub(super) values: Vec<String>,
    pub(super) alias: Option<AliasTarget>,
}

/// One hosted zone.
#[derive(Debug, Clone)]
pub(super) struct ZoneSlot {
    /// The zone's domain, normalized (`example.com`).
    pub(super) domain: String,
    pub(super) assumed: bool,
    /// (name, type) -> record set.
    pub(super) records: BTreeMap<(String, String), RecordSet>,
}

/// The hosted zone id of an ALB's DNS name in each region
/// (`CanonicalHostedZoneId`; AWS General Reference, "Elastic Load
/// Balancing endpoints and quotas"). Alias records name it.
pub fn load_balancer_zone(region: &str) -> &'static str {
    match region {
        "us-east-1" => "Z35SXDOTRQ7X7K",
        "us-east-2" => "Z3AADJGX6KTTL2",
        "us-west-1" => "Z368ELLRRE2KJ0",
        "us-west-2" => "Z1H1FL5HABSF5",
        "ca-central-1" => "ZQSVJUPU6J1EY",
        "sa-east-1" => "Z2P70J7HTTTPLU",
        "eu-west-1" => "Z32O12XQLNTSW2",
        "eu-west-2" => "ZHURV8PSTC4K8",
        "eu-west-3" => "Z3Q77PNBQS71R4",
        "eu-central-1" => "Z215JYRZR1TBD5",
        "eu-north-1" => "Z23TAZ6LKFMNIO",
        "ap-south-1" => "ZP97RAFLXTNZK",
        "ap-northeast-1" => "Z14GRHDCWA56QT",
        "ap-northeast-2" => "ZWKZPGTI48KDX",
        "ap-northeast-3" => "Z5LXEXXYW11ES",
        "ap-southeast-1" => "Z1LMS91P8CMLE5",
        "ap-southeast-2" => "Z1GM3OXH4ZPM65",
        _ => "Z35SXDOTRQ7X7K",
    }
}

/// The domain a zone is assumed for when a dry run with no account names
/// `domain`: its last two labels (`api.example.com` -> `example.com`).
fn apex(domain: &str) -> String {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() <= 2 {
        return domain.to_string();
    }
    labels[labels.len() - 2..].join(".")
}

impl State {
    /// Adds a public hosted zone for `domain` with its SOA and NS records;
    /// returns its id (`Z` + 20 characters, the same on every run).
    pub(super) fn add_zone(&mut self, domain: &str, id: Option<&str>, assumed: bool) -> String {
        let domain = normalize(domain);
        let id = id.map_or_else(|| ids::zone_id(&domain), str::to_string);
        let mut records = BTreeMap::new();
        let ns: Vec<String> = (0..4)
            .map(|n| format!("ns-{}.awsdns-{:02}.com.", 100 + n * 37, n * 11))
            .collect();
        records.insert(
            (domain.clone(), "NS".to_string()),
            RecordSet {
                ttl: 172_800,
                values: ns.clone(),
                alias: None,
            },
        );
        records.insert(
            (domain.clone(), "SOA".to_string()),
            RecordSet {
                ttl: 900,
                values: vec![format!(
                    "{} awsdns-hostmaster.amazon.com. 1 7200 900 1209600 86400",
                    ns[0]
                )],
                alias: None,
            },
        );
        self.zone_names.insert(domain.clone(), id.clone());
        self.zones.insert(
            id.clone(),
            ZoneSlot {
                domain,
                assumed,
                records,
            },
        );
        id
    }

    /// The zone for `domain`: named after it or its closest parent. In a
    /// brand-new account (no zones of its own), one is assumed.
    pub(super) fn hosted_zone(&mut self, domain: &str) -> CloudResult<Option<Resource>> {
        let domain = normalize(domain);
        if let Some(facts) = self.facts.clone() {
            // A mirror: the real account's zone, read the first time.
            let Some((zone, records)) = facts.0.zone_with_records(&domain)? else {
                return Ok(None);
            };
            if !self.zones.contains_key(&zone.id) {
                self.seed_zone(&zone, &records);
            }
            return Ok(Some(self.zone_resource(&zone.id)));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        for start in 0..labels.len() {
            if let Some(id) = self.zone_names.get(&labels[start..].join(".")) {
                return Ok(Some(self.zone_resource(id)));
            }
        }
        if !self.assume_zones || !domain.contains('.') {
            return Ok(None);
        }
        let id = self.add_zone(&apex(&domain), None, true);
        Ok(Some(self.zone_resource(&id)))
    }

    fn zone_resource(&self, id: &str) -> Resource {
        let slot = &self.zones[id];
        Resource::new(Kind::HostedZone, &slot.domain, id)
            .with("domain", slot.domain.as_str())
            .with("private", false)
            .with("assumed", slot.assumed)
    }

    /// The record set at (name, type), with its owner.
    pub(super) fn record_at(
        &self,
        zone: &str,
        name: &str,
        record_type: &str,
    ) -> CloudResult<Option<Resource>> {
        let slot = self.zone(zone, "ListResourceRecordSets")?;
        let key = (normalize(name), record_type.to_string());
        let Some(set) = slot.records.get(&key) else {
            return Ok(None);
        };
        let owner = self.owner_of(zone, &key.0, record_type);
        let label = ownership::record_label(&key.0, record_type);
        let name = owner.as_ref().map_or(label, |tags| tags.name.clone());
        let mut resource = record_resource(zone, &key.0, record_type, set, &name);
        resource.set("owner", owner.map(|t| t.stack).unwrap_or_default());
        Ok(Some(resource))
    }

    /// The stack (and name) the ownership record of (name, type) names.
    fn owner_of(&self, zone: &str, name: &str, record_type: &str) -> Option<Tags> {
        let slot = self.zones.get(zone)?;
        let set = slot
            .records
            .get(&(owner_name(name, record_type), "TXT".to_string()))?;
        set.values.iter().find_map(|v| ownership::parse_owner(v))
    }

    fn zone(&self, zone: &str, op: &str) -> CloudResult<&ZoneSlot> {
        self.zones.get(zone).ok_or_else(|| {
            CloudError::new(
                op,
                code::Aws::NoSuchHostedZone,
                format!("No hosted zone found with ID: {zone}"),
            )
            .with_hint("look the zone up by its domain with hosted_zone(domain)")
        })
    }

    /// `ChangeResourceRecordSets` with two CREATEs: the record and its
    /// ownership record, checked together before either is written.
    pub(super) fn create_record(
        &mut self,
        spec: &DnsRecordSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        let name = normalize(&spec.name);
        let owner = owner_name(&name, &spec.record_type);
        let owner_set = RecordSet {
            ttl: 300,
            values: vec![ownership::owner_value(tags)],
            alias: None,
        };
        let set = RecordSet {
            ttl: spec.ttl,
            values: spec.values.clone(),
            alias: spec.alias.clone(),
        };
        let mut problems = Vec::new();
        {
            let slot = self.zone(&spec.zone, OP)?;
            for (n, t, s) in [
                (&name, spec.record_type.as_str(), &set),
                (&owner, "TXT", &owner_set),
            ] {
                problems.extend(self.create_problems(slot, &spec.zone, n, t, s));
            }
        }
        if !problems.is_empty() {
            return Err(CloudError::new(
                OP,
                code::Aws::InvalidChangeBatch,
                format!("[{}]", problems.join(", ")),
            )
            .with_hint("Route 53 made none of the batch's changes"));
        }
        let slot = self.zones.get_mut(&spec.zone).expect("checked above");
        slot.records
            .insert((name.clone(), spec.record_type.clone()), set.clone());
        slot.records.insert((owner, "TXT".to_string()), owner_set);
        self.validation_written(&name, &spec.record_type, &set);
        let resource = record_resource(&spec.zone, &name, &spec.record_type, &set, &tags.name)
            .with("owner", tags.stack.as_str());
        Ok(self.create(resource, tags))
    }

    /// Why Route 53 refuses to CREATE (name, type) in the zone, if it does.
    fn create_problems(
        &self,
        slot: &ZoneSlot,
        zone: &str,
        name: &str,
        record_type: &str,
        set: &RecordSet,
    ) -> Vec<String> {
        let zone_name = &slot.domain;
        if !within(name, zone_name) {
            return vec![format!(
                "RRSet with DNS name {name}. is not permitted in zone {zone_name}."
            )];
        }
        if slot
            .records
            .contains_key(&(name.to_string(), record_type.to_string()))
        {
            return vec![format!(
                "Tried to create resource record set [name='{name}.', type='{record_type}'] but it already exists"
            )];
        }
        let others: Vec<&str> = slot
            .records
            .keys()
            .filter(|(n, _)| n == name)
            .map(|(_, t)| t.as_str())
            .collect();
        if record_type == "CNAME" && !others.is_empty() {
            return vec![format!(
                "RRSet of type CNAME with DNS name {name}. is not permitted as it conflicts with other records with the same DNS name in zone {zone_name}."
            )];
        }
        if others.contains(&"CNAME") {
            return vec![format!(
                "RRSet of type {record_type} with DNS name {name}. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone {zone_name}."
            )];
        }
        if let Some(alias) = &set.alias {
            return self.alias_problems(zone, record_type, alias);
        }
        Vec::new()
    }

    /// An alias must name a load balancer that exists, with the hosted
    /// zone id AWS gives load balancers of the region.
    fn alias_problems(&self, zone: &str, record_type: &str, alias: &AliasTarget) -> Vec<String> {
        let target = normalize(&alias.dns_name);
        let prefix = format!(
            "Tried to create an alias that targets {target}., type {record_type} in zone {zone}"
        );
        if alias.hosted_zone_id != load_balancer_zone(&self.region) {
            return vec![format!(
                "{prefix}, but the alias target name does not lie within the target zone"
            )];
        }
        let exists = self.load_balancers.keys().any(|arn| {
            self.live(Kind::LoadBalancer, arn).is_some_and(|lb| {
                let dns = normalize(lb.str("dns_name"));
                dns == target || format!("dualstack.{dns}") == target
            })
        });
        if exists {
            Vec::new()
        } else {
            vec![format!("{prefix}, but that target was not found")]
        }
    }

    /// `ChangeResourceRecordSets` with two DELETEs: the record and its
    /// ownership record.
    pub(super) fn delete_record(&mut self, id: &str) -> CloudResult<()> {
        let (zone, name, record_type) = match ownership::split_record_id(id) {
            Some((z, n, t)) => (z.to_string(), n.to_string(), t.to_string()),
            None => return Err(missing_record(id, "")),
        };
        self.zone(&zone, OP)?;
        let slot = self.zones.get_mut(&zone).expect("checked above");
        if slot
            .records
            .remove(&(name.clone(), record_type.clone()))
            .is_none()
        {
            return Err(missing_record(&name, &record_type));
        }
        slot.records
            .remove(&(owner_name(&name, &record_type), "TXT".to_string()));
        self.store.set_life(id, super::store::Life::Gone);
        Ok(())
    }

    /// Seeds a real zone with every record set it holds; the records a
    /// stack owns become findable by that stack's tags.
    pub(super) fn seed_zone(&mut self, zone: &Resource, records: &[Resource]) {
        self.add_zone(zone.str("domain"), Some(&zone.id), false);
        if let Some(slot) = self.zones.get_mut(&zone.id) {
            slot.records.clear();
        }
        for record in records {
            self.seed_record(record);
            let owner = record.str("owner");
            if !owner.is_empty() && self.store.get(&record.id).is_none() {
                let tags = Tags::new(owner, &record.name);
                self.store
                    .insert(record.clone(), Some(tags), super::store::Life::Live);
            }
        }
    }

    /// Seeds a record set found in a real zone (its owner, if any, from the
    /// ownership record seeded beside it).
    pub(super) fn seed_record(&mut self, r: &Resource) {
        let spec = ownership::record_spec(r);
        let (zone, name, record_type) = (spec.zone, spec.name, spec.record_type);
        let set = RecordSet {
            ttl: spec.ttl,
            values: spec.values,
            alias: spec.alias,
        };
        if let Some(slot) = self.zones.get_mut(&zone) {
            slot.records.insert((name, record_type), set);
        }
    }
}

/// A record set as awsrun hands it to scripts.
pub(super) fn record_resource(
    zone: &str,
    name: &str,
    record_type: &str,
    set: &RecordSet,
    label: &str,
) -> Resource {
    ownership::record_resource(
        zone,
        name,
        record_type,
        u64::from(set.ttl),
        set.values.clone(),
        set.alias.as_ref(),
        label,
    )
}

fn missing_record(name: &str, record_type: &str) -> CloudError {
    CloudError::new(
        OP,
        code::Aws::InvalidChangeBatch,
        format!(
            "[Tried to delete resource record set [name='{name}.', type='{record_type}'] but it was not found]"
        ),
    )
    .with_hint("the record is gone from its zone (deleted outside awsrun?); nothing is left to delete")
}
