//! Interrupted runs (issue 4): the tutorial, run live with `-v`, is killed
//! with SIGKILL right after its Nth write (as `-v` reports it on stderr),
//! then run again to completion. Whatever N, the account ends up exactly as
//! after one uninterrupted run: the same resources, each once, all tagged.

use crate::faults::{inventory, tutorial_inventory};
use crate::support::moto::{Moto, moto};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
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

/// The operation of a `-v` line that is a write: `aws: ec2 CreateSubnet (12 ms)`.
fn write_of(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("aws: ")?;
    let (_service, rest) = rest.split_once(' ')?;
    let operation = rest.split(' ').next()?;
    WRITES
        .iter()
        .any(|w| operation.starts_with(w))
        .then_some(operation)
}

/// The tutorial run live with `-v`, killed right after its `n`th write;
/// returns the writes it saw.
fn run_and_kill(m: &Moto, n: usize) -> Vec<String> {
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
        .envs(m.env())
        .args(["scripts/multi-server.rhai", "--yes", "-v"])
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

#[test]
fn killed_after_any_write_a_rerun_converges_with_no_twins() {
    let started = Instant::now();
    let m = moto();

    // The reference: one uninterrupted run.
    m.awsrun()
        .args(["scripts/multi-server.rhai", "--yes"])
        .assert()
        .success();
    let reference = inventory(&m);
    assert_eq!(reference, tutorial_inventory());

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
    assert_eq!(write_of("Create subnet x"), None);
}
