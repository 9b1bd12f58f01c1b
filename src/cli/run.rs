//! `awsrun run SCRIPT` (and bare `awsrun SCRIPT`).

use super::args::RunArgs;
use super::config::{STACK_CODE, STACK_HELP, VAR_CODE, VAR_HELP, check_stack, parse_vars};
use super::confirm::{Answer, confirm, refused};
use crate::cloud::aws::AwsCloud;
use crate::cloud::cost::money;
use crate::cloud::{Cloud, Mode};
use crate::diagnostic::code::{self, Code};
use crate::diagnostic::{self, Report};
use crate::engine::bindings::resource::to_json;
use crate::engine::lint::{self, Warning};
use crate::engine::plan::Summary;
use crate::engine::plan::{Action, Op};
use crate::engine::session::{Session, Sink};
use crate::engine::{self, Script};
use crate::ui::lock::{Held, RunInfo, StateBucket};
use crate::ui::{
    Config, Exit, JsonSink, TextSink, backend, error_json, interrupt_flag, out, report,
    report_alone,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use std::time::Duration;

pub fn exec(config: &Config, args: RunArgs) -> Exit {
    let script = match Script::read_at_most(&args.script, config.limits.script_size) {
        Ok(script) => script,
        Err(err) => return unreadable(config, err),
    };
    let vars = match parse_vars(&args.vars) {
        Ok(vars) => vars,
        Err(msg) => return usage(config, VAR_CODE, &msg, VAR_HELP),
    };
    let stack = args.stack.clone().unwrap_or_else(|| script.stem());
    if let Err(msg) = check_stack(&stack) {
        return usage(config, STACK_CODE, &msg, STACK_HELP);
    }
    if args.dry_run {
        let (cloud, aws) = match backend::planning_for(config, &stack, args.adopt) {
            Ok(pair) => pair,
            Err(rep) => return fail(config, &rep),
        };
        let phase = if aws.is_some() {
            Phase::DryRunMirrored
        } else {
            Phase::DryRun
        };
        let adopt = args.adopt.then(|| {
            let fresh = || -> Option<Rc<dyn Cloud>> {
                let sim = aws.as_ref()?.mirror_for(&stack, true).ok()?;
                sim.set_latency(config.sim_latency.planning());
                sim.set_quotas(config.sim_quotas);
                Some(Rc::new(sim))
            };
            super::adopt::learn(config, &fresh, &script, &stack, &vars)
        });
        let extras = Extras {
            adopt,
            preface: None,
        };
        let (exit, session) = execute_with(config, cloud, &script, &stack, vars, phase, extras);
        log_calls(config, aws.as_deref());
        if exit == Exit::Ok
            && let Some(limit) = args.max_monthly_cost
        {
            return over_limit(config, &session, limit).unwrap_or(exit);
        }
        return exit;
    }
    live(config, &script, &stack, vars, &args)
}

/// `--max-monthly-cost`: a plan that leaves the stack costing more than
/// `limit` a month (or whose cost the price table cannot tell) is refused.
fn over_limit(config: &Config, session: &Session, limit: f64) -> Option<Exit> {
    let cost = session.plan_cost()?;
    let message = if !cost.after.unknown.is_empty() {
        format!(
            "the plan's monthly cost is unknown (price unknown: {}), so it cannot be kept under --max-monthly-cost {}",
            cost.after.unknown.join(", "),
            money(limit)
        )
    } else if cost.after.monthly_usd > limit {
        format!(
            "the plan leaves stack \"{}\" costing about {}/month, over --max-monthly-cost {}",
            session.stack,
            money(cost.after.monthly_usd),
            money(limit)
        )
    } else {
        return None;
    };
    report_alone(
        config,
        &Report::plain(
            code::Stop::OverMonthlyCost,
            &message,
            Some("raise the limit, or change the script: the resource lines of the plan show what each costs (NAT gateways are the usual bulk: `#{nat: \"shared\"}` shares one)".into()),
        ),
    );
    eprintln!("Nothing was changed.");
    Some(Exit::Failure)
}

/// A live run: plan against the account as it is, confirm, apply, holding
/// the stack's lock throughout (see `ui::lock`). With a state bucket the
/// lock is taken before the plan, so a run that had to wait plans against
/// what the other run built; without one the plan shows the bucket, and
/// the bucket and the lock come after the user confirmed.
fn live(
    config: &Config,
    script: &Script,
    stack: &str,
    vars: BTreeMap<String, String>,
    args: &RunArgs,
) -> Exit {
    let (yes, adopt) = (args.yes, args.adopt);
    let lock_timeout = Duration::from_secs(args.lock_timeout);
    let aws = match backend::live(config) {
        Ok(aws) => aws,
        Err(rep) => return fail(config, &rep),
    };
    let mut state = match StateBucket::find(config, &aws) {
        Ok(state) => state,
        Err(rep) => return fail(config, &rep),
    };
    let run = match RunInfo::new(config, &aws, stack) {
        Ok(run) => run.with_script(script, &vars),
        Err(exit) => return exit,
    };
    let mut held = None;
    if state.exists {
        match state.lock(config, stack, lock_timeout, run.clone()) {
            Ok(lock) => held = Some(lock),
            Err(exit) => return exit,
        }
    }
    let sim = match aws.mirror_for(stack, adopt) {
        Ok(sim) => sim,
        Err(e) => {
            let exit = fail(config, &backend::connect_report(&e));
            return ended(&mut held, exit, Some(e.report_code()), &[]);
        }
    };
    // The plan shows the estimate of `--sim-latency realistic` without waiting for it.
    sim.set_latency(config.sim_latency.instant());
    sim.set_quotas(config.sim_quotas);
    // `--adopt`: what quiet plans learnt; the live run gets the same hints.
    let hints = adopt.then(|| {
        let fresh = || -> Option<Rc<dyn Cloud>> {
            let sim = aws.mirror_for(stack, true).ok()?;
            sim.set_latency(config.sim_latency.instant());
            sim.set_quotas(config.sim_quotas);
            Some(Rc::new(sim))
        };
        super::adopt::learn(config, &fresh, script, stack, &vars)
    });
    let (exit, plan) = execute_with(
        config,
        Rc::new(sim),
        script,
        stack,
        vars.clone(),
        Phase::Plan,
        Extras {
            adopt: hints.clone(),
            preface: state.plan_line().as_deref(),
        },
    );
    if exit != Exit::Ok {
        eprintln!("Nothing was changed: the plan failed before any AWS write.");
        log_calls(config, Some(&aws));
        return ended(&mut held, exit, plan.failure(), &[]);
    }
    if let Some(limit) = args.max_monthly_cost
        && let Some(exit) = over_limit(config, &plan, limit)
    {
        log_calls(config, Some(&aws));
        let code = Some(code::Stop::OverMonthlyCost.as_str().to_string());
        return ended(&mut held, exit, code, &[]);
    }
    let planned = plan.actions();
    if !Summary::of(&planned).is_noop() || !state.exists {
        let answer = confirm(
            &format!("Apply this plan to {} in {}?", stack, aws.region()),
            yes,
        );
        if answer != Answer::Go {
            let exit = refused(config, answer, &rerun_command(script, stack), &planned);
            log_calls(config, Some(&aws));
            let code = Some(refusal_code(answer).to_string());
            return ended(&mut held, exit, code, &[]);
        }
    }
    if held.is_none() {
        if let Err(rep) = state.create() {
            return fail(config, &rep);
        }
        match state.lock(config, stack, lock_timeout, run) {
            Ok(lock) => held = Some(lock),
            Err(exit) => return exit,
        }
        // The plan ran before the lock: its reads must not stand for what
        // another run may have written since. (A plan made under the lock
        // read what nobody else can change, and its reads serve the apply.)
        aws.forget_describes();
    }
    let cloud: Rc<dyn Cloud> = aws.clone();
    let phase = Phase::Apply(planned);
    let extras = Extras {
        adopt: hints,
        preface: None,
    };
    let (exit, session) = execute_with(config, cloud, script, stack, vars, phase, extras);
    log_calls(config, Some(&aws));
    ended(&mut held, exit, session.failure(), &session.actions())
}

/// The code a record gives a run that was not confirmed.
pub fn refusal_code(answer: Answer) -> &'static str {
    match answer {
        Answer::Interrupted => code::Stop::Interrupted.as_str(),
        _ => code::Stop::Refused.as_str(),
    }
}

