//! Targets under the latency model: when a registered instance turns
//! `healthy` and when a deregistered one is done draining, on both clocks
//! (the rules, with their AWS sources, are in `latency.rs`'s module docs).

use std::time::Instant;

use super::latency::{INSTANCE_BOOT, Mark, PathStep};
use super::state::State;
use crate::cloud::{CloudResult, HealthCheck, Kind, Resource, TargetHealth};

/// AWS seconds from the moment health checks may start (`start`) until a
/// target whose app answers from `ready` on is `healthy`: checks come one
/// `interval` apart, the first one interval after `start`; the first that
/// finds the app answering makes a new target healthy, unless
/// `unhealthy_threshold` checks failed before it, in which case the target
/// went unhealthy and needs `healthy_threshold` passing checks in a row.
pub fn first_healthy(start: u64, ready: u64, check: &HealthCheck) -> u64 {
    let interval = u64::from(check.interval.max(1));
    let checks = ready.saturating_sub(start).div_ceil(interval).max(1);
    let passing = start + checks * interval;
    if checks - 1 < u64::from(check.unhealthy_threshold) {
        passing
    } else {
        passing + (u64::from(check.healthy_threshold).max(1) - 1) * interval
    }
}

/// The later of two marks on the virtual clock, and the later real moment.
fn later(a: Mark, b: Mark) -> Mark {
    let real = a.real.max(b.real);
    let mut out = if b.at > a.at { b } else { a };
    out.real = real;
    out
}

impl State {
    /// Under the latency model: what in `user_data` of instance `id` needs
    /// the internet, if anything.
    pub(super) fn note_user_data(&mut self, id: &str, user_data: &str) {
        let Some(clock) = self.clock.as_mut() else {
            return;
        };
        if let Some(command) = crate::cloud::user_data::internet_command(user_data) {
            clock.downloads.insert(id.to_string(), command);
        }
    }

    /// Notes when targets were (newly) registered (latency model only).
    pub(super) fn note_registered(&mut self, group: &str, ids: &[String]) {
        let Some(clock) = self.clock.as_mut() else {
            return;
        };
        let mark = clock.here();
        for id in ids {
            clock
                .registered
                .insert((group.to_string(), id.clone()), mark.clone());
        }
    }

    /// Notes that targets of `group` started draining now, for the group's
    /// deregistration delay (latency model only).
    pub(super) fn note_draining(&mut self, group: &str, ids: &[String]) {
        let Some(slot) = self.target_groups.get(group) else {
            return;
        };
        let delay = u64::from(slot.deregistration_delay);
        let name = self
            .store
            .get(group)
            .map(|e| e.resource.name.clone())
            .unwrap_or_default();
        let Some(clock) = self.clock.as_mut() else {
            return;
        };
        let here = clock.here();
        for id in ids {
            let step = PathStep {
                kind: Kind::TargetGroup,
                name: name.clone(),
                id: id.clone(),
                state: "drained".into(),
                start: here.at,
                seconds: delay,
            };
            let done = here.then(clock, delay, step);
            clock.drained.insert((group.to_string(), id.clone()), done);
        }
    }

    /// The NAT gateway that instance `instance`'s subnet sends internet
    /// traffic to, through its route table's `0.0.0.0/0` route.
    fn internet_nat(&self, instance: &Resource) -> Option<Resource> {
        let table = self.associations.get(instance.str("subnet"))?;
        let routes = self.store.get(table)?.resource.attr("routes")?.clone();
        let target = routes
            .as_array()?
            .iter()
            .find(|r| r["dest"] == "0.0.0.0/0")?["target"]
            .as_str()?
            .to_string();
        let nat = self.store.get(&target)?.resource.clone();
        (nat.kind == Kind::NatGateway).then_some(nat)
    }

    /// When the app of `instance` answers: [`INSTANCE_BOOT`] after it is
    /// running and, when its user data downloads through a NAT gateway,
    /// that gateway is available. An instance running before the clock
    /// started answered long ago.
    fn app_ready(&self, instance: &Resource) -> Option<Mark> {
        let clock = self.clock.as_ref()?;
        let running = clock.reaches(instance, "running")?;
        let nat = clock
            .downloads
            .get(&instance.id)
            .and_then(|_| self.internet_nat(instance))
            .and_then(|nat| clock.reaches(&nat, "available"));
        let from = match nat {
            Some(nat) => later(running, nat),
            None => running,
        };
        if from.at == 0 && from.path.is_empty() {
            return Some(from);
        }
        let step = PathStep {
            kind: Kind::Instance,
            name: instance.name.clone(),
            id: instance.id.clone(),
            state: "booted".into(),
            start: from.at,
            seconds: INSTANCE_BOOT,
        };
        Some(from.then(clock, INSTANCE_BOOT, step))
    }

