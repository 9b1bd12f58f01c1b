//! The stack lock, against moto's S3 on 127.0.0.1: two live runs of one
//! stack never write at once, a waiting run converges on what the first
//! built, a lock left by a killed run is named and cleared by `unlock`.
//! Overlaps are made deterministic by holding the lock from the test (as a
//! run that was killed would leave it) and releasing it when the test
//! decides, never by racing sleeps.

use crate::support::moto::{Moto, REGION, STATE_BUCKET, moto};
use crate::support::root;
use rexpect::process::WaitStatus;
use rexpect::reader::Options;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) const SCRIPT: &str = "tests/cases/lock/team-stack.rhai";
pub(crate) const STACK: &str = "team-stack";

/// (subnets, security groups) of the stack, counted with the test's client.
pub(crate) fn census(m: &Moto, stack: &str) -> (usize, usize) {
    let ec2 = m.ec2();
    let filter = || {
        aws_sdk_ec2::types::Filter::builder()
            .name("tag:awsrun:stack")
            .values(stack)
            .build()
    };
    m.block_on(async {
        let subnets = ec2
            .describe_subnets()
            .filters(filter())
            .send()
            .await
            .unwrap();
        let groups = ec2
            .describe_security_groups()
            .filters(filter())
            .send()
            .await
            .unwrap();
        (subnets.subnets().len(), groups.security_groups().len())
    })
}

/// Makes the state bucket with the test's own client.
pub(crate) fn make_bucket(m: &Moto) {
    let s3 = m.s3();
    m.block_on(async {
        let config = aws_sdk_s3::types::CreateBucketConfiguration::builder()
            .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(REGION))
            .build();
        s3.create_bucket()
            .bucket(STATE_BUCKET)
            .create_bucket_configuration(config)
            .send()
            .await
            .expect("CreateBucket");
    });
}

/// Writes the stack's lock as a run on another machine would have.
fn hold_lock(m: &Moto, stack: &str, since: &str) {
    let body = serde_json::json!({
        "stack": stack,
        "who": "arn:aws:iam::123456789012:user/colleague",
        "since": since,
        "command": ["awsrun", "run", "team-stack.rhai", "--yes"],
        "host": "colleagues-laptop",
        "pid": 4242,
        "run_id": "c0ffee00",
    });
    let s3 = m.s3();
    m.block_on(async {
        s3.put_object()
            .bucket(STATE_BUCKET)
            .key(format!("locks/{stack}.json"))
            .body(serde_json::to_vec(&body).unwrap().into())
            .send()
            .await
            .expect("PutObject of the lock");
    });
}

/// The stack's lock object, if there is one.
pub(crate) fn lock_body(m: &Moto, stack: &str) -> Option<String> {
    m.objects(STATE_BUCKET)
        .into_iter()
        .find(|(key, _)| *key == format!("locks/{stack}.json"))
        .map(|(_, body)| body)
}

fn release(m: &Moto, stack: &str) {
    let s3 = m.s3();
    m.block_on(async {
        s3.delete_object()
            .bucket(STATE_BUCKET)
            .key(format!("locks/{stack}.json"))
            .send()
            .await
            .expect("DeleteObject of the lock");
    });
}

/// The stack's run log records, oldest first, as JSON.
pub(crate) fn records(m: &Moto, stack: &str) -> Vec<serde_json::Value> {
    m.objects(STATE_BUCKET)
        .into_iter()
        .filter(|(key, _)| key.starts_with(&format!("log/{stack}/")))
        .map(|(_, body)| serde_json::from_str(&body).expect("a record is JSON"))
        .collect()
}

/// The clean environment of `support::awsrun` for a std `Command`.
fn clean(mut cmd: Command, m: &Moto) -> Command {
    let nowhere = root().join("target/no-aws-config");
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env("AWS_CONFIG_FILE", nowhere.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWSRUN_STATE_BUCKET")
        .env_remove("AWSRUN_LOCK_TIMEOUT");
    for (key, value) in m.env() {
        cmd.env(key, value);
    }
    cmd
}

/// `awsrun ARGS` started in the background, its stdout and stderr in files.
struct Run {
    child: Child,
    out: PathBuf,
    err: PathBuf,
}

impl Run {
    fn start(m: &Moto, dir: &Path, name: &str, args: &[&str]) -> Run {
        let out = dir.join(format!("{name}.out"));
        let err = dir.join(format!("{name}.err"));
        let mut cmd = clean(Command::new(env!("CARGO_BIN_EXE_awsrun")), m);
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap());
        let child = cmd.spawn().expect("start awsrun");
        Run { child, out, err }
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.err).unwrap_or_default()
    }

    /// Waits until stderr shows `text` (the run is then where the test
    /// wants it), failing after a minute.
    fn wait_for(&mut self, text: &str) {
        let started = Instant::now();
        while !self.stderr().contains(text) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "awsrun ended ({status}) before {text:?}:\n{}",
                    self.stderr()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no {text:?} within a minute:\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the end: (exit code, stdout, stderr).
    fn finish(mut self) -> (i32, String, String) {
        let status = self.child.wait().expect("awsrun ends");
        let out = std::fs::read_to_string(&self.out).unwrap_or_default();
        (status.code().unwrap_or(-1), out, self.stderr())
    }
}

