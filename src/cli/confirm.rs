//! Asking before changing AWS: a terminal question, `--yes`, or a refusal.

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

/// The message for an answer that stops the command.
pub fn refusal(answer: Answer) -> &'static str {
    match answer {
        Answer::NoTerminal => {
            "not changing anything: there is no terminal to confirm on; review the plan above and re-run with --yes"
        }
        _ => "not changing anything: the plan was not confirmed",
    }
}
