use crate::cloud::Spec;
use crate::cloud::VpcSpec;
use std::time::Instant;

use super::super::SimAccount;
use super::{REGION, instance_spec};
use crate::cloud::{Cloud, Kind, SubnetSpec, Tags};

/// The scale benchmark's shape: a new /16 VPC filled with 4,096 /28
/// subnets (an account whose subnets-per-VPC quota was raised from 200),
/// 10,000 instances spread over them, each looked up first as the engine's
/// ensure does.
#[test]
fn thousands_of_subnets_and_instances_stay_fast() {
    let a = SimAccount::new(REGION);
    let mut quotas = crate::cloud::sim::quotas::Quotas::AWS;
    quotas.subnets_per_vpc = 5_000;
    quotas.vcpus = 100_000;
    a.set_quotas(quotas);
    let started = Instant::now();
    let vpc = a
        .create(
            &Spec::Vpc(VpcSpec {
                cidr: "10.0.0.0/16".to_string(),
            }),
            &Tags::new("perf", "bench"),
        )
        .unwrap()
        .id;
    let blocks = crate::cidr::parse("10.0.0.0/16")
        .unwrap()
        .subnets(28)
        .unwrap();
    let azs = a.azs().unwrap();
    let mut subnets = Vec::with_capacity(blocks.len());
    for (i, block) in blocks.iter().enumerate() {
        let tags = Tags::new("perf", &format!("s{i}"));
        assert!(a.find(Kind::Subnet, &tags).unwrap().is_none());
        let spec = SubnetSpec {
            vpc: vpc.clone(),
            cidr: block.to_string(),
            az: azs[i % azs.len()].clone(),
            public_ip: false,
        };
        subnets.push(a.create(&Spec::Subnet(spec.clone()), &tags).unwrap().id);
    }
    let overlap = SubnetSpec {
        vpc: vpc.clone(),
        cidr: "10.0.128.0/24".into(),
        az: azs[0].clone(),
        public_ip: false,
    };
    assert_eq!(
        a.create(&Spec::Subnet(overlap.clone()), &Tags::new("perf", "x"))
            .unwrap_err()
            .code,
        "InvalidSubnet.Conflict"
    );
    for i in 0..10_000 {
        let tags = Tags::new("perf", &format!("web-{i}"));
        assert!(a.find(Kind::Instance, &tags).unwrap().is_none());
        a.create(
            &Spec::Instance(instance_spec(&subnets[i % subnets.len()], &[]).clone()),
            &tags,
        )
        .unwrap();
    }
    assert_eq!(a.stack_resources("perf").unwrap().len(), 1 + 4096 + 10_000);
    let elapsed = started.elapsed();
    let limit = if cfg!(debug_assertions) { 10_000 } else { 500 };
    assert!(elapsed.as_millis() < limit, "took {elapsed:?}");
}
