//! Errors as reports a person can act on: a stable code, the script line
//! and column, and what to do next. Rendering (colour or not, width) is
//! chosen here, once.

pub mod report;
pub mod span;

pub use report::{Report, from_eval};

use miette::{GraphicalReportHandler, GraphicalTheme};

/// How reports are drawn.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

/// Renders a report as text for stderr.
pub fn render(report: &Report, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    if handler.render_report(&mut out, report).is_err() {
        out = format!("error[{}]: {}\n", report.code, report.message);
    }
    out
}