/// Notes how the run ended in the record its lock writes on release.
fn ended(held: &mut Option<Held>, exit: Exit, error: Option<String>, actions: &[Action]) -> Exit {
    if let Some(held) = held {
        held.ended(exit, error, actions);
    }
    exit
}

/// The command line that runs `script` on `stack` again.
fn rerun_command(script: &Script, stack: &str) -> String {
    if stack == script.stem() {
        format!("awsrun {}", script.name())
    } else {
        format!("awsrun {} --stack {stack}", script.name())
    }
}

fn log_calls(config: &Config, aws: Option<&AwsCloud>) {
    if let (true, Some(aws)) = (config.verbose, aws) {
        eprintln!("aws: {} API calls", aws.api_calls());
    }
}

fn fail(config: &Config, rep: &Report) -> Exit {
    report_alone(config, rep);
    Exit::Failure
}

/// What a run is for, which decides its header and output.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// `--dry-run` against a brand-new simulated account.
    DryRun,
    /// `--dry-run` against the real account mirrored into a simulation.
    DryRunMirrored,
    /// The plan shown before a live run.
    Plan,
    /// The live run, with the plan it follows.
    Apply(Vec<Action>),
}

/// Runs `script` against `cloud` and prints the plan (or the JSON document).
pub fn execute(
    config: &Config,
    cloud: Rc<dyn Cloud>,
    script: &Script,
    stack: &str,
    vars: BTreeMap<String, String>,
    phase: Phase,
) -> (Exit, Rc<Session>) {
    execute_with(config, cloud, script, stack, vars, phase, Extras::default())
}

