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
