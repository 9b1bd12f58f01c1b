//! Security groups: `CreateSecurityGroup` and `AuthorizeSecurityGroupIngress`.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::errors::{invalid_value, not_found};
use super::quotas;
use super::rules::{group_text_problem, ip_protocol};
use super::state::{State, array_attr};
use crate::cloud::{
    CloudError, CloudResult, IngressRule, Kind, Resource, SecurityGroupSpec, Source, Tags,
};
use crate::diagnostic::code;

/// What the rules need to know about a security group.
#[derive(Debug, Clone, Default)]
pub(super) struct GroupSlot {
    pub(super) vpc: String,
    pub(super) name: String,
    /// Instances (not yet terminated) and load balancers using the group.
    pub(super) users: u32,
    /// Its ingress rules, normalized, for the duplicate check and for
    /// finding the groups that name another one as their source.
    pub(super) rules: HashSet<IngressRule>,
}

impl State {
    /// Indexes a security group (created, default or seeded).
    pub(super) fn register_group(&mut self, id: &str, vpc: &str, name: &str) {
        if let Some(slot) = self.vpcs.get_mut(vpc) {
            // Names are case-insensitive within a VPC.
            slot.group_names
                .entry(name.to_ascii_lowercase())
                .or_insert_with(|| id.to_string());
        }
        let slot = GroupSlot {
            vpc: vpc.to_string(),
            name: name.to_string(),
            ..GroupSlot::default()
        };
        self.groups.insert(id.to_string(), slot);
    }

    pub(super) fn create_security_group(
        &mut self,
        spec: &SecurityGroupSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        self.check_group(spec)?;
        let id = self.new_id(Kind::SecurityGroup);
        self.register_group(&id, &spec.vpc, &spec.group_name);
        let resource = Resource::new(Kind::SecurityGroup, &tags.name, &id)
            .with("vpc", spec.vpc.as_str())
            .with("description", spec.description.as_str())
            .with("group_name", spec.group_name.as_str())
            .with("ingress", Vec::<Value>::new())
            .with("egress", crate::cloud::default_egress());
        Ok(self.create(resource, tags))
    }

    fn check_group(&self, spec: &SecurityGroupSpec) -> CloudResult<()> {
        const OP: &str = "CreateSecurityGroup";
        let vpc = match self.vpcs.get(&spec.vpc) {
            Some(slot) if self.live(Kind::Vpc, &spec.vpc).is_some() => slot,
            _ => return Err(not_found(OP, Kind::Vpc, &spec.vpc)),
        };
        check_group_request(spec)?;
        if spec.group_name.eq_ignore_ascii_case("default") {
            return Err(CloudError::new(
                OP,
                code::Aws::InvalidGroupReserved,
                "The security group name 'default' is reserved.",
            )
            .with_hint("every VPC has its own `default` group; choose another name"));
        }
        if let Some(held) = vpc.group_names.get(&spec.group_name.to_ascii_lowercase()) {
            return Err(CloudError::new(
                OP,
                code::Aws::InvalidGroupDuplicate,
                format!(
                    "The security group '{}' already exists for VPC '{}'",
                    spec.group_name, spec.vpc
                ),
            )
            .with_hint(format!(
                "{held} already has that name in {}; group names are unique per VPC",
                spec.vpc
            )));
        }
        Ok(())
    }

    pub(super) fn authorize_ingress(
        &mut self,
        group: &str,
        rules: &[IngressRule],
    ) -> CloudResult<()> {
        const OP: &str = "AuthorizeSecurityGroupIngress";
        let slot = match self.groups.get(group) {
            Some(slot) if self.live(Kind::SecurityGroup, group).is_some() => slot,
            _ => return Err(not_found(OP, Kind::SecurityGroup, group)),
        };
        let mut adding: Vec<IngressRule> = Vec::with_capacity(rules.len());
        for rule in rules {
            let rule = self.normalize_rule(OP, &slot.vpc, rule)?;
            if slot.rules.contains(&rule) || adding.contains(&rule) {
                let peer = match &rule.from {
                    Source::Cidr(cidr) => cidr.as_str(),
                    Source::SecurityGroup(id) => id.as_str(),
                };
                return Err(CloudError::new(
                    OP,
                    code::Aws::InvalidPermissionDuplicate,
                    format!(
                        "the specified rule \"peer: {peer}, {}, from port: {port}, to port: {port}, ALLOW\" already exists",
                        rule.protocol.to_uppercase(),
                        port = rule.port
                    ),
                )
                .with_hint(format!("{group} already allows this; add only the rules that are missing")));
            }
            adding.push(rule);
        }
        if slot.rules.len() + adding.len() > self.quotas.rules_per_group {
            return Err(quotas::exceeded(
                OP,
                code::Aws::RulesPerSecurityGroupLimitExceeded,
                "You've reached the limit on the number of rules that you can add to a security group.",
                &format!(
                    "{} inbound rules per security group",
                    self.quotas.rules_per_group
                ),
            ));
        }
        for rule in adding {
            self.add_rule(group, rule);
        }
        Ok(())
    }

