//! AWS's validation rules that depend on nothing but the request.

/// Why an ELB name (load balancer or target group) is invalid, if it is.
///
/// AWS: at most 32 characters, only letters, digits and hyphens, not
/// starting or ending with a hyphen.
pub(super) fn elb_name_problem(what: &str, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some(format!("{what} name cannot be empty"));
    }
    if name.len() > 32 {
        return Some(format!(
            "{what} name '{name}' cannot be longer than '32' characters"
        ));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Some(format!(
            "{what} name '{name}' can only contain characters that are alphanumeric characters or hyphens(-)"
        ));
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Some(format!("{what} name '{name}' cannot begin or end with '-'"));
    }
    None
}

/// What to do about a bad ELB name.
pub(super) fn elb_name_hint(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .chars()
        .take(32)
        .collect();
    let cleaned = cleaned.trim_end_matches('-');
    if cleaned.is_empty() || cleaned == name {
        "use at most 32 letters, digits and hyphens, not starting or ending with a hyphen".into()
    } else {
        format!(
            "use at most 32 letters, digits and hyphens, not starting or ending with a hyphen, e.g. `{cleaned}`"
        )
    }
}

/// True for the instance types EC2 offers (the API's own list).
pub(super) fn known_instance_type(name: &str) -> bool {
    crate::cloud::aws::instance_types().contains(&name)
}

/// The sizes of the family named in `name`, smallest first, or a few
/// common types when the family is unknown too.
pub(super) fn instance_type_hint(name: &str) -> String {
    let family = name.split_once('.').map_or(name, |(family, _)| family);
    let mut types: Vec<&str> = crate::cloud::aws::instance_types()
        .iter()
        .copied()
        .filter(|t| t.split_once('.').is_some_and(|(f, _)| f == family))
        .collect();
    if types.is_empty() {
        return "use an instance type such as t3.micro, t3.small, m5.large or c6i.xlarge".into();
    }
    types.sort_by_key(|t| size_rank(t.split_once('.').map_or("", |(_, size)| size)));
    format!("{family} comes in {}", types.join(", "))
}

/// Orders sizes as AWS's tables do: nano, micro, small, medium, large,
/// xlarge, 2xlarge, ... and the metal sizes last.
fn size_rank(size: &str) -> (u32, u32, String) {
    const NAMED: [&str; 6] = ["nano", "micro", "small", "medium", "large", "xlarge"];
    if let Some(i) = NAMED.iter().position(|n| *n == size) {
        return (0, i as u32, String::new());
    }
    if let Some(n) = size
        .strip_suffix("xlarge")
        .and_then(|n| n.parse::<u32>().ok())
    {
        return (1, n, String::new());
    }
    (2, 0, size.to_string())
}

/// The ELBv2 target-group protocols awsrun supports.
pub(super) const TARGET_PROTOCOLS: [&str; 3] = ["HTTP", "HTTPS", "TCP"];

/// Whether a security-group rule may name this IP protocol: a name (tcp,
/// udp, icmp, icmpv6), a protocol number (0 to 255) or -1 for all.
pub(super) fn ip_protocol(protocol: &str) -> bool {
    matches!(protocol, "tcp" | "udp" | "icmp" | "icmpv6" | "-1") || protocol.parse::<u8>().is_ok()
}

/// Characters AWS allows in security-group names and descriptions.
fn group_text_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || " ._-:/()#,@[]+=&;{}!$*".contains(c)
}

/// Security-group names and descriptions: at most 255 characters of
/// a-z, A-Z, 0-9, spaces and `._-:/()#,@[]+=&;{}!$*`.
pub(super) fn group_text_problem(text: &str) -> Option<&'static str> {
    if !text.is_ascii() {
        Some("Character sets beyond ASCII are not supported.")
    } else if text.len() > 255 {
        Some("Length exceeds 255 characters.")
    } else if !text.chars().all(group_text_char) {
        Some("Valid characters are a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*.")
    } else {
        None
    }
}
