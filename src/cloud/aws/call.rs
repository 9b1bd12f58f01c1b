//! The one place every request goes through: it counts the request, logs
//! it with `-v` (service, operation, time; never a parameter, since those
//! can hold user data or secrets) and turns SDK errors into [`CloudError`]s
//! that keep AWS's code, message and request id, with a hint where one helps.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::operation::RequestId;

use super::AwsCloud;
use super::connect::MAX_ATTEMPTS;
use crate::cloud::{CloudError, CloudResult};
use crate::diagnostic::code::{self, Hinted};

/// The AWS service a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Service {
    Ec2,
    Elb,
    Sts,
    Acm,
    Route53,
    S3,
    AutoScaling,
}

impl Service {
    /// The name in `-v` lines.
    fn log_name(self) -> &'static str {
        match self {
            Service::Ec2 => "ec2",
            Service::Elb => "elbv2",
            Service::Sts => "sts",
            Service::Acm => "acm",
            Service::Route53 => "route53",
            Service::S3 => "s3",
            Service::AutoScaling => "autoscaling",
        }
    }

    /// The IAM action prefix, which is also the endpoint's host prefix.
    fn iam_prefix(self) -> &'static str {
        match self {
            Service::Ec2 => "ec2",
            Service::Elb => "elasticloadbalancing",
            Service::Sts => "sts",
            Service::Acm => "acm",
            Service::Route53 => "route53",
            Service::S3 => "s3",
            Service::AutoScaling => "autoscaling",
        }
    }
}

/// The request counter and what error messages need to know.
#[derive(Debug)]
pub(super) struct Calls {
    count: AtomicUsize,
    verbose: bool,
    endpoint: Option<String>,
    region: String,
}

impl Calls {
    pub(super) fn new(verbose: bool, endpoint: Option<String>, region: &str) -> Self {
        Calls {
            count: AtomicUsize::new(0),
            verbose,
            endpoint,
            region: region.to_string(),
        }
    }

    pub(super) fn count(&self) -> usize {
        self.count.load(Ordering::Relaxed)
    }

    fn endpoint(&self, service: Service) -> String {
        match &self.endpoint {
            Some(url) => url.clone(),
            // Route 53 is global: one endpoint for every region.
            None if service == Service::Route53 => "https://route53.amazonaws.com".to_string(),
            None => format!(
                "https://{}.{}.amazonaws.com",
                service.iam_prefix(),
                self.region
            ),
        }
    }

    fn error<E>(&self, service: Service, operation: &str, err: SdkError<E>) -> CloudError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        match &err {
            SdkError::ServiceError(context) => {
                let raw = context.raw();
                let code = context
                    .err()
                    .code()
                    .unwrap_or(code::Backend::Unknown.as_str());
                let message = match context.err().message() {
                    Some(message) => message.to_string(),
                    None => format!("HTTP status {}", raw.status().as_u16()),
                };
                let mut error = CloudError::returned(operation, code, message);
                // The header is what AWS (and compatible servers) fill
                // reliably; EC2 also repeats it in the body.
                let request_id = raw
                    .headers()
                    .get("x-amzn-requestid")
                    .or_else(|| raw.headers().get("x-amz-request-id"))
                    .or_else(|| context.err().meta().request_id());
                if let Some(id) = request_id {
                    error = error.with_request_id(id);
                }
                match hint(service, operation, code) {
                    Some(hint) => error.with_hint(hint),
                    None => error,
                }
            }
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
                let endpoint = self.endpoint(service);
                CloudError::new(
                    operation,
                    code::Backend::ConnectionError,
                    format!("could not reach {endpoint}: {}", causes(&err)),
                )
                .with_hint(format!(
                    "check the network, the region and --endpoint-url (AWS_ENDPOINT_URL); the \
                     request was tried {MAX_ATTEMPTS} times"
                ))
            }
            // The chain of messages only: an error's `Debug` (which
            // `DisplayErrorContext` appends) holds the raw response.
            _ => CloudError::new(operation, code::Backend::SdkError, causes(&err)),
        }
    }
}

/// An error and its sources, each once: `dispatch failure: io error: ...`.
pub(super) fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(err) = next {
        let text = err.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    parts.join(": ")
}

