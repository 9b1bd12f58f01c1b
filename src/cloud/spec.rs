//! What the engine asks a backend to create: plain data, already validated
//! for shape by the script bindings (the backend applies AWS's own rules).
//! `Cloud::create` takes one of these inside a [`Spec`], so a new option is
//! a new field and a new kind a new variant, never a new signature.

use super::Kind;
use super::scaling::{AutoScalingGroupSpec, LaunchTemplateSpec, ScalingPolicySpec};
use serde::{Deserialize, Serialize};

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
    Certificate(CertificateSpec),
    DnsRecord(DnsRecordSpec),
    LaunchTemplate(LaunchTemplateSpec),
    AutoScalingGroup(AutoScalingGroupSpec),
    ScalingPolicy(ScalingPolicySpec),
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
            Spec::Certificate(_) => Kind::Certificate,
            Spec::DnsRecord(_) => Kind::DnsRecord,
            Spec::LaunchTemplate(_) => Kind::LaunchTemplate,
            Spec::AutoScalingGroup(_) => Kind::AutoScalingGroup,
            Spec::ScalingPolicy(_) => Kind::ScalingPolicy,
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
/// (ELBv2 API Reference, `CreateTargetGroup`). A target group resource
/// reports it as its `health_check` attribute, a map of these five fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

impl HealthCheck {
    /// The `health_check` attribute of a target group resource.
    pub fn attr(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a health check serializes")
    }

    /// The health check a target group resource reports (its
    /// `health_check` attribute), if it has a complete one.
    pub fn of(resource: &super::Resource) -> Option<HealthCheck> {
        serde_json::from_value(resource.attr("health_check")?.clone()).ok()
    }
}

/// AWS's deregistration delay of a new target group, in seconds
/// (`deregistration_delay.timeout_seconds`, ELBv2 API Reference,
/// `TargetGroupAttribute`: "The default value is 300 seconds"): the
/// latency model's draining time, which is this fact's one place.
pub const DEFAULT_DEREGISTRATION_DELAY: u32 = super::sim::latency::DEREGISTRATION_DELAY as u32;

/// The longest deregistration delay AWS takes, in seconds
/// (`TargetGroupAttribute`: "The range is 0-3600 seconds").
pub const MAX_DEREGISTRATION_DELAY: u32 = 3600;

/// The target group attribute that holds the deregistration delay.
pub const DEREGISTRATION_DELAY_KEY: &str = "deregistration_delay.timeout_seconds";

/// The deregistration delay a target group resource reports (its
/// `deregistration_delay` attribute, seconds).
pub fn deregistration_delay_of(resource: &super::Resource) -> Option<u32> {
    let seconds = resource.attr("deregistration_delay")?.as_u64()?;
    u32::try_from(seconds).ok()
}

/// A target group: `name`, `vpc`, `port` and `protocol` are fixed once it
/// exists; the health check and the deregistration delay may change in
/// place (`Cloud::modify_target_group`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetGroupSpec {
    pub name: String,
    pub vpc: String,
    pub port: u16,
    pub protocol: String,
    pub health_check: HealthCheck,
    /// Seconds a deregistered target drains before it is gone (0 to 3600):
    /// AWS's target group attribute `deregistration_delay.timeout_seconds`
    /// (ELBv2 API Reference, `TargetGroupAttribute`), default 300.
    pub deregistration_delay: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadBalancerSpec {
    pub name: String,
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// `internet-facing` or `internal`.
    pub scheme: String,
}

/// A listener: its port and protocol, its default action and, for HTTPS,
/// its certificate and security policy. `ModifyListener` takes the same
/// spec (everything but the load balancer may change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListenerSpec {
    pub load_balancer: String,
    pub port: u16,
    /// `HTTP` or `HTTPS`.
    pub protocol: String,
    pub action: ListenerAction,
    /// HTTPS: the ACM certificate ARN (exactly one; `None` for HTTP).
    pub certificate: Option<String>,
    /// HTTPS: the security policy (`None` for HTTP).
    pub ssl_policy: Option<String>,
}

