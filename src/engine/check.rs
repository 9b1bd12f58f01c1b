//! Static checks of a compiled script, before anything runs: calls to
//! functions that exist nowhere (with a "did you mean") and calls with a
//! number of arguments no overload takes.

use super::suggest::nearest;
use crate::diagnostic::code::{self, Code};
use rhai::{AST, ASTNode, Engine, Expr, Position, Stmt};
use std::collections::{BTreeMap, BTreeSet};

/// One problem found statically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: Code,
    pub message: String,
    pub help: Option<String>,
    pub pos: Position,
}

/// Functions Rhai handles itself, which appear in no signature list.
const KEYWORDS: [&str; 10] = [
    "print",
    "debug",
    "type_of",
    "Fn",
    "call",
    "curry",
    "is_def_var",
    "is_def_fn",
    "is_shared",
    "eval",
];

/// Every callable name with the argument counts it accepts.
fn known_functions(engine: &Engine, ast: &AST) -> BTreeMap<String, BTreeSet<usize>> {
    let mut known: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for sig in engine.gen_fn_signatures(true) {
        if let Some((name, rest)) = sig.split_once('(') {
            let params = rest.split(')').next().unwrap_or("");
            let arity = if params.trim().is_empty() {
                0
            } else {
                params.split(',').count()
            };
            known
                .entry(name.trim().to_string())
                .or_default()
                .insert(arity);
        }
    }
    for f in ast.iter_functions() {
        known
            .entry(f.name.to_string())
            .or_default()
            .insert(f.params.len());
    }
    known
}

/// Unknown functions and wrong arities in `ast`.
pub fn check(engine: &Engine, ast: &AST) -> Vec<Finding> {
    let known = known_functions(engine, ast);
    let mut findings = Vec::new();
    ast.walk(&mut |path: &[ASTNode]| {
        let call = match path.last() {
            Some(ASTNode::Expr(Expr::FnCall(call, pos))) => Some((call.as_ref(), *pos)),
            Some(ASTNode::Stmt(Stmt::FnCall(call, pos))) => Some((call.as_ref(), *pos)),
            _ => None,
        };
        if let Some((call, pos)) = call {
            let name = call.name.as_str();
            let plain = name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_');
            if plain
                && !call.is_qualified()
                && !call.is_operator_call()
                && !KEYWORDS.contains(&name)
                && let Some(finding) = judge(&known, name, call.args.len(), pos)
            {
                findings.push(finding);
            }
        }
        true
    });
    findings
}

fn judge(
    known: &BTreeMap<String, BTreeSet<usize>>,
    name: &str,
    arity: usize,
    pos: Position,
) -> Option<Finding> {
    match known.get(name) {
        Some(arities) if arities.contains(&arity) => None,
        Some(arities) => {
            let takes: Vec<String> = arities.iter().map(ToString::to_string).collect();
            Some(Finding {
                code: code::Script::Arguments.into(),
                message: format!(
                    "{name}() takes {} argument(s), got {arity}",
                    takes.join(" or ")
                ),
                help: Some(format!("see `awsrun docs {name}`")),
                pos,
            })
        }
        None => Some(Finding {
            code: code::Script::UnknownFunction.into(),
            message: format!("unknown function `{name}`"),
            help: nearest(name, known.keys().map(String::as_str))
                .map(|n| format!("did you mean `{n}`? (`awsrun docs` lists every function)"))
                .or_else(|| Some("`awsrun docs` lists every function".into())),
            pos,
        }),
    }
}
