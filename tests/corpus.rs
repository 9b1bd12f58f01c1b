//! The corpus of bad input (issue 4): one table of scripts and command
//! lines, each with the diagnostic code, the `line:column` of the report and
//! the exit status it must give.
//!
//! `corpus_dry_run_reports` runs every row through the CLI: script errors with
//! `--output json` (code, line and column read from the JSON document), and
//! every row as text, whose stderr must equal `tests/corpus/expected/<case>.stderr`
//! (bless with `SNAPSHOTS=overwrite`). `corpus_live_changes_nothing` runs every row again
//! live (`--yes`) against moto and checks that the server holds exactly the
//! resources it held before.
//!
//! Scripts are `tests/corpus/<case>.rhai` (`@` in the arguments); team
//! modules for the import cases are under `tests/corpus/modules/`. The
//! 10 MB and non-UTF-8 scripts are generated at test time under `target/`.

use crate::support::moto::{Moto, moto};
use crate::support::{awsrun, root};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Once;
use std::time::Instant;

/// (case, arguments after `awsrun`, code, `line:column` of the report, exit status).
/// `@` stands for `tests/corpus/<case>.rhai`.
type Row = (
    &'static str,
    &'static [&'static str],
    &'static str,
    Option<(usize, usize)>,
    i32,
);

/// A command line clap rejects.
const ARGUMENTS: &str = "awsrun::usage::arguments";

