//! The actions a run performs (or, in dry-run, would perform).

use crate::cloud::cost::Hourly;
use crate::cloud::{Kind, Resource};
use serde::Serialize;

/// What happened to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = "created")]
    Create,
    #[serde(rename = "existing")]
    Exists,
    #[serde(rename = "changed")]
    Change,
    #[serde(rename = "deleted")]
    Delete,
    /// Built by hand, tagged into the stack (`--adopt`).
    #[serde(rename = "adopted")]
    Adopt,
}

impl Op {
    pub fn symbol(self) -> char {
        match self {
            Op::Create => '+',
            Op::Exists => '=',
            Op::Change => '~',
            Op::Delete => '-',
            Op::Adopt => '<',
        }
    }

    pub fn word(self, dry_run: bool) -> &'static str {
        match (self, dry_run) {
            (Op::Create, true) => "create",
            (Op::Create, false) => "created",
            (Op::Exists, _) => "exists",
            (Op::Change, true) => "change",
            (Op::Change, false) => "changed",
            (Op::Delete, true) => "delete",
            (Op::Delete, false) => "deleted",
            (Op::Adopt, true) => "adopt",
            (Op::Adopt, false) => "adopted",
        }
    }
}

/// One line of the plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Action {
    pub op: Op,
    pub kind: Kind,
    pub name: String,
    pub id: String,
    /// Key attributes, e.g. `cidr=172.31.112.0/20 az=ap-northeast-2a`.
    pub detail: String,
    /// What was added to an existing or new resource (routes, rules, targets).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// What the resource costs by the hour (for a deletion: what stops).
    #[serde(skip_serializing_if = "is_free")]
    pub cost: Hourly,
}

fn is_free(cost: &Hourly) -> bool {
    *cost == Hourly::Free
}

impl Action {
    pub fn new(op: Op, resource: &Resource, detail: String) -> Self {
        Action {
            op,
            kind: resource.kind,
            name: resource.name.clone(),
            id: resource.id.clone(),
            detail,
            changes: Vec::new(),
            cost: Hourly::Free,
        }
    }

    /// The action with what its resource costs by the hour in `region`.
    pub fn priced(mut self, resource: &Resource, region: &str) -> Self {
        self.cost = crate::cloud::cost::hourly(resource, region);
        self
    }

    /// The plan line: `+ subnet  private-2a  subnet-0123...  cidr=... az=...`.
    pub fn line(&self, dry_run: bool) -> String {
        let mut text = format!(
            "{} {:<7} {:<14} {:<24} {}",
            self.op.symbol(),
            self.op.word(dry_run),
            self.kind.as_str(),
            self.name,
            short_id(self.kind, &self.id),
        );
        if !self.detail.is_empty() {
            text.push_str("  ");
            text.push_str(&self.detail);
        }
        let cost = self.cost.text();
        if !cost.is_empty() {
            text.push_str(if self.op == Op::Delete {
                "  stops "
            } else {
                "  "
            });
            text.push_str(&cost);
        }
        for change in &self.changes {
            text.push_str("\n      ");
            text.push_str(change);
        }
        text
    }
}

/// ELB and ACM ARNs are long; the plan shows their last path element after
/// the kind. A record's id repeats its name and type: the plan shows its zone.
fn short_id(kind: Kind, id: &str) -> &str {
    if kind == Kind::DnsRecord {
        return id.split('/').next().unwrap_or(id);
    }
    if id.starts_with("arn:") {
        id.rsplit_once(':').map(|(_, tail)| tail).unwrap_or(id)
    } else {
        id
    }
}

/// Counts per operation, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub created: usize,
    pub changed: usize,
    pub existing: usize,
    pub deleted: usize,
    /// Resources built by hand and tagged into the stack (`--adopt`); left
    /// out of the JSON summary and the line when there are none.
    #[serde(skip_serializing_if = "is_zero")]
    pub adopted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    pub fn of(actions: &[Action]) -> Self {
        let mut s = Summary::default();
        for a in actions {
            match a.op {
                Op::Create => s.created += 1,
                Op::Change => s.changed += 1,
                Op::Exists => s.existing += 1,
                Op::Delete => s.deleted += 1,
                Op::Adopt => s.adopted += 1,
            }
        }
        s
    }

    pub fn line(&self, dry_run: bool) -> String {
        let adopted = match (self.adopted, dry_run) {
            (0, _) => String::new(),
            (n, true) => format!(", {n} to adopt"),
            (n, false) => format!(", {n} adopted"),
        };
        if dry_run {
            format!(
                "Plan: {} to create, {} to change, {} existing, {} to delete{adopted}.",
                self.created, self.changed, self.existing, self.deleted
            )
        } else {
            format!(
                "Done: {} created, {} changed, {} existing, {} deleted{adopted}.",
                self.created, self.changed, self.existing, self.deleted
            )
        }
    }

    pub fn is_noop(&self) -> bool {
        self.created == 0 && self.changed == 0 && self.deleted == 0 && self.adopted == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adoptions_have_their_symbol_words_and_count_only_when_there_are_some() {
        let subnet = Resource::new(Kind::Subnet, "private-2a", "subnet-1");
        let action = Action::new(Op::Adopt, &subnet, "cidr=172.31.112.0/20".into());
        assert!(
            action.line(true).starts_with("< adopt   subnet"),
            "{}",
            action.line(true)
        );
        assert!(
            action.line(false).starts_with("< adopted subnet"),
            "{}",
            action.line(false)
        );
        assert_eq!(serde_json::to_value(Op::Adopt).unwrap(), "adopted");

        let none = Summary::of(&[Action::new(Op::Exists, &subnet, String::new())]);
        assert_eq!(
            none.line(true),
            "Plan: 0 to create, 0 to change, 1 existing, 0 to delete."
        );
        assert!(serde_json::to_value(none).unwrap().get("adopted").is_none());
        assert!(none.is_noop());

        let some = Summary::of(&[action]);
        assert_eq!(
            some.line(true),
            "Plan: 0 to create, 0 to change, 0 existing, 0 to delete, 1 to adopt."
        );
        assert_eq!(
            some.line(false),
            "Done: 0 created, 0 changed, 0 existing, 0 deleted, 1 adopted."
        );
        assert_eq!(serde_json::to_value(some).unwrap()["adopted"], 1);
        assert!(!some.is_noop(), "tagging is a change: it is confirmed");
    }
}
