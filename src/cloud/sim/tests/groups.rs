use crate::cloud::Spec;
use serde_json::json;

use super::{account, code, group, group_in, tags, vpc};
use crate::cloud::{Cloud, IngressRule, Kind, SecurityGroupSpec, Source};

fn from_cidr(port: u16, cidr: &str) -> IngressRule {
    IngressRule {
        protocol: "tcp".into(),
        port,
        from: Source::Cidr(cidr.into()),
    }
}

fn from_group(port: u16, id: &str) -> IngressRule {
    IngressRule {
        protocol: "tcp".into(),
        port,
        from: Source::SecurityGroup(id.into()),
    }
}

#[test]
fn rules_are_recorded_in_ingress() {
    let a = account();
    let alb = group(&a, "alb");
    let app = group(&a, "app");
    assert_eq!(app.str("group_name"), "app");
    assert_eq!(app.str("description"), "app servers");
    a.authorize_ingress(&alb.id, &[from_cidr(80, "0.0.0.0/0")])
        .unwrap();
    a.authorize_ingress(
        &app.id,
        &[from_group(3000, &alb.id), from_cidr(0, "10.0.0.0/8")],
    )
    .unwrap();
    let app = a.find(Kind::SecurityGroup, &tags("app")).unwrap().unwrap();
    assert_eq!(
        app.attrs["ingress"],
        json!([
            { "protocol": "tcp", "port": 3000, "from": alb.id },
            { "protocol": "tcp", "port": 0, "from": "10.0.0.0/8" },
        ])
    );
}

#[test]
fn a_group_name_taken_in_the_vpc_is_invalid_group_duplicate() {
    let a = account();
    group(&a, "web");
    assert_eq!(
        code(group_in(&a, &vpc(&a), "web")),
        "InvalidGroup.Duplicate"
    );
    // Names are case-insensitive: AWS refuses `WEB` next to `web`.
    assert_eq!(
        code(group_in(&a, &vpc(&a), "WEB")),
        "InvalidGroup.Duplicate"
    );
    // `default` is reserved (every VPC has its own), in any case.
    for name in ["default", "Default"] {
        assert_eq!(code(group_in(&a, &vpc(&a), name)), "InvalidGroup.Reserved");
    }
    // Another VPC may reuse the name.
    assert!(group_in(&a, &super::seed::second_vpc(&a), "web").is_ok());
}

#[test]
fn a_group_without_description_is_missing_parameter() {
    let a = account();
    let spec = SecurityGroupSpec {
        vpc: vpc(&a),
        group_name: "web".into(),
        description: String::new(),
    };
    assert_eq!(
        code(a.create(&Spec::SecurityGroup(spec.clone()), &tags("web"))),
        "MissingParameter"
    );
}

#[test]
fn a_description_beyond_ascii_is_invalid_parameter_value() {
    let a = account();
    let spec = SecurityGroupSpec {
        vpc: vpc(&a),
        group_name: "web".into(),
        description: "웹 서버".into(),
    };
    assert_eq!(
        code(a.create(&Spec::SecurityGroup(spec.clone()), &tags("web"))),
        "InvalidParameterValue"
    );
}

#[test]
fn a_group_in_an_unknown_vpc_is_invalid_vpc_id_not_found() {
    let a = account();
    assert_eq!(
        code(group_in(&a, "vpc-0123456789abcdef0", "web")),
        "InvalidVpcID.NotFound"
    );
}

