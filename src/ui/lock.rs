//! The stack lock and the run log around a live `run`, `destroy` or
//! `unlock` (and each writing line of the live prompt).
//!
//! Invariants:
//! - One writer per stack: a live command holds `locks/<stack>.json` in the
//!   state bucket while it plans, asks and writes. The lock is taken with a
//!   conditional write, so of two runs started together exactly one gets
//!   it; the other waits (a line on stderr says who holds it, since when,
//!   doing what, where), polling every 2 s up to `--lock-timeout`, then
//!   stops with `awsrun::lock::held`, having changed nothing.
//! - A [`Held`] lock is released when it is dropped, whichever way the
//!   command ends (success, failure, refusal, Ctrl-C), and just before the
//!   release the run's record is appended to the log. Only the lock this
//!   run wrote is deleted (`If-Match` on its ETag). A process killed with
//!   SIGKILL leaves its lock: the next run names the holder and its age,
//!   and `awsrun unlock --stack NAME` clears it.
//! - The state bucket is found (`HeadBucket`) but never created by a
//!   command that only reads; a live command creates it after the user
//!   confirmed the plan that shows it.

use super::run_log::{self, LockBody, LoggedAction, Record};
use super::{Config, Exit, report_alone};
use crate::cloud::aws::{AwsCloud, Put};
use crate::cloud::{Cloud, CloudError};
use crate::diagnostic::Report;
use crate::diagnostic::code;
use crate::engine::plan::Action;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

/// How often a waiting run asks for the lock again.
const POLL: Duration = Duration::from_secs(2);

/// The help of a lock held by another run.
pub(crate) fn held_help(stack: &str) -> String {
    format!(
        "wait for that run to finish and try again (`--lock-timeout SECONDS` waits longer; \
         AWSRUN_LOCK_TIMEOUT); if it is dead (killed, or its machine is gone), check that \
         nothing else is changing the stack, then clear the lock with \
         `awsrun unlock --stack {stack}`"
    )
}

/// The state bucket of the account and region, as found.
pub(crate) struct StateBucket {
    aws: Rc<AwsCloud>,
    pub name: String,
    pub exists: bool,
}

/// A report for an S3 error on the state bucket.
fn state_report(bucket: &str, err: &CloudError) -> Box<Report> {
    Box::new(Report::carrying(
        &err.report_code(),
        format!("state bucket {bucket}: {err}"),
        err.hint.clone(),
    ))
}

impl StateBucket {
    /// The account (as the live backend reaches it) and its state bucket:
    /// what `log` and `unlock` start from.
    pub(crate) fn open(config: &Config) -> Result<(Rc<AwsCloud>, StateBucket), Box<Report>> {
        let aws = super::backend::live(config)?;
        let state = StateBucket::find(config, &aws)?;
        Ok((aws, state))
    }

    /// Finds the state bucket: `--state-bucket` (AWSRUN_STATE_BUCKET) or
    /// `awsrun-state-<account>-<region>`.
    pub(crate) fn find(config: &Config, aws: &Rc<AwsCloud>) -> Result<StateBucket, Box<Report>> {
        let name = match &config.state_bucket {
            Some(name) => name.clone(),
            None => aws
                .default_state_bucket()
                .map_err(|e| state_report("(default)", &e))?,
        };
        let exists = aws
            .bucket_exists(&name)
            .map_err(|e| state_report(&name, &e))?;
        Ok(StateBucket {
            aws: aws.clone(),
            name,
            exists,
        })
    }

    /// The plan line of a bucket this run will create.
    pub(crate) fn plan_line(&self) -> Option<String> {
        (!self.exists).then(|| {
            format!(
                "  + state bucket {} (private, encrypted: holds stack locks and the run log)",
                self.name
            )
        })
    }

    /// Creates the bucket (after the user confirmed the plan showing it).
    pub(crate) fn create(&mut self) -> Result<(), Box<Report>> {
        if !self.exists {
            self.aws
                .create_state_bucket(&self.name)
                .map_err(|e| state_report(&self.name, &e))?;
            self.exists = true;
        }
        Ok(())
    }

    /// The lock object of a stack, if one is there.
    pub(crate) fn holder(&self, stack: &str) -> Result<Option<(LockBody, String)>, Box<Report>> {
        if !self.exists {
            return Ok(None);
        }
        let key = run_log::lock_key(stack);
        let stored = self
            .aws
            .get_object(&self.name, &key)
            .map_err(|e| state_report(&self.name, &e))?;
        Ok(stored.map(|s| {
            let body = serde_json::from_slice(&s.body).unwrap_or_else(|_| unreadable_lock(stack));
            (body, s.etag)
        }))
    }

