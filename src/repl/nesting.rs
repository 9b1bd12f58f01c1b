//! Where the cursor is in the code typed so far: which calls, arrays and
//! object maps are still open around it, and whether it sits inside a
//! string or a comment. Completion and the signature hint read it.
//!
//! This is a small lexical scan, not a parse: it must work on unfinished
//! input that Rhai would reject.

use super::option_keys::OptionKeys;

/// A bracket still open before the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Open {
    /// `(`, with the name of the function called when there is one.
    Call(Option<String>),
    /// `[`.
    Array,
    /// `#{`, with the key whose value is being written (after `key:`).
    Map(Option<String>),
    /// `{` of a block.
    Block,
}

/// The open brackets around the end of a text.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Nesting {
    pub(crate) open: Vec<Open>,
    /// The text ends inside a string or a comment.
    pub(crate) in_literal: bool,
}

impl Nesting {
    /// Scans `text` (everything before the cursor).
    pub(crate) fn scan(text: &str) -> Self {
        let chars: Vec<char> = text.chars().collect();
        let mut nesting = Nesting::default();
        let mut ident = String::new();
        // The identifier just before the current token, if it was the last token.
        let mut last_ident: Option<String> = None;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_alphanumeric() || c == '_' {
                ident.push(c);
                i += 1;
                continue;
            }
            if !ident.is_empty() {
                last_ident = Some(std::mem::take(&mut ident));
            }
            match skip_literal(&chars, i) {
                Some(Some(end)) => {
                    i = end;
                    last_ident = None;
                    continue;
                }
                Some(None) => {
                    nesting.in_literal = true;
                    return nesting;
                }
                None => {}
            }
            if c == '#' && chars.get(i + 1) == Some(&'{') {
                nesting.open.push(Open::Map(None));
                last_ident = None;
                i += 2;
                continue;
            }
            if !c.is_whitespace() {
                nesting.token(c, chars.get(i + 1).copied(), last_ident.take());
            }
            i += 1;
        }
        nesting
    }

    /// Applies one punctuation character; `before` is the identifier just before it.
    fn token(&mut self, c: char, next: Option<char>, before: Option<String>) {
        match c {
            '(' => self.open.push(Open::Call(before)),
            '[' => self.open.push(Open::Array),
            '{' => self.open.push(Open::Block),
            ')' | ']' | '}' => {
                self.open.pop();
            }
            ':' if next != Some(':') => {
                if let (Some(Open::Map(key)), Some(name)) = (self.open.last_mut(), before) {
                    *key = Some(name);
                }
            }
            ',' => {
                if let Some(Open::Map(key)) = self.open.last_mut() {
                    *key = None;
                }
            }
            _ => {}
        }
    }

    /// The function whose arguments the cursor is in (innermost call).
    pub(crate) fn current_call(&self) -> Option<&str> {
        self.open.iter().rev().find_map(|o| match o {
            Open::Call(Some(name)) => Some(name.as_str()),
            _ => None,
        })
    }

    /// The option keys allowed in the map the cursor is in, when that map
    /// is (or is nested in) the options of a function that has them.
    pub(crate) fn option_keys(&self) -> Option<&'static [&'static str]> {
        let mut frames = self.open.iter().rev();
        if !matches!(frames.next(), Some(Open::Map(_))) {
            return None;
        }
        let mut path = Vec::new();
        for frame in frames {
            match frame {
                Open::Array => continue,
                Open::Map(Some(key)) => path.insert(0, key.clone()),
                Open::Call(Some(func)) => return OptionKeys::lookup(func, &path),
                _ => return None,
            }
        }
        None
    }
}

/// At a string or comment starting at `i`: `Some(Some(end))` past its
/// end, `Some(None)` when it runs to the end of the text; `None` otherwise.
fn skip_literal(chars: &[char], i: usize) -> Option<Option<usize>> {
    let c = chars[i];
    let next = chars.get(i + 1).copied();
    match (c, next) {
        ('/', Some('/')) => Some(
            chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map(|p| i + p + 1),
        ),
        ('/', Some('*')) => {
            Some(find_from(chars, i + 2, |w| w.starts_with(&['*', '/'])).map(|p| p + 2))
        }
        ('"' | '`' | '\'', _) => {
            let mut j = i + 1;
            while j < chars.len() {
                match chars[j] {
                    '\\' => j += 2,
                    q if q == c => return Some(Some(j + 1)),
                    _ => j += 1,
                }
            }
            Some(None)
        }
        _ => None,
    }
}

fn find_from(chars: &[char], from: usize, at: impl Fn(&[char]) -> bool) -> Option<usize> {
    (from..chars.len()).find(|&j| at(&chars[j..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_maps_and_arrays_nest() {
        let n = Nesting::scan(r#"route_table("rt", #{ routes: [#{ de"#);
        assert_eq!(
            n.open,
            [
                Open::Call(Some("route_table".into())),
                Open::Map(Some("routes".into())),
                Open::Array,
                Open::Map(None)
            ]
        );
        assert_eq!(n.current_call(), Some("route_table"));
        assert_eq!(n.option_keys(), Some(&["dest", "nat", "igw"][..]));
    }

    #[test]
    fn a_key_ends_at_the_comma() {
        let n = Nesting::scan(r#"subnet("db", #{ cidr: "10.0.0.0/24", "#);
        assert_eq!(n.open.last(), Some(&Open::Map(None)));
        assert_eq!(
            n.option_keys(),
            Some(&["vpc", "cidr", "az", "public_ip"][..])
        );
    }

    #[test]
    fn strings_and_comments_hide_brackets() {
        let n = Nesting::scan("foo(\"(\", '[', /* { */ 1 // #{\n, ");
        assert_eq!(n.open, [Open::Call(Some("foo".into()))]);
        assert!(!n.in_literal);
        assert!(Nesting::scan("print(\"abc").in_literal);
        assert!(Nesting::scan("1 // (").in_literal);
    }

    #[test]
    fn closed_calls_are_gone() {
        let n = Nesting::scan("let a = private_subnet(\"2a\", \"172.31.112.0/20\"); wait(");
        assert_eq!(n.current_call(), Some("wait"));
        assert_eq!(Nesting::scan("fn f(x) { x }").open, []);
    }

    #[test]
    fn a_block_is_not_an_options_map() {
        assert_eq!(Nesting::scan("if x { ").option_keys(), None);
        assert_eq!(Nesting::scan("let m = #{ ").option_keys(), None);
    }
}
