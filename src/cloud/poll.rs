//! One way to poll a slow resource: how long to sleep between two looks
//! (the backend's [`Cloud::poll_interval`]) and when to give up.
//!
//! Live, a poll gives up when its time limit has passed. In a dry run the
//! simulated account moves a resource one step per look (or, under the
//! latency model, by its clock), so a resource that has not arrived after
//! [`Poll::DRY_RUN_LOOKS`] looks never will; the cap stops a dry run from
//! spinning on it, whatever the time limit says.

use super::{Cloud, Mode};
use std::time::{Duration, Instant};

pub struct Poll<'a> {
    cloud: &'a dyn Cloud,
    start: Instant,
    limit: Duration,
    attempt: u32,
}

impl<'a> Poll<'a> {
    /// Looks a dry run makes before it gives up.
    pub const DRY_RUN_LOOKS: u32 = 1000;

    pub fn new(cloud: &'a dyn Cloud, limit: Duration) -> Self {
        Poll {
            cloud,
            start: Instant::now(),
            limit,
            attempt: 0,
        }
    }

    /// How many times this poll has slept.
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// Whether to give up: the time limit has passed or, in a dry run, the
    /// looks are used up.
    pub fn over(&self) -> bool {
        self.start.elapsed() >= self.limit
            || (self.cloud.mode() == Mode::DryRun && self.attempt >= Self::DRY_RUN_LOOKS)
    }

    /// Sleeps before the next look, longer each time (the backend's backoff).
    pub fn sleep(&mut self) {
        std::thread::sleep(self.cloud.poll_interval(self.attempt));
        self.attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::SimAccount;

    #[test]
    fn a_dry_run_gives_up_after_its_looks_whatever_the_limit() {
        let cloud = SimAccount::new("ap-northeast-2");
        let mut poll = Poll::new(&cloud, Duration::from_secs(86_400));
        let mut looks = 0;
        while !poll.over() {
            poll.sleep();
            looks += 1;
        }
        assert_eq!(looks, Poll::DRY_RUN_LOOKS);
        assert!(Poll::new(&cloud, Duration::ZERO).over());
    }
}
