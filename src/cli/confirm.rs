//! Asking before changing AWS: a terminal question, `--yes`, or a refusal.

use crate::diagnostic::Report;
use crate::diagnostic::code;
use crate::engine::plan::Action;
use crate::ui::{Config, Exit, error_json, out, report};
use std::io::{BufRead, IsTerminal, Write};

/// What the user said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Go,
    /// Declined at the prompt.
    Declined,
    /// No terminal to ask on and no `--yes`.
    NoTerminal,
}

/// Asks `question` on the terminal unless `yes`; refuses without a terminal.
pub fn confirm(question: &str, yes: bool) -> Answer {
    if yes {
        return Answer::Go;
    }
    if !std::io::stdin().is_terminal() {
        return Answer::NoTerminal;
    }
    eprint!("{question} Type 'yes' to go on: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(_) if matches!(line.trim(), "yes" | "y") => Answer::Go,
        _ => Answer::Declined,
    }
}

/// A command stopped by its answer: the report (with `--output json`, a
/// document with the plan that was not applied and the error), exit 2.
pub fn refused(config: &Config, answer: Answer, rerun: &str, plan: &[Action]) -> Exit {
    let (message, help) = match answer {
        Answer::NoTerminal => (
            "not changing anything: there is no terminal to confirm on",
            format!("review the plan above, then run `{rerun} --yes` to apply it"),
        ),
        _ => (
            "not changing anything: the plan was not confirmed",
            format!("nothing was changed; run `{rerun}` again when the plan is what you want"),
        ),
    };
    let report = Report::plain(code::Stop::Refused, message, Some(help));
    self::report(config, &report);
    if config.json {
        let doc = serde_json::json!({ "plan": plan, "error": error_json(&report) });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    Exit::Usage
}
