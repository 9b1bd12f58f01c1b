//! `awsrun check SCRIPT`: syntax, unknown functions and arities, then a run
//! on a fresh simulated account (which catches option, CIDR and AWS-rule
//! mistakes). Makes no AWS call.

use super::config::{VAR_CODE, VAR_HELP, parse_vars};
use super::run::{unreadable, usage};
use crate::cloud::sim::SimAccount;
use crate::diagnostic::Report;
use crate::engine::plan::Summary;
use crate::engine::session::{Quiet, Session};
use crate::engine::{self, Script, check};
use crate::ui::{Config, Exit, error_json, out, report};
use std::path::Path;
use std::rc::Rc;

pub fn exec(config: &Config, path: &Path, vars: &[String]) -> Exit {
    let script = match Script::read_at_most(path, config.limits.script_size) {
        Ok(script) => script,
        Err(err) => return unreadable(config, err),
    };
    let vars = match parse_vars(vars) {
        Ok(vars) => vars,
        Err(msg) => return usage(config, VAR_CODE, &msg, VAR_HELP),
    };
    let cloud = Rc::new(SimAccount::new(&config.sim_region()));
    // `--sim-latency realistic` applies, but a check never waits for it.
    cloud.set_latency(config.sim_latency.instant());
    cloud.set_quotas(config.sim_quotas);
    let mut session = Session::new(cloud, &script.stem(), Rc::new(Quiet));
    session.vars = vars;
    session.limits = config.limits;
    let session = Rc::new(session);
    session.add_source(&script.name(), &script.source);
    // Static problems first; only a script without any is run.
    let problems = match static_findings(&session, &script) {
        Ok(findings) if !findings.is_empty() => findings,
        Ok(_) => match engine::run(&session, &script) {
            Ok(_) => Vec::new(),
            Err(err) => vec![crate::diagnostic::from_eval(
                &err,
                &script.name(),
                &|n| session.source(n),
                &engine::docs::names(),
                &session.limits,
            )],
        },
        Err(rep) => vec![*rep],
    };
    for rep in &problems {
        report(config, rep);
    }
    let warnings = if problems.is_empty() {
        super::run::warn(config, &session)
    } else {
        Vec::new()
    };
    let summary = Summary::of(&session.actions());
    let resources = summary.created + summary.existing + summary.changed;
    if config.json {
        let doc = serde_json::json!({
            "script": script.name(),
            "ok": problems.is_empty(),
            "problems": problems.iter().map(error_json).collect::<Vec<_>>(),
            "warnings": warnings.iter().map(super::run::warning_json).collect::<Vec<_>>(),
            "resources": if problems.is_empty() { Some(resources) } else { None },
        });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else if problems.is_empty() {
        out(&format!(
            "{}: ok, {} warning(s) ({resources} resource(s) in the plan on a fresh simulated account; no AWS call made)",
            script.name(),
            warnings.len(),
        ));
    } else {
        out(&format!(
            "{}: {} problem(s) found",
            script.name(),
            problems.len()
        ));
    }
    if problems.is_empty() {
        Exit::Ok
    } else {
        Exit::Failure
    }
}

/// Syntax errors (as an `Err`) and unknown functions or arities.
fn static_findings(session: &Rc<Session>, script: &Script) -> Result<Vec<Report>, Box<Report>> {
    let sources = |n: &str| session.source(n);
    let report = |e: &rhai::EvalAltResult| {
        Box::new(crate::diagnostic::from_eval(
            e,
            &script.name(),
            &sources,
            &[],
            &session.limits,
        ))
    };
    let engine = engine::build(session, script.path.parent()).map_err(|e| report(&e))?;
    let ast = engine
        .compile(&script.source)
        .map_err(|e| report(&rhai::EvalAltResult::from(e)))?;
    Ok(check::check(&engine, &ast)
        .into_iter()
        .map(|f| {
            Report::plain(f.code, f.message, f.help).at(
                &script.name(),
                Some(script.source.clone()),
                f.pos,
                "here".into(),
            )
        })
        .collect())
}
