//! Resources as script values: `.id`, `.name`, `.kind` and every documented
//! attribute (`.cidr`, `.dns_name`, ...), printable.

use crate::cloud::Resource;
use crate::diagnostic::code;
use crate::engine::host_error::{HostError, HostResult};
use rhai::{Dynamic, Engine};

pub fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<Resource>("Resource")
        .register_get("id", |r: &mut Resource| r.id.clone())
        .register_get("name", |r: &mut Resource| r.name.clone())
        .register_get("kind", |r: &mut Resource| r.kind.as_str().to_string());
    super::method("index$get$").register_into_engine(engine, attribute);
    engine
        .register_fn("to_string", |r: &mut Resource| display(r))
        .register_fn("to_debug", |r: &mut Resource| debug(r))
        .register_fn("==", |a: Resource, b: Resource| {
            a.kind == b.kind && a.id == b.id
        })
        .register_fn("!=", |a: Resource, b: Resource| {
            a.kind != b.kind || a.id != b.id
        });
}

/// `r.attr` / `r["attr"]`: a documented attribute, or an error listing them.
fn attribute(r: &mut Resource, key: &str) -> HostResult<Dynamic> {
    if key == "arn" && r.id.starts_with("arn:") {
        return Ok(r.id.clone().into());
    }
    match r.attr(key) {
        Some(value) => rhai::serde::to_dynamic(value),
        None => {
            let mut known: Vec<&str> = vec!["id", "name", "kind"];
            known.extend(r.attrs.keys().map(String::as_str));
            let help = match crate::engine::suggest::nearest(key, known.iter().copied()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => {
                    "`print(x.to_debug())` shows every attribute of `x` with its value".to_string()
                }
            };
            Err(HostError::new(
                code::Resource::UnknownAttribute,
                format!(
                    "a {} has no attribute `{key}`; it has: {}",
                    r.kind,
                    known.join(", ")
                ),
            )
            .help(help)
            .into())
        }
    }
}

pub fn display(r: &Resource) -> String {
    let detail = crate::engine::session::detail(r);
    if detail.is_empty() {
        format!("{} \"{}\" {}", r.kind, r.name, r.id)
    } else {
        format!("{} \"{}\" {} ({detail})", r.kind, r.name, r.id)
    }
}

fn debug(r: &Resource) -> String {
    let attrs = serde_json::to_string(&r.attrs).unwrap_or_default();
    format!("{} \"{}\" {} {attrs}", r.kind, r.name, r.id)
}

/// A script value as JSON, for `--output json`; resources become objects.
pub fn to_json(value: &Dynamic) -> serde_json::Value {
    if let Some(r) = value.clone().try_cast::<Resource>() {
        return serde_json::to_value(&r).unwrap_or_default();
    }
    if let Some(c) = value.clone().try_cast::<crate::cidr::Cidr>() {
        return serde_json::Value::String(c.to_string());
    }
    if value.is_array() {
        let items = value.clone().cast::<rhai::Array>();
        return serde_json::Value::Array(items.iter().map(to_json).collect());
    }
    if value.is_map() {
        let map = value.clone().cast::<rhai::Map>();
        return serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        );
    }
    if value.is_unit() {
        return serde_json::Value::Null;
    }
    rhai::serde::from_dynamic(value)
        .unwrap_or_else(|_| serde_json::Value::String(value.to_string()))
}
