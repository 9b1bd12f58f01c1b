//! What a stack costs: AWS's on-demand list prices, from a table compiled
//! in (`prices.json`: one item per price and region, each with the date it
//! was taken and its source), applied to the resources a stack holds.
//!
//! Billed per hour: NAT gateways, Application Load Balancers (the hour and
//! at least one LCU), instances (on-demand Linux, by type) and public IPv4
//! addresses (Elastic IPs, the nodes of an internet-facing load balancer,
//! one per AZ, and instances with a public IP). Everything else a stack
//! holds is free by the hour. What the table lacks (a region, an instance
//! type) is *unknown*, never guessed; what depends on traffic (NAT data
//! processing, LCUs above the first, data transfer out, DNS queries) is
//! named, not priced.

use super::{Kind, Resource};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Hours in a month, as AWS's pricing pages count them (365 × 24 / 12).
pub const HOURS_PER_MONTH: f64 = 730.0;

/// The price table, as compiled in.
#[derive(Debug, Deserialize)]
pub struct Table {
    pub currency: String,
    pub note: String,
    pub items: Vec<Price>,
}

/// One price of the table.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Price {
    /// `nat_gateway`, `alb`, `alb_lcu`, `public_ipv4`, `instance:t3.micro`, ...
    pub item: String,
    /// `hour`, `GB`, `month`, ...
    pub unit: String,
    pub region: String,
    pub usd: f64,
    /// When the figure was taken.
    pub as_of: String,
    /// The AWS pricing page the figure belongs to.
    pub source: String,
    /// Where the figure was read.
    #[serde(default)]
    pub evidence: String,
}

/// The table compiled into awsrun.
pub fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        serde_json::from_str(include_str!("prices.json")).expect("prices.json is a price table")
    })
}

/// The price of `item` in `region`, if the table has it.
pub fn price(item: &str, region: &str) -> Option<&'static Price> {
    table()
        .items
        .iter()
        .find(|p| p.item == item && p.region == region)
}

/// What one resource costs by the hour.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "cost", rename_all = "snake_case")]
pub enum Hourly {
    /// Nothing by the hour.
    Free,
    /// `usd` per hour, the sum of `parts` (`nat_gateway 0.059`, ...).
    Usd { usd: f64, parts: Vec<String> },
    /// The table lacks a price this resource needs.
    Unknown { missing: Vec<String> },
}

impl Hourly {
    /// `$0.059/h`, `price unknown (instance:x1.32xlarge)`, or "" when free.
    pub fn text(&self) -> String {
        match self {
            Hourly::Free => String::new(),
            Hourly::Usd { usd, .. } => format!("{}/h", money(*usd)),
            Hourly::Unknown { missing } => format!("price unknown ({})", missing.join(", ")),
        }
    }
}

/// The billed parts of a resource: (table item, how many).
fn parts(r: &Resource) -> Vec<(String, f64)> {
    let gone = r.kind.is_gone(r.state());
    match r.kind {
        _ if gone => Vec::new(),
        Kind::NatGateway => vec![("nat_gateway".into(), 1.0)],
        Kind::ElasticIp => vec![("public_ipv4".into(), 1.0)],
        Kind::LoadBalancer => {
            let mut parts = vec![("alb".into(), 1.0), ("alb_lcu".into(), 1.0)];
            if r.str("scheme") != "internal" {
                let nodes = r.strs("subnets").len().max(1);
                parts.push(("public_ipv4".into(), nodes as f64));
            }
            parts
        }
        Kind::Instance if matches!(r.state(), "stopped" | "stopping") => Vec::new(),
        // A group's instances are billed through the group, at its desired
        // capacity (the count it keeps), whatever is launched right now.
        Kind::Instance if !r.str("group").is_empty() => Vec::new(),
        Kind::AutoScalingGroup => {
            let desired = r.attr("desired").and_then(|v| v.as_f64()).unwrap_or(0.0);
            if desired == 0.0 {
                return Vec::new();
            }
            vec![(format!("instance:{}", r.str("instance_type")), desired)]
        }
        Kind::Instance => {
            let mut parts = vec![(format!("instance:{}", r.str("instance_type")), 1.0)];
            if !r.str("public_ip").is_empty() {
                parts.push(("public_ipv4".into(), 1.0));
            }
            parts
        }
        _ => Vec::new(),
    }
}

/// What `r` costs per hour in `region`.
pub fn hourly(r: &Resource, region: &str) -> Hourly {
    let parts = parts(r);
    if parts.is_empty() {
        return Hourly::Free;
    }
    let mut usd = 0.0;
    let mut shown = Vec::new();
    let mut missing = Vec::new();
    for (item, count) in parts {
        match price(&item, region) {
            Some(p) => {
                usd += p.usd * count;
                let times = if count == 1.0 {
                    String::new()
                } else {
                    format!("{count} x ")
                };
                shown.push(format!("{times}{item} {}", money(p.usd)));
            }
            None => missing.push(format!("{item} in {region}")),
        }
    }
    if missing.is_empty() {
        Hourly::Usd { usd, parts: shown }
    } else {
        Hourly::Unknown { missing }
    }
}

