//! The run log and what a lock records, as data: one JSON record per live
//! `run`, `destroy` or `unlock` that held a stack's lock, stored at
//! `log/<stack>/<UTC start, sortable, ms>-<run id>.json` in the state
//! bucket, so that S3's key order is start order and the newest run is the
//! last key. This file is the pure part (records, keys, redaction, times,
//! the lines `awsrun log` prints); `lock.rs` reads and writes them.
//!
//! Invariants:
//! - A `--var` whose key looks secret (it holds `password`, `secret`,
//!   `token` or `key`) is `***` in every record and lock body: in `vars`
//!   and in the command line.
//! - Times are UTC, RFC 3339 with milliseconds (`2026-12-01T16:50:00.123Z`).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What a redacted value reads as.
pub(crate) const REDACTED: &str = "***";

/// One action of a run, as the run's JSON output has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LoggedAction {
    pub op: String,
    pub kind: String,
    pub name: String,
    pub id: String,
}

impl LoggedAction {
    /// Op, kind, name and id of an action as `--output json` shows them.
    pub fn of(action: &crate::engine::plan::Action) -> LoggedAction {
        let json = serde_json::to_value(action).unwrap_or_default();
        let field = |k: &str| json[k].as_str().unwrap_or_default().to_string();
        LoggedAction {
            op: field("op"),
            kind: field("kind"),
            name: field("name"),
            id: field("id"),
        }
    }
}

/// One run in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Record {
    pub id: String,
    pub started: String,
    pub duration_seconds: f64,
    pub who: String,
    pub host: String,
    pub command: Vec<String>,
    pub script: Option<String>,
    pub script_sha256: Option<String>,
    pub vars: BTreeMap<String, String>,
    pub actions: Vec<LoggedAction>,
    pub exit: i32,
    pub error: Option<String>,
    pub region: String,
    pub stack: String,
    pub awsrun: String,
}

/// What a lock object holds: who holds the stack, since when, doing what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LockBody {
    pub stack: String,
    pub who: String,
    pub since: String,
    pub command: Vec<String>,
    pub host: String,
    pub pid: u32,
    pub run_id: String,
}

impl LockBody {
    /// `arn:... since 2026-12-01T16:50:00.123Z (3 min ago), running `awsrun
    /// run web.rhai` on host-1 (pid 42)`.
    pub fn describe(&self, now: SystemTime) -> String {
        let age = parse_time(&self.since)
            .and_then(|t| now.duration_since(t).ok())
            .map_or_else(|| "age unknown".to_string(), |d| format!("{} ago", age(d)));
        format!(
            "held by {} since {} ({age}), running `{}` on {} (pid {})",
            self.who,
            self.since,
            self.command.join(" "),
            self.host,
            self.pid
        )
    }
}

/// The lock's key.
pub(crate) fn lock_key(stack: &str) -> String {
    format!("locks/{stack}.json")
}

/// Where a stack's records live.
pub(crate) fn log_prefix(stack: &str) -> String {
    format!("log/{stack}/")
}

/// A record's key: sortable UTC start time with milliseconds, then the id.
pub(crate) fn log_key(stack: &str, started: SystemTime, id: &str) -> String {
    let (date, time, millis) = civil(started);
    let compact = format!(
        "{}T{}.{millis:03}Z",
        date.replace('-', ""),
        time.replace(':', "")
    );
    format!("{}{compact}-{id}.json", log_prefix(stack))
}

/// Keys newest first (the start time leads each key, so it sorts by text).
pub(crate) fn newest_first(mut keys: Vec<String>) -> Vec<String> {
    keys.sort_unstable_by(|a, b| b.cmp(a));
    keys
}

/// The run id of a key (`...-<id>.json`).
pub(crate) fn key_id(key: &str) -> Option<&str> {
    key.strip_suffix(".json")?.rsplit('-').next()
}

/// Whether a `--var` key looks like it holds a secret.
pub(crate) fn secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "secret", "token", "key"]
        .iter()
        .any(|word| key.contains(word))
}

/// The variables with secret-looking values as `***`.
pub(crate) fn redact_vars(vars: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    vars.iter()
        .map(|(k, v)| {
            let shown = if secret_key(k) { REDACTED } else { v.as_str() };
            (k.clone(), shown.to_string())
        })
        .collect()
}

