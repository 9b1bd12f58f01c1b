//! The prompt loop: read an input (rustyline, Emacs keys, history in the
//! user's data directory), run it or the `:command` it names, print the
//! result or the report, and go on. Ctrl-C cancels the line being typed or
//! stops the running call; Ctrl-D leaves.

use super::command::Command;
use super::helper::ReplHelper;
use super::mode::Mode;
use super::pretty::{one_line, show, wrap};
use super::workspace::{STACK, Workspace};
use crate::cloud::Cloud;
use crate::diagnostic::code;
use crate::diagnostic::{self, Report};
use crate::engine::plan::Summary;
use crate::ui::{Config, Exit, interrupt_flag};
use rustyline::Editor;
use rustyline::config::{Builder, ColorMode, CompletionType, EditMode};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The interactive session.
pub(crate) struct Shell {
    config: Config,
    editor: Editor<ReplHelper, FileHistory>,
    workspace: Workspace,
    mode: Mode,
    history: Option<PathBuf>,
    interrupted: Arc<AtomicBool>,
}

/// What the loop does after an input.
enum Next {
    Prompt,
    Quit,
}

impl Shell {
    /// Opens the editor and the session; live mode first asks once.
    pub(crate) fn start(config: &Config, wanted: Mode) -> Result<Shell, Box<Report>> {
        let editor_config = Builder::new()
            .edit_mode(EditMode::Emacs)
            .auto_add_history(false)
            .history_ignore_space(true)
            .completion_type(CompletionType::List)
            .color_mode(if config.color {
                ColorMode::Enabled
            } else {
                ColorMode::Disabled
            })
            .build();
        let mut editor = Editor::with_config(editor_config).map_err(|e| editor_error(&e))?;
        editor.set_helper(Some(ReplHelper::new(config.color)));
        let history = history_file();
        if let Some(path) = &history {
            let _ = editor.load_history(path);
        }
        let interrupted = interrupt_flag();
        let (mode, cloud) = first_cloud(config, &mut editor, wanted)?;
        let workspace = Workspace::new(cloud, mode.sink(), interrupted.clone(), config.limits)?;
        let shell = Shell {
            config: config.clone(),
            editor,
            workspace,
            mode,
            history,
            interrupted,
        };
        shell.banner();
        Ok(shell)
    }

    /// Reads and runs inputs until `:quit` or Ctrl-D.
    pub(crate) fn run(&mut self) -> Exit {
        loop {
            let prompt = self.mode.prompt(&self.workspace.session.cloud.region());
            let line = match self.editor.readline(&prompt) {
                Ok(line) => line,
                // Ctrl-C at the prompt cancels the line being typed.
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => break,
                Err(err) => {
                    self.report(&editor_error(&err));
                    break;
                }
            };
            if line.trim().is_empty() {
                continue;
            }
            let _ = self.editor.add_history_entry(line.as_str());
            let next = match line.trim_start().strip_prefix(':') {
                Some(_) => match Command::parse(&line) {
                    Ok(command) => self.command(command),
                    Err(err) => {
                        self.report(&Report::plain(
                            code::Repl::Command,
                            err.message,
                            Some(err.help),
                        ));
                        Next::Prompt
                    }
                },
                None => {
                    let result = self.workspace.eval(&line);
                    super::mode::end_of_line();
                    self.finish(result);
                    Next::Prompt
                }
            };
            self.refresh_known();
            if let Next::Quit = next {
                break;
            }
        }
        if let Some(path) = &self.history {
            let _ = self.editor.save_history(path);
        }
        Exit::Ok
    }

    /// Prints the result of a run, or its report, or that Ctrl-C stopped it.
    fn finish(&mut self, result: Result<rhai::Dynamic, Box<Report>>) {
        if self.interrupted.swap(false, Ordering::SeqCst) {
            println!("Interrupted: back at the prompt. What ran before Ctrl-C is in :plan.");
            return;
        }
        match result {
            Ok(value) => {
                if let Some(text) = show(&value) {
                    println!("=> {text}");
                }
            }
            Err(report) => self.report(&report),
        }
    }