    /// Checks a rule and returns it in canonical form (lowercase protocol, canonical CIDR).
    fn normalize_rule(&self, op: &str, vpc: &str, rule: &IngressRule) -> CloudResult<IngressRule> {
        let protocol = rule.protocol.to_ascii_lowercase();
        if !ip_protocol(&protocol) {
            return Err(invalid_value(
                op,
                format!(
                    "Invalid value '{}' for IP protocol. Unknown protocol.",
                    rule.protocol
                ),
                "use tcp, udp, icmp, icmpv6, a protocol number (0-255) or -1 (all)",
            ));
        }
        let from = match &rule.from {
            Source::Cidr(text) => {
                let cidr = crate::cidr::parse(text).map_err(|err| {
                    invalid_value(
                        op,
                        format!("CIDR block {text} is malformed"),
                        err.to_string(),
                    )
                })?;
                Source::Cidr(cidr.to_string())
            }
            Source::SecurityGroup(id) => {
                let source = match self.groups.get(id) {
                    Some(source) if self.live(Kind::SecurityGroup, id).is_some() => source,
                    _ => return Err(not_found(op, Kind::SecurityGroup, id)),
                };
                if source.vpc != vpc {
                    return Err(CloudError::new(
                        op,
                        code::Aws::InvalidGroupNotFound,
                        "You have specified two resources that belong to different networks.",
                    )
                    .with_hint(format!(
                        "{id} is in {} but the group is in {vpc}",
                        source.vpc
                    )));
                }
                Source::SecurityGroup(id.clone())
            }
        };
        Ok(IngressRule {
            protocol,
            port: rule.port,
            from,
        })
    }

    pub(super) fn add_rule(&mut self, group: &str, rule: IngressRule) {
        let from = match &rule.from {
            Source::Cidr(cidr) | Source::SecurityGroup(cidr) => cidr.clone(),
        };
        let json = json!({ "protocol": rule.protocol, "port": rule.port, "from": from });
        if let Some(resource) = self.store.resource_mut(group) {
            array_attr(resource, "ingress").push(json);
        }
        if let Some(slot) = self.groups.get_mut(group) {
            slot.rules.insert(rule);
        }
    }
}

/// The rules of `CreateSecurityGroup` that depend on the request only.
fn check_group_request(spec: &SecurityGroupSpec) -> CloudResult<()> {
    const OP: &str = "CreateSecurityGroup";
    for (value, parameter) in [
        (&spec.group_name, "GroupName"),
        (&spec.description, "GroupDescription"),
    ] {
        if value.trim().is_empty() {
            return Err(CloudError::new(
                OP,
                code::Aws::MissingParameter,
                format!("The request must contain the parameter {parameter}"),
            )
            .with_hint(format!("give the security group a non-empty {parameter}")));
        }
    }
    if let Some(problem) = group_text_problem(&spec.description) {
        return Err(invalid_value(
            OP,
            format!(
                "Value ({}) for parameter GroupDescription is invalid. {problem}",
                spec.description
            ),
            "write the description in ASCII (letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*), at most 255 characters",
        ));
    }
    if let Some(problem) = group_text_problem(&spec.group_name) {
        return Err(invalid_value(
            OP,
            format!(
                "Value ({}) for parameter GroupName is invalid. {problem}",
                spec.group_name
            ),
            "use at most 255 letters, digits, spaces and ._-:/()#,@[]+=&;{}!$*",
        ));
    }
    if spec.group_name.starts_with("sg-") || spec.group_name.len() > 255 {
        return Err(invalid_value(
            OP,
            format!(
                "Value ({}) for parameter GroupName is invalid. Group names may not be in the format sg-* and may not exceed 255 characters.",
                spec.group_name
            ),
            "choose another group name",
        ));
    }
    Ok(())
}
