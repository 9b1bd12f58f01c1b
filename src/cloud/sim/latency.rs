//! The latency model of the simulated account (`--sim-latency`).
//!
//! With [`Latency::None`] (the default) slow resources move one state per
//! `refresh` and nothing ever sleeps: dry runs are instant and
//! deterministic. With [`Latency::Realistic`] the account keeps a clock:
//! `refresh` and `target_health` report the state a resource is in at the
//! current (real) time since it entered its state, each transition taking
//! AWS's typical time multiplied by `scale` (`0.01` = 100 times faster than
//! AWS, `0` = no waiting at all), and `poll_interval` is [`POLL_SECS`]
//! scaled the same way.
//!
//! # The figures
//!
//! AWS publishes no provisioning SLA; these are the times commonly observed
//! in `ap-northeast-2` and `us-east-1` (tool logs such as Terraform's
//! "Creation complete after ...", the console), rounded:
//!
//! | transition | seconds | note |
//! | --- | --- | --- |
//! | NAT gateway `pending` -> `available` | [`NAT_GATEWAY_AVAILABLE`] = 100 | usually 1-2 min |
//! | NAT gateway `deleting` -> `deleted` | [`NAT_GATEWAY_DELETED`] = 60 | about 1 min |
//! | load balancer `provisioning` -> `active` | [`LOAD_BALANCER_ACTIVE`] = 150 | an ALB takes 2-3 min |
//! | instance `pending` -> `running` | [`INSTANCE_RUNNING`] = 30 | 30-60 s |
//! | instance `running` -> app answering | [`INSTANCE_BOOT`] = 45 | OS boot + cloud-init running the user data |
//! | instance `shutting-down` -> `terminated` | [`INSTANCE_TERMINATED`] = 30 | |
//! | certificate `PENDING_VALIDATION` -> `ISSUED` | [`CERTIFICATE_ISSUED`] = 60 | from its last validation record; Route 53 propagates within 60 s |
//! | target `initial` -> `healthy` | healthy_threshold x interval | ELB defaults 5 x 30 s = 150 s |
//! | target `draining` -> gone | [`DEREGISTRATION_DELAY`] = 300 | the target group's default `deregistration_delay` |
//! | Auto Scaling group instance `Pending` -> `InService` | [`INSTANCE_RUNNING`] = 30 | the group launches at once on `CreateAutoScalingGroup` or a higher desired capacity; the instance is `InService` once running and registered |
//! | group instance serving (warm-up) | [`INSTANCE_BOOT`] + healthy_threshold x interval | boot and user data, then the target group's checks, as for any target |
//! | forced group delete `deleting` -> `deleted` | [`INSTANCE_TERMINATED`] = 30 | until its instances are terminated |
//!
//! A group's instances move by these clocks when the group is refreshed; a
//! refresh that sees one `InService` (or terminated, while deleting) moves
//! the virtual clock to that moment, so the group's launch is on the
//! critical path of a script that waits for it (Auto Scaling User Guide,
//! [Instance lifecycle](https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-lifecycle.html);
//! the times are the instance's own).
//!
//! A target's health checks come from the load balancer's nodes, so they
//! start once the target is registered, its instance has booted and the
//! load balancer (the one whose listener forwards to the group, if any) is
//! `active`; it turns `healthy` after `healthy_threshold` passing checks,
//! `interval` seconds apart (the group's own health-check settings). AWS's
//! guide says a *newly* registered target needs one passing check; the model
//! keeps the threshold (what a live run of the tutorial usually shows, and
//! the bound a recovering target needs), so estimates err on the long side.
//!
//! # The estimate
//!
//! Besides the real clock, the account keeps a *virtual* one: how far a
//! live run would be, in AWS seconds (never scaled), if every API call took
//! no time. A resource created now enters its state at the virtual `now`;
//! when the script observes a state (a `refresh` or `target_health` that
//! reports it), a live run cannot have been earlier than the moment that
//! state was entered, so the virtual clock moves there. The chain of
//! transitions that set the clock last is the critical path. Since it only
//! depends on what the script creates and what it waits for, in which
//! order, the estimate is the same at every scale (and deterministic), and
//! it prices sequential waits as a live run would pay them.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::state::State;
use crate::cloud::{CloudResult, Kind, Resource, TargetHealth};