/// What a set of resources costs per hour: the known sum, and what the
/// table lacks.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Total {
    pub hourly_usd: f64,
    pub monthly_usd: f64,
    /// Prices the table lacks (`instance:x1.32xlarge in eu-north-1`).
    pub unknown: Vec<String>,
}

impl Total {
    pub fn of<'a>(resources: impl IntoIterator<Item = &'a Resource>, region: &str) -> Total {
        let costs: Vec<Hourly> = resources.into_iter().map(|r| hourly(r, region)).collect();
        Total::sum(&costs)
    }

    /// The total of resources' hourly costs.
    pub fn sum<'a>(costs: impl IntoIterator<Item = &'a Hourly>) -> Total {
        let mut total = Total::default();
        for cost in costs {
            match cost.clone() {
                Hourly::Free => {}
                Hourly::Usd { usd, .. } => total.hourly_usd += usd,
                Hourly::Unknown { missing } => {
                    for m in missing {
                        if !total.unknown.contains(&m) {
                            total.unknown.push(m);
                        }
                    }
                }
            }
        }
        total.monthly_usd = total.hourly_usd * HOURS_PER_MONTH;
        total
    }
}

/// What a plan changes in what the stack costs: now, once applied, and
/// what traffic adds on top.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanCost {
    pub now: Total,
    pub after: Total,
    pub change_hourly_usd: f64,
    pub change_monthly_usd: f64,
    /// What depends on traffic and is not in the figures.
    pub not_included: Vec<String>,
    /// Each Auto Scaling group's cost at its smallest and largest size:
    /// `awesome-api 2..6 instances: $0.0576/h..$0.1728/h`.
    pub scaling: Vec<String>,
}

impl PlanCost {
    /// The cost of the stack holding `before`, then `after`, in `region`.
    pub fn of(before: &[Resource], after: &[Resource], region: &str) -> PlanCost {
        let (now, after_total) = (Total::of(before, region), Total::of(after, region));
        PlanCost {
            change_hourly_usd: after_total.hourly_usd - now.hourly_usd,
            change_monthly_usd: after_total.monthly_usd - now.monthly_usd,
            now,
            after: after_total,
            not_included: usage_charges(region, after),
            scaling: scaling_ranges(region, after),
        }
    }

    /// `Cost: $0.1973/h, about $144.03/month once applied (now $0/h: +$0.1973/h); ...`
    pub fn line(&self) -> String {
        let sign = if self.change_hourly_usd < 0.0 {
            "-"
        } else {
            "+"
        };
        let mut text = format!(
            "Cost: {}/h, about {}/month once applied (now {}/h: {sign}{}/h)",
            money(self.after.hourly_usd),
            money(self.after.monthly_usd),
            money(self.now.hourly_usd),
            money(self.change_hourly_usd.abs()).trim_start_matches('-'),
        );
        if !self.after.unknown.is_empty() {
            text.push_str(&format!(
                "; price unknown: {}",
                self.after.unknown.join(", ")
            ));
        }
        if !self.scaling.is_empty() {
            text.push_str(&format!("; scaling between: {}", self.scaling.join(", ")));
        }
        if !self.not_included.is_empty() {
            text.push_str(&format!("; not included: {}", self.not_included.join(", ")));
        }
        text
    }
}

/// What each group costs at its min and at its max (the figures count it
/// at its desired capacity).
pub fn scaling_ranges(region: &str, resources: &[Resource]) -> Vec<String> {
    let groups = resources
        .iter()
        .filter(|r| r.kind == Kind::AutoScalingGroup && !r.kind.is_gone(r.state()));
    groups
        .map(|g| {
            let size = |key: &str| g.attr(key).and_then(|v| v.as_u64()).unwrap_or(0);
            let (min, max) = (size("min"), size("max"));
            let item = format!("instance:{}", g.str("instance_type"));
            let each = price(&item, region).map(|p| p.usd);
            let cost = match each {
                Some(usd) => format!(
                    "{}/h..{}/h",
                    money(usd * min as f64),
                    money(usd * max as f64)
                ),
                None => format!("price unknown ({item} in {region})"),
            };
            format!("{} {min}..{max} instances {cost}", g.name)
        })
        .collect()
}

/// What traffic adds, which no plan can know: named, not priced.
pub fn usage_charges(region: &str, resources: &[Resource]) -> Vec<String> {
    let mut out = Vec::new();
    if resources
        .iter()
        .any(|r| r.kind == Kind::NatGateway && !r.kind.is_gone(r.state()))
    {
        match price("nat_gateway_data", region) {
            Some(p) => out.push(format!("NAT data processing {}/GB", money(p.usd))),
            None => out.push("NAT data processing (per GB)".into()),
        }
    }
    if resources.iter().any(|r| r.kind == Kind::LoadBalancer) {
        out.push("load balancer LCUs above the first".into());
    }
    if resources
        .iter()
        .any(|r| matches!(r.kind, Kind::DnsRecord | Kind::Certificate))
    {
        let zone = price("hosted_zone", region)
            .map_or(String::new(), |p| format!(" ({}/month)", money(p.usd)));
        let queries = price("dns_queries", region).map_or(String::new(), |p| {
            format!(" ({} per million)", money(p.usd))
        });
        out.push(format!(
            "DNS queries{queries} and the hosted zone's monthly fee{zone}"
        ));
    }
    if !out.is_empty() {
        out.push("data transfer out".into());
    }
    out
}

