//! The sink of text output: plan lines and prints on stdout as they
//! happen; the progress of waits on stderr, as a spinner on a terminal and
//! as one line per change of state otherwise. A line written to stdout
//! first clears the spinner, so the two never interleave.

use super::output::out;
use crate::cloud::Resource;
use crate::engine::plan::Action;
use crate::engine::session::Sink;
use indicatif::{ProgressBar, ProgressStyle};
use std::cell::RefCell;
use std::io::IsTerminal;
use std::time::Duration;

/// Text output; waits shown as a spinner on a terminal, plain lines otherwise.
pub(crate) struct TextSink {
    /// Live runs show waits; dry-runs advance simulated states instantly.
    pub(crate) show_progress: bool,
    spinner: RefCell<Option<ProgressBar>>,
    last_state: RefCell<String>,
}

impl TextSink {
    pub(crate) fn new(show_progress: bool) -> Self {
        TextSink {
            show_progress,
            spinner: RefCell::new(None),
            last_state: RefCell::new(String::new()),
        }
    }
}

impl Sink for TextSink {
    fn action(&self, action: &Action, dry_run: bool) {
        self.clear_spinner();
        out(&format!("  {}", action.line(dry_run)));
    }

    fn print(&self, text: &str) {
        self.clear_spinner();
        out(text);
    }

    fn progress(&self, r: &Resource, state: &str, elapsed: Duration, done: bool) {
        if !self.show_progress {
            return;
        }
        let text = format!(
            "{} {} ({}): {state} after {}s",
            r.kind,
            r.name,
            r.id,
            elapsed.as_secs()
        );
        if !std::io::stderr().is_terminal() {
            let mut last = self.last_state.borrow_mut();
            if *last != state || done {
                eprintln!("waiting: {text}");
                *last = state.to_string();
            }
            return;
        }
        let mut spinner = self.spinner.borrow_mut();
        let bar = spinner.get_or_insert_with(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        bar.set_message(format!("waiting for {text}"));
        if done {
            bar.finish_and_clear();
            *spinner = None;
        }
    }
}

impl TextSink {
    fn clear_spinner(&self) {
        if let Some(bar) = self.spinner.borrow_mut().take() {
            bar.finish_and_clear();
        }
    }
}
