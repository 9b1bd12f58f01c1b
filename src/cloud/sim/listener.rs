//! Listeners: `CreateListener`.

use super::errors::{not_found, validation};
use super::ids;
use super::state::State;
use crate::cloud::{CloudError, CloudResult, Kind, ListenerSpec, Resource, Tags};
use crate::diagnostic::code;

const OP: &str = "CreateListener";

impl State {
    pub(super) fn create_listener(
        &mut self,
        spec: &ListenerSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        self.check_listener(spec)?;
        let lb = &self.load_balancers[&spec.load_balancer];
        if let Some(held) = lb.listeners.get(&spec.port) {
            let existing = &self.store.get(held).expect("listeners are stored").resource;
            if existing.str("protocol") == spec.protocol && existing.str("forward") == spec.forward
            {
                // CreateListener is idempotent for identical settings.
                return Ok(existing.clone());
            }
            return Err(CloudError::new(
                OP,
                code::Aws::DuplicateListener,
                "A listener already exists on this port for this load balancer",
            )
            .with_hint(format!(
                "{held} already listens on port {}; one listener per port",
                spec.port
            )));
        }
        let lb_path = format!("{}/{}", lb.name, lb.hex);
        let seed = self.next_seed(Kind::Listener);
        let arn = format!(
            "{}listener/app/{lb_path}/{}",
            self.elb_arn_prefix(),
            ids::elb_hex(&seed)
        );
        let lb = self
            .load_balancers
            .get_mut(&spec.load_balancer)
            .expect("checked");
        lb.listeners.insert(spec.port, arn.clone());
        let group = self.target_groups.get_mut(&spec.forward).expect("checked");
        group.listeners += 1;
        group.load_balancer = Some(spec.load_balancer.clone());
        let resource = Resource::new(Kind::Listener, &tags.name, &arn)
            .with("arn", arn.as_str())
            .with("load_balancer", spec.load_balancer.as_str())
            .with("port", spec.port)
            .with("protocol", spec.protocol.as_str())
            .with("forward", spec.forward.as_str());
        Ok(self.create(resource, tags))
    }

    /// The load balancer and target group exist and fit together.
    fn check_listener(&self, spec: &ListenerSpec) -> CloudResult<()> {
        let lb = match self.load_balancers.get(&spec.load_balancer) {
            Some(slot) if self.live(Kind::LoadBalancer, &spec.load_balancer).is_some() => slot,
            _ => return Err(not_found(OP, Kind::LoadBalancer, &spec.load_balancer)),
        };
        check_protocol_and_port(spec)?;
        let group = match self.target_groups.get(&spec.forward) {
            Some(slot) if self.live(Kind::TargetGroup, &spec.forward).is_some() => slot,
            _ => return Err(not_found(OP, Kind::TargetGroup, &spec.forward)),
        };
        if group.vpc != lb.vpc {
            return Err(CloudError::new(
                OP,
                code::Aws::InvalidConfigurationRequest,
                format!(
                    "Target group '{}' is not in the same VPC as load balancer '{}'",
                    spec.forward, spec.load_balancer
                ),
            )
            .with_hint(format!(
                "the target group is in {}, the load balancer in {}",
                group.vpc, lb.vpc
            )));
        }
        if group.protocol == "TCP" {
            return Err(CloudError::new(
                OP,
                code::Aws::IncompatibleProtocols,
                format!(
                    "Listener protocol '{}' is not compatible with target group protocol 'TCP'",
                    spec.protocol
                ),
            )
            .with_hint("an Application Load Balancer forwards to HTTP or HTTPS target groups"));
        }
        if group
            .load_balancer
            .as_ref()
            .is_some_and(|held| *held != spec.load_balancer)
        {
            return Err(CloudError::new(
                OP,
                code::Aws::TargetGroupAssociationLimit,
                format!(
                    "The following target groups cannot be associated with more than one load balancer: '{}'",
                    spec.forward
                ),
            )
            .with_hint("create a separate target group for each load balancer"));
        }
        Ok(())
    }
}

/// An ALB listener speaks HTTP (HTTPS needs a certificate) on ports 1 to 65535.
fn check_protocol_and_port(spec: &ListenerSpec) -> CloudResult<()> {
    match spec.protocol.as_str() {
        "HTTP" => {}
        "HTTPS" => {
            return Err(validation(
                OP,
                "A certificate must be specified for HTTPS listeners",
                "awsrun does not manage certificates yet; use an HTTP listener",
            ));
        }
        other => {
            return Err(validation(
                OP,
                format!("Protocol '{other}' is not supported by Application Load Balancers"),
                "use HTTP (upper case)",
            ));
        }
    }
    if spec.port == 0 {
        return Err(validation(
            OP,
            "Value '0' at 'port' failed to satisfy constraint: Member must have value greater than or equal to 1",
            "use a port from 1 to 65535",
        ));
    }
    Ok(())
}