impl Total {
    /// `Stops billing $0.1973/h, about $144.03/month` for a destroy.
    pub fn stops_line(&self) -> String {
        let mut text = format!(
            "Stops billing: {}/h, about {}/month",
            money(self.hourly_usd),
            money(self.monthly_usd)
        );
        if !self.unknown.is_empty() {
            text.push_str(&format!(
                " (and what the price table lacks: {})",
                self.unknown.join(", ")
            ));
        }
        text
    }
}

/// `$0.059`, `$0.1973`, `$145.12`: dollars with the cents a reader needs.
pub fn money(usd: f64) -> String {
    if usd == 0.0 {
        return "$0".into();
    }
    if usd.abs() >= 10.0 {
        return format!("${usd:.2}");
    }
    let text = format!("{usd:.4}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("${text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_a_source_and_date_for_every_price() {
        let t = table();
        assert_eq!(t.currency, "USD");
        assert!(!t.items.is_empty());
        for p in &t.items {
            assert!(p.source.starts_with("https://aws.amazon.com/"), "{p:?}");
            assert!(p.as_of.len() >= 7, "{p:?}");
            assert!(p.usd >= 0.0, "{p:?}");
            assert!(!p.unit.is_empty(), "{p:?}");
        }
        let mut seen = std::collections::BTreeSet::new();
        for p in &t.items {
            assert!(seen.insert((&p.item, &p.region)), "twice: {p:?}");
        }
    }

    /// A resource of each kind as a stack holds it.
    fn sample(kind: Kind) -> Resource {
        Resource::new(kind, "x", "id")
            .with("state", kind.info().ready_state.unwrap_or(""))
            .with("instance_type", "t2.micro")
            .with("scheme", "internet-facing")
            .with("subnets", vec!["subnet-a", "subnet-b"])
            .with("public_ip", "")
    }

    #[test]
    fn every_billed_kind_has_its_prices_in_the_default_region() {
        let mut billed = Vec::new();
        for kind in Kind::ALL {
            let r = sample(kind);
            match hourly(&r, "ap-northeast-2") {
                Hourly::Free => assert!(parts(&r).is_empty(), "{kind}"),
                Hourly::Usd { .. } => billed.push(kind),
                Hourly::Unknown { missing } => panic!("{kind}: {missing:?}"),
            }
        }
        assert_eq!(
            billed,
            [
                Kind::ElasticIp,
                Kind::NatGateway,
                Kind::Instance,
                Kind::LoadBalancer
            ]
        );
    }

    #[test]
    fn the_regions_with_the_most_users_have_the_tutorials_prices() {
        let regions = [
            "ap-northeast-2",
            "us-east-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-northeast-1",
            "ap-southeast-1",
        ];
        let mut gaps = Vec::new();
        for region in regions {
            for item in [
                "nat_gateway",
                "nat_gateway_data",
                "alb",
                "alb_lcu",
                "public_ipv4",
                "instance:t2.micro",
                "instance:t3.micro",
                "hosted_zone",
            ] {
                if price(item, region).is_none() {
                    gaps.push(format!("{item} in {region}"));
                }
            }
        }
        // The gaps are reviewed here: no evidence was found for them, so
        // a plan there says "price unknown" for a load balancer.
        assert_eq!(
            gaps,
            ["alb_lcu in eu-central-1", "alb_lcu in ap-southeast-1"]
        );
    }

    #[test]
    fn money_shows_the_cents_a_reader_needs() {
        assert_eq!(money(0.059), "$0.059");
        assert_eq!(money(0.19736), "$0.1974");
        assert_eq!(money(144.07), "$144.07");
        assert_eq!(money(0.0), "$0");
    }

    #[test]
    fn a_resource_of_an_unknown_region_or_type_says_so() {
        let i = Resource::new(Kind::Instance, "a", "i-1")
            .with("instance_type", "x9.huge")
            .with("state", "running");
        assert_eq!(
            hourly(&i, "ap-northeast-2"),
            Hourly::Unknown {
                missing: vec!["instance:x9.huge in ap-northeast-2".into()]
            }
        );
        let nat = Resource::new(Kind::NatGateway, "n", "nat-1").with("state", "available");
        assert!(matches!(hourly(&nat, "mars-1"), Hourly::Unknown { .. }));
        let gone = nat.clone().with("state", "deleted");
        assert_eq!(hourly(&gone, "ap-northeast-2"), Hourly::Free);
    }
}
