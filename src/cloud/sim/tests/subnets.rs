use super::{account, code, public, subnet, subnet_in, vpc};
use crate::cloud::Cloud;

#[test]
fn a_subnet_inside_the_vpc_is_created_with_its_attributes() {
    let a = account();
    let s = subnet(&a, "172.31.112.0/20", "a").unwrap();
    assert_eq!(s.str("cidr"), "172.31.112.0/20");
    assert_eq!(s.str("az"), "ap-northeast-2a");
    assert_eq!(s.str("vpc"), vpc(&a));
    assert_eq!(s.attr("public_ip"), Some(&false.into()));
    assert_eq!(s.attr("default"), Some(&false.into()));
    assert!(a.vpc_subnets(&vpc(&a)).unwrap().contains(&s));
}

#[test]
fn create_subnet_in_an_unknown_vpc_is_invalid_vpc_id_not_found() {
    let a = account();
    assert_eq!(
        code(subnet_in(&a, "vpc-0123456789abcdef0", "10.0.0.0/24", "a")),
        "InvalidVpcID.NotFound"
    );
}

#[test]
fn a_cidr_that_does_not_parse_is_invalid_parameter_value() {
    let a = account();
    assert_eq!(
        code(subnet(&a, "172.31.112.0", "a")),
        "InvalidParameterValue"
    );
    let err = subnet(&a, "172.31.112.5/20", "a").unwrap_err();
    assert_eq!(err.code, "InvalidParameterValue");
    assert!(err.hint.unwrap().contains("did you mean 172.31.112.0/20"));
}

#[test]
fn a_prefix_outside_16_to_28_is_invalid_subnet_range() {
    let a = account();
    assert_eq!(
        code(subnet(&a, "172.31.255.240/29", "a")),
        "InvalidSubnet.Range"
    );
    assert_eq!(
        code(subnet(&a, "172.30.0.0/15", "a")),
        "InvalidSubnet.Range"
    );
    assert!(subnet(&a, "172.31.255.240/28", "a").is_ok());
}

#[test]
fn a_block_outside_the_vpc_is_invalid_subnet_range() {
    let a = account();
    let err = subnet(&a, "10.0.0.0/24", "a").unwrap_err();
    assert_eq!(err.code, "InvalidSubnet.Range");
    assert_eq!(err.message, "The CIDR '10.0.0.0/24' is invalid.");
    assert!(err.hint.unwrap().contains("172.31.0.0/16"));
}

#[test]
fn an_overlapping_block_is_invalid_subnet_conflict_naming_it_and_free_blocks() {
    let a = account();
    let err = subnet(&a, "172.31.8.0/24", "a").unwrap_err();
    assert_eq!(err.code, "InvalidSubnet.Conflict");
    assert!(err.message.contains("172.31.0.0/20"), "{}", err.message);
    assert!(err.message.contains(&public(&a, "a")), "{}", err.message);
    let hint = err.hint.unwrap();
    assert!(
        hint.contains("172.31.64.0/24, 172.31.65.0/24, 172.31.66.0/24, 172.31.67.0/24"),
        "{hint}"
    );
    // A block covering existing subnets conflicts too, and so does the same block twice.
    assert_eq!(
        code(subnet(&a, "172.31.0.0/16", "a")),
        "InvalidSubnet.Conflict"
    );
    subnet(&a, "172.31.112.0/20", "a").unwrap();
    assert_eq!(
        code(subnet(&a, "172.31.112.0/20", "a")),
        "InvalidSubnet.Conflict"
    );
    assert_eq!(
        code(subnet(&a, "172.31.127.240/28", "b")),
        "InvalidSubnet.Conflict"
    );
    assert!(subnet(&a, "172.31.128.0/28", "b").is_ok());
}

#[test]
fn an_az_of_another_region_is_invalid_parameter_value_listing_the_valid_ones() {
    let a = account();
    let err = subnet(&a, "172.31.112.0/20", "e").unwrap_err();
    assert_eq!(err.code, "InvalidParameterValue");
    assert!(
        err.message
            .contains("ap-northeast-2a, ap-northeast-2b, ap-northeast-2c, ap-northeast-2d"),
        "{}",
        err.message
    );
}

#[test]
fn when_the_vpc_is_full_the_conflict_hint_says_so() {
    let a = account();
    for (i, block) in crate::cidr::parse("172.31.64.0/18")
        .unwrap()
        .subnets(20)
        .unwrap()
        .iter()
        .enumerate()
    {
        let letter = ["a", "b", "c", "d"][i % 4];
        subnet(&a, &block.to_string(), letter).unwrap();
    }
    for block in crate::cidr::parse("172.31.128.0/17")
        .unwrap()
        .subnets(20)
        .unwrap()
    {
        subnet(&a, &block.to_string(), "a").unwrap();
    }
    let err = subnet(&a, "172.31.0.0/20", "a").unwrap_err();
    assert!(err.hint.unwrap().contains("no /20 block is free"));
}
