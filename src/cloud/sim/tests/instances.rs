use super::{
    account, code, group, group_in, instance, instance_spec, public, roomy_account, settle, subnet,
    tags,
};
use crate::cloud::Spec;
use crate::cloud::{Cloud, InstanceSpec, Kind};

#[test]
fn an_instance_starts_pending_with_the_first_free_address_of_its_subnet() {
    let a = account();
    let web = group(&a, "web");
    let s = subnet(&a, "172.31.112.0/20", "c").unwrap();
    let first = instance(&a, &s.id, &[&web.id]).unwrap();
    assert!(
        first.id.starts_with("i-") && first.id.len() == 19,
        "{}",
        first.id
    );
    assert_eq!(first.state(), "pending");
    assert_eq!(first.str("private_ip"), "172.31.112.4");
    assert_eq!(first.str("public_ip"), "");
    assert_eq!(first.str("az"), "ap-northeast-2c");
    assert_eq!(first.str("instance_type"), "t3.micro");
    assert_eq!(first.strs("security_groups"), std::slice::from_ref(&web.id));
    let second = instance(&a, &s.id, &[&web.id]).unwrap();
    assert_eq!(second.str("private_ip"), "172.31.112.5");
    assert_eq!(settle(&a, &first, "running").state(), "running");
}

#[test]
fn a_public_ip_is_given_only_when_asked() {
    let a = account();
    let spec = InstanceSpec {
        public_ip: true,
        ..instance_spec(&public(&a, "a"), &[])
    };
    let web = a
        .create(&Spec::Instance(spec.clone()), &tags("web"))
        .unwrap();
    assert!(
        web.str("public_ip").starts_with("3.35."),
        "{}",
        web.str("public_ip")
    );
}

#[test]
fn without_groups_an_instance_gets_the_vpc_default_group() {
    let a = account();
    let web = instance(&a, &public(&a, "a"), &[]).unwrap();
    let groups = web.strs("security_groups");
    assert_eq!(groups.len(), 1);
    assert!(groups[0].starts_with("sg-"));
}

#[test]
fn an_instance_in_an_unknown_subnet_is_invalid_subnet_id_not_found() {
    let a = account();
    assert_eq!(
        code(instance(&a, "subnet-0123456789abcdef0", &[])),
        "InvalidSubnetID.NotFound"
    );
}

#[test]
fn a_malformed_image_id_is_invalid_ami_id_malformed() {
    let a = account();
    for image in ["ami-xyz", "ami-0123456", "al2023", "ami-0123456789ABCDEF0"] {
        let spec = InstanceSpec {
            image: image.into(),
            ..instance_spec(&public(&a, "a"), &[])
        };
        assert_eq!(
            code(a.create(&Spec::Instance(spec.clone()), &tags("web"))),
            "InvalidAMIID.Malformed",
            "{image}"
        );
    }
    let spec = InstanceSpec {
        image: "ami-12345678".into(),
        ..instance_spec(&public(&a, "a"), &[])
    };
    assert!(
        a.create(&Spec::Instance(spec.clone()), &tags("web"))
            .is_ok()
    );
}

#[test]
fn an_unknown_instance_type_is_invalid_parameter_value() {
    let a = roomy_account();
    for kind in ["t3.mega", "t2", "m5.micro", "x1e.64xlarge"] {
        let spec = InstanceSpec {
            instance_type: kind.into(),
            ..instance_spec(&public(&a, "a"), &[])
        };
        assert_eq!(
            code(a.create(&Spec::Instance(spec.clone()), &tags("web"))),
            "InvalidParameterValue",
            "{kind}"
        );
    }
    // Every type EC2 offers, not only the common ones.
    for kind in [
        "t2.nano",
        "t3a.2xlarge",
        "c6i.4xlarge",
        "r5.large",
        "x1e.32xlarge",
        "m7g.medium",
        "u-6tb1.metal",
    ] {
        let spec = InstanceSpec {
            instance_type: kind.into(),
            ..instance_spec(&public(&a, "a"), &[])
        };
        assert!(
            a.create(&Spec::Instance(spec.clone()), &tags("web"))
                .is_ok(),
            "{kind}"
        );
    }
}

