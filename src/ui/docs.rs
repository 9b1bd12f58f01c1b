//! The rendering of `awsrun docs [NAME]`, which the prompt's `:help NAME`
//! reuses: every host and stdlib function with its first doc line, or the
//! functions of one name in full (signature, origin, doc, example). With
//! `--output json` the same as a JSON array. An unknown name is a report
//! that suggests the nearest known one.

use super::{Config, Exit, out, report_alone};
use crate::diagnostic::Report;
use crate::diagnostic::code;
use crate::engine::docs::{self, Doc};
use crate::engine::suggest::nearest;

/// Shows every function (`None`) or the ones named `name`.
pub(crate) fn show(config: &Config, name: Option<&str>) -> Exit {
    let all = docs::all();
    match name {
        None => list(config, &all),
        Some(name) => one(config, &all, name),
    }
}

fn list(config: &Config, all: &[Doc]) -> Exit {
    if config.json {
        out(
            &serde_json::to_string_pretty(&all.iter().map(json).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        return Exit::Ok;
    }
    out("Host functions and the standard library (`awsrun docs NAME` for one in full):\n");
    for doc in all {
        let first = doc.doc.lines().next().unwrap_or("");
        out(&format!("  {}\n      {first}", doc.signature));
    }
    Exit::Ok
}

fn one(config: &Config, all: &[Doc], name: &str) -> Exit {
    let found: Vec<&Doc> = all.iter().filter(|d| d.name == name).collect();
    if found.is_empty() {
        let help = nearest(name, all.iter().map(|d| d.name.as_str()))
            .map(|n| format!("did you mean `{n}`?"))
            .unwrap_or_else(|| "`awsrun docs` lists every function".into());
        report_alone(
            config,
            &Report::plain(
                code::Docs::Unknown,
                format!("no function named `{name}`"),
                Some(help),
            ),
        );
        return Exit::Failure;
    }
    if config.json {
        out(
            &serde_json::to_string_pretty(&found.iter().map(|d| json(d)).collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        return Exit::Ok;
    }
    for doc in found {
        out(&format!(
            "{}    [{}]\n\n{}\n\nExample:\n",
            doc.signature, doc.origin, doc.doc
        ));
        for line in doc.example.lines() {
            out(&format!("    {line}"));
        }
        out("");
    }
    Exit::Ok
}

fn json(doc: &Doc) -> serde_json::Value {
    serde_json::json!({"name": doc.name, "signature": doc.signature, "doc": doc.doc, "example": doc.example, "origin": doc.origin})
}
