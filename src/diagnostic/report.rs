//! A report about a script: code, message, help, and where in which source.
//!
//! Built from a Rhai error after the run; sources are attached only here,
//! when the report is made, from the texts the session kept.

use super::code::{self, Code};
use super::span::span_at;
use crate::engine::host_error::HostError;
use crate::engine::suggest::nearest;
use crate::engine::{Limit, Limits};
use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};
use rhai::{EvalAltResult, Position};
use std::fmt;

/// One renderable diagnostic.
#[derive(Debug)]
pub struct Report {
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    pub label: String,
    pub source: Option<NamedSource<String>>,
    pub span: Option<SourceSpan>,
    /// Line and column (1-based, characters) of the primary label.
    pub location: Option<(String, usize, usize)>,
    pub related: Vec<Report>,
    /// A warning (risky but accepted) rather than an error.
    pub warning: bool,
}

impl Report {
    pub fn warning(code: impl Into<Code>, message: impl Into<String>, help: String) -> Self {
        let mut report = Report::plain(code, message, Some(help));
        report.warning = true;
        report
    }

    /// A report with one of awsrun's codes (`code::Usage::Var`).
    pub fn plain(code: impl Into<Code>, message: impl Into<String>, help: Option<String>) -> Self {
        Report::carrying(code.into().as_str(), message, help)
    }

    /// A report of an error that carries its code: a host error's (awsrun's,
    /// a team module's or AWS's) or an AWS error's (`awsrun::aws::...`).
    pub fn carrying(code: &str, message: impl Into<String>, help: Option<String>) -> Self {
        Report {
            code: code.to_string(),
            message: message.into(),
            help,
            label: String::new(),
            source: None,
            span: None,
            location: None,
            related: Vec::new(),
            warning: false,
        }
    }

    /// Points the report at `pos` in the source called `name`.
    pub fn at(mut self, name: &str, text: Option<String>, pos: Position, label: String) -> Self {
        if let Some(text) = text {
            self.span = span_at(&text, pos);
            if self.span.is_some() {
                self.source = Some(NamedSource::new(name, text));
            }
        }
        if let (Some(line), Some(col)) = (pos.line(), pos.position()) {
            self.location = Some((name.to_string(), line, col));
        }
        self.label = label;
        self
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(if self.warning {
            miette::Severity::Warning
        } else {
            miette::Severity::Error
        })
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let label = (!self.label.is_empty()).then(|| self.label.clone());
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            label, span,
        ))))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

/// A call on the way from the user's line to where the error was raised.
struct Frame {
    func: String,
    source: String,
    pos: Position,
}

/// Builds the report of a failed run. `sources` gives the text of a source
/// by name; `main` is the user's script name; `functions` feeds suggestions;
/// `limits` are the ones the script ran under (limit errors name them).
pub fn from_eval(
    err: &EvalAltResult,
    main: &str,
    sources: &dyn Fn(&str) -> Option<String>,
    functions: &[String],
    limits: &Limits,
) -> Report {
    let mut frames = Vec::new();
    let mut current = main.to_string();
    let mut leaf = err;
    loop {
        match leaf {
            EvalAltResult::ErrorInFunctionCall(func, src, inner, pos) => {
                frames.push(Frame {
                    func: format!("{func}()"),
                    source: current.clone(),
                    pos: *pos,
                });
                if !src.is_empty() {
                    current = src.clone();
                }
                leaf = inner;
            }
            EvalAltResult::ErrorInModule(path, inner, pos) => {
                frames.push(Frame {
                    func: format!("import \"{path}\""),
                    source: current.clone(),
                    pos: *pos,
                });
                if sources(path).is_some() {
                    current = path.clone();
                }
                leaf = inner;
            }
            _ => break,
        }
    }
    let (code, message, help) = describe(leaf, functions, limits);
    let base = Report::carrying(&code, message.clone(), help);
    let leaf_pos = leaf.position();
    // Frames inside the user's own script (its functions) are still the user's
    // lines; the primary label goes on the outermost call.
    match frames.first() {
        None => base.at(&current, sources(&current), leaf_pos, "here".into()),
        Some(first) => {
            let chain: Vec<&str> = frames.iter().map(|f| f.func.as_str()).collect();
            let label = format!("failed inside {}", chain.join(" -> "));
            let inner = Report::carrying(&code, format!("raised in {current}: {message}"), None)
                .at(&current, sources(&current), leaf_pos, "raised here".into());
            let mut report = base.at(&first.source, sources(&first.source), first.pos, label);
            for frame in frames.iter().skip(1) {
                let step = Report::plain(
                    code::Script::Trace,
                    format!("called from {}", frame.source),
                    None,
                )
                .at(
                    &frame.source,
                    sources(&frame.source),
                    frame.pos,
                    format!("calls {}", frame.func),
                );
                report.related.push(step);
            }
            report.related.push(inner);
            report
        }
    }
}