/// What some runs add to [`execute`].
#[derive(Default)]
pub struct Extras<'a> {
    /// `--adopt`, with what quiet plans learnt: ensures adopt matching
    /// hand-made resources.
    pub adopt: Option<crate::engine::session::Hints>,
    /// A line printed under the header (the state bucket a live run
    /// creates first).
    pub preface: Option<&'a str>,
}

/// [`execute`] with [`Extras`].
pub fn execute_with(
    config: &Config,
    cloud: Rc<dyn Cloud>,
    script: &Script,
    stack: &str,
    vars: BTreeMap<String, String>,
    phase: Phase,
    extras: Extras,
) -> (Exit, Rc<Session>) {
    let dry_run = cloud.mode() == Mode::DryRun;
    let json_now = config.json && phase != Phase::Plan;
    let sink: Rc<dyn Sink> = if config.json {
        Rc::new(JsonSink)
    } else {
        Rc::new(TextSink::new(!dry_run))
    };
    let mut session = Session::new(cloud.clone(), stack, sink);
    session.vars = vars;
    session.limits = config.limits;
    session.interrupted = interrupt_flag();
    if let Some(hints) = extras.adopt {
        session.set_adopt(hints);
    }
    let session = Rc::new(session);
    if !config.json {
        out(&header(&*cloud, stack, &phase));
        if let Some(line) = extras.preface {
            out(line);
        }
    }
    if dry_run {
        session.note_stack_before();
    }
    let result = engine::run(&session, script);
    let summary = Summary::of(&session.actions());
    let (exit, value, failure) = match result {
        Ok(value) => (Exit::Ok, Some(value), None),
        Err(err) => {
            let rep = diagnostic::from_eval(
                &err,
                &script.name(),
                &|n| session.source(n),
                &engine::docs::names(),
                &session.limits,
            );
            (Exit::Failure, None, Some(rep))
        }
    };
    if config.json {
        if json_now || failure.is_some() {
            let plan = match &phase {
                Phase::Apply(plan) => Some(plan.as_slice()),
                _ => None,
            };
            out(&json_document(
                &session,
                script,
                dry_run,
                summary,
                value.as_ref(),
                failure.as_ref(),
                plan,
            ));
        }
    } else if failure.is_none() {
        out(&summary.line(dry_run));
        if let Some(cost) = session.plan_cost() {
            out(&cost.line());
        }
        if let Some(estimate) = cloud.estimate() {
            out(&estimate.line());
        }
        if dry_run {
            warn(config, &session);
        }
    } else if !dry_run && !summary.is_noop() {
        stopped_note(&session, stack);
    }
    let interrupted = failure
        .as_ref()
        .is_some_and(|r| r.code == code::Stop::Interrupted.as_str());
    if let Some(rep) = failure {
        session.failed_with(&rep.code);
        report(config, &rep);
    }
    (if interrupted { Exit::Interrupted } else { exit }, session)
}

