//! Tab completion: REPL commands, host/stdlib/prompt functions, variables
//! in scope, option keys inside an options map, and attributes after a dot
//! on a value in scope (a resource's `.cidr`, a map's keys, a CIDR's
//! properties).

use super::command::Command;
use super::known::Known;
use super::nesting::Nesting;
use crate::cidr::Cidr;
use crate::cloud::Resource;
use rhai::{Array, Dynamic, Map};
use rustyline::completion::Pair;

/// Rhai keywords offered with functions and variables.
const KEYWORDS: &[&str] = &[
    "let", "const", "fn", "if", "else", "for", "in", "while", "loop", "break", "continue",
    "return", "throw", "try", "catch", "import", "as", "true", "false", "switch",
];

/// Properties and methods of a `cidr(...)` value.
const CIDR_MEMBERS: &[&str] = &[
    "network",
    "prefix",
    "size",
    "usable",
    "first",
    "last",
    "contains(",
    "overlaps(",
    "subnets(",
];

/// The start of the word at `pos` and the candidates to replace it with.
/// `:load`/`:save` file arguments are left to the file completer (`None`).
pub(crate) fn complete(line: &str, pos: usize, known: &Known) -> Option<(usize, Vec<Pair>)> {
    let before = &line[..pos];
    let start = word_start(before);
    let word = &before[start..];
    if let Some(command) = before.trim_start().strip_prefix(':') {
        return command_args(command, start, word, known);
    }
    let nesting = Nesting::scan(&before[..start]);
    if nesting.in_literal {
        return Some((start, Vec::new()));
    }
    let head = &before[..start];
    if head.ends_with('.') && !head.ends_with("..") {
        let members = receiver(&head[..head.len() - 1], known)
            .map(|v| members(&v))
            .unwrap_or_default();
        return Some((start, pairs(members.iter().map(String::as_str), word, "")));
    }
    if let Some(keys) = nesting.option_keys()
        && matches!(head.trim_end().chars().last(), Some('{' | ','))
    {
        return Some((start, pairs(keys.iter().copied(), word, ": ")));
    }
    if word.is_empty() {
        return Some((start, Vec::new()));
    }
    let functions = known.function_names();
    let mut out = pairs(functions.iter().map(String::as_str), word, "(");
    out.extend(pairs(known.var_names(), word, ""));
    out.extend(pairs(KEYWORDS.iter().copied(), word, " "));
    out.sort_by(|a, b| a.display.cmp(&b.display));
    out.dedup_by(|a, b| a.display == b.display);
    Some((start, out))
}

/// Completion after `:`: the command name, then its argument.
fn command_args(
    command: &str,
    start: usize,
    word: &str,
    known: &Known,
) -> Option<(usize, Vec<Pair>)> {
    let Some((name, _)) = command.split_once(char::is_whitespace) else {
        let names: Vec<String> = Command::NAMES.iter().map(|n| format!(":{n}")).collect();
        // The word is the command without its colon: replace from the colon.
        let colon = start - 1;
        let typed = format!(":{word}");
        return Some((colon, pairs(names.iter().map(String::as_str), &typed, " ")));
    };
    match name {
        "help" => Some((
            start,
            pairs(known.function_names().iter().map(String::as_str), word, ""),
        )),
        "mode" => Some((start, pairs(["dry-run", "live"].into_iter(), word, ""))),
        "load" | "save" => None,
        _ => Some((start, Vec::new())),
    }
}

/// Candidates starting with `word`, each replaced by itself plus `suffix`.
fn pairs<'a>(names: impl Iterator<Item = &'a str>, word: &str, suffix: &str) -> Vec<Pair> {
    names
        .filter(|n| n.starts_with(word))
        .map(|n| {
            let bare = n.trim_end_matches('(');
            let suffix = if n.ends_with('(') { "(" } else { suffix };
            Pair {
                display: bare.to_string(),
                replacement: format!("{bare}{suffix}"),
            }
        })
        .collect()
}

/// Byte index where the identifier ending at the end of `text` starts.
fn word_start(text: &str) -> usize {
    text.char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(text.len(), |(i, _)| i)
}

