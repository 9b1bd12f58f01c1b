//! How slow resources move through their real states: one step per
//! `refresh`, so a dry run is deterministic yet exercises every wait (or,
//! under the latency model, by time: see `latency.rs`).

use super::errors::not_found;
use super::state::State;
use super::store::Life;
use crate::cloud::{CloudResult, Kind, Resource};

impl State {
    /// The resource as it is now, after one step along its states.
    pub(super) fn refresh(&mut self, resource: &Resource) -> CloudResult<Resource> {
        let id = resource.id.as_str();
        let (kind, life) = match self.store.get(id) {
            Some(entry) => (entry.resource.kind, entry.life),
            None => {
                return Err(not_found(
                    resource.kind.info().describe_op,
                    resource.kind,
                    id,
                ));
            }
        };
        let has_state = matches!(
            kind,
            Kind::NatGateway | Kind::Instance | Kind::AutoScalingGroup
        );
        if life == Life::Gone && !has_state {
            return Err(not_found(kind.info().describe_op, kind, id));
        }
        if kind == Kind::AutoScalingGroup {
            if life != Life::Gone {
                self.reconcile_group(id);
            }
        } else if self.clock.is_some() {
            self.advance(id);
            self.observe(id);
        } else {
            self.step(kind, id);
        }
        let entry = self.store.get(id).expect("looked up above");
        Ok(entry.resource.clone())
    }

    pub(super) fn step(&mut self, kind: Kind, id: &str) {
        let state = match self.store.get(id) {
            Some(entry) => entry.resource.state().to_string(),
            None => return,
        };
        match (kind, state.as_str()) {
            (Kind::NatGateway, "pending") if failing(self, id) => {
                self.set_state(id, "failed");
                self.store.set_life(id, Life::Gone);
                self.nat_gone(id);
            }
            (Kind::NatGateway, "pending") => self.set_state(id, "available"),
            (Kind::NatGateway, "deleting") => {
                self.set_state(id, "deleted");
                self.store.set_life(id, Life::Gone);
                self.nat_gone(id);
            }
            (Kind::Instance, "pending") => self.set_state(id, "running"),
            (Kind::Instance, "shutting-down") => {
                self.set_state(id, "terminated");
                self.instance_gone(id);
            }
            (Kind::LoadBalancer, "provisioning") => self.set_state(id, "active"),
            (Kind::Certificate, "PENDING_VALIDATION") if self.certificate_validated(id) => {
                self.set_state(id, "ISSUED");
            }
            _ => {}
        }
    }
}

/// Whether a pending resource is bound to fail (it carries AWS's failure code).
fn failing(state: &State, id: &str) -> bool {
    state
        .store
        .get(id)
        .is_some_and(|e| !e.resource.str("failure_code").is_empty())
}