/// Prints the risky shapes of what the run built and returns them.
pub fn warn(config: &Config, session: &Session) -> Vec<Warning> {
    let warnings = lint::warnings(&*session.cloud, &session.stack).unwrap_or_default();
    for w in &warnings {
        report(
            config,
            &Report::warning(w.code, w.message.clone(), w.help.clone()),
        );
    }
    warnings
}

/// A warning in a JSON document.
pub fn warning_json(w: &Warning) -> serde_json::Value {
    serde_json::json!({"code": w.code, "message": w.message, "help": w.help})
}

/// After a live run stopped early: what exists now and how to go on.
fn stopped_note(session: &Session, stack: &str) {
    out("Stopped early. Made or changed so far:");
    let actions = session.actions();
    let removed: std::collections::BTreeSet<&str> = actions
        .iter()
        .filter(|a| a.op == Op::Delete)
        .map(|a| a.id.as_str())
        .collect();
    let created: std::collections::BTreeSet<&str> = actions
        .iter()
        .filter(|a| a.op == Op::Create)
        .map(|a| a.id.as_str())
        .collect();
    for a in &actions {
        let what = match a.op {
            Op::Exists => continue,
            // Made and removed again in this run (a rolled-back batch):
            // nothing of it is left.
            Op::Create if removed.contains(a.id.as_str()) => "created, then removed again",
            Op::Delete if created.contains(a.id.as_str()) => continue,
            Op::Create => "created",
            Op::Change => "changed",
            Op::Delete => "removed",
            Op::Adopt => "adopted",
        };
        out(&format!("  {} {} {} ({what})", a.kind, a.name, a.id));
    }
    out(&format!(
        "Re-run the script to continue (nothing is created twice), or remove the stack with `awsrun destroy --stack {stack}`."
    ));
}

fn header(cloud: &dyn Cloud, stack: &str, phase: &Phase) -> String {
    let region = cloud.region();
    match phase {
        Phase::DryRun => format!(
            "Plan for stack \"{stack}\" in {region} (dry-run: simulated account, nothing is changed)"
        ),
        Phase::DryRunMirrored => format!(
            "Plan for stack \"{stack}\" in {region} (dry-run against the account as it is now; nothing is changed)"
        ),
        Phase::Plan => format!("Plan for stack \"{stack}\" in {region} (nothing is changed yet)"),
        Phase::Apply(_) => format!("Applying stack \"{stack}\" in {region}"),
    }
}

fn json_document(
    session: &Session,
    script: &Script,
    dry_run: bool,
    summary: Summary,
    value: Option<&rhai::Dynamic>,
    failure: Option<&Report>,
    plan: Option<&[Action]>,
) -> String {
    let error = failure.map(error_json);
    let mut doc = serde_json::json!({
        "script": script.name(),
        "stack": session.stack,
        "region": session.cloud.region(),
        "mode": if dry_run { "dry-run" } else { "live" },
        "actions": session.actions(),
        "plan": plan,
        "summary": summary,
        "output": session.output(),
        "result": value.map(to_json),
        "error": error,
    });
    // A plan's risky shapes, as the text output warns of them.
    if let (true, Some(fields)) = (dry_run, doc.as_object_mut()) {
        let warnings =
            crate::engine::lint::warnings(&*session.cloud, &session.stack).unwrap_or_default();
        let warnings: Vec<_> = warnings
            .iter()
            .map(|w| serde_json::json!({"code": w.code, "message": w.message, "help": w.help}))
            .collect();
        fields.insert("warnings".into(), serde_json::json!(warnings));
    }
    // A plan's cost: now, once applied, and what traffic adds.
    if let (Some(cost), Some(fields)) = (session.plan_cost(), doc.as_object_mut()) {
        fields.insert("cost".into(), serde_json::json!(cost));
    }
    // `{seconds, critical_path: [...]}`.
    if let (Some(estimate), Some(fields)) = (session.cloud.estimate(), doc.as_object_mut()) {
        fields.insert("estimate".into(), serde_json::json!(estimate));
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// A usage error (exit 2) with its code and what to do.
pub fn usage(config: &Config, code: impl Into<Code>, message: &str, help: &str) -> Exit {
    report_alone(config, &Report::plain(code, message, Some(help.into())));
    Exit::Usage
}

/// A script file that cannot be read is a usage error.
pub fn unreadable(config: &Config, err: crate::engine::ReadError) -> Exit {
    usage(config, err.code, &err.message, &err.help)
}
