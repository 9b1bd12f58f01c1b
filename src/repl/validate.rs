//! Whether typed input is finished: an unfinished statement (open brace,
//! open string, trailing operator, unfinished call) continues on the next
//! line instead of failing. Rhai decides: input is unfinished when its
//! parse error lies at the end of the input, where more text could fix it.
//! Any other error is left for the run, which reports it in full.

use rhai::{Engine, LexError, ParseErrorType};

/// Whether `input` needs more lines before it can run.
pub(crate) fn is_unfinished(parser: &Engine, input: &str) -> bool {
    let text = input.trim();
    if text.is_empty() || text.starts_with(':') {
        return false;
    }
    let Err(err) = parser.compile(input) else {
        return false;
    };
    match err.err_type() {
        ParseErrorType::UnexpectedEOF | ParseErrorType::BadInput(LexError::UnterminatedString) => {
            true
        }
        _ => match (err.position().line(), err.position().position()) {
            (Some(line), Some(column)) => (line, column) >= end_of(input.trim_end()),
            _ => false,
        },
    }
}

/// Line and column (1-based, characters) just past the end of `text`.
fn end_of(text: &str) -> (usize, usize) {
    let line = text.split('\n').count();
    let last = text.rsplit('\n').next().unwrap_or("");
    (line, last.chars().count() + 1)
}

/// An engine that only parses, with the limits of the real one.
pub(crate) fn parser() -> Engine {
    let mut engine = Engine::new_raw();
    engine.set_max_expr_depths(128, 64);
    engine
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfinished_input_continues() {
        let parser = parser();
        for text in [
            "fn twice(x) {",
            "fn twice(x) {\n  x * 2\n",
            "let s = \"abc",
            "let s = `multi",
            "1 +",
            "subnet(\"db\", #{",
            "foo(1,",
            "private_subnet(\"2a\"",
            "let a = [1,",
            "let city = \"서울",
        ] {
            assert!(is_unfinished(&parser, text), "{text:?} should continue");
        }
    }

    #[test]
    fn finished_or_wrong_input_runs() {
        let parser = parser();
        for text in [
            "1 + 2",
            "let x = 1 1",
            "}",
            "let a = 1\nlet b = 2",
            "",
            ":help",
            "fn f() { 1 }",
            "let city = \"서울\"",
        ] {
            assert!(!is_unfinished(&parser, text), "{text:?} should run");
        }
    }
}
