//! The errors every simulated operation shares, worded as AWS words them.

use crate::cloud::{CloudError, Kind};
use crate::diagnostic::code;

/// The code and message AWS returns for an id it does not know.
pub(super) fn not_found(op: &str, kind: Kind, id: &str) -> CloudError {
    let (code, message) = (kind.info().not_found_code, kind.not_found_message(id));
    CloudError::new(op, code, message).with_hint(format!(
        "no live {kind} `{id}` exists in this account and region; check the id, or create the {kind} first"
    ))
}

/// AWS's `DependencyViolation`, with what to remove first.
pub(super) fn dependency(op: &str, kind: Kind, id: &str, hint: String) -> CloudError {
    let message = match kind {
        Kind::SecurityGroup => format!("resource {id} has a dependent object"),
        Kind::Subnet => format!("The subnet '{id}' has dependencies and cannot be deleted."),
        Kind::Vpc => format!("The vpc '{id}' has dependencies and cannot be deleted."),
        Kind::RouteTable => {
            format!("The routeTable '{id}' has dependencies and cannot be deleted.")
        }
        _ => format!("The {kind} '{id}' has dependencies and cannot be deleted."),
    };
    CloudError::new(op, code::Aws::DependencyViolation, message).with_hint(hint)
}

/// ELBv2's `ValidationError`.
pub(super) fn validation(
    op: &str,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> CloudError {
    CloudError::new(op, code::Aws::ValidationError, message).with_hint(hint)
}

/// EC2's `InvalidParameterValue`.
pub(super) fn invalid_value(
    op: &str,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> CloudError {
    CloudError::new(op, code::Aws::InvalidParameterValue, message).with_hint(hint)
}
