//! `awsrun run SCRIPT` (and bare `awsrun SCRIPT`).

use super::args::RunArgs;
use super::config::{Config, check_stack, parse_vars};
use super::output::{JsonSink, TextSink, out};
use super::{Exit, report};
use crate::cloud::{Cloud, Mode, sim::SimAccount};
use crate::diagnostic::{self, Report};
use crate::engine::bindings::resource::to_json;
use crate::engine::plan::Summary;
use crate::engine::session::{Session, Sink};
use crate::engine::{self, Script};
use std::rc::Rc;

pub fn exec(config: &Config, args: RunArgs) -> Exit {
    let script = match Script::read(&args.script) {
        Ok(script) => script,
        Err(err) => return usage(config, &format!("cannot read {}: {err}", args.script.display())),
    };
    let vars = match parse_vars(&args.vars) {
        Ok(vars) => vars,
        Err(msg) => return usage(config, &msg),
    };
    let stack = args.stack.clone().unwrap_or_else(|| script.stem());
    if let Err(msg) = check_stack(&stack) {
        return usage(config, &msg);
    }
    if !args.dry_run {
        return usage(config, "live runs need the AWS backend, which this build does not include yet; add --dry-run");
    }
    let cloud: Rc<dyn Cloud> = Rc::new(SimAccount::new(&config.sim_region()));
    execute(config, cloud, &script, &stack, vars).0
}

/// Runs `script` against `cloud` and prints the plan (or the JSON document).
pub fn execute(
    config: &Config,
    cloud: Rc<dyn Cloud>,
    script: &Script,
    stack: &str,
    vars: std::collections::BTreeMap<String, String>,
) -> (Exit, Rc<Session>) {
    let dry_run = cloud.mode() == Mode::DryRun;
    let sink: Rc<dyn Sink> = if config.json { Rc::new(JsonSink) } else { Rc::new(TextSink::new(!dry_run)) };
    let mut session = Session::new(cloud.clone(), stack, sink);
    session.vars = vars;
    let session = Rc::new(session);
    if !config.json {
        out(&header(&*cloud, stack, dry_run));
    }
    let result = engine::run(&session, script);
    let summary = Summary::of(&session.actions());
    let (exit, value, failure) = match result {
        Ok(value) => (Exit::Ok, Some(value), None),
        Err(err) => {
            let rep = diagnostic::from_eval(&err, &script.name(), &|n| session.source(n), &crate::engine::docs::names());
            (Exit::Failure, None, Some(rep))
        }
    };
    if config.json {
        out(&json_document(&session, script, dry_run, summary, value.as_ref(), failure.as_ref()));
    } else if failure.is_none() {
        out(&summary.line(dry_run));
    } else if !dry_run && !summary.is_noop() {
        out(&format!(
            "Stopped by an error after: {} created, {} changed. Re-run to continue, or remove them with `awsrun destroy --stack {stack}`.",
            summary.created, summary.changed
        ));
    }
    if let Some(rep) = failure {
        report(config, &rep);
    }
    (exit, session)
}

fn header(cloud: &dyn Cloud, stack: &str, dry_run: bool) -> String {
    if dry_run {
        format!("Plan for stack \"{stack}\" in {} (dry-run: simulated account, nothing is changed)", cloud.region())
    } else {
        format!("Applying stack \"{stack}\" in {}", cloud.region())
    }
}

fn json_document(
    session: &Session,
    script: &Script,
    dry_run: bool,
    summary: Summary,
    value: Option<&rhai::Dynamic>,
    failure: Option<&Report>,
) -> String {
    let error = failure.map(|r| {
        let (file, line, column) = r.location.clone().unwrap_or_default();
        serde_json::json!({"code": r.code, "message": r.message, "help": r.help, "file": file, "line": line, "column": column})
    });
    let doc = serde_json::json!({
        "script": script.name(),
        "stack": session.stack,
        "region": session.cloud.region(),
        "mode": if dry_run { "dry-run" } else { "live" },
        "actions": session.actions(),
        "summary": summary,
        "output": session.output(),
        "result": value.map(to_json),
        "error": error,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

pub fn usage(config: &Config, message: &str) -> Exit {
    report(config, &Report::plain("awsrun::usage", message, None));
    Exit::Usage
}
