//! The command line: arguments, their validation into a [`Config`], and one
//! function per subcommand. `awsrun repl` (and bare `awsrun` on a
//! terminal) hands off to [`crate::repl`]; what the two share lives in
//! [`crate::ui`].

pub mod adopt;
pub mod args;
pub mod check;
pub mod config;
pub mod confirm;
pub mod destroy;
pub mod docs;
pub mod log;
pub mod run;
pub mod status;
pub mod unlock;

use crate::diagnostic::code;
use crate::diagnostic::{self, Report};
use crate::ui::{Config, Exit, error_json, out};
use args::{Cli, Command};
use clap::Parser;
use std::ffi::OsString;
use std::process::ExitCode;

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
    let config = Config::from(&cli.global);
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
        Some(Command::Status { stack }) => status::status(&config, &stack),
        Some(Command::Stacks) => status::stacks(&config),
        None if crate::repl::on_terminal() => crate::repl::exec(&config, true),
        None => {
            eprint!("{}", <Cli as clap::CommandFactory>::command().render_help());
            run::usage(
                &config,
                code::Usage::NoScript,
                "no script given, and no terminal for the interactive prompt",
                "run `awsrun SCRIPT --dry-run` to plan a script, or `awsrun repl` on a terminal",
            )
        }
        Some(Command::Destroy {
            stack,
            dry_run,
            yes,
            lock_timeout,
        }) => destroy::exec(
            &config,
            &stack,
            dry_run,
            yes,
            std::time::Duration::from_secs(lock_timeout),
        ),
        Some(Command::Unlock { stack, yes }) => unlock::exec(&config, &stack, yes),
        Some(Command::Log { stack, limit, show }) => {
            log::exec(&config, &stack, limit, show.as_deref())
        }
    };
    exit.into()
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
        color: crate::ui::color(no_color),
    };
    let rep = Report::plain(code::Usage::Arguments, message, Some(help.join("; ")));
    eprint!("{}", diagnostic::render(&rep, style));
    if json {
        let doc = serde_json::json!({ "error": error_json(&rep) });
        out(&serde_json::to_string_pretty(&doc).unwrap_or_default());
    }
    Exit::Usage
}
