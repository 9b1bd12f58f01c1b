//! ELBv2 writes: target groups, load balancers and listeners (tagged by the
//! create call's `Tags`), target registration and deletes.

use aws_sdk_elasticloadbalancingv2::types::{
    Action, ActionTypeEnum, Certificate, LoadBalancerSchemeEnum, LoadBalancerTypeEnum,
    ProtocolEnum, RedirectActionConfig, RedirectActionStatusCodeEnum, Tag, TargetDescription,
    TargetTypeEnum,
};

use super::AwsCloud;
use super::call::Service;
use super::elb_read;
use crate::cloud::{
    CloudError, CloudResult, DEFAULT_DEREGISTRATION_DELAY, Kind, ListenerAction, ListenerSpec,
    LoadBalancerSpec, Resource, STACK_TAG, Tags, TargetGroupSpec,
};
use crate::diagnostic::code;

pub(super) fn tags_of(tags: &Tags) -> Vec<Tag> {
    vec![
        Tag::builder().key("Name").value(&tags.name).build(),
        Tag::builder().key(STACK_TAG).value(&tags.stack).build(),
    ]
}

fn empty_response(operation: &str) -> CloudError {
    CloudError::new(
        operation,
        code::Backend::EmptyResponse,
        "the response holds no resource",
    )
}

fn targets(ids: &[String]) -> Option<Vec<TargetDescription>> {
    Some(
        ids.iter()
            .map(|id| TargetDescription::builder().id(id).build())
            .collect(),
    )
}

impl AwsCloud {
    pub(super) fn new_target_group(
        &self,
        spec: &TargetGroupSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        let check = &spec.health_check;
        let mut request = self
            .elb
            .create_target_group()
            .name(&spec.name)
            .protocol(ProtocolEnum::from(spec.protocol.as_str()))
            .port(i32::from(spec.port))
            .vpc_id(&spec.vpc)
            .target_type(TargetTypeEnum::Instance)
            .health_check_interval_seconds(i32::from(check.interval))
            .health_check_timeout_seconds(i32::from(check.timeout))
            .healthy_threshold_count(i32::from(check.healthy_threshold))
            .unhealthy_threshold_count(i32::from(check.unhealthy_threshold))
            .set_tags(Some(tags_of(tags)));
        if matches!(spec.protocol.as_str(), "HTTP" | "HTTPS") {
            request = request.health_check_path(&check.path);
        }
        let out = self.patiently(&[&spec.vpc], || {
            self.send(Service::Elb, "CreateTargetGroup", request.clone().send())
        })?;
        let tg = out
            .target_groups()
            .first()
            .ok_or_else(|| empty_response("CreateTargetGroup"))?;
        // AWS reports no attributes on a create: a new group has the default.
        let mut resource = elb_read::target_group(tg, &tags.name)
            .with("targets", Vec::<serde_json::Value>::new())
            .with("deregistration_delay", DEFAULT_DEREGISTRATION_DELAY);
        let delay = spec.deregistration_delay;
        self.cache().created(&tags.stack, resource.clone());
        if delay != DEFAULT_DEREGISTRATION_DELAY {
            // Attributes are not part of CreateTargetGroup.
            self.set_delay(&resource.id, delay)?;
            resource.set("deregistration_delay", delay);
        }
        Ok(resource)
    }

    pub(super) fn register(&self, target_group: &str, ids: &[String]) -> CloudResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let request = self
            .elb
            .register_targets()
            .target_group_arn(target_group)
            .set_targets(targets(ids));
        let mut names = vec![target_group];
        names.extend(ids.iter().map(String::as_str));
        self.patiently(&names, || {
            self.send(Service::Elb, "RegisterTargets", request.clone().send())
        })?;
        self.cache().health.remove(target_group);
        self.cache().update(target_group, |tg| {
            let mut have = tg.strs("targets");
            have.extend(
                ids.iter()
                    .filter(|id| !have.contains(id))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
            tg.set("targets", have);
        });
        Ok(())
    }

