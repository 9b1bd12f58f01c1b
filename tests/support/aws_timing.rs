//! AWS's timing on top of moto: a [`Behaviour`] for the proxy (`proxy.rs`,
//! on 127.0.0.1 only, composing with its fault [`Schedule`]) that makes
//! moto_server 5.2.1 behave as AWS does where moto is lax, with short
//! windows ([`Windows`]) so tests stay fast.
//!
//! What AWS does and moto does not, and what the layer does about it:
//! - Eventual consistency (Amazon EC2 Developer Guide, "Eventual
//!   consistency in the Amazon EC2 API"): "if you run a command to modify
//!   or describe the resource that you just created, its ID might not have
//!   propagated throughout the system, and you will get an error
//!   responding that the resource does not exist". For [`Windows::unknown`]
//!   after a create answered, any request of the same service naming the
//!   new id (filters aside) gets that kind's NotFound and is not forwarded.
//! - Instances are `pending` for [`Windows::pending`] after RunInstances
//!   (moto says `running` at once), and RegisterTargets naming one is
//!   refused with ELBv2's `InvalidTarget` (API reference: "If the target is
//!   an EC2 instance, it must be in the running state when you register it").
//! - A newly registered target is `initial` (reason
//!   `Elb.InitialHealthChecking`) for [`Windows::initial`] (ELB user guide,
//!   "Health checks for your target groups"); a target of a group made
//!   through the layer that no listener made through it forwards to is
//!   `unused` (`Target.NotInUse`); after that, what moto says.
//! - NAT gateways are `pending` for [`Windows::nat_pending`] after
//!   creation, and `deleting` for [`Windows::nat_deleting`] after
//!   DeleteNatGateway; ReleaseAddress of such a gateway's Elastic IP gets
//!   `AuthFailure` for [`Windows::address_held`] after the delete.
//! - After DeleteLoadBalancer its network interfaces linger: for
//!   [`Windows::lingering`], DeleteSubnet and DeleteSecurityGroup of its
//!   subnets and groups get `DependencyViolation`.
//! - A load balancer's `CanonicalHostedZoneId` is its region's ALB zone
//!   (moto answers one fake id everywhere), so alias records to it are
//!   what AWS accepts.
//! - A terminated instance is `shutting-down` for
//!   [`Windows::shutting_down`] (moto says `terminated` at once), and its
//!   subnet and security groups are in use meanwhile (`DependencyViolation`).
//!
//! For EC2 Auto Scaling (`timing_scaling.rs`):
//! - A group's new instances are not in service at once (Auto Scaling
//!   user guide, "Amazon EC2 Auto Scaling instance lifecycle",
//!   https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-lifecycle.html:
//!   "These instances start in the Pending state"; a group attached to a
//!   load balancer registers an instance with it before marking it
//!   InService). moto's are `running`, `InService` and registered at once.
//!   The layer learns a group's instances from the DescribeAutoScalingGroups
//!   and DescribeInstances answers passing through (those carrying the
//!   `aws:autoscaling:groupName` tag); for [`Windows::pending`] from the
//!   moment it first sees one, the instance is `pending` in
//!   DescribeInstances, `Pending` in its group's `Instances`, refused by
//!   RegisterTargets as above, and not yet a target of the group's target
//!   groups (left out of DescribeTargetHealth listings, `unused` /
//!   `Target.NotRegistered` when named); then its targets are `initial`
//!   for [`Windows::initial`] ("Health checks for instances in an Auto
//!   Scaling group": the load balancer's health checks decide), then what
//!   moto says.
//! - DetachInstances deregisters (DetachInstances API reference,
//!   https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DetachInstances.html:
//!   "If there is a Classic Load Balancer attached to the Auto Scaling
//!   group, the instances are deregistered from the load balancer. If there
//!   are target groups attached to the Auto Scaling group, the instances
//!   are deregistered from the target groups."); moto only drops them from
//!   the group. After moto's answer the layer asks moto for the group's
//!   target groups and calls DeregisterTargets on moto itself; for
//!   [`Windows::draining`] the targets read `draining` /
//!   `Target.DeregistrationInProgress` (ELBv2 API reference,
//!   DeregisterTargets: "The load balancer stops sending requests to
//!   targets that are deregistering, but uses connection draining"), then
//!   they are gone; the instances keep running. Meanwhile the group lists
//!   them as `Detaching` (moto drops them at once).
//! - A forced delete takes a while (DeleteAutoScalingGroup API reference,
//!   https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DeleteAutoScalingGroup.html:
//!   "The force delete operation will also terminate the EC2 instances";
//!   the group's `Status` is "The current state of the Auto Scaling group
//!   when the DeleteAutoScalingGroup operation is in progress", botocore's
//!   model); moto deletes at once. The layer describes the group on moto
//!   before forwarding a DeleteAutoScalingGroup with ForceDelete, and for
//!   [`Windows::group_deleting`] after it answered still lists it (when
//!   asked by name or for all) with `Status` `Delete in progress`, while
//!   its instances are `shutting-down` as after TerminateInstances.
//!
//! For ACM, Route 53 and HTTPS listeners (`timing_https.rs`; the sources
//! are quoted from `docs/research/https-and-domains.md`, sections 1-4 and 8):
//! - A new certificate's validation records are not there yet: for
//!   [`Windows::acm_records`] after RequestCertificate answered,
//!   DescribeCertificate answers its `DomainValidationOptions` without
//!   `ResourceRecord` (ACM API reference, RequestCertificate: "there is a
//!   delay of several seconds before you can retrieve information about
//!   the new certificate"; community: "oftentimes 'ResourceRecord' is
//!   missing from the DomainValidationOptions[0] item",
//!   dylburger/create-and-validate-acm-certificate#11, and CDK's handler
//!   polls until `options[0].ResourceRecord`, aws/aws-cdk#8282). moto has
//!   them at once.
//! - A certificate is issued only once its validation CNAMEs are in the
//!   zone (ACM API reference, CertificateDetail: "A certificate enters
//!   status PENDING_VALIDATION upon being requested ... If validation
//!   succeeds, the certificate enters status ISSUED"; ACM user guide, DNS
//!   validation). moto issues after `MOTO_ACM_VALIDATION_WAIT`, DNS or
//!   not. A certificate requested through the layer is
//!   `PENDING_VALIDATION` (its `Status`, in DescribeCertificate and
//!   ListCertificates, and each `ValidationStatus`) until a CNAME at each
//!   of its validation record names (learnt from moto's DescribeCertificate
//!   answers; compared as Route 53 does, case aside and trailing dot
//!   ignored) was created through the layer or seen in a listing, and
//!   [`Windows::issuing`] has passed since (community: about 23 s with
//!   Route 53, DataBiosphere/azul#8321).
//! - ELB takes only an issued certificate: CreateListener, ModifyListener
//!   and AddListenerCertificates naming one the layer has not issued get
//!   ELBv2's `CertificateNotFound`, "Certificate '<arn>' not found"
//!   (community: aws/aws-cdk#6081); moto accepts a pending certificate.
//! - A certificate in use cannot be deleted (ACM API reference,
//!   DeleteCertificate: "You cannot delete an ACM certificate that is being
//!   used by another Amazon Web Services service"): DeleteCertificate of a
//!   certificate that a listener made or modified through the layer uses,
//!   or used less than [`Windows::cert_in_use`] before the DeleteListener,
//!   ModifyListener or DeleteLoadBalancer that stopped it ("it can take
//!   around 10s for ACM to acknowledge that the certificate is no longer
//!   in use", community aws/aws-cdk#4179), gets `ResourceInUseException`,
//!   "Certificate <arn> in account <account> is in use." moto always deletes.
//! - Route 53 applies a change batch all or nothing (API reference,
//!   ChangeResourceRecordSets: "Route 53 validates the changes in the
//!   request and then either makes all or none of the changes"), and a
//!   CREATE of a record set that exists is refused: the batch gets
//!   `InvalidChangeBatch`, "[Tried to create resource record set
//!   [name='x.', type='T'] but it already exists]" (community:
//!   DefangLabs/docs-chatbot#22), and is not forwarded. moto may create a
//!   duplicate, or apply the changes before a bad one. The zone's record
//!   sets are asked of moto itself when such a batch comes, so records
//!   made around the layer count too.
//!
//! Every refusal and rewrite is recorded ([`AwsTiming::seen`]) so tests can
//! check that each behaviour happened.