/// Code, message and help of the innermost error.
fn describe(
    err: &EvalAltResult,
    functions: &[String],
    limits: &Limits,
) -> (String, String, Option<String>) {
    use EvalAltResult as E;
    match err {
        E::ErrorRuntime(value, _) => match value.clone().try_cast::<HostError>() {
            Some(host) => (host.code, host.message, host.help),
            None => (
                code::Script::Thrown.into(),
                value.to_string(),
                Some("the script stopped itself here with `throw`".into()),
            ),
        },
        E::ErrorTerminated(value, _) => match value.clone().try_cast::<HostError>() {
            Some(host) => (host.code, host.message, host.help),
            None => (code::Stop::Interrupted.into(), "stopped".into(), None),
        },
        E::ErrorParsing(rhai::ParseErrorType::ExprTooDeep, _) => (
            code::Limit::ExpressionDepth.into(),
            "an expression is nested too deeply (more than 128 levels, 64 inside a function)".into(),
            Some("split it into smaller parts with `let`, e.g. `let part = ...;` for an inner bracket or map".into()),
        ),
        E::ErrorParsing(kind, _) => {
            (code::Script::Syntax.into(), format!("syntax error: {kind}"), Some(syntax_help(kind)))
        }
        E::ErrorPropertyNotFound(name, _) => unknown_property(name),
        E::ErrorFunctionNotFound(sig, _) => not_found(sig, functions),
        E::ErrorVariableNotFound(name, _) => (
            code::Script::UnknownVariable.into(),
            format!("unknown variable `{name}`"),
            Some(format!("define it with `let {name} = ...;`, or pass it with `--var {name}=VALUE`")),
        ),
        E::ErrorTooManyOperations(_) => (
            code::Limit::Operations.into(),
            format!("the script ran more than {} operations", limits.operations),
            Some(format!(
                "look for a loop that never ends; {}",
                Limit::Operations.how_to_raise(limits.operations)
            )),
        ),
        E::ErrorStackOverflow(_) => (
            code::Limit::CallDepth.into(),
            format!("functions are nested more than {} calls deep", limits.call_depth),
            Some(format!(
                "look for a function that calls itself without end; {}",
                Limit::CallDepth.how_to_raise(limits.call_depth as u64)
            )),
        ),
        E::ErrorDataTooLarge(what, _) => too_large(what, limits),
        E::ErrorTooManyModules(_) => (
            code::Limit::Modules.into(),
            format!("more than {} modules imported", limits.modules),
            Some(format!(
                "look for modules that import each other in a circle; {}",
                Limit::Modules.how_to_raise(limits.modules as u64)
            )),
        ),
        E::ErrorModuleNotFound(path, _) => (
            code::Module::NotFound.into(),
            format!("module \"{path}\" not found"),
            Some("module paths are relative to the script's folder, AWSRUN_PATH or the stdlib".into()),
        ),
        E::ErrorArrayBounds(0, index, _) => (
            code::Script::Index.into(),
            format!("index {index} is out of bounds: the array is empty"),
            Some("check `x.len() > 0` first, or walk the items with `for item in x { ... }`".into()),
        ),
        E::ErrorArrayBounds(len, index, _) => (
            code::Script::Index.into(),
            format!("index {index} is out of bounds: the array has {len} item(s), 0 to {}", len - 1),
            Some("walk the items with `for item in x { ... }`, or check the index against `x.len()`".into()),
        ),
        E::ErrorMismatchDataType(expected, actual, _) => (
            code::Script::Type.into(),
            format!("expected {expected}, got {actual}"),
            Some("convert the value (to_string(), parse_int(...)) or pick one of its attributes, such as `.id`".into()),
        ),
        E::ErrorFor(_) => (
            code::Script::NotIterable.into(),
            "`for` needs an array, a range such as 1..=3, or a string".into(),
            Some("loop over an array of resources (e.g. `for s in [a, c]`) or a range (`for n in 1..=count`)".into()),
        ),
        E::ErrorArithmetic(message, _) => (
            code::Script::Arithmetic.into(),
            without_position(message),
            Some("check the numbers on the marked line (a division by zero, or a number too large)".into()),
        ),
        other => (
            code::Script::Runtime.into(),
            without_position(&other.to_string()),
            Some("the marked expression failed; `awsrun docs` lists every function and its arguments".into()),
        ),
    }
}

/// What to do about a syntax error, by kind.
fn syntax_help(kind: &rhai::ParseErrorType) -> String {
    use rhai::{LexError, ParseErrorType as P};
    match kind {
        P::MissingToken(token, _) if token == ";" => {
            "end the statement before this point with `;`".into()
        }
        P::MissingToken(token, _) => {
            format!("add `{token}` here, or close the bracket or string opened before this point")
        }
        P::MissingSymbol(symbol) => format!("add `{symbol}` here"),
        P::UnexpectedEOF => "the script ends in the middle of a statement: close every `(`, `[`, `{` and string".into(),
        P::BadInput(LexError::UnterminatedString) => {
            "close the string with `\"` on the same line; write text over several lines between backticks".into()
        }
        P::BadInput(LexError::ImproperSymbol(symbol, _)) if symbol == "eval" => {
            "awsrun scripts cannot run text as code; call the functions directly".into()
        }
        P::UnknownOperator(op) => format!(
            "`{op}` is not an operator: use + - * / % == != < <= > >= && || !, or a function (`awsrun docs` lists them)"
        ),
        P::VariableExpected | P::Reserved(_) | P::PropertyExpected => {
            "names are letters, digits and `_`, and not a keyword such as fn, let, if, for, import or eval".into()
        }
        _ => "fix the script at the marked place; `awsrun check SCRIPT` finds syntax errors without running anything".into(),
    }
}

