//! `awsrun docs [NAME]`: every host and stdlib function with its signature,
//! doc and example.

use crate::support::{awsrun, snapshot};

#[test]
fn docs_lists_every_function() {
    awsrun()
        .args(["docs"])
        .assert()
        .success()
        .stdout_eq(snapshot("docs.stdout"));
}

#[test]
fn docs_of_a_host_function_shows_signature_doc_and_example() {
    awsrun()
        .args(["docs", "subnet"])
        .assert()
        .success()
        .stdout_eq(snapshot("docs.subnet.stdout"));
}

#[test]
fn docs_of_a_stdlib_function_comes_from_its_doc_comments() {
    awsrun()
        .args(["docs", "private_subnet"])
        .assert()
        .success()
        .stdout_eq(snapshot("docs.private_subnet.stdout"));
}

#[test]
fn docs_of_an_unknown_name_suggests_one() {
    awsrun()
        .args(["docs", "privat_subnet"])
        .assert()
        .code(1)
        .stderr_eq(snapshot("docs.unknown.stderr"));
}