#[rustfmt::skip]
const CORPUS: &[Row] = &[
    // Syntax errors.
    ("syntax_unclosed_map", &["@", "--dry-run"], "awsrun::script::syntax", Some((2, 59)), 1),
    ("syntax_unterminated_string", &["@", "--dry-run"], "awsrun::script::syntax", Some((2, 12)), 1),
    ("syntax_missing_semicolon", &["@", "--dry-run"], "awsrun::script::syntax", Some((3, 1)), 1),
    ("syntax_unclosed_block", &["@", "--dry-run"], "awsrun::script::syntax", Some((5, 1)), 1),
    ("syntax_bad_token", &["@", "--dry-run"], "awsrun::script::syntax", Some((2, 15)), 1),
    ("syntax_reserved_word", &["@", "--dry-run"], "awsrun::script::syntax", Some((2, 5)), 1),
    ("eval_disabled", &["@", "--dry-run"], "awsrun::script::syntax", Some((2, 1)), 1),
    // Functions, variables, values.
    ("unknown_function", &["@", "--dry-run"], "awsrun::script::unknown_function", Some((2, 9)), 1),
    ("wrong_arity", &["@", "--dry-run"], "awsrun::script::arguments", Some((2, 9)), 1),
    ("opts_not_a_map", &["@", "--dry-run"], "awsrun::script::arguments", Some((2, 9)), 1),
    ("unknown_variable", &["@", "--dry-run"], "awsrun::script::unknown_variable", Some((2, 16)), 1),
    ("map_property_typo", &["@", "--dry-run"], "awsrun::script::unknown_property", Some((3, 9)), 1),
    ("resource_attribute_typo", &["@", "--dry-run"], "awsrun::resource::unknown_attribute", Some((3, 8)), 1),
    ("array_index", &["@", "--dry-run"], "awsrun::script::index", Some((2, 16)), 1),
    ("type_mismatch", &["@", "--dry-run"], "awsrun::script::operator", Some((2, 29)), 1),
    ("for_not_iterable", &["@", "--dry-run"], "awsrun::script::not_iterable", Some((3, 10)), 1),
    ("division_by_zero", &["@", "--dry-run"], "awsrun::script::arithmetic", Some((4, 16)), 1),
    ("thrown_text", &["@", "--dry-run"], "awsrun::script::thrown", Some((2, 1)), 1),
    ("name_empty", &["@", "--dry-run"], "awsrun::name::invalid", Some((2, 10)), 1),
    ("wait_not_a_resource", &["@", "--dry-run"], "awsrun::kind::mismatch", Some((2, 1)), 1),
    ("ami_unknown_family", &["@", "--dry-run"], "awsrun::aws::ParameterNotFound", Some((2, 13)), 1),
    // Option mistakes.
    ("opts_unknown_key", &["@", "--dry-run"], "awsrun::opts::unknown_key", Some((2, 9)), 1),
    ("opts_nested_unknown_key", &["@", "--dry-run"], "awsrun::opts::unknown_key", Some((2, 10)), 1),
    ("opts_stdlib_unknown_key", &["@", "--dry-run"], "awsrun::opts::unknown_key", Some((2, 9)), 1),
    ("opts_missing_key", &["@", "--dry-run"], "awsrun::opts::missing", Some((2, 9)), 1),
    ("opts_route_without_target", &["@", "--dry-run"], "awsrun::opts::missing", Some((2, 10)), 1),
    ("app_servers_missing_from", &["@", "--dry-run"], "awsrun::opts::missing", Some((2, 11)), 1),
    ("opts_wrong_type", &["@", "--dry-run"], "awsrun::opts::type", Some((2, 9)), 1),
    ("var_text_as_count", &["@", "--dry-run", "--var", "count=3"], "awsrun::opts::type", Some((2, 15)), 1),
    ("opts_wrong_kind", &["@", "--dry-run"], "awsrun::kind::mismatch", Some((3, 11)), 1),
    ("listener_wrong_kind", &["@", "--dry-run"], "awsrun::kind::mismatch", Some((3, 1)), 1),
    ("opts_port_out_of_range", &["@", "--dry-run"], "awsrun::opts::range", Some((2, 10)), 1),
    ("opts_count_out_of_range", &["@", "--dry-run"], "awsrun::opts::range", Some((2, 15)), 1),
    ("opts_bad_scheme", &["@", "--dry-run"], "awsrun::opts::value", Some((2, 10)), 1),
    ("opts_bad_protocol", &["@", "--dry-run"], "awsrun::opts::value", Some((2, 10)), 1),
    ("sg_bad_protocol", &["@", "--dry-run"], "awsrun::opts::value", Some((2, 10)), 1),
    // CIDR mistakes.
    ("cidr_syntax", &["@", "--dry-run"], "awsrun::cidr::syntax", Some((2, 9)), 1),
    ("cidr_helper_syntax", &["@", "--dry-run"], "awsrun::cidr::syntax", Some((2, 13)), 1),
    ("cidr_host_bits", &["@", "--dry-run"], "awsrun::cidr::host_bits", Some((2, 9)), 1),
    ("cidr_prefix_over_32", &["@", "--dry-run"], "awsrun::cidr::prefix", Some((2, 9)), 1),
    ("cidr_split_prefix", &["@", "--dry-run"], "awsrun::cidr::prefix", Some((2, 36)), 1),
    ("free_blocks_prefix", &["@", "--dry-run"], "awsrun::cidr::split", Some((2, 14)), 1),
    ("cidr_subnet_29", &["@", "--dry-run"], "awsrun::aws::InvalidSubnet.Range", Some((2, 9)), 1),
    ("cidr_subnet_15", &["@", "--dry-run"], "awsrun::aws::InvalidSubnet.Range", Some((2, 9)), 1),
    ("vpc_prefix_15", &["@", "--dry-run"], "awsrun::aws::InvalidVpc.Range", Some((2, 11)), 1),
    ("cidr_outside_vpc", &["@", "--dry-run"], "awsrun::aws::InvalidSubnet.Range", Some((2, 9)), 1),
    ("cidr_overlap_default", &["@", "--dry-run"], "awsrun::aws::InvalidSubnet.Conflict", Some((2, 9)), 1),
    ("cidr_overlap_own", &["@", "--dry-run"], "awsrun::aws::InvalidSubnet.Conflict", Some((3, 9)), 1),
    // The simulated account's rules.
    ("eip_limit", &["@", "--dry-run"], "awsrun::aws::AddressLimitExceeded", Some((3, 5)), 1),
    ("vpc_limit", &["@", "--dry-run"], "awsrun::aws::VpcLimitExceeded", Some((3, 5)), 1),
    ("nat_eip_in_use", &["@", "--dry-run"], "awsrun::aws::Resource.AlreadyAssociated", Some((4, 9)), 1),
    ("nat_shared_without_nat", &["@", "--dry-run"], "awsrun::nat::none", Some((2, 9)), 1),
    ("route_duplicate", &["@", "--dry-run"], "awsrun::aws::RouteAlreadyExists", Some((4, 10)), 1),
    ("association_already", &["@", "--dry-run"], "awsrun::aws::Resource.AlreadyAssociated", Some((4, 11)), 1),
    ("sg_duplicate_rule", &["@", "--dry-run"], "awsrun::aws::InvalidPermission.Duplicate", Some((2, 10)), 1),
    ("sg_other_vpc", &["@", "--dry-run"], "awsrun::aws::InvalidParameter", Some((5, 15)), 1),
    ("instance_type", &["@", "--dry-run"], "awsrun::aws::InvalidParameterValue", Some((2, 15)), 1),
    ("ami_malformed", &["@", "--dry-run"], "awsrun::aws::InvalidAMIID.Malformed", Some((2, 15)), 1),
    ("subnet_full", &["@", "--dry-run", "--sim-quota", "vcpus=64"], "awsrun::aws::InsufficientFreeAddressesInSubnet", Some((3, 15)), 1),
    ("lb_one_az", &["@", "--dry-run"], "awsrun::aws::InvalidConfigurationRequest", Some((3, 10)), 1),
    ("lb_two_subnets_same_az", &["@", "--dry-run"], "awsrun::aws::InvalidConfigurationRequest", Some((3, 10)), 1),
    ("tg_name_too_long", &["@", "--dry-run"], "awsrun::aws::ValidationError", Some((2, 10)), 1),
    ("lb_name_bad_chars", &["@", "--dry-run"], "awsrun::aws::ValidationError", Some((2, 10)), 1),
    ("listener_duplicate_port", &["@", "--dry-run"], "awsrun::listener::duplicate_port", Some((6, 1)), 1),
    ("register_other_vpc", &["@", "--dry-run"], "awsrun::aws::InvalidTarget", Some((6, 1)), 1),
    // Availability zones.
    ("az_other_region", &["@", "--dry-run"], "awsrun::aws::InvalidParameterValue", Some((2, 9)), 1),
    ("az_unknown", &["@", "--dry-run"], "awsrun::az::invalid", Some((2, 9)), 1),
    // Imports.
    ("import_unknown", &["@", "--dry-run"], "awsrun::module::not_found", Some((2, 8)), 1),
    ("import_parent_dir", &["@", "--dry-run"], "awsrun::module::outside_root", Some((2, 8)), 1),
    ("import_absolute", &["@", "--dry-run"], "awsrun::module::outside_root", Some((2, 8)), 1),
    ("import_module_syntax", &["@", "--dry-run"], "awsrun::script::syntax", Some((2, 8)), 1),
    ("import_error_inside_module", &["@", "--dry-run"], "awsrun::aws::InvalidSubnet.Conflict", Some((3, 16)), 1),
    // Limits.
    ("limit_operations", &["@", "--dry-run"], "awsrun::limit::operations", Some((3, 8)), 1),
    ("limit_call_depth", &["@", "--dry-run"], "awsrun::limit::call_depth", Some((3, 1)), 1),
    ("limit_string_size", &["@", "--dry-run"], "awsrun::limit::string_size", Some((3, 10)), 1),
    ("limit_array_size", &["@", "--dry-run"], "awsrun::limit::array_size", Some((3, 10)), 1),
    ("limit_expression_depth", &["@", "--dry-run"], "awsrun::limit::expression_depth", Some((2, 72)), 1),
    ("limit_map_size_by_index", &["@", "--dry-run"], "awsrun::limit::map_size", Some((5, 15)), 1),
    ("limit_map_size", &["@", "--dry-run"], "awsrun::limit::map_size", Some((7, 7)), 1),
    ("limit_operations_lowered", &["@", "--dry-run", "--max-operations", "10000"], "awsrun::limit::operations", Some((5, 11)), 1),
    ("limit_call_depth_lowered", &["@", "--dry-run", "--max-call-depth", "8"], "awsrun::limit::call_depth", Some((6, 7)), 1),
    // The command line and the script file.
    ("var_malformed", &["scripts/multi-server.rhai", "--dry-run", "--var", "count"], "awsrun::usage::var", None, 2),
    ("var_key_not_a_name", &["scripts/multi-server.rhai", "--dry-run", "--var", "1st=a"], "awsrun::usage::var", None, 2),
    ("stack_name_invalid", &["scripts/multi-server.rhai", "--dry-run", "--stack", "my stack"], "awsrun::usage::stack", None, 2),
    ("flag_unknown", &["scripts/multi-server.rhai", "--dry-run", "--dryrun"], ARGUMENTS, None, 2),
    ("flag_limit_zero", &["scripts/multi-server.rhai", "--dry-run", "--max-operations", "0"], ARGUMENTS, None, 2),
    ("flag_limit_not_a_number", &["scripts/multi-server.rhai", "--dry-run", "--max-array-size", "lots"], ARGUMENTS, None, 2),
    ("destroy_without_stack", &["destroy", "--dry-run"], ARGUMENTS, None, 2),
    ("missing_script", &["tests/corpus/no-such-script.rhai", "--dry-run"], "awsrun::script::not_found", None, 2),
    ("script_is_directory", &["tests/corpus/modules", "--dry-run"], "awsrun::script::directory", None, 2),
    ("empty_script", &["@", "--dry-run"], "awsrun::script::empty", None, 2),
    ("non_utf8_script", &[NON_UTF8, "--dry-run"], "awsrun::script::encoding", None, 2),
    ("script_10mb", &[BIG, "--dry-run"], "awsrun::limit::script_size", None, 2),
];