/// The command line with secret-looking `--var` values as `***`, in
/// either spelling (`--var K=V`, `--var=K=V`).
pub(crate) fn redact_argv(argv: &[String]) -> Vec<String> {
    let hide = |pair: &str| match pair.split_once('=') {
        Some((k, _)) if secret_key(k) => format!("{k}={REDACTED}"),
        _ => pair.to_string(),
    };
    let mut out = Vec::with_capacity(argv.len());
    let mut value_next = false;
    for arg in argv {
        if value_next {
            out.push(hide(arg));
            value_next = false;
        } else if arg == "--var" {
            out.push(arg.clone());
            value_next = true;
        } else if let Some(pair) = arg.strip_prefix("--var=") {
            out.push(format!("--var={}", hide(pair)));
        } else {
            out.push(arg.clone());
        }
    }
    out
}

/// This process's command line, redacted, with the program as `awsrun`.
pub(crate) fn this_command() -> Vec<String> {
    let mut argv: Vec<String> = std::env::args().collect();
    if let Some(first) = argv.first_mut() {
        *first = "awsrun".to_string();
    }
    redact_argv(&argv)
}

/// 8 hex characters, different for each run.
pub(crate) fn new_run_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    hasher.write_u128(nanos);
    format!("{:08x}", hasher.finish() as u32)
}

/// This machine's name, as the kernel knows it.
pub(crate) fn host_name() -> String {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    read("/proc/sys/kernel/hostname")
        .or_else(|| read("/etc/hostname"))
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown-host".to_string())
}

/// The SHA-256 of a script's text, in hex.
pub(crate) fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) to days since 1970-01-01.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// ("YYYY-MM-DD", "HH:MM:SS", ms) of a moment, in UTC.
fn civil(t: SystemTime) -> (String, String, u32) {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs() as i64;
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let rest = secs.rem_euclid(86_400);
    (
        format!("{y:04}-{mo:02}-{d:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            rest / 3600,
            rest % 3600 / 60,
            rest % 60
        ),
        since.subsec_millis(),
    )
}

/// RFC 3339 in UTC with milliseconds: `2026-12-01T16:50:00.123Z`.
pub(crate) fn format_time(t: SystemTime) -> String {
    let (date, time, millis) = civil(t);
    format!("{date}T{time}.{millis:03}Z")
}

/// Reads what [`format_time`] writes (and the same without milliseconds).
pub(crate) fn parse_time(text: &str) -> Option<SystemTime> {
    let text = text.strip_suffix('Z')?;
    let (date, time) = text.split_once('T')?;
    let mut ymd = date.splitn(3, '-').map(str::parse::<i64>);
    let (y, mo, d) = (ymd.next()?.ok()?, ymd.next()?.ok()?, ymd.next()?.ok()?);
    let (hms, millis) = match time.split_once('.') {
        Some((hms, ms)) => (hms, ms.get(..3).unwrap_or(ms).parse::<u64>().ok()?),
        None => (time, 0),
    };
    let mut parts = hms.splitn(3, ':').map(str::parse::<i64>);
    let (h, mi, s) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    let days = days_from_civil(y, u32::try_from(mo).ok()?, u32::try_from(d).ok()?);
    let secs = u64::try_from(days * 86_400 + h * 3600 + mi * 60 + s).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis))
}

/// A span as people say it: `42 s`, `3 min`, `2 h 5 min`, `3 days`.
pub(crate) fn age(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        3600..86_400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} days", s / 86_400),
    }
}

/// A run's length: `4.2s`, `3m07s`.
fn duration(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else {
        let s = seconds.round() as u64;
        format!("{}m{:02}s", s / 60, s % 60)
    }
}

/// The user or role part of an ARN: `user/alice` -> `alice`,
/// `assumed-role/Admin/bob` -> `Admin/bob`.
pub(crate) fn who_short(arn: &str) -> &str {
    let resource = arn.rsplit(':').next().unwrap_or(arn);
    resource.split_once('/').map_or(resource, |(_, rest)| rest)
}