fn now_rfc3339_minus(secs: u64) -> String {
    // The lock's `since`, as another awsrun would have written it.
    let t = std::time::SystemTime::now() - Duration::from_secs(secs);
    let d = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let out = Command::new("date")
        .args(["-u", "-d", &format!("@{d}"), "+%Y-%m-%dT%H:%M:%S.000Z"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn two_runs_started_together_apply_once_the_second_waits_then_converges() {
    let m = moto();
    make_bucket(&m);
    hold_lock(&m, STACK, &now_rfc3339_minus(5));
    let dir = tempfile::tempdir().unwrap();
    let args = [SCRIPT, "--yes"];
    let mut first = Run::start(&m, dir.path(), "first", &args);
    let mut second = Run::start(&m, dir.path(), "second", &args);
    first.wait_for("waiting for the lock");
    second.wait_for("waiting for the lock");
    for run in [&first, &second] {
        let err = run.stderr();
        assert!(
            err.contains("held by arn:aws:iam::123456789012:user/colleague")
                && err.contains("colleagues-laptop")
                && err.contains("awsrun run team-stack.rhai --yes")
                && err.contains("s ago"),
            "{err}"
        );
    }
    assert_eq!(census(&m, STACK), (0, 0), "nothing is made while locked");
    release(&m, STACK);
    let (a, out_a, err_a) = first.finish();
    let (b, out_b, err_b) = second.finish();
    assert_eq!((a, b), (0, 0), "{err_a}\n{err_b}");
    // Exactly one of them created the stack; the other found it built.
    let made = [&out_a, &out_b]
        .iter()
        .filter(|o| o.contains("2 created"))
        .count();
    let found = [&out_a, &out_b]
        .iter()
        .filter(|o| o.contains("0 created"))
        .count();
    assert_eq!((made, found), (1, 1), "{out_a}\n---\n{out_b}");
    // One of them waited for the other (its lock, not the test's).
    let waited_for_a_run = [&err_a, &err_b]
        .iter()
        .any(|e| e.contains("held by arn:aws:sts::123456789012:user/moto"));
    assert!(waited_for_a_run, "{err_a}\n---\n{err_b}");
    assert_eq!(census(&m, STACK), (1, 1), "nothing created twice");
    assert_eq!(lock_body(&m, STACK), None, "both released the lock");
    let log = records(&m, STACK);
    assert_eq!(log.len(), 2, "{log:?}");
    let created: Vec<usize> = log
        .iter()
        .map(|r| {
            r["actions"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["op"] == "created")
                .count()
        })
        .collect();
    assert!(created.contains(&2) && created.contains(&0), "{log:?}");
}

#[test]
fn with_a_short_lock_timeout_a_locked_stack_stops_with_exit_1_and_changes_nothing() {
    let m = moto();
    make_bucket(&m);
    hold_lock(&m, STACK, &now_rfc3339_minus(600));
    for timeout in ["0", "1"] {
        let out = m
            .awsrun()
            .args([SCRIPT, "--yes", "--lock-timeout", timeout])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains("awsrun::lock::held"), "{err}");
        assert!(err.contains("awsrun unlock --stack team-stack"), "{err}");
        assert!(
            err.contains("user/colleague") && err.contains("(10 min ago)"),
            "{err}"
        );
        assert!(err.contains("Nothing was changed."), "{err}");
    }
    // The environment sets it too.
    let out = m
        .awsrun()
        .env("AWSRUN_LOCK_TIMEOUT", "0")
        .args(["destroy", "--stack", STACK, "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(census(&m, STACK), (0, 0));
    assert!(
        lock_body(&m, STACK).unwrap().contains("c0ffee00"),
        "the holder's lock stays"
    );
    assert!(
        records(&m, STACK).is_empty(),
        "a run that never held the lock logs nothing"
    );
}

#[test]
fn ctrl_c_while_waiting_for_the_lock_ends_with_130_and_leaves_the_holders_lock() {
    let m = moto();
    make_bucket(&m);
    hold_lock(&m, STACK, &now_rfc3339_minus(1));
    let dir = tempfile::tempdir().unwrap();
    let mut run = Run::start(&m, dir.path(), "waiting", &[SCRIPT, "--yes"]);
    run.wait_for("waiting for the lock");
    let pid = run.child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    let (code, _, err) = run.finish();
    assert_eq!(code, 130, "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(lock_body(&m, STACK).unwrap().contains("c0ffee00"));
    assert_eq!(census(&m, STACK), (0, 0));
}

/// `awsrun ARGS` on a terminal, so that it asks before applying.
fn on_terminal(m: &Moto, args: &[&str]) -> rexpect::session::PtySession {
    let mut cmd = clean(Command::new(env!("CARGO_BIN_EXE_awsrun")), m);
    cmd.args(args).env("TERM", "xterm");
    let options = Options::new()
        .timeout_ms(Some(60_000))
        .strip_ansi_escape_codes(true);
    rexpect::session::spawn_with_options(cmd, options).expect("awsrun in a pty")
}

#[test]
fn ctrl_c_at_the_confirmation_releases_the_lock_and_logs_the_run() {
    let m = moto();
    make_bucket(&m);
    let mut pty = on_terminal(&m, &[SCRIPT]);
    pty.exp_string("Type 'yes' to go on:").unwrap();
    // The run holds the lock while it asks.
    let held = lock_body(&m, STACK).expect("the lock is held at the question");
    assert!(
        held.contains("user/moto") && held.contains("team-stack.rhai"),
        "{held}"
    );
    pty.send_control('c').unwrap();
    pty.exp_eof().unwrap();
    match pty.process().wait().unwrap() {
        WaitStatus::Exited(_, code) => assert_eq!(code, 130),
        other => panic!("awsrun ended with {other:?}"),
    }
    assert_eq!(lock_body(&m, STACK), None, "Ctrl-C released the lock");
    assert_eq!(census(&m, STACK), (0, 0));
    let log = records(&m, STACK);
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["exit"], 130);
    assert_eq!(log[0]["error"], "awsrun::interrupted");
}

#[test]
fn a_killed_run_leaves_its_lock_the_next_run_names_it_and_unlock_clears_it() {
    let m = moto();
    make_bucket(&m);
    let mut pty = on_terminal(&m, &[SCRIPT, "--var", "api_token=tok-en-42"]);
    pty.exp_string("Type 'yes' to go on:").unwrap();
    pty.process_mut()
        .signal(rexpect::process::Signal::SIGKILL)
        .unwrap();
    let _ = pty.process().wait();
    let left = lock_body(&m, STACK).expect("SIGKILL leaves the lock");
    assert!(
        left.contains("api_token=***") && !left.contains("tok-en-42"),
        "{left}"
    );
    // The next run waits a second, then names the holder and its age.
    let out = m
        .awsrun()
        .args([SCRIPT, "--yes", "--lock-timeout", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("held by arn:aws:sts::123456789012:user/moto") && err.contains(" s ago)"),
        "{err}"
    );
    // unlock refuses without a terminal and without --yes.
    let out = m
        .awsrun()
        .args(["unlock", "--stack", STACK])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(lock_body(&m, STACK).is_some());
    let out = m
        .awsrun()
        .args(["unlock", "--stack", STACK, "--yes"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains("is locked: held by arn:aws:sts::123456789012:user/moto"),
        "{said}"
    );
    assert!(
        said.contains("Removed the lock of stack \"team-stack\"."),
        "{said}"
    );
    assert_eq!(lock_body(&m, STACK), None);
    let out = m
        .awsrun()
        .args(["unlock", "--stack", STACK, "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No lock on stack \"team-stack\""));
    // The re-run converges: the stack, once.
    let out = m.awsrun().args([SCRIPT, "--yes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(census(&m, STACK), (1, 1));
    let log = records(&m, STACK);
    assert!(
        log.iter().any(|r| r["command"][1] == "unlock"),
        "unlock appends a record: {log:?}"
    );
}

#[test]
fn the_first_live_run_shows_and_makes_a_private_encrypted_state_bucket() {
    let m = moto();
    // Reading commands create nothing.
    for args in [
        vec![SCRIPT, "--dry-run"],
        vec!["status", "--stack", STACK],
        vec!["log", "--stack", STACK],
        vec!["stacks"],
    ] {
        let out = m.awsrun().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
    let s3 = m.s3();
    let buckets = m.block_on(async { s3.list_buckets().send().await.unwrap() });
    assert!(buckets.buckets().is_empty(), "no bucket before a live run");
    // A refused run shows the bucket and does not make it.
    let out = m.awsrun().args([SCRIPT]).output().unwrap();
    let plan = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        plan.contains(&format!(
            "  + state bucket {STATE_BUCKET} (private, encrypted: holds stack locks and the run log)"
        )),
        "{plan}"
    );
    let buckets = m.block_on(async { s3.list_buckets().send().await.unwrap() });
    assert!(buckets.buckets().is_empty(), "refused: no bucket");
    let out = m.awsrun().args([SCRIPT, "--yes"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    m.block_on(async {
        let block = s3
            .get_public_access_block()
            .bucket(STATE_BUCKET)
            .send()
            .await
            .unwrap();
        let c = block.public_access_block_configuration().unwrap();
        assert_eq!(
            (
                c.block_public_acls(),
                c.ignore_public_acls(),
                c.block_public_policy(),
                c.restrict_public_buckets()
            ),
            (Some(true), Some(true), Some(true), Some(true))
        );
        let enc = s3
            .get_bucket_encryption()
            .bucket(STATE_BUCKET)
            .send()
            .await
            .unwrap();
        let rule = &enc.server_side_encryption_configuration().unwrap().rules()[0];
        let algorithm = rule
            .apply_server_side_encryption_by_default()
            .unwrap()
            .sse_algorithm();
        assert_eq!(algorithm.as_str(), "AES256");
        let tags = s3
            .get_bucket_tagging()
            .bucket(STATE_BUCKET)
            .send()
            .await
            .unwrap();
        assert!(
            tags.tag_set()
                .iter()
                .any(|t| t.key() == "awsrun:role" && t.value() == "state")
        );
        let location = s3
            .get_bucket_location()
            .bucket(STATE_BUCKET)
            .send()
            .await
            .unwrap();
        assert_eq!(
            location.location_constraint().map(|l| l.as_str()),
            Some(REGION)
        );
    });
    // Once it exists the plan does not show it.
    let out = m.awsrun().args([SCRIPT, "--yes"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("state bucket"));
    // A plan that changes nothing but would make another bucket still asks.
    let out = m
        .awsrun()
        .args(["--state-bucket", "team-locks-elsewhere", SCRIPT])
        .output()
        .unwrap();
    let plan = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{plan}");
    assert!(
        plan.contains("+ state bucket team-locks-elsewhere"),
        "{plan}"
    );
    // A destroy keeps the state bucket.
    let out = m
        .awsrun()
        .args(["destroy", "--stack", STACK, "--yes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let buckets = m.block_on(async { s3.list_buckets().send().await.unwrap() });
    assert_eq!(
        buckets.buckets().len(),
        1,
        "destroy never deletes the state bucket"
    );
}

#[test]
fn the_live_prompt_takes_the_lock_for_a_line_that_writes_and_releases_it_after() {
    let m = moto();
    make_bucket(&m);
    hold_lock(&m, "repl", &now_rfc3339_minus(2));
    let data = tempfile::tempdir().unwrap();
    let mut cmd = clean(Command::new(env!("CARGO_BIN_EXE_awsrun")), &m);
    cmd.args(["repl"])
        .env("TERM", "xterm")
        .env("XDG_DATA_HOME", data.path());
    let options = Options::new()
        .timeout_ms(Some(60_000))
        .strip_ansi_escape_codes(true);
    let mut pty = rexpect::session::spawn_with_options(cmd, options).unwrap();
    pty.exp_string("Type 'yes' to go on: ").unwrap();
    pty.send_line("yes").unwrap();
    pty.exp_string("awsrun[live ap-northeast-2]> ").unwrap();
    let line = r#"subnet("prompt-a", #{ cidr: "172.31.230.0/24", az: "2a" }).id"#;
    pty.send_line(line).unwrap();
    pty.exp_string("StackLocked").unwrap();
    pty.exp_string("user/colleague").unwrap();
    assert_eq!(census(&m, "repl"), (0, 0), "the write was not sent");
    release(&m, "repl");
    pty.send_line(line).unwrap();
    pty.exp_string("=> \"subnet-").unwrap();
    pty.exp_string("awsrun[live ap-northeast-2]> ").unwrap();
    assert_eq!(census(&m, "repl"), (1, 0));
    assert_eq!(lock_body(&m, "repl"), None, "released when the line ended");
    pty.send_control('d').unwrap();
    pty.exp_eof().unwrap();
}
