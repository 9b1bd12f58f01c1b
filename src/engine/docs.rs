//! Documentation of every host and stdlib function, for `awsrun docs`,
//! "did you mean" suggestions and the REPL's help: host functions from
//! their descriptors (`functions::HOST`), stdlib functions from their `///`
//! comments and the option lists of their `check_opts` calls.

use rhai::Engine;

/// One documented function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doc {
    pub name: String,
    pub signature: String,
    pub doc: String,
    pub example: String,
    /// `host` or the stdlib file it is defined in.
    pub origin: String,
}

/// Every documented function: host functions, then the stdlib's.
pub fn all() -> Vec<Doc> {
    let mut docs: Vec<Doc> = super::functions::HOST
        .iter()
        .map(|f| Doc {
            name: f.name.to_string(),
            signature: f.signature(),
            doc: f.doc.to_string(),
            example: f.example.to_string(),
            origin: "host".into(),
        })
        .collect();
    docs.extend(stdlib_docs());
    docs
}

/// Names of every host and stdlib function.
pub fn names() -> Vec<String> {
    all().into_iter().map(|d| d.name).collect()
}

/// Docs from the stdlib's `///` comments: the text, and the ```rhai block as example.
fn stdlib_docs() -> Vec<Doc> {
    let mut engine = Engine::new_raw();
    engine.set_max_expr_depths(128, 64);
    let mut docs = Vec::new();
    for (file, text) in super::stdlib::FILES {
        let Ok(ast) = engine.compile(text) else {
            continue;
        };
        // Closures compile to functions named `anon$...`: not part of the API.
        let mut functions: Vec<_> = ast
            .iter_functions()
            .filter(|f| !f.name.starts_with("anon$"))
            .collect();
        // Rhai keeps functions in a hash map: order them as the file does.
        functions.sort_by_key(|f| (text.find(&format!("fn {}(", f.name)), f.params.len()));
        for f in functions {
            let lines: Vec<&str> = f
                .comments
                .iter()
                .flat_map(|c| c.lines())
                .map(|l| l.trim_start_matches("///").trim_start_matches(' '))
                .collect();
            let (doc, example) = split_example(&lines);
            docs.push(Doc {
                name: f.name.to_string(),
                signature: format!("{}({})", f.name, f.params.join(", ")),
                doc,
                example,
                origin: file.to_string(),
            });
        }
    }
    docs
}

/// `(function, option keys)` of every `check_opts("func", opts, [...])`
/// call in the stdlib: the keys each stdlib function accepts.
pub fn stdlib_options() -> &'static [(&'static str, Vec<&'static str>)] {
    static OPTIONS: std::sync::OnceLock<Vec<(&'static str, Vec<&'static str>)>> =
        std::sync::OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut out = Vec::new();
        for (_, text) in super::stdlib::FILES {
            for (at, _) in text.match_indices("check_opts(\"") {
                let rest = &text[at + "check_opts(\"".len()..];
                let Some((func, rest)) = rest.split_once('"') else {
                    continue;
                };
                let list = rest
                    .split_once('[')
                    .and_then(|(_, r)| r.split_once(']'))
                    .map_or("", |(list, _)| list);
                let keys = list
                    .split(',')
                    .map(|k| k.trim().trim_matches('"'))
                    .filter(|k| !k.is_empty())
                    .collect();
                out.push((func, keys));
            }
        }
        out
    })
}

fn split_example(lines: &[&str]) -> (String, String) {
    let mut doc = Vec::new();
    let mut example = Vec::new();
    let mut in_code = false;
    for line in lines {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            example.push(*line)
        } else {
            doc.push(*line)
        }
    }
    (doc.join("\n").trim().to_string(), example.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdlib_options_are_read_from_check_opts() {
        let alb = stdlib_options()
            .iter()
            .find(|(f, _)| *f == "alb")
            .expect("alb checks its options");
        assert!(alb.1.contains(&"subnets") && alb.1.contains(&"health_check"));
    }

    #[test]
    fn stdlib_functions_are_documented_with_examples() {
        let docs = all();
        for name in [
            "private_subnet",
            "alb",
            "app_servers",
            "subnet",
            "wait_healthy",
        ] {
            let doc = docs
                .iter()
                .find(|d| d.name == name)
                .unwrap_or_else(|| panic!("{name} undocumented"));
            assert!(!doc.doc.is_empty(), "{name} has no doc");
            assert!(!doc.example.is_empty(), "{name} has no example");
        }
    }
}
