//! EC2 Auto Scaling in the AWS-timing layer (`aws_timing.rs`): what a
//! group's instances, their targets, a detach and a forced delete look like
//! while AWS would still be busy. The sources are in that module's doc.
//!
//! The layer learns a group's instances from the DescribeAutoScalingGroups
//! and DescribeInstances answers passing through (instances a group
//! launched carry the `aws:autoscaling:groupName` tag), and asks moto
//! itself (signed for the tests' region) for a group's target groups and
//! for its last state before a forced delete.

use super::aws_timing::{Memory, Windows, within};
use super::proxy;
use super::timing_xml::{field, fields, rewrite_items, set_first, text, texts};
use std::collections::HashMap;
use std::time::Instant;

/// The region the layer's own requests to moto are signed for.
const REGION: &str = "ap-northeast-2";
const ASG_TAG: &str = "<key>aws:autoscaling:groupName</key>";

#[derive(Default)]
pub(super) struct Scaling {
    /// Group instance -> when the layer first saw it.
    first_seen: HashMap<String, Instant>,
    /// (target group, instance) deregistered by a DetachInstances -> when.
    detached: HashMap<(String, String), Instant>,
    /// Group instance -> its last `<member>` in the group's `Instances`.
    members: HashMap<String, String>,
    /// Detached instance -> (its group, when).
    detaching: HashMap<String, (String, Instant)>,
    /// Group -> its last `<member>` moto answered, asked before a delete.
    before_delete: HashMap<String, String>,
    /// Group force-deleted -> (when, its last `<member>`).
    deleting: HashMap<String, (Instant, String)>,
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A query-protocol request to moto itself, as a GET: its answer if 200.
fn ask(upstream: u16, service: &str, query: &[(&str, &str)]) -> Option<String> {
    let query: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    let path = format!("/?{}", query.join("&"));
    let (status, body) = proxy::get_in(upstream, service, REGION, &path).ok()?;
    (status == 200).then_some(body)
}

/// The group `name` as moto describes it now: its `<member>`.
fn group_member(upstream: u16, name: &str) -> Option<String> {
    let body = ask(
        upstream,
        "autoscaling",
        &[
            ("Action", "DescribeAutoScalingGroups"),
            ("Version", "2011-01-01"),
            ("AutoScalingGroupNames.member.1", name),
        ],
    )?;
    let mut found = None;
    rewrite_items(&body, "AutoScalingGroups", "member", |group| {
        if found.is_none() {
            found = Some(group.to_string());
        }
        None
    });
    found
}

/// The target groups of a group's `<member>`.
fn target_groups(group: &str) -> Vec<String> {
    text(group, "TargetGroupARNs")
        .map(|arns| texts(&arns, "member"))
        .unwrap_or_default()
}

/// The instance ids of a group's `<member>`.
fn instance_ids(group: &str) -> Vec<String> {
    text(group, "Instances")
        .map(|set| texts(&set, "InstanceId"))
        .unwrap_or_default()
}

/// Before a request goes to moto (without the memory held): a forced
/// delete's group is described first, so the layer can still show it.
pub(super) fn before(upstream: u16, action: &str, form: &[(String, String)]) -> Option<String> {
    if action != "DeleteAutoScalingGroup" || field(form, "ForceDelete") != Some("true") {
        return None;
    }
    group_member(upstream, field(form, "AutoScalingGroupName")?)
}

/// After moto detached instances (without the memory held): AWS
/// deregisters them from the group's target groups, moto does not, so the
/// layer does, on moto. The (target group, instance) pairs deregistered.
pub(super) fn detached(upstream: u16, form: &[(String, String)]) -> Vec<(String, String)> {
    let Some(name) = field(form, "AutoScalingGroupName") else {
        return Vec::new();
    };
    let Some(group) = group_member(upstream, name) else {
        return Vec::new();
    };
    let ids = fields(form, "InstanceIds.member.", "");
    let mut done = Vec::new();
    for tg in target_groups(&group) {
        let mut query = vec![
            ("Action", "DeregisterTargets"),
            ("Version", "2015-12-01"),
            ("TargetGroupArn", tg.as_str()),
        ];
        let keys: Vec<String> = (1..=ids.len())
            .map(|n| format!("Targets.member.{n}.Id"))
            .collect();
        for (key, id) in keys.iter().zip(&ids) {
            query.push((key.as_str(), id));
        }
        if ask(upstream, "elasticloadbalancing", &query).is_some() {
            done.extend(ids.iter().map(|id| (tg.clone(), id.to_string())));
        }
    }
    done
}

impl Memory {
    fn group_instance(&mut self, id: &str, now: Instant) {
        self.scaling.first_seen.entry(id.to_string()).or_insert(now);
        self.launched.entry(id.to_string()).or_insert(now);
    }

