//! `docs/errors.md`, the catalogue of diagnostics, stays complete and
//! current: every code the source can raise has an entry, so does every AWS
//! code the simulated account raises, and no entry names a code the source
//! no longer has.
//!
//! The source is read as text: comments are skipped, string literals
//! collected, and `#[cfg(test)]` items and `src/cloud/sim/tests/` left out.
//! An entry is a backticked `awsrun::...` code in the first column of a
//! table of the catalogue.

use crate::support::root;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const CATALOGUE: &str = "docs/errors.md";
const PREFIX: &str = "awsrun::";
const AWS: &str = "awsrun::aws::";

/// The files under `dir` (recursively) whose names end with `ext`, sorted;
/// folders in `skip` are left out.
fn files(dir: &Path, ext: &str, skip: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if !skip.contains(&path) {
                out.extend(files(&path, ext, skip));
            }
        } else if path.to_string_lossy().ends_with(ext) {
            out.push(path);
        }
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A Rust file as code: `code` is the text with comments, the insides of
/// string and char literals, and `#[cfg(test)]` items blanked to spaces (same
/// byte offsets), so brackets and commas can be found by plain searching;
/// `literals` are the byte ranges of the insides of the string literals left.
struct Rust {
    text: String,
    code: Vec<u8>,
    literals: Vec<(usize, usize)>,
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn blank(code: &mut [u8], from: usize, to: usize) {
    let to = to.min(code.len());
    for byte in &mut code[from.min(to)..to] {
        if *byte != b'\n' {
            *byte = b' ';
        }
    }
}

impl Rust {
    fn read(path: &Path) -> Rust {
        let text = read(path);
        let (mut code, mut literals) = lex(&text);
        for (from, to) in test_items(&code) {
            blank(&mut code, from, to);
            literals.retain(|&(start, _)| start < from || start >= to);
        }
        Rust {
            text,
            code,
            literals,
        }
    }

    fn literal(&self, (from, to): (usize, usize)) -> &str {
        &self.text[from..to]
    }

    fn strings(&self) -> impl Iterator<Item = &str> {
        self.literals.iter().map(|&range| self.literal(range))
    }

    /// The nearest code byte before `at` that is not whitespace.
    fn before(&self, at: usize) -> Option<u8> {
        self.code[..at]
            .iter()
            .rev()
            .find(|b| !b.is_ascii_whitespace())
            .copied()
    }

    /// The nearest code byte at or after `at` that is not whitespace.
    fn after(&self, at: usize) -> Option<u8> {
        self.code
            .get(at..)?
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .copied()
    }

    /// The arguments of the call whose `(` is at `open`, as trimmed byte ranges.
    fn arguments(&self, open: usize) -> Vec<(usize, usize)> {
        let mut args = Vec::new();
        let mut depth = 0;
        let mut start = open + 1;
        for (i, &byte) in self.code.iter().enumerate().skip(open + 1) {
            match byte {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth > 0 => depth -= 1,
                b',' | b')' if depth == 0 => {
                    let raw = &self.code[start..i];
                    let lead = raw.iter().take_while(|b| b.is_ascii_whitespace()).count();
                    let trail = raw
                        .iter()
                        .rev()
                        .take_while(|b| b.is_ascii_whitespace())
                        .count();
                    if lead < raw.len() {
                        args.push((start + lead, i - trail));
                    }
                    if byte == b')' {
                        break;
                    }
                    start = i + 1;
                }
                _ => {}
            }
        }
        args
    }