#[test]
fn the_same_rule_twice_is_invalid_permission_duplicate_and_adds_nothing() {
    let a = account();
    let web = group(&a, "web");
    a.authorize_ingress(&web.id, &[from_cidr(3000, "0.0.0.0/0")])
        .unwrap();
    let err = a
        .authorize_ingress(
            &web.id,
            &[from_cidr(22, "10.0.0.0/8"), from_cidr(3000, "0.0.0.0/0")],
        )
        .unwrap_err();
    assert_eq!(err.code, "InvalidPermission.Duplicate");
    assert!(
        err.message
            .contains("peer: 0.0.0.0/0, TCP, from port: 3000"),
        "{}",
        err.message
    );
    // The call is atomic: the new rule before the duplicate was not added.
    assert_eq!(
        a.refresh(&web).unwrap().attrs["ingress"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Duplicates inside one call count too; so does "TCP" vs "tcp".
    let twice = [from_cidr(80, "0.0.0.0/0"), from_cidr(80, "0.0.0.0/0")];
    assert_eq!(
        code(a.authorize_ingress(&web.id, &twice)),
        "InvalidPermission.Duplicate"
    );
    let upper = IngressRule {
        protocol: "TCP".into(),
        ..from_cidr(3000, "0.0.0.0/0")
    };
    assert_eq!(
        code(a.authorize_ingress(&web.id, &[upper])),
        "InvalidPermission.Duplicate"
    );
}

#[test]
fn a_rule_from_an_unknown_group_is_invalid_group_not_found() {
    let a = account();
    let web = group(&a, "web");
    assert_eq!(
        code(a.authorize_ingress(&web.id, &[from_group(3000, "sg-0123456789abcdef0")])),
        "InvalidGroup.NotFound"
    );
    assert_eq!(
        code(a.authorize_ingress("sg-0123456789abcdef0", &[from_cidr(80, "0.0.0.0/0")])),
        "InvalidGroup.NotFound"
    );
}

#[test]
fn a_rule_from_a_group_of_another_vpc_is_invalid_group_not_found() {
    let a = account();
    let web = group(&a, "web");
    let other = group_in(&a, &super::seed::second_vpc(&a), "other").unwrap();
    assert_eq!(
        code(a.authorize_ingress(&web.id, &[from_group(3000, &other.id)])),
        "InvalidGroup.NotFound"
    );
}

#[test]
fn a_malformed_source_cidr_or_protocol_is_invalid_parameter_value() {
    let a = account();
    let web = group(&a, "web");
    assert_eq!(
        code(a.authorize_ingress(&web.id, &[from_cidr(80, "0.0.0.0")])),
        "InvalidParameterValue"
    );
    let sctp = IngressRule {
        protocol: "sctp".into(),
        ..from_cidr(80, "0.0.0.0/0")
    };
    assert_eq!(
        code(a.authorize_ingress(&web.id, &[sctp])),
        "InvalidParameterValue"
    );
}

#[test]
fn every_port_from_0_to_65535_is_accepted() {
    // The rule's port is a u16, so AWS's 0..=65535 range holds by construction.
    let a = account();
    let web = group(&a, "web");
    a.authorize_ingress(
        &web.id,
        &[from_cidr(0, "0.0.0.0/0"), from_cidr(65535, "0.0.0.0/0")],
    )
    .unwrap();
}

/// Group names and descriptions: up to 255 of a-z, A-Z, 0-9, spaces and
/// `._-:/()#,@[]+=&;{}!$*`; rules name tcp, udp, icmp, icmpv6, a protocol
/// number or -1 (InvalidParameterValue otherwise).
#[test]
fn group_text_and_rule_protocols_follow_aws_character_sets() {
    let a = account();
    let long = "w".repeat(256);
    for name in ["web?", "caf\u{e9}", "it's", "sg-web", long.as_str()] {
        assert_eq!(
            code(group_in(&a, &vpc(&a), name)),
            "InvalidParameterValue",
            "{name}"
        );
    }
    assert!(group_in(&a, &vpc(&a), "web (prod) #1: api/v2").is_ok());
    let sg = group(&a, "rules");
    let rule = |protocol: &str| crate::cloud::IngressRule {
        protocol: protocol.into(),
        port: 0,
        from: crate::cloud::Source::Cidr("10.0.0.0/8".into()),
    };
    for protocol in ["icmpv6", "6", "-1"] {
        assert!(
            a.authorize_ingress(&sg.id, &[rule(protocol)]).is_ok(),
            "{protocol}"
        );
    }
    for protocol in ["tcpp", "256"] {
        assert_eq!(
            code(a.authorize_ingress(&sg.id, &[rule(protocol)])),
            "InvalidParameterValue",
            "{protocol}"
        );
    }
}

/// A new group has no inbound rule and AWS's one outbound rule (all
/// traffic to 0.0.0.0/0); the VPC's `default` group also lets its members
/// reach each other on every protocol.
#[test]
fn a_new_group_allows_all_outbound_and_the_default_group_lets_its_members_in() {
    let a = account();
    let web = group(&a, "web");
    let all_out = json!([{ "protocol": "-1", "port": 0, "to": "0.0.0.0/0" }]);
    assert_eq!(web.attr("ingress"), Some(&json!([])));
    assert_eq!(web.attr("egress"), Some(&all_out));
    let spec = super::instance_spec(&super::public(&a, "a"), &[]);
    let server = a.create(&Spec::Instance(spec), &tags("api")).unwrap();
    let default_id = server.strs("security_groups")[0].clone();
    let default = a
        .refresh(&crate::cloud::Resource::new(
            Kind::SecurityGroup,
            "default",
            &default_id,
        ))
        .unwrap();
    assert_eq!(default.str("group_name"), "default");
    assert_eq!(
        default.attr("ingress"),
        Some(&json!([{ "protocol": "-1", "port": 0, "from": default_id }]))
    );
    assert_eq!(default.attr("egress"), Some(&all_out));
}
