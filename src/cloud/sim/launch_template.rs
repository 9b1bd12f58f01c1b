//! Launch templates: `CreateLaunchTemplate`, `CreateLaunchTemplateVersion`
//! and `DeleteLaunchTemplate`.
//!
//! Versions are numbered from 1 and every version's data is kept, so a
//! group can still launch an old one; the default version is the latest
//! (awsrun makes each new version the default). Deleting a template a live
//! group uses is allowed, as in AWS (the API checks no user); that group's
//! later launches then fail.

use std::collections::BTreeMap;

use super::errors::not_found;
use super::state::State;
use super::store::Life;
use crate::cloud::{
    CloudError, CloudResult, Kind, LaunchTemplateSpec, Resource, Tags, user_data_hash,
};
use crate::diagnostic::code;

/// What a group launches from one version of a template.
#[derive(Debug, Clone)]
pub(super) struct TemplateVersion {
    pub(super) image: String,
    pub(super) instance_type: String,
    pub(super) security_groups: Vec<String>,
    pub(super) public_ip: bool,
    pub(super) user_data: String,
}

#[derive(Debug, Clone)]
pub(super) struct TemplateSlot {
    pub(super) name: String,
    pub(super) versions: BTreeMap<u32, TemplateVersion>,
}

impl TemplateSlot {
    pub(super) fn latest(&self) -> u32 {
        self.versions.keys().next_back().copied().unwrap_or(0)
    }
}

/// Why a template name is refused (3-128 of `[a-zA-Z0-9().\-/_]`), if it is.
fn name_problem(name: &str) -> Option<String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "().-/_".contains(c);
    if !(3..=128).contains(&name.chars().count()) || !name.chars().all(allowed) {
        return Some(format!(
            "The launch template name '{name}' is malformed: it must be 3 to 128 characters of letters, digits and ( ) . - / _"
        ));
    }
    None
}

impl State {
    pub(super) fn create_launch_template(
        &mut self,
        spec: &LaunchTemplateSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        const OP: &str = "CreateLaunchTemplate";
        if let Some(problem) = name_problem(&spec.name) {
            return Err(CloudError::new(
                OP,
                code::Aws::InvalidLaunchTemplateNameMalformed,
                problem,
            )
            .with_hint("use letters, digits and ( ) . - / _ only, 3 to 128 in all"));
        }
        if let Some(held) = self.template_names.get(&spec.name) {
            return Err(CloudError::new(
                OP,
                code::Aws::InvalidLaunchTemplateNameAlreadyExists,
                format!("Launch template name already in use. ({})", spec.name),
            )
            .with_hint(format!(
                "{held} is named {}; template names are unique per region",
                spec.name
            )));
        }
        let version = self.check_template(OP, spec)?;
        let id = self.new_id(Kind::LaunchTemplate);
        let mut versions = BTreeMap::new();
        versions.insert(1, version);
        self.templates.insert(
            id.clone(),
            TemplateSlot {
                name: spec.name.clone(),
                versions,
            },
        );
        self.template_names.insert(spec.name.clone(), id.clone());
        let resource = template_resource(&tags.name, &id, &spec.name, 1, spec);
        Ok(self.create(resource, tags))
    }

    pub(super) fn create_template_version(
        &mut self,
        template: &str,
        spec: &LaunchTemplateSpec,
    ) -> CloudResult<Resource> {
        const OP: &str = "CreateLaunchTemplateVersion";
        if self.live(Kind::LaunchTemplate, template).is_none()
            || !self.templates.contains_key(template)
        {
            return Err(not_found(OP, Kind::LaunchTemplate, template));
        }
        let version = self.check_template(OP, spec)?;
        let slot = self.templates.get_mut(template).expect("checked above");
        let number = slot.latest() + 1;
        slot.versions.insert(number, version);
        let name = slot.name.clone();
        let fresh = template_resource("", template, &name, number, spec);
        if let Some(resource) = self.store.resource_mut(template) {
            let script_name = resource.name.clone();
            *resource = Resource {
                name: script_name,
                ..fresh
            };
        }
        Ok(self.store.get(template).expect("live").resource.clone())
    }

    /// The image, type and security groups of a template's data are checked
    /// as `RunInstances` checks them (the subnet-dependent rules apply at
    /// launch).
    fn check_template(&self, op: &str, spec: &LaunchTemplateSpec) -> CloudResult<TemplateVersion> {
        self.check_image_and_type(op, &spec.image, &spec.instance_type)?;
        for group in &spec.security_groups {
            if self.live(Kind::SecurityGroup, group).is_none() {
                return Err(CloudError::new(
                    op,
                    code::Aws::InvalidGroupNotFound,
                    format!("The security group '{group}' does not exist"),
                )
                .with_hint("create the security group first, or check the id"));
            }
        }
        Ok(TemplateVersion {
            image: spec.image.clone(),
            instance_type: spec.instance_type.clone(),
            security_groups: spec.security_groups.clone(),
            public_ip: spec.public_ip,
            user_data: spec.user_data.clone(),
        })
    }

    pub(super) fn delete_launch_template(&mut self, id: &str) -> CloudResult<()> {
        let Some(slot) = self.templates.remove(id) else {
            return Err(not_found("DeleteLaunchTemplate", Kind::LaunchTemplate, id));
        };
        self.template_names.remove(&slot.name);
        self.store.set_life(id, Life::Gone);
        Ok(())
    }

    /// A mirrored template: its default version is what the mirror knows.
    pub(super) fn seed_template(&mut self, r: &Resource) {
        let number = r.attrs.get("version").and_then(|v| v.as_u64()).unwrap_or(1) as u32;
        let mut versions = BTreeMap::new();
        versions.insert(
            number,
            TemplateVersion {
                image: r.str("image").to_string(),
                instance_type: r.str("instance_type").to_string(),
                security_groups: r.strs("security_groups"),
                public_ip: r.attrs.get("public_ip").and_then(|v| v.as_bool()) == Some(true),
                user_data: String::new(),
            },
        );
        let name = r.str("template_name").to_string();
        self.template_names.insert(name.clone(), r.id.clone());
        self.templates
            .insert(r.id.clone(), TemplateSlot { name, versions });
    }
}

fn template_resource(
    script_name: &str,
    id: &str,
    name: &str,
    version: u32,
    spec: &LaunchTemplateSpec,
) -> Resource {
    Resource::new(Kind::LaunchTemplate, script_name, id)
        .with("template_name", name)
        .with("version", version)
        .with("image", spec.image.as_str())
        .with("instance_type", spec.instance_type.as_str())
        .with("security_groups", spec.security_groups.clone())
        .with("public_ip", spec.public_ip)
        .with("user_data_hash", user_data_hash(&spec.user_data))
}