    /// Where the function around byte `at` starts (its `fn`).
    fn enclosing_fn(&self, at: usize) -> usize {
        (0..at)
            .rev()
            .find(|&i| {
                self.code[i..].starts_with(b"fn ") && (i == 0 || !is_ident(self.code[i - 1]))
            })
            .unwrap_or(0)
    }
}

/// Blanks comments and the insides of literals; returns the code and the
/// ranges of the string literals' insides.
fn lex(text: &str) -> (Vec<u8>, Vec<(usize, usize)>) {
    let b = text.as_bytes();
    let mut code = b.to_vec();
    let mut literals = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let raw_start = b[i] == b'r'
            && (i == 0
                || !is_ident(b[i - 1])
                || (b[i - 1] == b'b' && (i < 2 || !is_ident(b[i - 2]))));
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = find(b, b"\n", i).unwrap_or(b.len());
                blank(&mut code, i, end);
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let (mut depth, mut j) = (1, i + 2);
                while j < b.len() && depth > 0 {
                    if b[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if b[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
                blank(&mut code, i, j);
                i = j;
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                let end = j.min(b.len());
                literals.push((start, end));
                blank(&mut code, start, end);
                i = end + 1;
            }
            b'r' if raw_start => {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let start = i + 2 + hashes;
                let mut close = vec![b'"'];
                close.extend(std::iter::repeat_n(b'#', hashes));
                let end = find(b, &close, start).unwrap_or(b.len());
                literals.push((start, end));
                blank(&mut code, start, end);
                i = end + close.len();
            }
            b'\'' => {
                let next = b.get(i + 1).copied().unwrap_or(0);
                if next == b'\\' {
                    let end = find(b, b"'", i + 3).unwrap_or(b.len());
                    blank(&mut code, i + 1, end);
                    i = end + 1;
                } else {
                    let width = match next {
                        0..0x80 => 1,
                        0x80..0xE0 => 2,
                        0xE0..0xF0 => 3,
                        _ => 4,
                    };
                    if b.get(i + 1 + width) == Some(&b'\'') {
                        blank(&mut code, i + 1, i + 1 + width);
                        i += 2 + width;
                    } else {
                        // A lifetime or a label.
                        i += 1;
                    }
                }
            }
            _ => i += 1,
        }
    }
    (code, literals)
}

/// The byte ranges of the items marked `#[cfg(test)]`: up to the `;` of
/// `mod tests;`, or to the brace that closes the item's first `{`.
fn test_items(code: &[u8]) -> Vec<(usize, usize)> {
    const MARK: &[u8] = b"#[cfg(test)]";
    let mut items = Vec::new();
    let mut from = 0;
    while let Some(start) = find(code, MARK, from) {
        let body = start + MARK.len();
        let Some(stop) = code[body..]
            .iter()
            .position(|&c| c == b';' || c == b'{')
            .map(|i| i + body)
        else {
            break;
        };
        let mut end = stop + 1;
        if code[stop] == b'{' {
            let mut depth = 0;
            for (i, &c) in code.iter().enumerate().skip(stop) {
                match c {
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    end = i + 1;
                    break;
                }
            }
        }
        items.push((start, end));
        from = end;
    }
    items
}

/// The product's Rust files: `src/**/*.rs` without the simulated account's
/// test folder.
fn rust_sources() -> Vec<Rust> {
    let src = root().join("src");
    files(&src, ".rs", &[src.join("cloud/sim/tests")])
        .iter()
        .map(|path| Rust::read(path))
        .collect()
}

/// `awsrun::...` at the start of `text`, as far as a code's characters go;
/// `None` for text that is not a code or only a prefix (`awsrun::aws::`).
fn code_in(text: &str) -> Option<&str> {
    if !text.starts_with(PREFIX) {
        return None;
    }
    let len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '.')))
        .unwrap_or(text.len());
    let code = &text[..len];
    (code.len() > PREFIX.len() && !code.ends_with("::")).then_some(code)
}

