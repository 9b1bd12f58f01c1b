//! The errors every simulated operation shares, worded as AWS words them.

use crate::cloud::{CloudError, Kind};

/// The code and message AWS returns for an id it does not know.
pub(super) fn not_found(op: &str, kind: Kind, id: &str) -> CloudError {
    let (code, message) = match kind {
        Kind::Vpc => (
            "InvalidVpcID.NotFound",
            format!("The vpc ID '{id}' does not exist"),
        ),
        Kind::InternetGateway => (
            "InvalidInternetGatewayID.NotFound",
            format!("The internetGateway ID '{id}' does not exist"),
        ),
        Kind::Subnet => (
            "InvalidSubnetID.NotFound",
            format!("The subnet ID '{id}' does not exist"),
        ),
        Kind::ElasticIp => (
            "InvalidAllocationID.NotFound",
            format!("The allocation ID '{id}' does not exist"),
        ),
        Kind::NatGateway => (
            "NatGatewayNotFound",
            format!("The Nat Gateway {id} was not found"),
        ),
        Kind::RouteTable => (
            "InvalidRouteTableID.NotFound",
            format!("The routeTable ID '{id}' does not exist"),
        ),
        Kind::SecurityGroup => (
            "InvalidGroup.NotFound",
            format!("The security group '{id}' does not exist"),
        ),
        Kind::Instance => (
            "InvalidInstanceID.NotFound",
            format!("The instance ID '{id}' does not exist"),
        ),
        Kind::TargetGroup => (
            "TargetGroupNotFound",
            "One or more target groups not found".into(),
        ),
        Kind::LoadBalancer => (
            "LoadBalancerNotFound",
            "One or more load balancers not found".into(),
        ),
        Kind::Listener => ("ListenerNotFound", "One or more listeners not found".into()),
    };
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
    CloudError::new(op, "DependencyViolation", message).with_hint(hint)
}

/// ELBv2's `ValidationError`.
pub(super) fn validation(
    op: &str,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> CloudError {
    CloudError::new(op, "ValidationError", message).with_hint(hint)
}

/// EC2's `InvalidParameterValue`.
pub(super) fn invalid_value(
    op: &str,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> CloudError {
    CloudError::new(op, "InvalidParameterValue", message).with_hint(hint)
}
