//! The interactive prompt.

use super::{Code, Entry, Section};

section! {
    Repl: Code = "REPL";

    Command = "awsrun::repl::command" {
        when: "A `:` command is unknown, lacks its file argument, takes no argument but got one, \
               or `:mode` names an unknown mode.",
        what_to_do: "Type what the help says: the suggested command, the file after `:load` or \
                     `:save`, the command alone, or `:mode dry-run` / `:mode live`; `:help` \
                     describes the commands.",
    }
    Save = "awsrun::repl::save" {
        when: "`:save FILE` before any input has run without error, or the file cannot be \
               written.",
        what_to_do: "Run an input first (only inputs that ran without error are saved), or save \
                     to a file in a folder that exists and that you can write to.",
    }
    Terminal = "awsrun::repl::terminal" {
        when: "The line editor failed to start or to read a line.",
        what_to_do: "Run `awsrun repl` in an interactive terminal with UTF-8 input; `awsrun \
                     SCRIPT --dry-run` runs a script without the prompt.",
    }
}