/// NAT gateway `pending` -> `available`, in AWS seconds.
pub const NAT_GATEWAY_AVAILABLE: u64 = 100;
/// NAT gateway `deleting` -> `deleted`.
pub const NAT_GATEWAY_DELETED: u64 = 60;
/// Application load balancer `provisioning` -> `active`.
pub const LOAD_BALANCER_ACTIVE: u64 = 150;
/// Instance `pending` -> `running`.
pub const INSTANCE_RUNNING: u64 = 30;
/// Instance `running` -> its app answers health checks (boot, user data).
pub const INSTANCE_BOOT: u64 = 45;
/// Instance `shutting-down` -> `terminated`.
pub const INSTANCE_TERMINATED: u64 = 30;
/// A deregistered target is `draining` this long (ELB's default
/// `deregistration_delay.timeout_seconds`), then gone.
pub const DEREGISTRATION_DELAY: u64 = 300;
/// ACM certificate `PENDING_VALIDATION` -> `ISSUED`, from the moment its
/// last validation record is in the zone (Route 53 changes reach every
/// name server within 60 s; ACM then checks them).
pub const CERTIFICATE_ISSUED: u64 = 60;
/// Between two polls of a slow resource, before scaling.
pub const POLL_SECS: f64 = 2.0;

/// How long simulated slow resources take.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Latency {
    /// One state per `refresh`, no clock, no sleeping (the default).
    #[default]
    None,
    /// AWS's typical times (module docs) multiplied by `scale`.
    Realistic { scale: f64 },
}

impl Latency {
    /// The latency model never sleeping: for plans shown before a live
    /// run, which estimate its time whatever the pacing asked for.
    pub fn instant(self) -> Latency {
        Latency::Realistic { scale: 0.0 }
    }

    /// The model a plan runs under: the one asked for, or, with none, the
    /// realistic times without waiting, so that every plan estimates the
    /// time a live run takes.
    pub fn planning(self) -> Latency {
        match self {
            Latency::None => Latency::Realistic { scale: 0.0 },
            realistic => realistic,
        }
    }
}

/// AWS seconds a resource of `kind` stays in `state` before its next
/// state, or `None` when `state` is not a transition.
pub fn transition_secs(kind: Kind, state: &str) -> Option<u64> {
    match (kind, state) {
        (Kind::NatGateway, "pending") => Some(NAT_GATEWAY_AVAILABLE),
        (Kind::NatGateway, "deleting") => Some(NAT_GATEWAY_DELETED),
        (Kind::LoadBalancer, "provisioning") => Some(LOAD_BALANCER_ACTIVE),
        (Kind::Instance, "pending") => Some(INSTANCE_RUNNING),
        (Kind::Instance, "shutting-down") => Some(INSTANCE_TERMINATED),
        (Kind::Certificate, "PENDING_VALIDATION") => Some(CERTIFICATE_ISSUED),
        _ => None,
    }
}

/// One step of a critical path: a resource reaching `state`, `seconds`
/// after `start` (AWS seconds since the run began).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathStep {
    pub kind: Kind,
    pub name: String,
    /// The resource's id; for a target turning healthy, the instance's.
    pub id: String,
    pub state: String,
    pub start: u64,
    pub seconds: u64,
}

/// The estimated wall time of a live run, with waits as the script has them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Estimate {
    pub seconds: u64,
    /// The chain of transitions that decides `seconds`, first to last.
    pub critical_path: Vec<PathStep>,
}