#[test]
fn user_data_over_16_kib_is_invalid_parameter_value() {
    let a = account();
    let spec = InstanceSpec {
        user_data: "x".repeat(16 * 1024 + 1),
        ..instance_spec(&public(&a, "a"), &[])
    };
    assert_eq!(
        code(a.create(&Spec::Instance(spec.clone()), &tags("web"))),
        "InvalidParameterValue"
    );
}

#[test]
fn an_unknown_security_group_is_invalid_group_not_found() {
    let a = account();
    assert_eq!(
        code(instance(&a, &public(&a, "a"), &["sg-0123456789abcdef0"])),
        "InvalidGroup.NotFound"
    );
}

#[test]
fn a_security_group_of_another_vpc_is_invalid_parameter() {
    let a = account();
    let other = group_in(&a, &super::seed::second_vpc(&a), "other").unwrap();
    assert_eq!(
        code(instance(&a, &public(&a, "a"), &[&other.id])),
        "InvalidParameter"
    );
}

#[test]
fn a_full_subnet_is_insufficient_free_addresses_in_subnet() {
    let a = roomy_account();
    let s = subnet(&a, "172.31.112.0/28", "a").unwrap();
    let last = (0..11)
        .map(|_| instance(&a, &s.id, &[]).unwrap())
        .last()
        .unwrap();
    // A /28 has 16 addresses: AWS keeps the first four and the last.
    assert_eq!(last.str("private_ip"), "172.31.112.14");
    assert_eq!(
        code(instance(&a, &s.id, &[])),
        "InsufficientFreeAddressesInSubnet"
    );
    // A terminated instance gives its address back.
    a.terminate_instances(std::slice::from_ref(&last.id))
        .unwrap();
    settle(&a, &last, "terminated");
    assert_eq!(
        instance(&a, &s.id, &[]).unwrap().str("private_ip"),
        "172.31.112.14"
    );
}

#[test]
fn terminating_an_unknown_instance_is_invalid_instance_id_not_found() {
    let a = account();
    let web = instance(&a, &public(&a, "a"), &[]).unwrap();
    let ids = [web.id.clone(), "i-0123456789abcdef0".to_string()];
    assert_eq!(
        code(a.terminate_instances(&ids)),
        "InvalidInstanceID.NotFound"
    );
    // Nothing was terminated: the call is atomic.
    assert_eq!(a.refresh(&web).unwrap().state(), "running");
    assert_eq!(
        code(a.terminate_instances(&["web-1".to_string()])),
        "InvalidInstanceID.Malformed"
    );
}

#[test]
fn a_terminated_instance_shuts_down_then_is_no_longer_found() {
    let a = account();
    let web = instance(&a, &public(&a, "a"), &[]).unwrap();
    a.terminate_instances(std::slice::from_ref(&web.id))
        .unwrap();
    assert_eq!(a.find(Kind::Instance, &tags("web")).unwrap(), None);
    assert_eq!(
        a.stack_resources("test").unwrap()[0].state(),
        "shutting-down"
    );
    let now = a.refresh(&web).unwrap();
    assert_eq!(now.state(), "terminated");
    assert!(a.stack_resources("test").unwrap().is_empty());
    assert_eq!(a.refresh(&now).unwrap().state(), "terminated");
    // Terminating again is fine, as in AWS.
    a.terminate_instances(std::slice::from_ref(&web.id))
        .unwrap();
}

/// RunInstances of a type the subnet's AZ does not offer: `Unsupported`,
/// naming the AZs that do (t2 in ap-northeast-2b).
#[test]
fn a_type_the_az_does_not_offer_is_unsupported() {
    let a = account();
    let spec = InstanceSpec {
        instance_type: "t2.micro".into(),
        ..instance_spec(&public(&a, "b"), &[])
    };
    let err = a.create(&Spec::Instance(spec), &tags("web")).unwrap_err();
    assert_eq!(err.code, "Unsupported");
    assert!(
        err.message
            .ends_with("choosing ap-northeast-2a, ap-northeast-2c."),
        "{}",
        err.message
    );
    for (letter, kind) in [("a", "t2.micro"), ("c", "t2.micro"), ("b", "t3.micro")] {
        let spec = InstanceSpec {
            instance_type: kind.into(),
            ..instance_spec(&public(&a, letter), &[])
        };
        assert!(
            a.create(&Spec::Instance(spec), &tags("web")).is_ok(),
            "{kind} in {letter}"
        );
    }
}

