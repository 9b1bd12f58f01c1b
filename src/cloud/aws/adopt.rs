//! `--adopt` on AWS: the region's untagged resources of a kind (described
//! once per run, the `awsrun:stack`-tagged ones filtered out on the
//! client), and tagging one into a stack: EC2 `CreateTags`, ELBv2
//! `AddTags`. Nothing but tags is ever written to an adopted resource.
//!
//! A listener has no tags of its own for awsrun (it belongs to its load
//! balancer's stack): the untagged ones are those of untagged load
//! balancers and of load balancers adopted in this run. Adopting one still
//! tags it (`AddTags` takes listener ARNs), so it reads as the stack's in
//! the ELB console too.

use aws_sdk_ec2::types::Tag;

use super::AwsCloud;
use super::call::Service;
use super::elb_read;
use crate::cloud::adopt::adoptable;
use crate::cloud::{CloudError, CloudResult, Kind, Resource, STACK_TAG, Tags};
use crate::diagnostic::code;

impl AwsCloud {
    /// The untagged resources of `kind` awsrun may adopt.
    pub(super) fn untagged_of(&self, kind: Kind) -> CloudResult<Vec<Resource>> {
        if kind == Kind::Listener {
            return self.untagged_listeners();
        }
        if let Some(found) = self.cache().untagged.get(&kind) {
            return Ok(found.clone());
        }
        let default_vpc = self
            .vpcs()?
            .into_iter()
            .find(|v| v.attr("is_default") == Some(&true.into()))
            .map(|v| v.id);
        let found: Vec<Resource> = match kind {
            Kind::Vpc => {
                let vpcs = self.vpcs()?;
                let cache = self.cache();
                vpcs.into_iter()
                    .filter(|v| !cache.vpc_stacks.contains_key(&v.id))
                    .collect()
            }
            Kind::Subnet => self
                .all_subnets()?
                .into_iter()
                .filter(|t| t.stack.is_none())
                .map(|t| t.resource)
                .collect(),
            Kind::InternetGateway
            | Kind::ElasticIp
            | Kind::NatGateway
            | Kind::RouteTable
            | Kind::SecurityGroup
            | Kind::Instance => self
                .describe_ec2(kind, Vec::new(), Vec::new())?
                .into_iter()
                .filter(|t| t.stack.is_none() && !kind.is_gone(t.resource.state()))
                .map(|t| t.resource)
                .collect(),
            Kind::LoadBalancer | Kind::TargetGroup => {
                let (lbs, tgs, tags) = self.all_elb()?;
                let free = |arn: Option<&str>| !tags.contains_key(arn.unwrap_or(""));
                if kind == Kind::LoadBalancer {
                    lbs.iter()
                        .filter(|lb| free(lb.load_balancer_arn()))
                        .map(|lb| elb_read::load_balancer(lb, ""))
                        .collect()
                } else {
                    tgs.iter()
                        .filter(|tg| free(tg.target_group_arn()))
                        .map(|tg| elb_read::target_group(tg, ""))
                        .collect()
                }
            }
            _ => Vec::new(),
        };
        let found: Vec<Resource> = found
            .into_iter()
            .filter(|r| adoptable(r, default_vpc.as_deref()))
            .collect();
        self.cache().untagged.insert(kind, found.clone());
        Ok(found)
    }

    /// The listeners of untagged load balancers and of those adopted in
    /// this run, but the ones already adopted.
    fn untagged_listeners(&self) -> CloudResult<Vec<Resource>> {
        let mut lbs: Vec<String> = self
            .untagged_of(Kind::LoadBalancer)?
            .into_iter()
            .map(|lb| lb.id)
            .collect();
        let adopted = self.cache().adopted.clone();
        lbs.extend(
            adopted
                .iter()
                .filter(|id| id.contains(":loadbalancer/"))
                .cloned(),
        );
        lbs.sort();
        let mut found = Vec::new();
        for lb in lbs {
            for l in self.listeners_of(&lb)? {
                let listener = elb_read::listener(&l, "");
                if !adopted.contains(&listener.id) {
                    found.push(listener);
                }
            }
        }
        Ok(found)
    }

    /// Tags one of [`AwsCloud::untagged_of`]'s resources into a stack.
    pub(super) fn adopt_one(&self, resource: &Resource, tags: &Tags) -> CloudResult<Resource> {
        let kind = resource.kind;
        let operation = if kind.is_elb() {
            "AddTags"
        } else {
            "CreateTags"
        };
        let listed = self.untagged_of(kind)?;
        let Some(found) = listed.into_iter().find(|r| r.id == resource.id) else {
            return Err(CloudError::new(
                operation,
                code::Backend::NotAdoptable,
                format!(
                    "{kind} {} is not an untagged resource awsrun may adopt",
                    resource.id
                ),
            ));
        };
        // The stack's own lists first, so that the adopted resource joins
        // them once (a describe after the tagging might or might not see it).
        match kind {
            Kind::Vpc => drop(self.vpcs()?),
            Kind::Subnet => drop(self.all_subnets()?),
            Kind::LoadBalancer => {
                self.stack_kind(&tags.stack, Kind::LoadBalancer)?;
                self.stack_kind(&tags.stack, Kind::Listener)?;
            }
            kind => drop(self.stack_kind(&tags.stack, kind)?),
        }
        if kind.is_elb() {
            let request = self
                .elb
                .add_tags()
                .resource_arns(&found.id)
                .set_tags(Some(super::elb_write::tags_of(tags)));
            self.send(Service::Elb, "AddTags", request.send())?;
        } else {
            let request = self
                .ec2
                .create_tags()
                .resources(&found.id)
                .tags(Tag::builder().key("Name").value(&tags.name).build())
                .tags(Tag::builder().key(STACK_TAG).value(&tags.stack).build());
            self.send(Service::Ec2, "CreateTags", request.send())?;
        }
        let mut adopted = found;
        adopted.name = tags.name.clone();
        if kind == Kind::TargetGroup {
            adopted = self.with_delay(self.with_targets(adopted)?)?;
        }
        self.cache().adopted(&tags.stack, adopted.clone());
        Ok(adopted)
    }
}
