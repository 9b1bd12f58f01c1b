//! Eventual consistency: AWS may not know an id it has just handed out.
//!
//! The Amazon EC2 Developer Guide ("Eventual consistency in the Amazon EC2
//! API") warns that "if you run a command to modify or describe the
//! resource that you just created, its ID might not have propagated
//! throughout the system, and you will get an error responding that the
//! resource does not exist" (`InvalidGroup.NotFound` after
//! `CreateSecurityGroup`, `InvalidInstanceID.NotFound` after
//! `RunInstances`, ...), and recommends retrying with a backoff that starts
//! at a couple of seconds and grows up to a few minutes. ELBv2 behaves the
//! same for new target groups and load balancers.
//!
//! Invariants:
//! - Only a NotFound (a code containing `NotFound`, or Auto Scaling's
//!   `ValidationError` saying "not found") for an id *this run*
//!   created ([`super::cache::Cache::is_made`]) is retried; a NotFound for
//!   anything else (a typo, a resource deleted by hand) fails at once.
//! - The retries wait 1 s, 2 s, 4 s, ... up to 20 s apart and give up
//!   after [`PATIENCE`] in all, with an error saying so.
//! - Each retry prints one `waiting:` line on stderr, like the lines of
//!   `wait` on a pipe. The backend has no sink (the engine's display): the
//!   retry happens inside one backend call, which the engine never sees,
//!   and it is a wait the user sits through, so it is shown without `-v`.

use std::time::{Duration, Instant};

use super::AwsCloud;
use crate::cloud::{CloudError, CloudResult};

/// The first pause before a retry.
const FIRST: Duration = Duration::from_secs(1);
/// The longest pause between two tries.
const LONGEST: Duration = Duration::from_secs(20);
/// How long AWS may take to know a new id, in all.
pub(super) const PATIENCE: Duration = Duration::from_secs(180);

impl AwsCloud {
    /// Runs `call`, again and again while it fails with a NotFound for one
    /// of `names` that this run created. `names` are the ids the request
    /// names (what AWS may not know yet).
    pub(super) fn patiently<T>(
        &self,
        names: &[&str],
        mut call: impl FnMut() -> CloudResult<T>,
    ) -> CloudResult<T> {
        let started = Instant::now();
        let mut pause = FIRST;
        loop {
            let err = match call() {
                Ok(value) => return Ok(value),
                Err(err) => err,
            };
            let Some(id) = self.unpropagated(&err, names) else {
                return Err(err);
            };
            let waited = started.elapsed();
            if waited + pause > PATIENCE {
                return Err(gave_up(err, id, waited));
            }
            eprintln!(
                "waiting: {id} is not known to AWS yet ({} {}: {}); retrying in {}s ({}s so far)",
                err.operation,
                err.code,
                err.message,
                pause.as_secs(),
                waited.as_secs()
            );
            std::thread::sleep(pause);
            pause = (pause * 2).min(LONGEST);
        }
    }

    /// The id of `names` that this run created, when `err` says AWS does
    /// not know one.
    fn unpropagated<'a>(&self, err: &CloudError, names: &[&'a str]) -> Option<&'a str> {
        // Auto Scaling answers `ValidationError` for everything; only the
        // message says a group is unknown.
        let unknown_group = err.code == "ValidationError" && err.message.contains("not found");
        if !is_not_found(&err.code) && !unknown_group {
            return None;
        }
        let cache = self.cache();
        names.iter().copied().find(|id| cache.is_made(id))
    }
}

/// Whether an error code says an id is unknown.
pub(super) fn is_not_found(code: &str) -> bool {
    code.contains("NotFound")
}

fn gave_up(err: CloudError, id: &str, waited: Duration) -> CloudError {
    let hint = format!(
        "awsrun created {id} in this run, but AWS still did not know it after {}s; AWS is \
         eventually consistent and usually catches up within minutes: re-run the script, it \
         resumes where it stopped",
        waited.as_secs()
    );
    err.with_hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_not_found_counts_and_nothing_else() {
        for code in [
            "InvalidGroup.NotFound",
            "InvalidInstanceID.NotFound",
            "NatGatewayNotFound",
            "TargetGroupNotFound",
            "LoadBalancerNotFound",
        ] {
            assert!(is_not_found(code), "{code}");
        }
        for code in ["InvalidTarget", "DependencyViolation", "AuthFailure"] {
            assert!(!is_not_found(code), "{code}");
        }
    }

    #[test]
    fn giving_up_says_what_was_not_known_and_how_to_go_on() {
        let err = CloudError::returned("CreateRoute", "InvalidRouteTableID.NotFound", "gone");
        let err = gave_up(err, "rtb-1", Duration::from_secs(181));
        let hint = err.hint.unwrap();
        assert!(hint.contains("rtb-1"), "{hint}");
        assert!(hint.contains("181s"), "{hint}");
        assert!(hint.contains("re-run the script"), "{hint}");
    }
}
