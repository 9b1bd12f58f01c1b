//! The stack lock of live runs, and the run log.

use super::{Code, Entry, Section};

section! {
    Lock: Code = "Stack lock and run log";

    Held = "awsrun::lock::held" {
        when: "A live `run` or `destroy` found the stack locked by another run (the report names \
               who holds it, since when, the command and the host) and the lock was not released \
               within `--lock-timeout SECONDS` (AWSRUN_LOCK_TIMEOUT, default 300; 0 does not wait). \
               Exit status 1; nothing was changed.",
        what_to_do: "Wait for the other run to finish and run again, or wait longer with \
                     `--lock-timeout`. A lock left by a run that was killed stays until \
                     `awsrun unlock --stack NAME` clears it: check first that nothing else is \
                     changing the stack.",
    }
    UnknownRun = "awsrun::log::unknown_run" {
        when: "`awsrun log --show ID` names no run of the stack, or a prefix that starts the ids \
               of several runs (the report lists them). Exit status 2.",
        what_to_do: "Copy the id from `awsrun log --stack NAME`, with enough characters to name \
                     one run.",
    }
}
