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