/// Generated at test time (see [`generated`]).
const NON_UTF8: &str = "target/corpus/latin1.rhai";
const BIG: &str = "target/corpus/ten-megabytes.rhai";

fn script_of(case: &str) -> String {
    format!("tests/corpus/{case}.rhai")
}

/// The row's arguments, `@` replaced by the case's script.
fn args_of(row: &Row) -> Vec<String> {
    row.1
        .iter()
        .map(|a| {
            if *a == "@" {
                script_of(row.0)
            } else {
                a.to_string()
            }
        })
        .collect()
}

/// The script a row names (the file its report points into).
fn script_arg(row: &Row) -> Option<String> {
    args_of(row).into_iter().find(|a| a.ends_with(".rhai"))
}

/// Writes the scripts too large or too odd to commit, once per test binary.
fn generated() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::fs::create_dir_all(root().join("target/corpus")).expect("create target/corpus");
        // "café" in Latin-1: not UTF-8.
        write_once(NON_UTF8, b"// caf\xe9\nlet s = \"caf\xe9\";\n".to_vec());
        let size = 10 * 1024 * 1024;
        let line = "let x = 1; // a line of a script far larger than any real one\n";
        let mut text = line.repeat(size / line.len() + 1);
        text.truncate(size);
        write_once(BIG, text.into_bytes());
    });
}