/// Properties of the maps awsrun's functions return, for "did you mean".
const RESULT_MAPS: [(&str, &[&str]); 4] = [
    ("private_subnet()", &["subnet", "nat", "route_table"]),
    ("alb()", &["lb", "sg", "tg", "listener", "dns_name"]),
    ("app_servers()", &["sg", "instances"]),
    ("whoami()", &["account", "arn", "user_id"]),
];

/// A property an object map does not have (`a.subnett`).
fn unknown_property(name: &str) -> (String, String, Option<String>) {
    let keys = RESULT_MAPS
        .iter()
        .flat_map(|(_, keys)| keys.iter().copied());
    let help = match nearest(name, keys) {
        Some(near) => {
            let (func, keys) = RESULT_MAPS
                .iter()
                .find(|(_, keys)| keys.contains(&near))
                .expect("a key of one map");
            format!(
                "did you mean `{near}`? {func} returns #{{{}}}",
                keys.join(", ")
            )
        }
        None => "`print(x.keys())` lists the properties a map `x` has".into(),
    };
    (
        code::Script::UnknownProperty.into(),
        format!("this object map has no property `{name}`"),
        Some(help),
    )
}

/// A string, array or map that grew past its limit.
fn too_large(what: &str, limits: &Limits) -> (String, String, Option<String>) {
    let (code, message, limit) = if what.contains("string") {
        (
            code::Limit::StringSize,
            format!(
                "a string grew past awsrun's limit of {} bytes",
                limits.string_size
            ),
            Some(Limit::StringSize),
        )
    } else if what.contains("array") {
        (
            code::Limit::ArraySize,
            format!(
                "an array grew past awsrun's limit of {} items",
                limits.array_size
            ),
            Some(Limit::ArraySize),
        )
    } else if what.contains("map") {
        (
            code::Limit::MapSize,
            format!(
                "an object map grew past awsrun's limit of {} keys",
                limits.map_size
            ),
            Some(Limit::MapSize),
        )
    } else {
        // BLOBs: Rhai bounds them by the array limit.
        (
            code::Limit::Size,
            format!(
                "{what} exceeds awsrun's limit of {} bytes",
                limits.array_size
            ),
            Some(Limit::ArraySize),
        )
    };
    let mut help = "look for a loop that keeps adding to the same value; scripts describe infrastructure, not bulk data".to_string();
    if let Some(limit) = limit {
        help = format!("{help}; {}", limit.how_to_raise(limits.get(limit)));
    }
    (code.into(), message, Some(help))
}

/// Rhai appends " (line L, position C)" to messages; reports show it as a label.
fn without_position(message: &str) -> String {
    match message.rfind(" (line ") {
        Some(i) if message.ends_with(')') => message[..i].to_string(),
        _ => message.to_string(),
    }
}

/// A Rhai type name as a person reads it.
fn plain_type(name: &str) -> &str {
    match name.trim() {
        "i64" | "f64" | "INT" | "FLOAT" => "a number",
        "string" | "char" => "text",
        "bool" => "true or false",
        "()" => "nothing (`()`)",
        "map" => "an object map",
        "array" => "an array",
        "Resource" => "a resource",
        "Cidr" => "a cidr(...) value",
        other => other,
    }
}

/// A call Rhai could not match: an unknown name, or a known one with
/// arguments no overload takes.
fn not_found(sig: &str, functions: &[String]) -> (String, String, Option<String>) {
    let name = sig.split([' ', '(']).next().unwrap_or(sig);
    let args = sig[name.len()..]
        .trim()
        .replace("&str | ImmutableString | String", "string");
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        let operands: Vec<&str> = args
            .trim_matches(['(', ')'])
            .split(", ")
            .map(plain_type)
            .collect();
        let operands = operands.join(" and ");
        return (
            code::Script::Operator.into(),
            format!("`{name}` cannot combine {operands}"),
            Some(
                "use a value of the resource rather than the resource itself (`.id`, `.cidr`, `.port`), \
                 or convert text and numbers with to_string() and parse_int(...)"
                    .into(),
            ),
        );
    }
    if let Some(doc) = crate::engine::docs::all()
        .into_iter()
        .find(|d| d.name == name)
    {
        return (
            code::Script::Arguments.into(),
            format!("{name}() cannot take {args}"),
            Some(format!("{name} is {}", doc.signature)),
        );
    }
    let help = nearest(name, functions.iter().map(String::as_str))
        .map(|n| format!("did you mean `{n}`? (`awsrun docs` lists every function)"))
        .unwrap_or_else(|| "`awsrun docs` lists every function and its arguments".into());
    (
        code::Script::UnknownFunction.into(),
        format!("unknown function {name}{args}"),
        Some(help),
    )
}
