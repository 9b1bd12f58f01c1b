//! The command line as clap parses it (raw), before validation into a
//! `Config` (see `config.rs`).

use crate::engine::{Limit, Limits};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "awsrun",
    version,
    about = "AWS infrastructure as editable, re-runnable Rhai scripts",
    long_about = "AWS infrastructure as editable, re-runnable Rhai scripts.\n\n\
        `awsrun SCRIPT` is `awsrun run SCRIPT`; `--dry-run` plans against a simulated account \
        and needs no AWS credentials; `--adopt` tags what was built by hand (AWS CLI, console) \
        into the stack instead of building twins."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub global: Global,
}

/// Flags every subcommand takes.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// AWS region (default: from the AWS config chain; dry-run falls back to ap-northeast-2)
    #[arg(long, global = true, value_name = "R")]
    pub region: Option<String>,
    /// AWS profile from ~/.aws/config
    #[arg(long, global = true, value_name = "P")]
    pub profile: Option<String>,
    /// Send AWS requests to this endpoint (e.g. a local AWS-compatible server)
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Log every AWS call to stderr
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// S3 bucket of the stack locks and the run log (default: awsrun-state-ACCOUNT-REGION,
    /// created private and encrypted by the first live run)
    #[arg(long, global = true, value_name = "NAME", env = "AWSRUN_STATE_BUCKET")]
    pub state_bucket: Option<String>,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
    /// No colours in reports
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Latency model of the simulated account: `realistic` makes slow resources take AWS's
    /// typical provisioning times, scaled (every plan estimates a live run's time and critical
    /// path either way)
    #[arg(long, global = true, value_enum, value_name = "MODEL", default_value_t = SimLatency::None)]
    pub sim_latency: SimLatency,
    /// Multiplies the realistic times (0.01: 100 times faster than AWS; 1: as slow as AWS; 0: no
    /// waiting at all, the estimate is the same)
    #[arg(long, global = true, value_name = "F", default_value_t = 0.01, value_parser = parse_scale)]
    pub sim_latency_scale: f64,
    /// A quota of the simulated account raised (or lowered) from AWS's default, as the account's
    /// Service Quotas say: vpcs, elastic-ips, internet-gateways, subnets-per-vpc,
    /// route-tables-per-vpc, rules-per-group, groups-per-interface, vcpus
    #[arg(long, global = true, value_name = "KEY=N", value_parser = parse_quota)]
    pub sim_quota: Vec<(String, usize)>,
    /// Operations a script may run before it is stopped (catches endless loops)
    #[arg(long, global = true, value_name = "N", help_heading = LIMITS,
          env = "AWSRUN_MAX_OPERATIONS", default_value_t = Limits::DEFAULT.operations,
          value_parser = |t: &str| parse_limit(t, Limit::Operations))]
    pub max_operations: u64,
    /// How deep functions may call each other (catches endless recursion)
    #[arg(long, global = true, value_name = "N", help_heading = LIMITS,
          env = "AWSRUN_MAX_CALL_DEPTH", default_value_t = Limits::DEFAULT.call_depth as u64,
          value_parser = |t: &str| parse_limit(t, Limit::CallDepth))]
    pub max_call_depth: u64,
    /// Largest string a script may build, in bytes
    #[arg(long, global = true, value_name = "BYTES", help_heading = LIMITS,
          env = "AWSRUN_MAX_STRING_SIZE", default_value_t = Limits::DEFAULT.string_size as u64,
          value_parser = |t: &str| parse_limit(t, Limit::StringSize))]
    pub max_string_size: u64,
    /// Most items an array may hold
    #[arg(long, global = true, value_name = "N", help_heading = LIMITS,
          env = "AWSRUN_MAX_ARRAY_SIZE", default_value_t = Limits::DEFAULT.array_size as u64,
          value_parser = |t: &str| parse_limit(t, Limit::ArraySize))]
    pub max_array_size: u64,
    /// Most keys an object map may hold
    #[arg(long, global = true, value_name = "N", help_heading = LIMITS,
          env = "AWSRUN_MAX_MAP_SIZE", default_value_t = Limits::DEFAULT.map_size as u64,
          value_parser = |t: &str| parse_limit(t, Limit::MapSize))]
    pub max_map_size: u64,
    /// Most modules a run may import
    #[arg(long, global = true, value_name = "N", help_heading = LIMITS,
          env = "AWSRUN_MAX_MODULES", default_value_t = Limits::DEFAULT.modules as u64,
          value_parser = |t: &str| parse_limit(t, Limit::Modules))]
    pub max_modules: u64,
    /// Largest script file awsrun reads, in bytes
    #[arg(long, global = true, value_name = "BYTES", help_heading = LIMITS,
          env = "AWSRUN_MAX_SCRIPT_SIZE", default_value_t = Limits::DEFAULT.script_size,
          value_parser = |t: &str| parse_limit(t, Limit::ScriptSize))]
    pub max_script_size: u64,
}