use super::proxy::{Behaviour, Call, Proxy, Schedule};
use super::timing_https::{Https, duplicate_creates};
use super::timing_scaling::{self as scaling, Scaling};
use super::timing_xml::{field, fields, form, set_first, text, texts};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long each of AWS's delays lasts here (AWS: seconds to minutes).
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    pub unknown: Duration,
    pub pending: Duration,
    pub initial: Duration,
    pub nat_pending: Duration,
    pub nat_deleting: Duration,
    pub address_held: Duration,
    pub lingering: Duration,
    /// How long a terminated instance is `shutting-down`, holding its
    /// subnet address and security groups.
    pub shutting_down: Duration,
    /// How long a new certificate's validation records stay unpublished.
    pub acm_records: Duration,
    /// How long ACM takes to issue a certificate once its validation
    /// CNAMEs are in the zone.
    pub issuing: Duration,
    /// How long a certificate stays in use after the last listener using
    /// it went (or stopped using it).
    pub cert_in_use: Duration,
    /// How long a target a DetachInstances deregistered is `draining`.
    pub draining: Duration,
    /// How long a force-deleted group reads `Delete in progress`.
    pub group_deleting: Duration,
}

impl Windows {
    /// A few seconds each: long enough that a client that does not cope
    /// fails, short enough for tests.
    pub fn short() -> Windows {
        let s = Duration::from_secs;
        Windows {
            unknown: Duration::from_millis(1500),
            pending: s(3),
            initial: s(3),
            nat_pending: s(3),
            nat_deleting: s(2),
            address_held: s(8),
            lingering: s(10),
            shutting_down: s(3),
            acm_records: s(3),
            issuing: s(3),
            cert_in_use: s(5),
            draining: s(3),
            group_deleting: s(3),
        }
    }
}

