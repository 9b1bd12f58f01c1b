//! How a command ends, as the process's exit code.

use std::process::ExitCode;

/// Exit codes: 0 success; 1 script, validation or AWS failure; 2 usage
/// error or refused confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Failure = 1,
    Usage = 2,
    /// Stopped by Ctrl-C (128 + SIGINT).
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}
