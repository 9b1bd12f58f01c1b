//! What the engine asks a backend to create: plain data, already validated
//! for shape by the script bindings (the backend applies AWS's own rules).
//! `Cloud::create` takes one of these inside a [`Spec`], so a new option is
//! a new field and a new kind a new variant, never a new signature.

use super::Kind;
use serde::Serialize;

/// What to create: one variant per kind a script creates, each with its
/// spec. `Cloud::create` takes one, so a new kind or option changes this
/// enum and the backends' `match` on it (which the compiler checks), never
/// the trait.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Spec {
    Vpc(VpcSpec),
    InternetGateway(InternetGatewaySpec),
    Subnet(SubnetSpec),
    ElasticIp(ElasticIpSpec),
    NatGateway(NatGatewaySpec),
    RouteTable(RouteTableSpec),
    SecurityGroup(SecurityGroupSpec),
    Instance(InstanceSpec),
    TargetGroup(TargetGroupSpec),
    LoadBalancer(LoadBalancerSpec),
    Listener(ListenerSpec),
}

impl Spec {
    /// The kind of resource this spec creates.
    pub fn kind(&self) -> Kind {
        match self {
            Spec::Vpc(_) => Kind::Vpc,
            Spec::InternetGateway(_) => Kind::InternetGateway,
            Spec::Subnet(_) => Kind::Subnet,
            Spec::ElasticIp(_) => Kind::ElasticIp,
            Spec::NatGateway(_) => Kind::NatGateway,
            Spec::RouteTable(_) => Kind::RouteTable,
            Spec::SecurityGroup(_) => Kind::SecurityGroup,
            Spec::Instance(_) => Kind::Instance,
            Spec::TargetGroup(_) => Kind::TargetGroup,
            Spec::LoadBalancer(_) => Kind::LoadBalancer,
            Spec::Listener(_) => Kind::Listener,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VpcSpec {
    pub cidr: String,
}

/// An internet gateway, created attached to `vpc`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InternetGatewaySpec {
    pub vpc: String,
}

/// An Elastic IP in the VPC domain: AWS needs nothing more.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ElasticIpSpec {}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NatGatewaySpec {
    pub subnet: String,
    /// Allocation id of the Elastic IP.
    pub eip: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouteTableSpec {
    pub vpc: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubnetSpec {
    pub vpc: String,
    pub cidr: String,
    /// Full AZ name, e.g. `ap-northeast-2a`.
    pub az: String,
    pub public_ip: bool,
}

/// Where a route sends its traffic.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum RouteTarget {
    NatGateway(String),
    InternetGateway(String),
}

impl RouteTarget {
    pub fn id(&self) -> &str {
        match self {
            RouteTarget::NatGateway(id) | RouteTarget::InternetGateway(id) => id,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Route {
    pub dest: String,
    pub target: RouteTarget,
}

/// Where an ingress rule lets traffic come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum Source {
    Cidr(String),
    SecurityGroup(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct IngressRule {
    pub protocol: String,
    pub port: u16,
    pub from: Source,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecurityGroupSpec {
    pub vpc: String,
    pub group_name: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstanceSpec {
    pub subnet: String,
    pub image: String,
    pub instance_type: String,
    pub security_groups: Vec<String>,
    pub public_ip: bool,
    pub user_data: String,
}

/// A target group's health check, with AWS's defaults
/// (ELBv2 API Reference, `CreateTargetGroup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HealthCheck {
    pub path: String,
    /// Seconds between two checks of a target (5 to 300).
    pub interval: u16,
    /// Seconds without an answer that make a check fail (2 to 120, less
    /// than the interval).
    pub timeout: u16,
    /// Checks in a row a target passes to become healthy (2 to 10).
    pub healthy_threshold: u16,
    /// Checks in a row a target fails to become unhealthy (2 to 10).
    pub unhealthy_threshold: u16,
}

impl HealthCheck {
    /// AWS's defaults for a target group of `protocol`: interval 30 s,
    /// healthy threshold 5, unhealthy threshold 2, and a timeout of 6 s
    /// for HTTP, 10 s for HTTPS and TCP.
    pub fn defaults(protocol: &str) -> Self {
        HealthCheck {
            timeout: if protocol == "HTTP" { 6 } else { 10 },
            ..HealthCheck::default()
        }
    }
}

impl Default for HealthCheck {
    /// AWS's defaults for an HTTP target group.
    fn default() -> Self {
        HealthCheck {
            path: "/".into(),
            interval: 30,
            timeout: 6,
            healthy_threshold: 5,
            unhealthy_threshold: 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetGroupSpec {
    pub name: String,
    pub vpc: String,
    pub port: u16,
    pub protocol: String,
    pub health_check: HealthCheck,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadBalancerSpec {
    pub name: String,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// `internet-facing` or `internal`.
    pub scheme: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListenerSpec {
    pub load_balancer: String,
    pub port: u16,
    pub protocol: String,
    /// Target group ARN the default action forwards to.
    pub forward: String,
}

/// The outbound rule AWS gives every new security group, the VPC's
/// `default` group included: all traffic, to anywhere (IPv4).
pub fn default_egress() -> Vec<serde_json::Value> {
    vec![serde_json::json!({ "protocol": "-1", "port": 0, "to": "0.0.0.0/0" })]
}
