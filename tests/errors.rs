//! Bad input gets a clear report at the right line and column, exit code 1,
//! and no panic. Each case is a script in `tests/cases/`; its whole stderr is
//! compared with `tests/snapshots/<case>.stderr`.

use crate::support::{awsrun, case, snapshot};

fn fails_with_report(name: &str) {
    let output = awsrun()
        .args([case(name).as_str(), "--dry-run"])
        .assert()
        .code(1)
        .stderr_eq(snapshot(&format!("{name}.stderr")))
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{name} panicked:\n{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stdout.contains("Plan:"),
        "a failed run prints no summary:\n{stdout}"
    );
}

#[test]
fn syntax_error_points_at_the_unclosed_call() {
    fails_with_report("syntax_error");
}

#[test]
fn unknown_function_suggests_the_nearest_name() {
    fails_with_report("unknown_function");
}

#[test]
fn overlapping_cidr_reports_aws_code_and_free_blocks() {
    fails_with_report("overlapping_cidr");
}

#[test]
fn cidr_outside_the_vpc_is_invalid_subnet_range() {
    fails_with_report("cidr_outside_vpc");
}

#[test]
fn bad_az_lists_the_region_azs() {
    fails_with_report("bad_az");
}

#[test]
fn unknown_option_key_names_the_allowed_keys() {
    fails_with_report("unknown_option_key");
}

#[test]
fn wrong_resource_kind_names_the_expected_kind() {
    fails_with_report("wrong_resource_kind");
}

#[test]
fn error_inside_a_stdlib_function_shows_the_chain_to_the_users_line() {
    fails_with_report("error_inside_stdlib");
}

#[test]
fn columns_are_right_after_korean_text() {
    fails_with_report("korean_text_before_error");
}

#[test]
fn load_balancer_over_one_az_is_rejected() {
    fails_with_report("load_balancer_one_az");
}

#[test]
fn target_group_name_longer_than_32_is_rejected() {
    fails_with_report("target_group_name_too_long");
}

#[test]
fn unknown_variable_says_how_to_define_it() {
    fails_with_report("unknown_variable");
}

#[test]
fn eval_is_disabled() {
    fails_with_report("eval_disabled");
}

#[test]
fn endless_loop_stops_at_the_operations_limit() {
    fails_with_report("endless_loop");
}

#[test]
fn endless_recursion_stops_at_the_call_depth_limit() {
    fails_with_report("endless_recursion");
}

#[test]
fn missing_script_is_a_usage_error() {
    awsrun()
        .args(["scripts/no-such-script.rhai", "--dry-run"])
        .assert()
        .code(2)
        .stderr_eq(snapshot("missing_script.stderr"));
}

