//! `awsrun docs [NAME]`: every host and stdlib function, or one in full
//! (rendered by `ui::docs`, which the prompt's `:help` shares);
//! `awsrun docs --definitions DIR`: definition files for editors.

use crate::diagnostic::Report;
use crate::diagnostic::code;
use crate::ui::{Config, Exit, out, report};

pub fn exec(config: &Config, name: Option<&str>) -> Exit {
    crate::ui::docs::show(config, name)
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
                code::Docs::Write,
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
