//! `awsrun destroy --stack NAME`: the command around
//! `engine::destroy`. It checks the stack name, lists what carries
//! the stack's tag, shows the plan, asks (or takes `--yes`), then prints
//! each deletion as it happens and a summary, or one JSON document. A
//! failure prints what is gone so far and how to continue; a second destroy
//! finds nothing and does nothing.
//!
//! `--dry-run` deletes the stack in the simulated account (the real one
//! mirrored read-only, or a brand-new one without AWS configuration), under
//! AWS's delete rules: a destroy AWS would refuse (a VPC still holding a
//! subnet made outside the stack, say) fails in the dry-run, and nothing
//! is changed either way.
//!
//! A live destroy holds the stack's lock (see `ui::lock`) from before it
//! lists the stack until its last deletion, and appends its record to the
//! run log. Without a state bucket yet, the plan shows it and it is made
//! after the confirmation; the state bucket belongs to no stack, so no
//! destroy deletes it.

use super::config::{STACK_CODE, STACK_HELP, check_stack};
use super::confirm::{Answer, confirm, refused};
use super::run::usage;
use crate::cloud::cost::Total;
use crate::cloud::{Cloud, CloudError, Resource};
use crate::engine::destroy::{self, Stopped};
use crate::engine::plan::{Action, Op, Summary};
use crate::ui::lock::{Held, RunInfo, StateBucket};
use crate::ui::{Config, Exit, backend, out, report_alone};
use std::rc::Rc;
use std::time::Duration;

pub fn exec(
    config: &Config,
    stack: &str,
    dry_run: bool,
    yes: bool,
    lock_timeout: Duration,
) -> Exit {
    if let Err(msg) = check_stack(stack) {
        return usage(config, STACK_CODE, &msg, STACK_HELP);
    }
    let (cloud, aws) = match connect(config, stack, dry_run) {
        Ok(pair) => pair,
        Err(exit) => return exit,
    };
    let mut team = None;
    let mut held = None;
    if let Some(aws) = &aws {
        let state = match StateBucket::find(config, aws) {
            Ok(state) => state,
            Err(rep) => return fail_report(config, &rep),
        };
        let run = match RunInfo::new(config, aws, stack) {
            Ok(run) => run,
            Err(exit) => return exit,
        };
        if state.exists {
            match state.lock(config, stack, lock_timeout, run.clone()) {
                Ok(lock) => held = Some(lock),
                Err(exit) => return exit,
            }
        }
        team = Some((state, run));
    }
    let resources = match cloud.stack_resources(stack) {
        Ok(list) => destroy::ordered(list),
        Err(e) => {
            let code = e.report_code();
            return ended(&mut held, failed(config, e), Some(code), &[]);
        }
    };
    let region = cloud.region();
    let planned: Vec<Action> = resources
        .iter()
        .map(|r| Action::new(Op::Delete, r, String::new()).priced(r, &region))
        .collect();
    if resources.is_empty() {
        let line = format!(
            "Nothing to destroy: no resource in {} carries awsrun:stack={stack}.",
            cloud.region()
        );
        finish(config, &*cloud, stack, &[], true, &line);
        return ended(&mut held, Exit::Ok, None, &[]);
    }
    let bucket_line = team.as_ref().and_then(|(state, _)| state.plan_line());
    show_plan(config, &*cloud, stack, &planned, bucket_line.as_deref());
    if dry_run {
        return rehearse(config, &*cloud, stack, &resources, &planned);
    }
    if let (false, Some(aws)) = (config.json, &aws)
        && let Some(estimate) = rehearsed_time(aws, stack)
    {
        out(&estimate.line());
    }
    let question = format!("Delete these {} resources of {stack}?", planned.len());
    let answer = confirm(&question, yes);
    if answer != Answer::Go {
        let rerun = format!("awsrun destroy --stack {stack}");
        let exit = refused(config, answer, &rerun, &planned);
        let code = Some(super::run::refusal_code(answer).to_string());
        return ended(&mut held, exit, code, &[]);
    }
    let mut resources = resources;
    if held.is_none()
        && let (Some((state, run)), Some(aws)) = (&mut team, &aws)
    {
        if let Err(rep) = state.create() {
            return fail_report(config, &rep);
        }
        match state.lock(config, stack, lock_timeout, run.clone()) {
            Ok(lock) => held = Some(lock),
            Err(exit) => return exit,
        }
        // What another run changed before the lock: deletes only what is
        // still there, and only what the confirmed plan showed.
        aws.forget_describes();
        match cloud.stack_resources(stack) {
            Ok(now) => {
                resources = destroy::ordered(now)
                    .into_iter()
                    .filter(|r| planned.iter().any(|p| p.id == r.id))
                    .collect()
            }
            Err(e) => {
                let code = e.report_code();
                return ended(&mut held, failed(config, e), Some(code), &[]);
            }
        }
    }
    let (exit, done, error) = apply(config, &*cloud, stack, &resources);
    ended(&mut held, exit, error, &done)
}

/// Notes how the destroy ended in the record its lock writes on release.
fn ended(held: &mut Option<Held>, exit: Exit, error: Option<String>, actions: &[Action]) -> Exit {
    if let Some(held) = held {
        held.ended(exit, error, actions);
    }
    exit
}

