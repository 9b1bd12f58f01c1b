//! ELBv2 reads. ELB describes cannot filter by tag, so the stack's load
//! balancers and target groups are found by describing all of them once and
//! reading their tags with `DescribeTags` (20 ARNs a request); listeners by
//! describing the stack's load balancers' listeners and reading their tags.
//! A target group's `targets` need `DescribeTargetHealth`, one request per
//! group, made only for the groups a lookup actually returns.

use std::collections::HashMap;

use aws_sdk_elasticloadbalancingv2::types::{Listener, LoadBalancer, TargetGroup};
use serde_json::Value;

use super::AwsCloud;
use super::call::Service;
use super::ec2_convert::some;
use crate::cloud::{CloudResult, Kind, Resource, STACK_TAG, TargetHealth};

/// DescribeTags takes at most 20 ARNs.
const TAG_BATCH: usize = 20;

fn text(value: Option<&str>) -> &str {
    some(value).unwrap_or("")
}

pub(super) fn load_balancer(lb: &LoadBalancer, name: &str) -> Resource {
    let arn = text(lb.load_balancer_arn());
    let subnets: Vec<&str> = lb
        .availability_zones()
        .iter()
        .filter_map(|z| some(z.subnet_id()))
        .collect();
    Resource::new(Kind::LoadBalancer, name, arn)
        .with("arn", arn)
        .with("dns_name", text(lb.dns_name()))
        .with("zone_id", text(lb.canonical_hosted_zone_id()))
        .with(
            "ip_address_type",
            lb.ip_address_type().map(|t| t.as_str()).unwrap_or("ipv4"),
        )
        .with("scheme", lb.scheme().map(|s| s.as_str()).unwrap_or(""))
        .with(
            "state",
            lb.state()
                .and_then(|s| s.code())
                .map(|c| c.as_str())
                .unwrap_or(""),
        )
        .with("vpc", text(lb.vpc_id()))
        .with("subnets", subnets)
        .with("security_groups", lb.security_groups().to_vec())
}

/// A target group with its health check, without `targets` (filled by
/// [`AwsCloud::with_targets`]) and `deregistration_delay` (filled by
/// [`AwsCloud::with_delay`] where a run compares it).
pub(super) fn target_group(tg: &TargetGroup, name: &str) -> Resource {
    let arn = text(tg.target_group_arn());
    Resource::new(Kind::TargetGroup, name, arn)
        .with("arn", arn)
        .with("vpc", text(tg.vpc_id()))
        .with("port", tg.port().unwrap_or(0))
        .with("protocol", tg.protocol().map(|p| p.as_str()).unwrap_or(""))
        .with("health_check", super::target_group::health_check(tg).attr())
}

pub(super) fn listener(l: &Listener, name: &str) -> Resource {
    let arn = text(l.listener_arn());
    let forward = l.default_actions().iter().find_map(|action| {
        some(action.target_group_arn()).or_else(|| {
            let groups = action.forward_config()?.target_groups();
            groups.iter().find_map(|g| some(g.target_group_arn()))
        })
    });
    let redirect = l.default_actions().iter().find_map(|action| {
        let config = action.redirect_config()?;
        let protocol = match text(config.protocol()) {
            "" | "#{protocol}" => text(l.protocol().map(|p| p.as_str())).to_string(),
            protocol => protocol.to_string(),
        };
        let port = match text(config.port()) {
            "" | "#{port}" => l.port().unwrap_or(0).to_string(),
            port => port.to_string(),
        };
        let status = config.status_code().map(|c| c.as_str()).unwrap_or("");
        Some(format!("{protocol}:{port}:{status}"))
    });
    let protocol = l.protocol().map(|p| p.as_str()).unwrap_or("");
    let https = protocol == "HTTPS";
    // Only HTTPS (and TLS) listeners have a certificate and a policy.
    let certificate = l
        .certificates()
        .iter()
        .find_map(|c| some(c.certificate_arn()))
        .filter(|_| https);
    let policy = some(l.ssl_policy()).filter(|_| https);
    Resource::new(Kind::Listener, name, arn)
        .with("arn", arn)
        .with("load_balancer", text(l.load_balancer_arn()))
        .with("port", l.port().unwrap_or(0))
        .with("protocol", protocol)
        .with(
            "forward",
            if redirect.is_some() {
                ""
            } else {
                forward.unwrap_or("")
            },
        )
        .with("redirect", redirect.unwrap_or_default())
        .with("certificate", certificate.unwrap_or(""))
        .with("ssl_policy", policy.unwrap_or(""))
}

