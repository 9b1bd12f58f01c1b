//! The little XML and form handling the AWS-timing layer needs: values of
//! a query-protocol form, the text of an element, and rewriting the items
//! of a set (EC2's `<item>`, ELBv2's `<member>`) one at a time. The
//! server's answers are well-formed and unindented-or-indented alike; no
//! attribute or CDATA is ever involved.

/// Every `key=value` of a form body, percent-decoded.
pub fn form(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// The value of `key` in a decoded form.
pub fn field<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The values whose keys start with `prefix` and end with `suffix`
/// (`Targets.member.` .. `.Id`).
pub fn fields<'a>(form: &'a [(String, String)], prefix: &str, suffix: &str) -> Vec<&'a str> {
    form.iter()
        .filter(|(k, _)| k.starts_with(prefix) && k.ends_with(suffix))
        .map(|(_, v)| v.as_str())
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The text of every `<tag>...</tag>` in `xml`, in order.
pub fn texts(xml: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end + close.len()..];
    }
    out
}

/// The text of the first `<tag>` in `xml`.
pub fn text(xml: &str, tag: &str) -> Option<String> {
    texts(xml, tag).into_iter().next()
}

/// `xml` with the items (`<item>` children) of every `<set>` element
/// passed through `change`, which returns the new item or `None` to keep
/// it. Items nest (a reservation's instances are items of an item), so
/// depth is counted.
pub fn rewrite_items(
    xml: &str,
    set: &str,
    item: &str,
    mut change: impl FnMut(&str) -> Option<String>,
) -> String {
    let (set_open, set_close) = (format!("<{set}>"), format!("</{set}>"));
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(start) = rest.find(&set_open) {
        let body_start = start + set_open.len();
        let Some(len) = rest[body_start..].find(&set_close) else {
            break;
        };
        out.push_str(&rest[..body_start]);
        out.push_str(&rewrite_children(
            &rest[body_start..body_start + len],
            item,
            &mut change,
        ));
        rest = &rest[body_start + len..];
    }
    out.push_str(rest);
    out
}

/// The body of one set with its top-level items passed through `change`.
fn rewrite_children(
    body: &str,
    item: &str,
    change: &mut impl FnMut(&str) -> Option<String>,
) -> String {
    let (open, close) = (format!("<{item}>"), format!("</{item}>"));
    let mut out = String::with_capacity(body.len());
    let (mut depth, mut copied, mut item_start, mut i) = (0usize, 0, 0, 0);
    while i < body.len() {
        if body[i..].starts_with(&open) {
            if depth == 0 {
                out.push_str(&body[copied..i]);
                item_start = i;
            }
            depth += 1;
            i += open.len();
        } else if body[i..].starts_with(&close) && depth > 0 {
            depth -= 1;
            i += close.len();
            if depth == 0 {
                let whole = &body[item_start..i];
                out.push_str(&change(whole).unwrap_or_else(|| whole.to_string()));
                copied = i;
            }
        } else {
            i += body[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    out.push_str(&body[copied..]);
    out
}

/// `xml` with the first `<tag>...</tag>` replaced by `<tag>value</tag>`.
pub fn set_first(xml: &str, tag: &str, value: &str) -> String {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let Some(start) = xml.find(&open) else {
        return xml.to_string();
    };
    let Some(end) = xml[start..].find(&close).map(|e| e + start) else {
        return xml.to_string();
    };
    format!("{}{open}{value}{}", &xml[..start], &xml[end..])
}

#[test]
fn items_of_nested_sets_are_rewritten_one_at_a_time() {
    let xml = "<r><instancesSet><item><id>a</id><s><item>x</item></s></item>\
               <item><id>b</id></item></instancesSet><after/></r>";
    let out = rewrite_items(xml, "instancesSet", "item", |item| {
        (text(item, "id").as_deref() == Some("b")).then(|| set_first(item, "id", "B"))
    });
    assert_eq!(
        out,
        "<r><instancesSet><item><id>a</id><s><item>x</item></s></item>\
         <item><id>B</id></item></instancesSet><after/></r>"
    );
    let form =
        form("Action=RegisterTargets&TargetGroupArn=arn%3Aaws%3Ax%2Fy&Targets.member.1.Id=i-1");
    assert_eq!(field(&form, "TargetGroupArn"), Some("arn:aws:x/y"));
    assert_eq!(fields(&form, "Targets.member.", ".Id"), ["i-1"]);
}
