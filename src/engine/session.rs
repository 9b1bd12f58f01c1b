//! The state of one run shared by every host function: the cloud, the
//! stack, the `--var` values and the actions performed so far.

use super::host_error::{HostError, HostResult};
use super::plan::{Action, Op};
use crate::cloud::{Cloud, Kind, Mode, Resource, Tags};
use crate::diagnostic::code;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Receives the run's output as it happens (plan lines, script prints).
pub trait Sink {
    fn action(&self, action: &Action, dry_run: bool);
    fn print(&self, text: &str);
    /// Progress of a wait: resource, state, elapsed. `done` ends the wait.
    fn progress(&self, _resource: &Resource, _state: &str, _elapsed: Duration, _done: bool) {}
}

/// A sink that keeps nothing (actions are still recorded in the session).
pub struct Quiet;

impl Sink for Quiet {
    fn action(&self, _: &Action, _: bool) {}
    fn print(&self, _: &str) {}
}

/// What one plan of `--adopt` learnt for the next: the untagged resource
/// an ensure of the script is to adopt, by (kind, script name). An Elastic
/// IP has nothing of its own to match; the NAT gateway that holds it tells.
pub type Hints = BTreeMap<(Kind, String), String>;

/// How an ensure may adopt an untagged resource (`--adopt`): which ones are
/// its candidates, and the fixed attributes not to compare on them.
pub struct Adoption<'a> {
    pub matches: &'a dyn Fn(&Resource) -> bool,
    pub unchecked: &'a [&'a str],
}

impl<'a> Adoption<'a> {
    pub fn by(matches: &'a dyn Fn(&Resource) -> bool) -> Self {
        Adoption {
            matches,
            unchecked: &[],
        }
    }
}

/// Everything a run shares.
pub struct Session {
    pub cloud: Rc<dyn Cloud>,
    pub stack: String,
    pub vars: BTreeMap<String, String>,
    pub sink: Rc<dyn Sink>,
    /// Default timeout of `wait`/`wait_healthy`.
    pub wait_timeout: Duration,
    /// Operation, depth and size limits of the engine (see `engine::build`).
    pub limits: crate::engine::Limits,
    /// Set by the Ctrl-C handler; host functions stop at the next safe point.
    pub interrupted: Arc<AtomicBool>,
    actions: RefCell<Vec<Action>>,
    printed: Cell<usize>,
    output: RefCell<Vec<String>>,
    default_vpc: RefCell<Option<Resource>>,
    shared_nat: RefCell<Option<Resource>>,
    sources: RefCell<BTreeMap<String, String>>,
    region: RefCell<Option<String>>,
    /// The stack's resources before the run (plans only), for its cost.
    before: RefCell<Option<Vec<Resource>>>,
    /// `--adopt`: ensures that find nothing tagged adopt a matching
    /// untagged resource instead of creating one.
    adopt: Cell<bool>,
    hints: RefCell<Hints>,
    learnt: RefCell<Hints>,
    /// Ids of what this run created.
    made: RefCell<HashSet<String>>,
    /// The code of the error the run stopped with, once it stopped.
    failure: RefCell<Option<String>>,
}

impl Session {
    pub fn new(cloud: Rc<dyn Cloud>, stack: &str, sink: Rc<dyn Sink>) -> Self {
        Session {
            cloud,
            stack: stack.to_string(),
            vars: BTreeMap::new(),
            sink,
            wait_timeout: Duration::from_secs(900),
            limits: crate::engine::Limits::DEFAULT,
            interrupted: Arc::new(AtomicBool::new(false)),
            actions: RefCell::new(Vec::new()),
            printed: Cell::new(0),
            output: RefCell::new(Vec::new()),
            default_vpc: RefCell::new(None),
            shared_nat: RefCell::new(None),
            sources: RefCell::new(BTreeMap::new()),
            region: RefCell::new(None),
            before: RefCell::new(None),
            adopt: Cell::new(false),
            hints: RefCell::new(Hints::new()),
            learnt: RefCell::new(Hints::new()),
            made: RefCell::new(HashSet::new()),
            failure: RefCell::new(None),
        }
    }

    /// Turns `--adopt` on, with what earlier plans learnt.
    pub fn set_adopt(&self, hints: Hints) {
        self.adopt.set(true);
        *self.hints.borrow_mut() = hints;
    }

