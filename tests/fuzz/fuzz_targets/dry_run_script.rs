//! Arbitrary text run as a script in dry-run, in process, against a fresh
//! simulated account. A failure is built into a report and rendered, both
//! plain and coloured. Nothing may panic.

#![no_main]

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::OnceLock;

use awsrun::cloud::sim::SimAccount;
use awsrun::diagnostic::{self, Style};
use awsrun::engine::session::{Quiet, Session};
use awsrun::engine::{self, Script};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let script = Script { path: PathBuf::from("fuzz.rhai"), source: text.to_string() };
    let cloud = Rc::new(SimAccount::new("ap-northeast-2"));
    let mut session = Session::new(cloud, "fuzz", Rc::new(Quiet));
    // Endless loops are found by the limit; a lower one keeps each input fast.
    session.limits.operations = 200_000;
    let session = Rc::new(session);
    if let Err(err) = engine::run(&session, &script) {
        // The function names for suggestions: the same every run.
        static NAMES: OnceLock<Vec<String>> = OnceLock::new();
        let names = NAMES.get_or_init(engine::docs::names);
        let report = diagnostic::from_eval(
            &err,
            &script.name(),
            &|n| session.source(n),
            names,
            &session.limits,
        );
        let _ = diagnostic::render(&report, Style { color: false });
        let _ = diagnostic::render(&report, Style { color: true });
    }
});
