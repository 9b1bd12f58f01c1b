//! `rolling_replace()`: `stdlib/rolling.rhai` raises these with `fail(...)`,
//! so `engine::stdlib::CODES` names them for it.

use super::{Code, Entry, Section};

section! {
    Rolling: Code = "Rolling deploys";

    Capacity = "awsrun::rolling::capacity" {
        when: "`rolling_replace()` is given a `count` below the number of servers serving now.",
        what_to_do: "Deploy with the servers you have, then scale down: a rolling deploy never \
                     lowers capacity.",
    }
    Unhealthy = "awsrun::rolling::unhealthy" {
        when: "A new server of a batch is not healthy after `wait_healthy`. Raised inside the \
               batch, so it reaches the user within `awsrun::rolling::rolled_back`.",
        what_to_do: "Look at the target group's health checks and the new version's logs.",
    }
    RolledBack = "awsrun::rolling::rolled_back" {
        when: "A batch of `rolling_replace()` failed (its servers did not start or never became \
               healthy); its new servers were deregistered and terminated, the old ones still \
               serve. The message carries the batch's error.",
        what_to_do: "Fix the new version and run the deploy again: it resumes with this batch. \
                     If rolling back failed too, terminate the servers the help names yourself.",
    }
}