/// The heading the limit flags are listed under in `--help`.
const LIMITS: &str = "Script limits";

impl Global {
    /// The limits these flags (or their environment variables) set.
    pub fn limits(&self) -> Limits {
        // Each value was checked against its ceiling, which fits a usize.
        let size = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
        Limits {
            operations: self.max_operations,
            call_depth: size(self.max_call_depth),
            string_size: size(self.max_string_size),
            array_size: size(self.max_array_size),
            map_size: size(self.max_map_size),
            modules: size(self.max_modules),
            script_size: self.max_script_size,
        }
    }
}

/// A limit's value: a whole number from 1 to the limit's ceiling;
/// `_` may group digits (`100_000_000`).
fn parse_limit(text: &str, limit: Limit) -> Result<u64, String> {
    let digits: String = text.trim().chars().filter(|c| *c != '_').collect();
    let value: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a whole number"))?;
    if value == 0 {
        return Err("a limit is at least 1".into());
    }
    if value > limit.ceiling() {
        return Err(format!("{} is at most {}", limit.flag(), limit.ceiling()));
    }
    Ok(value)
}

/// `--sim-latency`: how long simulated slow resources take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimLatency {
    /// Each wait sees the next state at once (dry runs take no time)
    None,
    /// AWS's typical times (NAT gateway 100 s, load balancer 150 s, instance 30 s + boot, health checks)
    Realistic,
}

/// A scale factor from 0 to 100.
fn parse_quota(text: &str) -> Result<(String, usize), String> {
    let (key, value) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?} is not KEY=N (e.g. subnets-per-vpc=500)"))?;
    let value: usize = value
        .trim()
        .parse()
        .map_err(|_| format!("{value:?} is not a whole number"))?;
    let key = key.trim().to_string();
    // Checks the name.
    crate::cloud::sim::quotas::Quotas::default().set(&key, value)?;
    Ok((key, value))
}

