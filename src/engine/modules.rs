//! Team modules: `import "net/base" as base;` resolves against the importing
//! script's folder, then each folder of `AWSRUN_PATH`, then the stdlib.
//! Nothing else on disk is reachable: absolute paths and `..` are refused.

use super::session::Session;
use crate::diagnostic::code;
use rhai::{Engine, EvalAltResult, Module, ModuleResolver, Position, Scope, Shared};

type SharedModule = Shared<Module>;
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

pub struct Resolver {
    roots: Vec<PathBuf>,
    session: Rc<Session>,
    cache: RefCell<HashMap<PathBuf, SharedModule>>,
}

impl Resolver {
    pub fn new(script_dir: Option<&Path>, session: Rc<Session>) -> Self {
        let mut roots = Vec::new();
        if let Some(dir) = script_dir {
            roots.push(if dir.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                dir.to_path_buf()
            });
        }
        if let Ok(path) = std::env::var("AWSRUN_PATH") {
            roots.extend(path.split(':').filter(|p| !p.is_empty()).map(PathBuf::from));
        }
        Resolver {
            roots,
            session,
            cache: RefCell::new(HashMap::new()),
        }
    }

    fn outside(path: &str, pos: Position) -> Box<EvalAltResult> {
        let err = super::host_error::HostError::new(
            code::Module::OutsideRoot,
            format!("cannot import \"{path}\": absolute paths and `..` are not allowed"),
        )
        .help("a script reaches no file but its modules: put the module in the script's folder (or below it), or add its folder to AWSRUN_PATH, and import it by its relative path, like \"net/base\"");
        EvalAltResult::ErrorRuntime(rhai::Dynamic::from(err), pos).into()
    }

    fn error(path: &str, why: String, pos: Position) -> Box<EvalAltResult> {
        let err = super::host_error::HostError::new(code::Module::NotFound, format!("cannot import \"{path}\": {why}"))
            .help("a module path is relative, like \"net/base\"; it is looked up in the script's folder, then each folder of AWSRUN_PATH, then the stdlib");
        EvalAltResult::ErrorRuntime(rhai::Dynamic::from(err), pos).into()
    }

    fn compile(
        &self,
        engine: &Engine,
        name: &str,
        text: &str,
        pos: Position,
    ) -> Result<SharedModule, Box<EvalAltResult>> {
        self.session.add_source(name, text);
        let mut ast = engine
            .compile(text)
            .map_err(|e| EvalAltResult::ErrorInModule(name.to_string(), Box::new(e.into()), pos))?;
        ast.set_source(name);
        let module = Module::eval_ast_as_new(Scope::new(), &ast, engine)
            .map_err(|e| EvalAltResult::ErrorInModule(name.to_string(), e, pos))?;
        Ok(module.into())
    }
}

/// A module path must stay inside its root: relative, no `..`.
fn is_contained(path: &str) -> bool {
    let p = Path::new(path);
    !path.is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

impl ModuleResolver for Resolver {
    fn resolve(
        &self,
        engine: &Engine,
        _source: Option<&str>,
        path: &str,
        pos: Position,
    ) -> Result<SharedModule, Box<EvalAltResult>> {
        if !is_contained(path) {
            return Err(Self::outside(path, pos));
        }
        let file = if path.ends_with(".rhai") {
            path.to_string()
        } else {
            format!("{path}.rhai")
        };
        for root in &self.roots {
            let candidate = root.join(&file);
            if let Some(module) = self.cache.borrow().get(&candidate) {
                return Ok(module.clone());
            }
            if candidate.is_file() {
                let text = std::fs::read_to_string(&candidate)
                    .map_err(|e| Self::error(path, format!("{}: {e}", candidate.display()), pos))?;
                let module = self.compile(engine, &candidate.display().to_string(), &text, pos)?;
                self.cache.borrow_mut().insert(candidate, module.clone());
                return Ok(module);
            }
        }
        if let Some((name, text)) = super::stdlib::find(path) {
            return self.compile(engine, name, text, pos);
        }
        let searched: Vec<String> = self.roots.iter().map(|r| r.display().to_string()).collect();
        Err(Self::error(
            path,
            format!("not found in {} or the stdlib", searched.join(", ")),
            pos,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::is_contained;

    #[test]
    fn module_paths_cannot_escape_their_root() {
        assert!(is_contained("net/base"));
        assert!(is_contained("./net/base"));
        assert!(!is_contained("../secrets"));
        assert!(!is_contained("net/../../x"));
        assert!(!is_contained("/etc/passwd"));
        assert!(!is_contained(""));
    }
}
