//! Every resource of the simulated account, by id, by tags and by stack.
//!
//! Lookups are O(1): by id, and by (kind, stack, `Name`) for `find`. The tag
//! index only holds live resources, so a terminated instance or a NAT
//! gateway being deleted is never "found" again, and a script re-run after
//! a `terminate` creates fresh ones, as it would against AWS.

use std::collections::HashMap;

use crate::cloud::{Kind, Resource, Tags};

/// Where a stored resource is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Life {
    /// Usable: visible to `find` and `stack_resources`.
    Live,
    /// Being deleted (`shutting-down`, `deleting`): still listed by
    /// `stack_resources` and still a dependency, no longer found by tags.
    Leaving,
    /// Deleted or terminated: only `refresh` still sees it.
    Gone,
}

/// One stored resource with its awsrun tags (none for resources awsrun did not create).
#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) resource: Resource,
    pub(super) tags: Option<Tags>,
    pub(super) life: Life,
}

/// kind -> stack -> `Name` -> id, so that lookups borrow instead of allocating.
type TagIndex = HashMap<Kind, HashMap<String, HashMap<String, String>>>;

#[derive(Debug, Default)]
pub(super) struct Store {
    entries: HashMap<String, Entry>,
    by_tags: TagIndex,
    /// Ids of each stack in creation order (dead ones filtered on read).
    by_stack: HashMap<String, Vec<String>>,
}

impl Store {
    /// Stores a resource. With tags and alive, it becomes findable by them
    /// unless another live resource already holds the same tags.
    pub(super) fn insert(&mut self, resource: Resource, tags: Option<Tags>, life: Life) {
        let id = resource.id.clone();
        let mut stacked = None;
        if let Some(old) = self.entries.get(&id) {
            // Re-seeding the same id replaces it.
            stacked = old.tags.as_ref().map(|tags| tags.stack.clone());
            self.set_life(&id, Life::Gone);
        }
        if let Some(tags) = &tags {
            if life == Life::Live {
                self.by_tags
                    .entry(resource.kind)
                    .or_default()
                    .entry(tags.stack.clone())
                    .or_default()
                    .entry(tags.name.clone())
                    .or_insert_with(|| id.clone());
            }
            if stacked.as_deref() != Some(tags.stack.as_str()) {
                self.by_stack
                    .entry(tags.stack.clone())
                    .or_default()
                    .push(id.clone());
            }
        }
        self.entries.insert(
            id,
            Entry {
                resource,
                tags,
                life,
            },
        );
    }

    pub(super) fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id)
    }

    pub(super) fn resource_mut(&mut self, id: &str) -> Option<&mut Resource> {
        self.entries.get_mut(id).map(|entry| &mut entry.resource)
    }

    /// The live resource of `kind` with this id.
    pub(super) fn live(&self, kind: Kind, id: &str) -> Option<&Resource> {
        self.entries
            .get(id)
            .filter(|entry| entry.life == Life::Live && entry.resource.kind == kind)
            .map(|entry| &entry.resource)
    }

    /// The live resource of `kind` tagged with this stack and name.
    pub(super) fn find(&self, kind: Kind, tags: &Tags) -> Option<&Resource> {
        let id = self.by_tags.get(&kind)?.get(&tags.stack)?.get(&tags.name)?;
        self.live(kind, id)
    }

    /// The live resources of `kind` with no awsrun tags, by id.
    pub(super) fn untagged(&self, kind: Kind) -> Vec<&Resource> {
        let mut found: Vec<&Resource> = self
            .entries
            .values()
            .filter(|e| e.life == Life::Live && e.tags.is_none() && e.resource.kind == kind)
            .map(|e| &e.resource)
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found
    }

    /// Gives a live untagged resource its tags (and its name), as if it had
    /// been created with them; `None` when there is no such resource.
    pub(super) fn tag(&mut self, id: &str, tags: &Tags) -> Option<Resource> {
        let entry = self.entries.get_mut(id)?;
        if entry.life != Life::Live || entry.tags.is_some() {
            return None;
        }
        entry.tags = Some(tags.clone());
        entry.resource.name = tags.name.clone();
        let resource = entry.resource.clone();
        self.by_tags
            .entry(resource.kind)
            .or_default()
            .entry(tags.stack.clone())
            .or_default()
            .insert(tags.name.clone(), id.to_string());
        self.by_stack
            .entry(tags.stack.clone())
            .or_default()
            .push(id.to_string());
        Some(resource)
    }

    pub(super) fn life(&self, id: &str) -> Option<Life> {
        self.entries.get(id).map(|entry| entry.life)
    }

    /// Moves a resource along its life; leaving `Live` drops it from the tag index.
    pub(super) fn set_life(&mut self, id: &str, life: Life) {
        let Some(entry) = self.entries.get_mut(id) else {
            return;
        };
        entry.life = life;
        if life == Life::Live {
            return;
        }
        let Some(tags) = &entry.tags else {
            return;
        };
        let names = self
            .by_tags
            .get_mut(&entry.resource.kind)
            .and_then(|stacks| stacks.get_mut(&tags.stack));
        if let Some(names) = names
            && names.get(&tags.name).is_some_and(|held| held == id)
        {
            names.remove(&tags.name);
        }
    }

    /// Every resource not yet gone (live or leaving), in no particular order.
    pub(super) fn existing(&self) -> impl Iterator<Item = &Resource> {
        self.entries
            .values()
            .filter(|entry| entry.life != Life::Gone)
            .map(|entry| &entry.resource)
    }

    /// The stacks holding a resource not yet gone, sorted.
    pub(super) fn stack_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .by_stack
            .iter()
            .filter(|(_, ids)| {
                ids.iter()
                    .any(|id| self.entries.get(id).is_some_and(|e| e.life != Life::Gone))
            })
            .map(|(stack, _)| stack.clone())
            .collect();
        names.sort();
        names
    }

    /// Every resource of the stack not yet gone, in creation order.
    pub(super) fn stack(&self, stack: &str) -> Vec<Resource> {
        let Some(ids) = self.by_stack.get(stack) else {
            return Vec::new();
        };
        ids.iter()
            .filter_map(|id| self.entries.get(id))
            .filter(|entry| entry.life != Life::Gone)
            .map(|entry| entry.resource.clone())
            .collect()
    }
}
