//! `awsrun repl` (issue 5), driven through a pseudo-terminal as a person
//! would: typing, Tab, Ctrl-C, Ctrl-D. Each expectation waits for output
//! with a timeout; no test sleeps to decide anything.

use crate::support::{awsrun, root, snapshot};
use rexpect::process::WaitStatus;
use rexpect::reader::Options;
use rexpect::session::PtySession;
use std::path::Path;
use std::process::Command;

const PROMPT: &str = "awsrun[dry-run ap-northeast-2]> ";
const LIVE_PROMPT: &str = "awsrun[live ap-northeast-2]> ";

/// The REPL in a pseudo-terminal, with its own data directory (history).
struct Repl {
    pty: PtySession,
    _data: tempfile::TempDir,
}

impl Repl {
    /// `awsrun repl --dry-run` in the repository root.
    fn dry_run() -> Repl {
        Repl::spawn(&root(), &["repl", "--dry-run"], &[], 10_000)
    }

    /// The binary with the test suite's clean environment (no AWS
    /// configuration, no colour) plus `env`, in `dir`.
    fn spawn(dir: &Path, args: &[&str], env: &[(&str, String)], timeout_ms: u64) -> Repl {
        let data = tempfile::tempdir().unwrap();
        let nowhere = root().join("target/no-aws-config");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_awsrun"));
        cmd.args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .env("XDG_DATA_HOME", data.path())
            .env("AWS_CONFIG_FILE", nowhere.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", nowhere.join("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true");
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
        ] {
            cmd.env_remove(var);
        }
        for (key, value) in env {
            cmd.env(key, value);
        }
        let options = Options::new()
            .timeout_ms(Some(timeout_ms))
            .strip_ansi_escape_codes(true);
        let pty = rexpect::session::spawn_with_options(cmd, options).expect("awsrun in a pty");
        Repl { pty, _data: data }
    }

    /// Waits for `text`; returns what came before it.
    fn expect(&mut self, text: &str) -> String {
        self.pty
            .exp_string(text)
            .unwrap_or_else(|e| panic!("waiting for {text:?}: {e}"))
    }

    /// Types `keys` as they are (no Enter).
    fn keys(&mut self, keys: &str) {
        self.pty.send(keys).unwrap();
        self.pty.flush().unwrap();
    }

    /// Types a line and presses Enter.
    fn line(&mut self, text: &str) {
        self.keys(&format!("{text}\r"));
    }

    /// Presses Ctrl-D at the prompt and checks the exit code is 0.
    fn quit(mut self) {
        self.pty.send_control('d').unwrap();
        self.pty.exp_eof().unwrap();
        match self.pty.process().wait().unwrap() {
            WaitStatus::Exited(_, code) => assert_eq!(code, 0, "exit code"),
            other => panic!("awsrun repl ended with {other:?}"),
        }
    }
}

#[test]
fn a_function_typed_over_several_lines_is_called_on_the_next() {
    let mut repl = Repl::dry_run();
    repl.expect(PROMPT);
    repl.line("fn twice(x) {");
    repl.line("  x * 2");
    repl.line("}");
    repl.line("twice(21)");
    repl.expect("=> 42");
    // An open string continues too.
    repl.line("let city = `서울");
    repl.line("ap-northeast-2`");
    repl.line("city.len()");
    repl.expect("=> 17");
    repl.quit();
}

#[test]
fn tab_completes_a_function_name() {
    let mut repl = Repl::dry_run();
    repl.expect(PROMPT);
    repl.keys("let a = private_su\t");
    repl.expect("private_subnet(");
    repl.line("\"2a\", \"172.31.112.0/20\")");
    repl.expect("+ create  subnet         private-2a");
    repl.expect("associate private-2a");
    // Attributes of a value in scope complete after a dot.
    repl.keys("a.subnet.ci\t");
    repl.expect("a.subnet.cidr");
    repl.line("");
    repl.expect("=> \"172.31.112.0/20\"");
    repl.quit();
}

#[test]
fn an_error_mid_session_is_reported_and_the_next_line_still_works() {
    let mut repl = Repl::dry_run();
    repl.expect(PROMPT);
    repl.line("let n = 40");
    repl.line("subnet(\"db\", #{ cidr: \"10.0.0.0/24\", az: \"2a\" })");
    repl.expect("awsrun::aws::InvalidSubnet.Range");
    // The report points into the line just typed.
    repl.expect("<repl:2>:1:1");
    repl.expect("help: a subnet must lie inside its VPC's CIDR block");
    repl.line("n + 2");
    repl.expect("=> 42");
    repl.quit();
}

#[test]
fn save_writes_a_script_that_dry_runs_to_the_same_plan() {
    let dir = tempfile::tempdir().unwrap();
    let mut repl = Repl::spawn(dir.path(), &["repl", "--dry-run"], &[], 10_000);
    repl.expect(PROMPT);
    repl.line("fn private_2a(cidr) {");
    repl.line("  private_subnet(\"2a\", cidr)");
    repl.line("}");
    repl.line("let a = private_2a(\"172.31.112.0/20\")");
    repl.expect("associate private-2a");
    repl.line("oops(1)");
    repl.expect("unknown function oops");
    repl.line("let c = private_subnet(\"2c\", \"172.31.144.0/20\", #{ nat: \"shared\" })");
    repl.expect("associate private-2c");
    repl.line(":plan");
    let plan = repl.expect("Plan: 6 to create, 0 to change, 0 existing, 0 to delete.");
    repl.line(":save tutorial.rhai");
    repl.expect("Saved to tutorial.rhai.");
    repl.quit();

    let saved = std::fs::read_to_string(dir.path().join("tutorial.rhai")).unwrap();
    snapbox::assert_data_eq!(saved, snapshot("repl.saved.rhai"));
    let run = awsrun()
        .current_dir(dir.path())
        .args(["tutorial.rhai", "--dry-run"])
        .assert()
        .success();
    let stdout = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    let planned: Vec<&str> = plan
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("+ create"))
        .collect();
    assert_eq!(planned.len(), 6, "{plan}");
    for line in planned {
        assert!(
            stdout.contains(line),
            "the script's plan lacks {line:?}:\n{stdout}"
        );
    }
    assert!(
        stdout.contains("Plan: 6 to create, 0 to change, 0 existing, 0 to delete."),
        "{stdout}"
    );
}

