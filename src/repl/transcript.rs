//! The session's successful input, kept to be written out by `:save` as a
//! script that `awsrun FILE --dry-run` runs to the same plan.
//!
//! At the prompt the last statement of an input needs no `;`; in a script
//! every statement but the last does, so each entry gets the terminator it
//! lacks. A function defined again replaces its earlier definition (a
//! script may not define the same function twice).

use rhai::Engine;

/// One successful input.
#[derive(Debug, Clone)]
struct Entry {
    text: String,
    /// `(name, arity)` of the functions it defines.
    functions: Vec<(String, usize)>,
    /// It defines functions and does nothing else.
    only_functions: bool,
}

/// Successful inputs in order.
#[derive(Debug, Default)]
pub(crate) struct Transcript {
    entries: Vec<Entry>,
}

impl Transcript {
    /// Records an input that ran without error.
    pub(crate) fn push(&mut self, text: &str, ast: &rhai::AST) {
        let functions: Vec<(String, usize)> = ast
            .iter_functions()
            .map(|f| (f.name.to_string(), f.params.len()))
            .collect();
        if !functions.is_empty() {
            // An earlier input that only defined functions now all redefined goes.
            self.entries.retain(|e| {
                !(e.only_functions && e.functions.iter().all(|f| functions.contains(f)))
            });
        }
        let only_functions = !functions.is_empty() && ast.statements().is_empty();
        self.entries.push(Entry {
            text: text.trim().to_string(),
            functions,
            only_functions,
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The inputs as one script, after a header naming how to run it.
    pub(crate) fn script(&self, parser: &Engine, name: &str) -> String {
        let mut out = format!(
            "// Saved from an `awsrun repl` session.\n// Plan it with `awsrun {name} --dry-run`; run it with `awsrun {name}`.\n\n"
        );
        for entry in &self.entries {
            out.push_str(&terminated(parser, &entry.text));
            out.push('\n');
        }
        out
    }
}

/// `text` as a statement that another statement may follow.
fn terminated(parser: &Engine, text: &str) -> String {
    let followed = |candidate: &str| parser.compile(format!("{candidate}\n0")).is_ok();
    if text.ends_with(';') || followed(text) {
        return text.to_string();
    }
    // A trailing `// comment` would swallow a `;` on the same line.
    [format!("{text};"), format!("{text}\n;")]
        .into_iter()
        .find(|c| followed(c))
        .unwrap_or_else(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript(inputs: &[&str]) -> String {
        let parser = super::super::validate::parser();
        let mut t = Transcript::default();
        for input in inputs {
            t.push(input, &parser.compile(input).unwrap());
        }
        t.script(&parser, "out.rhai")
    }

    #[test]
    fn each_input_becomes_a_statement() {
        let script = transcript(&[
            "let m = #{ a: 1 }",
            "fn twice(x) {\n  x * 2\n}",
            "let n = twice(m.a) // two",
            "n",
        ]);
        assert_eq!(
            script,
            "// Saved from an `awsrun repl` session.\n// Plan it with `awsrun out.rhai --dry-run`; run it with `awsrun out.rhai`.\n\n\
             let m = #{ a: 1 };\nfn twice(x) {\n  x * 2\n}\nlet n = twice(m.a) // two\n;\nn;\n"
        );
        assert!(super::super::validate::parser().compile(&script).is_ok());
    }

    #[test]
    fn a_function_defined_again_replaces_the_first() {
        let script = transcript(&["fn f(x) { x }", "f(1)", "fn f(x) { x + 1 }"]);
        assert_eq!(script.matches("fn f(x)").count(), 1);
        assert!(script.contains("fn f(x) { x + 1 }"));
    }
}
