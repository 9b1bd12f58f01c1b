//! Secrets are never printed (issue 4): with sentinel credentials in the
//! environment, and then in a profile, every command (a live run with `-v`,
//! JSON output, failing scripts, AWS errors, `destroy`, `check`, `docs`,
//! broken configuration) prints nothing that contains any part of them,
//! and writes no file that does. The sentinels are obvious fakes; moto
//! accepts any keys.

use crate::support::moto::{Moto, STATE_BUCKET, moto};
use snapbox::cmd::Command;
use std::path::Path;

const KEY_ID: &str = "AKIASENTINEL0000TEST";
const SECRET: &str = "sentinel-secret-do-not-print";
const TOKEN: &str = "sentinel-token-do-not-print";
const PROFILE: &str = "fake-profile";

/// Panics if `text` holds a sentinel or a recognisable piece of one.
fn assert_clean(what: &str, stream: &str, text: &str) {
    let lower = text.to_ascii_lowercase();
    for needle in [KEY_ID, SECRET, TOKEN, "sentinel", "do-not-print"] {
        assert!(
            !lower.contains(&needle.to_ascii_lowercase()),
            "`{what}` printed {needle:?} on {stream}:\n{text}"
        );
    }
}

/// Runs `cmd`, checks both streams, returns (exit code, stdout, stderr).
fn run_clean(what: &str, cmd: Command) -> (i32, String, String) {
    let out = cmd.output().expect("run awsrun");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_clean(what, "stdout", &stdout);
    assert_clean(what, "stderr", &stderr);
    assert!(!stderr.contains("panicked"), "`{what}` panicked:\n{stderr}");
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

/// Every file under `dir` is free of sentinels.
fn assert_no_file_holds_a_secret(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("read the temporary home") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            assert_no_file_holds_a_secret(&path);
        } else {
            let bytes = std::fs::read(&path).unwrap_or_default();
            assert_clean(
                &format!("writing {}", path.display()),
                "disk",
                &String::from_utf8_lossy(&bytes),
            );
        }
    }
}