fn fail_report(config: &Config, rep: &crate::diagnostic::Report) -> Exit {
    report_alone(config, rep);
    Exit::Failure
}

/// How long a live destroy takes: the stack deleted in a mirror of the
/// account under the latency model (never sleeping); `None` when the
/// rehearsal cannot tell (a refusal is left to the destroy itself).
fn rehearsed_time(
    aws: &Rc<crate::cloud::aws::AwsCloud>,
    stack: &str,
) -> Option<crate::cloud::sim::Estimate> {
    let sim = aws.mirror(stack).ok()?;
    sim.set_latency(crate::cloud::sim::Latency::Realistic { scale: 0.0 });
    let resources = destroy::ordered(sim.stack_resources(stack).ok()?);
    destroy::delete_stack(&sim, stack, &resources, |_| {}, &mut |_| {}).ok()?;
    sim.estimate()
}

/// A dry-run looks at the simulated account a plan runs on (the real one
/// mirrored, or a brand-new one); a destroy at AWS itself.
fn connect(config: &Config, stack: &str, dry_run: bool) -> Result<backend::Planning, Exit> {
    let connected = if dry_run {
        backend::planning(config, stack).map(|(sim, _)| (sim, None))
    } else {
        backend::live(config).map(|aws| (aws.clone() as Rc<dyn Cloud>, Some(aws)))
    };
    connected.map_err(|rep| {
        report_alone(config, &rep);
        Exit::Failure
    })
}

/// Deletes the stack in the simulated account: the plan holds if AWS's
/// delete rules let every deletion through; otherwise the error says what
/// AWS would refuse, and which deletions would have happened before.
fn rehearse(
    config: &Config,
    sim: &dyn Cloud,
    stack: &str,
    resources: &[Resource],
    planned: &[Action],
) -> Exit {
    match destroy::delete_stack(sim, stack, resources, |_| {}, &mut |_| {}) {
        Ok(_) => {
            let mut line = Summary::of(planned).line(true);
            if let Some(estimate) = sim.estimate() {
                line.push('\n');
                line.push_str(&estimate.line());
            }
            finish(config, sim, stack, planned, true, &line);
            Exit::Ok
        }
        Err(stopped) => {
            let Stopped { done, error } = *stopped;
            let line = format!(
                "This destroy would stop after {} of {} deletions: AWS would refuse the next one.",
                done.len(),
                planned.len()
            );
            finish(config, sim, stack, planned, true, &line);
            failed(config, error)
        }
    }
}

fn show_plan(
    config: &Config,
    cloud: &dyn Cloud,
    stack: &str,
    planned: &[Action],
    bucket_line: Option<&str>,
) {
    if config.json {
        return;
    }
    out(&format!(
        "Destroy plan for stack \"{stack}\" in {}:",
        cloud.region()
    ));
    if let Some(line) = bucket_line {
        out(line);
    }
    for action in planned {
        out(&format!("  {}", action.line(true)));
    }
    out(&stops(planned).stops_line());
}

/// What a destroy stops billing: what the stack's resources cost now.
fn stops(planned: &[Action]) -> Total {
    Total::sum(planned.iter().map(|a| &a.cost))
}

/// Deletes the stack, a line per deletion; a failure stops the destroy:
/// what is gone so far, then the error. Returns the exit, the deletions
/// done and the code of the error that stopped it.
fn apply(
    config: &Config,
    cloud: &dyn Cloud,
    stack: &str,
    resources: &[Resource],
) -> (Exit, Vec<Action>, Option<String>) {
    let shown = |action: &Action| {
        if !config.json {
            out(&format!("  {}", action.line(false)));
        }
    };
    let mut waiting = |line: &str| {
        if !config.json {
            eprintln!("waiting: {line}");
        }
    };
    match destroy::delete_stack(cloud, stack, resources, shown, &mut waiting) {
        Ok(done) => {
            let line = Summary::of(&done).line(false);
            finish(config, cloud, stack, &done, false, &line);
            (Exit::Ok, done, None)
        }
        Err(stopped) => {
            let Stopped { done, error } = *stopped;
            let left: Vec<String> = resources
                .iter()
                .filter(|r| !done.iter().any(|d| d.id == r.id))
                .map(|r| format!("  left: {r}"))
                .collect();
            let line = format!(
                "{}\nStopped with {} left: re-run `awsrun destroy --stack {stack}` to delete the rest.",
                left.join("\n"),
                left.len()
            );
            finish(config, cloud, stack, &done, false, &line);
            let code = error.report_code();
            (failed(config, error), done, Some(code))
        }
    }
}

fn finish(
    config: &Config,
    cloud: &dyn Cloud,
    stack: &str,
    actions: &[Action],
    dry_run: bool,
    line: &str,
) {
    if config.json {
        let mut doc = serde_json::json!({
            "stack": stack,
            "region": cloud.region(),
            "mode": if dry_run { "dry-run" } else { "live" },
            "actions": actions,
            "summary": Summary::of(actions),
            "cost": { "stops": stops(actions) },
        });
        if let (true, Some(estimate), Some(fields)) =
            (dry_run, cloud.estimate(), doc.as_object_mut())
        {
            fields.insert("estimate".into(), serde_json::json!(estimate));
        }
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        out(line);
    }
}

fn failed(config: &Config, e: CloudError) -> Exit {
    report_alone(config, &backend::connect_report(&e));
    Exit::Failure
}
