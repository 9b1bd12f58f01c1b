//! From the command line to what the commands read: the global flags (and
//! the environment) into a [`Config`], and the checks of the arguments a
//! command takes as text (`--var KEY=VALUE`, `--stack NAME`).

use super::args::{Global, OutputFormat, SimLatency};
use crate::cloud::sim::Latency;
use crate::cloud::sim::quotas::Quotas;
use crate::diagnostic::code::{self, Code};
use crate::ui::{Config, color};
use std::collections::BTreeMap;

impl From<&Global> for Config {
    fn from(global: &Global) -> Self {
        Config {
            region: global.region.clone(),
            profile: global.profile.clone(),
            endpoint_url: global.endpoint_url.clone(),
            verbose: global.verbose,
            json: global.output == OutputFormat::Json,
            color: color(global.no_color),
            sim_latency: match global.sim_latency {
                SimLatency::None => Latency::None,
                SimLatency::Realistic => Latency::Realistic {
                    scale: global.sim_latency_scale,
                },
            },
            limits: global.limits(),
            sim_quotas: global
                .sim_quota
                .iter()
                .fold(Quotas::AWS, |mut quotas, (key, value)| {
                    quotas.set(key, *value).expect("checked when parsed");
                    quotas
                }),
            state_bucket: global.state_bucket.clone().filter(|b| !b.is_empty()),
        }
    }
}

/// The code and help of a malformed `--var`.
pub const VAR_CODE: Code = code::Usage::Var.code();
pub const VAR_HELP: &str = "write `--var KEY=VALUE` (e.g. `--var instance_type=t3.small`): the key is a name of letters, digits and `_`, the value any text; the script reads it as the string variable KEY";

/// The code and help of a stack name that cannot be a tag value.
pub const STACK_CODE: Code = code::Usage::Stack.code();
pub const STACK_HELP: &str = "e.g. `--stack multi-server` or `--stack team-a.staging`; the name becomes the `awsrun:stack` tag of every resource";

/// `--var KEY=VALUE` pairs; keys must be identifiers.
pub fn parse_vars(vars: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for var in vars {
        let Some((key, value)) = var.split_once('=') else {
            return Err(format!("--var {var:?}: expected KEY=VALUE"));
        };
        let ident = key
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ident {
            return Err(format!(
                "--var {var:?}: the key must be a name like instance_type"
            ));
        }
        out.insert(key.to_string(), value.to_string());
    }
    Ok(out)
}

/// Stack names become tag values: letters, digits, `-`, `_`, `.`; 1 to 128.
pub fn check_stack(stack: &str) -> Result<(), String> {
    let ok = !stack.is_empty()
        && stack.len() <= 128
        && stack
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "stack name {stack:?} must be 1 to 128 letters, digits, '-', '_' or '.'"
        ))
    }
}
