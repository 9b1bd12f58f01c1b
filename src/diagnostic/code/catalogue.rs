//! `docs/errors.md`, rendered from the sections: the opening prose, a
//! heading, prose and table per section of awsrun's own codes, then the AWS
//! codes' sections under one heading of their own.

use super::{Section, aws, backend, cidr, docs, hinted, limit, module, opts, repl};
use super::{lock, resource, rolling, script, stop, usage, wait, warn};
use std::fmt::Write;

/// What a report holds, where JSON and scripts read it, exit statuses.
const OPENING: &str = "\
    # awsrun diagnostics\n\
    \n\
    Every error and warning awsrun reports starts with a stable code, such as\n\
    `awsrun::cidr::host_bits`. An error in a script points at the line and column\n\
    it concerns (`[net.rhai:2:14]`); when it was raised inside a function or a\n\
    module, the report points at the script's own call and lists the chain of\n\
    calls down to the line that failed. Most reports end with a `help:` line\n\
    that says what to do.\n\
    \n\
    With `--output json` the failure is the `error` object of the document:\n\
    `error.code`, `error.message`, `error.help`, `error.file`, `error.line` and\n\
    `error.column`. Inside a script, `try { ... } catch (err) { ... }` receives\n\
    errors raised by awsrun's functions with `err.code`, `err.message` and\n\
    `err.help`.\n\
    \n\
    Exit status: 0 on success; 1 for script, validation and AWS errors; 2 for\n\
    usage errors (the command line, the script file, a refused confirmation);\n\
    130 after Ctrl-C. Warnings (`awsrun::warn::*`) do not change the exit status.\n";

/// Above the AWS sections: how AWS codes are reported and retried.
const AWS_INTRO: &str = "\
    An error AWS returns keeps AWS's own code after `awsrun::aws::`, e.g.\n\
    `awsrun::aws::InvalidSubnet.Conflict`; the message starts with the API\n\
    operation that failed. The simulated account of a dry run raises the same\n\
    codes AWS does, for the rules below. A live run can show any other AWS code\n\
    the same way (`awsrun::aws::<Code>`), with AWS's message and, when AWS gave\n\
    one, the request id. `awsrun destroy` retries `DependencyViolation`, `ResourceInUse`,\n\
    `InvalidIPAddress.InUse` and `InvalidNetworkInterface.InUse` for up to 15\n\
    minutes, and treats a `...NotFound` code as already deleted.";

/// The sections of awsrun's own codes, in the catalogue's order.
const AWSRUN: [&Section; 14] = [
    &script::SECTION,
    &opts::SECTION,
    &cidr::SECTION,
    &resource::SECTION,
    &module::SECTION,
    &limit::SECTION,
    &wait::SECTION,
    &rolling::SECTION,
    &usage::SECTION,
    &repl::SECTION,
    &docs::SECTION,
    &stop::SECTION,
    &lock::SECTION,
    &warn::SECTION,
];

/// The sections of AWS codes, under "AWS errors".
const AWS: [&Section; 3] = [&aws::SECTION, &backend::SECTION, &hinted::SECTION];

/// Every section, in the catalogue's order.
pub fn sections() -> impl Iterator<Item = &'static Section> {
    AWSRUN.into_iter().chain(AWS)
}

/// The catalogue as `docs/errors.md` holds it.
pub fn catalogue() -> String {
    let mut out = String::from(OPENING);
    for section in AWSRUN {
        heading(&mut out, "##", section.title, section.intro);
        table(&mut out, section);
    }
    heading(&mut out, "##", "AWS errors", AWS_INTRO);
    for section in AWS {
        heading(&mut out, "###", section.title, section.intro);
        table(&mut out, section);
    }
    out
}

fn heading(out: &mut String, level: &str, title: &str, intro: &str) {
    let _ = writeln!(out, "\n{level} {title}");
    if !intro.is_empty() {
        let _ = writeln!(out, "\n{intro}");
    }
}

fn table(out: &mut String, section: &Section) {
    out.push_str("\n| code | when | what to do |\n|---|---|---|\n");
    for entry in section.entries {
        let codes: Vec<String> = entry
            .codes
            .iter()
            .map(|code| format!("`{}{code}`", section.prefix))
            .collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            codes.join(", "),
            entry.when,
            entry.what_to_do
        );
    }
}