    /// Deletes a stack's lock whoever holds it (`awsrun unlock`), if it is
    /// still the one read (`etag`).
    pub(crate) fn clear(&self, stack: &str, etag: &str) -> Result<bool, Box<Report>> {
        self.aws
            .delete_object_if(&self.name, &run_log::lock_key(stack), Some(etag))
            .map_err(|e| state_report(&self.name, &e))
    }

    /// The stack's records, newest first, at most `limit`.
    pub(crate) fn records(&self, stack: &str, limit: usize) -> Result<Vec<Record>, Box<Report>> {
        self.record_keys(stack)?
            .into_iter()
            .take(limit)
            .filter_map(|key| self.record(&key).transpose())
            .collect()
    }

    /// The keys of the stack's records, newest first.
    pub(crate) fn record_keys(&self, stack: &str) -> Result<Vec<String>, Box<Report>> {
        if !self.exists {
            return Ok(Vec::new());
        }
        let keys = self
            .aws
            .object_keys(&self.name, &run_log::log_prefix(stack))
            .map_err(|e| state_report(&self.name, &e))?;
        Ok(run_log::newest_first(keys))
    }

    /// One record by its key; `None` when it is gone or not a record.
    pub(crate) fn record(&self, key: &str) -> Result<Option<Record>, Box<Report>> {
        let stored = self
            .aws
            .get_object(&self.name, key)
            .map_err(|e| state_report(&self.name, &e))?;
        Ok(stored.and_then(|s| serde_json::from_slice(&s.body).ok()))
    }

    /// The lock at `key`, written by this run with `etag`.
    fn held(&self, key: String, etag: String, run: RunInfo) -> Held {
        Held {
            aws: self.aws.clone(),
            bucket: self.name.clone(),
            key,
            etag,
            run,
            outcome: Outcome::default(),
        }
    }

