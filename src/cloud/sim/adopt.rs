//! Adoption in the simulated account: the untagged resources `--adopt` may
//! tag into a stack, and the tagging itself (EC2 `CreateTags`, ELBv2
//! `AddTags`: only tags change, the resource stays as it is).
//!
//! Listing is linear in the store (the tag index only holds tagged
//! resources): only `--adopt` asks, and only for an ensure that found
//! nothing tagged.

use super::state::State;
use crate::cloud::adopt::adoptable;
use crate::cloud::{CloudError, CloudResult, Kind, Resource, Tags};
use crate::diagnostic::code;

impl State {
    /// The live resources of `kind` nobody tagged, the account's defaults
    /// left out (a VPC's main route table is known by its slot as well as
    /// by a seeded `main` flag).
    pub(super) fn untagged(&self, kind: Kind) -> Vec<Resource> {
        let default_vpc = self.default_vpc().ok().map(|v| v.id);
        self.store
            .untagged(kind)
            .into_iter()
            .filter(|r| adoptable(r, default_vpc.as_deref()))
            .filter(|r| {
                r.kind != Kind::RouteTable
                    || self
                        .vpcs
                        .get(r.str("vpc"))
                        .is_none_or(|slot| slot.main_route_table.as_deref() != Some(r.id.as_str()))
            })
            .cloned()
            .collect()
    }

    /// Tags one of [`State::untagged`]'s resources into a stack.
    pub(super) fn adopt(&mut self, resource: &Resource, tags: &Tags) -> CloudResult<Resource> {
        let operation = if resource.kind.is_elb() {
            "AddTags"
        } else {
            "CreateTags"
        };
        let listed = self
            .untagged(resource.kind)
            .iter()
            .any(|r| r.id == resource.id);
        let tagged = if listed {
            self.store.tag(&resource.id, tags)
        } else {
            None
        };
        tagged.ok_or_else(|| {
            CloudError::new(
                operation,
                code::Backend::NotAdoptable,
                format!(
                    "{} {} is not an untagged resource awsrun may adopt",
                    resource.kind, resource.id
                ),
            )
        })
    }
}