/// Whether a target still counts as registered (a deregistered one drains
/// for a while before it disappears).
fn registered(target: &TargetHealth) -> bool {
    target.state != "draining"
}

impl AwsCloud {
    /// `Name` and `awsrun:stack` of each ARN that has them.
    fn elb_tags(&self, arns: &[String]) -> CloudResult<HashMap<String, (String, String)>> {
        let mut tagged = HashMap::new();
        for batch in arns.chunks(TAG_BATCH) {
            let request = self
                .elb
                .describe_tags()
                .set_resource_arns(Some(batch.to_vec()));
            let out = self.send(Service::Elb, "DescribeTags", request.send())?;
            for description in out.tag_descriptions() {
                let tags = description.tags();
                let get = |key: &str| {
                    tags.iter()
                        .find(|t| t.key() == Some(key))
                        .and_then(|t| t.value())
                };
                if let (Some(arn), Some(stack)) = (some(description.resource_arn()), get(STACK_TAG))
                {
                    let name = get("Name").unwrap_or("").to_string();
                    tagged.insert(arn.to_string(), (name, stack.to_string()));
                }
            }
        }
        Ok(tagged)
    }

    /// Describes every load balancer and target group once and caches the
    /// stack's (both kinds share the tag requests).
    pub(super) fn load_elb(&self, stack: &str) -> CloudResult<()> {
        let (lbs, tgs, tags) = self.all_elb()?;
        let name_in_stack = |arn: Option<&str>| match tags.get(text(arn)) {
            Some((name, owner)) if owner == stack => Some(name.as_str()),
            _ => None,
        };
        let lbs: Vec<Resource> = lbs
            .iter()
            .filter_map(|lb| Some(load_balancer(lb, name_in_stack(lb.load_balancer_arn())?)))
            .collect();
        let tgs: Vec<Resource> = tgs
            .iter()
            .filter_map(|tg| Some(target_group(tg, name_in_stack(tg.target_group_arn())?)))
            .collect();
        let mut cache = self.cache();
        cache.set_stack_kind(stack, Kind::LoadBalancer, lbs);
        cache.set_stack_kind(stack, Kind::TargetGroup, tgs);
        Ok(())
    }

    /// The listeners of these (stack) load balancers.
    ///
    /// A listener is identified by its load balancer and port (AWS allows one
    /// per port), so it is known as `<lb name>-<port>`, the name `listener()`
    /// gives it, without a tag request of its own.
    pub(super) fn describe_stack_listeners(
        &self,
        _stack: &str,
        lbs: &[Resource],
    ) -> CloudResult<Vec<Resource>> {
        let mut listeners = Vec::new();
        for lb in lbs {
            for l in self.listeners_of(&lb.id)? {
                let name = format!("{}-{}", lb.name, l.port().unwrap_or_default());
                listeners.push(listener(&l, &name));
            }
        }
        Ok(listeners)
    }

    /// The listeners of a load balancer; one this run just created may be
    /// unknown to ELBv2 for a while (`fresh.rs`), and is asked again.
    pub(super) fn listeners_of(&self, lb: &str) -> CloudResult<Vec<Listener>> {
        self.patiently(&[lb], || {
            self.pages(
                Service::Elb,
                "DescribeListeners",
                |marker| {
                    self.elb
                        .describe_listeners()
                        .load_balancer_arn(lb)
                        .set_marker(marker)
                        .send()
                },
                |out| (out.listeners.unwrap_or_default(), out.next_marker),
            )
        })
    }

    /// One ELB resource by ARN, keeping the name the caller knows it by.
    pub(super) fn describe_elb_by_id(&self, resource: &Resource) -> CloudResult<Option<Resource>> {
        let (arn, name) = (resource.id.as_str(), resource.name.as_str());
        let found = match resource.kind {
            Kind::LoadBalancer => {
                let request = self.elb.describe_load_balancers().load_balancer_arns(arn);
                let out = self.send(Service::Elb, "DescribeLoadBalancers", request.send())?;
                out.load_balancers()
                    .first()
                    .map(|lb| load_balancer(lb, name))
            }
            Kind::TargetGroup => {
                let request = self.elb.describe_target_groups().target_group_arns(arn);
                let out = self.send(Service::Elb, "DescribeTargetGroups", request.send())?;
                match out.target_groups().first() {
                    Some(tg) => {
                        // A refresh asks for the delay only when the run
                        // does not know it yet.
                        let mut fresh = target_group(tg, name);
                        if let Some(delay) = resource.attr("deregistration_delay") {
                            fresh.set("deregistration_delay", delay.clone());
                        }
                        Some(self.with_delay(self.with_targets(fresh)?)?)
                    }
                    None => None,
                }
            }
            Kind::Listener => {
                let request = self.elb.describe_listeners().listener_arns(arn);
                let out = self.send(Service::Elb, "DescribeListeners", request.send())?;
                out.listeners().first().map(|l| listener(l, name))
            }
            kind => return Err(super::unsupported("Describe", kind)),
        };
        Ok(found)
    }

