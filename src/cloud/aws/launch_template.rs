//! EC2 launch templates: created tagged (the template, and through its data
//! the instances and volumes it launches), new versions made the default,
//! and described with their default version's data.
//!
//! Invariants:
//! - A template's `version` attribute is its *default* version, the one a
//!   group launching `$Default` would use; awsrun moves the default to
//!   every version it creates, so it is also the latest.
//! - Instances get no public IPv4 address unless the spec asks: the data
//!   holds one network interface (device 0) with
//!   `AssociatePublicIpAddress` and the security groups, deleted on
//!   termination.
//! - The attributes are read back from what AWS stored (the default
//!   version's data), never copied from the request, so a drift shows.

use aws_sdk_ec2::types::{
    InstanceType, LaunchTemplate, LaunchTemplateInstanceNetworkInterfaceSpecificationRequest,
    LaunchTemplateTagSpecificationRequest, RequestLaunchTemplateData, ResourceType,
    ResponseLaunchTemplateData, Tag,
};

use super::AwsCloud;
use super::call::Service;
use super::ec2_read::stack_filter;
use super::ec2_write::{base64, empty_response, tag_spec};
use crate::cloud::{
    CloudResult, Kind, LaunchTemplateSpec, Resource, STACK_TAG, Tags, user_data_hash,
};

