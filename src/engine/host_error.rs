//! The error a host function raises into a script.
//!
//! It travels through Rhai as the payload of `EvalAltResult::ErrorRuntime`
//! and is turned back into a report (with the script position Rhai filled in)
//! by `crate::diagnostic`.

use crate::cloud::CloudError;
use crate::diagnostic::code::Code;
use rhai::{Dynamic, EvalAltResult, Position};
use std::fmt;

/// A failure of a host function: a stable code, a message, what to do next.
#[derive(Debug, Clone)]
pub struct HostError {
    /// Stable diagnostic code, e.g. `awsrun::opts::unknown_key`.
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    /// The AWS (or simulated) error behind it, if any.
    pub cloud: Option<CloudError>,
}

impl HostError {
    /// A failure with one of awsrun's codes (`code::Opts::Missing`).
    pub fn new(code: impl Into<Code>, message: impl Into<String>) -> Self {
        HostError::custom(code.into().as_str(), message)
    }

    /// A failure with a code awsrun does not own: a team module's, which
    /// `fail(code, message, help)` raises.
    pub fn custom(code: &str, message: impl Into<String>) -> Self {
        HostError {
            code: code.to_string(),
            message: message.into(),
            help: None,
            cloud: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Into the boxed Rhai error a host function returns.
    pub fn into_rhai(self) -> Box<EvalAltResult> {
        EvalAltResult::ErrorRuntime(Dynamic::from(self), Position::NONE).into()
    }
}

#[cfg(test)]
impl HostError {
    /// The host error a host function raised, for tests; panics on any other error.
    pub(crate) fn of(err: &EvalAltResult) -> HostError {
        match err {
            EvalAltResult::ErrorRuntime(value, _) => value
                .clone()
                .try_cast::<HostError>()
                .expect("the payload is a host error"),
            other => panic!("not a host error: {other}"),
        }
    }
}

impl From<CloudError> for HostError {
    fn from(err: CloudError) -> Self {
        let mut message = format!("{}: {}", err.operation, err.message);
        if let Some(id) = &err.request_id {
            message.push_str(&format!(" (request id {id})"));
        }
        HostError {
            code: err.report_code(),
            message,
            help: err.hint.clone(),
            cloud: Some(err),
        }
    }
}

impl From<HostError> for Box<EvalAltResult> {
    fn from(err: HostError) -> Self {
        err.into_rhai()
    }
}

impl From<CloudError> for Box<EvalAltResult> {
    fn from(err: CloudError) -> Self {
        HostError::from(err).into_rhai()
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for HostError {}

/// The result type of every host function.
pub type HostResult<T> = Result<T, Box<EvalAltResult>>;