impl Estimate {
    /// The plan's line: `Estimate: about 5m00s for a live run; critical path: ...`.
    pub fn line(&self) -> String {
        let mut text = format!(
            "Estimate: about {} for a live run",
            duration_text(self.seconds)
        );
        if self.critical_path.is_empty() {
            text.push_str(" (it waits for no slow resource)");
            return text;
        }
        text.push_str("; critical path: ");
        text.push_str(&self.path_text());
        text
    }

    /// The critical path in words: `nat_gateway a available 1m40s -> ...`.
    pub fn path_text(&self) -> String {
        let steps: Vec<String> = self
            .critical_path
            .iter()
            .map(|s| {
                format!(
                    "{} {} {} {}",
                    s.kind,
                    s.name,
                    s.state,
                    duration_text(s.seconds)
                )
            })
            .collect();
        steps.join(" -> ")
    }
}

/// `45s`, `2m30s`, `1h05m00s`.
pub fn duration_text(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s:02}s"),
        _ => format!("{h}h{m:02}m{s:02}s"),
    }
}

/// A moment on both clocks, with the path that led to it.
#[derive(Debug, Clone)]
struct Mark {
    real: Instant,
    at: u64,
    path: Vec<PathStep>,
}

impl Mark {
    /// This mark plus `secs` of `step` (scaled on the real clock).
    fn then(&self, clock: &Clock, secs: u64, step: PathStep) -> Mark {
        let mut path = self.path.clone();
        path.push(step);
        Mark {
            real: self.real + clock.scaled(secs),
            at: self.at + secs,
            path,
        }
    }
}

/// When a resource entered the state it was last seen in.
#[derive(Debug, Clone)]
struct Timer {
    state: String,
    entered: Mark,
}

/// The account's clocks under [`Latency::Realistic`].
#[derive(Debug)]
pub(super) struct Clock {
    scale: f64,
    /// When the model was switched on: resources it never saw begin (seeded
    /// or made before) are as old as that.
    epoch: Instant,
    /// Where a live run would be now (AWS seconds), and why.
    now: u64,
    cause: Vec<PathStep>,
    timers: HashMap<String, Timer>,
    /// (target group, instance) -> when it was registered.
    registered: HashMap<(String, String), Mark>,
    /// (target group, instance) -> when it stops draining.
    drained: HashMap<(String, String), Mark>,
}

impl Clock {
    pub(super) fn new(scale: f64) -> Self {
        Clock {
            scale: if scale.is_finite() && scale > 0.0 {
                scale
            } else {
                0.0
            },
            epoch: Instant::now(),
            now: 0,
            cause: Vec::new(),
            timers: HashMap::new(),
            registered: HashMap::new(),
            drained: HashMap::new(),
        }
    }

    /// `secs` AWS seconds on the real clock.
    pub(super) fn scaled(&self, secs: u64) -> Duration {
        Duration::from_secs_f64(secs as f64 * self.scale)
    }

    pub(super) fn poll_interval(&self) -> Duration {
        if self.scale == 0.0 {
            return Duration::ZERO;
        }
        Duration::from_secs_f64(POLL_SECS * self.scale).max(Duration::from_millis(1))
    }

    /// The virtual and real now, with the path that led here.
    fn here(&self) -> Mark {
        Mark {
            real: Instant::now(),
            at: self.now,
            path: self.cause.clone(),
        }
    }

    /// The start of time for resources the clock never saw begin.
    fn origin(&self) -> Mark {
        Mark {
            real: self.epoch,
            at: 0,
            path: Vec::new(),
        }
    }

    /// Notes that `id` is in `state` from now on, unless it already was.
    pub(super) fn entered(&mut self, id: &str, state: &str) {
        if self.timers.get(id).is_some_and(|t| t.state == state) {
            return;
        }
        let entered = self.here();
        self.timers.insert(
            id.to_string(),
            Timer {
                state: state.to_string(),
                entered,
            },
        );
    }

