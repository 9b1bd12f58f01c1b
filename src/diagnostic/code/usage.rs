//! Usage errors (exit status 2): the command line and the script file,
//! reported before anything runs.

use super::{Code, Entry, Section};

section! {
    Usage: Code = "Command line and script file",
    intro "These are usage errors (exit status 2), reported before anything runs.";

    Arguments = "awsrun::usage::arguments" {
        when: "The command line is rejected: an unknown flag, a missing value, a limit flag that \
               is 0, not a number or above its ceiling, or `destroy` without `--stack`.",
        what_to_do: "Follow the tip and usage line in the help; `awsrun --help` (or `awsrun \
                     COMMAND --help`) lists the flags.",
    }
    NoScript = "awsrun::usage::no_script" {
        when: "`awsrun` is run without a script and without a terminal for the interactive \
               prompt.",
        what_to_do: "Run `awsrun SCRIPT --dry-run`, or `awsrun repl` on a terminal.",
    }
    Var = "awsrun::usage::var" {
        when: "A `--var` is not `KEY=VALUE`, or its key is not a name of letters, digits and \
               `_`.",
        what_to_do: "Write `--var instance_type=t3.small`; the script reads it as a string \
                     variable.",
    }
    Stack = "awsrun::usage::stack" {
        when: "The stack name (`--stack`, or by default the script's file name) is not 1 to 128 \
               letters, digits, `-`, `_` or `.`.",
        what_to_do: "Give a valid `--stack`, e.g. `--stack team-a.staging`; it becomes the \
                     `awsrun:stack` tag.",
    }
    ScriptNotFound = "awsrun::script::not_found" {
        when: "The script file does not exist (also for `:load` in the REPL).",
        what_to_do: "Check the path; it is relative to the folder awsrun runs in.",
    }
    ScriptUnreadable = "awsrun::script::unreadable" {
        when: "The script file cannot be read, e.g. for lack of permission.",
        what_to_do: "Check the file's permissions.",
    }
    ScriptDirectory = "awsrun::script::directory" {
        when: "The script path is a directory.",
        what_to_do: "Give the path of a `.rhai` file; the help lists the scripts in that \
                     directory.",
    }
    ScriptEncoding = "awsrun::script::encoding" {
        when: "The script is not UTF-8 text; the message gives the line and column of the first \
               bad byte.",
        what_to_do: "Save it as UTF-8, e.g. `iconv -f latin1 -t utf-8 OLD > NEW`.",
    }
    ScriptEmpty = "awsrun::script::empty" {
        when: "The script file is empty or only whitespace.",
        what_to_do: "Write a script; `awsrun docs` lists the functions, \
                     `scripts/multi-server.rhai` is a whole example.",
    }
}
