//! Mirroring: read-only requests that copy the real account into a
//! [`SimAccount`], so the engine can plan a run (or show a `--dry-run`)
//! against the account as it is. Everything read here lands in the run's
//! cache too, so the live run that follows a plan asks AWS again only for
//! what the plan did not need.

use std::collections::BTreeSet;
use std::rc::Rc;

use super::AwsCloud;
use crate::cloud::sim::SimAccount;
use crate::cloud::{Cloud, CloudResult, Kind, Resource, Tags};

impl AwsCloud {
    /// A simulated account holding this region's AZs, the caller's
    /// identity, the default VPC (with its internet gateway and subnets) and
    /// every live resource of `stack`, with this account behind it for what
    /// only the real one knows (see [`crate::cloud::sim::AccountFacts`]).
    pub fn mirror(self: &Rc<Self>, stack: &str) -> CloudResult<SimAccount> {
        self.mirror_for(stack, false)
    }

    /// [`AwsCloud::mirror`]; with `adopt`, the mirror also holds the
    /// region's untagged resources `--adopt` may take (see
    /// [`AwsCloud::seed_untagged`]), so that a plan adopts what a live run will.
    pub fn mirror_for(self: &Rc<Self>, stack: &str, adopt: bool) -> CloudResult<SimAccount> {
        self.prefetch(stack)?;
        let sim = SimAccount::empty(&self.region, self.availability_zones()?);
        self.seed_into(stack, &sim, adopt)?;
        sim.set_facts(self.clone());
        Ok(sim)
    }