/// A NotFound kind: the service, AWS's code and message (`{id}`).
type Unknown = (&'static str, &'static str, &'static str);

/// What a create's answer names, by action: the element holding the new
/// id and what AWS answers for it meanwhile.
const CREATES: [(&str, &str, Unknown); 11] = [
    (
        "CreateVpc",
        "vpcId",
        (
            "ec2",
            "InvalidVpcID.NotFound",
            "The vpc ID '{id}' does not exist",
        ),
    ),
    (
        "CreateInternetGateway",
        "internetGatewayId",
        (
            "ec2",
            "InvalidInternetGatewayID.NotFound",
            "The internetGateway ID '{id}' does not exist",
        ),
    ),
    (
        "CreateSubnet",
        "subnetId",
        (
            "ec2",
            "InvalidSubnetID.NotFound",
            "The subnet ID '{id}' does not exist",
        ),
    ),
    (
        "AllocateAddress",
        "allocationId",
        (
            "ec2",
            "InvalidAllocationID.NotFound",
            "The allocation ID '{id}' does not exist",
        ),
    ),
    (
        "CreateNatGateway",
        "natGatewayId",
        (
            "ec2",
            "NatGatewayNotFound",
            "The Nat Gateway {id} was not found",
        ),
    ),
    (
        "CreateRouteTable",
        "routeTableId",
        (
            "ec2",
            "InvalidRouteTableID.NotFound",
            "The routeTable ID '{id}' does not exist",
        ),
    ),
    (
        "CreateSecurityGroup",
        "groupId",
        (
            "ec2",
            "InvalidGroup.NotFound",
            "The security group '{id}' does not exist",
        ),
    ),
    (
        "RunInstances",
        "instanceId",
        (
            "ec2",
            "InvalidInstanceID.NotFound",
            "The instance ID '{id}' does not exist",
        ),
    ),
    (
        "CreateTargetGroup",
        "TargetGroupArn",
        (
            "elasticloadbalancing",
            "TargetGroupNotFound",
            "One or more target groups not found",
        ),
    ),
    (
        "CreateLoadBalancer",
        "LoadBalancerArn",
        (
            "elasticloadbalancing",
            "LoadBalancerNotFound",
            "One or more load balancers not found",
        ),
    ),
    (
        "CreateListener",
        "ListenerArn",
        (
            "elasticloadbalancing",
            "ListenerNotFound",
            "One or more listeners not found",
        ),
    ),
];

#[derive(Default)]
pub(super) struct Memory {
    /// New ids: when their create answered, and what AWS says meanwhile.
    pub(super) fresh: HashMap<String, (Instant, Unknown)>,
    pub(super) launched: HashMap<String, Instant>,
    pub(super) nats: HashMap<String, Instant>,
    /// Deleted NAT gateway -> (when, its allocation id).
    pub(super) nats_deleted: HashMap<String, (Instant, String)>,
    /// NAT gateway -> allocation id, from the create.
    pub(super) nat_eips: HashMap<String, String>,
    pub(super) registered: HashMap<(String, String), Instant>,
    pub(super) groups_made: HashSet<String>,
    pub(super) groups_listened: HashSet<String>,
    /// Load balancer -> its subnets and security groups, from answers.
    pub(super) lb_uses: HashMap<String, Vec<String>>,
    /// What deleted load balancers used, and when they were deleted.
    pub(super) lingering: Vec<(Instant, Vec<String>)>,
    /// Instance -> its subnet and security groups, from answers.
    pub(super) instance_uses: HashMap<String, Vec<String>>,
    /// Terminated instances, and when TerminateInstances was answered.
    pub(super) terminated: HashMap<String, Instant>,
    /// Certificates, listeners' certificates and validation CNAMEs.
    pub(super) https: Https,
    /// Auto Scaling groups' instances, detaches and forced deletes.
    pub(super) scaling: Scaling,
    pub(super) seen: BTreeMap<String, usize>,
}

/// The layer; share it with [`AwsTiming::proxy`].
pub struct AwsTiming {
    windows: Windows,
    memory: Mutex<Memory>,
    /// The server's port, which the layer asks about a zone's records.
    upstream: AtomicU16,
}

impl AwsTiming {
    pub fn new(windows: Windows) -> Arc<AwsTiming> {
        Arc::new(AwsTiming {
            windows,
            memory: Mutex::new(Memory::default()),
            upstream: AtomicU16::new(0),
        })
    }

    /// A proxy on 127.0.0.1 in front of moto with this layer behind `schedule`.
    pub fn proxy(self: &Arc<Self>, upstream: u16, schedule: Schedule) -> Proxy {
        self.upstream.store(upstream, Ordering::SeqCst);
        Proxy::start_with(upstream, schedule, Some(self.clone()))
    }

    /// How often each behaviour happened: `NotFound CreateRoute`,
    /// `InvalidTarget`, `pending`, `initial`, `NotInUse`, `nat pending`,
    /// `deleting`, `AuthFailure`, `DependencyViolation`, `shutting-down`,
    /// `validation records hidden`, `pending validation`,
    /// `CertificateNotFound`, `certificate in use`, `InvalidChangeBatch`,
    /// `group pending`, `not registered yet`, `detach deregistered`,
    /// `draining`, `detaching`, `delete in progress`.
    pub fn seen(&self) -> BTreeMap<String, usize> {
        self.memory().seen.clone()
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, Memory> {
        self.memory.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// moto gives every load balancer the hosted zone id `Z2P70J7EXAMPLE`;
/// AWS gives an ALB its region's (AWS General Reference, "Elastic Load
/// Balancing endpoints and quotas": `ZWKZPGTI48KDX` in ap-northeast-2),
/// which alias records must name.
fn canonical_zone(answer: &str) -> Option<String> {
    const MOTO: &str = "<CanonicalHostedZoneId>Z2P70J7EXAMPLE</CanonicalHostedZoneId>";
    if !answer.contains(MOTO) || !answer.contains(".ap-northeast-2.elb.amazonaws.com") {
        return None;
    }
    Some(answer.replace(
        MOTO,
        "<CanonicalHostedZoneId>ZWKZPGTI48KDX</CanonicalHostedZoneId>",
    ))
}

pub(super) fn within(since: Instant, window: Duration) -> bool {
    since.elapsed() < window
}

impl Memory {
    pub(super) fn saw(&mut self, what: impl Into<String>) {
        *self.seen.entry(what.into()).or_insert(0) += 1;
    }

    /// The id a request names that AWS would not know yet.
    fn unknown(
        &self,
        service: &str,
        form: &[(String, String)],
        w: &Windows,
    ) -> Option<(String, Unknown)> {
        let ignored = ["Action", "Version", "ClientToken"];
        form.iter()
            .filter(|(k, _)| !ignored.contains(&k.as_str()) && !k.starts_with("Filter."))
            .filter(|(k, _)| !k.starts_with("TagSpecification") && !k.starts_with("Tags."))
            .find_map(|(_, v)| {
                let (since, unknown) = self.fresh.get(v)?;
                (unknown.0 == service && within(*since, w.unknown)).then(|| (v.clone(), *unknown))
            })
    }

    fn refuse(
        &mut self,
        service: &str,
        action: &str,
        form: &[(String, String)],
        w: &Windows,
    ) -> Option<(u16, String, String)> {
        if let Some((id, (_, code, message))) = self.unknown(service, form, w) {
            self.saw(format!("NotFound {action}"));
            return Some((400, code.to_string(), message.replace("{id}", &id)));
        }
        match action {
            "RegisterTargets" => self.not_running(form, w),
            "ReleaseAddress" => self.address_held(form, w),
            "DeleteSubnet" | "DeleteSecurityGroup" => self.interfaces_linger(form, w),
            _ => None,
        }
    }

    fn not_running(
        &mut self,
        form: &[(String, String)],
        w: &Windows,
    ) -> Option<(u16, String, String)> {
        let ids = fields(form, "Targets.member.", ".Id");
        let pending: Vec<&str> = ids
            .into_iter()
            .filter(|id| {
                self.launched
                    .get(*id)
                    .is_some_and(|t| within(*t, w.pending))
            })
            .collect();
        if pending.is_empty() {
            return None;
        }
        self.saw("InvalidTarget");
        let quoted: Vec<String> = pending.iter().map(|id| format!("'{id}'")).collect();
        let message = format!(
            "The following targets are not in a running state and cannot be registered: {}",
            quoted.join(", ")
        );
        Some((400, "InvalidTarget".into(), message))
    }

    fn address_held(
        &mut self,
        form: &[(String, String)],
        w: &Windows,
    ) -> Option<(u16, String, String)> {
        let allocation = field(form, "AllocationId")?;
        let held = self
            .nats_deleted
            .values()
            .any(|(t, eip)| eip == allocation && within(*t, w.address_held));
        if !held {
            return None;
        }
        self.saw("AuthFailure");
        Some((
            400,
            "AuthFailure".into(),
            "You do not have permission to access the specified resource.".into(),
        ))
    }

    fn interfaces_linger(
        &mut self,
        form: &[(String, String)],
        w: &Windows,
    ) -> Option<(u16, String, String)> {
        let id = field(form, "SubnetId").or_else(|| field(form, "GroupId"))?;
        let lingering = self
            .lingering
            .iter()
            .any(|(t, uses)| within(*t, w.lingering) && uses.iter().any(|u| u == id));
        let shutting_down = self.terminated.iter().any(|(instance, t)| {
            within(*t, w.shutting_down)
                && self
                    .instance_uses
                    .get(instance)
                    .is_some_and(|uses| uses.iter().any(|u| u == id))
        });
        if !lingering && !shutting_down {
            return None;
        }
        self.saw("DependencyViolation");
        Some((
            400,
            "DependencyViolation".into(),
            format!("resource {id} has a dependent object"),
        ))
    }

    /// Learns from an answer that went through.
    fn learn(&mut self, action: &str, form: &[(String, String)], body: &str) {
        let now = Instant::now();
        if let Some((_, tag, unknown)) = CREATES.iter().find(|(a, _, _)| *a == action) {
            let ids = if action == "RunInstances" {
                texts(body, tag)
            } else {
                text(body, tag).into_iter().collect()
            };
            for id in ids {
                match action {
                    "RunInstances" => drop(self.launched.insert(id.clone(), now)),
                    "CreateNatGateway" => {
                        self.nats.insert(id.clone(), now);
                        if let Some(eip) = field(form, "AllocationId") {
                            self.nat_eips.insert(id.clone(), eip.to_string());
                        }
                    }
                    "CreateTargetGroup" => drop(self.groups_made.insert(id.clone())),
                    _ => {}
                }
                self.fresh.insert(id, (now, *unknown));
            }
        }
        match action {
            "CreateListener" => {
                for tg in fields(form, "DefaultActions.member.", "TargetGroupArn") {
                    self.groups_listened.insert(tg.to_string());
                }
            }
            "RegisterTargets" => {
                let tg = field(form, "TargetGroupArn").unwrap_or("").to_string();
                for id in fields(form, "Targets.member.", ".Id") {
                    self.registered.insert((tg.clone(), id.to_string()), now);
                }
            }
            "DeleteNatGateway" => {
                let nat = field(form, "NatGatewayId").unwrap_or("").to_string();
                let eip = self.nat_eips.get(&nat).cloned().unwrap_or_default();
                self.nats_deleted.insert(nat, (now, eip));
            }
            "TerminateInstances" => {
                for id in fields(form, "InstanceId.", "") {
                    self.terminated.entry(id.to_string()).or_insert(now);
                }
            }
            "RunInstances" => self.learn_instances(body),
            "DeleteLoadBalancer" => {
                let arn = field(form, "LoadBalancerArn").unwrap_or("");
                let uses = self.lb_uses.get(arn).cloned().unwrap_or_default();
                self.lingering.push((now, uses));
            }
            _ => {}
        }
    }
}

impl Behaviour for AwsTiming {
    fn refuse(&self, call: &Call) -> Option<(u16, String, String)> {
        if call.service == "route53" && call.action == "ChangeResourceRecordSets" {
            // Asked of the server without holding the memory.
            let refused = duplicate_creates(self.upstream.load(Ordering::SeqCst), call)?;
            self.memory().saw("InvalidChangeBatch");
            return Some((400, "InvalidChangeBatch".into(), refused));
        }
        let form = form(call.body);
        if call.service == "autoscaling" {
            // Asked of the server without holding the memory.
            let upstream = self.upstream.load(Ordering::SeqCst);
            if let Some(group) = scaling::before(upstream, call.action, &form) {
                self.memory().stash_before_delete(&form, group);
            }
        }
        let w = &self.windows;
        let mut memory = self.memory();
        memory
            .refuse(call.service, call.action, &form, w)
            .or_else(|| memory.refuse_https(call, &form, w))
    }

    fn answered(&self, call: &Call, status: u16, answer: &str) -> Option<String> {
        if status >= 300 || answer.contains("<Errors>") || answer.contains("<ErrorResponse") {
            return None;
        }
        let w = &self.windows;
        if call.service == "autoscaling" {
            let form = form(call.body);
            if call.action == "DetachInstances" {
                // Asked of the server without holding the memory.
                let pairs = scaling::detached(self.upstream.load(Ordering::SeqCst), &form);
                self.memory().learn_detached(&form, pairs);
            }
            let mut memory = self.memory();
            return match call.action {
                "DeleteAutoScalingGroup" => {
                    memory.learn_group_deleted(&form);
                    None
                }
                "DescribeAutoScalingGroups" => Some(memory.group_states(&form, answer, w)),
                _ => None,
            };
        }
        let mut memory = self.memory();
        match call.service {
            "acm" => return memory.acm_answer(call, answer, w),
            "route53" => {
                memory.learn_route53(call, answer);
                return None;
            }
            _ => {}
        }
        let (action, form) = (call.action, form(call.body));
        memory.learn(action, &form, answer);
        memory.learn_listeners(action, &form, answer);
        match action {
            "CreateLoadBalancer" | "DescribeLoadBalancers" => {
                memory.learn_load_balancers(answer);
                canonical_zone(answer)
            }
            "DescribeInstances" => {
                memory.learn_group_instances(answer);
                Some(memory.instance_states(answer, w))
            }
            "DescribeNatGateways" => Some(memory.nat_states(answer, w)),
            // AWS answers a new gateway `pending`; moto `available`.
            "CreateNatGateway" => {
                memory.saw("nat pending");
                Some(set_first(answer, "state", "pending"))
            }
            "DescribeTargetHealth" => {
                let answer = memory.target_states(&form, answer, w);
                Some(memory.group_targets(&form, &answer, w))
            }
            _ => None,
        }
    }
}