fn parse_scale(text: &str) -> Result<f64, String> {
    let scale: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number (e.g. 0.01)"))?;
    if !(0.0..=100.0).contains(&scale) {
        return Err(format!(
            "{scale} is outside 0 to 100 (0.01 = 100 times faster than AWS)"
        ));
    }
    Ok(scale)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a script (plan first; live runs ask before changing anything)
    Run(RunArgs),
    /// Parse and statically check a script, then try it on a fresh simulated account; no AWS call
    Check {
        script: PathBuf,
        /// KEY=VALUE: a string variable visible to the script
        #[arg(long = "var", value_name = "KEY=VALUE")]
        vars: Vec<String>,
    },
    /// Interactive prompt wired to the same engine
    Repl {
        /// Use the simulated account
        #[arg(long)]
        dry_run: bool,
    },
    /// Delete everything tagged with a stack, in dependency order
    Destroy {
        #[arg(long)]
        stack: String,
        /// Show what would be deleted
        #[arg(long)]
        dry_run: bool,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
        /// How long to wait for the stack's lock held by another run (0: do not wait)
        #[arg(
            long,
            value_name = "SECONDS",
            env = "AWSRUN_LOCK_TIMEOUT",
            default_value_t = 300
        )]
        lock_timeout: u64,
    },
    /// Remove a stack's lock left by a run that was killed (shows who held it, then asks)
    Unlock {
        #[arg(long)]
        stack: String,
        /// Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
    /// The stack's run log: who ran what, when, and what it changed (newest first)
    Log {
        #[arg(long)]
        stack: String,
        /// How many runs to list
        #[arg(long, value_name = "N", default_value_t = 20)]
        limit: usize,
        /// One run in full: its header and each action (a unique prefix of its id)
        #[arg(long, value_name = "ID")]
        show: Option<String>,
    },
    /// What the stack holds now: kind, name, id, state, cost per hour, and what is unhealthy
    Status {
        #[arg(long)]
        stack: String,
    },
    /// The stacks in the region, with their resource counts and cost per hour
    Stacks,
    /// Every host and stdlib function: signature, doc, example
    Docs {
        name: Option<String>,
        /// Write Rhai definition files (`*.d.rhai`) for editors into DIR
        #[arg(long, value_name = "DIR", conflicts_with = "name")]
        definitions: Option<PathBuf>,
    },
    /// Print shell completions (bash, zsh, fish, powershell, elvish)
    Completions { shell: clap_complete::Shell },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    pub script: PathBuf,
    /// Plan against the simulated account; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// KEY=VALUE: a string variable visible to the script
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// Stack name (default: the script's file stem)
    #[arg(long)]
    pub stack: Option<String>,
    /// Do not ask for confirmation
    #[arg(long)]
    pub yes: bool,
    /// Refuse (exit 1, before any write) when the plan leaves the stack costing more than USD a
    /// month
    #[arg(long, value_name = "USD", env = "AWSRUN_MAX_MONTHLY_COST")]
    pub max_monthly_cost: Option<f64>,
    /// Tag matching hand-made resources into the stack instead of creating twins (only tags are
    /// written to them)
    #[arg(long)]
    pub adopt: bool,
    /// How long to wait for the stack's lock held by another run (0: do not wait)
    #[arg(
        long,
        value_name = "SECONDS",
        env = "AWSRUN_LOCK_TIMEOUT",
        default_value_t = 300
    )]
    pub lock_timeout: u64,
}

const SUBCOMMANDS: [&str; 11] = [
    "run",
    "check",
    "repl",
    "destroy",
    "unlock",
    "log",
    "status",
    "stacks",
    "docs",
    "completions",
    "help",
];
const VALUE_FLAGS: [&str; 20] = [
    "--state-bucket",
    "--lock-timeout",
    "--limit",
    "--show",
    "--region",
    "--profile",
    "--endpoint-url",
    "--output",
    "--var",
    "--stack",
    "-o",
    "--sim-latency",
    "--sim-latency-scale",
    "--max-operations",
    "--max-call-depth",
    "--max-string-size",
    "--max-array-size",
    "--max-map-size",
    "--max-modules",
    "--max-script-size",
];

/// `awsrun SCRIPT ...` means `awsrun run SCRIPT ...`: insert `run` before the
/// first positional argument when it is not a subcommand.
pub fn normalize(args: Vec<OsString>) -> Vec<OsString> {
    let mut i = 1;
    while i < args.len() {
        let arg = args[i].to_string_lossy();
        if arg == "--" {
            break;
        }
        if arg.starts_with('-') {
            i += if VALUE_FLAGS.contains(&arg.as_ref()) {
                2
            } else {
                1
            };
            continue;
        }
        if SUBCOMMANDS.contains(&arg.as_ref()) {
            return args;
        }
        let mut out = args.clone();
        out.insert(i, "run".into());
        return out;
    }
    args
}

#[cfg(test)]
mod tests {
    use super::normalize;

    fn norm(args: &[&str]) -> Vec<String> {
        normalize(args.iter().map(|a| a.into()).collect())
            .into_iter()
            .map(|a| a.into_string().unwrap())
            .collect()
    }

    #[test]
    fn bare_script_means_run() {
        assert_eq!(
            norm(&["awsrun", "s.rhai", "--dry-run"]),
            ["awsrun", "run", "s.rhai", "--dry-run"]
        );
        assert_eq!(
            norm(&["awsrun", "--region", "us-east-1", "s.rhai"]),
            ["awsrun", "--region", "us-east-1", "run", "s.rhai"]
        );
        assert_eq!(
            norm(&["awsrun", "docs", "subnet"]),
            ["awsrun", "docs", "subnet"]
        );
        assert_eq!(norm(&["awsrun", "-v"]), ["awsrun", "-v"]);
    }
}
