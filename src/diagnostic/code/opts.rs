//! The option maps (`#{...}`) host and stdlib functions take.

use super::{Code, Entry, Section};

section! {
    Opts: Code = "Options";

    UnknownKey = "awsrun::opts::unknown_key" {
        when: "An options map (`#{...}`) has a key the function does not take; the message lists \
               the allowed keys. Nested maps (`health_check`, `ingress` rules, `routes`) and \
               stdlib functions are checked too.",
        what_to_do: "Use the suggested key (`did you mean ...?`); `awsrun docs NAME` describes \
                     each option.",
    }
    Missing = "awsrun::opts::missing" {
        when: "A required option is missing, e.g. `cidr` of `subnet()`, `subnets` of \
               `instances()`, `load_balancer()`, `alb()` or `app_servers()`, `from` of \
               `app_servers()` or of an ingress rule, `name` of `rolling_replace()`, or a route \
               with neither `nat` nor `igw`.",
        what_to_do: "Add the option, as the help says; `awsrun docs NAME` shows an example.",
    }
    Type = "awsrun::opts::type" {
        when: "An option has the wrong type, e.g. a `--var` text where a number is needed, \
               `\"true\"` in quotes, or a route or ingress rule that is not a map.",
        what_to_do: "Give the type named: `parse_int(...)` turns text into a number; write \
                     `true`/`false` without quotes; write each route as a map (`#{ dest: \
                     \"0.0.0.0/0\", nat: nat }`, or `igw`) and each ingress rule too (`#{ port: \
                     443, from: \"0.0.0.0/0\" }`).",
    }
    Range = "awsrun::opts::range" {
        when: "A number option is outside its range: a port (1 to 65535; 0 to 65535 in ingress \
               rules), `count` or `first` (1 to 100000), `timeout` (1 to 86400 seconds), a \
               health check's `interval` (5 to 300) or `healthy_threshold` (2 to 10), a target \
               group's `deregistration_delay` (0 to 3600 seconds).",
        what_to_do: "Give a value in the range the message states.",
    }
    Value = "awsrun::opts::value" {
        when: "An option has a value outside the allowed ones: `protocol` of a target group or \
               listener (HTTP or HTTPS), `protocol` of an ingress rule (tcp or udp), `scheme` \
               (internet-facing or internal), `nat` of `private_subnet()` (only \"shared\"), or \
               `batch` of `rolling_replace()` (a whole number from 1).",
        what_to_do: "Use one of the values the help lists.",
    }
}