/// The value of `name(.key|[n])*` ending at the end of `text`, from the
/// variables in scope.
fn receiver(text: &str, known: &Known) -> Option<Dynamic> {
    let mut steps = Vec::new();
    let mut rest = text;
    loop {
        if let Some(inner) = rest.strip_suffix(']') {
            let open = inner.rfind('[')?;
            steps.push(Step::Index(inner[open + 1..].trim().parse().ok()?));
            rest = &inner[..open];
            continue;
        }
        let start = word_start(rest);
        let name = &rest[start..];
        if name.is_empty() {
            return None;
        }
        rest = &rest[..start];
        match rest.strip_suffix('.') {
            Some(head) => {
                steps.push(Step::Key(name.to_string()));
                rest = head;
            }
            None => {
                let mut value = known.var(name)?.clone();
                for step in steps.iter().rev() {
                    value = step.apply(&value)?;
                }
                return Some(value);
            }
        }
    }
}

/// One step from a value to a part of it.
enum Step {
    Key(String),
    Index(usize),
}

impl Step {
    fn apply(&self, value: &Dynamic) -> Option<Dynamic> {
        match self {
            Step::Index(i) => value.read_lock::<Array>()?.get(*i).cloned(),
            Step::Key(key) => {
                if let Some(map) = value.read_lock::<Map>() {
                    return map.get(key.as_str()).cloned();
                }
                let resource = value.read_lock::<Resource>()?;
                match key.as_str() {
                    "id" | "name" | "kind" => Some(Dynamic::from(String::new())),
                    _ => rhai::serde::to_dynamic(resource.attr(key)?).ok(),
                }
            }
        }
    }
}

/// What can follow a dot on `value`.
fn members(value: &Dynamic) -> Vec<String> {
    if let Some(r) = value.read_lock::<Resource>() {
        let mut names: Vec<String> = ["id", "name", "kind"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        names.extend(r.attrs.keys().cloned());
        return names;
    }
    if value.is::<Cidr>() {
        return CIDR_MEMBERS.iter().map(|s| s.to_string()).collect();
    }
    if let Some(map) = value.read_lock::<Map>() {
        return map.keys().map(|k| k.to_string()).collect();
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::Kind;
    use rhai::Scope;

    fn known() -> Known {
        let mut known = Known::new();
        let mut attrs = serde_json::Map::new();
        attrs.insert("cidr".into(), "172.31.112.0/20".into());
        attrs.insert("az".into(), "ap-northeast-2a".into());
        let subnet = Resource {
            kind: Kind::Subnet,
            name: "private-2a".into(),
            id: "subnet-1".into(),
            attrs,
        };
        let mut a = Map::new();
        a.insert("subnet".into(), Dynamic::from(subnet.clone()));
        let mut scope = Scope::new();
        scope.push("a", a);
        scope.push("servers", vec![Dynamic::from(subnet)]);
        scope.push("apple", 1_i64);
        known.refresh(&scope, &[]);
        known
    }

    fn replacements(line: &str) -> Vec<String> {
        let (_, pairs) = complete(line, line.len(), &known()).unwrap();
        pairs.into_iter().map(|p| p.replacement).collect()
    }

    #[test]
    fn function_names_complete_with_a_parenthesis() {
        assert_eq!(replacements("let x = private_su"), ["private_subnet("]);
        assert!(replacements("a").contains(&"alb(".to_string()));
        assert!(replacements("a").contains(&"apple".to_string()));
    }

    #[test]
    fn attributes_follow_a_dot() {
        assert_eq!(replacements("a.sub"), ["subnet"]);
        assert_eq!(replacements("a.subnet.c"), ["cidr"]);
        assert_eq!(replacements("print(servers[0].a"), ["az"]);
        assert_eq!(replacements("nobody.x"), Vec::<String>::new());
    }

    #[test]
    fn option_keys_complete_inside_an_options_map() {
        assert_eq!(replacements("subnet(\"db\", #{ ci"), ["cidr: "]);
        assert_eq!(
            replacements("security_group(\"web\", #{ ingress: [#{ port: 80, f"),
            ["from: "]
        );
        // In value position, names complete as usual.
        assert_eq!(replacements("subnet(\"db\", #{ vpc: appl"), ["apple"]);
    }

    #[test]
    fn commands_and_their_arguments_complete() {
        let (start, pairs) = complete(":pl", 3, &known()).unwrap();
        assert_eq!((start, pairs[0].replacement.as_str()), (0, ":plan "));
        assert_eq!(replacements(":help private_"), ["private_subnet"]);
        assert_eq!(replacements(":mode l"), ["live"]);
        assert!(complete(":save fi", 8, &known()).is_none());
    }

    #[test]
    fn nothing_completes_inside_a_string() {
        assert_eq!(replacements("print(\"sub"), Vec::<String>::new());
    }
}
