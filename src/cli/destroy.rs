//! `awsrun destroy --stack NAME`: deletes everything tagged with the stack,
//! in dependency order, retrying AWS's dependency errors with backoff. A
//! second destroy finds nothing and does nothing.

use super::config::{STACK_CODE, STACK_HELP, check_stack};
use super::confirm::{Answer, confirm, refused};
use super::run::usage;
use crate::cloud::{Cloud, CloudError, CloudResult, Kind, Poll, Resource};
use crate::engine::plan::{Action, Op, Summary};
use crate::ui::{Config, Exit, backend, out, report_alone};
use std::rc::Rc;
use std::time::Duration;

/// How long to keep retrying a dependency error or waiting for a deletion.
const PATIENCE: Duration = Duration::from_secs(900);

/// Codes AWS returns while something that depends on a resource is still going away.
const DEPENDENCY_CODES: [&str; 4] = [
    "DependencyViolation",
    "ResourceInUse",
    "InvalidIPAddress.InUse",
    "InvalidNetworkInterface.InUse",
];

pub fn exec(config: &Config, stack: &str, dry_run: bool, yes: bool) -> Exit {
    if let Err(msg) = check_stack(stack) {
        return usage(config, STACK_CODE, &msg, STACK_HELP);
    }
    let cloud: Rc<dyn Cloud> = if dry_run && !backend::aws_configured(config) {
        Rc::new(backend::new_sim(config))
    } else {
        match backend::live(config) {
            Ok(aws) => aws,
            Err(rep) => {
                report_alone(config, &rep);
                return Exit::Failure;
            }
        }
    };
    let resources = match cloud.stack_resources(stack) {
        Ok(list) => ordered(list),
        Err(e) => return failed(config, e),
    };
    let planned: Vec<Action> = resources
        .iter()
        .map(|r| Action::new(Op::Delete, r, String::new()))
        .collect();
    if resources.is_empty() {
        finish(
            config,
            &*cloud,
            stack,
            &[],
            true,
            &format!(
                "Nothing to destroy: no resource in {} carries awsrun:stack={stack}.",
                cloud.region()
            ),
        );
        return Exit::Ok;
    }
    if !config.json {
        out(&format!(
            "Destroy plan for stack \"{stack}\" in {}:",
            cloud.region()
        ));
        for action in &planned {
            out(&format!("  {}", action.line(true)));
        }
    }
    if dry_run {
        finish(
            config,
            &*cloud,
            stack,
            &planned,
            true,
            &Summary::of(&planned).line(true),
        );
        return Exit::Ok;
    }
    let answer = confirm(
        &format!("Delete these {} resources of {stack}?", planned.len()),
        yes,
    );
    if answer != Answer::Go {
        let rerun = format!("awsrun destroy --stack {stack}");
        return refused(config, answer, &rerun, &planned);
    }
    let mut done = Vec::new();
    // A failure stops the destroy: what is gone so far, then the error.
    let stop = |done: &[Action], e: CloudError| {
        finish(
            config,
            &*cloud,
            stack,
            done,
            false,
            &format!("Stopped: re-run `awsrun destroy --stack {stack}` to delete the rest."),
        );
        failed(config, e)
    };
    for group in Kind::destroy_order() {
        let batch: Vec<&Resource> = resources.iter().filter(|r| r.kind == group).collect();
        for r in &batch {
            if let Err(e) = delete_patiently(&*cloud, r) {
                return stop(&done, e);
            }
            let action = Action::new(Op::Delete, r, String::new());
            if !config.json {
                out(&format!("  {}", action.line(false)));
            }
            done.push(action);
        }
        // Kinds that AWS deletes asynchronously block their parents until gone.
        if !group.info().gone_states.is_empty()
            && let Err(e) = wait_gone(&*cloud, stack, &batch)
        {
            return stop(&done, e);
        }
    }
    finish(
        config,
        &*cloud,
        stack,
        &done,
        false,
        &Summary::of(&done).line(false),
    );
    Exit::Ok
}

/// Resources in the order they can be deleted.
fn ordered(mut list: Vec<Resource>) -> Vec<Resource> {
    let rank = |k: Kind| k.info().destroy_rank;
    list.retain(|r| r.kind.stack_owned());
    list.sort_by(|a, b| (rank(a.kind), &a.name).cmp(&(rank(b.kind), &b.name)));
    list
}

/// Deletes one resource, retrying while AWS reports a dependency that is
/// still going away.
fn delete_patiently(cloud: &dyn Cloud, r: &Resource) -> CloudResult<()> {
    let mut poll = Poll::new(cloud, PATIENCE);
    loop {
        match cloud.delete(r) {
            Ok(()) => return Ok(()),
            Err(e) if e.code.ends_with("NotFound") => return Ok(()),
            Err(e) if DEPENDENCY_CODES.contains(&e.code.as_str()) && !poll.over() => poll.sleep(),
            Err(e) => return Err(e),
        }
    }
}

/// Waits until instances are terminated and NAT gateways deleted, since
/// security groups, Elastic IPs and subnets stay in use until then.
fn wait_gone(cloud: &dyn Cloud, stack: &str, batch: &[&Resource]) -> CloudResult<()> {
    let mut poll = Poll::new(cloud, PATIENCE);
    for r in batch {
        loop {
            let state = match cloud.refresh(r) {
                Ok(now) => now.state().to_string(),
                Err(e) if e.code.contains("NotFound") => break,
                Err(e) => return Err(e),
            };
            if matches!(state.as_str(), "terminated" | "deleted") {
                break;
            }
            if poll.over() {
                return Err(CloudError::new(
                    "destroy",
                    "Timeout",
                    format!("{} {} ({}) is still {state}", r.kind, r.name, r.id),
                )
                .with_hint(format!(
                    "re-run `awsrun destroy --stack {stack}` in a few minutes; it continues where it stopped"
                )));
            }
            poll.sleep();
        }
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::SimAccount;

    #[test]
    fn a_resource_that_never_goes_says_to_destroy_again() {
        let sim = SimAccount::new("ap-northeast-2");
        // Nothing terminates it: it stays running.
        let web =
            Resource::new(Kind::Instance, "web-1", "i-0123456789abcdef0").with("state", "running");
        sim.seed(web.clone(), None);
        let err = wait_gone(&sim, "web", &[&web]).unwrap_err();
        assert_eq!(err.code, "Timeout");
        assert_eq!(
            err.hint.as_deref(),
            Some(
                "re-run `awsrun destroy --stack web` in a few minutes; it continues where it stopped"
            )
        );
    }
}
