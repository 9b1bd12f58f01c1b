//! Lookups across kinds: `find` by tags (batched per kind and cached),
//! the stack listing behind `destroy` and plans, `refresh` and `delete`.

use super::AwsCloud;
use super::cache::gone;
use crate::cloud::{CloudError, CloudResult, Kind, Resource, Service, Tags};

/// Whether an error only says the resource is not there (any more).
fn is_not_found(kind: Kind, err: &CloudError) -> bool {
    kind.is_not_found(&err.code, &err.message)
}

/// A domain's kinds for credentials that may not read ACM or Route 53: a
/// stack that never used a domain should still plan and destroy, so a
/// permission error lists none of the kind, and says so on stderr (a
/// stack that does hold some would keep them through a destroy).
fn unlisted_if_denied<T>(kind: Kind, listed: CloudResult<Vec<T>>) -> CloudResult<Vec<T>> {
    match listed {
        Err(err)
            if crate::diagnostic::code::Hinted::of(&err.code)
                == Some(crate::diagnostic::code::Hinted::Permission) =>
        {
            eprintln!(
                "awsrun: cannot list {kind} resources ({} {}: {}); taking the stack to hold none",
                err.operation, err.code, err.message
            );
            Ok(Vec::new())
        }
        other => other,
    }
}

impl AwsCloud {
    /// The stack's live resources of one kind, described once per run.
    pub(super) fn stack_kind(&self, stack: &str, kind: Kind) -> CloudResult<Vec<Resource>> {
        if let Some(found) = self.cache().stack_kind(stack, kind) {
            return Ok(found);
        }
        if let Some(with) = kind.info().listed_with {
            // An address held by a NAT gateway names the gateway, whichever
            // of the two a run looks up first; listeners are read per load
            // balancer.
            self.stack_kind(stack, with)?;
            if let Some(found) = self.cache().stack_kind(stack, kind) {
                return Ok(found);
            }
        }
        match kind {
            Kind::Vpc => return self.stack_vpcs(stack),
            Kind::Subnet => {
                self.all_subnets()?;
            }
            Kind::Listener => {
                let lbs = self.stack_kind(stack, Kind::LoadBalancer)?;
                let listeners = self.describe_stack_listeners(stack, &lbs)?;
                self.cache().set_stack_kind(stack, kind, listeners);
            }
            Kind::Certificate => {
                let found = unlisted_if_denied(kind, self.stack_certificates(stack))?;
                self.cache().set_stack_kind(stack, kind, found);
            }
            Kind::DnsRecord => {
                let found = unlisted_if_denied(kind, self.stack_records(stack))?;
                self.cache().set_stack_kind(stack, kind, found);
            }
            Kind::HostedZone => return Ok(Vec::new()),
            Kind::LaunchTemplate => {
                let found = self.stack_templates(stack)?;
                self.cache().set_stack_kind(stack, kind, found);
            }
            Kind::AutoScalingGroup | Kind::ScalingPolicy => self.load_scaling(stack)?,
            kind if kind.is_elb() => self.load_elb(stack)?,
            kind => {
                let found = self.describe_stack_ec2(kind, stack)?;
                let mut cache = self.cache();
                cache.set_stack_kind(stack, kind, found);
                cache.link_addresses(stack);
            }
        }
        Ok(self.cache().stack_kind(stack, kind).unwrap_or_default())
    }

    pub(super) fn find_tagged(&self, kind: Kind, tags: &Tags) -> CloudResult<Option<Resource>> {
        let found = self
            .stack_kind(&tags.stack, kind)?
            .into_iter()
            .find(|r| r.name == tags.name);
        match found {
            // The ensure compares the group's settings with the script's.
            Some(tg) if kind == Kind::TargetGroup => {
                let tg = match tg.attr("targets") {
                    None => self.with_targets(tg)?,
                    Some(_) => tg,
                };
                Ok(Some(self.with_delay(tg)?))
            }
            found => Ok(found),
        }
    }

    /// Every live resource of the stack, parents first.
    pub(super) fn list_stack(&self, stack: &str) -> CloudResult<Vec<Resource>> {
        let mut all = Vec::new();
        for kind in Kind::stack_kinds() {
            for resource in self.stack_kind(stack, kind)? {
                if kind == Kind::TargetGroup && resource.attr("targets").is_none() {
                    all.push(self.with_targets(resource)?);
                } else {
                    all.push(resource);
                }
            }
        }
        Ok(all)
    }

    /// The resource as AWS describes it now; an id this run created may
    /// take AWS a while to know (`fresh.rs`).
    pub(super) fn refresh_one(&self, resource: &Resource) -> CloudResult<Resource> {
        self.patiently(&[&resource.id], || self.describe_one(resource))
    }

    fn describe_one(&self, resource: &Resource) -> CloudResult<Resource> {
        let fresh = match resource.kind.service() {
            _ if resource.kind == Kind::LaunchTemplate => self.describe_template(&resource.id)?,
            Service::Elb => self.describe_elb_by_id(resource)?,
            Service::Ec2 => self.describe_ec2_by_id(resource.kind, &resource.id)?,
            Service::Acm => self.describe_certificate(&resource.id, &resource.name)?,
            Service::Route53 => self.describe_route53_by_id(resource)?,
            Service::AutoScaling => self.describe_scaling_by_id(resource)?,
        };
        let Some(mut fresh) = fresh else {
            return Err(CloudError::new(
                "Describe",
                resource.kind.info().not_found_code,
                resource.kind.not_found_message(&resource.id),
            ));
        };
        if fresh.name.is_empty() {
            fresh.name = resource.name.clone();
        }
        let mut cache = self.cache();
        if gone(fresh.kind, fresh.state()) {
            cache.remove(&fresh.id);
        } else {
            cache.replace(&fresh);
        }
        Ok(fresh)
    }

    /// Deletes one resource; one that is already gone counts as deleted.
    pub(super) fn delete_one(&self, resource: &Resource) -> CloudResult<()> {
        let result = match resource.kind.service() {
            _ if resource.kind == Kind::LaunchTemplate => self.delete_template(&resource.id),
            Service::Elb => self.delete_elb(resource),
            Service::Ec2 => self.delete_ec2(resource),
            Service::Acm => self.delete_certificate(&resource.id),
            Service::Route53 if resource.kind == Kind::DnsRecord => self.delete_record(resource),
            Service::Route53 => Err(super::unsupported("Delete", resource.kind)),
            Service::AutoScaling => self.delete_scaling(resource),
        };
        match result {
            Err(err) if !is_not_found(resource.kind, &err) => Err(err),
            _ => {
                self.cache().remove(&resource.id);
                Ok(())
            }
        }
    }
}

impl AwsCloud {
    /// Every stack of the region: the `awsrun:stack` tags of EC2 (one
    /// `DescribeTags`), of ELB load balancers and target groups, of ACM
    /// certificates, and the stacks named by ownership records in the
    /// account's public zones.
    pub(super) fn all_stack_names(&self) -> CloudResult<Vec<String>> {
        let mut names = self.ec2_stack_names()?;
        names.extend(self.elb_stack_names()?);
        names.extend(unlisted_if_denied(
            Kind::Certificate,
            self.acm_stack_names(),
        )?);
        names.extend(unlisted_if_denied(
            Kind::DnsRecord,
            self.record_stack_names(),
        )?);
        names.sort();
        names.dedup();
        Ok(names)
    }
}
