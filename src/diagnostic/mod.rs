//! Errors as reports a person can act on: a stable code, the script line
//! and column, and what to do next. Rendering (colour or not, width) is
//! chosen here, once; every code, with its catalogue entry, is in [`code`].

pub mod code;
pub mod report;
pub mod span;

pub use report::{Report, from_eval};

use miette::{GraphicalReportHandler, GraphicalTheme};

/// How reports are drawn: on a terminal with colour and Unicode; otherwise
/// (a pipe, a CI log, `--no-color`, `NO_COLOR`) in plain ASCII.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

/// Renders a report as text for stderr.
pub fn render(report: &Report, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::none()
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

#[cfg(test)]
mod tests {
    use super::*;
    use rhai::Position;

    fn report() -> Report {
        let source = "let a = 1;\nlet b = cidr(\"10.0.0.5/8\");\n";
        Report::plain(
            code::Cidr::HostBits,
            "10.0.0.5/8 has host bits set",
            Some("use 10.0.0.0/8".into()),
        )
        .at(
            "net.rhai",
            Some(source.into()),
            Position::new(2, 14),
            "here".into(),
        )
    }

    #[test]
    fn plain_reports_are_ascii_and_carry_code_place_and_help() {
        let text = render(&report(), Style { color: false });
        assert!(text.is_ascii(), "{text}");
        assert!(!text.contains('\x1b'), "{text}");
        assert!(text.starts_with("awsrun::cidr::host_bits"), "{text}");
        assert!(text.contains("[net.rhai:2:14]"), "{text}");
        assert!(text.contains("help: use 10.0.0.0/8"), "{text}");
    }

    #[test]
    fn terminal_reports_have_colour_and_unicode() {
        let text = render(&report(), Style { color: true });
        assert!(text.contains('\x1b'), "{text}");
        assert!(!text.is_ascii(), "{text}");
        assert!(text.contains("net.rhai:2:14"), "{text}");
    }
}
