//! Builds the Rhai engine a script runs in: limits, host functions, the
//! embedded stdlib, the module resolver, and the run itself; and destroys
//! a stack (`destroy.rs`), in order, for any caller.

pub mod bindings;
pub mod check;
pub(crate) mod destroy;
pub mod docs;
pub mod functions;
pub mod host_error;
pub mod lint;
pub mod modules;
pub mod opts;
pub mod plan;
pub mod session;
pub mod stdlib;
pub mod suggest;

use crate::diagnostic::code::{self, Code};
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
    /// Reads a script file under the default size limit.
    pub fn read(path: &Path) -> Result<Script, ReadError> {
        Script::read_at_most(path, Limits::DEFAULT.script_size)
    }

    /// Reads a script file of at most `max_size` bytes; the error says
    /// what is wrong and what to do.
    pub fn read_at_most(path: &Path, max_size: u64) -> Result<Script, ReadError> {
        let shown = path.display();
        let fail = |code: code::Usage, what: String, help: String| ReadError {
            code: code.into(),
            message: format!("cannot read {shown}: {what}"),
            help,
        };
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => fail(
                code::Usage::ScriptNotFound,
                "no such file".into(),
                "check the path: it is relative to the folder awsrun runs in (e.g. `awsrun scripts/multi-server.rhai --dry-run`)".into(),
            ),
            _ => fail(code::Usage::ScriptUnreadable, e.to_string(), "check the file's permissions".into()),
        })?;
        if meta.is_dir() {
            let mut scripts: Vec<String> = std::fs::read_dir(path)
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".rhai"))
                .collect();
            scripts.sort();
            let help = match scripts.as_slice() {
                [] => "give the path of a .rhai file".to_string(),
                _ => format!("give one of its scripts: {}", scripts.join(", ")),
            };
            return Err(fail(
                code::Usage::ScriptDirectory,
                "it is a directory".into(),
                help,
            ));
        }
        if meta.len() > max_size {
            return Err(ReadError {
                code: code::Limit::ScriptSize.into(),
                message: format!(
                    "cannot read {shown}: it is {} bytes, over awsrun's limit of {max_size} bytes for a script",
                    meta.len()
                ),
                help: format!(
                    "scripts are code, not data: keep data in variables (`--var`) or split the script into modules; {}",
                    Limit::ScriptSize.how_to_raise(max_size)
                ),
            });
        }
        let bytes = std::fs::read(path).map_err(|e| {
            fail(
                code::Usage::ScriptUnreadable,
                e.to_string(),
                "check the file's permissions".into(),
            )
        })?;
        let source = String::from_utf8(bytes).map_err(|e| {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            // The valid text before the bad byte places it.
            let before = String::from_utf8_lossy(&bytes[..at]);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            fail(
                code::Usage::ScriptEncoding,
                format!(
                    "it is not UTF-8 text (byte 0x{:02X} at line {line}, column {column})",
                    bytes[at]
                ),
                "save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8 OLD > NEW`)".into(),
            )
        })?;
        if source.trim().is_empty() {
            return Err(fail(
                code::Usage::ScriptEmpty,
                "it is empty".into(),
                "`awsrun docs` lists the functions a script can call; scripts/multi-server.rhai is a whole example".into(),
            ));
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

/// Why a script file could not be read: a stable code, the problem and
/// what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub code: Code,
    pub message: String,
    pub help: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The resource limits of a script, named in the errors that hit them. Each
/// has a global flag and an environment variable that raise it (see
/// [`Limit`]); the defaults fit any infrastructure script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub operations: u64,
    pub call_depth: usize,
    pub string_size: usize,
    pub array_size: usize,
    pub map_size: usize,
    pub modules: usize,
    /// Largest script file read, in bytes: scripts are code, not data.
    pub script_size: u64,
}

impl Limits {
    pub const DEFAULT: Limits = Limits {
        operations: 50_000_000,
        call_depth: 64,
        string_size: 1 << 20,
        array_size: 200_000,
        map_size: 10_000,
        modules: 100,
        script_size: 1 << 20,
    };

    /// The deepest nesting `--max-call-depth` allows: deeper calls could
    /// exhaust the native stack before Rhai notices.
    pub const MAX_CALL_DEPTH: usize = 256;