/// Writes `path` unless it already holds `bytes`; through a rename, so
/// another test process never reads it half written.
fn write_once(path: &str, bytes: Vec<u8>) {
    let path = root().join(path);
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
        return;
    }
    let partial = path.with_extension(format!("{}.partial", std::process::id()));
    std::fs::write(&partial, bytes).expect("write a generated script");
    std::fs::rename(&partial, &path).expect("move a generated script in place");
}

/// What one run printed.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(cmd: snapbox::cmd::Command, args: &[String]) -> Run {
    let out = cmd.args(args).output().expect("run awsrun");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn expected_path(case: &str) -> PathBuf {
    root()
        .join("tests/corpus/expected")
        .join(format!("{case}.stderr"))
}

/// Every problem with one row (empty when it passes).
fn check_dry_run(row: &Row, overwrite: bool) -> Vec<String> {
    let (case, _, code, at, exit) = *row;
    let mut problems = Vec::new();
    let args = args_of(row);

    // The text report: exit status, code first, no panic, as reviewed.
    let text = run(awsrun(), &args);
    if text.code != exit {
        problems.push(format!("exit {} instead of {exit}", text.code));
    }
    if text.stderr.contains("panicked") {
        problems.push(format!("panicked:\n{}", text.stderr));
    }
    if text.stderr.lines().next() != Some(code) {
        problems.push(format!(
            "stderr does not start with the code {code}:\n{}",
            text.stderr
        ));
    }
    if !text.stderr.contains("help:") {
        problems.push("the report has no help line".into());
    }
    if text.stdout.contains("Plan:") {
        problems.push(format!("a failed run prints no summary:\n{}", text.stdout));
    }
    let path = expected_path(case);
    if overwrite {
        std::fs::write(&path, &text.stderr).expect("write an expected report");
    } else {
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == text.stderr => {}
            Ok(expected) => problems.push(format!(
                "stderr differs from {}\n--- expected\n{expected}--- actual\n{}",
                path.display(),
                text.stderr
            )),
            Err(_) => problems.push(format!(
                "no {} (bless with SNAPSHOTS=overwrite)",
                path.display()
            )),
        }
    }

    // The same code and place in the JSON document.
    {
        let mut json_args = args.clone();
        json_args.extend(["--output".to_string(), "json".to_string()]);
        let json = run(awsrun(), &json_args);
        if json.code != exit {
            problems.push(format!(
                "--output json: exit {} instead of {exit}",
                json.code
            ));
        }
        match serde_json::from_str::<serde_json::Value>(&json.stdout) {
            Err(err) => problems.push(format!(
                "--output json: not one JSON document ({err}):\n{}",
                json.stdout
            )),
            Ok(doc) => {
                let error = &doc["error"];
                if error["code"] != code {
                    problems.push(format!(
                        "JSON error code {} instead of {code}",
                        error["code"]
                    ));
                }
                let place = (
                    error["line"].as_u64().unwrap_or(0) as usize,
                    error["column"].as_u64().unwrap_or(0) as usize,
                );
                let file = error["file"].as_str().unwrap_or("");
                match at {
                    Some(at) if place != at => {
                        problems.push(format!(
                            "JSON error at {}:{} instead of {}:{}",
                            place.0, place.1, at.0, at.1
                        ));
                    }
                    None if place != (0, 0) => problems.push(format!(
                        "JSON error at {}:{}, expected none",
                        place.0, place.1
                    )),
                    _ => {}
                }
                if at.is_some() && Some(file.to_string()) != script_arg(row) {
                    problems.push(format!("JSON error in {file}, expected the user's script"));
                }
                if error["help"].as_str().is_none_or(str::is_empty) {
                    problems.push("JSON error has no help".into());
                }
            }
        }
        if json.stderr.lines().next() != Some(code) {
            problems.push(format!(
                "--output json: stderr does not start with {code}:\n{}",
                json.stderr
            ));
        }
    }
    problems
}

