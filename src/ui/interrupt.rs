//! Ctrl-C: the first one asks the running script to stop at its next safe
//! point (the engine polls the flag); a second one ends the process at
//! once with [`Exit::Interrupted`]. The handler is installed once per
//! process, by whichever of a run or the prompt asks for the flag first.

use super::Exit;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// Set by the first Ctrl-C; a second one exits at once.
pub(crate) fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let seen = flag.clone();
        // Without a handler (e.g. one is already set) Ctrl-C just ends the process.
        let _ = ctrlc::set_handler(move || {
            if seen.swap(true, Ordering::SeqCst) {
                std::process::exit(Exit::Interrupted as i32);
            }
            eprintln!(
                "\nInterrupted: stopping at the next safe point (Ctrl-C again to quit at once)..."
            );
        });
        flag
    })
    .clone()
}