/// The commands a user runs, each checked; `with` sets up the credentials.
fn every_command(m: &Moto, home: &Path, with: &dyn Fn(Command) -> Command) {
    let awsrun = |args: &[&str]| with(m.awsrun().env("HOME", home).args(args));
    let cases: Vec<(&[&str], i32)> = vec![
        (&["scripts/multi-server.rhai", "--dry-run", "-v"], 0),
        // Refused without --yes and without a terminal.
        (&["scripts/multi-server.rhai", "-v"], 2),
        (&["scripts/multi-server.rhai", "--yes", "-v"], 0),
        (
            &[
                "scripts/multi-server.rhai",
                "--yes",
                "-v",
                "--output",
                "json",
            ],
            0,
        ),
        (
            &[
                "run",
                "scripts/multi-server.rhai",
                "--dry-run",
                "--output",
                "json",
                "-v",
            ],
            0,
        ),
        // Fails in the pre-flight simulation, then inside the stdlib.
        (&["tests/cases/overlapping_cidr.rhai", "--yes", "-v"], 1),
        (
            &[
                "tests/cases/error_inside_stdlib.rhai",
                "--yes",
                "-v",
                "--output",
                "json",
            ],
            1,
        ),
        // An AWS error, with its request id.
        (
            &[
                "tests/cases/live/tg-name-taken.rhai",
                "--stack",
                "first",
                "--yes",
                "-v",
            ],
            0,
        ),
        (
            &[
                "tests/cases/live/tg-name-taken.rhai",
                "--stack",
                "second",
                "--var",
                "port=8080",
                "--yes",
                "-v",
            ],
            1,
        ),
        (
            &[
                "tests/cases/live/tg-name-taken.rhai",
                "--stack",
                "second",
                "--var",
                "port=8080",
                "--yes",
                "-v",
                "--output",
                "json",
            ],
            1,
        ),
        (
            &["destroy", "--stack", "multi-server", "--dry-run", "-v"],
            0,
        ),
        (&["destroy", "--stack", "multi-server", "--yes", "-v"], 0),
        (
            &[
                "destroy", "--stack", "first", "--yes", "-v", "--output", "json",
            ],
            0,
        ),
        (&["check", "scripts/multi-server.rhai", "-v"], 0),
        (&["check", "tests/cases/syntax_error.rhai", "-v"], 1),
        (&["docs", "-v"], 0),
        (&["docs", "subnet"], 0),
        (
            &[
                "--region",
                "ap-northeast-2",
                "scripts/multi-server.rhai",
                "--dry-run",
                "-v",
            ],
            0,
        ),
    ];
    for (args, code) in cases {
        let what = format!("awsrun {}", args.join(" "));
        let (got, stdout, stderr) = run_clean(&what, awsrun(args));
        assert_eq!(
            got, code,
            "`{what}`\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        );
    }

    // The live run did run with these credentials.
    let (_, stdout, _) = run_clean(
        "the re-run",
        awsrun(&["scripts/multi-server.rhai", "--yes", "-v"]),
    );
    assert!(stdout.contains("account 123456789012"), "{stdout}");

    // An endpoint that does not answer (a closed port of 127.0.0.1): the
    // connection error names the endpoint, not the keys.
    let (code, _, stderr) = run_clean(
        "an unreachable endpoint",
        awsrun(&[
            "--endpoint-url",
            "http://127.0.0.1:9",
            "scripts/multi-server.rhai",
            "--yes",
            "-v",
        ]),
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("ConnectionError"), "{stderr}");

    // The state bucket: no run log record (and no lock left) holds a secret.
    let objects = m.objects(STATE_BUCKET);
    assert!(
        objects
            .iter()
            .filter(|(k, _)| k.starts_with("log/"))
            .count()
            >= 6,
        "the live runs were logged: {objects:?}"
    );
    for (key, body) in objects {
        assert_clean(&format!("s3://{STATE_BUCKET}/{key}"), "object", &body);
    }
}

#[test]
fn sentinel_keys_in_the_environment_are_never_printed() {
    let m = moto();
    let home = tempfile::tempdir().expect("a temporary home");
    let with = |cmd: Command| {
        cmd.env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_SESSION_TOKEN", TOKEN)
    };
    every_command(&m, home.path(), &with);
    assert_no_file_holds_a_secret(home.path());
}

/// A config and a credentials file holding the sentinels under
/// [`PROFILE`], in a temporary folder.
fn profile_files(dir: &Path, credentials: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let config = dir.join("config");
    let creds = dir.join("credentials");
    std::fs::write(
        &config,
        format!("[profile {PROFILE}]\nregion = ap-northeast-2\noutput = json\n"),
    )
    .expect("write the config file");
    std::fs::write(&creds, credentials).expect("write the credentials file");
    (config, creds)
}

fn good_credentials() -> String {
    format!(
        "[{PROFILE}]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n\
         aws_session_token = {TOKEN}\n"
    )
}

#[test]
fn sentinel_keys_in_a_profile_are_never_printed() {
    let m = moto();
    let home = tempfile::tempdir().expect("a temporary home");
    let aws = tempfile::tempdir().expect("a temporary AWS folder");
    let (config, creds) = profile_files(aws.path(), &good_credentials());
    let with = |cmd: Command| {
        cmd.env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_REGION")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
            .env("AWS_PROFILE", PROFILE)
    };
    every_command(&m, home.path(), &with);

    // The profile named on the command line instead.
    let with_flag = |cmd: Command| {
        with(cmd)
            .env_remove("AWS_PROFILE")
            .args(["--profile", PROFILE])
    };
    let (code, stdout, stderr) = run_clean(
        "--profile",
        with_flag(m.awsrun().env("HOME", home.path()).args([
            "scripts/multi-server.rhai",
            "--yes",
            "-v",
        ])),
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_no_file_holds_a_secret(home.path());
}

/// Broken configuration: errors about the credentials name the problem,
/// never the values around it.
#[test]
fn broken_profiles_are_reported_without_their_secrets() {
    let m = moto();
    let home = tempfile::tempdir().expect("a temporary home");
    let broken = [
        // No secret key.
        format!("[{PROFILE}]\naws_access_key_id = {KEY_ID}\n"),
        // No key id.
        format!("[{PROFILE}]\naws_secret_access_key = {SECRET}\naws_session_token = {TOKEN}\n"),
        // Lines that do not parse.
        format!("[{PROFILE}]\naws_access_key_id {KEY_ID}\naws_secret_access_key {SECRET}\n"),
        format!("[{PROFILE}\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n"),
        format!("  {SECRET}\n[{PROFILE}]\naws_access_key_id = {KEY_ID}\n"),
        format!("[{PROFILE}]\n{SECRET} = {TOKEN}\naws_access_key_id = {KEY_ID}\n  {TOKEN}\n"),
    ];
    for (i, credentials) in broken.iter().enumerate() {
        let aws = tempfile::tempdir().expect("a temporary AWS folder");
        let (config, creds) = profile_files(aws.path(), credentials);
        let cmd = m
            .awsrun()
            .env("HOME", home.path())
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
            .args([
                "--profile",
                PROFILE,
                "scripts/multi-server.rhai",
                "--yes",
                "-v",
            ]);
        let (code, stdout, stderr) = run_clean(&format!("broken credentials file {i}"), cmd);
        assert_eq!(
            code, 1,
            "file {i}:\n{credentials}\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
        );
        assert!(stderr.contains("awsrun::aws::NoCredentials"), "{stderr}");
        // The error chain in words, once; not the errors' `Debug` forms.
        assert!(!stderr.contains(" { source"), "{stderr}");
    }
    let aws = tempfile::tempdir().expect("a temporary AWS folder");
    let (config, creds) = profile_files(aws.path(), &broken[0]);
    let (_, _, stderr) = run_clean(
        "a profile without a secret key",
        m.awsrun()
            .env("HOME", home.path())
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
            .args(["--profile", PROFILE, "scripts/multi-server.rhai", "--yes"]),
    );
    // The message wraps with a `|` gutter on its continuation lines.
    let words = stderr
        .replace("\n  | ", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("profile missing aws_secret_access_key)"),
        "{stderr}"
    );

    // A `credential_process` whose answer does not parse: the parser's
    // complaint is shown, never the answer.
    let answers = [
        format!(r#"{{"Version": 1, "AccessKeyId": "{KEY_ID}", "SecretAccessKey": "{SECRET}""#),
        format!(r#"{{"Version": 2, "AccessKeyId": "{KEY_ID}", "SecretAccessKey": "{SECRET}"}}"#),
        format!(r#"{{"Version": 1, "AccessKeyId": "{KEY_ID}", "SessionToken": "{TOKEN}"}}"#),
        format!(
            r#"{{"Version": 1, "AccessKeyId": "{KEY_ID}", "SecretAccessKey": "{SECRET}", "Expiration": "{TOKEN}"}}"#
        ),
        format!("{KEY_ID} {SECRET} {TOKEN}"),
    ];
    for (i, answer) in answers.iter().enumerate() {
        let aws = tempfile::tempdir().expect("a temporary AWS folder");
        let answer_file = aws.path().join("answer.json");
        std::fs::write(&answer_file, answer).expect("write the process's answer");
        let config = aws.path().join("config");
        std::fs::write(
            &config,
            format!(
                "[profile {PROFILE}]\nregion = ap-northeast-2\ncredential_process = cat {}\n",
                answer_file.display()
            ),
        )
        .expect("write the config file");
        let cmd = m
            .awsrun()
            .env("HOME", home.path())
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env("AWS_CONFIG_FILE", &config)
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                aws.path().join("credentials"),
            )
            .args([
                "--profile",
                PROFILE,
                "scripts/multi-server.rhai",
                "--yes",
                "-v",
            ]);
        let (code, _, stderr) = run_clean(&format!("credential_process answer {i}"), cmd);
        assert_eq!(code, 1, "answer {i}: {answer}\n{stderr}");
        assert!(stderr.contains("external process"), "{stderr}");
    }
    // A profile that does not exist, with sentinels in the other profiles.
    let aws = tempfile::tempdir().expect("a temporary AWS folder");
    let (config, creds) = profile_files(aws.path(), &good_credentials());
    let cmd = m
        .awsrun()
        .env("HOME", home.path())
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
        .args([
            "--profile",
            "no-such-profile",
            "scripts/multi-server.rhai",
            "--yes",
            "-v",
        ]);
    let (code, _, stderr) = run_clean("a missing profile", cmd);
    assert_eq!(code, 1, "{stderr}");
    assert_no_file_holds_a_secret(home.path());
}
