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

/// The README's table of limits names every limit's flag and variable, and
/// `--help` lists them with their defaults.
#[test]
fn every_limit_is_documented_with_its_flag_and_variable() {
    use awsrun::engine::{Limit, Limits};
    let readme = std::fs::read_to_string(crate::support::root().join("README.md")).unwrap();
    let help = awsrun().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for limit in Limit::ALL {
        assert!(
            readme.contains(&format!("`{} ", limit.flag())),
            "README lacks {}",
            limit.flag()
        );
        assert!(readme.contains(limit.env()), "README lacks {}", limit.env());
        assert!(help.contains(limit.flag()), "--help lacks {}", limit.flag());
        assert!(help.contains(limit.env()), "--help lacks {}", limit.env());
        let default = format!("[default: {}]", Limits::DEFAULT.get(limit));
        // The flag's own entry: from its name to the next flag.
        let at = help.find(&format!("{} <", limit.flag())).unwrap();
        let entry = &help[at..];
        let entry = &entry[..entry[2..].find("\n      --").map_or(entry.len(), |e| e + 2)];
        assert!(entry.contains(&default), "--help lacks {default}:\n{entry}");
    }
}
