//! Adoption: tagging a resource built by hand (AWS CLI, console) into a
//! stack instead of building its twin (`awsrun run SCRIPT --adopt`).
//!
//! Both backends list the untagged resources of a kind
//! ([`Cloud::untagged`](super::Cloud::untagged)) and tag one into a stack
//! ([`Cloud::adopt`](super::Cloud::adopt)); the engine decides which one
//! matches an ensure. What neither ever offers, whoever asks:
//! - what the account comes with: the default VPC, its default subnets and
//!   internet gateway, every VPC's main route table and `default` security
//!   group (tagging them into a stack would let `destroy` try to delete
//!   them);
//! - hosted zones, certificates and DNS records (out of scope: records are
//!   owned through their ownership TXT records, never by tags).

use super::{Kind, Resource};

/// The kinds a script's ensure may adopt.
pub const KINDS: [Kind; 11] = [
    Kind::Vpc,
    Kind::InternetGateway,
    Kind::Subnet,
    Kind::ElasticIp,
    Kind::NatGateway,
    Kind::RouteTable,
    Kind::SecurityGroup,
    Kind::Instance,
    Kind::TargetGroup,
    Kind::LoadBalancer,
    Kind::Listener,
];

/// Whether a resource may ever be adopted: one of [`KINDS`], and none of
/// the account's defaults. `default_vpc` is the region's default VPC id
/// (its internet gateway is the account's too).
pub fn adoptable(r: &Resource, default_vpc: Option<&str>) -> bool {
    let flag = |key: &str| r.attr(key).and_then(serde_json::Value::as_bool) == Some(true);
    KINDS.contains(&r.kind)
        && match r.kind {
            Kind::Vpc => !flag("is_default"),
            Kind::Subnet => !flag("default"),
            Kind::RouteTable => !flag("main"),
            Kind::SecurityGroup => r.str("group_name") != "default",
            Kind::InternetGateway => default_vpc.is_none_or(|vpc| r.str("vpc") != vpc),
            _ => true,
        }
}

/// The name ELB gives a load balancer or target group, from its ARN
/// (`...:targetgroup/NAME/HEX`, `...:loadbalancer/app/NAME/HEX`).
pub fn elb_name(arn: &str) -> &str {
    let resource = arn.rsplit(':').next().unwrap_or(arn);
    let parts: Vec<&str> = resource.split('/').collect();
    match parts.as_slice() {
        ["targetgroup", name, ..] => name,
        ["loadbalancer", _, name, ..] => name,
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elb_names_come_from_the_arn() {
        let tg = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/web-tg/0123456789abcdef";
        assert_eq!(elb_name(tg), "web-tg");
        let lb = "arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/web/0123456789abcdef";
        assert_eq!(elb_name(lb), "web");
        assert_eq!(elb_name("subnet-1"), "");
    }

    #[test]
    fn the_accounts_defaults_are_never_adoptable() {
        let vpc = Resource::new(Kind::Vpc, "", "vpc-1").with("is_default", true);
        assert!(!adoptable(&vpc, None));
        let subnet = Resource::new(Kind::Subnet, "", "subnet-1").with("default", true);
        assert!(!adoptable(&subnet, None));
        let main = Resource::new(Kind::RouteTable, "", "rtb-1").with("main", true);
        assert!(!adoptable(&main, None));
        let group = Resource::new(Kind::SecurityGroup, "", "sg-1").with("group_name", "default");
        assert!(!adoptable(&group, None));
        let igw = Resource::new(Kind::InternetGateway, "", "igw-1").with("vpc", "vpc-1");
        assert!(!adoptable(&igw, Some("vpc-1")));
        assert!(adoptable(&igw, Some("vpc-2")));
        let zone = Resource::new(Kind::HostedZone, "", "Z1");
        assert!(!adoptable(&zone, None));
        let own = Resource::new(Kind::RouteTable, "", "rtb-2");
        assert!(adoptable(&own, None));
    }
}