#[test]
fn malformed_var_is_a_usage_error() {
    awsrun()
        .args(["scripts/multi-server.rhai", "--dry-run", "--var", "count"])
        .assert()
        .code(2)
        .stderr_eq(snapshot("malformed_var.stderr"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    awsrun()
        .args(["scripts/multi-server.rhai", "--dry-runn"])
        .assert()
        .code(2);
}

/// What one run of awsrun printed, and its exit status; stderr with its
/// line breaks and indentation folded, so phrases wrapped by the report
/// read whole.
fn outcome(cmd: snapbox::cmd::Command) -> (i32, String, String) {
    let out = cmd.output().expect("run awsrun");
    let stderr = String::from_utf8_lossy(&out.stderr);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

/// Every limit report names the flag and the variable that raise it, and
/// both really do: the flag wins over the variable.
#[test]
fn limits_are_raised_by_the_flag_or_variable_the_report_names() {
    let sum = "tests/corpus/limit_operations_lowered.rhai";
    // The default limit is far above what the script needs.
    let (code, stdout, stderr) = outcome(awsrun().args([sum, "--dry-run"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("4999950000"), "{stdout}");

    for cmd in [
        awsrun().args([sum, "--dry-run", "--max-operations", "10000"]),
        awsrun()
            .args([sum, "--dry-run"])
            .env("AWSRUN_MAX_OPERATIONS", "10_000"),
    ] {
        let (code, _, stderr) = outcome(cmd);
        assert_eq!(code, 1, "{stderr}");
        assert!(stderr.starts_with("awsrun::limit::operations"), "{stderr}");
        assert!(stderr.contains("more than 10000 operations"), "{stderr}");
        assert!(
            stderr.contains("--max-operations 20000")
                && stderr.contains("AWSRUN_MAX_OPERATIONS=20000"),
            "{stderr}"
        );
    }
    let (code, stdout, stderr) = outcome(
        awsrun()
            .args([sum, "--dry-run", "--max-operations", "5000000"])
            .env("AWSRUN_MAX_OPERATIONS", "10000"),
    );
    assert_eq!(code, 0, "the flag overrides the variable: {stderr}");
    assert!(stdout.contains("4999950000"), "{stdout}");

    // Call depth: nine calls deep fails under 8 and passes under 16.
    let deep = "tests/corpus/limit_call_depth_lowered.rhai";
    let (code, _, stderr) = outcome(awsrun().args([deep, "--dry-run", "--max-call-depth", "8"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("`--max-call-depth 16`"), "{stderr}");
    let (code, stdout, stderr) = outcome(
        awsrun()
            .args([deep, "--dry-run"])
            .env("AWSRUN_MAX_CALL_DEPTH", "16"),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.lines().any(|l| l == "9"), "{stdout}");
}

/// Strings, arrays and scripts are limited by size; each limit is raised
/// by its own flag, and a value the flag cannot take is a usage error.
#[test]
fn size_limits_follow_their_flags() {
    let dir = tempfile::tempdir().unwrap();
    // A 2 MiB string, built by doubling.
    let string = dir.path().join("string.rhai");
    std::fs::write(
        &string,
        "let s = \"x\";\nfor i in 0..21 { s += s; }\nprint(s.len());\n",
    )
    .unwrap();
    let string = string.to_str().unwrap();
    let (code, _, stderr) = outcome(awsrun().args([string, "--dry-run"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("awsrun::limit::string_size"), "{stderr}");
    assert!(stderr.contains("--max-string-size 2097152"), "{stderr}");
    let (code, stdout, stderr) =
        outcome(awsrun().args([string, "--dry-run", "--max-string-size", "4194304"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2097152"), "{stdout}");

    // A 300,000-item array.
    let array = dir.path().join("array.rhai");
    std::fs::write(
        &array,
        "let a = [0];\nfor i in 0..19 { a += a; }\nprint(a.len());\n",
    )
    .unwrap();
    let array = array.to_str().unwrap();
    let (code, _, stderr) = outcome(awsrun().args([array, "--dry-run"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.starts_with("awsrun::limit::array_size"), "{stderr}");
    let (code, stdout, stderr) = outcome(
        awsrun()
            .args([array, "--dry-run"])
            .env("AWSRUN_MAX_ARRAY_SIZE", "600000"),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("524288"), "{stdout}");

    // A script of 2 MB of comments and one line of code.
    let big = dir.path().join("big.rhai");
    let mut text = "// a comment that pads the script\n".repeat(2_000_000 / 34);
    text.push_str("print(\"done\");\n");
    std::fs::write(&big, text).unwrap();
    let big = big.to_str().unwrap();
    let (code, _, stderr) = outcome(awsrun().args([big, "--dry-run"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("awsrun::limit::script_size"), "{stderr}");
    assert!(stderr.contains("--max-script-size"), "{stderr}");
    let (code, stdout, stderr) =
        outcome(awsrun().args([big, "--dry-run", "--max-script-size", "3000000"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("done"), "{stdout}");

    // Values the flags refuse: usage errors before anything runs.
    for (flag, value, says) in [
        ("--max-operations", "0", "at least 1"),
        ("--max-call-depth", "100000", "at most 256"),
        ("--max-array-size", "many", "not a whole number"),
    ] {
        let (code, stdout, stderr) =
            outcome(awsrun().args(["scripts/multi-server.rhai", "--dry-run", flag, value]));
        assert_eq!(code, 2, "{flag} {value}: {stderr}");
        assert!(stderr.starts_with("awsrun::usage::arguments"), "{stderr}");
        assert!(stderr.contains(says), "{flag} {value}: {stderr}");
        assert!(stdout.is_empty(), "nothing ran: {stdout}");
    }
}
