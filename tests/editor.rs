//! Editor and shell support: Rhai definition files and shell completions.

use crate::support::awsrun;

#[test]
fn definitions_describe_every_host_and_stdlib_function_with_types_and_docs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_string_lossy().to_string();
    awsrun()
        .args(["docs", "--definitions", path.as_str()])
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("__static__.d.rhai")).unwrap();
    for line in [
        "fn subnet(_: string, _: map) -> Resource;",
        "fn instances(_: string, _: map) -> array;",
        "fn whoami() -> map;",
        "fn cidr(_: string) -> Cidr;",
        "fn private_subnet(az: ?, cidr: ?, opts: ?)",
        "fn alb(name: ?, opts: ?)",
    ] {
        assert!(text.contains(line), "missing {line:?}");
    }
    assert!(
        text.contains("/// Ensures a subnet"),
        "host functions carry their docs"
    );
    assert!(
        !text.contains("EvalAltResult"),
        "no internal type names leak into the definitions"
    );
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_awsrun()"),
        ("zsh", "#compdef awsrun"),
        ("fish", "complete -c awsrun"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = awsrun()
            .args(["completions", shell])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(marker), "{shell}: {marker} missing");
        for sub in ["destroy", "check", "docs", "repl"] {
            assert!(text.contains(sub), "{shell} completes `{sub}`");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    awsrun().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn definitions_into_a_folder_that_cannot_be_made_say_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    // A folder inside a plain file cannot be created.
    let path = file.join("defs").to_string_lossy().to_string();
    let out = awsrun()
        .args(["docs", "--definitions", path.as_str()])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let stderr = String::from_utf8_lossy(&out);
    let stderr = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(stderr.starts_with("awsrun::docs::write"), "{stderr}");
    assert!(
        stderr.contains(
            "help: give `--definitions` a directory you can create and write to, e.g. `awsrun docs --definitions defs`"
        ),
        "{stderr}"
    );
}
