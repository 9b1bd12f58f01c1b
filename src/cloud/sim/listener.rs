//! Listeners: `CreateListener` and `ModifyListener`, HTTP and HTTPS, with a
//! forward or a redirect as their default action.

use super::errors::{not_found, validation};
use super::ids;
use super::state::State;
use crate::cloud::{
    CloudError, CloudResult, DEFAULT_SSL_POLICY, Kind, ListenerAction, ListenerSpec, Redirect,
    Resource, SSL_POLICIES, Tags,
};
use crate::diagnostic::code;

const OP: &str = "CreateListener";

impl State {
    pub(super) fn create_listener(
        &mut self,
        spec: &ListenerSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        self.check_listener(OP, spec)?;
        let lb = &self.load_balancers[&spec.load_balancer];
        if let Some(held) = lb.listeners.get(&spec.port) {
            let existing = &self.store.get(held).expect("listeners are stored").resource;
            if same_settings(existing, spec) {
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
        self.attach(&arn, spec);
        let resource = listener_resource(Resource::new(Kind::Listener, &tags.name, &arn), spec);
        Ok(self.create(resource, tags))
    }

    /// `ModifyListener`: the protocol, default action, certificate and
    /// policy of `spec` replace the listener's (its port stays).
    pub(super) fn modify_listener(
        &mut self,
        arn: &str,
        spec: &ListenerSpec,
    ) -> CloudResult<Resource> {
        const MODIFY: &str = "ModifyListener";
        let Some(old) = self.live(Kind::Listener, arn).cloned() else {
            return Err(not_found(MODIFY, Kind::Listener, arn));
        };
        self.check_listener(MODIFY, spec)?;
        self.detach(arn, &old);
        self.attach(arn, spec);
        let resource = listener_resource(old, spec);
        if let Some(stored) = self.store.resource_mut(arn) {
            *stored = resource.clone();
        }
        Ok(resource)
    }

    /// The target group and certificate of a listener's settings learn
    /// that it uses them.
    fn attach(&mut self, arn: &str, spec: &ListenerSpec) {
        if let ListenerAction::Forward(tg) = &spec.action {
            let group = self.target_groups.get_mut(tg).expect("checked");
            group.listeners += 1;
            group.load_balancer = Some(spec.load_balancer.clone());
        }
        if let Some(certificate) = &spec.certificate {
            self.use_certificate(certificate, arn, &spec.load_balancer, true);
        }
    }

    /// The inverse of [`State::attach`], for the listener's old settings.
    fn detach(&mut self, arn: &str, old: &Resource) {
        if let Some(group) = self.target_groups.get_mut(old.str("forward")) {
            group.listeners = group.listeners.saturating_sub(1);
            if group.listeners == 0 {
                group.load_balancer = None;
            }
        }
        let certificate = old.str("certificate").to_string();
        let lb = old.str("load_balancer").to_string();
        self.use_certificate(&certificate, arn, &lb, false);
    }

    /// The load balancer, target group and certificate exist and fit together.
    fn check_listener(&self, op: &str, spec: &ListenerSpec) -> CloudResult<()> {
        let lb = match self.load_balancers.get(&spec.load_balancer) {
            Some(slot) if self.live(Kind::LoadBalancer, &spec.load_balancer).is_some() => slot,
            _ => return Err(not_found(op, Kind::LoadBalancer, &spec.load_balancer)),
        };
        check_protocol_and_port(op, spec)?;
        self.check_certificate(op, spec)?;
        match &spec.action {
            ListenerAction::Redirect(redirect) => check_redirect(op, spec, redirect),
            ListenerAction::Forward(tg) => self.check_forward(op, spec, lb, tg),
        }
    }

    fn check_forward(
        &self,
        op: &str,
        spec: &ListenerSpec,
        lb: &super::load_balancer::LoadBalancerSlot,
        forward: &str,
    ) -> CloudResult<()> {
        let group = match self.target_groups.get(forward) {
            Some(slot) if self.live(Kind::TargetGroup, forward).is_some() => slot,
            _ => return Err(not_found(op, Kind::TargetGroup, forward)),
        };
        if group.vpc != lb.vpc {
            return Err(CloudError::new(
                op,
                code::Aws::InvalidConfigurationRequest,
                format!(
                    "Target group '{forward}' is not in the same VPC as load balancer '{}'",
                    spec.load_balancer
                ),
            )
            .with_hint(format!(
                "the target group is in {}, the load balancer in {}",
                group.vpc, lb.vpc
            )));
        }
        if group.protocol == "TCP" {
            return Err(CloudError::new(
                op,
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
                op,
                code::Aws::TargetGroupAssociationLimit,
                format!(
                    "The following target groups cannot be associated with more than one load balancer: '{forward}'"
                ),
            )
            .with_hint("create a separate target group for each load balancer"));
        }
        Ok(())
    }

    /// An HTTPS listener names exactly one certificate, which ACM has
    /// issued, and a predefined security policy.
    fn check_certificate(&self, op: &str, spec: &ListenerSpec) -> CloudResult<()> {
        if spec.protocol != "HTTPS" {
            return Ok(());
        }
        let Some(arn) = &spec.certificate else {
            return Err(validation(
                op,
                "A certificate must be specified for HTTPS listeners",
                "give the listener `certificate: certificate(...)`",
            ));
        };
        let state = self
            .live(Kind::Certificate, arn)
            .map(|cert| cert.state().to_string());
        match state.as_deref() {
            Some("ISSUED") => {}
            other => {
                let hint = match other {
                    None => "no certificate has this ARN in this account and region; request it with certificate(...)".to_string(),
                    Some(state) => format!("the certificate is {state}: ELB takes only an ISSUED certificate; certificate(...) waits until ACM issues it"),
                };
                return Err(CloudError::new(
                    op,
                    code::Aws::CertificateNotFound,
                    format!("Certificate '{arn}' not found"),
                )
                .with_hint(hint));
            }
        }
        if let Some(policy) = &spec.ssl_policy
            && !SSL_POLICIES.contains(&policy.as_str())
        {
            return Err(CloudError::new(
                op,
                code::Aws::SslPolicyNotFound,
                format!("SSL policy '{policy}' not found"),
            )
            .with_hint(format!(
                "use a predefined policy, e.g. {DEFAULT_SSL_POLICY} (the default)"
            )));
        }
        Ok(())
    }
}

/// Whether a stored listener already has every setting of `spec`.
fn same_settings(existing: &Resource, spec: &ListenerSpec) -> bool {
    existing.str("protocol") == spec.protocol
        && existing.str("forward") == spec.action.forward()
        && existing.str("redirect") == spec.action.redirect_text()
        && existing.str("certificate") == spec.certificate.as_deref().unwrap_or("")
        && existing.str("ssl_policy") == spec.ssl_policy.as_deref().unwrap_or("")
}

/// A listener's attributes from its settings.
fn listener_resource(resource: Resource, spec: &ListenerSpec) -> Resource {
    let arn = resource.id.clone();
    resource
        .with("arn", arn)
        .with("load_balancer", spec.load_balancer.as_str())
        .with("port", spec.port)
        .with("protocol", spec.protocol.as_str())
        .with("forward", spec.action.forward())
        .with("redirect", spec.action.redirect_text())
        .with("certificate", spec.certificate.clone().unwrap_or_default())
        .with("ssl_policy", spec.ssl_policy.clone().unwrap_or_default())
}

/// A redirect must change the protocol, host, port or path (awsrun keeps
/// host and path, so the protocol or port), may not go from HTTPS to HTTP,
/// and answers 301 or 302.
fn check_redirect(op: &str, spec: &ListenerSpec, redirect: &Redirect) -> CloudResult<()> {
    let invalid = |message: String, hint: &str| {
        Err(CloudError::new(op, code::Aws::InvalidLoadBalancerAction, message).with_hint(hint))
    };
    if spec.protocol == "HTTPS" && redirect.protocol == "HTTP" {
        return invalid(
            "You can't redirect HTTPS to HTTP".into(),
            "redirect HTTP to HTTPS, HTTP to HTTP or HTTPS to HTTPS",
        );
    }
    if redirect.protocol == spec.protocol && redirect.port == spec.port {
        return invalid(
            format!(
                "The redirect configuration is not valid: redirecting {}:{} to itself loops",
                spec.protocol, spec.port
            ),
            "change the protocol or the port, e.g. #{protocol: \"HTTPS\", port: 443}",
        );
    }
    if !matches!(redirect.status_code.as_str(), "HTTP_301" | "HTTP_302") {
        return Err(validation(
            op,
            format!(
                "1 validation error detected: Value '{}' at 'defaultActions.1.member.redirectConfig.statusCode' failed to satisfy constraint: Member must satisfy enum value set: [HTTP_301, HTTP_302]",
                redirect.status_code
            ),
            "use 301 (permanent) or 302 (temporary)",
        ));
    }
    Ok(())
}

/// An ALB listener speaks HTTP or HTTPS on ports 1 to 65535.
fn check_protocol_and_port(op: &str, spec: &ListenerSpec) -> CloudResult<()> {
    match spec.protocol.as_str() {
        "HTTP" | "HTTPS" => {}
        other => {
            return Err(validation(
                op,
                format!("Protocol '{other}' is not supported by Application Load Balancers"),
                "use HTTP or HTTPS (upper case)",
            ));
        }
    }
    if spec.port == 0 {
        return Err(validation(
            op,
            "Value '0' at 'port' failed to satisfy constraint: Member must have value greater than or equal to 1",
            "use a port from 1 to 65535",
        ));
    }
    Ok(())
}
