//! `awsrun docs [NAME]`: every host and stdlib function, or one in full.

use super::config::Config;
use super::output::out;
use super::{Exit, report};
use crate::diagnostic::Report;
use crate::engine::docs::{self, Doc};
use crate::engine::suggest::nearest;

pub fn exec(config: &Config, name: Option<&str>) -> Exit {
    let all = docs::all();
    match name {
        None => {
            if config.json {
                out(
                    &serde_json::to_string_pretty(&all.iter().map(json).collect::<Vec<_>>())
                        .unwrap_or_default(),
                );
                return Exit::Ok;
            }
            out("Host functions and the standard library (`awsrun docs NAME` for one in full):\n");
            for doc in &all {
                let first = doc.doc.lines().next().unwrap_or("");
                out(&format!("  {}\n      {first}", doc.signature));
            }
            Exit::Ok
        }
        Some(name) => {
            let found: Vec<&Doc> = all.iter().filter(|d| d.name == name).collect();
            if found.is_empty() {
                let help = nearest(name, all.iter().map(|d| d.name.as_str()))
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| "`awsrun docs` lists every function".into());
                super::report_alone(
                    config,
                    &Report::plain(
                        "awsrun::docs::unknown",
                        format!("no function named `{name}`"),
                        Some(help),
                    ),
                );
                return Exit::Failure;
            }
            if config.json {
                out(&serde_json::to_string_pretty(
                    &found.iter().map(|d| json(d)).collect::<Vec<_>>(),
                )
                .unwrap_or_default());
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
    }
}

fn json(doc: &Doc) -> serde_json::Value {
    serde_json::json!({"name": doc.name, "signature": doc.signature, "doc": doc.doc, "example": doc.example, "origin": doc.origin})
}

/// `awsrun docs --definitions DIR`: Rhai definition files describing every
/// host and stdlib function, for editors with Rhai support.
pub fn definitions(config: &Config, dir: &std::path::Path) -> Exit {
    let cloud = std::rc::Rc::new(crate::cloud::sim::SimAccount::new(&config.sim_region()));
    let session = std::rc::Rc::new(crate::engine::session::Session::new(
        cloud,
        "docs",
        std::rc::Rc::new(crate::engine::session::Quiet),
    ));
    let engine = match crate::engine::build(&session, None) {
        Ok(engine) => engine,
        Err(err) => {
            report(
                config,
                &crate::diagnostic::from_eval(
                    &err,
                    "stdlib",
                    &|n| session.source(n),
                    &[],
                    &session.limits,
                ),
            );
            return Exit::Failure;
        }
    };
    if let Err(err) =
        std::fs::create_dir_all(dir).and_then(|()| engine.definitions().write_to_dir(dir))
    {
        report(
            config,
            &Report::plain(
                "awsrun::docs::write",
                format!("cannot write definitions to {}: {err}", dir.display()),
                Some(
                    "give `--definitions` a directory you can create and write to, e.g. `awsrun docs --definitions defs`"
                        .into(),
                ),
            ),
        );
        return Exit::Failure;
    }
    if let Err(err) = annotate(&dir.join("__static__.d.rhai")) {
        report(
            config,
            &Report::plain(
                "awsrun::docs::write",
                format!("cannot annotate the definitions: {err}"),
                Some(format!(
                    "make {} readable and writable (or remove it), then run `awsrun docs --definitions {}` again",
                    dir.join("__static__.d.rhai").display(),
                    dir.display()
                )),
            ),
        );
        return Exit::Failure;
    }
    let files = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().to_string_lossy().ends_with(".d.rhai"))
                .count()
        })
        .unwrap_or(0);
    out(&format!(
        "wrote {files} definition file(s) to {}",
        dir.display()
    ));
    Exit::Ok
}

/// Puts each host function's doc above its definition and replaces the
/// return type Rhai cannot name for fallible functions with the documented one.
fn annotate(path: &std::path::Path) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let all = docs::all();
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.lines() {
        let name = line.strip_prefix("fn ").and_then(|l| l.split('(').next());
        let doc = name.and_then(|n| all.iter().find(|d| d.name == n && d.origin == "host"));
        let mut line = line.to_string();
        if let Some(doc) = doc {
            for l in doc.doc.lines() {
                out.push_str(&format!("/// {l}\n"));
            }
            out.push_str(&format!("/// `{}`\n", doc.signature));
        }
        if line.ends_with("EvalAltResult>>;") {
            let ret = doc
                .and_then(|d| d.signature.rsplit_once("-> "))
                .map_or("?", |(_, r)| definition_type(r));
            let head = line
                .rsplit_once("->")
                .map_or(line.as_str(), |(h, _)| h)
                .trim_end()
                .to_string();
            line = format!("{head} -> {ret};");
        }
        out.push_str(&line);
        out.push('\n');
    }
    std::fs::write(path, out)
}

/// A documented return type as a Rhai definition type.
fn definition_type(ret: &str) -> &'static str {
    match ret.trim() {
        r if r.starts_with('[') => "array",
        r if r.starts_with("#{") => "map",
        "String" => "string",
        "Cidr" => "Cidr",
        "value" | "same" | "opts" => "?",
        _ => "Resource",
    }
}