    /// When target `id` of `group` turns healthy (see [`first_healthy`]):
    /// checks start once it is registered and the group's load balancer is
    /// active; a target that was serving before the clock started is
    /// healthy from the start.
    fn healthy_mark(&self, group: &str, id: &str) -> Option<Mark> {
        let clock = self.clock.as_ref()?;
        let slot = self.target_groups.get(group)?;
        let instance = self.store.get(id)?.resource.clone();
        let balancer = slot
            .load_balancer
            .as_deref()
            .and_then(|arn| self.store.get(arn))
            .and_then(|e| clock.reaches(&e.resource, "active"))
            .unwrap_or_else(|| clock.origin());
        let registered = clock
            .registered
            .get(&(group.to_string(), id.to_string()))
            .cloned();
        let running = clock.reaches(&instance, "running")?;
        let old = registered.is_none() && running.at == 0 && running.path.is_empty();
        if old && balancer.at == 0 {
            return Some(balancer);
        }
        let start = later(balancer, registered.unwrap_or_else(|| clock.origin()));
        let ready = self.app_ready(&instance)?;
        let healthy = first_healthy(start.at, ready.at, &slot.health_check);
        let from = later(start, ready);
        let name = self
            .store
            .get(group)
            .map(|e| e.resource.name.clone())
            .unwrap_or_default();
        let step = PathStep {
            kind: Kind::TargetGroup,
            name,
            id: id.to_string(),
            state: "healthy".into(),
            start: from.at,
            seconds: healthy - from.at,
        };
        Some(from.then(clock, healthy - from.at, step))
    }

    /// `DescribeTargetHealth` under the latency model: each target is
    /// `initial` until its [healthy mark](State::healthy_mark), then
    /// `healthy`; leaving targets are `draining` until their delay is over,
    /// then gone.
    pub(super) fn timed_target_health(&mut self, group: &str) -> CloudResult<Vec<TargetHealth>> {
        let targets = self.target_groups[group].targets.clone();
        let balancer = self.target_groups[group].load_balancer.clone();
        // Every clock this report reads starts now if it has not yet.
        for id in targets.iter().chain(&balancer) {
            self.advance(id);
        }
        self.drop_terminated_targets(group);
        let now = Instant::now();
        let mut report = Vec::new();
        let mut seen = Vec::new();
        let slot = &self.target_groups[group];
        for id in &slot.targets {
            if let Some(why) = self.not_in_use(group, id) {
                report.push(TargetHealth::unused(id, slot.port, why));
                continue;
            }
            let mark = self.healthy_mark(group, id);
            let healthy = mark.as_ref().is_some_and(|m| now >= m.real);
            if let (true, Some(mark)) = (healthy, mark) {
                seen.push(mark);
            }
            report.push(TargetHealth {
                id: id.clone(),
                port: slot.port,
                state: if healthy { "healthy" } else { "initial" }.into(),
                ..Default::default()
            });
        }
        self.report_draining(group, now, &mut report, &mut seen);
        let clock = self.clock.as_mut().expect("checked by the caller");
        for mark in &seen {
            clock.observe(mark);
        }
        Ok(report)
    }

    /// Draining targets stay in the report until their delay is over;
    /// seeing one gone means a live run is past that moment.
    fn report_draining(
        &mut self,
        group: &str,
        now: Instant,
        report: &mut Vec<TargetHealth>,
        seen: &mut Vec<Mark>,
    ) {
        let clock = self.clock.as_mut().expect("checked by the caller");
        let slot = self
            .target_groups
            .get_mut(group)
            .expect("checked by the caller");
        let port = slot.port;
        let draining = |id: &String| TargetHealth {
            id: id.clone(),
            port,
            state: "draining".into(),
            ..Default::default()
        };
        slot.draining.retain(|id| {
            let key = (group.to_string(), id.clone());
            match clock.drained.get(&key) {
                Some(mark) if now < mark.real => {
                    report.push(draining(id));
                    true
                }
                Some(mark) => {
                    seen.push(mark.clone());
                    clock.drained.remove(&key);
                    false
                }
                None => {
                    report.push(draining(id));
                    false
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::first_healthy;
    use crate::cloud::HealthCheck;

    fn check(interval: u16, healthy: u16, unhealthy: u16) -> HealthCheck {
        HealthCheck {
            interval,
            healthy_threshold: healthy,
            unhealthy_threshold: unhealthy,
            ..HealthCheck::default()
        }
    }

    #[test]
    fn a_target_whose_app_answers_before_checks_start_passes_the_first_one() {
        // The tutorial: the load balancer is active at 150 s, the app at 75 s.
        assert_eq!(first_healthy(150, 75, &check(10, 2, 2)), 160);
        assert_eq!(first_healthy(150, 75, &check(30, 5, 2)), 180);
        // Ready exactly at the first check.
        assert_eq!(first_healthy(100, 110, &check(10, 2, 2)), 110);
    }

    #[test]
    fn fewer_failures_than_the_unhealthy_threshold_keep_a_new_target_initial() {
        // Registered at 30 s, app at 75 s, checks every 30 s: 60 fails, 90 passes.
        assert_eq!(first_healthy(30, 75, &check(30, 5, 2)), 90);
    }

    #[test]
    fn a_target_that_failed_the_unhealthy_threshold_needs_the_healthy_threshold() {
        // Checks at 40, 50, 60, 70 fail (unhealthy after 2); 80 and 90 pass.
        assert_eq!(first_healthy(30, 75, &check(10, 2, 2)), 90);
        // With AWS's healthy threshold of 5: 80, 90, 100, 110, 120.
        assert_eq!(first_healthy(30, 75, &check(10, 5, 2)), 120);
    }
}
