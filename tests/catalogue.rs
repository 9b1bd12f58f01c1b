//! `docs/errors.md` is the catalogue rendered from the code tables
//! (`src/diagnostic/code/`). Rust code raises a code only through its
//! table entry, and an entry nothing raises is dead code, so the compiler
//! keeps the tables complete and current; the stdlib's Rhai files are
//! checked here against the codes `engine::stdlib` declares for them.
//! After changing a table, rewrite the file with `SNAPSHOTS=overwrite cargo
//! test catalogue` and review the diff.

use crate::support::root;
use awsrun::diagnostic::code::{catalogue, sections};
use awsrun::engine::stdlib;
use std::collections::BTreeSet;

#[test]
fn docs_errors_md_is_the_catalogue_the_code_tables_render() {
    let file = snapbox::Data::read_from(&root().join("docs/errors.md"), None);
    snapbox::assert_data_eq!(catalogue(), file.raw());
}

#[test]
fn every_code_has_one_entry_that_says_when_and_what_to_do() {
    let mut codes = BTreeSet::new();
    for section in sections() {
        for entry in section.entries {
            for code in entry.codes {
                let code = format!("{}{code}", section.prefix);
                assert!(!entry.when.is_empty(), "{code} lacks its when");
                assert!(!entry.what_to_do.is_empty(), "{code} lacks what to do");
                assert!(codes.insert(code.clone()), "{code} has two entries");
            }
        }
    }
}

#[test]
fn the_stdlib_names_exactly_the_codes_it_declares() {
    let mut named = BTreeSet::new();
    for (_, text) in stdlib::FILES {
        let code_lines = text.lines().filter(|l| !l.trim_start().starts_with("//"));
        for line in code_lines {
            for quoted in line.split('"').skip(1).step_by(2) {
                if quoted.starts_with("awsrun::") {
                    named.insert(quoted.to_string());
                }
            }
        }
    }
    let declared: BTreeSet<String> = stdlib::CODES.iter().map(|c| c.to_string()).collect();
    assert_eq!(
        named, declared,
        "codes in stdlib/*.rhai vs engine::stdlib::CODES"
    );
}