    pub fn adopting(&self) -> bool {
        self.adopt.get()
    }

    /// Notes that the untagged `id` is the one to adopt for the script's
    /// `kind` named `name`, for the next plan.
    pub fn learn(&self, kind: Kind, name: &str, id: &str) {
        self.learnt
            .borrow_mut()
            .insert((kind, name.to_string()), id.to_string());
    }

    /// What this run learnt ([`Session::learn`]).
    pub fn learnt(&self) -> Hints {
        self.learnt.borrow().clone()
    }

    /// Whether this run created the resource `id`.
    pub fn made_here(&self, id: &str) -> bool {
        self.made.borrow().contains(id)
    }

    /// Remembers what the stack holds before the run, so that
    /// [`Session::plan_cost`] can say what the run changes.
    pub fn note_stack_before(&self) {
        let now = self.cloud.stack_resources(&self.stack).unwrap_or_default();
        *self.before.borrow_mut() = Some(now);
    }

    /// What the stack costs before and after the run, for a run that noted
    /// the stack before it ([`Session::note_stack_before`]).
    pub fn plan_cost(&self) -> Option<crate::cloud::cost::PlanCost> {
        let before = self.before.borrow();
        let before = before.as_ref()?;
        let after = self.cloud.stack_resources(&self.stack).ok()?;
        Some(crate::cloud::cost::PlanCost::of(
            before,
            &after,
            &self.region(),
        ))
    }

    /// Notes the code of the error the run stopped with.
    pub fn failed_with(&self, code: &str) {
        *self.failure.borrow_mut() = Some(code.to_string());
    }

    /// The code of the error the run stopped with, if it did.
    pub fn failure(&self) -> Option<String> {
        self.failure.borrow().clone()
    }

    /// The region of the run (read once).
    pub fn region(&self) -> String {
        self.region
            .borrow_mut()
            .get_or_insert_with(|| self.cloud.region())
            .clone()
    }

    pub fn dry_run(&self) -> bool {
        self.cloud.mode() == Mode::DryRun
    }

    pub fn tags(&self, name: &str) -> Tags {
        Tags::new(&self.stack, name)
    }

    /// Fails when the user pressed Ctrl-C: the next safe point.
    pub fn checkpoint(&self) -> HostResult<()> {
        if self.interrupted.load(Ordering::SeqCst) {
            return Err(interrupted_error().into());
        }
        Ok(())
    }

    /// Finds the stack's resource of `kind` named `name`, or creates it.
    ///
    /// An existing resource whose `fixed` attributes differ from the script's
    /// is an error showing both values: nothing is replaced silently. The
    /// action is recorded at once, so a failure later in the same call still
    /// leaves the creation on record. Returns the resource and its action index.
    pub fn ensure(
        &self,
        kind: Kind,
        name: &str,
        fixed: &[(&str, String)],
        create: impl FnOnce(&Tags) -> HostResult<Resource>,
    ) -> HostResult<(Resource, usize)> {
        self.ensure_or_adopt(kind, name, fixed, None, create)
    }

    /// [`Session::ensure`] that, under `--adopt`, when nothing tagged is
    /// found, tags the one untagged resource `adoption` matches into the
    /// stack instead of creating it (a hint of an earlier plan names it
    /// outright). The fixed attributes are compared on it as on a found
    /// resource: one that differs is a drift error and is not tagged; two
    /// candidates are an error listing both, and nothing is tagged.
    pub fn ensure_or_adopt(
        &self,
        kind: Kind,
        name: &str,
        fixed: &[(&str, String)],
        adoption: Option<Adoption>,
        create: impl FnOnce(&Tags) -> HostResult<Resource>,
    ) -> HostResult<(Resource, usize)> {
        self.checkpoint()?;
        check_name(kind, name)?;
        let tags = self.tags(name);
        if let Some(existing) = self.cloud.find(kind, &tags).map_err(HostError::from)? {
            for (key, wanted) in fixed {
                let actual = attr_text(&existing, key);
                if &actual != wanted {
                    return Err(drift(&existing, key, &actual, wanted, &self.stack).into());
                }
            }
            let index = self.record(Op::Exists, &existing);
            return Ok((existing, index));
        }
        if self.adopting()
            && let Some(adopted) = self.adopt_one(kind, name, fixed, adoption, &tags)?
        {
            let index = self.record(Op::Adopt, &adopted);
            return Ok((adopted, index));
        }
        let created = create(&tags)?;
        self.made.borrow_mut().insert(created.id.clone());
        let index = self.record(Op::Create, &created);
        Ok((created, index))
    }

