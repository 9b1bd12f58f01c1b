//! `awsrun repl` (and bare `awsrun` on a terminal): a Rhai prompt wired to
//! the same engine, backends and stdlib as scripts (issue 5).
//!
//! | file | role |
//! | --- | --- |
//! | `shell.rs` | the loop: read, run or dispatch a `:command`, print |
//! | `workspace.rs` | what persists between inputs: session, engine, scope, functions, imports |
//! | `transcript.rs` | the successful inputs, for `:save` |
//! | `command.rs`, `mode.rs` | the `:commands`; dry-run or live |
//! | `helper.rs` | the rustyline helper: completion, hint, highlighting, multi-line |
//! | `completer.rs`, `nesting.rs`, `option_keys.rs`, `known.rs` | what Tab and the hint know |
//! | `validate.rs` | whether an input is unfinished, asked of Rhai |
//! | `highlight.rs`, `pretty.rs` | colours while typing; results as shown |
//!
//! In dry-run the simulated account lives as long as the session, so the
//! tutorial can be built a step at a time and `:plan` shows it grow.

mod command;
mod completer;
mod helper;
mod highlight;
mod known;
mod mode;
mod nesting;
mod option_keys;
mod pretty;
mod shell;
mod transcript;
mod validate;
mod workspace;

use crate::ui::{Config, Exit, report};
use mode::Mode;
use shell::Shell;
use std::io::IsTerminal;

/// Runs the prompt until `:quit` or Ctrl-D.
pub fn exec(config: &Config, dry_run: bool) -> Exit {
    let mode = if dry_run { Mode::DryRun } else { Mode::Live };
    match Shell::start(config, mode) {
        Ok(mut shell) => shell.run(),
        Err(rep) => {
            report(config, &rep);
            Exit::Failure
        }
    }
}

/// Whether bare `awsrun` has a person at a terminal to prompt.
pub fn on_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}
