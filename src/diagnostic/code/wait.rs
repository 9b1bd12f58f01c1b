//! `wait`, `wait_healthy`, `wait_terminated` and `wait_drained`.

use super::{Code, Entry, Section};

section! {
    Wait: Code = "Waits";

    Timeout = "awsrun::wait::timeout" {
        when: "`wait`, `wait_healthy`, `wait_terminated` or `wait_drained` gave up: the resource \
               was still not ready (or instances still shutting down, or targets still draining) \
               after the timeout (900 seconds by default).",
        what_to_do: "Wait longer with `#{timeout: SECONDS}`, or look at the resource in the AWS \
                     console; a re-run resumes where it stopped.",
    }
    Failed = "awsrun::wait::failed" {
        when: "A waited-for resource reached a state from which it will never become ready: a \
               NAT gateway failed, deleting or deleted, an instance shutting down, stopping, \
               stopped or terminated, a load balancer failed; or `wait_terminated` on an \
               instance not being terminated, or `wait_drained` on a target still registered.",
        what_to_do: "Follow the help: look at why the resource failed; re-run the script to \
                     replace a failed NAT gateway or a terminated instance, start a stopped \
                     instance, delete a failed load balancer first; terminate before \
                     `wait_terminated`, deregister before `wait_drained`.",
    }
    NoTargets = "awsrun::wait::no_targets" {
        when: "`wait_healthy(tg)` on a target group with no registered targets.",
        what_to_do: "Register instances first: `register(tg, servers)`.",
    }
    Unhealthy = "awsrun::wait::unhealthy" {
        when: "`wait_healthy(tg)` saw a target `unused` for AWS's reason `Target.NotInUse`: no \
               listener forwards to the target group, or the target's Availability Zone is not \
               enabled on the load balancer, so AWS never health-checks it and it never becomes \
               healthy. The message quotes AWS's reason code and description for every target \
               not healthy.",
        what_to_do: "Forward a listener to the group (`listener(lb, #{port: 80, forward: tg})`), \
                     or give the load balancer a subnet in the target's Availability Zone.",
    }
}