    /// Learns the instances groups launched from a DescribeInstances answer.
    pub(super) fn learn_group_instances(&mut self, body: &str) {
        let now = Instant::now();
        rewrite_items(body, "instancesSet", "item", |instance| {
            if instance.contains(ASG_TAG) {
                let id = text(instance, "instanceId")?;
                self.group_instance(&id, now);
            }
            None
        });
    }

    pub(super) fn stash_before_delete(&mut self, form: &[(String, String)], group: String) {
        if let Some(name) = field(form, "AutoScalingGroupName") {
            self.scaling.before_delete.insert(name.to_string(), group);
        }
    }

    pub(super) fn learn_detached(
        &mut self,
        form: &[(String, String)],
        pairs: Vec<(String, String)>,
    ) {
        let now = Instant::now();
        let group = field(form, "AutoScalingGroupName")
            .unwrap_or("")
            .to_string();
        for id in fields(form, "InstanceIds.member.", "") {
            self.scaling
                .detaching
                .insert(id.to_string(), (group.clone(), now));
        }
        for pair in pairs {
            self.saw("detach deregistered");
            self.scaling.detached.insert(pair, now);
        }
    }

    /// A forced delete answered: the group is deleting, its instances
    /// shutting down.
    pub(super) fn learn_group_deleted(&mut self, form: &[(String, String)]) {
        let Some(name) = field(form, "AutoScalingGroupName") else {
            return;
        };
        let Some(group) = self.scaling.before_delete.remove(name) else {
            return;
        };
        let now = Instant::now();
        for id in instance_ids(&group) {
            self.terminated.entry(id).or_insert(now);
        }
        self.scaling.deleting.insert(name.to_string(), (now, group));
    }

    /// DescribeAutoScalingGroups as AWS would answer it now.
    pub(super) fn group_states(
        &mut self,
        form: &[(String, String)],
        body: &str,
        w: &Windows,
    ) -> String {
        let now = Instant::now();
        let mut listed = Vec::new();
        let body = rewrite_items(body, "AutoScalingGroups", "member", |group| {
            listed.extend(text(group, "AutoScalingGroupName"));
            let ids = instance_ids(group);
            for id in &ids {
                self.group_instance(id, now);
            }
            let mut pending = false;
            let group = rewrite_items(group, "Instances", "member", |instance| {
                let id = text(instance, "InstanceId")?;
                self.scaling
                    .members
                    .insert(id.clone(), instance.to_string());
                let seen = self.scaling.first_seen.get(&id)?;
                if !within(*seen, w.pending) || text(instance, "LifecycleState")? != "InService" {
                    return None;
                }
                pending = true;
                Some(set_first(instance, "LifecycleState", "Pending"))
            });
            if pending {
                self.saw("group pending");
            }
            Some(self.with_detaching(group, &ids, w))
        });
        let names = fields(form, "AutoScalingGroupNames.member.", "");
        let mut shown = String::new();
        for (name, (since, group)) in &self.scaling.deleting {
            let asked = names.is_empty() || names.contains(&name.as_str());
            if !asked || listed.contains(name) || !within(*since, w.group_deleting) {
                continue;
            }
            let status = "<Status>Delete in progress</Status></member>";
            let end = group.rfind("</member>").unwrap_or(group.len());
            shown.push_str(&group[..end]);
            shown.push_str(status);
        }
        if shown.is_empty() {
            return body;
        }
        self.saw("delete in progress");
        if body.contains("<AutoScalingGroups>") {
            body.replacen(
                "<AutoScalingGroups>",
                &format!("<AutoScalingGroups>{shown}"),
                1,
            )
        } else {
            body.replacen(
                "<AutoScalingGroups/>",
                &format!("<AutoScalingGroups>{shown}</AutoScalingGroups>"),
                1,
            )
        }
    }

