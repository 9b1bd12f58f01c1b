//! `awsrun status --stack NAME` and `awsrun stacks`: read-only views of the
//! account, from the `awsrun:stack` tags (and ownership records) alone, so
//! any machine sees what a stack holds and what it costs.
//!
//! `status` lists every resource of the stack with its state, key
//! attributes and hourly cost, then what is unhealthy or stuck: targets not
//! `healthy`, NAT gateways `failed`, instances not `running`. `stacks`
//! lists the region's stacks with their resource counts and hourly cost, so
//! nothing forgotten keeps billing. Neither changes anything.

use super::config::{STACK_CODE, STACK_HELP, check_stack};
use super::run::usage;
use crate::cloud::cost::{Total, hourly, money};
use crate::cloud::{Cloud, Kind, Resource};
use crate::engine::session::detail;
use crate::ui::{Config, Exit, backend, out, report_alone};
use serde_json::json;

/// What is wrong with one resource of a stack, as `status` reports it.
fn problems(cloud: &dyn Cloud, r: &Resource) -> Vec<String> {
    match r.kind {
        Kind::NatGateway if r.state() == "failed" => {
            vec![format!("nat_gateway {} ({}) is failed", r.name, r.id)]
        }
        Kind::Instance if r.state() != "running" => {
            vec![format!(
                "instance {} ({}) is {}, not running",
                r.name,
                r.id,
                r.state()
            )]
        }
        Kind::TargetGroup => match cloud.target_health(&r.id) {
            Ok(health) => health
                .into_iter()
                .filter(|t| t.state != "healthy")
                .map(|t| {
                    let why = if t.reason.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", t.reason)
                    };
                    format!(
                        "target {} of target_group {} is {}{why}",
                        t.id, r.name, t.state
                    )
                })
                .collect(),
            Err(e) => vec![format!("target_group {}: health unknown ({e})", r.name)],
        },
        _ => Vec::new(),
    }
}

pub fn status(config: &Config, stack: &str) -> Exit {
    if let Err(msg) = check_stack(stack) {
        return usage(config, STACK_CODE, &msg, STACK_HELP);
    }
    match backend::live(config) {
        Ok(aws) => status_of(config, &*aws, stack),
        Err(rep) => {
            report_alone(config, &rep);
            Exit::Failure
        }
    }
}

/// `status` of a stack in `cloud` (AWS, or the REPL's simulated account).
pub fn status_of(config: &Config, cloud: &dyn Cloud, stack: &str) -> Exit {
    let region = cloud.region();
    let resources = match cloud.stack_resources(stack) {
        Ok(list) => list,
        Err(e) => {
            report_alone(config, &backend::connect_report(&e));
            return Exit::Failure;
        }
    };
    let problems: Vec<String> = resources.iter().flat_map(|r| problems(cloud, r)).collect();
    let total = Total::of(&resources, &region);
    if config.json {
        let listed: Vec<serde_json::Value> = resources
            .iter()
            .map(|r| {
                json!({
                    "kind": r.kind,
                    "name": r.name,
                    "id": r.id,
                    "state": r.state(),
                    "attributes": r.attrs,
                    "cost": hourly(r, &region),
                })
            })
            .collect();
        let doc = json!({
            "stack": stack,
            "region": region,
            "resources": listed,
            "problems": problems,
            "cost": total,
        });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
        return Exit::Ok;
    }
    if resources.is_empty() {
        out(&format!(
            "Stack \"{stack}\" holds nothing in {region}: no resource carries awsrun:stack={stack}."
        ));
        return Exit::Ok;
    }
    out(&format!(
        "Stack \"{stack}\" in {region}: {} resources",
        resources.len()
    ));
    for r in &resources {
        let state = if r.state().is_empty() {
            String::new()
        } else {
            format!(" [{}]", r.state())
        };
        let mut line = format!(
            "  {:<14} {:<24} {}{state}  {}",
            r.kind.as_str(),
            r.name,
            r.id,
            detail(r)
        );
        let cost = hourly(r, &region).text();
        if !cost.is_empty() {
            line.push_str("  ");
            line.push_str(&cost);
        }
        out(line.trim_end());
    }
    let mut cost = format!(
        "Costs {}/h, about {}/month",
        money(total.hourly_usd),
        money(total.monthly_usd)
    );
    if !total.unknown.is_empty() {
        cost.push_str(&format!(" (price unknown: {})", total.unknown.join(", ")));
    }
    out(&cost);
    if problems.is_empty() {
        out("Nothing unhealthy or stuck.");
    } else {
        out(&format!("{} problem(s):", problems.len()));
        for p in &problems {
            out(&format!("  {p}"));
        }
    }
    Exit::Ok
}

pub fn stacks(config: &Config) -> Exit {
    match backend::live(config) {
        Ok(aws) => stacks_of(config, &*aws),
        Err(rep) => {
            report_alone(config, &rep);
            Exit::Failure
        }
    }
}

/// `stacks` of `cloud` (AWS, or the REPL's simulated account).
pub fn stacks_of(config: &Config, cloud: &dyn Cloud) -> Exit {
    let region = cloud.region();
    let listed = cloud.stack_names().and_then(|names| {
        names
            .into_iter()
            .map(|name| {
                let resources = cloud.stack_resources(&name)?;
                Ok((name, resources))
            })
            .collect::<Result<Vec<_>, _>>()
    });
    // Tags outlive what they were on for a while (a terminated instance
    // is described for an hour): a stack with nothing left is no stack.
    let stacks: Vec<(String, Vec<Resource>)> = match listed {
        Ok(stacks) => stacks.into_iter().filter(|(_, r)| !r.is_empty()).collect(),
        Err(e) => {
            report_alone(config, &backend::connect_report(&e));
            return Exit::Failure;
        }
    };
    if config.json {
        let docs: Vec<serde_json::Value> = stacks
            .iter()
            .map(|(name, resources)| {
                json!({
                    "stack": name,
                    "resources": resources.len(),
                    "cost": Total::of(resources, &region),
                })
            })
            .collect();
        let doc = json!({ "region": region, "stacks": docs });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
        return Exit::Ok;
    }
    if stacks.is_empty() {
        out(&format!(
            "No stack in {region}: nothing carries an awsrun:stack tag."
        ));
        return Exit::Ok;
    }
    out(&format!("Stacks in {region}:"));
    let mut all = Total::default();
    for (name, resources) in &stacks {
        let total = Total::of(resources, &region);
        let unknown = if total.unknown.is_empty() {
            String::new()
        } else {
            " + price unknown".to_string()
        };
        out(&format!(
            "  {name:<24} {:>3} resources  {}/h{unknown}",
            resources.len(),
            money(total.hourly_usd)
        ));
        all.hourly_usd += total.hourly_usd;
    }
    out(&format!(
        "In all {}/h, about {}/month",
        money(all.hourly_usd),
        money(all.hourly_usd * crate::cloud::cost::HOURS_PER_MONTH)
    ));
    Exit::Ok
}
