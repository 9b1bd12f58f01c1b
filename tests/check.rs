//! `awsrun check SCRIPT`: static checks and a run on a fresh simulated
//! account, with no AWS call.

use crate::support::{awsrun, case, snapshot};

#[test]
fn check_passes_the_tutorial_script() {
    awsrun()
        .args(["check", "scripts/multi-server.rhai"])
        .assert()
        .success()
        .stdout_eq(snapshot("check.multi-server.stdout"))
        .stderr_eq("");
}

#[test]
fn check_finds_an_unknown_function_without_running_anything() {
    awsrun()
        .args(["check", case("unknown_function").as_str()])
        .assert()
        .code(1)
        .stdout_eq(snapshot("check.unknown_function.stdout"))
        .stderr_eq(snapshot("check.unknown_function.stderr"));
}

#[test]
fn check_finds_a_wrong_number_of_arguments() {
    awsrun()
        .args(["check", case("wrong_arity").as_str()])
        .assert()
        .code(1)
        .stderr_eq(snapshot("check.wrong_arity.stderr"));
}

#[test]
fn check_reports_syntax_errors() {
    awsrun()
        .args(["check", case("syntax_error").as_str()])
        .assert()
        .code(1)
        .stderr_eq(snapshot("syntax_error.stderr"));
}

#[test]
fn check_catches_simulated_account_rules() {
    awsrun()
        .args(["check", case("overlapping_cidr").as_str()])
        .assert()
        .code(1)
        .stderr_eq(snapshot("overlapping_cidr.stderr"));
}

#[test]
fn check_warns_about_risky_shapes_with_their_fix() {
    awsrun()
        .args(["check", case("risky_shapes").as_str()])
        .assert()
        .success()
        .stdout_eq(snapshot("check.risky_shapes.stdout"))
        .stderr_eq(snapshot("check.risky_shapes.stderr"));
}

/// A dry-run's JSON document carries the same warnings, each with its fix;
/// the tutorial has none.
#[test]
fn dry_run_json_lists_the_warnings() {
    let codes = |script: &str| -> Vec<String> {
        let out = awsrun()
            .args([script, "--dry-run", "--output", "json"])
            .assert()
            .success()
            .get_output()
            .clone();
        let doc: serde_json::Value =
            serde_json::from_slice(&out.stdout).expect("one JSON document");
        doc["warnings"]
            .as_array()
            .expect("a list of warnings")
            .iter()
            .map(|w| {
                assert!(w["help"].as_str().is_some_and(|h| !h.is_empty()), "{w}");
                w["code"].as_str().unwrap().to_string()
            })
            .collect()
    };
    let mut risky = codes(&case("risky_shapes"));
    risky.sort();
    assert_eq!(
        risky,
        [
            "awsrun::warn::lb_private_subnets",
            "awsrun::warn::nat_private",
            "awsrun::warn::no_targets",
            "awsrun::warn::open_port",
            "awsrun::warn::public_ip_private_subnet",
        ]
    );
    assert!(codes("scripts/multi-server.rhai").is_empty());
}

/// `check --output json`: one document with the problems (code and place)
/// or the warnings, and the exit status of the text form.
#[test]
fn check_json_lists_problems_and_warnings() {
    let doc = |script: &str, code: i32| -> serde_json::Value {
        let out = awsrun()
            .args(["check", script, "--output", "json"])
            .assert()
            .code(code)
            .get_output()
            .clone();
        serde_json::from_slice(&out.stdout).expect("one JSON document")
    };
    let bad = doc("tests/corpus/unknown_function.rhai", 1);
    assert_eq!(bad["ok"], false);
    let problem = &bad["problems"][0];
    assert_eq!(problem["code"], "awsrun::script::unknown_function");
    assert_eq!(
        (problem["line"].as_u64(), problem["column"].as_u64()),
        (Some(2), Some(9))
    );

    let risky = doc(&case("risky_shapes"), 0);
    assert_eq!(risky["ok"], true);
    assert_eq!(risky["problems"].as_array().map(Vec::len), Some(0));
    assert_eq!(risky["warnings"].as_array().map(Vec::len), Some(5));

    let tutorial = doc("scripts/multi-server.rhai", 0);
    assert_eq!(tutorial["warnings"].as_array().map(Vec::len), Some(0));
    assert!(tutorial["resources"].as_u64().is_some_and(|n| n > 10));
}
