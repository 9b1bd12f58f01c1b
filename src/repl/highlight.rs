//! Syntax highlighting of the line being edited: keywords, strings,
//! numbers and comments. Only ANSI colour codes are inserted, so the
//! painted line has the same display width as the typed one. Used only
//! when colour is on.

const KEYWORDS: &[&str] = &[
    "let", "const", "fn", "if", "else", "for", "in", "while", "loop", "do", "until", "break",
    "continue", "return", "throw", "try", "catch", "import", "export", "as", "private", "true",
    "false", "switch", "this", "global",
];

const KEYWORD: &str = "\x1b[1;35m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const COMMENT: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// `line` with ANSI colours.
pub(crate) fn paint(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() * 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let (end, colour) = if c == '/' && matches!(chars.get(i + 1), Some('/' | '*')) {
            (comment_end(&chars, i), Some(COMMENT))
        } else if matches!(c, '"' | '`' | '\'') {
            (string_end(&chars, i), Some(STRING))
        } else if c.is_ascii_digit() {
            (
                run_end(&chars, i, |c| {
                    c.is_ascii_alphanumeric() || c == '_' || c == '.'
                }),
                Some(NUMBER),
            )
        } else if c.is_alphabetic() || c == '_' {
            let end = run_end(&chars, i, |c| c.is_alphanumeric() || c == '_');
            let word: String = chars[i..end].iter().collect();
            (end, KEYWORDS.contains(&word.as_str()).then_some(KEYWORD))
        } else {
            (i + 1, None)
        };
        let text: String = chars[i..end].iter().collect();
        match colour {
            Some(colour) => {
                out.push_str(colour);
                out.push_str(&text);
                out.push_str(RESET);
            }
            None => out.push_str(&text),
        }
        i = end;
    }
    out
}

fn run_end(chars: &[char], from: usize, part: impl Fn(char) -> bool) -> usize {
    (from..chars.len())
        .find(|&j| !part(chars[j]))
        .unwrap_or(chars.len())
}

fn string_end(chars: &[char], from: usize) -> usize {
    let quote = chars[from];
    let mut j = from + 1;
    while j < chars.len() {
        match chars[j] {
            '\\' => j += 2,
            q if q == quote => return j + 1,
            _ => j += 1,
        }
    }
    chars.len()
}

fn comment_end(chars: &[char], from: usize) -> usize {
    if chars[from + 1] == '/' {
        return run_end(chars, from, |c| c != '\n');
    }
    (from + 2..chars.len().saturating_sub(1))
        .find(|&j| chars[j] == '*' && chars[j + 1] == '/')
        .map_or(chars.len(), |j| j + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(text: &str) -> String {
        let mut out = String::new();
        let mut in_code = false;
        for c in text.chars() {
            match c {
                '\x1b' => in_code = true,
                'm' if in_code => in_code = false,
                _ if in_code => {}
                _ => out.push(c),
            }
        }
        out
    }

    #[test]
    fn keywords_strings_and_numbers_are_coloured() {
        let line = r#"let a = private_subnet("2a", "172.31.112.0/20"); // 서울 "#;
        let painted = paint(line);
        assert_eq!(strip(&painted), line, "only colour codes are added");
        assert!(painted.starts_with("\x1b[1;35mlet\x1b[0m"));
        assert!(painted.contains("\x1b[32m\"2a\"\x1b[0m"));
        assert!(painted.contains("\x1b[2m// 서울 \x1b[0m"));
        assert!(paint("x = 20").contains("\x1b[36m20\x1b[0m"));
        assert_eq!(paint("letter"), "letter");
    }
}