    fn command(&mut self, command: Command) -> Next {
        match command {
            Command::Help(name) => self.help(name.as_deref()),
            Command::Plan => self.plan(),
            Command::Status => {
                let cloud = self.workspace.session.cloud.clone();
                crate::cli::status::status_of(&self.config, &*cloud, STACK);
            }
            Command::Stacks => {
                let cloud = self.workspace.session.cloud.clone();
                crate::cli::status::stacks_of(&self.config, &*cloud);
            }
            Command::Vars => self.vars(),
            Command::Load(path) => {
                let result = self.workspace.load(&path);
                self.finish(result);
            }
            Command::Save(path) => self.save(&path),
            Command::Mode(None) => println!(
                "Mode: {} (`:mode dry-run` or `:mode live` to switch).",
                self.mode.label()
            ),
            Command::Mode(Some(mode)) => self.switch(mode),
            Command::Reset => self.reset(),
            Command::Quit => return Next::Quit,
        }
        Next::Prompt
    }

    fn help(&self, name: Option<&str>) {
        match name.map(|n| n.trim_start_matches(':')) {
            None => {
                println!(
                    "Type Rhai code; an unfinished statement continues on the next line. Commands:"
                );
                for (usage, what) in Command::USAGE {
                    println!("  {usage:<20} {what}");
                }
                let names = self.helper().known.function_names();
                println!("\nFunctions (`:help NAME` for one in full; Tab completes):");
                println!("{}", wrap(&names.join(", "), 90, "  "));
            }
            Some(name) => match Command::USAGE
                .iter()
                .find(|(usage, _)| usage[1..].split(' ').next() == Some(name))
            {
                Some((usage, what)) => println!("{usage}: {what}"),
                None => {
                    let mut config = self.config.clone();
                    config.json = false;
                    crate::ui::docs::show(&config, Some(name));
                }
            },
        }
    }

    fn plan(&self) {
        let actions = self.workspace.actions();
        let dry_run = self.mode == Mode::DryRun;
        if actions.is_empty() {
            println!("No actions yet: no resource function has run in this session.");
            return;
        }
        println!(
            "Actions of this session (stack \"{STACK}\", {}):",
            self.mode.label()
        );
        for action in &actions {
            println!("  {}", action.line(dry_run));
        }
        println!("{}", Summary::of(&actions).line(dry_run));
    }

    fn vars(&self) {
        let known = &self.helper().known;
        let mut any = false;
        for name in known.var_names() {
            let value = known
                .var(name)
                .and_then(show)
                .unwrap_or_else(|| "()".into());
            println!("{name} = {}", one_line(&value, 100));
            any = true;
        }
        for f in self.workspace.functions() {
            println!("fn {}({})", f.name, f.params.join(", "));
            any = true;
        }
        for (path, alias) in self.workspace.imports() {
            println!("import \"{path}\" as {alias}");
            any = true;
        }
        if !any {
            println!(
                "No variables or functions yet: `let a = private_subnet(\"2a\", \"172.31.112.0/20\");` makes one."
            );
        }
    }

    fn save(&self, path: &Path) {
        let name = path.display().to_string();
        let Some(script) = self.workspace.script(&name) else {
            self.report(&Report::plain(
                code::Repl::Save,
                "nothing to save yet: no input has run without error",
                Some(
                    "run an input first, e.g. `let a = private_subnet(\"2a\", \"172.31.112.0/20\");`; `:save` writes only the inputs that ran without error"
                        .into(),
                ),
            ));
            return;
        };
        match std::fs::write(path, script) {
            Ok(()) => println!(
                "Saved to {name}. Plan it with `awsrun {name} --dry-run` (its stack is the file name; add `--stack {STACK}` to adopt what this session made)."
            ),
            Err(e) => self.report(&Report::plain(
                code::Repl::Save,
                format!("cannot write {name}: {e}"),
                Some(format!(
                    "save to a file in a folder that exists and that you can write to, e.g. `:save {}`",
                    path.file_name().map_or("tutorial.rhai".into(), |f| f.to_string_lossy())
                )),
            )),
        }
    }

    /// Switches between the simulated account and AWS; live asks first.
    fn switch(&mut self, mode: Mode) {
        if mode == self.mode {
            println!("Already in {} mode.", mode.label());
            return;
        }
        let cloud = match mode {
            Mode::DryRun => Mode::DryRun.cloud(&self.config),
            Mode::Live => {
                if !confirm_live(&mut self.editor, &self.config) {
                    println!("Staying in dry-run: nothing will change in AWS.");
                    return;
                }
                Mode::Live.cloud(&self.config)
            }
        };
        let cloud = match cloud {
            Ok(cloud) => cloud,
            Err(report) => {
                self.report(&report);
                println!("Staying in {}.", self.mode.label());
                return;
            }
        };
        let region = cloud.region();
        if let Err(report) = self.workspace.rebind(cloud, mode.sink()) {
            self.report(&report);
            return;
        }
        self.mode = mode;
        println!(
            "Now {} in {region}: variables are cleared (they held the other account's resources); functions stay.",
            mode.label()
        );
    }