    /// Notes that `id` is in `state` from now on, even if it already was
    /// (a certificate whose validation starts only once its records exist).
    pub(super) fn restart(&mut self, id: &str, state: &str) {
        self.timers.remove(id);
        self.entered(id, state);
    }

    /// The script saw `id` in its current state: a live run is at least at
    /// the moment that state began.
    fn observe(&mut self, mark: &Mark) {
        if mark.at > self.now {
            self.now = mark.at;
            self.cause = mark.path.clone();
        }
    }

    /// When `resource` reaches (or reached) `target`, following its current
    /// transition; `None` if it is neither in `target` nor on its way.
    fn reaches(&self, resource: &Resource, target: &str) -> Option<Mark> {
        let state = resource.state();
        let timer = self.timers.get(&resource.id);
        let entered = timer
            .filter(|t| t.state == state)
            .map(|t| t.entered.clone());
        if state == target {
            return Some(entered.unwrap_or_else(|| self.origin()));
        }
        let secs = transition_secs(resource.kind, state)?;
        if next_state(resource.kind, state) != Some(target) {
            return None;
        }
        let start = entered.unwrap_or_else(|| self.here());
        let step = PathStep {
            kind: resource.kind,
            name: resource.name.clone(),
            id: resource.id.clone(),
            state: target.to_string(),
            start: start.at,
            seconds: secs,
        };
        Some(start.then(self, secs, step))
    }

    pub(super) fn estimate(&self) -> Estimate {
        Estimate {
            seconds: self.now,
            critical_path: self.cause.clone(),
        }
    }
}

/// The state a transition leads to.
fn next_state(kind: Kind, state: &str) -> Option<&'static str> {
    match (kind, state) {
        (Kind::NatGateway, "pending") => Some("available"),
        (Kind::NatGateway, "deleting") => Some("deleted"),
        (Kind::LoadBalancer, "provisioning") => Some("active"),
        (Kind::Instance, "pending") => Some("running"),
        (Kind::Instance, "shutting-down") => Some("terminated"),
        (Kind::Certificate, "PENDING_VALIDATION") => Some("ISSUED"),
        _ => None,
    }
}

impl State {
    /// Under the latency model: every transition of `id` that is due by
    /// now, each dated when it was due (not when it was noticed).
    pub(super) fn advance(&mut self, id: &str) {
        loop {
            let Some(resource) = self.store.get(id).map(|e| e.resource.clone()) else {
                return;
            };
            if resource.kind == Kind::Certificate && !self.certificate_validated(id) {
                return;
            }
            let Some(clock) = self.clock.as_mut() else {
                return;
            };
            let state = resource.state().to_string();
            let Some(next) = next_state(resource.kind, &state) else {
                return;
            };
            clock.entered(id, &state);
            let Some(due) = clock.reaches(&resource, next) else {
                return;
            };
            if Instant::now() < due.real {
                return;
            }
            self.step(resource.kind, id);
            let clock = self.clock.as_mut().expect("checked above");
            let now = self
                .store
                .get(id)
                .map(|e| e.resource.state().to_string())
                .unwrap_or_default();
            clock.timers.insert(
                id.to_string(),
                Timer {
                    state: now,
                    entered: due,
                },
            );
        }
    }

