//! The state that persists between inputs: one session (the cloud, the
//! stack, the actions so far), one engine, one scope of variables, the
//! functions defined at the prompt and the modules imported there.
//!
//! Each input is compiled as its own source (`<repl:3>`) so that errors
//! point into the line just typed. Functions an input defines are
//! registered as a global module whose id is that source: later inputs can
//! call them, and an error inside one points into the input that defined
//! it. `import "x" as y;` registers `y` as a static module, so it stays
//! usable on later lines. An input that fails leaves no variable behind
//! (what it made in the cloud stays, and shows in `:plan`).

use super::known::ScriptFn;
use super::transcript::Transcript;
use crate::cloud::Cloud;
use crate::diagnostic::{self, Report};
use crate::engine::modules::Resolver;
use crate::engine::plan::Action;
use crate::engine::session::{Session, Sink};
use crate::engine::{self, Limits, Script, docs};
use rhai::{AST, Dynamic, Engine, EvalAltResult, Expr, Module, Scope, Shared, Stmt};
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
    pub(crate) fn new(
        cloud: Rc<dyn Cloud>,
        sink: Rc<dyn Sink>,
        interrupted: Arc<AtomicBool>,
        limits: Limits,
    ) -> Result<Self, Box<Report>> {
        let (session, engine) = wire(cloud, sink, interrupted, limits)?;
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
    pub(crate) fn rebind(
        &mut self,
        cloud: Rc<dyn Cloud>,
        sink: Rc<dyn Sink>,
    ) -> Result<(), Box<Report>> {
        let (session, mut engine) = wire(
            cloud,
            sink,
            self.session.interrupted.clone(),
            self.session.limits,
        )?;
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
    pub(crate) fn eval(&mut self, text: &str) -> Result<Dynamic, Box<Report>> {
        self.inputs += 1;
        let name = format!("<repl:{}>", self.inputs);
        self.run(&name, text, text)
    }

    /// Runs a script file into the session (`:load`); its imports resolve
    /// against its own folder.
    pub(crate) fn load(&mut self, path: &Path) -> Result<Dynamic, Box<Report>> {
        let script = Script::read_at_most(path, self.session.limits.script_size)
            .map_err(|e| Report::plain(e.code, e.message, Some(e.help)))
            .map_err(Box::new)?;
        self.engine
            .set_module_resolver(Resolver::new(path.parent(), self.session.clone()));
        let saved = format!("// :load {}\n{}", script.name(), script.source.trim());
        let result = self.run(&script.name(), &script.source, &saved);
        self.engine
            .set_module_resolver(Resolver::new(Some(Path::new(".")), self.session.clone()));
        result
    }

    fn run(&mut self, name: &str, text: &str, saved: &str) -> Result<Dynamic, Box<Report>> {
        self.session.add_source(name, text);
        let before = self.scope.len();
        let result = self
            .engine
            .compile_with_scope(&self.scope, text)
            .map_err(Box::<EvalAltResult>::from)
            .and_then(|mut ast| {
                ast.set_source(name);
                let value = self
                    .engine
                    .eval_ast_with_scope::<Dynamic>(&mut self.scope, &ast)?;
                Ok((ast, value))
            });
        self.session.flush();
        let (ast, value) = result.map_err(|err| {
            // A failed input defines nothing: `:save` could not replay it.
            self.scope.rewind(before);
            self.report(&err, name)
        })?;
        self.keep_functions(&ast)
            .map_err(|err| self.report(&err, name))?;
        self.keep_imports(name, &ast);
        self.transcript.push(saved, &ast);
        Ok(value)
    }

    /// Registers the functions `ast` defines so later inputs can call them.
    fn keep_functions(&mut self, ast: &AST) -> Result<(), Box<EvalAltResult>> {
        let defined: Vec<ScriptFn> = ast
            .iter_functions()
            .map(|f| ScriptFn {
                name: f.name.to_string(),
                params: f.params.iter().map(|p| p.to_string()).collect(),
            })
            .collect();
        if defined.is_empty() {
            return Ok(());
        }
        let module: Shared<Module> =
            Module::eval_ast_as_new(Scope::new(), &ast.clone_functions_only(), &self.engine)?
                .into();
        self.engine.register_global_module(module.clone());
        self.modules.push(module);
        self.functions.retain(|f| {
            !defined
                .iter()
                .any(|d| d.name == f.name && d.params.len() == f.params.len())
        });
        self.functions.extend(defined);
        Ok(())
    }

    /// Keeps `import "path" as alias;` of a successful input usable later.
    fn keep_imports(&mut self, source: &str, ast: &AST) {
        let mut found = Vec::new();
        for stmt in ast.statements() {
            if let Stmt::Import(import, pos) = stmt {
                let (Expr::StringConstant(path, _), alias) = (&import.0, &import.1) else {
                    continue;
                };
                if alias.name.is_empty() {
                    continue;
                }
                // The resolver caches file modules: this is the module the input imported.
                if let Ok(module) =
                    self.engine
                        .module_resolver()
                        .resolve(&self.engine, Some(source), path, *pos)
                {
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

    fn report(&self, err: &EvalAltResult, name: &str) -> Box<Report> {
        let mut names = docs::names();
        names.extend(self.functions.iter().map(|f| f.name.clone()));
        Box::new(diagnostic::from_eval(
            err,
            name,
            &|n| self.session.source(n),
            &names,
            &self.session.limits,
        ))
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
fn wire(
    cloud: Rc<dyn Cloud>,
    sink: Rc<dyn Sink>,
    interrupted: Arc<AtomicBool>,
    limits: Limits,
) -> Result<(Rc<Session>, Engine), Box<Report>> {
    let mut session = Session::new(cloud, STACK, sink);
    session.interrupted = interrupted;
    session.limits = limits;
    let session = Rc::new(session);
    let engine = engine::build(&session, Some(Path::new("."))).map_err(|err| {
        Box::new(diagnostic::from_eval(
            &err,
            "<repl>",
            &|n| session.source(n),
            &docs::names(),
            &session.limits,
        ))
    })?;
    Ok((session, engine))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::SimAccount;
    use crate::engine::session::Quiet;

    fn ok(ws: &mut Workspace, text: &str) {
        let _value = ws
            .eval(text)
            .unwrap_or_else(|r| panic!("{text}: {}", r.message));
    }

    fn workspace() -> Workspace {
        let cloud = Rc::new(SimAccount::new("ap-northeast-2"));
        Workspace::new(
            cloud,
            Rc::new(Quiet),
            Arc::new(AtomicBool::new(false)),
            Limits::DEFAULT,
        )
        .unwrap()
    }

    #[test]
    fn the_prompt_runs_under_the_limits_it_was_given_and_keeps_them_after_a_switch() {
        let limits = Limits {
            operations: 5_000,
            ..Limits::DEFAULT
        };
        let mut ws = Workspace::new(
            Rc::new(SimAccount::new("ap-northeast-2")),
            Rc::new(Quiet),
            Arc::new(AtomicBool::new(false)),
            limits,
        )
        .unwrap();
        let report = ws.eval("let n = 0; loop { n += 1; }").unwrap_err();
        assert_eq!(report.code, "awsrun::limit::operations");
        assert!(report.message.contains("5000"), "{}", report.message);
        let help = report.help.clone().unwrap_or_default();
        assert!(help.contains("--max-operations 10000"), "{help}");
        ws.rebind(Rc::new(SimAccount::new("ap-northeast-2")), Rc::new(Quiet))
            .unwrap();
        assert_eq!(ws.session.limits, limits);
        ok(&mut ws, "let n = 0; for i in 0..100 { n += i; }");
    }

    #[test]
    fn variables_and_functions_persist_between_inputs() {
        let mut ws = workspace();
        ok(&mut ws, "let base = 40");
        ok(&mut ws, "fn add(x) {\n  x + base_of()\n}");
        ok(&mut ws, "fn base_of() { 2 }");
        assert_eq!(ws.eval("add(base)").unwrap().as_int(), Ok(42));
        assert_eq!(ws.functions().len(), 2);
    }

    #[test]
    fn an_error_inside_an_earlier_function_points_into_the_input_that_defined_it() {
        let mut ws = workspace();
        ok(&mut ws, "fn bad(s) {\n  s.nope\n}");
        ok(&mut ws, "let s = public_subnet(\"2a\")");
        let report = ws.eval("bad(s)").unwrap_err();
        assert_eq!(report.code, "awsrun::resource::unknown_attribute");
        assert_eq!(report.location, Some(("<repl:3>".into(), 1, 1)));
        let raised = report.related.last().unwrap();
        assert_eq!(raised.location, Some(("<repl:1>".into(), 2, 4)));
    }

    #[test]
    fn a_failed_input_leaves_no_variable_but_its_resources_stay_planned() {
        let mut ws = workspace();
        let err = ws
            .eval("let eip = elastic_ip(\"nat-2a\"); let x = 1; x.nope()")
            .unwrap_err();
        assert_eq!(
            err.location.as_ref().map(|l| l.0.as_str()),
            Some("<repl:1>")
        );
        assert!(ws.eval("eip").is_err());
        assert_eq!(ws.actions().len(), 1);
        assert!(
            ws.script("out.rhai").is_none(),
            "nothing succeeded, nothing to save"
        );
    }

    #[test]
    fn a_stdlib_module_imported_at_the_prompt_stays_usable() {
        let mut ws = workspace();
        ok(&mut ws, "import \"network\" as net;");
        let a = ws
            .eval("net::private_subnet(\"2a\", \"172.31.112.0/20\")")
            .unwrap();
        assert!(a.is_map());
        assert_eq!(ws.imports(), [("network".to_string(), "net".to_string())]);
    }

    #[test]
    fn rebinding_clears_variables_and_keeps_functions() {
        let mut ws = workspace();
        ok(&mut ws, "let x = 1");
        ok(&mut ws, "fn one() { 1 }");
        let cloud = Rc::new(SimAccount::new("us-east-1"));
        ws.rebind(cloud, Rc::new(Quiet)).unwrap();
        assert!(ws.eval("x").is_err());
        assert_eq!(ws.eval("one() + 1").unwrap().as_int(), Ok(2));
        assert_eq!(ws.eval("region()").unwrap().to_string(), "us-east-1");
    }
}
