//! The line editor's helper: Tab completion, the signature hint of the
//! function being typed, syntax highlighting (only with colour on) and
//! multi-line input (an unfinished statement continues on the next line).

use super::completer;
use super::highlight::paint;
use super::known::Known;
use super::nesting::Nesting;
use super::validate::{is_unfinished, parser};
use rhai::Engine;
use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};
use std::borrow::Cow;

/// What the editor asks while a line is typed.
pub(crate) struct ReplHelper {
    pub(crate) known: Known,
    color: bool,
    parser: Engine,
    files: FilenameCompleter,
}

impl ReplHelper {
    pub(crate) fn new(color: bool) -> Self {
        ReplHelper {
            known: Known::new(),
            color,
            parser: parser(),
            files: FilenameCompleter::new(),
        }
    }
}

/// A hint shown after the cursor and never inserted.
pub(crate) struct Signature(String);

impl Hint for Signature {
    fn display(&self) -> &str {
        &self.0
    }

    fn completion(&self) -> Option<&str> {
        None
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        match completer::complete(line, pos, &self.known) {
            Some(found) => Ok(found),
            None => self.files.complete(line, pos, ctx),
        }
    }
}

impl Hinter for ReplHelper {
    type Hint = Signature;

    /// `subnet("db", ` shows `  subnet(name, #{vpc, cidr, az, public_ip}) -> Subnet`.
    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<Signature> {
        if pos < line.len() || line.trim_start().starts_with(':') {
            return None;
        }
        // Inside a string argument the calls around it still count.
        let nesting = Nesting::scan(line);
        let func = nesting.current_call()?;
        self.known
            .signature(func)
            .map(|sig| Signature(format!("  {sig}")))
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if self.color {
            Cow::Owned(paint(line))
        } else {
            Cow::Borrowed(line)
        }
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if is_unfinished(&self.parser, ctx.input()) {
            Ok(ValidationResult::Incomplete)
        } else {
            Ok(ValidationResult::Valid(None))
        }
    }
}

impl Helper for ReplHelper {}