    /// The value of one limit.
    pub fn get(&self, limit: Limit) -> u64 {
        match limit {
            Limit::Operations => self.operations,
            Limit::CallDepth => self.call_depth as u64,
            Limit::StringSize => self.string_size as u64,
            Limit::ArraySize => self.array_size as u64,
            Limit::MapSize => self.map_size as u64,
            Limit::Modules => self.modules as u64,
            Limit::ScriptSize => self.script_size,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// One of the [`Limits`], with the flag and variable that set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Operations,
    CallDepth,
    StringSize,
    ArraySize,
    MapSize,
    Modules,
    ScriptSize,
}

impl Limit {
    pub const ALL: [Limit; 7] = [
        Limit::Operations,
        Limit::CallDepth,
        Limit::StringSize,
        Limit::ArraySize,
        Limit::MapSize,
        Limit::Modules,
        Limit::ScriptSize,
    ];

    /// The global flag, e.g. `--max-operations`.
    pub fn flag(self) -> &'static str {
        match self {
            Limit::Operations => "--max-operations",
            Limit::CallDepth => "--max-call-depth",
            Limit::StringSize => "--max-string-size",
            Limit::ArraySize => "--max-array-size",
            Limit::MapSize => "--max-map-size",
            Limit::Modules => "--max-modules",
            Limit::ScriptSize => "--max-script-size",
        }
    }

    /// The environment variable, e.g. `AWSRUN_MAX_OPERATIONS`.
    pub fn env(self) -> &'static str {
        match self {
            Limit::Operations => "AWSRUN_MAX_OPERATIONS",
            Limit::CallDepth => "AWSRUN_MAX_CALL_DEPTH",
            Limit::StringSize => "AWSRUN_MAX_STRING_SIZE",
            Limit::ArraySize => "AWSRUN_MAX_ARRAY_SIZE",
            Limit::MapSize => "AWSRUN_MAX_MAP_SIZE",
            Limit::Modules => "AWSRUN_MAX_MODULES",
            Limit::ScriptSize => "AWSRUN_MAX_SCRIPT_SIZE",
        }
    }

    /// The largest value the flag accepts. Call depth is bounded by the
    /// native stack each nested call uses; the others by memory only.
    pub fn ceiling(self) -> u64 {
        match self {
            Limit::CallDepth => Limits::MAX_CALL_DEPTH as u64,
            Limit::Modules => 10_000,
            Limit::Operations => u64::MAX / 2,
            _ => u32::MAX as u64,
        }
    }

    /// How to raise this limit, for a report's help line: the flag with
    /// a value above `current`, and the variable.
    pub fn how_to_raise(self, current: u64) -> String {
        let higher = current.saturating_mul(2).min(self.ceiling());
        if current >= self.ceiling() {
            return format!("{current} is already the most `{}` allows", self.flag());
        }
        format!(
            "a script that really needs more can raise the limit with `{} {higher}` (or {}={higher})",
            self.flag(),
            self.env()
        )
    }
}

/// An engine wired to `session`: every host function, the stdlib and team
/// modules resolved as the contract says.
pub fn build(
    session: &Rc<Session>,
    script_dir: Option<&Path>,
) -> Result<Engine, Box<EvalAltResult>> {
    let mut engine = Engine::new();
    let limits = session.limits;
    engine
        .set_max_operations(limits.operations)
        .set_max_call_levels(limits.call_depth)
        .set_max_expr_depths(128, 64)
        .set_max_string_size(limits.string_size)
        .set_max_array_size(limits.array_size)
        .set_max_map_size(limits.map_size)
        .set_max_modules(limits.modules)
        .set_fail_on_invalid_map_property(true);
    engine.disable_symbol("eval");
    bindings::register_all(&mut engine, session);
    let s = session.clone();
    engine.on_print(move |text| s.print(text));
    // Ctrl-C stops a busy script too, not only at host calls.
    let flag = session.interrupted.clone();
    let due = Rc::new(std::cell::Cell::new(false));
    let tick = due.clone();
    engine.on_progress(move |ops| {
        if ops % MAP_CHECK_EVERY == 0 {
            tick.set(true);
        }
        flag.load(std::sync::atomic::Ordering::Relaxed)
            .then(|| Dynamic::from(session::interrupted_error()))
    });
    // Rhai checks a map's size when the map is assigned, merged or passed
    // on, but not when `m[key] = value` adds a key to it. So every
    // MAP_CHECK_EVERY operations, the next variable access looks over the
    // variables in scope: a map grown key by key stops at the same limit.
    let max_map = limits.map_size;
    #[allow(deprecated)] // `on_var` is marked volatile, not deprecated
    engine.on_var(move |_, _, context| {
        if due.replace(false)
            && context
                .scope()
                .iter_raw()
                .any(|(_, _, value)| map_entries(value) > max_map)
        {
            return Err(EvalAltResult::ErrorDataTooLarge(
                "Size of object map".into(),
                rhai::Position::NONE,
            )
            .into());
        }
        Ok(None)
    });
    engine.on_debug(|text, source, pos| match source {
        Some(src) => eprintln!("{src}:{pos}: {text}"),
        None => eprintln!("{pos}: {text}"),
    });
    stdlib::load(&mut engine, session)?;
    engine.set_module_resolver(Resolver::new(script_dir, session.clone()));
    Ok(engine)
}

/// How often (in operations) variables are looked over for maps past the
/// size limit.
const MAP_CHECK_EVERY: u64 = 1 << 14;

/// The keys of every object map in `value`, nested ones included (as Rhai
/// counts them for its own map limit).
fn map_entries(value: &Dynamic) -> usize {
    if let Some(map) = value.read_lock::<rhai::Map>() {
        map.len() + map.values().map(map_entries).sum::<usize>()
    } else if let Some(array) = value.read_lock::<rhai::Array>() {
        array.iter().map(map_entries).sum()
    } else {
        0
    }
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
