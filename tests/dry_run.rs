//! `awsrun SCRIPT --dry-run`: every script of `scripts/` plans against a
//! brand-new simulated account, and its plan matches the snapshot.

use crate::support::{awsrun, snapshot};

#[test]
fn multi_server_plan_shows_every_resource_of_the_tutorial() {
    awsrun()
        .args(["scripts/multi-server.rhai", "--dry-run"])
        .assert()
        .success()
        .stdout_eq(snapshot("multi-server.plan.txt"))
        .stderr_eq("");
}

#[test]
fn run_subcommand_is_the_same_as_the_bare_script() {
    awsrun()
        .args(["run", "scripts/multi-server.rhai", "--dry-run"])
        .assert()
        .success()
        .stdout_eq(snapshot("multi-server.plan.txt"));
}

#[test]
fn cidr_plan_lists_used_and_free_blocks() {
    awsrun()
        .args(["scripts/cidr-plan.rhai", "--dry-run"])
        .assert()
        .success()
        .stdout_eq(snapshot("cidr-plan.plan.txt"));
}

#[test]
fn every_script_in_scripts_dry_runs_cleanly() {
    let dir = crate::support::root().join("scripts");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rhai") {
            let rel = format!("scripts/{}", path.file_name().unwrap().to_string_lossy());
            let snap = format!("{}.plan.txt", path.file_stem().unwrap().to_string_lossy());
            awsrun()
                .args([rel.as_str(), "--dry-run"])
                .assert()
                .success()
                .stdout_eq(snapshot(&snap));
            count += 1;
        }
    }
    assert!(
        count >= 2,
        "expected the scripts folder to hold the tutorial scripts"
    );
}

#[test]
fn variables_change_names_type_and_count() {
    awsrun()
        .args([
            "scripts/multi-server.rhai",
            "--dry-run",
            "--var",
            "prefix=shop",
            "--var",
            "instance_type=t3.small",
            "--var",
            "count=3",
            // Three t3.small hold 6 vCPUs: more than a new account's 5.
            "--sim-quota",
            "vcpus=32",
        ])
        .assert()
        .success()
        .stdout_eq(snapshot("multi-server.vars.plan.txt"));
}

#[test]
fn json_output_is_one_document_with_actions_and_result() {
    let output = awsrun()
        .args(["scripts/multi-server.rhai", "--dry-run", "--output", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value =
        serde_json::from_slice(&output).expect("stdout is one JSON document");
    let actions = doc["actions"].as_array().unwrap();
    assert_eq!(doc["mode"], "dry-run");
    assert_eq!(doc["stack"], "multi-server");
    assert_eq!(actions.len(), 16);
    assert!(
        actions
            .iter()
            .all(|a| a["op"] == "created" || a["op"] == "changed")
    );
    assert!(
        doc["result"]
            .as_str()
            .unwrap()
            .ends_with(".ap-northeast-2.elb.amazonaws.com")
    );
    assert_eq!(doc["summary"]["existing"], 0);
    assert!(doc["error"].is_null());
}
