//! Team modules: `import` resolves against the importing script's folder,
//! then each folder of `AWSRUN_PATH`, then the stdlib; errors inside a
//! module show the chain back to the user's line.

use crate::support::{awsrun, root};

fn json(args: &[&str], env: Option<(&str, String)>) -> serde_json::Value {
    let mut cmd = awsrun().args(args).args(["--dry-run", "--output", "json"]);
    if let Some((k, v)) = env {
        cmd = cmd.env(k, v);
    }
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn a_module_next_to_the_script_is_imported() {
    let doc = json(&["tests/cases/team/uses-module.rhai"], None);
    assert_eq!(doc["result"], "172.31.200.0/24");
    assert_eq!(doc["actions"][0]["name"], "db-2a");
}

#[test]
fn awsrun_path_folders_are_searched_next() {
    let lib = root()
        .join("tests/cases/team-lib")
        .to_string_lossy()
        .to_string();
    let doc = json(
        &["tests/cases/team/uses-awsrun-path.rhai"],
        Some(("AWSRUN_PATH", format!("/nonexistent:{lib}"))),
    );
    assert_eq!(doc["result"], "payments-web");
}

#[test]
fn without_awsrun_path_the_shared_module_is_not_found() {
    let out = awsrun()
        .args(["tests/cases/team/uses-awsrun-path.rhai", "--dry-run"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("awsrun::module::not_found"), "{err}");
    assert!(
        err.contains("tests/cases/team/uses-awsrun-path.rhai:2:"),
        "{err}"
    );
}

#[test]
fn the_stdlib_can_be_imported_by_name() {
    let doc = json(&["tests/cases/team/imports-stdlib.rhai"], None);
    assert_eq!(doc["result"], "172.31.112.0/20");
}

#[test]
fn an_error_inside_a_team_module_points_at_the_users_line_and_the_module() {
    let out = awsrun()
        .args(["tests/cases/team/module-error.rhai", "--dry-run"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8_lossy(&out);
    assert!(err.contains("awsrun::aws::InvalidSubnet.Conflict"), "{err}");
    assert!(
        err.contains("[tests/cases/team/module-error.rhai:3:"),
        "the user's line: {err}"
    );
    assert!(
        err.contains("tests/cases/team/net/base.rhai:6:"),
        "the module's line: {err}"
    );
}