/// What a listener does with a request when no rule matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ListenerAction {
    /// Forward to the target group with this ARN.
    Forward(String),
    /// Answer with a redirect to the same host, path and query on another
    /// protocol and port.
    Redirect(Redirect),
}

impl ListenerAction {
    /// The target group ARN a forward goes to ("" for a redirect).
    pub fn forward(&self) -> &str {
        match self {
            ListenerAction::Forward(arn) => arn,
            ListenerAction::Redirect(_) => "",
        }
    }

    /// The `redirect` attribute of a listener: `HTTPS:443:HTTP_301`, or "".
    pub fn redirect_text(&self) -> String {
        match self {
            ListenerAction::Forward(_) => String::new(),
            ListenerAction::Redirect(r) => r.text(),
        }
    }
}

/// A redirect action (ELBv2 `RedirectActionConfig`): host, path and query
/// are kept (`#{host}`, `/#{path}`, `#{query}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redirect {
    /// `HTTPS` or `HTTP`.
    pub protocol: String,
    pub port: u16,
    /// `HTTP_301` (permanent) or `HTTP_302` (temporary).
    pub status_code: String,
}

impl Redirect {
    /// `HTTPS:443:HTTP_301`: how a listener's `redirect` attribute reads.
    pub fn text(&self) -> String {
        format!("{}:{}:{}", self.protocol, self.port, self.status_code)
    }

    /// The inverse of [`Redirect::text`].
    pub fn parse(text: &str) -> Option<Redirect> {
        let mut parts = text.split(':');
        let protocol = parts.next()?.to_string();
        let port = parts.next()?.parse().ok()?;
        let status_code = parts.next()?.to_string();
        Some(Redirect {
            protocol,
            port,
            status_code,
        })
    }
}

/// The security policy of an HTTPS listener when the script names none:
/// the ELB console's default and AWS's current recommendation (TLS 1.3 and
/// 1.2 only, post-quantum key exchange). The API's own default,
/// `ELBSecurityPolicy-2016-08`, still accepts TLS 1.0 and 1.1.
pub const DEFAULT_SSL_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/// The predefined security policies of Application Load Balancers
/// (ELB user guide, "Security policies for your Application Load Balancer").
pub const SSL_POLICIES: &[&str] = &[
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-1-2021-06",
    "ELBSecurityPolicy-TLS13-1-0-2021-06",
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "ELBSecurityPolicy-TLS-1-2-2017-01",
    "ELBSecurityPolicy-TLS-1-1-2017-01",
];

/// A public ACM certificate for `domain` and `alt_names`, validated by DNS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateSpec {
    /// The first name (the certificate's subject), lower case.
    pub domain: String,
    /// The other names (`SubjectAlternativeNames` minus `domain`), sorted.
    pub alt_names: Vec<String>,
}

/// One record set in a hosted zone: a plain record (`values`, `ttl`) or an
/// alias (`alias`). Created together with its ownership TXT record (see
/// [`crate::cloud::ownership`]) in one change batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DnsRecordSpec {
    /// The hosted zone id (`Z...`).
    pub zone: String,
    /// The fully qualified name, lower case, without the trailing dot.
    pub name: String,
    /// `A`, `AAAA`, `CNAME` or `TXT`.
    pub record_type: String,
    /// Seconds; ignored for an alias.
    pub ttl: u32,
    /// The values of a plain record (a TXT value with its quotes).
    pub values: Vec<String>,
    pub alias: Option<AliasTarget>,
}

/// Where an alias record points: a load balancer's DNS name and the
/// hosted zone id AWS gives it (`CanonicalHostedZoneId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AliasTarget {
    pub dns_name: String,
    pub hosted_zone_id: String,
    pub evaluate_health: bool,
}

/// The outbound rule AWS gives every new security group, the VPC's
/// `default` group included: all traffic, to anywhere (IPv4).
pub fn default_egress() -> Vec<serde_json::Value> {
    vec![serde_json::json!({ "protocol": "-1", "port": 0, "to": "0.0.0.0/0" })]
}