    fn reset(&mut self) {
        let fresh = self.mode.cloud(&self.config).and_then(|cloud| {
            Workspace::new(
                cloud,
                self.mode.sink(),
                self.interrupted.clone(),
                self.config.limits,
            )
        });
        match fresh {
            Ok(workspace) => {
                self.workspace = workspace;
                let what = if self.mode == Mode::DryRun {
                    "a fresh simulated account"
                } else {
                    "the same AWS account"
                };
                println!("Started over: {what}, no variables, no functions, nothing to save.");
            }
            Err(report) => self.report(&report),
        }
    }

    fn banner(&self) {
        let region = self.workspace.session.cloud.region();
        match self.mode {
            Mode::DryRun => println!(
                "awsrun repl: dry-run in {region}, against a simulated account that lives as long as this session; nothing changes in AWS."
            ),
            Mode::Live => println!(
                "awsrun repl: live in {region}; resource functions change AWS (stack \"{STACK}\"). `:mode dry-run` to try things first."
            ),
        }
        println!(
            "Type Rhai code and press Enter; Tab completes; `:help` lists commands and functions; Ctrl-D leaves."
        );
    }

    fn refresh_known(&mut self) {
        let (scope, functions) = (self.workspace.scope(), self.workspace.functions().to_vec());
        if let Some(helper) = self.editor.helper_mut() {
            helper.known.refresh(scope, &functions);
        }
    }

    fn helper(&self) -> &ReplHelper {
        self.editor.helper().expect("the shell sets its helper")
    }

    fn report(&self, report: &Report) {
        eprint!("{}", diagnostic::render(report, self.config.style()));
    }
}

/// The mode and cloud the prompt starts with: live only when asked for,
/// confirmed and connected; otherwise dry-run.
fn first_cloud(
    config: &Config,
    editor: &mut Editor<ReplHelper, FileHistory>,
    wanted: Mode,
) -> Result<(Mode, Rc<dyn Cloud>), Box<Report>> {
    if wanted == Mode::Live {
        if confirm_live(editor, config) {
            match Mode::Live.cloud(config) {
                Ok(cloud) => return Ok((Mode::Live, cloud)),
                Err(report) => eprint!("{}", diagnostic::render(&report, config.style())),
            }
        }
        println!("Starting in dry-run: nothing will change in AWS.");
    }
    Ok((Mode::DryRun, Mode::DryRun.cloud(config)?))
}

/// Asks once before the prompt may change AWS.
fn confirm_live(editor: &mut Editor<ReplHelper, FileHistory>, config: &Config) -> bool {
    if !std::io::stdin().is_terminal() {
        let refused = Report::plain(
            code::Stop::Refused,
            "not going live: there is no terminal to confirm on",
            Some("run `awsrun repl` in an interactive terminal to go live, or `awsrun SCRIPT --yes` to apply a script without the prompt".into()),
        );
        eprint!("{}", diagnostic::render(&refused, config.style()));
        return false;
    }
    println!(
        "Live mode: every resource function you call changes your AWS account (stack \"{STACK}\"); \
         `awsrun destroy --stack {STACK}` removes it all."
    );
    let answer = editor.readline("Go live? Type 'yes' to go on: ");
    matches!(answer.as_deref().map(str::trim), Ok("yes" | "y"))
}

/// `$XDG_DATA_HOME/awsrun/history` (or the platform's data directory).
fn history_file() -> Option<PathBuf> {
    let dir = dirs::data_dir()?.join("awsrun");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history"))
}

fn editor_error(err: &ReadlineError) -> Box<Report> {
    Box::new(Report::plain(
        code::Repl::Terminal,
        format!("the line editor failed: {err}"),
        Some(
            "run `awsrun repl` in an interactive terminal with UTF-8 input; `awsrun SCRIPT --dry-run` runs a script without the prompt"
                .into(),
        ),
    ))
}
