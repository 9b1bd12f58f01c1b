//! EC2 writes: creates (tagged at creation, never in a second call),
//! additive converges (routes, associations, ingress rules) and deletes.
//! Each write also updates the run's cache.

use aws_sdk_ec2::types::{
    DomainType, InstanceNetworkInterfaceSpecification, InstanceType, IpPermission, IpRange,
    ResourceType, Tag, TagSpecification, UserIdGroupPair,
};
use serde_json::{Value, json};

use super::AwsCloud;
use super::call::Service;
use super::ec2_convert as convert;
use crate::cloud::{
    CloudError, CloudResult, IngressRule, InstanceSpec, Kind, Resource, Route, RouteTarget,
    STACK_TAG, SecurityGroupSpec, Source, SubnetSpec, Tags,
};
use crate::diagnostic::code;

/// `Name` and `awsrun:stack`, applied by the create call itself.
pub(super) fn tag_spec(resource_type: ResourceType, tags: &Tags) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(resource_type)
        .tags(Tag::builder().key("Name").value(&tags.name).build())
        .tags(Tag::builder().key(STACK_TAG).value(&tags.stack).build())
        .build()
}

/// A create's response lacked the resource (a broken server, not AWS).
pub(super) fn empty_response(operation: &str) -> CloudError {
    CloudError::new(
        operation,
        code::Backend::EmptyResponse,
        "the response holds no resource",
    )
}

impl AwsCloud {
    pub(super) fn new_vpc(&self, cidr: &str, tags: &Tags) -> CloudResult<Resource> {
        let request = self
            .ec2
            .create_vpc()
            .cidr_block(cidr)
            .tag_specifications(tag_spec(ResourceType::Vpc, tags));
        let out = self.send(Service::Ec2, "CreateVpc", request.send())?;
        let vpc = out.vpc().ok_or_else(|| empty_response("CreateVpc"))?;
        let mut resource = convert::vpc(vpc);
        resource.name = tags.name.clone();
        let mut cache = self.cache();
        cache.made(&resource.id);
        if let Some(vpcs) = cache.vpcs.as_mut() {
            vpcs.push(resource.clone());
        }
        cache
            .vpc_stacks
            .insert(resource.id.clone(), tags.stack.clone());
        Ok(resource)
    }

