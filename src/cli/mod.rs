//! The command line: arguments, validated configuration, one function per
//! subcommand.

pub mod args;
pub mod backend;
pub mod check;
pub mod config;
pub mod confirm;
pub mod destroy;
pub mod docs;
pub mod output;
pub mod run;

use crate::diagnostic::{self, Report};
use args::{Cli, Command};
use clap::Parser;
use config::Config;
use std::ffi::OsString;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// Exit codes: 0 success; 1 script, validation or AWS failure; 2 usage
/// error or refused confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    Failure = 1,
    Usage = 2,
    /// Stopped by Ctrl-C (128 + SIGINT).
    Interrupted = 130,
}

/// Set by the first Ctrl-C; a second one exits at once.
pub fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = flag.clone();
        // Without a handler (e.g. one is already set) Ctrl-C just ends the process.
        let _ = ctrlc::set_handler(move || {
            if seen.swap(true, Ordering::SeqCst) {
                std::process::exit(Exit::Interrupted as i32);
            }
            eprintln!(
                "\nInterrupted: stopping at the next safe point (Ctrl-C again to quit at once)..."
            );
        });
        flag
    })
    .clone()
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e as u8)
    }
}

/// Parses the arguments and runs the subcommand.
pub fn main(args: Vec<OsString>) -> ExitCode {
    let json = wants_json(&args);
    let no_color = args.iter().any(|a| a == "--no-color");
    let cli = match Cli::try_parse_from(args::normalize(args)) {
        Ok(cli) => cli,
        Err(err) if err.use_stderr() => return bad_arguments(&err, json, no_color).into(),
        Err(err) => {
            // --help and --version.
            let _ = err.print();
            return Exit::Ok.into();
        }
    };
    let config = Config::new(&cli.global);
    let exit = match cli.command {
        Some(Command::Run(run)) => run::exec(&config, run),
        Some(Command::Check { script, vars }) => check::exec(&config, &script, &vars),
        Some(Command::Docs {
            definitions: Some(dir),
            ..
        }) => docs::definitions(&config, &dir),
        Some(Command::Docs { name, .. }) => docs::exec(&config, name.as_deref()),
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "awsrun", &mut script);
            // A closed pipe (`| head`) is not an error.
            let _ = std::io::Write::write_all(&mut std::io::stdout(), &script);
            Exit::Ok
        }
        Some(Command::Repl { dry_run }) => crate::repl::exec(&config, dry_run),
        None if crate::repl::on_terminal() => crate::repl::exec(&config, true),
        None => {
            eprint!("{}", <Cli as clap::CommandFactory>::command().render_help());
            run::usage(
                &config,
                "awsrun::usage::no_script",
                "no script given, and no terminal for the interactive prompt",
                "run `awsrun SCRIPT --dry-run` to plan a script, or `awsrun repl` on a terminal",
            )
        }
        Some(Command::Destroy {
            stack,
            dry_run,
            yes,
        }) => destroy::exec(&config, &stack, dry_run, yes),
    };
    exit.into()
}

/// Prints a report to stderr.
pub fn report(config: &Config, report: &Report) {
    eprint!("{}", diagnostic::render(report, config.style()));
}

/// A report as the `error` of a JSON document.
pub fn error_json(report: &Report) -> serde_json::Value {
    let (file, line, column) = report.location.clone().unwrap_or_default();
    serde_json::json!({"code": report.code, "message": report.message, "help": report.help, "file": file, "line": line, "column": column})
}

/// An error that ends a command before it has a document of its own: the
/// report on stderr and, with `--output json`, `{"error": ...}` on stdout.
pub fn report_alone(config: &Config, report: &Report) {
    self::report(config, report);
    if config.json {
        let doc = serde_json::json!({ "error": error_json(report) });
        output::out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
}

/// Whether the raw arguments ask for `--output json` (read before they
/// parse, so that a command line that does not parse is answered in JSON).
fn wants_json(args: &[OsString]) -> bool {
    args.iter()
        .zip(args.iter().skip(1).map(Some).chain([None]))
        .any(|(arg, next)| {
            arg == "--output=json" || (arg == "--output" && next.is_some_and(|n| n == "json"))
        })
}

/// A command line clap rejects, as a report like every other error.
fn bad_arguments(err: &clap::Error, json: bool, no_color: bool) -> Exit {
    let rendered = err.render().to_string();
    // clap's text: "error: ..." and its continuation lines, a blank line,
    // then tips, the usage line and a pointer to --help.
    let (head, rest) = rendered.split_once("\n\n").unwrap_or((&rendered, ""));
    let message = head
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error: ")
        .to_string();
    let mut help: Vec<String> = rest
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("tip: "))
        .map(str::to_string)
        .collect();
    if let Some(usage) = rest.lines().find_map(|l| l.trim().strip_prefix("Usage: ")) {
        help.push(format!("usage: `{usage}`"));
    }
    help.push(
        "`awsrun --help` lists the commands and flags (`awsrun COMMAND --help` for one command)"
            .into(),
    );
    let style = diagnostic::Style {
        color: config::color(no_color),
    };
    let rep = Report::plain("awsrun::usage::arguments", message, Some(help.join("; ")));
    eprint!("{}", diagnostic::render(&rep, style));
    if json {
        let doc = serde_json::json!({ "error": error_json(&rep) });
        output::out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    Exit::Usage
}
