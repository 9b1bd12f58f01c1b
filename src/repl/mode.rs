//! Dry-run or live: which account the prompt talks to.

use super::workspace::STACK;
use crate::cloud::Cloud;
use crate::diagnostic::Report;
use crate::ui::{Config, TextSink, backend};
use std::rc::Rc;

/// The REPL's mode, shown in the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A simulated account that lives as long as the session.
    DryRun,
    /// AWS itself: resource functions change the account.
    Live,
}

impl Mode {
    pub(crate) fn parse(text: &str) -> Option<Mode> {
        match text {
            "dry-run" | "dryrun" | "dry" => Some(Mode::DryRun),
            "live" => Some(Mode::Live),
            _ => None,
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

    /// The cloud of this mode: the simulated account (brand-new, or the
    /// real one mirrored when AWS is configured), or AWS itself.
    pub(crate) fn cloud(self, config: &Config) -> Result<Rc<dyn Cloud>, Box<Report>> {
        match self {
            Mode::DryRun => backend::planning(config, STACK).map(|(cloud, _)| cloud),
            Mode::Live => backend::live(config).map(|aws| aws as Rc<dyn Cloud>),
        }
    }

    /// Plan lines and prints as they happen; waits show progress only when live.
    pub(crate) fn sink(self) -> Rc<TextSink> {
        Rc::new(TextSink::new(self == Mode::Live))
    }
}
