//! `docs/aws-rules.md` and the rules stay in line: every AWS code the
//! simulated account raises (the "Raised by the simulated account" table
//! of `docs/errors.md`, which is rendered from the code tables) has a rule
//! in the document, every rule names its AWS source and at least one test,
//! and every test it names exists.

use crate::support::root;

fn rules() -> String {
    std::fs::read_to_string(root().join("docs/aws-rules.md")).unwrap()
}

/// The table rows of a markdown text (header and separator rows left out).
fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| rule |") && !l.starts_with("| ---"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

/// The codes of the simulated account's section of docs/errors.md.
fn simulated_codes() -> Vec<String> {
    let errors = std::fs::read_to_string(root().join("docs/errors.md")).unwrap();
    let start = errors
        .find("### Raised by the simulated account")
        .expect("the section");
    let section = &errors[start..];
    let end = section[4..].find("\n#").map_or(section.len(), |e| e + 4);
    rows(&section[..end])
        .into_iter()
        .filter_map(|row| {
            let code = row.first()?.trim_matches('`');
            code.strip_prefix("awsrun::aws::").map(str::to_string)
        })
        .collect()
}

#[test]
fn every_code_the_simulated_account_raises_has_a_rule_with_its_source() {
    let doc = rules();
    let codes = simulated_codes();
    assert!(codes.len() > 30, "read the codes: {codes:?}");
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !doc.contains(&format!("`{c}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a rule in docs/aws-rules.md: {missing:?}"
    );
}

#[test]
fn every_rule_names_a_source_and_tests_that_exist() {
    let doc = rules();
    let rows = rows(&doc);
    assert!(rows.len() > 60, "{} rows", rows.len());
    for row in &rows {
        assert_eq!(row.len(), 4, "four columns: {row:?}");
        assert!(row[2].contains("https://"), "no AWS source: {}", row[0]);
        let tests: Vec<&str> = row[3]
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|t| t.contains("::"))
            .collect();
        assert!(!tests.is_empty() || row[3] == "none", "no test: {}", row[0]);
        for test in tests {
            assert!(
                exists(test),
                "{test} (named for \"{}\") does not exist",
                row[0]
            );
        }
    }
}

/// Whether a test named `module::path::function` is defined: unit tests
/// under `src/`, integration tests under `tests/`.
fn exists(path: &str) -> bool {
    let (module, function) = path.rsplit_once("::").unwrap();
    // The simulated account's tests are written `sim::tests::...`.
    let module = match module.strip_prefix("sim::") {
        Some(rest) => format!("cloud::sim::{rest}"),
        None => module.to_string(),
    };
    let module = module.as_str();
    let mut files = vec![
        root()
            .join("src")
            .join(format!("{}.rs", module.replace("::", "/"))),
        root()
            .join("tests")
            .join(format!("{}.rs", module.replace("::", "/"))),
    ];
    // `engine::destroy::order::f`: a test module inside a source file.
    if let Some((file, _)) = module.rsplit_once("::") {
        files.push(
            root()
                .join("src")
                .join(format!("{}.rs", file.replace("::", "/"))),
        );
        files.push(
            root()
                .join("src")
                .join(format!("{}/mod.rs", file.replace("::", "/"))),
        );
    }
    files.iter().any(|f| {
        std::fs::read_to_string(f).is_ok_and(|text| text.contains(&format!("fn {function}(")))
    })
}
