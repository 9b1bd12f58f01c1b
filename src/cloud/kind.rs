//! Every resource kind, described once.
//!
//! [`Kind`] names a kind; [`Kind::info`] gives its [`KindInfo`]: the name
//! scripts use, its id shape, the AWS service and operations behind it, the
//! code AWS answers for an id it does not know, the attributes a plan line
//! shows, its lifecycle states and its place in a stack's destroy order.
//! Every other module reads these facts from here instead of keeping its own
//! list, and `info` is an exhaustive `match`, so a new kind cannot compile
//! without its descriptor. The tests below walk [`Kind::ALL`] and check that
//! each stack-owned kind is destroyed, listed and documented.

use crate::diagnostic::code::{Aws, AwsCode};
use serde::Serialize;
use std::fmt;

/// Every kind of resource awsrun knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Vpc,
    InternetGateway,
    Subnet,
    ElasticIp,
    NatGateway,
    RouteTable,
    SecurityGroup,
    Instance,
    TargetGroup,
    LoadBalancer,
    Listener,
    HostedZone,
    Certificate,
    DnsRecord,
    LaunchTemplate,
    AutoScalingGroup,
    ScalingPolicy,
}

/// The AWS API a kind lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// EC2: ids such as `subnet-0123...`, tags on the resource.
    Ec2,
    /// Elastic Load Balancing v2: ARNs as ids, tags read with `DescribeTags`.
    Elb,
    /// AWS Certificate Manager: ARNs as ids, tags read per certificate.
    Acm,
    /// Route 53: zone ids (`Z...`) and record sets, which carry no tags
    /// (a stack owns a record through an ownership TXT record).
    Route53,
    /// EC2 Auto Scaling: a group's id is its name; tags on the group
    /// (propagated to its instances); a scaling policy carries no tags and
    /// belongs to the stack of its group.
    AutoScaling,
}

