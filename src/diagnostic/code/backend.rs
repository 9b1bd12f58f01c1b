//! The codes awsrun's AWS backend gives the failures AWS gave no code to,
//! and the AWS codes only a live run meets.

use super::{AwsCode, Entry, Section};

section! {
    Backend: AwsCode = "Produced by awsrun's AWS backend";

    NoCredentials = "NoCredentials" {
        when: "A live run or `destroy` finds no AWS credentials. (A dry run without credentials \
               plans against a new simulated account instead.)",
        what_to_do: "Run `aws configure`, choose a profile (`AWS_PROFILE`, `--profile`), set \
                     `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`, or `aws sso login`.",
    }
    NoRegion = "NoRegion" {
        when: "No AWS region is configured.",
        what_to_do: "Pass `--region`, set `AWS_REGION`, or set `region` in the profile.",
    }
    ConnectionError = "ConnectionError" {
        when: "The endpoint could not be reached, after 5 attempts.",
        what_to_do: "Check the network, the region and `--endpoint-url` (`AWS_ENDPOINT_URL`).",
    }
    SdkError = "SdkError" {
        when: "The AWS SDK failed in another way; the message gives its causes.",
        what_to_do: "Read the causes; `-v` logs each AWS call.",
    }
    Unknown = "Unknown" {
        when: "AWS answered with an error that carries no code; the message gives the HTTP \
               status.",
        what_to_do: "Check the endpoint (`--endpoint-url`) and the service's status.",
    }
    RuntimeError = "RuntimeError" {
        when: "awsrun could not start its runtime for AWS calls.",
        what_to_do: "Check the system's limits on threads; retry.",
    }
    EmptyResponse = "EmptyResponse" {
        when: "AWS answered a create call without the resource.",
        what_to_do: "Re-run the script; it resumes where it stopped.",
    }
    NotAdoptable = "NotAdoptable" {
        when: "`--adopt` was about to tag a resource awsrun never adopts (the default VPC, a \
               default subnet, a main route table, a `default` security group) or one already \
               tagged into a stack.",
        what_to_do: "Report it as a bug in awsrun: the engine only adopts what the backend lists \
                     as untagged.",
    }
    UnsupportedKind = "UnsupportedKind" {
        when: "The AWS backend was asked for a kind of resource it does not manage, or a \
               backend wrapping another was asked for a change it does not pass on (a target \
               group's settings).",
        what_to_do: "Report it as a bug in awsrun.",
    }
    InvalidAmiNameNotFound = "InvalidAMIName.NotFound" {
        when: "`latest_ami(FAMILY)`: no Amazon image of that family is available in the region.",
        what_to_do: "Use another family, or pass `image` explicitly.",
    }
    Timeout = "Timeout" {
        when: "`awsrun destroy`: an instance or NAT gateway was not gone after 15 minutes.",
        what_to_do: "Re-run `awsrun destroy --stack NAME` in a few minutes; it continues where \
                     it stopped.",
    }
    InvalidNetworkInterfaceInUse = "InvalidNetworkInterface.InUse" {
        when: "A live delete found a network interface still in use; `destroy` retries it for up \
               to 15 minutes.",
        what_to_do: "Wait until the instances and NAT gateways are gone, then run `awsrun \
                     destroy` again.",
    }
    StackLocked = "StackLocked" {
        when: "A line of the live prompt (`awsrun repl`) was about to change AWS while another \
               run holds the stack's lock (the message names who, since when, the command and \
               the host). Nothing of that write was sent; what the line did before stays.",
        what_to_do: "Wait for the other run to finish and type the line again; a lock left by a \
                     killed run is cleared with `awsrun unlock --stack NAME`.",
    }
}