/// The answers of an account that offers c5a.large in 2a to 2c and sees one
/// image: what a real account's `DescribeInstanceTypeOfferings` and
/// `DescribeImages` say, counted to show each question is asked.
#[derive(Default)]
struct Account {
    asked: std::cell::RefCell<Vec<String>>,
}

impl crate::cloud::sim::AccountFacts for Account {
    fn offered_azs(&self, instance_type: &str) -> crate::cloud::CloudResult<Vec<String>> {
        self.asked.borrow_mut().push(instance_type.to_string());
        let letters = match instance_type {
            "c5a.large" => "abc",
            "p4d.24xlarge" => "",
            _ => "abcd",
        };
        Ok(letters
            .chars()
            .map(|l| format!("ap-northeast-2{l}"))
            .collect())
    }

    fn image_visible(&self, image: &str) -> crate::cloud::CloudResult<bool> {
        self.asked.borrow_mut().push(image.to_string());
        Ok(image == "ami-0123456789abcdef0")
    }

    fn zone_with_records(
        &self,
        _domain: &str,
    ) -> crate::cloud::CloudResult<Option<(crate::cloud::Resource, Vec<crate::cloud::Resource>)>>
    {
        Ok(None)
    }

    fn latest_image(&self, _family: &str) -> crate::cloud::CloudResult<String> {
        Ok("ami-0123456789abcdef0".into())
    }
}

/// Mirroring a real account, the plan asks it which AZs offer a type and
/// refuses a launch where it is not offered with AWS's `Unsupported`,
/// whatever the dated table says; a type offered nowhere says so.
#[test]
fn a_mirror_asks_the_real_account_which_azs_offer_a_type() {
    let a = account();
    let real = std::rc::Rc::new(Account::default());
    a.set_facts(real.clone());
    let launch = |instance_type: &str, letter: &str| {
        let spec = InstanceSpec {
            instance_type: instance_type.into(),
            ..instance_spec(&public(&a, letter), &[])
        };
        a.create(&Spec::Instance(spec), &tags("web"))
    };
    let err = launch("c5a.large", "d").unwrap_err();
    assert_eq!(err.code, "Unsupported");
    assert!(
        err.message
            .ends_with("choosing ap-northeast-2a, ap-northeast-2b, ap-northeast-2c."),
        "{}",
        err.message
    );
    assert!(launch("c5a.large", "a").is_ok());
    // The table says 2a and 2c only; this account offers t2 in 2b too.
    assert!(launch("t2.micro", "b").is_ok());
    let err = launch("p4d.24xlarge", "a").unwrap_err();
    assert_eq!(err.code, "Unsupported");
    assert!(err.hint.unwrap().contains("in none of its AZs"));
    assert!(real.asked.borrow().iter().any(|q| q == "c5a.large"));
}

/// Mirroring a real account, an image it cannot see is AWS's
/// `InvalidAMIID.NotFound` before any write; `latest_ami` answers the real
/// account's image, which it sees.
#[test]
fn a_mirror_refuses_an_image_the_real_account_cannot_see() {
    let a = account();
    a.set_facts(std::rc::Rc::new(Account::default()));
    let before = a.stack_resources("test").unwrap().len();
    let spec = InstanceSpec {
        image: "ami-0fffffffffffffff0".into(),
        ..instance_spec(&public(&a, "a"), &[])
    };
    let err = a.create(&Spec::Instance(spec), &tags("web")).unwrap_err();
    assert_eq!(err.code, "InvalidAMIID.NotFound");
    assert_eq!(
        err.message,
        "The image id '[ami-0fffffffffffffff0]' does not exist"
    );
    assert_eq!(a.stack_resources("test").unwrap().len(), before);
    let latest = a.latest_ami("al2023").unwrap();
    assert_eq!(latest, "ami-0123456789abcdef0");
    let spec = InstanceSpec {
        image: latest,
        ..instance_spec(&public(&a, "a"), &[])
    };
    assert!(a.create(&Spec::Instance(spec), &tags("web")).is_ok());
}