    /// The untagged resource an ensure adopts, tagged; `None` when there is
    /// no candidate.
    fn adopt_one(
        &self,
        kind: Kind,
        name: &str,
        fixed: &[(&str, String)],
        adoption: Option<Adoption>,
        tags: &Tags,
    ) -> HostResult<Option<Resource>> {
        let hint = self.hints.borrow().get(&(kind, name.to_string())).cloned();
        let by_hint = |r: &Resource| Some(r.id.as_str()) == hint.as_deref();
        let adoption = match (&hint, adoption) {
            (Some(_), _) => Adoption::by(&by_hint),
            (None, Some(a)) => a,
            (None, None) => return Ok(None),
        };
        let (matches, unchecked) = (adoption.matches, adoption.unchecked);
        let candidates: Vec<Resource> = self
            .cloud
            .untagged(kind)
            .map_err(HostError::from)?
            .into_iter()
            .filter(|r| matches(r))
            .collect();
        let candidate = match candidates.as_slice() {
            [] => return Ok(None),
            [one] => one,
            several => return Err(ambiguous(kind, name, several).into()),
        };
        for (key, wanted) in fixed.iter().filter(|(k, _)| !unchecked.contains(k)) {
            let actual = attr_text(candidate, key);
            if &actual != wanted {
                return Err(adopt_drift(candidate, name, key, &actual, wanted).into());
            }
        }
        self.checkpoint()?;
        let adopted = self.cloud.adopt(candidate, tags).map_err(HostError::from)?;
        Ok(Some(adopted))
    }

    fn record(&self, op: Op, resource: &Resource) -> usize {
        let action = Action::new(op, resource, detail(resource)).priced(resource, &self.region());
        let mut actions = self.actions.borrow_mut();
        actions.push(action);
        actions.len() - 1
    }

    /// Notes something added to the resource of action `index`.
    pub fn change(&self, index: usize, what: String) {
        let mut actions = self.actions.borrow_mut();
        let action = &mut actions[index];
        if action.op == Op::Exists {
            action.op = Op::Change;
        }
        action.changes.push(what);
    }

    /// Records an action on a resource that was not ensured (e.g.
    /// terminate); returns its index, for [`Session::change`].
    pub fn note(&self, op: Op, resource: &Resource, what: String) -> usize {
        let mut action = Action::new(op, resource, String::new());
        if op == Op::Delete {
            action = action.priced(resource, &self.region());
        }
        action.detail = what;
        let mut actions = self.actions.borrow_mut();
        actions.push(action);
        actions.len() - 1
    }

    /// Updates the recorded detail of action `index` from the resource's
    /// final attributes.
    pub fn refresh_detail(&self, index: usize, resource: &Resource) {
        self.actions.borrow_mut()[index].detail = detail(resource);
    }

    /// Sends actions not yet shown to the sink.
    pub fn flush(&self) {
        let actions = self.actions.borrow();
        for action in &actions[self.printed.get()..] {
            self.sink.action(action, self.dry_run());
        }
        self.printed.set(actions.len());
    }

    pub fn print(&self, text: &str) {
        self.flush();
        self.output.borrow_mut().push(text.to_string());
        self.sink.print(text);
    }

    pub fn actions(&self) -> Vec<Action> {
        self.actions.borrow().clone()
    }

    pub fn output(&self) -> Vec<String> {
        self.output.borrow().clone()
    }

    /// Remembers a source text (script, stdlib file, module) for reports.
    pub fn add_source(&self, name: &str, text: &str) {
        let mut sources = self.sources.borrow_mut();
        if !sources.contains_key(name) {
            sources.insert(name.to_string(), text.to_string());
        }
    }

    pub fn source(&self, name: &str) -> Option<String> {
        self.sources.borrow().get(name).cloned()
    }

    pub fn default_vpc(&self) -> HostResult<Resource> {
        if let Some(vpc) = self.default_vpc.borrow().as_ref() {
            return Ok(vpc.clone());
        }
        let vpc = self.cloud.default_vpc().map_err(HostError::from)?;
        *self.default_vpc.borrow_mut() = Some(vpc.clone());
        Ok(vpc)
    }

