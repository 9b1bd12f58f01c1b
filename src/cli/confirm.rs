//! Asking before changing AWS: a terminal question, `--yes`, or a refusal.

use crate::diagnostic::Report;
use crate::diagnostic::code;
use crate::engine::plan::Action;
use crate::ui::{Config, Exit, error_json, interrupt_flag, out, report};
use std::io::{BufRead, IsTerminal, Write};
use std::sync::atomic::Ordering;
use std::sync::mpsc::RecvTimeoutError;

/// What the user said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Go,
    /// Declined at the prompt.
    Declined,
    /// No terminal to ask on and no `--yes`.
    NoTerminal,
    /// Ctrl-C at the prompt.
    Interrupted,
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
    // The answer is read on a thread of its own, so that Ctrl-C at the
    // prompt ends the command at once (releasing the stack's lock) instead
    // of waiting for a line.
    let interrupted = interrupt_flag();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let read = std::io::stdin().lock().read_line(&mut line);
        let _ = tx.send(read.map(|_| line));
    });
    loop {
        match rx.recv_timeout(std::time::Duration::from_millis(100)) {
            Ok(Ok(line)) if matches!(line.trim(), "yes" | "y") => return Answer::Go,
            Ok(_) | Err(RecvTimeoutError::Disconnected) => return Answer::Declined,
            Err(RecvTimeoutError::Timeout) if interrupted.load(Ordering::SeqCst) => {
                return Answer::Interrupted;
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

/// A command stopped by its answer: the report (with `--output json`, a
/// document with the plan that was not applied and the error), exit 2.
pub fn refused(config: &Config, answer: Answer, rerun: &str, plan: &[Action]) -> Exit {
    if answer == Answer::Interrupted {
        let help = format!("nothing was changed; run `{rerun}` again when you want to apply it");
        let report = Report::plain(
            code::Stop::Interrupted,
            "not changing anything: Ctrl-C at the confirmation",
            Some(help),
        );
        self::report(config, &report);
        return Exit::Interrupted;
    }
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
