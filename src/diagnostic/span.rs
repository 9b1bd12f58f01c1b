//! Rhai positions (line and column, counted in characters) to byte spans.

use miette::SourceSpan;
use rhai::Position;

/// The byte span a report underlines for `pos`: the identifier there,
/// extended over a call's parentheses on the same line, or one character.
pub fn span_at(source: &str, pos: Position) -> Option<SourceSpan> {
    let (line, col) = (pos.line()?, pos.position().unwrap_or(1).max(1));
    let line_start = line_offset(source, line)?;
    let line_text = source[line_start..].split('\n').next().unwrap_or("");
    let start_in_line = line_text.char_indices().nth(col - 1).map(|(i, _)| i).unwrap_or(line_text.len());
    let rest = &line_text[start_in_line..];
    let len = token_len(rest);
    Some(SourceSpan::new((line_start + start_in_line).into(), len))
}

fn line_offset(source: &str, line: usize) -> Option<usize> {
    if line == 1 {
        return Some(0);
    }
    source.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)
}

fn token_len(rest: &str) -> usize {
    let ident: usize = rest
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    if ident == 0 {
        return rest.chars().next().map_or(0, char::len_utf8);
    }
    if rest[ident..].starts_with('(') {
        if let Some(end) = closing_paren(&rest[ident..]) {
            return ident + end + 1;
        }
    }
    ident
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
        assert_eq!(spanned(src, 2, 9), "subnet(\"x\", #{cidr: \"10.0.0.0/16\"})");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        // Korean text before the call: 3 characters, 9 bytes.
        let src = "let 이름 = 1;\nprint(\"서브넷\"); bad_call(1);\n";
        assert_eq!(spanned(src, 2, 15), "bad_call(1)");
        assert_eq!(spanned(src, 2, 7), "\"");
    }

    #[test]
    fn identifier_without_call_and_first_line() {
        assert_eq!(spanned("foo + 1", 1, 1), "foo");
        assert_eq!(spanned("x = 서브넷;", 1, 5), "서브넷");
    }

    #[test]
    fn position_past_the_source_is_none() {
        assert!(span_at("a", Position::new(3, 1)).is_none());
        assert!(span_at("a", Position::NONE).is_none());
    }
}
