//! The resources awsrun manages, in awsrun's own types.
//!
//! Both backends (the simulated account and AWS) return [`Resource`] values;
//! the engine hands them to scripts unchanged. A resource is identified in
//! AWS by its id and, for awsrun, by its `awsrun:stack` and `Name` tags.

pub use super::kind::Kind;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

/// Tag key that records which stack a resource belongs to.
pub const STACK_TAG: &str = "awsrun:stack";

/// One resource as the cloud reports it now.
///
/// `attrs` holds the documented attributes of the kind (`cidr`, `az`, `state`,
/// `dns_name`, ...) as JSON values so that both backends and the script
/// bindings share one representation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    pub kind: Kind,
    pub name: String,
    pub id: String,
    pub attrs: Map<String, Value>,
}

impl Resource {
    pub fn new(kind: Kind, name: impl Into<String>, id: impl Into<String>) -> Self {
        Resource {
            kind,
            name: name.into(),
            id: id.into(),
            attrs: Map::new(),
        }
    }

    /// Builder-style attribute setter.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.attrs.insert(key.to_string(), value.into());
        self
    }

    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.attrs.insert(key.to_string(), value.into());
    }

    pub fn attr(&self, key: &str) -> Option<&Value> {
        self.attrs.get(key)
    }

    /// A string attribute, or "" when absent.
    pub fn str(&self, key: &str) -> &str {
        self.attrs.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// A list-of-strings attribute, or empty when absent.
    pub fn strs(&self, key: &str) -> Vec<String> {
        match self.attrs.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The resource's lifecycle state (`pending`, `available`, ...), if it has one.
    pub fn state(&self) -> &str {
        self.str("state")
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.kind, self.name, self.id)
    }
}

/// The tags awsrun puts on everything it creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tags {
    pub stack: String,
    pub name: String,
}

impl Tags {
    pub fn new(stack: &str, name: &str) -> Self {
        Tags {
            stack: stack.to_string(),
            name: name.to_string(),
        }
    }

    /// A stable idempotency token for this stack + name (AWS `ClientToken`).
    ///
    /// AWS limits tokens to 64 ASCII characters, so long names are hashed.
    pub fn client_token(&self) -> String {
        let raw = format!("awsrun-{}-{}", self.stack, self.name);
        if raw.len() <= 64 && raw.is_ascii() {
            return raw;
        }
        format!(
            "awsrun-{:016x}{:016x}",
            fnv1a(raw.as_bytes(), 0),
            fnv1a(raw.as_bytes(), 1)
        )
    }
}

impl Tags {
    /// ACM's `IdempotencyToken` for this stack + name: at most 32 letters,
    /// digits and underscores (`\w+`), so always a hash.
    pub fn idempotency_token(&self) -> String {
        let raw = format!("awsrun-{}-{}", self.stack, self.name);
        format!(
            "awsrun{:016x}{:010x}",
            fnv1a(raw.as_bytes(), 0),
            fnv1a(raw.as_bytes(), 1) & 0xff_ffff_ffff
        )
    }
}

/// FNV-1a, seeded; used for deterministic ids and tokens (not for security).
pub fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64 ^ seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// Who the credentials belong to (`sts get-caller-identity`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub account: String,
    pub arn: String,
    pub user_id: String,
}

/// Health of one registered target, as ELBv2's `DescribeTargetHealth`
/// reports it: `initial`, `healthy`, `unhealthy`, `unused`, `draining` or
/// `unavailable`, and for every state but `healthy` AWS's reason code
/// (`Elb.InitialHealthChecking`, `Target.NotInUse`,
/// `Target.FailedHealthChecks`, ...) and description ("" when none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TargetHealth {
    pub id: String,
    pub port: u16,
    pub state: String,
    pub reason: String,
    pub description: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_tokens_fit_acm() {
        let long = "x".repeat(300);
        for tags in [
            Tags::new("multi-server", "api.example.com"),
            Tags::new(&long, "나의 인증서 with spaces"),
        ] {
            let token = tags.idempotency_token();
            assert!((1..=32).contains(&token.len()), "{token}");
            assert!(
                token.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{token}"
            );
            assert_eq!(token, tags.clone().idempotency_token(), "stable");
        }
        assert_ne!(
            Tags::new("a", "x").idempotency_token(),
            Tags::new("b", "x").idempotency_token()
        );
    }
}
