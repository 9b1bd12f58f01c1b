//! Interrupted runs (issue 4): the tutorial, run live with `-v`, is killed
//! with SIGKILL right after its Nth write (as `-v` reports it on stderr),
//! then run again to completion. Whatever N, the account ends up exactly as
//! after one uninterrupted run: the same resources, each once, all tagged.

use crate::faults::{inventory, tutorial_inventory};
use crate::support::moto::{Moto, moto};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Operations that change the account, as `-v` names them.
const WRITES: [&str; 6] = [
    "Create",
    "Allocate",
    "Run",
    "Associate",
    "Authorize",
    "Register",
];

/// Writes after which the run is killed, spread over the tutorial's 22:
/// after the first subnet, a route table before its route, a route before
/// its association, the second Elastic IP, the first security group before
/// its rule, the load balancer, the target group before its listener, the
/// first instance, and the last write (the target registration).
const KILL_AFTER: [usize; 9] = [1, 4, 5, 8, 13, 15, 16, 20, 22];

/// The operation of a `-v` line that is a write to the stack:
/// `aws: ec2 CreateSubnet (12 ms)` (the state bucket's S3 calls are not).
fn write_of(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("aws: ")?;
    let (service, rest) = rest.split_once(' ')?;
    let operation = rest.split(' ').next()?;
    if service == "s3" {
        return None;
    }
    WRITES
        .iter()
        .any(|w| operation.starts_with(w))
        .then_some(operation)
}

/// awsrun with the test server's environment and nothing else of AWS's.
fn awsrun_on(m: &Moto) -> Command {
    let mut cmd = Command::new(snapbox::cmd::cargo_bin!("awsrun"));
    for var in [
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_DEFAULT_REGION",
        "AWSRUN_PATH",
    ] {
        cmd.env_remove(var);
    }
    cmd.current_dir(crate::support::root())
        .env("NO_COLOR", "1")
        .envs(m.env());
    cmd
}

/// The tutorial run live with `-v`, killed right after its `n`th write;
/// returns the writes it saw.
fn run_and_kill(m: &Moto, n: usize) -> Vec<String> {
    let mut cmd = awsrun_on(m);
    cmd.args(["scripts/multi-server.rhai", "--yes", "-v"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("start awsrun");
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut writes = Vec::new();
    let mut seen = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("read awsrun's stderr");
        if let Some(op) = write_of(&line) {
            writes.push(op.to_string());
            if writes.len() == n {
                child.kill().expect("SIGKILL awsrun");
                break;
            }
        }
        seen.push(line);
    }
    let status = child.wait().expect("wait for awsrun");
    assert_eq!(
        writes.len(),
        n,
        "the run ended ({status}) after {} writes, before the {n}th\n{}",
        writes.len(),
        seen.join("\n")
    );
    assert!(!status.success(), "killed, not finished: {status}");
    writes
}

/// The account after one uninterrupted run of the tutorial: the reference
/// an interrupted run and its re-run must end up equal to.
fn reference_run(m: &Moto) -> BTreeMap<&'static str, Vec<String>> {
    m.awsrun()
        .args(["scripts/multi-server.rhai", "--yes"])
        .assert()
        .success();
    let reference = inventory(m);
    assert_eq!(reference, tutorial_inventory());
    reference
}

#[test]
fn killed_after_any_write_a_rerun_converges_with_no_twins() {
    let started = Instant::now();
    let m = moto();

    let reference = reference_run(&m);

    for n in KILL_AFTER {
        m.reset();
        let writes = run_and_kill(&m, n);
        println!(
            "killed after write {n}: {}",
            writes.last().map_or("", String::as_str)
        );
        let partial = inventory(&m);
        // Whatever was made before the kill is tagged already.
        for labels in partial.values() {
            for label in labels {
                assert!(
                    !label.contains("<no "),
                    "after {writes:?}: untagged {label}"
                );
            }
        }
        // SIGKILL leaves the stack's lock: the team clears it, then re-runs.
        let unlock = m
            .awsrun()
            .args(["unlock", "--stack", "multi-server", "--yes"])
            .output()
            .expect("run awsrun unlock");
        assert!(
            String::from_utf8_lossy(&unlock.stdout).contains("Removed the lock"),
            "{}",
            String::from_utf8_lossy(&unlock.stdout)
        );
        let out = m
            .awsrun()
            .args(["scripts/multi-server.rhai", "--yes"])
            .output()
            .expect("run awsrun again");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "re-run after a kill at write {n} ({:?}) failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
            writes.last()
        );
        assert!(stdout.contains("existing"), "{stdout}");
        assert_eq!(
            inventory(&m),
            reference,
            "killed after write {n} ({:?}), then re-run\n{stdout}",
            writes.last()
        );
    }
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "the kill test took {:?}",
        started.elapsed()
    );
}

