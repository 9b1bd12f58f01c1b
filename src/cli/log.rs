//! `awsrun log --stack NAME [--limit N] [--show ID]`: the stack's run log,
//! read from the state bucket. One line per run, newest first, like `git
//! log --oneline` (`--output json`: the records as a JSON array); `--show`
//! prints one run (a unique prefix of its id) with each of its actions. It
//! only reads: no state bucket, or no record, is said (exit 0) and nothing
//! is created.

use super::config::{STACK_CODE, STACK_HELP, check_stack};
use super::run::usage;
use crate::diagnostic::{Report, code};
use crate::ui::lock::StateBucket;
use crate::ui::run_log::{self, Record};
use crate::ui::{Config, Exit, out, report_alone};

pub fn exec(config: &Config, stack: &str, limit: usize, show: Option<&str>) -> Exit {
    if let Err(msg) = check_stack(stack) {
        return usage(config, STACK_CODE, &msg, STACK_HELP);
    }
    let (_, state) = match StateBucket::open(config) {
        Ok(opened) => opened,
        Err(rep) => return fail(config, &rep),
    };
    if !state.exists {
        return empty(
            config,
            &format!(
                "No run log: the state bucket {} does not exist yet (the first live run or destroy creates it).",
                state.name
            ),
        );
    }
    if let Some(id) = show {
        return show_one(config, &state, stack, id);
    }
    let records = match state.records(stack, limit) {
        Ok(records) => records,
        Err(rep) => return fail(config, &rep),
    };
    if records.is_empty() {
        return empty(
            config,
            &format!(
                "No runs of stack \"{stack}\" in the run log ({}).",
                state.name
            ),
        );
    }
    if config.json {
        out(&serde_json::to_string_pretty(&records).unwrap_or_default());
    } else {
        for record in &records {
            out(&record.oneline());
        }
    }
    Exit::Ok
}

/// Nothing to list: said on stdout, or an empty JSON array.
fn empty(config: &Config, line: &str) -> Exit {
    if config.json {
        out("[]");
    } else {
        out(line);
    }
    Exit::Ok
}

fn show_one(config: &Config, state: &StateBucket, stack: &str, id: &str) -> Exit {
    let keys = match state.record_keys(stack) {
        Ok(keys) => keys,
        Err(rep) => return fail(config, &rep),
    };
    let matching: Vec<&String> = keys
        .iter()
        .filter(|k| run_log::key_id(k).is_some_and(|k| !id.is_empty() && k.starts_with(id)))
        .collect();
    let key = match matching.as_slice() {
        [key] => *key,
        [] => {
            let rep = Report::plain(
                code::Lock::UnknownRun,
                format!("no run of stack \"{stack}\" has an id starting with \"{id}\""),
                Some(format!(
                    "`awsrun log --stack {stack}` lists the runs with their ids"
                )),
            );
            report_alone(config, &rep);
            return Exit::Usage;
        }
        several => {
            let ids: Vec<&str> = several.iter().filter_map(|k| run_log::key_id(k)).collect();
            let rep = Report::plain(
                code::Lock::UnknownRun,
                format!(
                    "\"{id}\" starts the ids of {} runs of stack \"{stack}\": {}",
                    ids.len(),
                    ids.join(", ")
                ),
                Some("give more characters of the id".into()),
            );
            report_alone(config, &rep);
            return Exit::Usage;
        }
    };
    let record: Record = match state.record(key) {
        Ok(Some(record)) => record,
        Ok(None) => {
            return empty(config, &format!("The record {key} is gone or unreadable."));
        }
        Err(rep) => return fail(config, &rep),
    };
    if config.json {
        out(&serde_json::to_string_pretty(&record).unwrap_or_default());
    } else {
        out(&record.show());
    }
    Exit::Ok
}

fn fail(config: &Config, rep: &Report) -> Exit {
    report_alone(config, rep);
    Exit::Failure
}
