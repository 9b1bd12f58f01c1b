//! The option keys each function accepts, for Tab completion inside an
//! options map (`subnet("db", #{ c<Tab>` -> `cidr: `).
//!
//! Host functions' keys come from their descriptors
//! (`engine::functions::HOST`), the stdlib's from its own `check_opts`
//! calls (`engine::docs::stdlib_options`): the lists the functions check
//! their options against, so completion cannot offer a key they refuse.

use crate::engine::{docs, functions};
use std::sync::OnceLock;

/// Keys of a function's options map, and of the maps nested in it.
struct Entry {
    func: &'static str,
    keys: Vec<&'static str>,
    /// `(key, keys of the maps under that key)`: e.g. each route of `routes`.
    nested: Vec<(&'static str, &'static [&'static str])>,
}

fn table() -> &'static [Entry] {
    static TABLE: OnceLock<Vec<Entry>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table: Vec<Entry> = functions::HOST
            .iter()
            .filter(|f| !f.options.is_empty())
            .map(|f| Entry {
                func: f.name,
                keys: f.keys(),
                nested: f
                    .options
                    .iter()
                    .filter(|k| !k.nested.is_empty())
                    .map(|k| (k.name, k.nested))
                    .collect(),
            })
            .collect();
        for (func, keys) in docs::stdlib_options() {
            // A stdlib option holding a map passes it on to the host
            // function that has a nested map of that name (`health_check`).
            let nested = keys
                .iter()
                .filter_map(|key| {
                    functions::HOST
                        .iter()
                        .find_map(|f| f.nested_keys(key))
                        .map(|inner| (*key, inner))
                })
                .collect();
            table.push(Entry {
                func,
                keys: keys.clone(),
                nested,
            });
        }
        table
    })
}

pub(crate) struct OptionKeys;

impl OptionKeys {
    /// The keys of a map written as an argument of `func`, or nested in
    /// its options under the keys `path` (outermost first; array levels
    /// are transparent: each route of `routes: [...]`).
    pub(crate) fn lookup(func: &str, path: &[String]) -> Option<&'static [&'static str]> {
        let entry = table().iter().find(|e| e.func == func)?;
        match path {
            [] => Some(entry.keys.as_slice()),
            [key] => entry
                .nested
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, keys)| *keys),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_stdlib_functions_complete_their_own_keys() {
        assert_eq!(
            OptionKeys::lookup("subnet", &[]),
            Some(&["vpc", "cidr", "az", "public_ip"][..])
        );
        assert_eq!(
            OptionKeys::lookup("target_group", &[]),
            Some(
                &[
                    "vpc",
                    "port",
                    "protocol",
                    "health_check",
                    "deregistration_delay"
                ][..]
            )
        );
        assert_eq!(
            OptionKeys::lookup("private_subnet", &[]),
            Some(&["name", "vpc", "nat"][..])
        );
        assert_eq!(
            OptionKeys::lookup("alb", &["health_check".into()]),
            Some(
                &[
                    "path",
                    "interval",
                    "timeout",
                    "healthy_threshold",
                    "unhealthy_threshold"
                ][..]
            )
        );
        for func in ["wait", "wait_healthy"] {
            assert_eq!(OptionKeys::lookup(func, &[]), Some(&["timeout"][..]));
        }
    }

    #[test]
    fn nested_maps_have_their_own_keys() {
        assert_eq!(
            OptionKeys::lookup("route_table", &["routes".into()]),
            Some(&["dest", "nat", "igw"][..])
        );
        assert_eq!(OptionKeys::lookup("subnet", &["cidr".into()]), None);
        assert_eq!(OptionKeys::lookup("print", &[]), None);
    }
}
