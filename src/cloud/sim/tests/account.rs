use crate::cloud::ElasticIpSpec;
use crate::cloud::Spec;
use std::time::Duration;

use super::super::{SimAccount, default_azs};
use super::{REGION, account, public, subnet, tags, vpc};
use crate::cloud::{Cloud, Kind, Mode};

fn is_ec2_id(id: &str, prefix: &str) -> bool {
    let hex = id
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .unwrap_or("");
    hex.len() == 17
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[test]
fn a_new_account_is_a_dry_run_with_no_waiting() {
    let a = account();
    assert_eq!(a.mode(), Mode::DryRun);
    assert_eq!(a.region(), REGION);
    assert_eq!(a.poll_interval(7), Duration::ZERO);
    let me = a.whoami().unwrap();
    assert_eq!(me.account, "123456789012");
    assert_eq!(me.arn, "arn:aws:iam::123456789012:user/awsrun-dry-run");
    assert!(me.user_id.starts_with("AIDA"), "{}", me.user_id);
}

#[test]
fn seoul_has_four_azs_virginia_six_others_three() {
    let a = account();
    assert_eq!(
        a.azs().unwrap(),
        [
            "ap-northeast-2a",
            "ap-northeast-2b",
            "ap-northeast-2c",
            "ap-northeast-2d"
        ]
    );
    assert_eq!(default_azs("us-east-1").len(), 6);
    assert_eq!(
        default_azs("eu-west-1"),
        ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    );
}

#[test]
fn the_default_vpc_has_one_public_20_per_az_in_order() {
    let a = account();
    let vpc = a.default_vpc().unwrap();
    assert_eq!(vpc.name, "default");
    assert_eq!(vpc.str("cidr"), "172.31.0.0/16");
    assert_eq!(vpc.attr("is_default"), Some(&true.into()));
    assert!(is_ec2_id(&vpc.id, "vpc"), "{}", vpc.id);
    let subnets = a.vpc_subnets(&vpc.id).unwrap();
    let shape: Vec<(&str, &str)> = subnets
        .iter()
        .map(|s| (s.str("az"), s.str("cidr")))
        .collect();
    assert_eq!(
        shape,
        [
            ("ap-northeast-2a", "172.31.0.0/20"),
            ("ap-northeast-2b", "172.31.16.0/20"),
            ("ap-northeast-2c", "172.31.32.0/20"),
            ("ap-northeast-2d", "172.31.48.0/20"),
        ]
    );
    for s in &subnets {
        assert!(is_ec2_id(&s.id, "subnet"), "{}", s.id);
        assert_eq!(s.str("vpc"), vpc.id);
        assert_eq!(s.attr("public_ip"), Some(&true.into()));
        assert_eq!(s.attr("default"), Some(&true.into()));
    }
    let virginia = SimAccount::new("us-east-1");
    let default = virginia.default_vpc().unwrap();
    let last = virginia.vpc_subnets(&default.id).unwrap().pop().unwrap();
    assert_eq!(
        (last.str("az"), last.str("cidr")),
        ("us-east-1f", "172.31.80.0/20")
    );
}

#[test]
fn ids_are_the_same_on_every_run_and_differ_between_resources() {
    let ids = || {
        let a = account();
        let s = subnet(&a, "172.31.112.0/20", "a").unwrap();
        let e = a
            .create(&Spec::ElasticIp(ElasticIpSpec {}), &tags("eip"))
            .unwrap();
        (
            vpc(&a),
            public(&a, "a"),
            s.id,
            e.id,
            e.attrs["public_ip"].clone(),
        )
    };
    let first = ids();
    assert_eq!(first, ids());
    assert!(is_ec2_id(&first.3, "eipalloc"), "{}", first.3);
    assert_ne!(first.1, first.2);
    assert!(
        first.4.as_str().unwrap().starts_with("3.34."),
        "{}",
        first.4
    );
}

#[test]
fn latest_ami_knows_al2023_and_amzn2_and_can_be_set() {
    let a = account();
    let al2023 = a.latest_ami("al2023").unwrap();
    assert!(is_ec2_id(&al2023, "ami"), "{al2023}");
    assert_ne!(al2023, a.latest_ami("amzn2").unwrap());
    let err = a.latest_ami("windows").unwrap_err();
    assert_eq!(err.code, "ParameterNotFound");
    assert!(err.hint.unwrap().contains("al2023"));
    a.set_image("windows", "ami-12345678");
    assert_eq!(a.latest_ami("windows").unwrap(), "ami-12345678");
}

#[test]
fn find_returns_what_was_created_by_kind_stack_and_name() {
    let a = account();
    let s = subnet(&a, "172.31.112.0/20", "a").unwrap();
    assert_eq!(
        a.find(Kind::Subnet, &tags("172.31.112.0/20")).unwrap(),
        Some(s)
    );
    assert_eq!(a.find(Kind::Subnet, &tags("other")).unwrap(), None);
    assert_eq!(
        a.find(Kind::RouteTable, &tags("172.31.112.0/20")).unwrap(),
        None
    );
    let other_stack = crate::cloud::Tags::new("prod", "172.31.112.0/20");
    assert_eq!(a.find(Kind::Subnet, &other_stack).unwrap(), None);
}

#[test]
fn a_missing_default_vpc_is_reported_with_how_to_create_one() {
    let a = SimAccount::empty(REGION, default_azs(REGION));
    let err = a.default_vpc().unwrap_err();
    assert_eq!(err.code, "InvalidVpcID.NotFound");
    assert!(err.hint.unwrap().contains("create-default-vpc"));
    assert_eq!(
        super::code(a.vpc_subnets("vpc-12345678")),
        "InvalidVpcID.NotFound"
    );
}
