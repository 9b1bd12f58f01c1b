//! Which AZs offer an instance type: not every AZ offers every type, and a
//! launch there fails (`Unsupported`). A dated table for the default
//! region's AZs and the families awsrun defaults to and suggests, taken
//! from EC2's `DescribeInstanceTypeOfferings` (location type
//! `availability-zone`) for ap-northeast-2 as moto 5.2.1 bundles it
//! (captured from AWS; file dated 2026-05-20): t2 and t3a are offered in
//! ap-northeast-2a and 2c only; t3, t4g, m5, c5, r5, m6i, c6i, m7i and c7i
//! in all four AZs. Other regions and families are taken as offered
//! everywhere.

/// The AZ letters of `region` that offer `instance_type`, when the table
/// knows them.
pub(super) fn offered_in(region: &str, instance_type: &str) -> Option<&'static str> {
    let family = instance_type.split_once('.').map(|(f, _)| f)?;
    match (region, family) {
        ("ap-northeast-2", "t2" | "t3a") => Some("ac"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seoul_offers_t2_and_t3a_in_a_and_c_only() {
        assert_eq!(offered_in("ap-northeast-2", "t2.micro"), Some("ac"));
        assert_eq!(offered_in("ap-northeast-2", "t3a.small"), Some("ac"));
        assert_eq!(offered_in("ap-northeast-2", "t3.micro"), None);
        assert_eq!(offered_in("us-east-1", "t2.micro"), None);
    }
}
