//! An error reported by a cloud backend, kept as AWS reports it.

use crate::diagnostic::code::AwsCode;
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
    /// An error awsrun raises itself (the simulated account, or the AWS
    /// backend for a failure AWS gave no code to): `code::Aws::...` or
    /// `code::Backend::...`.
    pub fn new(operation: &str, code: impl Into<AwsCode>, message: impl Into<String>) -> Self {
        CloudError::returned(operation, code.into().as_str(), message)
    }

    /// An error as AWS returned it, with whatever code AWS gave.
    pub fn returned(operation: &str, code: &str, message: impl Into<String>) -> Self {
        CloudError {
            operation: operation.to_string(),
            code: code.to_string(),
            message: message.into(),
            request_id: None,
            hint: None,
        }
    }

    /// The code as reports show it: `awsrun::aws::` and AWS's code.
    pub fn report_code(&self) -> String {
        format!("{}{}", AwsCode::PREFIX, self.code)
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
