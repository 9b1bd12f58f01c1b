//! Strict parsing of the option maps (`OPTS`) host functions take.
//!
//! An unknown key is an error naming the key, the allowed keys and the
//! nearest one; a value of the wrong type or the wrong resource kind is an
//! error naming what was expected.

use super::host_error::{HostError, HostResult};
use super::suggest::nearest;
use crate::cidr::Cidr;
use crate::cloud::{Kind, Resource};
use crate::diagnostic::code;
use rhai::{Array, Dynamic, Map};

/// The options of one call, checked against the keys its function allows.
pub struct Opts {
    func: String,
    map: Map,
}

impl Opts {
    /// The options of a host function (`"subnet"`) or of the maps nested in
    /// them (`"route_table(routes)"`), checked against its descriptor.
    pub fn of(path: &str, map: Map) -> HostResult<Self> {
        let keys = super::functions::option_keys(path)
            .unwrap_or_else(|| panic!("`{path}` has no option keys in engine/functions.rs"));
        Opts::new(path, map, &keys)
    }

    /// The options of a call, checked against `allowed` (a team module's
    /// own function, through `check_opts`).
    pub fn new(func: &str, map: Map, allowed: &[&str]) -> HostResult<Self> {
        for key in map.keys() {
            if !allowed.contains(&key.as_str()) {
                let docs = format!("`awsrun docs {}` describes each option", doc_name(func));
                let help = match nearest(key, allowed.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`? {docs}"),
                    None => docs,
                };
                let err = HostError::new(
                    code::Opts::UnknownKey,
                    format!(
                        "{}: unknown option `{key}`; allowed: {}",
                        call(func),
                        allowed.join(", ")
                    ),
                )
                .help(help);
                return Err(err.into());
            }
        }
        Ok(Opts {
            func: func.to_string(),
            map,
        })
    }

    /// The function these options belong to, as messages name it (`subnet()`).
    pub fn func(&self) -> String {
        call(&self.func)
    }

    /// An error for a value outside the allowed ones, with what to write instead.
    pub fn value_error(
        &self,
        key: &str,
        message: String,
        help: String,
    ) -> Box<rhai::EvalAltResult> {
        HostError::new(
            code::Opts::Value,
            format!("{}: option `{key}` {message}", self.func()),
        )
        .help(help)
        .into()
    }

    pub fn get(&self, key: &str) -> Option<&Dynamic> {
        self.map.get(key).filter(|v| !v.is_unit())
    }

    fn type_error(&self, key: &str, expected: &str, got: &Dynamic) -> Box<rhai::EvalAltResult> {
        let help = if got.is_string() && expected.contains("integer") {
            format!(
                "turn text (a `--var` value, say) into a number with parse_int(...), e.g. `{key}: parse_int({key})`"
            )
        } else if got.is_string() && expected.contains("true or false") {
            format!("write `{key}: true` or `{key}: false`, without quotes")
        } else {
            format!(
                "`awsrun docs {}` describes each option",
                doc_name(&self.func)
            )
        };
        HostError::new(
            code::Opts::Type,
            format!(
                "{}: option `{key}` must be {expected}, got {}",
                self.func(),
                describe(got)
            ),
        )
        .help(help)
        .into()
    }

    pub fn missing(&self, key: &str) -> Box<rhai::EvalAltResult> {
        HostError::new(
            code::Opts::Missing,
            format!("{}: option `{key}` is required", self.func()),
        )
        .help(format!(
            "add `{key}: ...` to the options map; `awsrun docs {}` shows an example",
            doc_name(&self.func)
        ))
        .into()
    }

    pub fn str(&self, key: &str) -> HostResult<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.is_string() => Ok(Some(v.to_string())),
            Some(v) => Err(self.type_error(key, "a string", v)),
        }
    }

    pub fn req_str(&self, key: &str) -> HostResult<String> {
        self.str(key)?.ok_or_else(|| self.missing(key))
    }

    pub fn int(&self, key: &str) -> HostResult<Option<i64>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_int()
                .map(Some)
                .map_err(|_| self.type_error(key, "an integer", v)),
        }
    }

    /// An integer option that must fit `lo..=hi`.
    pub fn int_in(&self, key: &str, lo: i64, hi: i64) -> HostResult<Option<i64>> {
        match self.int(key)? {
            Some(n) if n < lo || n > hi => Err(HostError::new(
                code::Opts::Range,
                format!(
                    "{}: option `{key}` must be {lo} to {hi}, got {n}",
                    self.func()
                ),
            )
            .help(format!("give `{key}` a value from {lo} to {hi}"))
            .into()),
            other => Ok(other),
        }
    }

    pub fn bool(&self, key: &str) -> HostResult<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_bool()
                .map(Some)
                .map_err(|_| self.type_error(key, "true or false", v)),
        }
    }

    /// A CIDR given as text or as a `cidr(...)` value, as text.
    pub fn cidr(&self, key: &str) -> HostResult<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.is_string() => Ok(Some(v.to_string())),
            Some(v) if v.is::<Cidr>() => Ok(Some(v.clone().cast::<Cidr>().to_string())),
            Some(v) => Err(self.type_error(key, "a CIDR text such as \"10.0.0.0/16\"", v)),
        }
    }

    pub fn resource(&self, key: &str, kind: Kind) -> HostResult<Option<Resource>> {
        self.get(key)
            .map(|v| expect_kind(&self.func, key, v, kind))
            .transpose()
    }

    pub fn req_resource(&self, key: &str, kind: Kind) -> HostResult<Resource> {
        self.resource(key, kind)?.ok_or_else(|| self.missing(key))
    }

    /// One resource or an array of them, all of `kind`.
    pub fn resources(&self, key: &str, kind: Kind) -> HostResult<Vec<Resource>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(v) if v.is_array() => {
                let items = v.clone().cast::<Array>();
                items
                    .iter()
                    .map(|item| expect_kind(&self.func, key, item, kind))
                    .collect()
            }
            Some(v) => Ok(vec![expect_kind(&self.func, key, v, kind)?]),
        }
    }

    pub fn array(&self, key: &str) -> HostResult<Vec<Dynamic>> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(v) if v.is_array() => Ok(v.clone().cast::<Array>()),
            Some(v) => Err(self.type_error(key, "an array", v)),
        }
    }

    pub fn map(&self, key: &str) -> HostResult<Option<Map>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) if v.is_map() => Ok(Some(v.clone().cast::<Map>())),
            Some(v) => Err(self.type_error(key, "an object map `#{...}`", v)),
        }
    }
}

/// `subnet` -> `subnet()`; a nested map's name (`target_group(health_check)`) stays.
fn call(func: &str) -> String {
    if func.contains('(') {
        func.to_string()
    } else {
        format!("{func}()")
    }
}

/// The function whose docs describe these options (`target_group(health_check)` -> `target_group`).
fn doc_name(func: &str) -> &str {
    func.split('(').next().unwrap_or(func)
}

/// Checks that a script value is a resource of `kind`.
pub fn expect_kind(func: &str, what: &str, value: &Dynamic, kind: Kind) -> HostResult<Resource> {
    if let Some(r) = value.clone().try_cast::<Resource>()
        && r.kind == kind
    {
        return Ok(r);
    }
    Err(HostError::new(
        code::Resource::KindMismatch,
        format!(
            "{func}(): `{what}` must be a {kind}, got {}",
            describe(value)
        ),
    )
    .help(kind_help(kind))
    .into())
}

fn kind_help(kind: Kind) -> String {
    let from = kind.info().made_by;
    format!("a {kind} comes from {from}")
}

/// A short description of a script value for error messages.
pub fn describe(value: &Dynamic) -> String {
    if let Some(r) = value.clone().try_cast::<Resource>() {
        return format!("{} \"{}\"", r.kind, r.name);
    }
    if value.is_string() {
        return format!("the string \"{value}\"");
    }
    if value.is_map() {
        return "an object map".to_string();
    }
    if value.is_array() {
        return "an array".to_string();
    }
    if value.is_unit() {
        return "()".to_string();
    }
    format!("{} {value}", value.type_name())
}