/// What awsrun knows about one kind.
#[derive(Debug)]
pub struct KindInfo {
    /// The name scripts and plans use (`subnet`, `nat_gateway`, ...).
    pub name: &'static str,
    /// The EC2 id prefix (`subnet`), or the resource type in an ELB ARN.
    pub id_prefix: &'static str,
    pub service: Service,
    /// The describe operation that reads one resource of the kind.
    pub describe_op: &'static str,
    /// The operation that deletes (or, for instances, terminates) one.
    pub delete_op: &'static str,
    /// AWS's error code for an id it does not know.
    pub not_found_code: AwsCode,
    /// AWS's message for that error; `{id}` stands for the id.
    pub not_found_message: &'static str,
    /// The attributes a plan line shows, in order.
    pub plan_keys: &'static [&'static str],
    /// The state in which `wait` considers the resource usable; `None` for
    /// kinds that are usable as soon as they are created.
    pub ready_state: Option<&'static str>,
    /// States from which the resource never becomes ready (a `wait` fails).
    pub failed_states: &'static [&'static str],
    /// States in which the resource no longer counts as existing.
    pub gone_states: &'static [&'static str],
    /// Where a script gets one (for "expected a ..." help).
    pub made_by: &'static str,
    /// The host function that ensures one, for kinds a stack owns.
    pub ensure: Option<&'static str>,
    /// The kind whose description this one needs or comes with (an address
    /// names the NAT gateway holding it; listeners are read per load
    /// balancer, target groups with them): read together, never twice.
    pub listed_with: Option<Kind>,
    /// Position in a stack's destroy order (lower goes first); `None` for
    /// kinds a stack never owns.
    pub destroy_rank: Option<u8>,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 17] = [
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
        Kind::HostedZone,
        Kind::Certificate,
        Kind::DnsRecord,
        Kind::LaunchTemplate,
        Kind::AutoScalingGroup,
        Kind::ScalingPolicy,
    ];

    /// The descriptor of this kind.
    pub fn info(self) -> &'static KindInfo {
        match self {
            Kind::Vpc => &VPC,
            Kind::InternetGateway => &INTERNET_GATEWAY,
            Kind::Subnet => &SUBNET,
            Kind::ElasticIp => &ELASTIC_IP,
            Kind::NatGateway => &NAT_GATEWAY,
            Kind::RouteTable => &ROUTE_TABLE,
            Kind::SecurityGroup => &SECURITY_GROUP,
            Kind::Instance => &INSTANCE,
            Kind::TargetGroup => &TARGET_GROUP,
            Kind::LoadBalancer => &LOAD_BALANCER,
            Kind::Listener => &LISTENER,
            Kind::HostedZone => &HOSTED_ZONE,
            Kind::Certificate => &CERTIFICATE,
            Kind::DnsRecord => &DNS_RECORD,
            Kind::LaunchTemplate => &LAUNCH_TEMPLATE,
            Kind::AutoScalingGroup => &AUTO_SCALING_GROUP,
            Kind::ScalingPolicy => &SCALING_POLICY,
        }
    }

    /// The name scripts and plans use for the kind (`subnet`, `nat_gateway`, ...).
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    /// The kind scripts call `name`.
    pub fn named(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub fn is_elb(self) -> bool {
        self.info().service == Service::Elb
    }

    pub fn service(self) -> Service {
        self.info().service
    }

    /// Whether a stack can own resources of this kind.
    pub fn stack_owned(self) -> bool {
        self.info().destroy_rank.is_some()
    }

    /// Whether a resource of this kind in `state` no longer counts as existing.
    pub fn is_gone(self, state: &str) -> bool {
        self.info().gone_states.contains(&state)
    }

    /// The kinds a stack owns, in the order `destroy` deletes them.
    pub fn destroy_order() -> Vec<Kind> {
        let mut kinds: Vec<Kind> = Kind::ALL.into_iter().filter(|k| k.stack_owned()).collect();
        kinds.sort_by_key(|k| k.info().destroy_rank);
        kinds
    }

    /// The kinds a stack owns, parents first (the order to list and seed in).
    pub fn stack_kinds() -> Vec<Kind> {
        let mut kinds = Kind::destroy_order();
        kinds.reverse();
        kinds
    }

    /// The kinds a stack owns, in groups that are read together (each
    /// group after the kinds it is listed with), parents first.
    pub fn listing_groups() -> Vec<Vec<Kind>> {
        let mut groups: Vec<(Kind, Vec<Kind>)> = Vec::new();
        for kind in Kind::stack_kinds() {
            let root = kind.info().listed_with.unwrap_or(kind);
            match groups.iter_mut().find(|(r, _)| *r == root) {
                Some((_, group)) => group.push(kind),
                None => groups.push((root, vec![kind])),
            }
        }
        for (root, group) in &mut groups {
            group.sort_by_key(|k| *k != *root);
        }
        groups.into_iter().map(|(_, group)| group).collect()
    }

    /// Whether AWS's answer (`code`, `message`) says a resource of this kind
    /// is not there (any more): a `...NotFound` code, the kind's own
    /// not-found code, or, for a record, the batch error naming a record
    /// that was not found.
    pub fn is_not_found(self, code: &str, message: &str) -> bool {
        let own = self.info().not_found_code.as_str();
        if self == Kind::DnsRecord {
            return code == own && message.contains("but it was not found");
        }
        if self.service() == Service::AutoScaling {
            // Auto Scaling answers `ValidationError` for every bad request;
            // only its message tells an unknown group or policy apart.
            return code == own && message.contains("not found");
        }
        // EC2 answers `InvalidLaunchTemplateName.NotFoundException` for a
        // launch template it does not know by name.
        code.ends_with("NotFound") || code.ends_with("NotFoundException") || code == own
    }

    /// AWS's message for an id of this kind that it does not know.
    pub fn not_found_message(self, id: &str) -> String {
        self.info().not_found_message.replace("{id}", id)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The defaults every kind's descriptor starts from; the code AWS answers
/// for an unknown id has none, so each kind names its own.
const fn ec2(name: &'static str, id_prefix: &'static str, not_found: Aws) -> KindInfo {
    KindInfo {
        name,
        id_prefix,
        service: Service::Ec2,
        describe_op: "",
        delete_op: "",
        not_found_code: not_found.code(),
        not_found_message: "",
        plan_keys: &[],
        ready_state: None,
        failed_states: &[],
        gone_states: &[],
        made_by: "",
        ensure: None,
        listed_with: None,
        destroy_rank: None,
    }
}

const VPC: KindInfo = KindInfo {
    describe_op: "DescribeVpcs",
    delete_op: "DeleteVpc",
    not_found_message: "The vpc ID '{id}' does not exist",
    plan_keys: &["cidr"],
    made_by: "vpc(...) or default_vpc()",
    ensure: Some("vpc"),
    destroy_rank: Some(110),
    ..ec2("vpc", "vpc", Aws::InvalidVpcIdNotFound)
};

const INTERNET_GATEWAY: KindInfo = KindInfo {
    describe_op: "DescribeInternetGateways",
    delete_op: "DeleteInternetGateway",
    not_found_message: "The internetGateway ID '{id}' does not exist",
    plan_keys: &["vpc"],
    made_by: "internet_gateway(...)",
    ensure: Some("internet_gateway"),
    // AWS refuses to detach a gateway while its VPC maps public addresses
    // (NAT gateways, Elastic IPs, instances, load balancers): after those.
    destroy_rank: Some(85),
    ..ec2(
        "internet_gateway",
        "igw",
        Aws::InvalidInternetGatewayIdNotFound,
    )
};

const SUBNET: KindInfo = KindInfo {
    describe_op: "DescribeSubnets",
    delete_op: "DeleteSubnet",
    not_found_message: "The subnet ID '{id}' does not exist",
    plan_keys: &["cidr", "az", "public_ip"],
    made_by: "subnet(...), public_subnet(AZ) or private_subnet(...).subnet",
    ensure: Some("subnet"),
    destroy_rank: Some(90),
    ..ec2("subnet", "subnet", Aws::InvalidSubnetIdNotFound)
};

const ELASTIC_IP: KindInfo = KindInfo {
    describe_op: "DescribeAddresses",
    delete_op: "ReleaseAddress",
    not_found_message: "The allocation ID '{id}' does not exist",
    plan_keys: &["public_ip"],
    made_by: "elastic_ip(name)",
    ensure: Some("elastic_ip"),
    listed_with: Some(Kind::NatGateway),
    destroy_rank: Some(80),
    ..ec2("elastic_ip", "eipalloc", Aws::InvalidAllocationIdNotFound)
};

const NAT_GATEWAY: KindInfo = KindInfo {
    describe_op: "DescribeNatGateways",
    delete_op: "DeleteNatGateway",
    not_found_message: "The Nat Gateway {id} was not found",
    plan_keys: &["subnet", "eip"],
    ready_state: Some("available"),
    failed_states: &["failed", "deleting", "deleted"],
    gone_states: &["deleted", "deleting", "failed"],
    made_by: "nat_gateway(...) or private_subnet(...).nat",
    ensure: Some("nat_gateway"),
    destroy_rank: Some(70),
    ..ec2("nat_gateway", "nat", Aws::NatGatewayNotFound)
};

const ROUTE_TABLE: KindInfo = KindInfo {
    describe_op: "DescribeRouteTables",
    delete_op: "DeleteRouteTable",
    not_found_message: "The routeTable ID '{id}' does not exist",
    plan_keys: &["vpc"],
    made_by: "route_table(...)",
    ensure: Some("route_table"),
    destroy_rank: Some(60),
    ..ec2("route_table", "rtb", Aws::InvalidRouteTableIdNotFound)
};

const SECURITY_GROUP: KindInfo = KindInfo {
    describe_op: "DescribeSecurityGroups",
    delete_op: "DeleteSecurityGroup",
    not_found_message: "The security group '{id}' does not exist",
    plan_keys: &["vpc"],
    made_by: "security_group(...)",
    ensure: Some("security_group"),
    destroy_rank: Some(50),
    ..ec2("security_group", "sg", Aws::InvalidGroupNotFound)
};

const INSTANCE: KindInfo = KindInfo {
    describe_op: "DescribeInstances",
    delete_op: "TerminateInstances",
    not_found_message: "The instance ID '{id}' does not exist",
    plan_keys: &["instance_type", "subnet", "private_ip"],
    ready_state: Some("running"),
    failed_states: &["shutting-down", "terminated", "stopping", "stopped"],
    gone_states: &["terminated", "shutting-down"],
    made_by: "instances(...)",
    ensure: Some("instances"),
    destroy_rank: Some(40),
    ..ec2("instance", "i", Aws::InvalidInstanceIdNotFound)
};

const TARGET_GROUP: KindInfo = KindInfo {
    service: Service::Elb,
    describe_op: "DescribeTargetGroups",
    delete_op: "DeleteTargetGroup",
    not_found_message: "One or more target groups not found",
    plan_keys: &["protocol", "port", "vpc"],
    made_by: "target_group(...)",
    ensure: Some("target_group"),
    listed_with: Some(Kind::LoadBalancer),
    destroy_rank: Some(30),
    ..ec2("target_group", "targetgroup", Aws::TargetGroupNotFound)
};

const LOAD_BALANCER: KindInfo = KindInfo {
    service: Service::Elb,
    describe_op: "DescribeLoadBalancers",
    delete_op: "DeleteLoadBalancer",
    not_found_message: "One or more load balancers not found",
    plan_keys: &["scheme", "dns_name"],
    ready_state: Some("active"),
    failed_states: &["failed"],
    made_by: "load_balancer(...)",
    ensure: Some("load_balancer"),
    destroy_rank: Some(20),
    ..ec2("load_balancer", "loadbalancer", Aws::LoadBalancerNotFound)
};

const LISTENER: KindInfo = KindInfo {
    service: Service::Elb,
    describe_op: "DescribeListeners",
    delete_op: "DeleteListener",
    not_found_message: "One or more listeners not found",
    plan_keys: &["protocol", "port", "redirect", "ssl_policy"],
    made_by: "listener(...)",
    ensure: Some("listener"),
    listed_with: Some(Kind::LoadBalancer),
    destroy_rank: Some(10),
    ..ec2("listener", "listener", Aws::ListenerNotFound)
};

const HOSTED_ZONE: KindInfo = KindInfo {
    service: Service::Route53,
    describe_op: "GetHostedZone",
    delete_op: "DeleteHostedZone",
    not_found_message: "No hosted zone found with ID: {id}",
    plan_keys: &["domain"],
    made_by: "hosted_zone(domain)",
    // A zone is the account's: awsrun looks it up, never creates or deletes it.
    ..ec2("hosted_zone", "hostedzone", Aws::NoSuchHostedZone)
};

const CERTIFICATE: KindInfo = KindInfo {
    service: Service::Acm,
    describe_op: "DescribeCertificate",
    delete_op: "DeleteCertificate",
    not_found_message: "Certificate with arn {id} not found",
    plan_keys: &["domain", "alt_names"],
    ready_state: Some("ISSUED"),
    failed_states: &[
        "FAILED",
        "VALIDATION_TIMED_OUT",
        "REVOKED",
        "EXPIRED",
        "INACTIVE",
    ],
    made_by: "certificate(...)",
    ensure: Some("certificate"),
    // ACM refuses to delete a certificate a listener uses: after listeners.
    destroy_rank: Some(15),
    ..ec2(
        "certificate",
        "certificate",
        Aws::CertificateResourceNotFound,
    )
};

const DNS_RECORD: KindInfo = KindInfo {
    service: Service::Route53,
    describe_op: "ListResourceRecordSets",
    delete_op: "ChangeResourceRecordSets",
    not_found_message: "Tried to delete resource record set [name='{id}'] but it was not found",
    plan_keys: &["type", "target"],
    made_by: "dns_record(...)",
    ensure: Some("dns_record"),
    // Records first: nothing may point at what is about to go.
    destroy_rank: Some(5),
    ..ec2("dns_record", "rrset", Aws::InvalidChangeBatch)
};

const LAUNCH_TEMPLATE: KindInfo = KindInfo {
    describe_op: "DescribeLaunchTemplates",
    delete_op: "DeleteLaunchTemplate",
    not_found_message: "The specified launch template, with template ID {id}, does not exist.",
    plan_keys: &["version", "instance_type", "image"],
    made_by: "launch_template(...) or scaling_group(...).template",
    ensure: Some("launch_template"),
    // Deleted once no group uses it and its instances are gone.
    destroy_rank: Some(45),
    ..ec2(
        "launch_template",
        "lt",
        Aws::InvalidLaunchTemplateIdNotFound,
    )
};

const AUTO_SCALING_GROUP: KindInfo = KindInfo {
    service: Service::AutoScaling,
    describe_op: "DescribeAutoScalingGroups",
    delete_op: "DeleteAutoScalingGroup",
    not_found_message: "AutoScalingGroup name not found - AutoScalingGroup {id} not found",
    plan_keys: &["capacity", "version", "subnets"],
    made_by: "auto_scaling_group(...) or scaling_group(...).group",
    ensure: Some("auto_scaling_group"),
    // Before the listeners, load balancer and target groups its instances
    // serve behind: a forced delete terminates them, and destroy waits
    // until they are gone.
    destroy_rank: Some(8),
    // A forced delete is `Delete in progress` until its instances are
    // terminated; destroy waits for `deleted` before the target groups go.
    gone_states: &["deleting", "deleted"],
    ..ec2(
        "auto_scaling_group",
        "autoScalingGroup",
        Aws::ValidationError,
    )
};

const SCALING_POLICY: KindInfo = KindInfo {
    service: Service::AutoScaling,
    describe_op: "DescribePolicies",
    delete_op: "DeletePolicy",
    not_found_message: "Scaling policy {id} not found",
    plan_keys: &["metric", "target"],
    made_by: "scaling_policy(...) or scaling_group(...).policy",
    ensure: Some("scaling_policy"),
    listed_with: Some(Kind::AutoScalingGroup),
    destroy_rank: Some(7),
    ..ec2("scaling_policy", "scalingPolicy", Aws::ValidationError)
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_complete_descriptor() {
        for kind in Kind::ALL {
            let info = kind.info();
            assert_eq!(Kind::named(info.name), Some(kind));
            for (field, value) in [
                ("id_prefix", info.id_prefix),
                ("describe_op", info.describe_op),
                ("delete_op", info.delete_op),
                ("not_found_code", info.not_found_code.as_str()),
                ("not_found_message", info.not_found_message),
                ("made_by", info.made_by),
            ] {
                assert!(!value.is_empty(), "{kind}: {field} is empty");
            }
            assert!(!info.plan_keys.is_empty(), "{kind}: no plan keys");
            // Route 53 answers NoSuch* for what it does not know, and a
            // DELETE of a missing record fails the whole change batch;
            // Auto Scaling says "not found" in a ValidationError.
            let code = info.not_found_code.as_str();
            assert!(
                code.contains("NotFound")
                    || code.starts_with("NoSuch")
                    || (kind == Kind::DnsRecord && code == "InvalidChangeBatch")
                    || (info.service == Service::AutoScaling && code == "ValidationError"),
                "{kind}: {code}"
            );
            assert_eq!(info.ensure.is_some(), kind.stack_owned(), "{kind}");
            if let Some(ready) = info.ready_state {
                assert!(!info.failed_states.contains(&ready), "{kind}");
            }
        }
    }

    #[test]
    fn destroy_ranks_are_distinct_and_children_go_first() {
        let order = Kind::destroy_order();
        let ranks: std::collections::BTreeSet<_> =
            order.iter().map(|k| k.info().destroy_rank).collect();
        assert_eq!(ranks.len(), order.len(), "two kinds share a destroy rank");
        let pos = |k: Kind| order.iter().position(|x| *x == k).unwrap();
        // What AWS refuses to delete while it is in use goes after its users.
        for (child, parent) in [
            (Kind::Listener, Kind::LoadBalancer),
            (Kind::Listener, Kind::TargetGroup),
            (Kind::LoadBalancer, Kind::SecurityGroup),
            (Kind::Instance, Kind::SecurityGroup),
            (Kind::NatGateway, Kind::ElasticIp),
            (Kind::NatGateway, Kind::Subnet),
            (Kind::RouteTable, Kind::Subnet),
            (Kind::Subnet, Kind::Vpc),
            (Kind::SecurityGroup, Kind::Vpc),
            (Kind::Listener, Kind::Certificate),
            (Kind::DnsRecord, Kind::LoadBalancer),
            (Kind::DnsRecord, Kind::Certificate),
        ] {
            assert!(pos(child) < pos(parent), "{child} must go before {parent}");
        }
        assert_eq!(Kind::stack_kinds().first(), Some(&Kind::Vpc));
    }

    #[test]
    fn kinds_read_together_share_a_group_after_what_they_need() {
        let groups = Kind::listing_groups();
        let all: Vec<Kind> = groups.iter().flatten().copied().collect();
        assert_eq!(
            all.len(),
            Kind::destroy_order().len(),
            "each stack kind once"
        );
        for kind in all {
            if let Some(with) = kind.info().listed_with {
                let group = groups.iter().find(|g| g.contains(&kind)).unwrap();
                let pos = |k: Kind| group.iter().position(|x| *x == k).unwrap();
                assert!(pos(with) < pos(kind), "{kind} is read after {with}");
            }
        }
    }
}