    /// Creates a gateway and attaches it; one that cannot be attached is
    /// deleted again, so a refused attachment leaves nothing behind.
    pub(super) fn new_internet_gateway(&self, vpc: &str, tags: &Tags) -> CloudResult<Resource> {
        let request = self
            .ec2
            .create_internet_gateway()
            .tag_specifications(tag_spec(ResourceType::InternetGateway, tags));
        let out = self.send(Service::Ec2, "CreateInternetGateway", request.send())?;
        let id = out
            .internet_gateway()
            .and_then(|g| g.internet_gateway_id())
            .ok_or_else(|| empty_response("CreateInternetGateway"))?
            .to_string();
        let attach = self
            .ec2
            .attach_internet_gateway()
            .internet_gateway_id(&id)
            .vpc_id(vpc);
        let attached = self.patiently(&[&id, vpc], || {
            self.send(Service::Ec2, "AttachInternetGateway", attach.clone().send())
        });
        if let Err(err) = attached {
            let request = self.ec2.delete_internet_gateway().internet_gateway_id(&id);
            let _ = self.send(Service::Ec2, "DeleteInternetGateway", request.send());
            return Err(err);
        }
        let resource = Resource::new(Kind::InternetGateway, &tags.name, id).with("vpc", vpc);
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn new_subnet(&self, spec: &SubnetSpec, tags: &Tags) -> CloudResult<Resource> {
        let request = self
            .ec2
            .create_subnet()
            .vpc_id(&spec.vpc)
            .cidr_block(&spec.cidr)
            .availability_zone(&spec.az)
            .tag_specifications(tag_spec(ResourceType::Subnet, tags));
        let out = self.patiently(&[&spec.vpc], || {
            self.send(Service::Ec2, "CreateSubnet", request.clone().send())
        })?;
        let subnet = out.subnet().ok_or_else(|| empty_response("CreateSubnet"))?;
        let mut resource = convert::subnet(subnet, &self.region).resource;
        resource.name = tags.name.clone();
        if spec.public_ip {
            let on = aws_sdk_ec2::types::AttributeBooleanValue::builder()
                .value(true)
                .build();
            let request = self
                .ec2
                .modify_subnet_attribute()
                .subnet_id(&resource.id)
                .map_public_ip_on_launch(on);
            self.patiently(&[&resource.id], || {
                self.send(
                    Service::Ec2,
                    "ModifySubnetAttribute",
                    request.clone().send(),
                )
            })?;
            resource.set("public_ip", true);
        }
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn new_address(&self, tags: &Tags) -> CloudResult<Resource> {
        let request = self
            .ec2
            .allocate_address()
            .domain(DomainType::Vpc)
            .tag_specifications(tag_spec(ResourceType::ElasticIp, tags));
        let out = self.send(Service::Ec2, "AllocateAddress", request.send())?;
        let id =
            convert::some(out.allocation_id()).ok_or_else(|| empty_response("AllocateAddress"))?;
        let resource = Resource::new(Kind::ElasticIp, &tags.name, id)
            .with("public_ip", out.public_ip().unwrap_or(""))
            .with("association", "");
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn new_nat_gateway(
        &self,
        subnet: &str,
        eip: &str,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        let request = self
            .ec2
            .create_nat_gateway()
            .subnet_id(subnet)
            .allocation_id(eip)
            // No `client_token`: the SDK makes a fresh one per call, the
            // same for all its retries. A token derived from the name would
            // be used again by the next run, and AWS answers a token it has
            // seen (for at least a day) with the old result.
            .tag_specifications(tag_spec(ResourceType::Natgateway, tags));
        let out = self.patiently(&[subnet, eip], || {
            self.send(Service::Ec2, "CreateNatGateway", request.clone().send())
        })?;
        let nat = out
            .nat_gateway()
            .ok_or_else(|| empty_response("CreateNatGateway"))?;
        let mut resource = convert::nat_gateway(nat).resource;
        resource.name = tags.name.clone();
        let mut cache = self.cache();
        cache.update(eip, |address| {
            address.set("association", resource.id.as_str())
        });
        cache.created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn new_route_table(&self, vpc: &str, tags: &Tags) -> CloudResult<Resource> {
        let request = self
            .ec2
            .create_route_table()
            .vpc_id(vpc)
            .tag_specifications(tag_spec(ResourceType::RouteTable, tags));
        let out = self.patiently(&[vpc], || {
            self.send(Service::Ec2, "CreateRouteTable", request.clone().send())
        })?;
        let table = out
            .route_table()
            .ok_or_else(|| empty_response("CreateRouteTable"))?;
        let mut resource = convert::route_table(table).resource;
        resource.name = tags.name.clone();
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn add_route(&self, route_table: &str, route: &Route) -> CloudResult<()> {
        let request = self
            .ec2
            .create_route()
            .route_table_id(route_table)
            .destination_cidr_block(&route.dest);
        let request = match &route.target {
            RouteTarget::NatGateway(id) => request.nat_gateway_id(id),
            RouteTarget::InternetGateway(id) => request.gateway_id(id),
        };
        self.patiently(&[route_table, route.target.id()], || {
            self.send(Service::Ec2, "CreateRoute", request.clone().send())
        })?;
        let added = json!({ "dest": route.dest, "target": route.target.id() });
        self.cache()
            .update(route_table, |table| push(table, "routes", added.clone()));
        Ok(())
    }

    pub(super) fn add_association(&self, route_table: &str, subnet: &str) -> CloudResult<()> {
        let request = self
            .ec2
            .associate_route_table()
            .route_table_id(route_table)
            .subnet_id(subnet);
        self.patiently(&[route_table, subnet], || {
            self.send(Service::Ec2, "AssociateRouteTable", request.clone().send())
        })?;
        self.cache()
            .update(route_table, |table| push(table, "subnets", subnet.into()));
        Ok(())
    }

    pub(super) fn new_security_group(
        &self,
        spec: &SecurityGroupSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        let request = self
            .ec2
            .create_security_group()
            .group_name(&spec.group_name)
            .description(&spec.description)
            .vpc_id(&spec.vpc)
            .tag_specifications(tag_spec(ResourceType::SecurityGroup, tags));
        let out = self.patiently(&[&spec.vpc], || {
            self.send(Service::Ec2, "CreateSecurityGroup", request.clone().send())
        })?;
        let id =
            convert::some(out.group_id()).ok_or_else(|| empty_response("CreateSecurityGroup"))?;
        let resource = Resource::new(Kind::SecurityGroup, &tags.name, id)
            .with("vpc", spec.vpc.as_str())
            .with("description", spec.description.as_str())
            .with("group_name", spec.group_name.as_str())
            .with("ingress", Vec::<Value>::new())
            .with("egress", crate::cloud::default_egress());
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn add_ingress(&self, group: &str, rules: &[IngressRule]) -> CloudResult<()> {
        if rules.is_empty() {
            return Ok(());
        }
        let permissions = rules.iter().map(permission).collect();
        let request = self
            .ec2
            .authorize_security_group_ingress()
            .group_id(group)
            .set_ip_permissions(Some(permissions));
        let mut names = vec![group];
        names.extend(rules.iter().map(|rule| match &rule.from {
            Source::Cidr(from) | Source::SecurityGroup(from) => from.as_str(),
        }));
        self.patiently(&names, || {
            let request = request.clone();
            self.send(
                Service::Ec2,
                "AuthorizeSecurityGroupIngress",
                request.send(),
            )
        })?;
        let added: Vec<Value> = rules.iter().map(rule_json).collect();
        self.cache().update(group, |g| {
            for rule in &added {
                push(g, "ingress", rule.clone());
            }
        });
        Ok(())
    }

    /// One instance per call. Its idempotency token is the SDK's own, fresh
    /// per call and shared by the call's retries (see `new_nat_gateway`);
    /// an interrupted run is resumed by the tags, not by the token.
    pub(super) fn new_instance(&self, spec: &InstanceSpec, tags: &Tags) -> CloudResult<Resource> {
        let interface = InstanceNetworkInterfaceSpecification::builder()
            .device_index(0)
            .subnet_id(&spec.subnet)
            .associate_public_ip_address(spec.public_ip)
            .set_groups(Some(spec.security_groups.clone()))
            .delete_on_termination(true)
            .build();
        let user_data = Some(base64(spec.user_data.as_bytes())).filter(|d| !d.is_empty());
        let request = self
            .ec2
            .run_instances()
            .image_id(&spec.image)
            .instance_type(InstanceType::from(spec.instance_type.as_str()))
            .min_count(1)
            .max_count(1)
            .network_interfaces(interface)
            .set_user_data(user_data)
            .tag_specifications(tag_spec(ResourceType::Instance, tags));
        let mut names = vec![spec.subnet.as_str()];
        names.extend(spec.security_groups.iter().map(String::as_str));
        let out = self.patiently(&names, || {
            self.send(Service::Ec2, "RunInstances", request.clone().send())
        })?;
        let instance = out
            .instances()
            .first()
            .ok_or_else(|| empty_response("RunInstances"))?;
        let mut resource = convert::instance(instance).resource;
        resource.name = tags.name.clone();
        if resource.strs("security_groups").is_empty() {
            resource.set("security_groups", spec.security_groups.clone());
        }
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn terminate(&self, ids: &[String]) -> CloudResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let request = self
            .ec2
            .terminate_instances()
            .set_instance_ids(Some(ids.to_vec()));
        let names: Vec<&str> = ids.iter().map(String::as_str).collect();
        self.patiently(&names, || {
            self.send(Service::Ec2, "TerminateInstances", request.clone().send())
        })?;
        let mut cache = self.cache();
        for id in ids {
            cache.remove(id);
        }
        Ok(())
    }
}

fn permission(rule: &IngressRule) -> IpPermission {
    let base = IpPermission::builder()
        .ip_protocol(&rule.protocol)
        .from_port(i32::from(rule.port))
        .to_port(i32::from(rule.port));
    match &rule.from {
        Source::Cidr(cidr) => base.ip_ranges(IpRange::builder().cidr_ip(cidr).build()),
        Source::SecurityGroup(group) => {
            base.user_id_group_pairs(UserIdGroupPair::builder().group_id(group).build())
        }
    }
    .build()
}

fn rule_json(rule: &IngressRule) -> Value {
    let from = match &rule.from {
        Source::Cidr(from) | Source::SecurityGroup(from) => from,
    };
    json!({ "protocol": rule.protocol, "port": rule.port, "from": from })
}

/// Appends to an array attribute, creating it when missing.
fn push(resource: &mut Resource, key: &str, item: Value) {
    match resource.attrs.get_mut(key) {
        Some(Value::Array(items)) => items.push(item),
        _ => resource.set(key, vec![item]),
    }
}

/// Standard base64 with padding (RunInstances wants user data encoded).
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(
            base64("#!/bin/bash\necho 안녕".as_bytes()),
            "IyEvYmluL2Jhc2gKZWNobyDslYjrhZU="
        );
    }
}
