//! Dry-run or live: which account the prompt talks to.

use super::workspace::STACK;
use crate::cloud::Cloud;
use crate::diagnostic::Report;
use crate::ui::lock::LineLock;
use crate::ui::{Config, TextSink, backend};
use std::cell::RefCell;
use std::rc::Rc;

thread_local! {
    /// The lock of the live cloud in use (one per session; the prompt runs
    /// on one thread).
    static LINE_LOCK: RefCell<Option<LineLock>> = const { RefCell::new(None) };
}

/// Ends a line of the prompt: a live line that wrote releases the stack's
/// lock here, so another run can take it between lines.
pub(crate) fn end_of_line() {
    LINE_LOCK.with(|lock| {
        if let Some(lock) = lock.borrow().as_ref() {
            lock.release();
        }
    });
}

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
    /// real one mirrored when AWS is configured), or AWS itself, whose
    /// writes then take the stack's lock for the line they are on (see
    /// [`end_of_line`]).
    pub(crate) fn cloud(self, config: &Config) -> Result<Rc<dyn Cloud>, Box<Report>> {
        match self {
            Mode::DryRun => {
                let cloud = backend::planning(config, STACK).map(|(cloud, _)| cloud)?;
                LINE_LOCK.with(|lock| lock.replace(None));
                Ok(cloud)
            }
            Mode::Live => {
                let aws = backend::live(config)?;
                let lock = LineLock::install(config, &aws, STACK)?;
                LINE_LOCK.with(|slot| slot.replace(Some(lock)));
                Ok(aws as Rc<dyn Cloud>)
            }
        }
    }

    /// Plan lines and prints as they happen; waits show progress only when live.
    pub(crate) fn sink(self) -> Rc<TextSink> {
        Rc::new(TextSink::new(self == Mode::Live))
    }
}