    pub(super) fn deregister(&self, target_group: &str, ids: &[String]) -> CloudResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let request = self
            .elb
            .deregister_targets()
            .target_group_arn(target_group)
            .set_targets(targets(ids));
        let mut names = vec![target_group];
        names.extend(ids.iter().map(String::as_str));
        self.patiently(&names, || {
            self.send(Service::Elb, "DeregisterTargets", request.clone().send())
        })?;
        self.cache().health.remove(target_group);
        self.cache().update(target_group, |tg| {
            let left: Vec<String> = tg
                .strs("targets")
                .into_iter()
                .filter(|t| !ids.contains(t))
                .collect();
            tg.set("targets", left);
        });
        Ok(())
    }

    pub(super) fn new_load_balancer(
        &self,
        spec: &LoadBalancerSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        let request = self
            .elb
            .create_load_balancer()
            .name(&spec.name)
            .r#type(LoadBalancerTypeEnum::Application)
            .scheme(LoadBalancerSchemeEnum::from(spec.scheme.as_str()))
            .set_subnets(Some(spec.subnets.clone()))
            .set_security_groups(Some(spec.security_groups.clone()))
            .set_tags(Some(tags_of(tags)));
        let mut names: Vec<&str> = spec.subnets.iter().map(String::as_str).collect();
        names.extend(spec.security_groups.iter().map(String::as_str));
        let out = self.patiently(&names, || {
            self.send(Service::Elb, "CreateLoadBalancer", request.clone().send())
        })?;
        let lb = out
            .load_balancers()
            .first()
            .ok_or_else(|| empty_response("CreateLoadBalancer"))?;
        let resource = elb_read::load_balancer(lb, &tags.name);
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn new_listener(&self, spec: &ListenerSpec, tags: &Tags) -> CloudResult<Resource> {
        let request = self
            .elb
            .create_listener()
            .load_balancer_arn(&spec.load_balancer)
            .port(i32::from(spec.port))
            .protocol(ProtocolEnum::from(spec.protocol.as_str()))
            .default_actions(default_action(spec))
            .set_certificates(certificates(spec))
            .set_ssl_policy(spec.ssl_policy.clone())
            .set_tags(Some(tags_of(tags)));
        let mut names = vec![spec.load_balancer.as_str(), spec.action.forward()];
        names.extend(spec.certificate.as_deref());
        let out = self.patiently(&names, || {
            self.send(Service::Elb, "CreateListener", request.clone().send())
        })?;
        let listener = out
            .listeners()
            .first()
            .ok_or_else(|| empty_response("CreateListener"))?;
        let resource = elb_read::listener(listener, &tags.name);
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    /// `ModifyListener` with every setting of `spec` (the port stays).
    pub(super) fn change_listener(
        &self,
        listener: &str,
        spec: &ListenerSpec,
    ) -> CloudResult<Resource> {
        let request = self
            .elb
            .modify_listener()
            .listener_arn(listener)
            .protocol(ProtocolEnum::from(spec.protocol.as_str()))
            .default_actions(default_action(spec))
            .set_certificates(certificates(spec))
            .set_ssl_policy(spec.ssl_policy.clone());
        let mut names = vec![listener, spec.action.forward()];
        names.extend(spec.certificate.as_deref());
        let out = self.patiently(&names, || {
            self.send(Service::Elb, "ModifyListener", request.clone().send())
        })?;
        let l = out
            .listeners()
            .first()
            .ok_or_else(|| empty_response("ModifyListener"))?;
        let mut resource = elb_read::listener(l, "");
        if let Some(known) = self.cache().get(listener) {
            resource.name = known.name.clone();
        }
        self.cache().replace(&resource);
        Ok(resource)
    }

    pub(super) fn delete_elb(&self, resource: &Resource) -> CloudResult<()> {
        let arn = resource.id.as_str();
        let elb = &self.elb;
        match resource.kind {
            Kind::Listener => {
                let request = elb.delete_listener().listener_arn(arn);
                self.send(Service::Elb, "DeleteListener", request.send())
                    .map(drop)
            }
            Kind::LoadBalancer => {
                let request = elb.delete_load_balancer().load_balancer_arn(arn);
                self.send(Service::Elb, "DeleteLoadBalancer", request.send())
                    .map(drop)
            }
            Kind::TargetGroup => {
                let request = elb.delete_target_group().target_group_arn(arn);
                self.send(Service::Elb, "DeleteTargetGroup", request.send())
                    .map(drop)
            }
            kind => Err(super::unsupported("Delete", kind)),
        }
    }
}

/// A listener's default action: a forward to its target group, or a
/// redirect keeping host, path and query.
fn default_action(spec: &ListenerSpec) -> Action {
    match &spec.action {
        ListenerAction::Forward(arn) => Action::builder()
            .r#type(ActionTypeEnum::Forward)
            .target_group_arn(arn)
            .build(),
        ListenerAction::Redirect(r) => Action::builder()
            .r#type(ActionTypeEnum::Redirect)
            .redirect_config(
                RedirectActionConfig::builder()
                    .protocol(&r.protocol)
                    .port(r.port.to_string())
                    .host("#{host}")
                    .path("/#{path}")
                    .query("#{query}")
                    .status_code(RedirectActionStatusCodeEnum::from(r.status_code.as_str()))
                    .build(),
            )
            .build(),
    }
}

/// The one certificate of an HTTPS listener.
fn certificates(spec: &ListenerSpec) -> Option<Vec<Certificate>> {
    spec.certificate
        .as_ref()
        .map(|arn| vec![Certificate::builder().certificate_arn(arn).build()])
}
