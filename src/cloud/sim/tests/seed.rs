use crate::cloud::Spec;
use serde_json::json;

use super::super::{SimAccount, default_azs};
use super::{REGION, account, code, instance, subnet_in, tags, tg_spec};
use crate::cloud::{Cloud, Identity, Kind, Resource, Tags};

/// Seeds a second, non-default VPC `10.0.0.0/16` and returns its id.
pub(super) fn second_vpc(a: &SimAccount) -> String {
    let id = "vpc-0aaaaaaaaaaaaaaaa";
    a.seed(
        Resource::new(Kind::Vpc, "other", id)
            .with("cidr", "10.0.0.0/16")
            .with("is_default", false),
        None,
    );
    id.to_string()
}

fn mirrored() -> SimAccount {
    let a = SimAccount::empty(REGION, default_azs(REGION));
    a.seed(
        Resource::new(Kind::Vpc, "", "vpc-11111111")
            .with("cidr", "172.31.0.0/16")
            .with("is_default", true),
        None,
    );
    let subnet = Resource::new(Kind::Subnet, "", "subnet-11111111")
        .with("vpc", "vpc-11111111")
        .with("cidr", "172.31.0.0/28")
        .with("az", "ap-northeast-2a")
        .with("public_ip", true)
        .with("default", true);
    a.seed(subnet, None);
    a
}

#[test]
fn an_empty_account_has_nothing_until_seeded() {
    let a = SimAccount::empty(
        REGION,
        vec!["ap-northeast-2c".into(), "ap-northeast-2a".into()],
    );
    assert_eq!(a.azs().unwrap(), ["ap-northeast-2a", "ap-northeast-2c"]);
    assert_eq!(code(a.default_vpc()), "InvalidVpcID.NotFound");
    let a = mirrored();
    assert_eq!(a.default_vpc().unwrap().id, "vpc-11111111");
    assert_eq!(a.vpc_subnets("vpc-11111111").unwrap().len(), 1);
}

#[test]
fn seeded_subnets_take_part_in_the_overlap_rule() {
    let a = mirrored();
    assert_eq!(
        code(subnet_in(&a, "vpc-11111111", "172.31.0.0/24", "b")),
        "InvalidSubnet.Conflict"
    );
    assert!(subnet_in(&a, "vpc-11111111", "172.31.1.0/24", "b").is_ok());
}

#[test]
fn seeded_instances_hold_their_addresses() {
    let a = mirrored();
    let existing = Resource::new(Kind::Instance, "", "i-11111111")
        .with("subnet", "subnet-11111111")
        .with("private_ip", "172.31.0.4")
        .with("security_groups", json!([]))
        .with("state", "running");
    a.seed(existing, None);
    let web = instance(&a, "subnet-11111111", &[]).unwrap();
    assert_eq!(web.str("private_ip"), "172.31.0.5");
}

#[test]
fn seeded_tagged_resources_are_found_and_listed_by_stack() {
    let a = mirrored();
    let tags = Tags::new("prod", "web");
    let tg = Resource::new(
        Kind::TargetGroup,
        "web",
        "arn:aws:elasticloadbalancing:ap-northeast-2:1:targetgroup/web/0123456789abcdef",
    )
    .with("vpc", "vpc-11111111")
    .with("port", 80)
    .with("protocol", "HTTP")
    .with("targets", json!([]));
    a.seed(tg.clone(), Some(tags.clone()));
    assert_eq!(a.find(Kind::TargetGroup, &tags).unwrap(), Some(tg.clone()));
    assert_eq!(a.stack_resources("prod").unwrap(), [tg]);
    // Its name is taken now.
    assert_eq!(
        code(a.create(
            &Spec::TargetGroup(tg_spec("web", "vpc-11111111").clone()),
            &super::tags("web")
        )),
        "DuplicateTargetGroupName"
    );
}

#[test]
fn seeded_terminated_instances_are_neither_found_nor_listed() {
    let a = account();
    let gone = Resource::new(Kind::Instance, "web", "i-22222222").with("state", "terminated");
    a.seed(gone, Some(tags("web")));
    assert_eq!(a.find(Kind::Instance, &tags("web")).unwrap(), None);
    assert!(a.stack_resources("test").unwrap().is_empty());
}

#[test]
fn the_identity_can_be_set_to_the_real_one() {
    let a = account();
    let me = Identity {
        account: "999999999999".into(),
        arn: "arn:aws:iam::999999999999:user/kim".into(),
        user_id: "AIDAEXAMPLE".into(),
    };
    a.set_identity(me.clone());
    assert_eq!(a.whoami().unwrap(), me);
    let tg = super::target_group(&a, "app").unwrap();
    assert!(
        tg.id.contains(":999999999999:targetgroup/app/"),
        "{}",
        tg.id
    );
}