/// Decodes standard base64 (padding optional); `None` if it is not base64.
pub(super) fn unbase64(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let digits = digits
        .strip_suffix(b"==")
        .or_else(|| digits.strip_suffix(b"="))
        .unwrap_or(&digits);
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        if chunk.len() == 1 {
            return None;
        }
        let mut n = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            n |= value(*c)? << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

fn ec2_tags(tags: &Tags) -> Vec<Tag> {
    vec![
        Tag::builder().key("Name").value(&tags.name).build(),
        Tag::builder().key(STACK_TAG).value(&tags.stack).build(),
    ]
}

/// The version data for `spec`, tagging what it launches with `tags`.
fn data(spec: &LaunchTemplateSpec, tags: &Tags) -> RequestLaunchTemplateData {
    let interface = LaunchTemplateInstanceNetworkInterfaceSpecificationRequest::builder()
        .device_index(0)
        .associate_public_ip_address(spec.public_ip)
        .set_groups(Some(spec.security_groups.clone()))
        .delete_on_termination(true)
        .build();
    let tagging = |kind| {
        LaunchTemplateTagSpecificationRequest::builder()
            .resource_type(kind)
            .set_tags(Some(ec2_tags(tags)))
            .build()
    };
    RequestLaunchTemplateData::builder()
        .image_id(&spec.image)
        .instance_type(InstanceType::from(spec.instance_type.as_str()))
        .network_interfaces(interface)
        .set_user_data(Some(base64(spec.user_data.as_bytes())).filter(|d| !d.is_empty()))
        .tag_specifications(tagging(ResourceType::Instance))
        .tag_specifications(tagging(ResourceType::Volume))
        .build()
}

/// A template and its default version's data as a [`Resource`].
fn template(
    t: &LaunchTemplate,
    data: Option<&ResponseLaunchTemplateData>,
) -> (Resource, Option<String>) {
    let tag = |key: &str| {
        t.tags()
            .iter()
            .find(|tag| tag.key() == Some(key))
            .and_then(|tag| tag.value())
            .map(str::to_string)
    };
    let mut resource = Resource::new(
        Kind::LaunchTemplate,
        tag("Name").unwrap_or_default(),
        t.launch_template_id().unwrap_or(""),
    )
    .with("template_name", t.launch_template_name().unwrap_or(""))
    .with("version", t.default_version_number().unwrap_or(1));
    if let Some(data) = data {
        let interface = data
            .network_interfaces()
            .iter()
            .find(|n| n.device_index().unwrap_or(0) == 0);
        let mut groups: Vec<String> = interface.map(|n| n.groups().to_vec()).unwrap_or_default();
        if groups.is_empty() {
            groups = data.security_group_ids().to_vec();
        }
        let public_ip = interface
            .and_then(|n| n.associate_public_ip_address())
            .unwrap_or(false);
        let user_data = data
            .user_data()
            .and_then(unbase64)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default();
        resource = resource
            .with("image", data.image_id().unwrap_or(""))
            .with(
                "instance_type",
                data.instance_type().map(|i| i.as_str()).unwrap_or(""),
            )
            .with("security_groups", groups)
            .with("public_ip", public_ip)
            .with("user_data_hash", user_data_hash(&user_data));
    }
    (resource, tag(STACK_TAG))
}

impl AwsCloud {
    pub(super) fn new_launch_template(
        &self,
        spec: &LaunchTemplateSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        let request = self
            .ec2
            .create_launch_template()
            .launch_template_name(&spec.name)
            .launch_template_data(data(spec, tags))
            .tag_specifications(tag_spec(ResourceType::LaunchTemplate, tags));
        let names: Vec<&str> = spec.security_groups.iter().map(String::as_str).collect();
        let out = self.patiently(&names, || {
            self.send(Service::Ec2, "CreateLaunchTemplate", request.clone().send())
        })?;
        let made = out
            .launch_template()
            .ok_or_else(|| empty_response("CreateLaunchTemplate"))?;
        let id = made.launch_template_id().unwrap_or("").to_string();
        self.cache().made(&id);
        let resource = self
            .describe_template(&id)?
            .ok_or_else(|| empty_response("DescribeLaunchTemplates"))?;
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    pub(super) fn new_launch_template_version(
        &self,
        template: &str,
        spec: &LaunchTemplateSpec,
    ) -> CloudResult<Resource> {
        let current = self.patiently(&[template], || {
            self.describe_template(template)?.ok_or_else(|| {
                crate::cloud::CloudError::new(
                    "DescribeLaunchTemplates",
                    Kind::LaunchTemplate.info().not_found_code,
                    Kind::LaunchTemplate.not_found_message(template),
                )
            })
        })?;
        let stack = self.template_stack(template)?;
        let tags = Tags::new(&stack, &current.name);
        let request = self
            .ec2
            .create_launch_template_version()
            .launch_template_id(template)
            .launch_template_data(data(spec, &tags));
        let out = self.patiently(&[template], || {
            self.send(
                Service::Ec2,
                "CreateLaunchTemplateVersion",
                request.clone().send(),
            )
        })?;
        let version = out
            .launch_template_version()
            .and_then(|v| v.version_number())
            .ok_or_else(|| empty_response("CreateLaunchTemplateVersion"))?;
        let request = self
            .ec2
            .modify_launch_template()
            .launch_template_id(template)
            .default_version(version.to_string());
        self.send(Service::Ec2, "ModifyLaunchTemplate", request.send())?;
        let fresh = self
            .describe_template(template)?
            .ok_or_else(|| empty_response("DescribeLaunchTemplates"))?;
        self.cache().replace(&fresh);
        Ok(fresh)
    }

    /// The `awsrun:stack` tag of a template.
    fn template_stack(&self, id: &str) -> CloudResult<String> {
        let request = self.ec2.describe_launch_templates().launch_template_ids(id);
        let out = self.send(Service::Ec2, "DescribeLaunchTemplates", request.send())?;
        Ok(out
            .launch_templates()
            .first()
            .and_then(|t| template(t, None).1)
            .unwrap_or_default())
    }

    /// The default version's data of a template.
    fn default_data(&self, id: &str) -> CloudResult<Option<ResponseLaunchTemplateData>> {
        let request = self
            .ec2
            .describe_launch_template_versions()
            .launch_template_id(id)
            .versions("$Default");
        let out = self.send(
            Service::Ec2,
            "DescribeLaunchTemplateVersions",
            request.send(),
        )?;
        Ok(out
            .launch_template_versions()
            .first()
            .and_then(|v| v.launch_template_data().cloned()))
    }

    /// One template by id, with its default version's data.
    pub(super) fn describe_template(&self, id: &str) -> CloudResult<Option<Resource>> {
        let request = self.ec2.describe_launch_templates().launch_template_ids(id);
        let out = self.send(Service::Ec2, "DescribeLaunchTemplates", request.send())?;
        let Some(t) = out
            .launch_templates()
            .iter()
            .find(|t| t.launch_template_id() == Some(id))
        else {
            return Ok(None);
        };
        let data = self.default_data(id)?;
        Ok(Some(template(t, data.as_ref()).0))
    }

    /// The stack's templates (tag filter on the server, again here).
    pub(super) fn stack_templates(&self, stack: &str) -> CloudResult<Vec<Resource>> {
        let ec2 = &self.ec2;
        let found = self.pages(
            Service::Ec2,
            "DescribeLaunchTemplates",
            |token| {
                ec2.describe_launch_templates()
                    .filters(stack_filter(stack))
                    .set_next_token(token)
                    .send()
            },
            |out| (out.launch_templates.unwrap_or_default(), out.next_token),
        )?;
        let mut all = Vec::new();
        for t in found
            .iter()
            .filter(|t| template(t, None).1.as_deref() == Some(stack))
        {
            let id = t.launch_template_id().unwrap_or("");
            let data = self.default_data(id)?;
            all.push(template(t, data.as_ref()).0);
        }
        Ok(all)
    }

    pub(super) fn delete_template(&self, id: &str) -> CloudResult<()> {
        let request = self.ec2.delete_launch_template().launch_template_id(id);
        self.send(Service::Ec2, "DeleteLaunchTemplate", request.send())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_data_reads_back_through_base64() {
        for text in ["", "f", "fo", "foo", "foob", "#!/bin/bash\necho hi\n"] {
            let encoded = base64(text.as_bytes());
            assert_eq!(unbase64(&encoded).unwrap(), text.as_bytes(), "{text:?}");
        }
        assert_eq!(unbase64("not base64!"), None);
    }
}
