//! Dry-run or live: which account the prompt talks to.

/// The REPL's mode, shown in the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A simulated account that lives as long as the session.
    DryRun,
    /// AWS itself: resource functions change the account.
    Live,
}

impl Mode {
    pub(crate) fn parse(text: &str) -> Result<Mode, String> {
        match text {
            "dry-run" | "dryrun" | "dry" => Ok(Mode::DryRun),
            "live" => Ok(Mode::Live),
            _ => Err(format!("unknown mode `{text}`: use `:mode dry-run` or `:mode live`")),
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Mode::DryRun => "dry-run",
            Mode::Live => "live",
        }
    }

    /// The prompt: `awsrun[dry-run ap-northeast-2]> `.
    pub(crate) fn prompt(self, region: &str) -> String {
        format!("awsrun[{} {region}]> ", self.label())
    }
}
