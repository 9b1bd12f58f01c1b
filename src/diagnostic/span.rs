//! Rhai positions (line and column, counted in characters) to byte spans.

use miette::SourceSpan;
use rhai::Position;

/// The byte span a report underlines for `pos`: the identifier there,
/// extended over a call's parentheses on the same line, or one character.
pub fn span_at(source: &str, pos: Position) -> Option<SourceSpan> {
    let (line, col) = (pos.line()?, pos.position().unwrap_or(1).max(1));
    let Some(line_start) = line_offset(source, line).filter(|start| *start < source.len()) else {
        return end_of_source(source);
    };
    let line_text = source[line_start..].split('\n').next().unwrap_or("");
    let start_in_line = line_text
        .char_indices()
        .nth(col - 1)
        .map(|(i, _)| i)
        .unwrap_or(line_text.len());
    let rest = &line_text[start_in_line..];
    let len = token_len(rest);
    Some(SourceSpan::new((line_start + start_in_line).into(), len))
}

/// A position past the last line (an error at the end of the file): the
/// last character of the source, so the report still shows a place.
fn end_of_source(source: &str) -> Option<SourceSpan> {
    let (last, c) = source.trim_end().char_indices().last()?;
    Some(SourceSpan::new(last.into(), c.len_utf8()))
}

fn line_offset(source: &str, line: usize) -> Option<usize> {
    if line == 1 {
        return Some(0);
    }
    source.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)
}

fn token_len(rest: &str) -> usize {
    // A string literal: up to its closing quote on this line.
    if let Some(text) = rest.strip_prefix('"') {
        let mut escaped = false;
        for (i, c) in text.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => return i + 2,
                _ => {}
            }
        }
        return 1;
    }
    // A property access: the dot and the name after it.
    if let Some(text) = rest.strip_prefix('.') {
        let name = ident_len(text);
        if name > 0 {
            return 1 + name;
        }
    }
    let ident = ident_len(rest);
    if ident == 0 {
        return rest.chars().next().map_or(0, char::len_utf8);
    }
    if rest[ident..].starts_with('(')
        && let Some(end) = closing_paren(&rest[ident..])
    {
        return ident + end + 1;
    }
    ident
}

fn ident_len(rest: &str) -> usize {
    rest.char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0)
}

/// Byte index of the `)` matching the `(` at index 0, on this line.
fn closing_paren(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spanned(source: &str, line: usize, col: usize) -> &str {
        let span = span_at(source, Position::new(line as u16, col as u16)).unwrap();
        &source[span.offset()..span.offset() + span.len()]
    }

    #[test]
    fn call_is_underlined_to_its_closing_paren() {
        let src = "let a = 1;\nlet b = subnet(\"x\", #{cidr: \"10.0.0.0/16\"});\n";
        assert_eq!(
            spanned(src, 2, 9),
            "subnet(\"x\", #{cidr: \"10.0.0.0/16\"})"
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // Korean text before the call: 3 characters, 9 bytes.
        let src = "let 이름 = 1;\nprint(\"서브넷\"); bad_call(1);\n";
        assert_eq!(spanned(src, 2, 15), "bad_call(1)");
        assert_eq!(spanned(src, 2, 7), "\"서브넷\"");
    }

    #[test]
    fn identifier_without_call_and_first_line() {
        assert_eq!(spanned("foo + 1", 1, 1), "foo");
        assert_eq!(spanned("x = 서브넷;", 1, 5), "서브넷");
    }

    #[test]
    fn strings_and_properties_are_underlined_whole() {
        assert_eq!(spanned("import \"../x\" as x;", 1, 8), "\"../x\"");
        assert_eq!(spanned("let a = \"open;", 1, 9), "\"");
        assert_eq!(spanned("print(p.cdir);", 1, 8), ".cdir");
    }

    #[test]
    fn end_of_file_points_at_the_last_character() {
        let src = "fn f() {\n  1;\n\n";
        assert_eq!(spanned(src, 4, 1), ";");
    }

    #[test]
    fn no_position_or_no_text_is_no_span() {
        assert!(span_at("a", Position::NONE).is_none());
        assert!(span_at("  \n", Position::new(3, 1)).is_none());
    }
}
