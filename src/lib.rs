//! awsrun: AWS infrastructure as editable, re-runnable Rhai scripts.
//!
//! `main.rs` only calls [`run`]; everything else lives here so the
//! integration tests and benchmarks can reach it.
//!
//! | module | role |
//! | --- | --- |
//! | [`cli`] | arguments, configuration, one function per subcommand |
//! | [`engine`] | the Rhai engine: limits, host functions, stdlib, modules |
//! | [`cloud`] | the `Cloud` trait, the simulated account and the AWS backend |
//! | [`cidr`] | pure CIDR arithmetic |
//! | [`diagnostic`] | errors as reports pointing into the script, and the table of every code |
//! | [`repl`] | the interactive prompt |
//! | [`ui`] | what `cli` and `repl` share: configuration, exit codes, reports, output, backends |

pub mod cidr;
pub mod cli;
pub mod cloud;
pub mod diagnostic;
pub mod engine;
pub mod repl;
pub mod ui;

use std::ffi::OsString;
use std::process::ExitCode;

/// Runs the command line `args` (including the program name).
pub fn run(args: Vec<OsString>) -> ExitCode {
    cli::main(args)
}