#[test]
fn corpus_table_is_complete() {
    assert!(CORPUS.len() >= 40, "{} cases", CORPUS.len());
    let names: BTreeSet<&str> = CORPUS.iter().map(|r| r.0).collect();
    assert_eq!(names.len(), CORPUS.len(), "case names are unique");
    for row in CORPUS {
        assert!(matches!(row.4, 1 | 2), "{}: exit status is 1 or 2", row.0);
        assert_eq!(
            row.4 == 2,
            row.3.is_none(),
            "{}: usage errors exit 2 and have no script position, others exit 1",
            row.0
        );
    }
    for row in CORPUS.iter().filter(|row| row.1.contains(&"@")) {
        let path = root().join(script_of(row.0));
        assert!(path.is_file(), "{}: {} is missing", row.0, path.display());
    }
    // Every script of tests/corpus/ belongs to a row, and every expected report too.
    let dir = root().join("tests/corpus");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rhai") {
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert!(
                names.contains(stem.as_str()),
                "{} has no row in CORPUS",
                path.display()
            );
        }
    }
    for entry in std::fs::read_dir(dir.join("expected")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            names.contains(stem.as_str()),
            "{} has no row in CORPUS",
            path.display()
        );
    }
}

#[test]
fn corpus_dry_run_reports() {
    generated();
    let overwrite = std::env::var("SNAPSHOTS").is_ok_and(|v| v == "overwrite");
    if overwrite {
        std::fs::create_dir_all(root().join("tests/corpus/expected")).unwrap();
    }
    // The rows are independent: run them on a few threads.
    let threads = std::thread::available_parallelism()
        .map_or(4, |n| n.get())
        .min(8);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    CORPUS
                        .iter()
                        .skip(t)
                        .step_by(threads)
                        .filter_map(|row| {
                            let problems = check_dry_run(row, overwrite);
                            (!problems.is_empty())
                                .then(|| format!("{}: {}", row.0, problems.join("\n  ")))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        chunks
            .into_iter()
            .flat_map(|h| h.join().expect("a corpus thread"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CORPUS.len(),
        failures.join("\n\n")
    );
}

/// Every resource on the server, of every kind and every stack (tagged or
/// not), by kind: ids of the live ones.
fn census(m: &Moto) -> BTreeMap<&'static str, BTreeSet<String>> {
    let (ec2, elb) = (m.ec2(), m.elb());
    m.block_on(async {
        let mut all: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
        let vpcs = ec2.describe_vpcs().send().await.unwrap();
        all.insert(
            "vpc",
            vpcs.vpcs()
                .iter()
                .filter_map(|v| v.vpc_id().map(str::to_string))
                .collect(),
        );
        let igws = ec2.describe_internet_gateways().send().await.unwrap();
        all.insert(
            "internet_gateway",
            igws.internet_gateways()
                .iter()
                .filter_map(|g| g.internet_gateway_id().map(str::to_string))
                .collect(),
        );
        let subnets = ec2.describe_subnets().send().await.unwrap();
        all.insert(
            "subnet",
            subnets
                .subnets()
                .iter()
                .filter_map(|s| s.subnet_id().map(str::to_string))
                .collect(),
        );
        let eips = ec2.describe_addresses().send().await.unwrap();
        all.insert(
            "elastic_ip",
            eips.addresses()
                .iter()
                .filter_map(|a| a.allocation_id().map(str::to_string))
                .collect(),
        );
        let nats = ec2.describe_nat_gateways().send().await.unwrap();
        all.insert(
            "nat_gateway",
            nats.nat_gateways()
                .iter()
                .filter(|n| {
                    n.state()
                        .is_some_and(|s| !matches!(s.as_str(), "deleted" | "deleting"))
                })
                .filter_map(|n| n.nat_gateway_id().map(str::to_string))
                .collect(),
        );
        let rts = ec2.describe_route_tables().send().await.unwrap();
        let mut tables = BTreeSet::new();
        let mut routes = BTreeSet::new();
        for rt in rts.route_tables() {
            let id = rt.route_table_id().unwrap_or_default();
            tables.insert(id.to_string());
            for r in rt.routes() {
                routes.insert(format!(
                    "{id} {}",
                    r.destination_cidr_block().unwrap_or_default()
                ));
            }
            for a in rt.associations() {
                routes.insert(format!("{id} assoc {}", a.subnet_id().unwrap_or("main")));
            }
        }
        all.insert("route_table", tables);
        all.insert("route/association", routes);
        let sgs = ec2.describe_security_groups().send().await.unwrap();
        let mut groups = BTreeSet::new();
        let mut rules = BTreeSet::new();
        for g in sgs.security_groups() {
            let id = g.group_id().unwrap_or_default();
            groups.insert(id.to_string());
            for p in g.ip_permissions() {
                rules.insert(format!(
                    "{id} {:?} {:?} {:?}",
                    p.from_port(),
                    p.ip_ranges(),
                    p.user_id_group_pairs()
                ));
            }
        }
        all.insert("security_group", groups);
        all.insert("security_group_rule", rules);
        let reservations = ec2.describe_instances().send().await.unwrap();
        all.insert(
            "instance",
            reservations
                .reservations()
                .iter()
                .flat_map(|r| r.instances())
                .filter(|i| {
                    i.state()
                        .and_then(|s| s.name())
                        .is_some_and(|s| s.as_str() != "terminated")
                })
                .filter_map(|i| i.instance_id().map(str::to_string))
                .collect(),
        );
        let lbs = elb.describe_load_balancers().send().await.unwrap();
        let lb_arns: BTreeSet<String> = lbs
            .load_balancers()
            .iter()
            .filter_map(|l| l.load_balancer_arn().map(str::to_string))
            .collect();
        let mut listeners = BTreeSet::new();
        for arn in &lb_arns {
            let found = elb
                .describe_listeners()
                .load_balancer_arn(arn)
                .send()
                .await
                .unwrap();
            listeners.extend(
                found
                    .listeners()
                    .iter()
                    .filter_map(|l| l.listener_arn().map(str::to_string)),
            );
        }
        all.insert("load_balancer", lb_arns);
        all.insert("listener", listeners);
        let tgs = elb.describe_target_groups().send().await.unwrap();
        let mut groups = BTreeSet::new();
        let mut targets = BTreeSet::new();
        for tg in tgs.target_groups() {
            let arn = tg.target_group_arn().unwrap_or_default();
            groups.insert(arn.to_string());
            let health = elb
                .describe_target_health()
                .target_group_arn(arn)
                .send()
                .await
                .unwrap();
            for d in health.target_health_descriptions() {
                targets.insert(format!(
                    "{arn} {}",
                    d.target().and_then(|t| t.id()).unwrap_or_default()
                ));
            }
        }
        all.insert("target_group", groups);
        all.insert("target", targets);
        all
    })
}

/// A row's arguments for a live run: `--yes` instead of `--dry-run`.
fn live_args(row: &Row) -> Vec<String> {
    args_of(row)
        .into_iter()
        .map(|a| {
            if a == "--dry-run" {
                "--yes".to_string()
            } else {
                a
            }
        })
        .collect()
}

#[test]
fn corpus_live_changes_nothing() {
    generated();
    // A fresh account; it stays fresh as long as every case changes nothing,
    // so the server is reset only after a case that changed it.
    let m = moto();
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut before = census(&m);
    for row in CORPUS {
        let (case, _, code, _, exit) = *row;
        let live = run(m.awsrun(), &live_args(row));
        let after = census(&m);
        let mut problems = Vec::new();
        if live.code != exit {
            problems.push(format!(
                "exit {} instead of {exit}:\n{}",
                live.code, live.stderr
            ));
        }
        if live.stderr.contains("panicked") {
            problems.push(format!("panicked:\n{}", live.stderr));
        }
        if !live.stderr.contains(code) {
            problems.push(format!("the report does not name {code}:\n{}", live.stderr));
        }
        if exit == 1
            && !live
                .stderr
                .contains("Nothing was changed: the plan failed before any AWS write.")
        {
            problems.push(format!(
                "the plan did not stop it before the first write:\n{}{}",
                live.stdout, live.stderr
            ));
        }
        if after != before {
            let changed: Vec<String> = after
                .iter()
                .filter(|(kind, ids)| before.get(*kind) != Some(*ids))
                .map(|(kind, ids)| format!("{kind}: {:?} -> {ids:?}", before.get(kind)))
                .collect();
            problems.push(format!(
                "the server changed:\n    {}",
                changed.join("\n    ")
            ));
            m.reset();
            before = census(&m);
        }
        if !problems.is_empty() {
            failures.push(format!("{case}: {}", problems.join("\n  ")));
        }
    }
    eprintln!(
        "live corpus: {} cases in {:?}",
        CORPUS.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed live:\n{}",
        failures.len(),
        CORPUS.len(),
        failures.join("\n\n")
    );
}
