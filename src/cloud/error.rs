//! An error reported by a cloud backend, kept as AWS reports it.

use std::fmt;

/// An AWS (or simulated-account) error: operation + code + message.
///
/// The simulated account raises the same codes AWS does, so a script fails
/// the same way in dry-run as it would live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudError {
    /// The API operation, e.g. `CreateSubnet`.
    pub operation: String,
    /// AWS's error code, e.g. `InvalidSubnet.Conflict`.
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    /// What the user can do about it.
    pub hint: Option<String>,
}

impl CloudError {
    pub fn new(operation: &str, code: &str, message: impl Into<String>) -> Self {
        CloudError {
            operation: operation.to_string(),
            code: code.to_string(),
            message: message.into(),
            request_id: None,
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn with_request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }
}

impl fmt::Display for CloudError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed: {}: {}",
            self.operation, self.code, self.message
        )
    }
}

impl std::error::Error for CloudError {}

pub type CloudResult<T> = Result<T, CloudError>;
