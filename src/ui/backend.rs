//! Choosing the cloud a command talks to: AWS (live), AWS mirrored into a
//! simulated account (plans, `--dry-run` with credentials), or a brand-new
//! simulated account (`--dry-run` with no AWS configuration at all).
//!
//! Whether AWS is configured is judged from the environment and the AWS
//! files alone, without a network call, so a dry-run on a machine with no
//! AWS setup starts at once. A connection error becomes a report with the
//! code `awsrun::aws::CODE`, raised before any script line runs.

use super::Config;
use crate::cloud::aws::{AwsCloud, AwsOptions};
use crate::cloud::sim::SimAccount;
use crate::cloud::{Cloud, CloudError};
use crate::diagnostic::Report;
use crate::diagnostic::code;
use std::rc::Rc;

pub(crate) fn options(config: &Config) -> AwsOptions {
    AwsOptions {
        region: config.region.clone(),
        profile: config.profile.clone(),
        endpoint_url: config.endpoint_url.clone(),
        verbose: config.verbose,
    }
}

/// Connects to AWS through the standard chain; no credentials is an error
/// that says how to configure them, raised before any script line runs.
pub(crate) fn live(config: &Config) -> Result<Rc<AwsCloud>, Box<Report>> {
    AwsCloud::connect(&options(config))
        .map(Rc::new)
        .map_err(|e| Box::new(connect_report(&e)))
}

/// The simulated account a plan runs on, and the AWS connection when the
/// plan mirrors a real account.
pub(crate) type Planning = (Rc<dyn Cloud>, Option<Rc<AwsCloud>>);

pub(crate) fn connect_report(err: &CloudError) -> Report {
    Report::carrying(&err.report_code(), err.message.clone(), err.hint.clone())
}

/// Whether anything could supply AWS credentials, judged without any
/// network call: a dry-run with none simulates a brand-new account at once.
pub(crate) fn aws_configured(config: &Config) -> bool {
    let env = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    if config.profile.is_some() || config.endpoint_url.is_some() {
        return true;
    }
    let vars = [
        "AWS_ACCESS_KEY_ID",
        "AWS_PROFILE",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_ENDPOINT_URL",
    ];
    if vars.iter().any(|k| env(k)) {
        return true;
    }
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    let file = |var: &str, name: &str| {
        std::env::var_os(var)
            .map(std::path::PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".aws").join(name)))
            .is_some_and(|p| p.is_file())
    };
    file("AWS_SHARED_CREDENTIALS_FILE", "credentials") || file("AWS_CONFIG_FILE", "config")
}

/// A brand-new simulated account for the configured region, with the
/// configured latency model (`--sim-latency`).
pub(crate) fn new_sim(config: &Config) -> SimAccount {
    let sim = SimAccount::new(&config.sim_region());
    sim.set_latency(config.sim_latency.planning());
    sim.set_quotas(config.sim_quotas);
    sim
}

/// The cloud a plan runs against: the real account mirrored read-only into
/// a simulated one, or, with no AWS configuration, a brand-new account.
/// Returns the AWS connection too when there is one.
pub(crate) fn planning(config: &Config, stack: &str) -> Result<Planning, Box<Report>> {
    planning_for(config, stack, false)
}

/// [`planning`]; with `adopt`, the mirror holds the region's untagged
/// resources too (`--adopt`).
pub(crate) fn planning_for(
    config: &Config,
    stack: &str,
    adopt: bool,
) -> Result<Planning, Box<Report>> {
    if !aws_configured(config) {
        return Ok((Rc::new(new_sim(config)), None));
    }
    let aws = match AwsCloud::connect(&options(config)) {
        Ok(aws) => Rc::new(aws),
        // Configured, but no credentials resolve: plan against a new account.
        Err(e) if e.code == code::Backend::NoCredentials.as_str() => {
            return Ok((Rc::new(new_sim(config)), None));
        }
        Err(e) => return Err(Box::new(connect_report(&e))),
    };
    let sim = aws.mirror_for(stack, adopt).map_err(|e| {
        Box::new(Report::carrying(
            &e.report_code(),
            format!("reading the account: {e}"),
            e.hint.clone(),
        ))
    })?;
    sim.set_latency(config.sim_latency.planning());
    sim.set_quotas(config.sim_quotas);
    Ok((Rc::new(sim), Some(aws)))
}