/// What the user can do about an AWS error code, where awsrun knows (the
/// groups of codes are `code::Hinted`'s).
/// `InvalidSubnet.Conflict` is left to the engine, which knows the free blocks.
fn hint(service: Service, operation: &str, code: &str) -> Option<String> {
    let hint = match Hinted::of(code)? {
        Hinted::Permission => format!(
            "the credentials lack the IAM permission `{}:{operation}`; ask an administrator \
             to allow it",
            service.iam_prefix()
        ),
        Hinted::Throttling => format!(
            "AWS throttled the request; it was retried {} times",
            MAX_ATTEMPTS - 1
        ),
        Hinted::Credentials => "AWS rejected the credentials; check them with \
             `aws sts get-caller-identity` or set them up again with `aws configure`"
            .to_string(),
        Hinted::Expired => {
            "the credentials have expired; refresh them (for an SSO profile: `aws sso login`)"
                .to_string()
        }
    };
    Some(hint)
}

impl AwsCloud {
    /// Sends one request: counts it, logs it with `-v`, maps its error.
    pub(super) fn send<T, E>(
        &self,
        service: Service,
        operation: &'static str,
        request: impl Future<Output = Result<T, SdkError<E>>>,
    ) -> CloudResult<T>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.calls.count.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let result = self.runtime.block_on(request);
        if self.calls.verbose {
            eprintln!(
                "aws: {} {operation} ({} ms)",
                service.log_name(),
                started.elapsed().as_millis()
            );
        }
        result.map_err(|err| self.calls.error(service, operation, err))
    }

    /// Like [`AwsCloud::send`], and an error keeps the HTTP status AWS
    /// answered with (S3 tells a missing key, a failed precondition and a
    /// conflicting write apart by status: 404, 412, 409). The pair is
    /// matched on at once by the caller, never passed on.
    #[allow(clippy::result_large_err)]
    pub(super) fn send_status<T, E>(
        &self,
        service: Service,
        operation: &'static str,
        request: impl Future<Output = Result<T, SdkError<E>>>,
    ) -> Result<T, (Option<u16>, CloudError)>
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        self.calls.count.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let result = self.runtime.block_on(request);
        if self.calls.verbose {
            eprintln!(
                "aws: {} {operation} ({} ms)",
                service.log_name(),
                started.elapsed().as_millis()
            );
        }
        result.map_err(|err| {
            let status = match &err {
                SdkError::ServiceError(context) => Some(context.raw().status().as_u16()),
                _ => None,
            };
            (status, self.calls.error(service, operation, err))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unauthorized_operations_name_the_iam_action() {
        let hint = hint(Service::Ec2, "CreateSubnet", "UnauthorizedOperation").unwrap();
        assert!(hint.contains("`ec2:CreateSubnet`"), "{hint}");
        let hint = hint_for_elb();
        assert!(
            hint.contains("`elasticloadbalancing:CreateLoadBalancer`"),
            "{hint}"
        );
    }

    fn hint_for_elb() -> String {
        hint(Service::Elb, "CreateLoadBalancer", "AccessDenied").unwrap()
    }

    #[test]
    fn throttling_says_how_often_it_was_retried() {
        let hint = hint(Service::Ec2, "DescribeSubnets", "RequestLimitExceeded").unwrap();
        assert_eq!(hint, "AWS throttled the request; it was retried 4 times");
    }

    #[test]
    fn subnet_conflicts_are_left_to_the_engine() {
        assert_eq!(
            hint(Service::Ec2, "CreateSubnet", "InvalidSubnet.Conflict"),
            None
        );
    }

    #[test]
    fn without_an_endpoint_override_the_regional_endpoint_is_named() {
        let calls = Calls::new(false, None, "ap-northeast-2");
        assert_eq!(
            calls.endpoint(Service::Elb),
            "https://elasticloadbalancing.ap-northeast-2.amazonaws.com"
        );
    }

    #[test]
    fn route_53_has_one_endpoint_for_every_region() {
        for region in ["ap-northeast-2", "eu-west-1"] {
            let calls = Calls::new(false, None, region);
            assert_eq!(
                calls.endpoint(Service::Route53),
                "https://route53.amazonaws.com"
            );
            assert_eq!(
                calls.endpoint(Service::Acm),
                format!("https://acm.{region}.amazonaws.com")
            );
        }
    }
}
