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
//! | target `initial` -> `healthy` | the first passing check | see below: one `interval` after checks start, more if the app answered late |
//! | target `draining` -> gone | the group's `deregistration_delay` | AWS's default [`DEREGISTRATION_DELAY`] = 300; `alb()` sets 30 |
//! | Auto Scaling group instance `Pending` -> `InService` | [`INSTANCE_RUNNING`] = 30 | the group launches at once on `CreateAutoScalingGroup` or a higher desired capacity; the instance is `InService` once running and registered |
//! | group instance serving (warm-up) | [`INSTANCE_BOOT`] + the target's first passing check | boot and user data, then the target group's checks, as for any target |
//! | forced group delete `deleting` -> `deleted` | [`INSTANCE_TERMINATED`] = 30 | until its instances are terminated |
//!
//! A group's instances move by these clocks when the group is refreshed; a
//! refresh that sees one `InService` (or terminated, while deleting) moves
//! the virtual clock to that moment, so the group's launch is on the
//! critical path of a script that waits for it (Auto Scaling User Guide,
//! [Instance lifecycle](https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-lifecycle.html);
//! the times are the instance's own).
//!
//! # Health checks and draining
//!
//! The timing of targets is in `target_timing.rs`; what it follows, from
//! the ELB User Guide for Application Load Balancers
//! ([Health checks for your target groups](https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html),
//! [Deregistration delay](https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-target-group-attributes.html#deregistration-delay)):
//!
//! - The load balancer's nodes check a target every `interval` seconds once
//!   it is registered and the load balancer (the one whose listener
//!   forwards to the group) is `active`; the model puts the first check one
//!   interval after both.
//! - A target's app answers [`INSTANCE_BOOT`] after its instance is
//!   `running`; when its user data downloads (`user_data.rs` says how that
//!   is seen) and its subnet reaches the internet through a NAT gateway,
//!   only once that NAT gateway is also `available`.
//! - "After your target is registered, it must pass one health check to be
//!   considered healthy": the first check after the app answers makes it
//!   `healthy`. If `unhealthy_threshold` checks failed before that (the app
//!   was still booting), the target went `unhealthy` and needs
//!   `healthy_threshold` passing checks in a row.
//! - A deregistered target drains for its group's `deregistration_delay`.
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
use crate::cloud::{Kind, Resource};

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
/// A deregistered target is `draining` this long unless its group says
/// otherwise (ELB's default `deregistration_delay.timeout_seconds`).
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
pub(super) struct Mark {
    pub(super) real: Instant,
    pub(super) at: u64,
    pub(super) path: Vec<PathStep>,
}

impl Mark {
    /// This mark plus `secs` of `step` (scaled on the real clock).
    pub(super) fn then(&self, clock: &Clock, secs: u64, step: PathStep) -> Mark {
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
    pub(super) registered: HashMap<(String, String), Mark>,
    /// (target group, instance) -> when it stops draining.
    pub(super) drained: HashMap<(String, String), Mark>,
    /// Instance -> the command of its user data that downloads
    /// ([`crate::cloud::user_data::internet_command`]).
    pub(super) downloads: HashMap<String, String>,
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
            downloads: HashMap::new(),
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
    pub(super) fn here(&self) -> Mark {
        Mark {
            real: Instant::now(),
            at: self.now,
            path: self.cause.clone(),
        }
    }

    /// The start of time for resources the clock never saw begin.
    pub(super) fn origin(&self) -> Mark {
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

    /// Notes that `id` is in `state`: since the clock started if the clock
    /// never saw it before (it was made or seeded before), else from now
    /// on unless it already was.
    pub(super) fn seen(&mut self, id: &str, state: &str) {
        if self.timers.contains_key(id) {
            return self.entered(id, state);
        }
        let entered = self.origin();
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
    pub(super) fn observe(&mut self, mark: &Mark) {
        if mark.at > self.now {
            self.now = mark.at;
            self.cause = mark.path.clone();
        }
    }

    /// When `resource` reaches (or reached) `target`, following its current
    /// transition; `None` if it is neither in `target` nor on its way.
    pub(super) fn reaches(&self, resource: &Resource, target: &str) -> Option<Mark> {
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
            clock.seen(id, &state);
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
}
