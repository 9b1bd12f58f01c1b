//! `awsrun unlock --stack NAME [--yes]`: removes a stack's lock left by a
//! run that can no longer release it (killed with SIGKILL, its machine
//! gone). It shows who held the lock, since when, the command and the host,
//! asks on a terminal (`--yes` skips the question; with neither it refuses,
//! exit 2), deletes exactly the lock it showed (a lock taken meanwhile by
//! another run stays), and appends a record to the run log. No lock, or no
//! state bucket, is said and is not an error.

use super::config::{STACK_CODE, STACK_HELP, check_stack};
use super::confirm::{Answer, confirm, refused};
use super::run::usage;
use crate::ui::lock::{Outcome, RunInfo, StateBucket, append_record};
use crate::ui::{Config, Exit, out, report_alone};
use std::time::SystemTime;

pub fn exec(config: &Config, stack: &str, yes: bool) -> Exit {
    if let Err(msg) = check_stack(stack) {
        return usage(config, STACK_CODE, &msg, STACK_HELP);
    }
    let (aws, state) = match StateBucket::open(config) {
        Ok(opened) => opened,
        Err(rep) => return fail(config, &rep),
    };
    let (holder, etag) = match state.holder(stack) {
        Ok(Some(found)) => found,
        Ok(None) => {
            out(&format!(
                "No lock on stack \"{stack}\" (state bucket {}): nothing to do.",
                state.name
            ));
            return Exit::Ok;
        }
        Err(rep) => return fail(config, &rep),
    };
    out(&format!(
        "Stack \"{stack}\" is locked: {}.",
        holder.describe(SystemTime::now())
    ));
    let answer = confirm(
        "Remove this lock? Only do so if that run is dead: a live run would go on unprotected.",
        yes,
    );
    if answer != Answer::Go {
        return refused(
            config,
            answer,
            &format!("awsrun unlock --stack {stack}"),
            &[],
        );
    }
    let run = match RunInfo::new(config, &aws, stack) {
        Ok(run) => run,
        Err(exit) => return exit,
    };
    match state.clear(stack, &etag) {
        Ok(true) => out(&format!("Removed the lock of stack \"{stack}\".")),
        Ok(false) => out(&format!(
            "The lock of stack \"{stack}\" was released or taken again meanwhile; it was left as it is."
        )),
        Err(rep) => return fail(config, &rep),
    }
    let outcome = Outcome {
        exit: Exit::Ok,
        error: None,
        actions: Vec::new(),
    };
    append_record(&state, &run, &outcome);
    Exit::Ok
}

fn fail(config: &Config, rep: &crate::diagnostic::Report) -> Exit {
    report_alone(config, rep);
    Exit::Failure
}