    pub fn shared_nat(&self) -> Option<Resource> {
        self.shared_nat.borrow().clone()
    }

    pub fn remember_nat(&self, nat: &Resource) {
        let mut shared = self.shared_nat.borrow_mut();
        if shared.is_none() {
            *shared = Some(nat.clone());
        }
    }
}

/// The error a run stops with after Ctrl-C.
pub fn interrupted_error() -> HostError {
    HostError::new(code::Stop::Interrupted, "interrupted by Ctrl-C")
        .help("re-run the script to continue where it stopped (nothing is created twice), or remove what it made with `awsrun destroy --stack NAME`")
}

/// Names become the `Name` tag: AWS allows 1 to 255 characters.
fn check_name(kind: Kind, name: &str) -> HostResult<()> {
    if name.trim().is_empty() || name.chars().count() > 255 {
        return Err(HostError::new(
            code::Resource::InvalidName,
            format!("{kind} name must be 1 to 255 characters, got {:?}", name),
        )
        .help("the name becomes the resource's Name tag; give each resource a short, unique name")
        .into());
    }
    Ok(())
}

fn drift(existing: &Resource, key: &str, actual: &str, wanted: &str, stack: &str) -> HostError {
    HostError::new(
        code::Resource::Drift,
        format!(
            "{} \"{}\" ({}) already exists with {key} = {actual}, but the script asks for {key} = {wanted}",
            existing.kind, existing.name, existing.id
        ),
    )
    .help(format!(
        "awsrun never replaces a resource silently: change the script back to {key} = {actual}, \
         give the resource a new name, or remove the stack first with `awsrun destroy --stack {stack}`"
    ))
}

/// Two or more untagged resources match one ensure: none is adopted.
fn ambiguous(kind: Kind, name: &str, candidates: &[Resource]) -> HostError {
    let list: Vec<String> = candidates
        .iter()
        .map(|r| {
            let detail = detail(r);
            if detail.is_empty() {
                format!("{kind} {}", r.id)
            } else {
                format!("{kind} {} ({detail})", r.id)
            }
        })
        .collect();
    HostError::new(
        code::Resource::AdoptAmbiguous,
        format!(
            "--adopt: {} untagged resources match {kind} \"{name}\": {}; nothing was tagged",
            candidates.len(),
            list.join("; ")
        ),
    )
    .help(format!(
        "tell awsrun which one is meant: tag it by hand with Name={name} and awsrun:stack=STACK \
         (`aws ec2 create-tags` / `aws elbv2 add-tags`), or remove the other one, then run again"
    ))
}

/// An untagged candidate that matches an ensure but differs in a fixed
/// attribute: the drift error, and nothing is tagged.
fn adopt_drift(
    candidate: &Resource,
    name: &str,
    key: &str,
    actual: &str,
    wanted: &str,
) -> HostError {
    HostError::new(
        code::Resource::Drift,
        format!(
            "{} {} (untagged, a candidate for \"{name}\") already exists with {key} = {actual}, but the script asks for {key} = {wanted}",
            candidate.kind, candidate.id
        ),
    )
    .help(format!(
        "awsrun never replaces a resource silently, and adopted nothing: change the script to {key} = {actual} to adopt it, \
         or remove it (or run without --adopt) to have awsrun create its own"
    ))
}

/// An attribute as comparable text (lists sorted and comma-joined).
pub fn attr_text(resource: &Resource, key: &str) -> String {
    use serde_json::Value;
    match resource.attr(key) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => {
            let mut parts: Vec<String> = items
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect();
            parts.sort();
            parts.join(",")
        }
        Some(other) => other.to_string(),
    }
}

/// The key attributes shown on a plan line.
pub fn detail(r: &Resource) -> String {
    let keys = r.kind.info().plan_keys;
    let empty_list = |k: &&&str| match r.attr(k) {
        Some(serde_json::Value::Array(a)) => a.is_empty(),
        Some(serde_json::Value::String(text)) => text.is_empty(),
        _ => false,
    };
    keys.iter()
        .filter(|k| r.attr(k).is_some() && !empty_list(k))
        .map(|k| format!("{k}={}", attr_text(r, k)))
        .collect::<Vec<_>>()
        .join(" ")
}
