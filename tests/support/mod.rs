//! Shared test helpers: running the real `awsrun` binary with a clean,
//! deterministic environment (no AWS configuration, no colour).

#![allow(dead_code)]

pub mod aws_timing;
pub mod moto;
pub mod proxy;
pub mod timing_answers;
pub mod timing_https;
pub mod timing_scaling;
pub mod timing_xml;

use snapbox::cmd::Command;
use std::path::{Path, PathBuf};

/// The repository root; tests run the binary from here so that paths in
/// reports read `scripts/...` and `tests/cases/...`.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The awsrun binary with AWS configuration removed from the environment,
/// so a dry-run simulates a brand-new account whatever the machine has.
pub fn awsrun() -> Command {
    let nowhere = root().join("target/no-aws-config");
    let mut cmd = Command::new(snapbox::cmd::cargo_bin!("awsrun"))
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("AWS_CONFIG_FILE", nowhere.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("COLUMNS", "100");
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWSRUN_PATH",
        "AWSRUN_MAX_OPERATIONS",
        "AWSRUN_MAX_CALL_DEPTH",
        "AWSRUN_MAX_STRING_SIZE",
        "AWSRUN_MAX_ARRAY_SIZE",
        "AWSRUN_MAX_MAP_SIZE",
        "AWSRUN_MAX_MODULES",
        "AWSRUN_MAX_SCRIPT_SIZE",
        "AWSRUN_STATE_BUCKET",
        "AWSRUN_LOCK_TIMEOUT",
    ] {
        cmd = cmd.env_remove(var);
    }
    cmd
}

/// A snapshot file under `tests/snapshots/`.
pub fn snapshot(name: &str) -> snapbox::Data {
    let path = root().join("tests/snapshots").join(name);
    snapbox::Data::read_from(&path, None)
}

pub fn case(name: &str) -> String {
    format!("tests/cases/{name}.rhai")
}

pub fn exists(path: &Path) -> bool {
    path.exists()
}
