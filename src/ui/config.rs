//! The validated configuration every command and the prompt read: AWS
//! connection settings, output format, colour, the simulated account's
//! latency model and the script limits. It is built once from the global
//! flags and the environment (by the command line, before any command
//! runs) and is only read afterwards.

use crate::cloud::sim::Latency;
use crate::diagnostic::Style;

/// The region a dry-run without any AWS configuration simulates: the tutorial's.
pub(crate) const DEFAULT_REGION: &str = "ap-northeast-2";

#[derive(Debug, Clone)]
pub struct Config {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    pub verbose: bool,
    pub json: bool,
    pub color: bool,
    /// The simulated account's latency model (`--sim-latency`, `--sim-latency-scale`).
    pub sim_latency: Latency,
    /// The script limits (`--max-operations` and the rest).
    pub limits: crate::engine::Limits,
    /// The simulated account's quotas (`--sim-quota`, AWS's defaults otherwise).
    pub sim_quotas: crate::cloud::sim::quotas::Quotas,
    /// The bucket of the stack locks and the run log (`--state-bucket`,
    /// AWSRUN_STATE_BUCKET); `None`: `awsrun-state-<account>-<region>`.
    pub state_bucket: Option<String>,
}

impl Config {
    pub fn style(&self) -> Style {
        Style { color: self.color }
    }

    /// The region for the simulated account: `--region`, then the
    /// environment, then the tutorial's region.
    pub fn sim_region(&self) -> String {
        self.region
            .clone()
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| DEFAULT_REGION.to_string())
    }
}
