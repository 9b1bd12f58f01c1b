//! The answers the AWS-timing layer (`aws_timing.rs`) rewrites: what
//! DescribeInstances, DescribeNatGateways and DescribeTargetHealth say
//! while AWS would still be busy, and what it learns from
//! DescribeLoadBalancers and instance answers (the subnets and groups of
//! each load balancer and instance, which stay in use for a while after it
//! is deleted or terminated).

use super::aws_timing::{Memory, Windows, within};
use super::timing_xml::{field, rewrite_items, set_first, text, texts};

impl Memory {
    pub(super) fn learn_load_balancers(&mut self, body: &str) {
        rewrite_items(body, "LoadBalancers", "member", |lb| {
            if let Some(arn) = text(lb, "LoadBalancerArn") {
                let mut uses = texts(lb, "SubnetId");
                if let Some(groups) = text(lb, "SecurityGroups") {
                    uses.extend(texts(&groups, "member"));
                }
                self.lb_uses.insert(arn, uses);
            }
            None
        });
    }

    /// DescribeNatGateways as AWS would answer it now; also learns the
    /// gateways' addresses.
    pub(super) fn nat_states(&mut self, body: &str, w: &Windows) -> String {
        rewrite_items(body, "natGatewaySet", "item", |nat| {
            let id = text(nat, "natGatewayId")?;
            if let Some(eip) = text(nat, "allocationId") {
                self.nat_eips.entry(id.clone()).or_insert(eip);
            }
            let state = if self
                .nats_deleted
                .get(&id)
                .is_some_and(|(t, _)| within(*t, w.nat_deleting))
            {
                "deleting"
            } else if self
                .nats
                .get(&id)
                .is_some_and(|t| within(*t, w.nat_pending))
            {
                "pending"
            } else {
                return None;
            };
            self.saw(if state == "pending" {
                "nat pending"
            } else {
                "deleting"
            });
            Some(set_first(nat, "state", state))
        })
    }

    /// Learns each instance's subnet and security groups from an answer.
    pub(super) fn learn_instances(&mut self, body: &str) {
        rewrite_items(body, "instancesSet", "item", |instance| {
            let id = text(instance, "instanceId")?;
            let mut uses: Vec<String> = text(instance, "subnetId").into_iter().collect();
            uses.extend(texts(instance, "groupId"));
            self.instance_uses.insert(id, uses);
            None
        });
    }

    pub(super) fn instance_states(&mut self, body: &str, w: &Windows) -> String {
        self.learn_instances(body);
        rewrite_items(body, "instancesSet", "item", |instance| {
            let id = text(instance, "instanceId")?;
            let state = text(instance, "instanceState")?;
            if self
                .terminated
                .get(&id)
                .is_some_and(|t| within(*t, w.shutting_down))
                && state.contains("<name>terminated</name>")
            {
                self.saw("shutting-down");
                return Some(set_first(
                    instance,
                    "instanceState",
                    "<code>32</code><name>shutting-down</name>",
                ));
            }
            let launched = self.launched.get(&id)?;
            if !within(*launched, w.pending) || !state.contains("<name>running</name>") {
                return None;
            }
            self.saw("pending");
            Some(set_first(
                instance,
                "instanceState",
                "<code>0</code><name>pending</name>",
            ))
        })
    }

    pub(super) fn target_states(
        &mut self,
        form: &[(String, String)],
        body: &str,
        w: &Windows,
    ) -> String {
        let tg = field(form, "TargetGroupArn").unwrap_or("").to_string();
        let unused = self.groups_made.contains(&tg) && !self.groups_listened.contains(&tg);
        rewrite_items(body, "TargetHealthDescriptions", "member", |member| {
            let id = text(&text(member, "Target")?, "Id")?;
            let health = text(member, "TargetHealth")?;
            if !health.contains("<State>healthy</State>") {
                return None;
            }
            let (state, reason, description) = if unused {
                (
                    "unused",
                    "Target.NotInUse",
                    "Target group is not configured to receive traffic from the load balancer",
                )
            } else if self
                .registered
                .get(&(tg.clone(), id))
                .is_some_and(|t| within(*t, w.initial))
            {
                (
                    "initial",
                    "Elb.InitialHealthChecking",
                    "Initial health checks in progress",
                )
            } else {
                return None;
            };
            self.saw(if unused { "NotInUse" } else { "initial" });
            let health = format!(
                "<State>{state}</State><Reason>{reason}</Reason><Description>{description}</Description>"
            );
            Some(set_first(member, "TargetHealth", &health))
        })
    }
}
