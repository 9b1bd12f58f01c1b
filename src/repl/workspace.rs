//! The state that persists between inputs: one session (the cloud, the
//! stack, the actions so far), one engine, one scope of variables, the
//! functions defined at the prompt and the modules imported there.
//!
//! Each input is compiled as its own source (`<repl:3>`) so that errors
//! point into the line just typed. Functions an input defines are
//! registered as a global module whose id is that source: later inputs can
//! call them, and an error inside one points into the input that defined
//! it. `import "x" as y;` registers `y` as a static module, so it stays
//! usable on later lines.

use super::known::ScriptFn;
use super::transcript::Transcript;
use crate::cloud::Cloud;
use crate::diagnostic::{self, Report};
use crate::engine::modules::Resolver;
use crate::engine::plan::Action;
use crate::engine::session::{Session, Sink};
use crate::engine::{self, Script, docs};
use rhai::{AST, Dynamic, Engine, EvalAltResult, Expr, Module, ModuleResolver, Scope, Shared, Stmt};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

/// The stack every resource made at the prompt is tagged with.
pub(crate) const STACK: &str = "repl";

/// Everything an input can see and change.
pub(crate) struct Workspace {
    pub(crate) session: Rc<Session>,
    engine: Engine,
    scope: Scope<'static>,
    /// Global modules holding the prompt's functions, oldest first.
    modules: Vec<Shared<Module>>,
    functions: Vec<ScriptFn>,
    imports: Vec<(String, String)>,
    transcript: Transcript,
    parser: Engine,
    inputs: usize,
}

impl Workspace {
    pub(crate) fn new(cloud: Rc<dyn Cloud>, sink: Rc<dyn Sink>, interrupted: Arc<AtomicBool>) -> Result<Self, Report> {
        let (session, engine) = wire(cloud, sink, interrupted)?;
        Ok(Workspace {
            session,
            engine,
            scope: Scope::new(),
            modules: Vec::new(),
            functions: Vec::new(),
            imports: Vec::new(),
            transcript: Transcript::default(),
            parser: super::validate::parser(),
            inputs: 0,
        })
    }

    /// Moves to another cloud: a new session and engine. Variables held
    /// the old cloud's resources and go; functions and the transcript stay.
    pub(crate) fn rebind(&mut self, cloud: Rc<dyn Cloud>) -> Result<(), Report> {
        let (session, mut engine) = wire(cloud, self.session.sink.clone(), self.session.interrupted.clone())?;
        for module in &self.modules {
            engine.register_global_module(module.clone());
        }
        self.session = session;
        self.engine = engine;
        self.scope = Scope::new();
        self.imports.clear();
        Ok(())
    }

    /// Runs one input typed at the prompt.
    pub(crate) fn eval(&mut self, text: &str) -> Result<Dynamic, Report> {
        self.inputs += 1;
        let name = format!("<repl:{}>", self.inputs);
        self.run(&name, text, text)
    }

    /// Runs a script file into the session (`:load`); its imports resolve
    /// against its own folder.
    pub(crate) fn load(&mut self, path: &Path) -> Result<Dynamic, Report> {
        let script = Script::read(path)
            .map_err(|e| Report::plain("awsrun::repl::load", format!("cannot read {}: {e}", path.display()), None))?;
        self.engine.set_module_resolver(Resolver::new(path.parent(), self.session.clone()));
        let saved = format!("// :load {}\n{}", script.name(), script.source.trim());
        let result = self.run(&script.name(), &script.source, &saved);
        self.engine.set_module_resolver(Resolver::new(Some(Path::new(".")), self.session.clone()));
        result
    }

    fn run(&mut self, name: &str, text: &str, saved: &str) -> Result<Dynamic, Report> {
        self.session.add_source(name, text);
        let result = self.engine.compile_with_scope(&self.scope, text).map_err(Box::<EvalAltResult>::from).and_then(|mut ast| {
            ast.set_source(name);
            let value = self.engine.eval_ast_with_scope::<Dynamic>(&mut self.scope, &ast)?;
            Ok((ast, value))
        });
        self.session.flush();
        let (ast, value) = result.map_err(|err| self.report(&err, name))?;
        self.keep_functions(&ast).map_err(|err| self.report(&err, name))?;
        self.keep_imports(name, &ast);
        self.transcript.push(saved, &ast);
        Ok(value)
    }

    /// Registers the functions `ast` defines so later inputs can call them.
    fn keep_functions(&mut self, ast: &AST) -> Result<(), Box<EvalAltResult>> {
        let defined: Vec<ScriptFn> = ast
            .iter_functions()
            .map(|f| ScriptFn { name: f.name.to_string(), params: f.params.iter().map(|p| p.to_string()).collect() })
            .collect();
        if defined.is_empty() {
            return Ok(());
        }
        let module: Shared<Module> = Module::eval_ast_as_new(Scope::new(), &ast.clone_functions_only(), &self.engine)?.into();
        self.engine.register_global_module(module.clone());
        self.modules.push(module);
        self.functions.retain(|f| !defined.iter().any(|d| d.name == f.name && d.params.len() == f.params.len()));
        self.functions.extend(defined);
        Ok(())
    }

    /// Keeps `import "path" as alias;` of a successful input usable later.
    fn keep_imports(&mut self, source: &str, ast: &AST) {
        let mut found = Vec::new();
        for stmt in ast.statements() {
            if let Stmt::Import(import, pos) = stmt {
                let (Expr::StringConstant(path, _), alias) = (&import.0, &import.1) else { continue };
                if alias.name.is_empty() {
                    continue;
                }
                // The resolver caches file modules: this is the module the input imported.
                if let Ok(module) = self.engine.module_resolver().resolve(&self.engine, Some(source), path, *pos) {
                    found.push((path.to_string(), alias.name.to_string(), module));
                }
            }
        }
        for (path, alias, module) in found {
            self.engine.register_static_module(alias.as_str(), module);
            self.imports.retain(|(_, a)| *a != alias);
            self.imports.push((path, alias));
        }
    }

    fn report(&self, err: &EvalAltResult, name: &str) -> Report {
        let mut names = docs::names();
        names.extend(self.functions.iter().map(|f| f.name.clone()));
        diagnostic::from_eval(err, name, &|n| self.session.source(n), &names)
    }

    pub(crate) fn actions(&self) -> Vec<Action> {
        self.session.actions()
    }

    pub(crate) fn scope(&self) -> &Scope<'static> {
        &self.scope
    }

    pub(crate) fn functions(&self) -> &[ScriptFn] {
        &self.functions
    }

    pub(crate) fn imports(&self) -> &[(String, String)] {
        &self.imports
    }

    /// The successful input so far as a script named `name`, or `None` when there is none.
    pub(crate) fn script(&self, name: &str) -> Option<String> {
        (!self.transcript.is_empty()).then(|| self.transcript.script(&self.parser, name))
    }
}

/// A session on `cloud` and an engine wired to it.
fn wire(cloud: Rc<dyn Cloud>, sink: Rc<dyn Sink>, interrupted: Arc<AtomicBool>) -> Result<(Rc<Session>, Engine), Report> {
    let mut session = Session::new(cloud, STACK, sink);
    session.interrupted = interrupted;
    let session = Rc::new(session);
    let engine = engine::build(&session, Some(Path::new("."))).map_err(|err| {
        diagnostic::from_eval(&err, "<repl>", &|n| session.source(n), &docs::names())
    })?;
    Ok((session, engine))
}
