//! What the line editor knows about the session for completion and hints:
//! the documented host and stdlib functions, the functions defined at the
//! prompt, and the variables in scope with their values. The shell
//! refreshes it after every input; the editor only reads it.

use crate::engine::docs::{self, Doc};
use rhai::{Dynamic, Scope};

/// A function defined at the prompt (or by `:load`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScriptFn {
    pub(crate) name: String,
    pub(crate) params: Vec<String>,
}

/// A snapshot of the session for the editor.
pub(crate) struct Known {
    docs: Vec<Doc>,
    functions: Vec<ScriptFn>,
    vars: Vec<(String, Dynamic)>,
}

impl Known {
    pub(crate) fn new() -> Self {
        Known {
            docs: docs::all(),
            functions: Vec::new(),
            vars: Vec::new(),
        }
    }

    /// Takes the variables of `scope` (the latest of each name) and the
    /// prompt's functions.
    pub(crate) fn refresh(&mut self, scope: &Scope, functions: &[ScriptFn]) {
        // `iter_raw` goes from the latest variable back: the first of a name wins.
        let mut vars: Vec<(String, Dynamic)> = Vec::new();
        for (name, _, value) in scope.iter_raw() {
            if !vars.iter().any(|(n, _)| n == name) {
                vars.push((name.to_string(), value.clone()));
            }
        }
        vars.reverse();
        self.vars = vars;
        self.functions = functions.to_vec();
    }

    /// Every callable name, sorted, each once.
    pub(crate) fn function_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.docs.iter().map(|d| d.name.clone()).collect();
        names.extend(self.functions.iter().map(|f| f.name.clone()));
        names.sort();
        names.dedup();
        names
    }

    pub(crate) fn var_names(&self) -> impl Iterator<Item = &str> {
        self.vars.iter().map(|(name, _)| name.as_str())
    }

    pub(crate) fn var(&self, name: &str) -> Option<&Dynamic> {
        self.vars.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The signature(s) of a function: overloads joined by ` | `.
    pub(crate) fn signature(&self, name: &str) -> Option<String> {
        let mut sigs: Vec<String> = self
            .functions
            .iter()
            .filter(|f| f.name == name)
            .map(|f| format!("{}({})", f.name, f.params.join(", ")))
            .collect();
        if sigs.is_empty() {
            sigs = self
                .docs
                .iter()
                .filter(|d| d.name == name)
                .map(|d| d.signature.clone())
                .collect();
        }
        (!sigs.is_empty()).then(|| sigs.join(" | "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overloads_share_one_hint_and_the_latest_variable_wins() {
        let mut known = Known::new();
        let sig = known.signature("private_subnet").unwrap();
        assert!(
            sig.contains("private_subnet(az, cidr) | private_subnet(az, cidr, opts)"),
            "{sig}"
        );
        let mut scope = Scope::new();
        scope.push("x", 1_i64);
        scope.push("x", 2_i64);
        known.refresh(
            &scope,
            &[ScriptFn {
                name: "twice".into(),
                params: vec!["n".into()],
            }],
        );
        assert_eq!(known.var("x").unwrap().as_int(), Ok(2));
        assert_eq!(known.var_names().count(), 1);
        assert_eq!(known.signature("twice").as_deref(), Some("twice(n)"));
        assert!(known.function_names().contains(&"twice".to_string()));
    }
}
