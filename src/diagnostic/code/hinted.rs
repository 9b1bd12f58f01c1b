//! The AWS codes a live run can meet that awsrun adds a help line to
//! (`cloud::aws`'s `hint`): AWS raises them, awsrun only recognises them.

use super::{AwsCode, Entry, Section};

/// Declares the rows: the enum, `Hinted::of(code)` and the `SECTION` table.
macro_rules! hinted {
    (
        $title:literal;
        $(
            $variant:ident = [$($text:literal),+ $(,)?] {
                when: $when:literal,
                what_to_do: $what_to_do:literal $(,)?
            }
        )+
    ) => {
        /// A group of AWS codes that share one help line.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Hinted {
            $($variant,)+
        }

        impl Hinted {
            /// The group AWS's `code` belongs to, if awsrun has help for it.
            pub(crate) fn of(code: &str) -> Option<Hinted> {
                match code {
                    $($($text)|+ => Some(Hinted::$variant),)+
                    _ => None,
                }
            }
        }

        pub(super) const SECTION: Section = Section {
            title: $title,
            intro: "",
            prefix: AwsCode::PREFIX,
            entries: &[$(Entry {
                codes: &[$($text),+],
                when: $when,
                what_to_do: $what_to_do,
            },)+],
        };
    };
}

hinted! {
    "AWS codes awsrun adds a help line to";

    Permission = [
        "UnauthorizedOperation",
        "AccessDenied",
        "AccessDeniedException",
    ] {
        when: "The credentials lack the IAM permission for the operation; the help names it \
               (`ec2:CreateSubnet`, ...).",
        what_to_do: "Ask an administrator to allow that permission.",
    }
    Throttling = [
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
        "BandwidthLimitExceeded",
    ] {
        when: "AWS throttled the request, still after 4 retries.",
        what_to_do: "Wait and re-run; the script resumes where it stopped.",
    }
    Credentials = [
        "AuthFailure",
        "InvalidClientTokenId",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
    ] {
        when: "AWS rejected the credentials.",
        what_to_do: "Check them with `aws sts get-caller-identity`, or set them up again with \
                     `aws configure`.",
    }
    Expired = [
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
    ] {
        when: "The credentials have expired (`RequestExpired` can also mean the computer's clock \
               is off).",
        what_to_do: "Refresh the credentials (`aws sso login` for an SSO profile); check the \
                     clock.",
    }
}
