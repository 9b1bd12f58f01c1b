//! The sink of `--output json`: nothing is written while the script runs,
//! so that stdout holds one JSON document written at the end.

use crate::engine::plan::Action;
use crate::engine::session::Sink;

/// JSON output: nothing until the end; the session keeps actions and prints.
pub(crate) struct JsonSink;

impl Sink for JsonSink {
    fn action(&self, _: &Action, _: bool) {}
    fn print(&self, _: &str) {}
}