/// Every diagnostic code written as a string literal in the product's Rust
/// code and in the stdlib's Rhai files.
fn source_codes() -> BTreeSet<String> {
    let mut codes: BTreeSet<String> = rust_sources()
        .iter()
        .flat_map(|file| {
            file.strings()
                .filter_map(code_in)
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    for path in files(&root().join("stdlib"), ".rhai", &[]) {
        for line in read(&path).lines() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (i, _) in line.match_indices("\"awsrun::") {
                if let Some(code) = code_in(&line[i + 1..]) {
                    codes.insert(code.to_string());
                }
            }
        }
    }
    codes
}

/// The AWS codes the simulated account raises: the second argument of each
/// `CloudError::new(operation, code, message)` under `src/cloud/sim/`. When
/// that argument is a variable, its values are the literals opening a tuple
/// (`("InvalidVpcID.NotFound", ...)`) in the function around the call.
fn simulated_aws_codes() -> BTreeSet<String> {
    const CALL: &[u8] = b"CloudError::new(";
    let sim = root().join("src/cloud/sim");
    let mut codes = BTreeSet::new();
    for path in files(&sim, ".rs", &[sim.join("tests")]) {
        let file = Rust::read(&path);
        let mut from = 0;
        while let Some(at) = find(&file.code, CALL, from) {
            from = at + CALL.len();
            if at > 0 && is_ident(file.code[at - 1]) {
                continue;
            }
            let args = file.arguments(at + CALL.len() - 1);
            let Some(&(start, end)) = args.get(1) else {
                panic!(
                    "{}: CloudError::new without a code argument",
                    path.display()
                );
            };
            if file.code[start] == b'"' {
                codes.insert(file.literal((start + 1, end - 1)).to_string());
                continue;
            }
            let scope = file.enclosing_fn(at);
            for &(open, close) in &file.literals {
                if open > scope
                    && close < at
                    && file.before(open - 1) == Some(b'(')
                    && file.after(close + 1) == Some(b',')
                {
                    codes.insert(file.literal((open, close)).to_string());
                }
            }
        }
    }
    // The code AWS gives for an unknown id is part of each kind's descriptor.
    codes.extend(
        awsrun::cloud::Kind::ALL
            .iter()
            .map(|k| k.info().not_found_code.to_string()),
    );
    codes
}

/// The codes of the catalogue's entries: backticked `awsrun::...` in the
/// first column of its tables.
fn entries() -> BTreeSet<String> {
    let text = read(&root().join(CATALOGUE));
    let mut out = BTreeSet::new();
    for line in text.lines().filter(|l| l.trim_start().starts_with('|')) {
        let first = line.split('|').nth(1).unwrap_or_default();
        for quoted in first.split('`').skip(1).step_by(2) {
            if quoted.starts_with(PREFIX) {
                out.insert(quoted.to_string());
            }
        }
    }
    out
}

fn listed(codes: &BTreeSet<String>) -> String {
    codes
        .iter()
        .map(|c| format!("  {c}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_code_raised_in_the_source_has_an_entry() {
    let codes = source_codes();
    for known in [
        "awsrun::script::syntax",
        "awsrun::usage::var",
        "awsrun::rolling::rolled_back",
    ] {
        assert!(
            codes.contains(known),
            "the source scan missed {known}: {codes:?}"
        );
    }
    let entries = entries();
    let missing: BTreeSet<String> = codes.difference(&entries).cloned().collect();
    assert!(
        missing.is_empty(),
        "codes raised in the source but missing from {CATALOGUE}:\n{}",
        listed(&missing)
    );
}

#[test]
fn every_code_the_simulated_account_raises_has_an_entry() {
    let codes = simulated_aws_codes();
    for known in [
        "InvalidSubnet.Conflict",
        "DependencyViolation",
        "NatGatewayNotFound",
    ] {
        assert!(
            codes.contains(known),
            "the simulated account scan missed {known}: {codes:?}"
        );
    }
    assert!(
        !codes.contains("CreateSubnet"),
        "an operation name was taken for a code: {codes:?}"
    );
    let entries = entries();
    let missing: BTreeSet<String> = codes
        .iter()
        .map(|code| format!("{AWS}{code}"))
        .filter(|code| !entries.contains(code))
        .collect();
    assert!(
        missing.is_empty(),
        "AWS codes the simulated account raises but missing from {CATALOGUE}:\n{}",
        listed(&missing)
    );
}

#[test]
fn every_entry_names_a_code_the_source_still_has() {
    let codes = source_codes();
    let literals: BTreeSet<String> = rust_sources()
        .iter()
        .flat_map(|file| file.strings().map(str::to_string).collect::<Vec<_>>())
        .collect();
    let entries = entries();
    assert!(
        entries.len() > 100,
        "few entries found in {CATALOGUE}: {entries:?}"
    );
    let stale: BTreeSet<String> = entries
        .into_iter()
        .filter(|entry| match entry.strip_prefix(AWS) {
            Some(aws) => !literals.contains(aws),
            None => !codes.contains(entry),
        })
        .collect();
    assert!(
        stale.is_empty(),
        "entries of {CATALOGUE} whose code no longer occurs in the source:\n{}",
        listed(&stale)
    );
}