    /// Under the latency model: the script saw `id` as it is now.
    pub(super) fn observe(&mut self, id: &str) {
        let Some(clock) = self.clock.as_mut() else {
            return;
        };
        let Some(timer) = clock.timers.get(id) else {
            return;
        };
        let mark = timer.entered.clone();
        clock.observe(&mark);
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

    /// Notes that targets of `group` started draining now (latency model only).
    pub(super) fn note_draining(&mut self, group: &str, ids: &[String]) {
        let Some(clock) = self.clock.as_mut() else {
            return;
        };
        let name = self
            .store
            .get(group)
            .map(|e| e.resource.name.clone())
            .unwrap_or_default();
        let here = clock.here();
        for id in ids {
            let step = PathStep {
                kind: Kind::TargetGroup,
                name: name.clone(),
                id: id.clone(),
                state: "drained".into(),
                start: here.at,
                seconds: DEREGISTRATION_DELAY,
            };
            let done = here.then(clock, DEREGISTRATION_DELAY, step);
            clock.drained.insert((group.to_string(), id.clone()), done);
        }
    }

    /// When target `id` of `group` turns healthy: `healthy_threshold x
    /// interval` after it is registered, its instance has booted and the
    /// group's load balancer is active, whichever comes last.
    fn healthy_mark(&self, group: &str, id: &str) -> Option<Mark> {
        let clock = self.clock.as_ref()?;
        let slot = self.target_groups.get(group)?;
        let instance = self.store.get(id)?.resource.clone();
        let running = clock.reaches(&instance, "running")?;
        let booted = running.then(
            clock,
            INSTANCE_BOOT,
            PathStep {
                kind: Kind::Instance,
                name: instance.name.clone(),
                id: instance.id.clone(),
                state: "booted".into(),
                start: running.at,
                seconds: INSTANCE_BOOT,
            },
        );
        let balancer = slot
            .load_balancer
            .as_deref()
            .and_then(|arn| self.store.get(arn))
            .and_then(|e| clock.reaches(&e.resource, "active"));
        let registered = clock
            .registered
            .get(&(group.to_string(), id.to_string()))
            .cloned()
            .unwrap_or_else(|| clock.origin());
        let mut start = balancer.unwrap_or_else(|| clock.origin());
        let mut real = start.real;
        for mark in [booted, registered] {
            real = real.max(mark.real);
            if mark.at > start.at {
                start = mark;
            }
        }
        start.real = real;
        let check = &slot.health_check;
        let secs = u64::from(check.healthy_threshold) * u64::from(check.interval);
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
            start: start.at,
            seconds: secs,
        };
        Some(start.then(clock, secs, step))
    }

    /// `DescribeTargetHealth` under the latency model: each target is
    /// `initial` until its [healthy mark](State::healthy_mark), then
    /// `healthy`; leaving targets are `draining` once, then gone.
    pub(super) fn timed_target_health(&mut self, group: &str) -> CloudResult<Vec<TargetHealth>> {
        let targets = self.target_groups[group].targets.clone();
        let balancer = self.target_groups[group].load_balancer.clone();
        // Every clock this report reads starts now if it has not yet.
        for id in targets.iter().chain(&balancer) {
            self.advance(id);
        }
        let terminated: Vec<String> = targets
            .iter()
            .filter(|id| !matches!(self.instance_state(id), "pending" | "running"))
            .cloned()
            .collect();
        if !terminated.is_empty() {
            // AWS deregisters terminated instances by itself.
            self.drop_targets(group, &terminated.iter().collect());
        }
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
        let port = slot.port;
        let clock = self.clock.as_mut().expect("checked by the caller");
        let slot = self
            .target_groups
            .get_mut(group)
            .expect("checked by the caller");
        // Draining targets stay until their delay is over; seeing one gone
        // means a live run is past that moment.
        slot.draining.retain(|id| {
            let key = (group.to_string(), id.clone());
            match clock.drained.get(&key) {
                Some(mark) if now < mark.real => {
                    report.push(TargetHealth {
                        id: id.clone(),
                        port,
                        state: "draining".into(),
                        ..Default::default()
                    });
                    true
                }
                Some(mark) => {
                    seen.push(mark.clone());
                    clock.drained.remove(&key);
                    false
                }
                None => {
                    report.push(TargetHealth {
                        id: id.clone(),
                        port,
                        state: "draining".into(),
                        ..Default::default()
                    });
                    false
                }
            }
        });
        for mark in &seen {
            clock.observe(mark);
        }
        Ok(report)
    }
}