#[test]
fn write_lines_are_recognised() {
    assert_eq!(
        write_of("aws: ec2 CreateSubnet (12 ms)"),
        Some("CreateSubnet")
    );
    assert_eq!(
        write_of("aws: elbv2 RegisterTargets (3 ms)"),
        Some("RegisterTargets")
    );
    assert_eq!(write_of("aws: ec2 DescribeSubnets (2 ms)"), None);
    assert_eq!(write_of("aws: s3 CreateBucket (2 ms)"), None);
    assert_eq!(write_of("Create subnet x"), None);
}

/// Sends SIGINT (what Ctrl-C sends) to `pid`.
fn ctrl_c(pid: u32) {
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -INT {pid}: {status}");
}

/// Waits up to `limit` for the child to end.
fn wait_at_most(child: &mut std::process::Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().expect("poll awsrun") {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Ctrl-C in the middle of a live run: awsrun stops at the next safe point,
/// lists what it made (kind, name, id), says how to continue or clean up,
/// and exits 130. Everything it made is tagged; a re-run converges to the
/// uninterrupted result and `destroy` removes it all.
#[test]
fn ctrl_c_stops_lists_what_was_made_and_a_rerun_converges() {
    let m = moto();
    let reference = reference_run(&m);
    m.reset();

    // Ctrl-C right after the second NAT gateway's Elastic IP (write 8).
    let mut child = awsrun_on(&m)
        .args(["scripts/multi-server.rhai", "--yes", "-v"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start awsrun");
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).expect("read stdout");
        text
    });
    let mut writes = 0;
    let mut stderr_lines = Vec::new();
    for line in BufReader::new(child.stderr.take().expect("stderr is piped")).lines() {
        let line = line.expect("read stderr");
        if write_of(&line).is_some() {
            writes += 1;
            if writes == 8 {
                ctrl_c(child.id());
            }
        }
        stderr_lines.push(line);
    }
    let status = child.wait().expect("wait for awsrun");
    let stdout = reader.join().expect("the stdout reader");
    let stderr = stderr_lines.join("\n");
    assert_eq!(status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("Interrupted: stopping at the next safe point"),
        "{stderr}"
    );
    assert!(stderr.contains("awsrun::interrupted"), "{stderr}");

    // What was made so far, each with its kind, name and id, and what next.
    let note = stdout
        .split("Stopped early. Made or changed so far:")
        .nth(1)
        .unwrap_or_else(|| panic!("no list of what was made:\n{stdout}"));
    let partial = inventory(&m);
    let made: usize = partial.values().map(|labels| labels.len()).sum();
    assert!(made > 0, "nothing was made before Ctrl-C");
    for (kind, labels) in &partial {
        for label in labels {
            assert!(!label.contains("<no "), "untagged {kind} {label}");
        }
    }
    for id_prefix in ["subnet-", "eipalloc-", "nat-", "rtb-"] {
        assert!(
            note.lines().any(|l| l.contains(id_prefix)),
            "{id_prefix}... missing from\n{note}"
        );
    }
    assert!(
        note.contains("Re-run the script to continue")
            && note.contains("awsrun destroy --stack multi-server"),
        "{note}"
    );
    assert!(writes < 22, "Ctrl-C did not stop the run: {writes} writes");

    // A re-run finishes the job with no twins.
    let out = m
        .awsrun()
        .args(["scripts/multi-server.rhai", "--yes"])
        .output()
        .expect("run awsrun again");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(inventory(&m), reference);
}

/// A second Ctrl-C exits at once, even while awsrun cannot reach a safe
/// point (here: blocked writing to a pipe nobody reads).
#[test]
fn a_second_ctrl_c_exits_at_once() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let script = dir.path().join("flood.rhai");
    std::fs::write(
        &script,
        "let line = \"x\";\nfor i in 0..10 { line += line; }\nloop { print(line); }\n",
    )
    .expect("write the script");
    let mut child = Command::new(snapbox::cmd::cargo_bin!("awsrun"))
        .current_dir(crate::support::root())
        .env("NO_COLOR", "1")
        .arg(&script)
        .arg("--dry-run")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start awsrun");
    // Nobody reads stdout: the pipe fills and the script blocks in `print`.
    let _stdout = child.stdout.take();
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr is piped"));
    std::thread::sleep(Duration::from_millis(500));
    assert!(child.try_wait().unwrap().is_none(), "awsrun ended early");

    ctrl_c(child.id());
    let mut line = String::new();
    while !line.contains("Interrupted") {
        line.clear();
        let read = stderr.read_line(&mut line).expect("read stderr");
        assert!(read > 0, "stderr ended before the interrupt notice");
    }
    assert!(line.contains("Ctrl-C again to quit at once"), "{line}");
    // Still blocked: no safe point reached, so it has not stopped.
    assert!(
        wait_at_most(&mut child, Duration::from_millis(300)).is_none(),
        "awsrun stopped without reaching a safe point"
    );

    ctrl_c(child.id());
    let status = wait_at_most(&mut child, Duration::from_secs(10));
    if status.is_none() {
        let _ = child.kill();
    }
    assert_eq!(status.and_then(|s| s.code()), Some(130));
}
