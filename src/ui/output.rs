//! Where output goes: plan lines, prints and documents on stdout, reports
//! and the progress of waits on stderr. A closed stdout (`| head`) is not
//! an error: what can no longer be written is dropped.

use std::io::Write;

/// Writes a line to stdout; a closed pipe (`| head`) is not an error.
pub(crate) fn out(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
}