    /// Reads everything a plan needs at once: the describes do not depend on
    /// each other, so they go out together instead of one round trip after
    /// another. Each lands in the run's cache, where `mirror_into` finds it.
    fn prefetch(&self, stack: &str) -> CloudResult<()> {
        let kinds = |kinds: Vec<Kind>| {
            move || -> CloudResult<()> {
                for kind in &kinds {
                    let found = self.stack_kind(stack, *kind)?;
                    if *kind == Kind::TargetGroup {
                        // The plan compares each group's settings too.
                        for tg in found {
                            let tg = match tg.attr("targets") {
                                None => self.with_targets(tg)?,
                                Some(_) => tg,
                            };
                            self.with_delay(tg)?;
                        }
                    }
                }
                Ok(())
            }
        };
        let mut jobs: Vec<Box<dyn Fn() -> CloudResult<()> + Sync + '_>> = vec![
            Box::new(|| self.whoami().map(drop)),
            Box::new(|| self.availability_zones().map(drop)),
            Box::new(|| self.vpcs().map(drop)),
        ];
        // The region's VPCs are read above, whoever owns them.
        for group in Kind::listing_groups() {
            let group: Vec<Kind> = group.into_iter().filter(|k| *k != Kind::Vpc).collect();
            if !group.is_empty() {
                jobs.push(Box::new(kinds(group)));
            }
        }
        std::thread::scope(|scope| {
            let running: Vec<_> = jobs.iter().map(|job| scope.spawn(job)).collect();
            running
                .into_iter()
                .try_for_each(|h| h.join().unwrap_or(Ok(())))
        })
    }

    /// Seeds `sim` (made with [`SimAccount::empty`] for this region and its
    /// AZs) from the real account: identity, the default VPC and every VPC
    /// the stack uses, their internet gateways and subnets, then the stack's
    /// resources, parents first.
    pub fn mirror_into(&self, stack: &str, sim: &SimAccount) -> CloudResult<()> {
        self.seed_into(stack, sim, false)
    }

    fn seed_into(&self, stack: &str, sim: &SimAccount, adopt: bool) -> CloudResult<()> {
        sim.set_identity(self.whoami()?);
        let resources = self.list_stack(stack)?;
        let untagged_vpcs: Vec<String> = if adopt {
            self.untagged_of(Kind::Vpc)?
                .into_iter()
                .map(|v| v.id)
                .collect()
        } else {
            Vec::new()
        };
        let mut used: BTreeSet<&str> = resources.iter().map(|r| r.str("vpc")).collect();
        used.extend(untagged_vpcs.iter().map(String::as_str));
        used.extend(
            resources
                .iter()
                .filter(|r| r.kind == Kind::Vpc)
                .map(|r| r.id.as_str()),
        );
        let vpcs: Vec<_> = self
            .vpcs()?
            .into_iter()
            .filter(|v| v.attr("is_default") == Some(&true.into()) || used.contains(v.id.as_str()))
            .collect();
        let vpc_ids: Vec<String> = vpcs.iter().map(|v| v.id.clone()).collect();
        for vpc in vpcs {
            let owned = resources
                .iter()
                .any(|r| r.kind == Kind::Vpc && r.id == vpc.id);
            let tags = owned.then(|| Tags::new(stack, &vpc.name));
            sim.seed(vpc, tags);
        }
        if !vpc_ids.is_empty() {
            // The stack's own gateways are seeded with the stack below.
            for gateway in self.internet_gateways(&vpc_ids)? {
                if !gateway.in_stack(stack) {
                    // Under adopt, another stack's gateway keeps its tags:
                    // it is not there to be adopted.
                    let tags = gateway
                        .stack
                        .as_deref()
                        .filter(|_| adopt)
                        .map(|s| Tags::new(s, &gateway.resource.name));
                    sim.seed(gateway.resource, tags);
                }
            }
        }
        for subnet in self.all_subnets()? {
            let in_stack = subnet.in_stack(stack);
            if vpc_ids.contains(&subnet.resource.str("vpc").to_string()) && !in_stack {
                let tags = subnet
                    .stack
                    .as_deref()
                    .map(|s| Tags::new(s, &subnet.resource.name));
                sim.seed(subnet.resource, tags);
            }
        }
        // The zones of the stack's records, with everything they hold.
        let zones: BTreeSet<&str> = resources
            .iter()
            .filter(|r| r.kind == Kind::DnsRecord)
            .map(|r| r.str("zone"))
            .collect();
        if !zones.is_empty() {
            for zone in self.public_zones()? {
                if zones.contains(zone.id.as_str()) {
                    sim.seed_zone(&zone, &self.owned_records(&zone.id)?);
                }
            }
        }
        let mut seeding: Vec<(Resource, Option<Tags>)> = resources
            .into_iter()
            .filter(|r| r.kind != Kind::Vpc)
            .map(|r| {
                let tags = Tags::new(stack, &r.name);
                (r, Some(tags))
            })
            .collect();
        if adopt {
            seeding.extend(self.seed_untagged(&vpc_ids, &seeding)?);
            // Parents first (an untagged NAT gateway may sit in a stack's
            // subnet), in the order the stack is listed: certificates
            // before the listeners that use them.
            let order = Kind::stack_kinds();
            seeding.sort_by_key(|(r, _)| order.iter().position(|k| *k == r.kind));
        }
        for (resource, tags) in seeding {
            sim.seed(resource, tags);
        }
        Ok(())
    }

    /// The untagged resources of the kinds under subnets that `--adopt`
    /// may take, whose VPC (subnet, load balancer) the mirror holds: Elastic
    /// IPs, NAT gateways, route tables, security groups, instances, target
    /// groups (with their targets), load balancers and their listeners.
    fn seed_untagged(
        &self,
        vpcs: &[String],
        stack: &[(Resource, Option<Tags>)],
    ) -> CloudResult<Vec<(Resource, Option<Tags>)>> {
        let mut subnets: BTreeSet<String> = self
            .all_subnets()?
            .into_iter()
            .filter(|t| vpcs.contains(&t.resource.str("vpc").to_string()))
            .map(|t| t.resource.id)
            .collect();
        subnets.extend(
            stack
                .iter()
                .filter(|(r, _)| r.kind == Kind::Subnet)
                .map(|(r, _)| r.id.clone()),
        );
        let mut lbs: BTreeSet<String> = stack
            .iter()
            .filter(|(r, _)| r.kind == Kind::LoadBalancer)
            .map(|(r, _)| r.id.clone())
            .collect();
        let in_vpc = |r: &Resource| vpcs.contains(&r.str("vpc").to_string());
        let mut out = Vec::new();
        // VPCs, their internet gateways and subnets are seeded with the VPCs.
        let under_subnets = crate::cloud::adopt::KINDS
            .into_iter()
            .filter(|k| !matches!(k, Kind::Vpc | Kind::InternetGateway | Kind::Subnet));
        for kind in under_subnets {
            for r in self.untagged_of(kind)? {
                let held = match kind {
                    Kind::ElasticIp => true,
                    Kind::NatGateway | Kind::Instance => subnets.contains(r.str("subnet")),
                    Kind::Listener => lbs.contains(r.str("load_balancer")),
                    _ => in_vpc(&r),
                };
                if !held {
                    continue;
                }
                let r = match kind {
                    Kind::TargetGroup => self.with_delay(self.with_targets(r)?)?,
                    Kind::LoadBalancer => {
                        lbs.insert(r.id.clone());
                        r
                    }
                    _ => r,
                };
                out.push((r, None));
            }
        }
        Ok(out)
    }
}
