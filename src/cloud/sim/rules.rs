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

const BURSTABLE: [&str; 3] = ["t2", "t3", "t3a"];
const BURSTABLE_SIZES: [&str; 7] = [
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge",
];
const GENERAL: [&str; 5] = ["m5", "c5", "r5", "m6i", "c6i"];
const GENERAL_SIZES: [&str; 4] = ["large", "xlarge", "2xlarge", "4xlarge"];

/// True for the instance types the simulated account offers.
pub(super) fn known_instance_type(name: &str) -> bool {
    let Some((family, size)) = name.split_once('.') else {
        return false;
    };
    (BURSTABLE.contains(&family) && BURSTABLE_SIZES.contains(&size))
        || (GENERAL.contains(&family) && GENERAL_SIZES.contains(&size))
}

/// The valid sizes of the family named in `name`, or a few common types.
pub(super) fn instance_type_hint(name: &str) -> String {
    let family = name.split_once('.').map_or(name, |(family, _)| family);
    let sizes: &[&str] = if BURSTABLE.contains(&family) {
        &BURSTABLE_SIZES
    } else if GENERAL.contains(&family) {
        &GENERAL_SIZES
    } else {
        return "use an instance type such as t3.micro, t3.small, m5.large or c6i.xlarge".into();
    };
    let types: Vec<String> = sizes
        .iter()
        .map(|size| format!("{family}.{size}"))
        .collect();
    format!("{family} comes in {}", types.join(", "))
}

/// The ELBv2 target-group protocols awsrun supports.
pub(super) const TARGET_PROTOCOLS: [&str; 3] = ["HTTP", "HTTPS", "TCP"];

/// The IP protocols a security-group rule may name.
pub(super) const IP_PROTOCOLS: [&str; 4] = ["tcp", "udp", "icmp", "-1"];

/// Security-group descriptions: ASCII only, at most 255 characters.
pub(super) fn description_problem(text: &str) -> Option<&'static str> {
    if !text.is_ascii() {
        Some("Character sets beyond ASCII are not supported.")
    } else if text.len() > 255 {
        Some("Length exceeds 255 characters.")
    } else {
        None
    }
}
