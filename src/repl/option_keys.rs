//! The option keys each function accepts, for Tab completion inside an
//! options map (`subnet("db", #{ c<Tab>` -> `cidr: `).
//!
//! This mirrors the `Opts::new(func, opts, &[...])` lists of
//! `src/engine/bindings/*.rs` and the `check_opts(...)` lists of
//! `stdlib/*.rhai`; the unit test below reads those sources and fails when
//! the two drift apart.

/// Keys of a function's options map, and of the maps nested in it.
pub(crate) struct OptionKeys {
    /// The function, as called.
    func: &'static str,
    /// Keys of the options map itself.
    keys: &'static [&'static str],
    /// `(key, keys of the maps under that key)`: e.g. each route of `routes`.
    nested: &'static [(&'static str, &'static [&'static str])],
}

const HEALTH_CHECK: &[&str] = &["path", "interval", "healthy_threshold"];

const TABLE: &[OptionKeys] = &[
    OptionKeys {
        func: "vpc",
        keys: &["cidr"],
        nested: &[],
    },
    OptionKeys {
        func: "rolling_replace",
        keys: &[
            "name",
            "user_data",
            "batch",
            "count",
            "image",
            "instance_type",
            "subnets",
            "security_groups",
            "public_ip",
            "timeout",
        ],
        nested: &[],
    },
    OptionKeys {
        func: "subnet",
        keys: &["vpc", "cidr", "az", "public_ip"],
        nested: &[],
    },
    OptionKeys {
        func: "nat_gateway",
        keys: &["subnet", "eip"],
        nested: &[],
    },
    OptionKeys {
        func: "route_table",
        keys: &["vpc", "routes", "subnets"],
        nested: &[("routes", &["dest", "nat", "igw"])],
    },
    OptionKeys {
        func: "security_group",
        keys: &["vpc", "description", "ingress"],
        nested: &[("ingress", &["port", "from", "protocol"])],
    },
    OptionKeys {
        func: "instances",
        keys: &crate::engine::bindings::ec2::INSTANCE_OPTS,
        nested: &[],
    },
    OptionKeys {
        func: "target_group",
        keys: &["vpc", "port", "protocol", "health_check"],
        nested: &[("health_check", HEALTH_CHECK)],
    },
    OptionKeys {
        func: "load_balancer",
        keys: &["subnets", "security_groups", "scheme"],
        nested: &[],
    },
    OptionKeys {
        func: "listener",
        keys: &["port", "protocol", "forward"],
        nested: &[],
    },
    OptionKeys {
        func: "wait",
        keys: &["timeout"],
        nested: &[],
    },
    OptionKeys {
        func: "wait_healthy",
        keys: &["timeout"],
        nested: &[],
    },
    OptionKeys {
        func: "private_subnet",
        keys: &["name", "vpc", "nat"],
        nested: &[],
    },
    OptionKeys {
        func: "alb",
        keys: &[
            "subnets",
            "port",
            "targets",
            "vpc",
            "scheme",
            "health_check",
        ],
        nested: &[("health_check", HEALTH_CHECK)],
    },
    OptionKeys {
        func: "app_servers",
        keys: &[
            "subnets",
            "from",
            "port",
            "count",
            "image",
            "instance_type",
            "user_data",
            "vpc",
        ],
        nested: &[],
    },
];

impl OptionKeys {
    /// The keys of a map written as an argument of `func`, or nested in
    /// its options under the keys `path` (outermost first; array levels
    /// are transparent: each route of `routes: [...]`).
    pub(crate) fn lookup(func: &str, path: &[String]) -> Option<&'static [&'static str]> {
        let entry = TABLE.iter().find(|e| e.func == func)?;
        match path {
            [] => Some(entry.keys),
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

    /// The `[...]` list of string literals starting at `text`.
    fn list_at(text: &str) -> Vec<String> {
        let end = text.find(']').expect("a closing bracket");
        text[..end]
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// `(func, keys)` of every `Opts::new("func", _, &[...])` and
    /// `check_opts("func", _, [...])` in a source text.
    fn declared(text: &str, call: &str) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        for (at, _) in text.match_indices(call) {
            let rest = &text[at + call.len()..];
            let Some(name) = rest.strip_prefix('"').and_then(|r| r.split('"').next()) else {
                continue;
            };
            let rest = &rest[name.len() + 2..];
            let args = &rest[..rest.find(')').unwrap_or(rest.len())];
            let keys = match args.find('[') {
                Some(open) => list_at(&args[open + 1..]),
                // A named constant: `&INSTANCE_OPTS`.
                None => {
                    let constant = args.rsplit('&').next().unwrap_or("").trim();
                    let def = text
                        .find(&format!("const {constant}"))
                        .expect("the constant");
                    let open = text[def..].find("= [").expect("its list") + def + 3;
                    list_at(&text[open..])
                }
            };
            out.push((name.to_string(), keys));
        }
        out
    }

    fn assert_mirrors(declared: Vec<(String, Vec<String>)>) {
        assert!(!declared.is_empty());
        for (name, keys) in declared {
            let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
            let found = match name.split_once('(') {
                Some((func, nested)) => {
                    OptionKeys::lookup(func, &[nested.trim_end_matches(')').to_string()])
                }
                None => OptionKeys::lookup(&name, &[]),
            };
            assert_eq!(
                found,
                Some(keys.as_slice()),
                "option keys of {name} differ from the REPL's table"
            );
        }
    }

    #[test]
    fn table_mirrors_the_host_functions() {
        for text in [
            include_str!("../engine/bindings/ec2.rs"),
            include_str!("../engine/bindings/elb.rs"),
        ] {
            assert_mirrors(declared(text, "Opts::new("));
        }
        // wait.rs passes the function name through a variable.
        assert!(
            include_str!("../engine/bindings/wait.rs")
                .contains(r#"Opts::new(func, opts, &["timeout"])"#)
        );
        for func in ["wait", "wait_healthy"] {
            assert_eq!(OptionKeys::lookup(func, &[]), Some(&["timeout"][..]));
        }
    }

    #[test]
    fn table_mirrors_the_stdlib() {
        for (_, text) in crate::engine::stdlib::FILES {
            let found = declared(text, "check_opts(");
            assert_mirrors(found);
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