    /// A group's `<member>` listing its instances still detaching (their
    /// targets draining) as `Detaching`, as AWS does; moto drops them.
    fn with_detaching(&mut self, group: String, ids: &[String], w: &Windows) -> String {
        let name = text(&group, "AutoScalingGroupName").unwrap_or_default();
        let mut shown = String::new();
        for (id, (of, since)) in &self.scaling.detaching {
            if *of != name || ids.contains(id) || !within(*since, w.draining) {
                continue;
            }
            if let Some(member) = self.scaling.members.get(id) {
                shown.push_str(&set_first(member, "LifecycleState", "Detaching"));
            }
        }
        if shown.is_empty() {
            return group;
        }
        self.saw("detaching");
        if group.contains("<Instances>") {
            group.replacen("<Instances>", &format!("<Instances>{shown}"), 1)
        } else {
            group.replacen(
                "<Instances/>",
                &format!("<Instances>{shown}</Instances>"),
                1,
            )
        }
    }

    /// DescribeTargetHealth for group instances: not registered while
    /// pending, then `initial`; a detached one `draining` for a while.
    pub(super) fn group_targets(
        &mut self,
        form: &[(String, String)],
        body: &str,
        w: &Windows,
    ) -> String {
        let tg = field(form, "TargetGroupArn").unwrap_or("").to_string();
        let named = !fields(form, "Targets.member.", ".Id").is_empty();
        let mut listed = Vec::new();
        let body = rewrite_items(body, "TargetHealthDescriptions", "member", |member| {
            let id = text(&text(member, "Target")?, "Id")?;
            listed.push(id.clone());
            if self
                .scaling
                .detached
                .get(&(tg.clone(), id.clone()))
                .is_some_and(|t| within(*t, w.draining))
            {
                self.saw("draining");
                return Some(set_first(member, "TargetHealth", DRAINING));
            }
            let seen = *self.scaling.first_seen.get(&id)?;
            if within(seen, w.pending) {
                self.saw("not registered yet");
                if !named {
                    return Some(String::new());
                }
                return Some(set_first(member, "TargetHealth", NOT_REGISTERED));
            }
            let health = text(member, "TargetHealth")?;
            if !health.contains("<State>healthy</State>") || !within(seen, w.pending + w.initial) {
                return None;
            }
            self.saw("initial");
            Some(set_first(member, "TargetHealth", INITIAL))
        });
        if named {
            return body;
        }
        let mut shown = String::new();
        for ((group, id), since) in &self.scaling.detached {
            if *group != tg || listed.contains(id) || !within(*since, w.draining) {
                continue;
            }
            shown.push_str(&format!(
                "<member><Target><Id>{id}</Id><Port>80</Port></Target>\
                 <TargetHealth>{DRAINING}</TargetHealth></member>"
            ));
        }
        if shown.is_empty() {
            return body;
        }
        self.saw("draining");
        if body.contains("<TargetHealthDescriptions>") {
            body.replacen(
                "<TargetHealthDescriptions>",
                &format!("<TargetHealthDescriptions>{shown}"),
                1,
            )
        } else {
            body.replacen(
                "<TargetHealthDescriptions/>",
                &format!("<TargetHealthDescriptions>{shown}</TargetHealthDescriptions>"),
                1,
            )
        }
    }
}

const DRAINING: &str = "<State>draining</State><Reason>Target.DeregistrationInProgress</Reason>\
                        <Description>Target deregistration is in progress</Description>";
const NOT_REGISTERED: &str = "<State>unused</State><Reason>Target.NotRegistered</Reason>\
                              <Description>Target is not registered to the target group</Description>";
const INITIAL: &str = "<State>initial</State><Reason>Elb.InitialHealthChecking</Reason>\
                       <Description>Initial health checks in progress</Description>";