#[test]
fn the_tutorials_private_subnet_built_step_by_step_grows_the_plan() {
    let mut repl = Repl::dry_run();
    repl.expect(PROMPT);
    repl.line("let vpc = default_vpc()");
    repl.line("vpc.cidr");
    repl.expect("=> \"172.31.0.0/16\"");
    repl.line("free_blocks(vpc, 20)[0]");
    repl.expect("=> 172.31.64.0/20");
    repl.line("let s = subnet(\"private-2a\", #{ cidr: \"172.31.112.0/20\", az: \"2a\" })");
    repl.expect("+ create  subnet");
    repl.line(":plan");
    repl.expect("Plan: 1 to create, 0 to change, 0 existing, 0 to delete.");
    repl.line("let eip = elastic_ip(\"private-2a-nat\")");
    repl.line(
        "let nat = nat_gateway(\"private-2a-nat\", #{ subnet: public_subnet(\"2a\"), eip: eip })",
    );
    repl.expect("+ create  nat_gateway");
    repl.line("wait(nat).state");
    repl.expect("=> \"available\"");
    repl.line("route_table(\"private-2a\", #{ routes: [#{ dest: \"0.0.0.0/0\", nat: nat }], subnets: [s] })");
    repl.expect("route 0.0.0.0/0 -> nat-");
    repl.line(":plan");
    repl.expect("Plan: 4 to create, 0 to change, 0 existing, 0 to delete.");
    // The stdlib builds the same step: everything already exists.
    repl.line("private_subnet(\"2a\", \"172.31.112.0/20\")");
    repl.expect("= exists  route_table");
    repl.line(":plan");
    repl.expect("Plan: 4 to create, 0 to change, 4 existing, 0 to delete.");
    repl.quit();
}

#[test]
fn ctrl_c_cancels_the_line_being_typed_and_ctrl_d_leaves_with_0() {
    let mut repl = Repl::dry_run();
    repl.expect(PROMPT);
    repl.keys("this line is never run");
    repl.expect("never run");
    repl.pty.send_control('c').unwrap();
    // Ctrl-C drops what was typed after it, as a shell does: wait for the new prompt.
    repl.expect(PROMPT);
    repl.line(":vars");
    repl.expect("No variables or functions yet");
    repl.quit();
}

#[test]
fn ctrl_c_during_a_live_wait_returns_to_the_prompt() {
    let moto = crate::support::moto::moto();
    let mut repl = Repl::spawn(&root(), &["repl"], &moto.env(), 30_000);
    repl.expect("Type 'yes' to go on: ");
    repl.line("yes");
    repl.expect(LIVE_PROMPT);
    repl.line("let servers = instances(\"w\", #{ count: 1, subnets: [public_subnet(\"2a\")] })");
    repl.expect("+ created instance");
    repl.line("let tg = target_group(\"w-tg\", #{ port: 3000, protocol: \"HTTP\" })");
    repl.expect("+ created target_group");
    repl.line("register(tg, servers)");
    repl.expect("~ changed target_group");
    // A stopped target is never healthy: the wait goes on until Ctrl-C.
    let ec2 = moto.ec2();
    moto.block_on(async {
        let found = ec2
            .describe_instances()
            .send()
            .await
            .expect("describe instances");
        let ids: Vec<String> = found
            .reservations()
            .iter()
            .flat_map(|r| r.instances())
            .filter_map(|i| i.instance_id().map(String::from))
            .collect();
        ec2.stop_instances()
            .set_instance_ids(Some(ids))
            .send()
            .await
            .expect("stop instances");
    });
    repl.line("wait_healthy(tg)");
    repl.expect("0/1 healthy");
    repl.pty.send_control('c').unwrap();
    repl.expect("Interrupted: back at the prompt.");
    repl.expect(LIVE_PROMPT);
    repl.line("1 + 1");
    repl.expect("=> 2");
    repl.quit();
}

#[test]
fn bare_awsrun_without_a_terminal_prints_the_usage_and_exits_2() {
    let run = awsrun().assert().code(2);
    let stderr = String::from_utf8(run.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains("Usage: awsrun"), "{stderr}");
    assert!(stderr.contains("`awsrun repl` on a terminal"), "{stderr}");
}

#[test]
fn status_and_stacks_show_what_the_session_holds_and_costs() {
    let mut repl = Repl::dry_run();
    repl.expect(PROMPT);
    repl.line("let a = private_subnet(\"2a\", \"172.31.112.0/20\")");
    repl.expect("+ create  route_table");
    repl.line(":status");
    repl.expect("Stack \"repl\" in ap-northeast-2: 4 resources");
    // The NAT gateway and its Elastic IP: 0.059 + 0.005 by the hour.
    repl.expect("Costs $0.064/h");
    repl.line(":stacks");
    repl.expect("repl");
    repl.expect("In all $0.064/h");
    repl.quit();
}
