//! Results as the prompt shows them: a resource as its kind, name, id and
//! key attributes; arrays and maps on one line when short, else one item
//! per line, indented; strings quoted so they stand apart from `print`.

use crate::cidr::Cidr;
use crate::cloud::Resource;
use crate::engine::bindings::resource::display;
use rhai::{Array, Dynamic, Map};

/// Widest array or map kept on one line.
const INLINE_WIDTH: usize = 72;

/// The text shown for a result; `None` for `()`, which shows nothing.
pub(crate) fn show(value: &Dynamic) -> Option<String> {
    (!value.is_unit()).then(|| format(value, 0))
}

/// `value` at nesting depth `depth` (two spaces per level).
fn format(value: &Dynamic, depth: usize) -> String {
    if let Some(r) = value.read_lock::<Resource>() {
        return display(&r);
    }
    if let Some(c) = value.read_lock::<Cidr>() {
        return c.to_string();
    }
    if let Some(items) = value.read_lock::<Array>() {
        let parts: Vec<String> = items.iter().map(|v| format(v, depth + 1)).collect();
        return block("[", "]", parts, depth, items.iter().any(is_resource));
    }
    if let Some(map) = value.read_lock::<Map>() {
        let parts: Vec<String> = map
            .iter()
            .map(|(k, v)| format!("{}: {}", key(k), format(v, depth + 1)))
            .collect();
        return block("#{", "}", parts, depth, map.values().any(is_resource));
    }
    if value.is_string() {
        return format!("{:?}", value.to_string());
    }
    value.to_string()
}

/// Items between brackets: inline when short and simple, else one per line.
fn block(open: &str, close: &str, parts: Vec<String>, depth: usize, tall: bool) -> String {
    if parts.is_empty() {
        return format!("{open}{close}");
    }
    let inline = format!("{open}{}{close}", parts.join(", "));
    if !tall && !inline.contains('\n') && inline.chars().count() + depth * 2 <= INLINE_WIDTH {
        return inline;
    }
    let pad = "  ".repeat(depth + 1);
    let mut out = format!("{open}\n");
    for part in parts {
        out.push_str(&format!("{pad}{part},\n"));
    }
    out.push_str(&"  ".repeat(depth));
    out.push_str(close);
    out
}

fn is_resource(value: &Dynamic) -> bool {
    value.is::<Resource>()
}

/// A map key as Rhai would accept it: bare when an identifier, else quoted.
fn key(k: &str) -> String {
    let ident = k
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && k.chars().all(|c| c.is_alphanumeric() || c == '_');
    if ident {
        k.to_string()
    } else {
        format!("{k:?}")
    }
}

/// `text` on one line of at most `width` characters.
pub(crate) fn one_line(text: &str, width: usize) -> String {
    let flat = text
        .split('\n')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ");
    if flat.chars().count() <= width {
        return flat;
    }
    let cut: String = flat.chars().take(width - 1).collect();
    format!("{cut}…")
}

/// `text` as lines of at most `width` characters, broken after commas.
pub(crate) fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut lines = vec![indent.to_string()];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line at least");
        if line.len() > indent.len() && line.len() + word.len() + 1 > width {
            lines.push(format!("{indent}{word}"));
        } else {
            if line.len() > indent.len() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::Kind;

    fn subnet() -> Resource {
        let mut attrs = serde_json::Map::new();
        attrs.insert("cidr".into(), "172.31.112.0/20".into());
        attrs.insert("az".into(), "ap-northeast-2a".into());
        Resource {
            kind: Kind::Subnet,
            name: "private-2a".into(),
            id: "subnet-0123".into(),
            attrs,
        }
    }

    #[test]
    fn short_values_stay_on_one_line() {
        let array: Array = vec![1_i64.into(), "two".into()];
        assert_eq!(show(&Dynamic::from(array)).unwrap(), r#"[1, "two"]"#);
        assert_eq!(show(&Dynamic::UNIT), None);
        assert_eq!(show(&Dynamic::from(42_i64)).unwrap(), "42");
        let mut map = Map::new();
        map.insert("account".into(), "123456789012".into());
        map.insert("user id".into(), 7_i64.into());
        assert_eq!(
            show(&Dynamic::from(map)).unwrap(),
            r#"#{account: "123456789012", "user id": 7}"#
        );
    }

    #[test]
    fn resources_show_one_per_line() {
        assert_eq!(
            show(&Dynamic::from(subnet())).unwrap(),
            r#"subnet "private-2a" subnet-0123 (cidr=172.31.112.0/20 az=ap-northeast-2a)"#
        );
        let mut map = Map::new();
        map.insert("subnet".into(), Dynamic::from(subnet()));
        map.insert("tags".into(), Dynamic::from(vec![Dynamic::from("a")]));
        assert_eq!(
            show(&Dynamic::from(map)).unwrap(),
            "#{\n  subnet: subnet \"private-2a\" subnet-0123 (cidr=172.31.112.0/20 az=ap-northeast-2a),\n  tags: [\"a\"],\n}"
        );
    }
}