    /// The target group with its `targets` (registered instance ids). The
    /// health read on the way is kept for the next `target_health` call.
    pub(super) fn with_targets(&self, mut tg: Resource) -> CloudResult<Resource> {
        let health = self.describe_target_health(&tg.id)?;
        let ids: Vec<String> = health
            .iter()
            .filter(|t| registered(t))
            .map(|t| t.id.clone())
            .collect();
        tg.set("targets", ids);
        self.cache().health.insert(tg.id.clone(), health);
        Ok(tg)
    }

    /// The targets' health. The first call after a lookup read it (a plan's
    /// mirror, a `find`) is answered from that read, once: a wait that
    /// follows a lookup does not ask twice; later polls always ask AWS.
    pub(super) fn target_health_now(&self, target_group: &str) -> CloudResult<Vec<TargetHealth>> {
        if let Some(health) = self.cache().health.remove(target_group) {
            return Ok(health);
        }
        self.describe_target_health(target_group)
    }

    pub(super) fn describe_target_health(
        &self,
        target_group: &str,
    ) -> CloudResult<Vec<TargetHealth>> {
        let request = self
            .elb
            .describe_target_health()
            .target_group_arn(target_group);
        let out = self.patiently(&[target_group], || {
            self.send(Service::Elb, "DescribeTargetHealth", request.clone().send())
        })?;
        let health: Vec<TargetHealth> = out
            .target_health_descriptions()
            .iter()
            .filter_map(|d| {
                let target = d.target()?;
                let health = d.target_health();
                Some(TargetHealth {
                    id: target.id()?.to_string(),
                    port: target
                        .port()
                        .and_then(|p| u16::try_from(p).ok())
                        .unwrap_or(0),
                    state: text(health.and_then(|h| h.state()).map(|s| s.as_str())).into(),
                    reason: text(health.and_then(|h| h.reason()).map(|r| r.as_str())).into(),
                    description: text(health.and_then(|h| h.description())).into(),
                })
            })
            .collect();
        let ids: Vec<Value> = health
            .iter()
            .filter(|t| registered(t))
            .map(|t| Value::from(t.id.as_str()))
            .collect();
        self.cache()
            .update(target_group, |tg| tg.set("targets", ids.clone()));
        Ok(health)
    }
}

/// Load balancers, target groups, and the `(Name, awsrun:stack)` tags of each by ARN.
pub(super) type ElbListing = (
    Vec<LoadBalancer>,
    Vec<TargetGroup>,
    HashMap<String, (String, String)>,
);

impl AwsCloud {
    /// Every load balancer and target group of the region, with their tags.
    pub(super) fn all_elb(&self) -> CloudResult<ElbListing> {
        let elb = &self.elb;
        let lbs = self.pages(
            Service::Elb,
            "DescribeLoadBalancers",
            |marker| elb.describe_load_balancers().set_marker(marker).send(),
            |out| (out.load_balancers.unwrap_or_default(), out.next_marker),
        )?;
        let tgs = self.pages(
            Service::Elb,
            "DescribeTargetGroups",
            |marker| elb.describe_target_groups().set_marker(marker).send(),
            |out| (out.target_groups.unwrap_or_default(), out.next_marker),
        )?;
        let lb_arns = lbs.iter().filter_map(|lb| some(lb.load_balancer_arn()));
        let tg_arns = tgs.iter().filter_map(|tg| some(tg.target_group_arn()));
        let arns: Vec<String> = lb_arns.chain(tg_arns).map(str::to_string).collect();
        let tags = self.elb_tags(&arns)?;
        Ok((lbs, tgs, tags))
    }

    /// The stacks the region's load balancers and target groups are tagged with.
    pub(super) fn elb_stack_names(&self) -> CloudResult<Vec<String>> {
        let (_, _, tags) = self.all_elb()?;
        Ok(tags
            .into_values()
            .map(|(_, stack)| stack)
            .filter(|stack| !stack.is_empty())
            .collect())
    }
}
