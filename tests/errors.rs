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
