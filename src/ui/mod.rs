//! What the command line and the interactive prompt share about talking to
//! a person: the validated configuration, exit codes, how reports and
//! output are written, the Ctrl-C flag, which cloud a command talks to,
//! and the rendering of a function's docs.
//!
//! | file | holds |
//! | --- | --- |
//! | `config.rs` | [`Config`]: the settings every command reads, built once by the command line |
//! | `exit.rs` | [`Exit`]: the process's exit codes |
//! | `report.rs` | reports on stderr (colour only on a terminal), or as JSON `error`s |
//! | `output.rs` | `out`: a line on stdout, where a closed pipe is not an error |
//! | `text_sink.rs`, `json_sink.rs` | a run's output as it happens (text), or none until the end (JSON) |
//! | `interrupt.rs` | the Ctrl-C flag: the first stops the script, the second the process |
//! | `backend.rs` | AWS, AWS mirrored into a simulation, or a brand-new simulated account |
//! | `lock.rs`, `run_log.rs` | the stack lock in the state bucket, and the run log's records |
//! | `docs.rs` | `awsrun docs [NAME]` and the prompt's `:help NAME` |
//!
//! This module depends on the library (`cloud`, `engine`, `diagnostic`)
//! and never on `cli` or `repl`: the command line builds the [`Config`]
//! and dispatches to the prompt, and both read everything here.

pub(crate) mod backend;
mod config;
pub(crate) mod docs;
mod exit;
mod interrupt;
mod json_sink;
pub(crate) mod lock;
mod output;
mod report;
pub(crate) mod run_log;
mod text_sink;

pub use config::Config;
pub use exit::Exit;
pub(crate) use interrupt::interrupt_flag;
pub(crate) use json_sink::JsonSink;
pub(crate) use output::out;
pub(crate) use report::{color, error_json, report, report_alone};
pub(crate) use text_sink::TextSink;
