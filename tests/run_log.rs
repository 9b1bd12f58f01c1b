//! The run log against moto's S3 on 127.0.0.1: a record per live run,
//! failed run and destroy, `awsrun log` newest first, `--show`, the JSON
//! shape, and secrets kept out of every record.

use crate::lock::{SCRIPT, STACK, records};
use crate::support::moto::{STATE_BUCKET, moto};

fn run(m: &crate::support::moto::Moto, args: &[&str]) -> (i32, String, String) {
    let out = m.awsrun().args(args).output().expect("run awsrun");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The SHA-256 of a file, as `sha256sum` prints it.
fn sha256(path: &str) -> String {
    let out = std::process::Command::new("sha256sum")
        .arg(crate::support::root().join(path))
        .output()
        .expect("sha256sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn the_log_lists_a_run_a_failed_run_and_a_destroy_newest_first() {
    let m = moto();
    let (code, _, err) = run(
        &m,
        &[
            "tests/cases/live/tg-name-taken.rhai",
            "--stack",
            "first",
            "--yes",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let midway = "tests/cases/lock/fails-midway.rhai";
    let (code, _, err) = run(
        &m,
        &[
            "run",
            midway,
            "--stack",
            "second",
            "--var",
            "size=small",
            "--yes",
        ],
    );
    assert_eq!(code, 1, "the target group name is taken: {err}");
    let (code, _, err) = run(&m, &["destroy", "--stack", "second", "--yes"]);
    assert_eq!(code, 0, "{err}");

    let (code, lines, err) = run(&m, &["log", "--stack", "second"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = lines.lines().collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    // Newest first: the destroy, then the failed run.
    assert!(
        lines[0].contains(" moto destroy --stack second ok +0 ~0 -1 "),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(" moto run fails-midway.rhai --stack second --var size=small ")
            && lines[1].contains(" failed (awsrun::aws::DuplicateTargetGroupName) +1 ~0 -0 "),
        "{}",
        lines[1]
    );

    let (code, json, _) = run(&m, &["log", "--stack", "second", "--output", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&json).expect("a JSON array");
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let failed = &list[1];
    let id = failed["id"].as_str().unwrap();
    assert_eq!(id.len(), 8);
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(failed["exit"], 1);
    assert_eq!(failed["error"], "awsrun::aws::DuplicateTargetGroupName");
    assert_eq!(failed["script"], midway);
    assert_eq!(failed["script_sha256"], sha256(midway));
    assert_eq!(failed["vars"]["size"], "small");
    assert_eq!(failed["stack"], "second");
    assert_eq!(failed["region"], "ap-northeast-2");
    assert_eq!(failed["who"], "arn:aws:sts::123456789012:user/moto");
    assert_eq!(failed["awsrun"], env!("CARGO_PKG_VERSION"));
    assert!(failed["started"].as_str().unwrap().ends_with('Z'));
    assert!(failed["duration_seconds"].as_f64().unwrap() > 0.0);
    assert!(!failed["host"].as_str().unwrap().is_empty());
    assert_eq!(failed["command"][1], "run");
    let actions = failed["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["op"], "created");
    assert_eq!(actions[0]["kind"], "subnet");
    assert_eq!(actions[0]["name"], "midway-a");
    assert!(actions[0]["id"].as_str().unwrap().starts_with("subnet-"));
    let destroy = &list[0];
    assert_eq!(destroy["exit"], 0);
    assert_eq!(destroy["error"], serde_json::Value::Null);
    assert_eq!(destroy["script"], serde_json::Value::Null);
    assert_eq!(destroy["actions"][0]["op"], "deleted");
    assert_eq!(destroy["actions"][0]["id"], actions[0]["id"]);
    // The JSON is what the bucket holds.
    assert_eq!(records(&m, "second").len(), 2);

    // One run in full, by a prefix of its id.
    let (code, page, err) = run(&m, &["log", "--stack", "second", "--show", &id[..5]]);
    assert_eq!(code, 0, "{err}");
    assert!(page.starts_with(&format!("run {id}\n")), "{page}");
    assert!(
        page.contains(&format!("script:   {midway} (sha256 {})", sha256(midway))),
        "{page}"
    );
    assert!(
        page.contains("result:   failed (awsrun::aws::DuplicateTargetGroupName) (exit 1)"),
        "{page}"
    );
    assert!(
        page.contains("\n  created subnet midway-a subnet-"),
        "{page}"
    );
    let (code, _, err) = run(&m, &["log", "--stack", "second", "--show", "zzzz"]);
    assert_eq!(code, 2);
    assert!(err.contains("awsrun::log::unknown_run"), "{err}");
    // --limit keeps the newest.
    let (_, one, _) = run(&m, &["log", "--stack", "second", "--limit", "1"]);
    assert_eq!(one.lines().count(), 1);
    assert!(one.contains("destroy"), "{one}");
    // The other stack has its own log.
    let (_, first, _) = run(&m, &["log", "--stack", "first"]);
    assert_eq!(first.lines().count(), 1, "{first}");
    let (_, none, _) = run(&m, &["log", "--stack", "third"]);
    assert_eq!(
        none.trim(),
        format!("No runs of stack \"third\" in the run log ({STATE_BUCKET}).")
    );
}

#[test]
fn log_without_a_state_bucket_says_so_and_creates_nothing() {
    let m = moto();
    let (code, out, err) = run(&m, &["log", "--stack", STACK]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("No run log: the state bucket"), "{out}");
    let (code, out, _) = run(&m, &["log", "--stack", STACK, "--output", "json"]);
    assert_eq!((code, out.trim()), (0, "[]"));
    assert!(m.objects(STATE_BUCKET).is_empty());
    let s3 = m.s3();
    let buckets = m.block_on(async { s3.list_buckets().send().await.unwrap() });
    assert!(buckets.buckets().is_empty());
}

#[test]
fn secret_looking_vars_are_hidden_in_the_record() {
    let m = moto();
    let (code, _, err) = run(
        &m,
        &[
            SCRIPT,
            "--yes",
            "--var",
            "db_password=hunter2-secret",
            "--var=API_KEY=abc-123-secret",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let log = records(&m, STACK);
    assert_eq!(log.len(), 1);
    let text = log[0].to_string();
    assert!(
        !text.contains("hunter2") && !text.contains("abc-123"),
        "{text}"
    );
    assert_eq!(log[0]["vars"]["db_password"], "***");
    assert_eq!(log[0]["vars"]["API_KEY"], "***");
    let command: Vec<&str> = log[0]["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(command.contains(&"db_password=***"), "{command:?}");
    assert!(command.contains(&"--var=API_KEY=***"), "{command:?}");
}
