//! The REPL's own commands: a line starting with `:`.

use super::mode::Mode;
use std::path::PathBuf;

/// One `:command` line, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Command {
    /// `:help` or `:help NAME`.
    Help(Option<String>),
    /// `:plan`: the actions made so far in this session.
    Plan,
    /// `:vars`: variables and functions defined so far.
    Vars,
    /// `:load FILE`: run a script into the session.
    Load(PathBuf),
    /// `:save FILE`: the session's successful input as a script.
    Save(PathBuf),
    /// `:mode` shows the mode; `:mode dry-run|live` switches.
    Mode(Option<Mode>),
    /// `:reset`: a fresh session (and, in dry-run, a fresh simulated account).
    Reset,
    /// `:status`: what the session's stack holds now, its cost, what is stuck.
    Status,
    /// `:stacks`: the stacks of the account the session uses.
    Stacks,
    /// `:quit`.
    Quit,
}

impl Command {
    /// Command names, for `:help` and completion.
    pub(crate) const NAMES: [&'static str; 10] = [
        "help", "plan", "vars", "load", "save", "mode", "reset", "status", "stacks", "quit",
    ];

    /// What each command does, for `:help`.
    pub(crate) const USAGE: [(&'static str, &'static str); 10] = [
        (
            ":help [NAME]",
            "this list, or a function's signature, doc and example",
        ),
        (":plan", "the actions made so far in this session"),
        (":vars", "the variables and functions defined so far"),
        (":load FILE", "run a script into the session"),
        (
            ":save FILE",
            "write the session's successful input as a script",
        ),
        (
            ":mode dry-run|live",
            "switch between the simulated account and AWS",
        ),
        (
            ":reset",
            "start over: no variables, a fresh simulated account",
        ),
        (
            ":status",
            "what the session's stack holds now, its cost per hour, what is stuck",
        ),
        (
            ":stacks",
            "the stacks of the account, with their cost per hour",
        ),
        (":quit", "leave (Ctrl-D too)"),
    ];

    /// Parses a line that starts with `:`; the error says what is wrong
    /// and what to type instead.
    pub(crate) fn parse(line: &str) -> Result<Command, CommandError> {
        let text = line.trim().trim_start_matches(':');
        let (name, arg) = match text.split_once(char::is_whitespace) {
            Some((name, arg)) => (name, Some(arg.trim()).filter(|a| !a.is_empty())),
            None => (text, None),
        };
        let path = |what: &str| {
            arg.map(PathBuf::from).ok_or_else(|| CommandError {
                message: format!(":{name} needs a file"),
                help: format!("give the file after the command, e.g. `:{name} {what}`"),
            })
        };
        let no_arg = |command: Command| match arg {
            None => Ok(command),
            Some(arg) => Err(CommandError {
                message: format!(":{name} takes no argument, got `{arg}`"),
                help: format!(
                    "type `:{name}` alone; `:help` lists the commands and what they take"
                ),
            }),
        };
        match name {
            "help" | "h" | "?" => Ok(Command::Help(arg.map(str::to_string))),
            "plan" => no_arg(Command::Plan),
            "status" => no_arg(Command::Status),
            "stacks" => no_arg(Command::Stacks),
            "vars" => no_arg(Command::Vars),
            "load" => path("scripts/cidr-plan.rhai").map(Command::Load),
            "save" => path("tutorial.rhai").map(Command::Save),
            "mode" => match arg {
                None => Ok(Command::Mode(None)),
                Some(arg) => Mode::parse(arg)
                    .map(|m| Command::Mode(Some(m)))
                    .ok_or_else(|| CommandError {
                        message: format!("unknown mode `{arg}`"),
                        help: "type `:mode dry-run` (the simulated account) or `:mode live` (AWS, after you confirm)".into(),
                    }),
            },
            "reset" => no_arg(Command::Reset),
            "quit" | "q" | "exit" => no_arg(Command::Quit),
            _ => {
                let commands = format!(":{}", Command::NAMES.join(", :"));
                let help = match crate::engine::suggest::nearest(name, Command::NAMES) {
                    Some(near) => format!("did you mean `:{near}`? The commands are {commands}"),
                    None => format!("use one of the commands {commands}; `:help` says what each does"),
                };
                Err(CommandError {
                    message: format!("unknown command `:{name}`"),
                    help,
                })
            }
        }
    }
}

/// A `:command` line that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommandError {
    /// What is wrong.
    pub(crate) message: String,
    /// What to type instead.
    pub(crate) help: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_their_arguments() {
        assert_eq!(
            Command::parse(":help subnet"),
            Ok(Command::Help(Some("subnet".into())))
        );
        assert_eq!(Command::parse(":help"), Ok(Command::Help(None)));
        assert_eq!(
            Command::parse(" :save  out.rhai "),
            Ok(Command::Save("out.rhai".into()))
        );
        assert_eq!(
            Command::parse(":mode live"),
            Ok(Command::Mode(Some(Mode::Live)))
        );
        assert_eq!(Command::parse(":q"), Ok(Command::Quit));
    }

    #[test]
    fn mistakes_say_what_to_type() {
        let err = Command::parse(":save").unwrap_err();
        assert_eq!(err.message, ":save needs a file");
        assert!(err.help.contains("`:save tutorial.rhai`"), "{}", err.help);
        let err = Command::parse(":plna").unwrap_err();
        assert_eq!(err.message, "unknown command `:plna`");
        assert!(
            err.help.starts_with("did you mean `:plan`?"),
            "{}",
            err.help
        );
        let err = Command::parse(":xyzzy").unwrap_err();
        assert!(err.help.contains(":help, :plan, :vars"), "{}", err.help);
        let err = Command::parse(":mode fast").unwrap_err();
        assert_eq!(err.message, "unknown mode `fast`");
        assert!(err.help.contains("`:mode dry-run`"), "{}", err.help);
        let err = Command::parse(":plan now").unwrap_err();
        assert!(err.message.contains("no argument"), "{}", err.message);
        assert!(err.help.starts_with("type `:plan` alone"), "{}", err.help);
    }
}
