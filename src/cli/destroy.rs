//! `awsrun destroy --stack NAME`: the command around
//! `engine::destroy`. It checks the stack name, lists what carries
//! the stack's tag, shows the plan, asks (or takes `--yes`), then prints
//! each deletion as it happens and a summary, or one JSON document. A
//! failure prints what is gone so far and how to continue; a second destroy
//! finds nothing and does nothing.

use super::config::{STACK_CODE, STACK_HELP, check_stack};
use super::confirm::{Answer, confirm, refused};
use super::run::usage;
use crate::cloud::{Cloud, CloudError, Resource};
use crate::engine::destroy::{self, Stopped};
use crate::engine::plan::{Action, Op, Summary};
use crate::ui::{Config, Exit, backend, out, report_alone};
use std::rc::Rc;

pub fn exec(config: &Config, stack: &str, dry_run: bool, yes: bool) -> Exit {
    if let Err(msg) = check_stack(stack) {
        return usage(config, STACK_CODE, &msg, STACK_HELP);
    }
    let cloud = match connect(config, dry_run) {
        Ok(cloud) => cloud,
        Err(exit) => return exit,
    };
    let resources = match cloud.stack_resources(stack) {
        Ok(list) => destroy::ordered(list),
        Err(e) => return failed(config, e),
    };
    let planned: Vec<Action> = resources
        .iter()
        .map(|r| Action::new(Op::Delete, r, String::new()))
        .collect();
    if resources.is_empty() {
        let line = format!(
            "Nothing to destroy: no resource in {} carries awsrun:stack={stack}.",
            cloud.region()
        );
        finish(config, &*cloud, stack, &[], true, &line);
        return Exit::Ok;
    }
    show_plan(config, &*cloud, stack, &planned);
    if dry_run {
        let line = Summary::of(&planned).line(true);
        finish(config, &*cloud, stack, &planned, true, &line);
        return Exit::Ok;
    }
    let question = format!("Delete these {} resources of {stack}?", planned.len());
    let answer = confirm(&question, yes);
    if answer != Answer::Go {
        let rerun = format!("awsrun destroy --stack {stack}");
        return refused(config, answer, &rerun, &planned);
    }
    apply(config, &*cloud, stack, &resources)
}

/// A dry-run with no AWS configuration looks at a brand-new simulated
/// account; everything else at AWS itself.
fn connect(config: &Config, dry_run: bool) -> Result<Rc<dyn Cloud>, Exit> {
    if dry_run && !backend::aws_configured(config) {
        return Ok(Rc::new(backend::new_sim(config)));
    }
    match backend::live(config) {
        Ok(aws) => Ok(aws),
        Err(rep) => {
            report_alone(config, &rep);
            Err(Exit::Failure)
        }
    }
}

fn show_plan(config: &Config, cloud: &dyn Cloud, stack: &str, planned: &[Action]) {
    if config.json {
        return;
    }
    out(&format!(
        "Destroy plan for stack \"{stack}\" in {}:",
        cloud.region()
    ));
    for action in planned {
        out(&format!("  {}", action.line(true)));
    }
}

/// Deletes the stack, a line per deletion; a failure stops the destroy:
/// what is gone so far, then the error.
fn apply(config: &Config, cloud: &dyn Cloud, stack: &str, resources: &[Resource]) -> Exit {
    let shown = |action: &Action| {
        if !config.json {
            out(&format!("  {}", action.line(false)));
        }
    };
    match destroy::delete_stack(cloud, stack, resources, shown) {
        Ok(done) => {
            let line = Summary::of(&done).line(false);
            finish(config, cloud, stack, &done, false, &line);
            Exit::Ok
        }
        Err(stopped) => {
            let Stopped { done, error } = *stopped;
            let line =
                format!("Stopped: re-run `awsrun destroy --stack {stack}` to delete the rest.");
            finish(config, cloud, stack, &done, false, &line);
            failed(config, error)
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
        let doc = serde_json::json!({
            "stack": stack,
            "region": cloud.region(),
            "mode": if dry_run { "dry-run" } else { "live" },
            "actions": actions,
            "summary": Summary::of(actions),
        });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        out(line);
    }
}

fn failed(config: &Config, e: CloudError) -> Exit {
    report_alone(config, &backend::connect_report(&e));
    Exit::Failure
}
