//! Builds the Rhai engine a script runs in: limits, host functions, the
//! embedded stdlib, the module resolver, and the run itself.

pub mod bindings;
pub mod check;
pub mod docs;
pub mod host_error;
pub mod lint;
pub mod modules;
pub mod opts;
pub mod plan;
pub mod session;
pub mod stdlib;
pub mod suggest;

use modules::Resolver;
use rhai::{Dynamic, Engine, EvalAltResult, Scope};
use session::Session;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// A script's text and the name reports show for it.
#[derive(Debug, Clone)]
pub struct Script {
    /// As given on the command line (relative paths stay relative).
    pub path: PathBuf,
    pub source: String,
}

impl Script {
    /// Largest script awsrun reads: scripts are code, not data.
    pub const MAX_SIZE: u64 = 1 << 20;

    /// Reads a script file; the error says what is wrong in words.
    pub fn read(path: &Path) -> Result<Script, String> {
        let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
        if meta.is_dir() {
            return Err("it is a directory; give a .rhai file".into());
        }
        if meta.len() > Self::MAX_SIZE {
            return Err(format!(
                "it is {} bytes; scripts are limited to {} bytes",
                meta.len(),
                Self::MAX_SIZE
            ));
        }
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let source = String::from_utf8(bytes).map_err(|e| {
            format!(
                "it is not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            )
        })?;
        if source.trim().is_empty() {
            return Err("it is empty; `awsrun docs` lists the functions a script can call".into());
        }
        Ok(Script {
            path: path.to_path_buf(),
            source,
        })
    }

    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// The default stack: the file stem (`scripts/multi-server.rhai` -> `multi-server`).
    pub fn stem(&self) -> String {
        self.path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "repl".into())
    }
}

/// The resource limits of a script, named in the errors that hit them.
pub struct Limits;

impl Limits {
    pub const OPERATIONS: u64 = 50_000_000;
    pub const CALL_DEPTH: usize = 64;
    pub const STRING_SIZE: usize = 1 << 20;
    pub const ARRAY_SIZE: usize = 200_000;
    pub const MAP_SIZE: usize = 10_000;
    pub const MODULES: usize = 100;
}

/// An engine wired to `session`: every host function, the stdlib and team
/// modules resolved as the contract says.
pub fn build(
    session: &Rc<Session>,
    script_dir: Option<&Path>,
) -> Result<Engine, Box<EvalAltResult>> {
    let mut engine = Engine::new();
    engine
        .set_max_operations(Limits::OPERATIONS)
        .set_max_call_levels(Limits::CALL_DEPTH)
        .set_max_expr_depths(128, 64)
        .set_max_string_size(Limits::STRING_SIZE)
        .set_max_array_size(Limits::ARRAY_SIZE)
        .set_max_map_size(Limits::MAP_SIZE)
        .set_max_modules(Limits::MODULES)
        .set_fail_on_invalid_map_property(true);
    engine.disable_symbol("eval");
    bindings::register_all(&mut engine, session);
    let s = session.clone();
    engine.on_print(move |text| s.print(text));
    // Ctrl-C stops a busy script too, not only at host calls.
    let flag = session.interrupted.clone();
    engine.on_progress(move |_| {
        flag.load(std::sync::atomic::Ordering::Relaxed)
            .then(|| Dynamic::from(session::interrupted_error()))
    });
    engine.on_debug(|text, source, pos| match source {
        Some(src) => eprintln!("{src}:{pos}: {text}"),
        None => eprintln!("{pos}: {text}"),
    });
    stdlib::load(&mut engine, session)?;
    engine.set_module_resolver(Resolver::new(script_dir, session.clone()));
    Ok(engine)
}

/// Runs a script to completion in `session`; returns the script's value.
pub fn run(session: &Rc<Session>, script: &Script) -> Result<Dynamic, Box<EvalAltResult>> {
    session.add_source(&script.name(), &script.source);
    let engine = build(session, script.path.parent())?;
    let mut ast = engine
        .compile(&script.source)
        .map_err(Box::<EvalAltResult>::from)?;
    ast.set_source(script.name());
    let mut scope = Scope::new();
    for (key, value) in &session.vars {
        scope.push(key.clone(), value.clone());
    }
    let result = engine.eval_ast_with_scope::<Dynamic>(&mut scope, &ast);
    session.flush();
    result
}