/// The command without the program, `--yes` and a script's folders, cut
/// to 60 characters.
fn command_short(command: &[String]) -> String {
    let words: Vec<&str> = command
        .iter()
        .skip(1)
        .map(String::as_str)
        .filter(|w| *w != "--yes")
        .map(|w| match w.rsplit_once('/') {
            Some((_, file)) if w.ends_with(".rhai") && !w.starts_with('-') => file,
            _ => w,
        })
        .collect();
    let text = words.join(" ");
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

impl Record {
    /// `ok`, `failed (CODE)`, `interrupted`, `refused`, `exit N`.
    pub fn result(&self) -> String {
        match (self.exit, &self.error) {
            (0, _) => "ok".into(),
            (130, _) => "interrupted".into(),
            (1, Some(code)) => format!("failed ({code})"),
            (1, None) => "failed".into(),
            (2, _) => "refused".into(),
            (n, _) => format!("exit {n}"),
        }
    }

    /// `+2 ~1 -0`: created, changed, deleted; then `<3` when the run
    /// adopted hand-made resources.
    pub fn counts(&self) -> String {
        let n = |op: &str| self.actions.iter().filter(|a| a.op == op).count();
        let counts = format!("+{} ~{} -{}", n("created"), n("changed"), n("deleted"));
        match n("adopted") {
            0 => counts,
            adopted => format!("{counts} <{adopted}"),
        }
    }

    /// One line of `awsrun log`, like `git log --oneline`.
    pub fn oneline(&self) -> String {
        let started = self.started.split('.').next().unwrap_or(&self.started);
        format!(
            "{} {}Z {} {} {} {} {}",
            self.id,
            started.trim_end_matches('Z'),
            who_short(&self.who),
            command_short(&self.command),
            self.result(),
            self.counts(),
            duration(self.duration_seconds)
        )
    }

    /// `awsrun log --show ID`: the header, then each action.
    pub fn show(&self) -> String {
        let mut lines = vec![
            format!("run {}", self.id),
            format!("stack:    {} in {}", self.stack, self.region),
            format!("started:  {}", self.started),
            format!("duration: {}", duration(self.duration_seconds)),
            format!("who:      {}", self.who),
            format!("host:     {}", self.host),
            format!("command:  {}", self.command.join(" ")),
        ];
        if let Some(script) = &self.script {
            let sha = self.script_sha256.as_deref().unwrap_or("");
            lines.push(format!("script:   {script} (sha256 {sha})"));
        }
        for (k, v) in &self.vars {
            lines.push(format!("var:      {k}={v}"));
        }
        lines.push(format!("result:   {} (exit {})", self.result(), self.exit));
        lines.push(format!("awsrun:   {}", self.awsrun));
        if self.actions.is_empty() {
            lines.push("actions:  none".into());
        } else {
            lines.push(format!("actions:  {}", self.counts()));
            for a in &self.actions {
                lines.push(format!("  {} {} {} {}", a.op, a.kind, a.name, a.id));
            }
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64, millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs) + Duration::from_millis(millis)
    }

    fn record() -> Record {
        Record {
            id: "0a1b2c3d".into(),
            started: "2026-12-01T16:50:00.123Z".into(),
            duration_seconds: 75.4,
            who: "arn:aws:iam::123456789012:user/alice".into(),
            host: "build-1".into(),
            command: ["awsrun", "run", "web.rhai", "--yes"]
                .map(String::from)
                .to_vec(),
            script: Some("web.rhai".into()),
            script_sha256: Some("ab".into()),
            vars: BTreeMap::new(),
            actions: vec![
                LoggedAction {
                    op: "created".into(),
                    kind: "vpc".into(),
                    name: "main".into(),
                    id: "vpc-1".into(),
                },
                LoggedAction {
                    op: "existing".into(),
                    kind: "subnet".into(),
                    name: "a".into(),
                    id: "subnet-1".into(),
                },
            ],
            exit: 0,
            error: None,
            region: "ap-northeast-2".into(),
            stack: "web".into(),
            awsrun: "0.1.0".into(),
        }
    }

    #[test]
    fn counts_show_adopted_resources_only_when_a_run_adopted_some() {
        let mut r = record();
        assert_eq!(r.counts(), "+1 ~0 -0");
        for (n, id) in ["subnet-9", "nat-9"].iter().enumerate() {
            r.actions.push(LoggedAction {
                op: "adopted".into(),
                kind: "subnet".into(),
                name: format!("hand-{n}"),
                id: id.to_string(),
            });
        }
        assert_eq!(r.counts(), "+1 ~0 -0 <2");
        assert!(
            r.show().contains("  adopted subnet hand-1 nat-9"),
            "{}",
            r.show()
        );
    }

    #[test]
    fn times_are_rfc_3339_utc_with_milliseconds_and_read_back() {
        // 2026-12-01T16:50:00Z is 1796143800 s after the epoch.
        let t = at(1_796_143_800, 123);
        assert_eq!(format_time(t), "2026-12-01T16:50:00.123Z");
        assert_eq!(parse_time("2026-12-01T16:50:00.123Z"), Some(t));
        assert_eq!(format_time(at(0, 0)), "1970-01-01T00:00:00.000Z");
        // A leap day.
        let leap = parse_time("2024-02-29T23:59:59Z").unwrap();
        assert_eq!(format_time(leap), "2024-02-29T23:59:59.000Z");
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn keys_sort_by_start_time_and_newest_comes_first() {
        let early = log_key("web", at(1_796_143_800, 5), "aaaaaaaa");
        let late = log_key("web", at(1_796_143_800, 40), "00000000");
        let later = log_key("web", at(1_796_230_200, 0), "ffffffff");
        assert_eq!(early, "log/web/20261201T165000.005Z-aaaaaaaa.json");
        assert_eq!(
            newest_first(vec![late.clone(), early.clone(), later.clone()]),
            [later, late.clone(), early]
        );
        assert_eq!(key_id(&late), Some("00000000"));
        assert_eq!(lock_key("team-a.staging"), "locks/team-a.staging.json");
    }

    #[test]
    fn secret_looking_vars_are_hidden_in_both_spellings() {
        let argv: Vec<String> = [
            "awsrun",
            "run",
            "s.rhai",
            "--var",
            "db_password=hunter2",
            "--var=API_TOKEN=abc",
            "--var",
            "size=t3.small",
            "--var=ssh_key",
        ]
        .map(String::from)
        .to_vec();
        let shown = redact_argv(&argv).join(" ");
        assert_eq!(
            shown,
            "awsrun run s.rhai --var db_password=*** --var=API_TOKEN=*** --var size=t3.small --var=ssh_key"
        );
        let vars = BTreeMap::from([
            ("Secret_Name".to_string(), "x".to_string()),
            ("size".to_string(), "t3.small".to_string()),
        ]);
        let hidden = redact_vars(&vars);
        assert_eq!(hidden["Secret_Name"], "***");
        assert_eq!(hidden["size"], "t3.small");
    }

    #[test]
    fn a_record_is_one_line_and_a_page() {
        let r = record();
        assert_eq!(
            r.oneline(),
            "0a1b2c3d 2026-12-01T16:50:00Z alice run web.rhai ok +1 ~0 -0 1m15s"
        );
        let page = r.show();
        assert!(page.starts_with("run 0a1b2c3d\nstack:    web in ap-northeast-2"));
        assert!(page.contains("\n  created vpc main vpc-1"), "{page}");
        let failed = Record {
            exit: 1,
            error: Some("awsrun::aws::InvalidParameterValue".into()),
            duration_seconds: 4.25,
            ..r
        };
        assert!(
            failed
                .oneline()
                .ends_with("failed (awsrun::aws::InvalidParameterValue) +1 ~0 -0 4.2s"),
            "{}",
            failed.oneline()
        );
    }

    #[test]
    fn a_record_keeps_its_json_shape() {
        let json = serde_json::to_value(record()).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        for key in [
            "id",
            "started",
            "duration_seconds",
            "who",
            "host",
            "command",
            "script",
            "script_sha256",
            "vars",
            "actions",
            "exit",
            "error",
            "region",
            "stack",
            "awsrun",
        ] {
            assert!(keys.contains(&key), "{key} in {keys:?}");
        }
        let back: Record = serde_json::from_value(json).unwrap();
        assert_eq!(back, record());
    }

    #[test]
    fn a_lock_says_who_since_when_and_what() {
        let body = LockBody {
            stack: "web".into(),
            who: "arn:aws:iam::123456789012:user/alice".into(),
            since: "2026-12-01T16:50:00.000Z".into(),
            command: vec!["awsrun".into(), "destroy".into()],
            host: "laptop".into(),
            pid: 42,
            run_id: "0a1b2c3d".into(),
        };
        let now = at(1_796_143_800 + 185, 0);
        assert_eq!(
            body.describe(now),
            "held by arn:aws:iam::123456789012:user/alice since 2026-12-01T16:50:00.000Z (3 min ago), running `awsrun destroy` on laptop (pid 42)"
        );
        assert_eq!(
            who_short("arn:aws:sts::1:assumed-role/Admin/bob"),
            "Admin/bob"
        );
        assert_eq!(who_short("arn:aws:iam::1:root"), "root");
        assert_eq!(age(Duration::from_secs(7500)), "2 h 5 min");
        assert_eq!(new_run_id().len(), 8);
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
