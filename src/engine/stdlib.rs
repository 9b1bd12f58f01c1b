//! The standard library: `stdlib/*.rhai`, embedded in the binary and
//! callable from every script without `import`.

use super::session::Session;
use crate::diagnostic::code::{self, Code};
use rhai::{Engine, EvalAltResult, Module, Position, Scope};
use std::rc::Rc;

/// Every stdlib file: (name as reports show it, text).
pub const FILES: [(&str, &str); 5] = [
    (
        "stdlib/network.rhai",
        include_str!("../../stdlib/network.rhai"),
    ),
    ("stdlib/alb.rhai", include_str!("../../stdlib/alb.rhai")),
    ("stdlib/app.rhai", include_str!("../../stdlib/app.rhai")),
    (
        "stdlib/rolling.rhai",
        include_str!("../../stdlib/rolling.rhai"),
    ),
    (
        "stdlib/scaling.rhai",
        include_str!("../../stdlib/scaling.rhai"),
    ),
];

/// Every awsrun code the stdlib's files name, raising it with `fail(...)`
/// or catching it. The files are Rhai, out of the compiler's sight: this
/// list is where their codes meet the catalogue, and `tests/catalogue.rs`
/// checks that the files name exactly these.
pub const CODES: [Code; 6] = [
    code::Opts::Missing.code(),
    code::Opts::Value.code(),
    code::Rolling::Capacity.code(),
    code::Rolling::Unhealthy.code(),
    code::Rolling::RolledBack.code(),
    code::Stop::Interrupted.code(),
];

/// The text of a stdlib file by module path (`"network"` or `"stdlib/network"`).
pub fn find(path: &str) -> Option<(&'static str, &'static str)> {
    let stem = path.trim_start_matches("stdlib/").trim_end_matches(".rhai");
    FILES
        .iter()
        .copied()
        .find(|(name, _)| name.trim_start_matches("stdlib/").trim_end_matches(".rhai") == stem)
}

/// Compiles each stdlib file and registers its functions globally.
pub fn load(engine: &mut Engine, session: &Rc<Session>) -> Result<(), Box<EvalAltResult>> {
    for (name, text) in FILES {
        session.add_source(name, text);
        let in_file = |err: Box<EvalAltResult>| {
            EvalAltResult::ErrorInModule(name.into(), err, Position::NONE)
        };
        let mut ast = engine.compile(text).map_err(|e| in_file(e.into()))?;
        ast.set_source(name);
        let module = Module::eval_ast_as_new(Scope::new(), &ast, engine).map_err(in_file)?;
        engine.register_global_module(module.into());
    }
    Ok(())
}
