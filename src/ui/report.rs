//! Showing a report: on stderr, with colour and Unicode only on a terminal
//! (never under `--no-color` or `NO_COLOR`), and, with `--output json`, as
//! the `error` of a JSON document on stdout.

use super::Config;
use super::output::out;
use crate::diagnostic::{self, Report};
use std::io::IsTerminal;

/// Whether reports get colour (and Unicode): on a terminal, unless
/// `--no-color` or `NO_COLOR` says otherwise.
pub(crate) fn color(no_color_flag: bool) -> bool {
    !no_color_flag && std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// Prints a report to stderr.
pub(crate) fn report(config: &Config, report: &Report) {
    eprint!("{}", diagnostic::render(report, config.style()));
}

/// A report as the `error` of a JSON document.
pub(crate) fn error_json(report: &Report) -> serde_json::Value {
    let (file, line, column) = report.location.clone().unwrap_or_default();
    serde_json::json!({"code": report.code, "message": report.message, "help": report.help, "file": file, "line": line, "column": column})
}

/// An error that ends a command before it has a document of its own: the
/// report on stderr and, with `--output json`, `{"error": ...}` on stdout.
pub(crate) fn report_alone(config: &Config, report: &Report) {
    self::report(config, report);
    if config.json {
        let doc = serde_json::json!({ "error": error_json(report) });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
}