    /// Takes the stack's lock, waiting up to `timeout` for another holder
    /// to release it. A lock still held then is reported
    /// (`awsrun::lock::held`, exit 1); Ctrl-C while waiting ends with exit
    /// 130. Either way nothing was changed.
    pub(crate) fn lock(
        &self,
        config: &Config,
        stack: &str,
        timeout: Duration,
        run: RunInfo,
    ) -> Result<Held, Exit> {
        let key = run_log::lock_key(stack);
        let body = LockBody {
            stack: stack.to_string(),
            who: run.who.clone(),
            since: run_log::format_time(SystemTime::now()),
            command: run.command.clone(),
            host: run.host.clone(),
            pid: std::process::id(),
            run_id: run.id.clone(),
        };
        let bytes = serde_json::to_vec_pretty(&body).unwrap_or_default();
        let started = Instant::now();
        let interrupted = super::interrupt_flag();
        let mut shown: Option<LockBody> = None;
        let mut last_note = Instant::now();
        loop {
            let put = self
                .aws
                .put_new_object(&self.name, &key, &bytes)
                .map_err(|e| {
                    report_alone(config, &state_report(&self.name, &e));
                    Exit::Failure
                })?;
            if let Put::Written { etag } = put {
                return Ok(self.held(key, etag, run));
            }
            let holder = match self.holder(stack) {
                // Our own write, whose answer was lost and whose retry S3
                // refused: the lock is ours.
                Ok(Some((holder, etag))) if holder == body => {
                    return Ok(self.held(key, etag, run));
                }
                Ok(Some((holder, _))) => holder,
                // Released between the write and the read: ask again.
                Ok(None) => continue,
                Err(rep) => {
                    report_alone(config, &rep);
                    return Err(Exit::Failure);
                }
            };
            let waited = started.elapsed();
            if waited >= timeout {
                let message = format!(
                    "stack \"{stack}\" is locked by another run: {}",
                    holder.describe(SystemTime::now())
                );
                report_alone(
                    config,
                    &Report::plain(code::Lock::Held, &message, Some(held_help(stack))),
                );
                eprintln!("Nothing was changed.");
                return Err(Exit::Failure);
            }
            if shown.as_ref() != Some(&holder) || last_note.elapsed() >= Duration::from_secs(30) {
                eprintln!(
                    "waiting for the lock of stack \"{stack}\": {} (waited {}, up to {} s; Ctrl-C stops)",
                    holder.describe(SystemTime::now()),
                    run_log::age(waited),
                    timeout.as_secs()
                );
                shown = Some(holder);
                last_note = Instant::now();
            }
            let until = Instant::now() + POLL.min(timeout.saturating_sub(waited));
            while Instant::now() < until {
                if interrupted.load(Ordering::SeqCst) {
                    eprintln!("Interrupted while waiting for the lock: nothing was changed.");
                    return Err(Exit::Interrupted);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// A lock body that does not parse (written by hand, say).
fn unreadable_lock(stack: &str) -> LockBody {
    LockBody {
        stack: stack.to_string(),
        who: "(unreadable lock object)".into(),
        since: "?".into(),
        command: Vec::new(),
        host: "?".into(),
        pid: 0,
        run_id: "?".into(),
    }
}

/// Who runs what: the part of the log record known when the run starts.
#[derive(Debug, Clone)]
pub(crate) struct RunInfo {
    pub id: String,
    pub started: SystemTime,
    pub clock: Instant,
    pub who: String,
    pub host: String,
    pub command: Vec<String>,
    pub region: String,
    pub stack: String,
    pub script: Option<(String, String)>,
    pub vars: BTreeMap<String, String>,
}

impl RunInfo {
    /// This process running on `stack` as the caller `aws` reports.
    pub(crate) fn new(config: &Config, aws: &AwsCloud, stack: &str) -> Result<RunInfo, Exit> {
        let who = match aws.whoami() {
            Ok(identity) => identity.arn,
            Err(e) => {
                report_alone(config, &super::backend::connect_report(&e));
                return Err(Exit::Failure);
            }
        };
        Ok(RunInfo {
            id: run_log::new_run_id(),
            started: SystemTime::now(),
            clock: Instant::now(),
            who,
            host: run_log::host_name(),
            command: run_log::this_command(),
            region: aws.region(),
            stack: stack.to_string(),
            script: None,
            vars: BTreeMap::new(),
        })
    }

    /// The script and variables of a `run`, for its record.
    pub(crate) fn with_script(
        mut self,
        script: &crate::engine::Script,
        vars: &BTreeMap<String, String>,
    ) -> RunInfo {
        self.script = Some((script.name(), run_log::sha256_hex(&script.source)));
        self.vars = run_log::redact_vars(vars);
        self
    }
}

/// How the command ended, for its record.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub exit: Exit,
    pub error: Option<String>,
    pub actions: Vec<LoggedAction>,
}

impl Default for Outcome {
    /// What a record says of a command that ended without saying how (a
    /// panic unwinding through the guard).
    fn default() -> Self {
        Outcome {
            exit: Exit::Failure,
            error: None,
            actions: Vec::new(),
        }
    }
}

/// A stack's lock, held: released (with the run's record written first)
/// when dropped.
pub(crate) struct Held {
    aws: Rc<AwsCloud>,
    bucket: String,
    key: String,
    etag: String,
    run: RunInfo,
    outcome: Outcome,
}

impl Held {
    /// How the command ended: the record written at release says so.
    pub(crate) fn ended(&mut self, exit: Exit, error: Option<String>, actions: &[Action]) {
        self.outcome = Outcome {
            exit,
            error,
            actions: actions.iter().map(LoggedAction::of).collect(),
        };
    }

    fn record(&self) -> Record {
        record_of(&self.run, &self.outcome)
    }
}

/// The record of a run that ended so.
fn record_of(run: &RunInfo, outcome: &Outcome) -> Record {
    Record {
        id: run.id.clone(),
        started: run_log::format_time(run.started),
        duration_seconds: (run.clock.elapsed().as_millis() as f64) / 1000.0,
        who: run.who.clone(),
        host: run.host.clone(),
        command: run.command.clone(),
        script: run.script.as_ref().map(|(name, _)| name.clone()),
        script_sha256: run.script.as_ref().map(|(_, sha)| sha.clone()),
        vars: run.vars.clone(),
        actions: outcome.actions.clone(),
        exit: outcome.exit as i32,
        error: outcome.error.clone(),
        region: run.region.clone(),
        stack: run.stack.clone(),
        awsrun: env!("CARGO_PKG_VERSION").to_string(),
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        let record = self.record();
        let key = run_log::log_key(&record.stack, self.run.started, &record.id);
        let body = serde_json::to_vec_pretty(&record).unwrap_or_default();
        if let Err(e) = self.aws.put_object(&self.bucket, &key, &body) {
            eprintln!("warning: the run log record could not be written: {e}");
        }
        match self
            .aws
            .delete_object_if(&self.bucket, &self.key, Some(&self.etag))
        {
            Ok(true) => {}
            Ok(false) => eprintln!(
                "warning: the lock of stack \"{}\" was no longer this run's (cleared with `awsrun unlock`?)",
                record.stack
            ),
            Err(e) => eprintln!(
                "warning: the lock of stack \"{}\" could not be released ({e}); clear it with `awsrun unlock --stack {}`",
                record.stack, record.stack
            ),
        }
    }
}

/// Appends a record for a command that held no lock of its own (`unlock`).
pub(crate) fn append_record(bucket: &StateBucket, run: &RunInfo, outcome: &Outcome) {
    let record = record_of(run, outcome);
    let key = run_log::log_key(&record.stack, run.started, &record.id);
    let body = serde_json::to_vec_pretty(&record).unwrap_or_default();
    if let Err(e) = bucket.aws.put_object(&bucket.name, &key, &body) {
        eprintln!("warning: the run log record could not be written: {e}");
    }
}

/// The live prompt's lock: taken by the backend at the first write of a
/// line (creating the state bucket then if there is none: going live was
/// confirmed), released when the line ends. A lock held by another run
/// fails that write with `StackLocked`, at once: the prompt does not wait.
pub(crate) struct LineLock {
    aws: Rc<AwsCloud>,
    bucket: String,
    key: String,
    etag: Arc<Mutex<Option<String>>>,
}

impl LineLock {
    /// Gates every write of `aws` on the lock of `stack`.
    pub(crate) fn install(
        config: &Config,
        aws: &Rc<AwsCloud>,
        stack: &str,
    ) -> Result<LineLock, Box<Report>> {
        let state = StateBucket::find(config, aws)?;
        let who = aws
            .whoami()
            .map_err(|e| Box::new(super::backend::connect_report(&e)))?
            .arn;
        let etag: Arc<Mutex<Option<String>>> = Arc::default();
        let exists = AtomicBool::new(state.exists);
        let (bucket, key) = (state.name.clone(), run_log::lock_key(stack));
        let (held, gate_bucket, gate_key) = (etag.clone(), bucket.clone(), key.clone());
        let (stack, host, command) = (
            stack.to_string(),
            run_log::host_name(),
            run_log::this_command(),
        );
        aws.gate_writes(Box::new(move |aws: &AwsCloud| {
            let mut held = held.lock().unwrap_or_else(|p| p.into_inner());
            if held.is_some() {
                return Ok(());
            }
            if !exists.load(Ordering::SeqCst) {
                aws.create_state_bucket(&gate_bucket)?;
                exists.store(true, Ordering::SeqCst);
            }
            let body = LockBody {
                stack: stack.clone(),
                who: who.clone(),
                since: run_log::format_time(SystemTime::now()),
                command: command.clone(),
                host: host.clone(),
                pid: std::process::id(),
                run_id: run_log::new_run_id(),
            };
            let bytes = serde_json::to_vec_pretty(&body).unwrap_or_default();
            match aws.put_new_object(&gate_bucket, &gate_key, &bytes)? {
                Put::Written { etag } => {
                    *held = Some(etag);
                    Ok(())
                }
                Put::Taken => {
                    let stored = aws.get_object(&gate_bucket, &gate_key)?;
                    let found = stored.and_then(|s| {
                        serde_json::from_slice::<LockBody>(&s.body)
                            .ok()
                            .map(|b| (b, s.etag))
                    });
                    // Our own write, whose answer was lost: the lock is ours.
                    if let Some((found, etag)) = &found
                        && *found == body
                    {
                        *held = Some(etag.clone());
                        return Ok(());
                    }
                    let holder = found.map(|(b, _)| b).map_or_else(
                        || "held by another run".to_string(),
                        |h| h.describe(SystemTime::now()),
                    );
                    Err(CloudError::new(
                        "lock",
                        code::Backend::StackLocked,
                        format!("stack \"{stack}\" is locked by another run: {holder}"),
                    )
                    .with_hint(held_help(&stack)))
                }
            }
        }));
        Ok(LineLock {
            aws: aws.clone(),
            bucket,
            key,
            etag,
        })
    }

    /// Releases the lock if the line took it.
    pub(crate) fn release(&self) {
        let taken = self.etag.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(etag) = taken
            && let Err(e) = self
                .aws
                .delete_object_if(&self.bucket, &self.key, Some(&etag))
        {
            eprintln!(
                "warning: the stack's lock could not be released ({e}); `awsrun unlock` clears it"
            );
        }
    }
}

impl Drop for LineLock {
    fn drop(&mut self) {
        self.release();
    }
}
