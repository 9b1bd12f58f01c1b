//! Warnings about risky shapes in what a script built: not errors (AWS
//! accepts them), but each usually a mistake, and each comes with its fix.
//! Computed from the account after the run, so both backends agree.

use crate::cloud::{Cloud, CloudResult, Kind, Resource};
use crate::diagnostic::code::{self, Code};
use std::collections::{HashMap, HashSet};

/// One risky shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: Code,
    pub message: String,
    pub help: String,
}

fn warning(code: code::Warn, message: String, help: String) -> Warning {
    Warning {
        code: code.into(),
        message,
        help,
    }
}

/// The stack's resources as the cloud holds them, and which of its subnets
/// route to an internet gateway (public) or only through a NAT (private).
struct View {
    resources: Vec<Resource>,
    public: HashSet<String>,
    private: HashSet<String>,
}

impl View {
    fn load(cloud: &dyn Cloud, stack: &str) -> CloudResult<View> {
        let resources = cloud.stack_resources(stack)?;
        let (mut public, mut private) = (HashSet::new(), HashSet::new());
        for rt in resources.iter().filter(|r| r.kind == Kind::RouteTable) {
            let targets: Vec<String> = route_targets(rt);
            let to_igw = targets.iter().any(|t| t.starts_with("igw-"));
            for subnet in rt.strs("subnets") {
                if to_igw {
                    public.insert(subnet)
                } else {
                    private.insert(subnet)
                };
            }
        }
        // Default subnets are public through the default VPC's main route table.
        let vpcs: HashSet<&str> = resources
            .iter()
            .map(|r| r.str("vpc"))
            .filter(|v| !v.is_empty())
            .collect();
        for vpc in vpcs {
            for subnet in cloud.vpc_subnets(vpc)? {
                if subnet.attr("default").and_then(|v| v.as_bool()) == Some(true) {
                    public.insert(subnet.id.clone());
                }
            }
        }
        // A subnet no table of the stack is associated with routes through
        // its VPC's main table, which in the default VPC sends 0.0.0.0/0 to
        // the internet gateway (in a VPC of a stack's own it has only the
        // local route). Such subnets are found through what uses them.
        let default_vpc = cloud.default_vpc().ok().map(|v| v.id);
        for id in subnets_used(&resources) {
            if public.contains(&id) || private.contains(&id) {
                continue;
            }
            let Ok(subnet) = cloud.refresh(&Resource::new(Kind::Subnet, "", &id)) else {
                continue;
            };
            if default_vpc.as_deref() == Some(subnet.str("vpc")) {
                public.insert(id);
            } else {
                private.insert(id);
            }
        }
        Ok(View {
            resources,
            public,
            private,
        })
    }

    fn of(&self, kind: Kind) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(move |r| r.kind == kind)
    }
}

/// The subnets the stack's resources are placed in.
fn subnets_used(resources: &[Resource]) -> HashSet<String> {
    let mut used = HashSet::new();
    for r in resources {
        match r.kind {
            Kind::NatGateway | Kind::Instance => {
                used.insert(r.str("subnet").to_string());
            }
            Kind::LoadBalancer => used.extend(r.strs("subnets")),
            _ => {}
        }
    }
    used.remove("");
    used
}

fn route_targets(rt: &Resource) -> Vec<String> {
    rt.attr("routes")
        .and_then(|v| v.as_array())
        .map(|routes| {
            routes
                .iter()
                .filter_map(|r| r.get("target")?.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Every warning about the stack's resources.
pub fn warnings(cloud: &dyn Cloud, stack: &str) -> CloudResult<Vec<Warning>> {
    let view = View::load(cloud, stack)?;
    let mut out = Vec::new();
    open_ports(&view, &mut out);
    nat_placement(&view, &mut out);
    load_balancers(&view, &mut out);
    public_instances(&view, &mut out);
    Ok(out)
}

fn open_ports(view: &View, out: &mut Vec<Warning>) {
    for sg in view.of(Kind::SecurityGroup) {
        let rules = sg
            .attr("ingress")
            .and_then(|v| v.as_array())
            .cloned()
            .unwrap_or_default();
        for rule in rules {
            let port = rule.get("port").and_then(|p| p.as_u64()).unwrap_or(0);
            if rule.get("from").and_then(|f| f.as_str()) == Some("0.0.0.0/0")
                && port != 80
                && port != 443
            {
                out.push(warning(
                    code::Warn::OpenPort,
                    format!("security_group \"{}\" opens port {port} to the whole internet (0.0.0.0/0)", sg.name),
                    "open it only to who needs it: the load balancer's security group (`from: web.sg`) or your own network's CIDR".into(),
                ));
            }
        }
    }
}

fn nat_placement(view: &View, out: &mut Vec<Warning>) {
    for nat in view.of(Kind::NatGateway) {
        if !view.public.contains(nat.str("subnet")) {
            out.push(warning(
                code::Warn::NatPrivate,
                format!("nat_gateway \"{}\" is in subnet {}, which has no route to an internet gateway", nat.name, nat.str("subnet")),
                "put NAT gateways in a public subnet, e.g. `subnet: public_subnet(\"2a\")`; a NAT gateway in a private subnet cannot reach the internet".into(),
            ));
        }
    }
}

fn load_balancers(view: &View, out: &mut Vec<Warning>) {
    let targets: HashMap<&str, usize> = view
        .of(Kind::TargetGroup)
        .map(|tg| (tg.id.as_str(), tg.strs("targets").len()))
        .collect();
    for lb in view.of(Kind::LoadBalancer) {
        let private: Vec<String> = lb
            .strs("subnets")
            .into_iter()
            .filter(|s| view.private.contains(s))
            .collect();
        if lb.str("scheme") == "internet-facing" && !private.is_empty() {
            out.push(warning(
                code::Warn::LbPrivateSubnets,
                format!("internet-facing load_balancer \"{}\" is in private subnets: {}", lb.name, private.join(", ")),
                "place an internet-facing load balancer in public subnets, e.g. `[public_subnet(\"2a\"), public_subnet(\"2c\")]`, or make it `scheme: \"internal\"`".into(),
            ));
        }
    }
    for listener in view.of(Kind::Listener) {
        let tg = listener.str("forward");
        if targets.get(tg) == Some(&0) {
            out.push(warning(
                code::Warn::NoTargets,
                format!("listener \"{}\" forwards to a target group with no targets", listener.name),
                "register the servers: `register(web.tg, app.instances)`; until then the load balancer answers 503".into(),
            ));
        }
    }
}

fn public_instances(view: &View, out: &mut Vec<Warning>) {
    for i in view.of(Kind::Instance) {
        if !i.str("public_ip").is_empty() && view.private.contains(i.str("subnet")) {
            out.push(warning(
                code::Warn::PublicIpPrivateSubnet,
                format!("instance \"{}\" has a public IP but is in private subnet {}", i.name, i.str("subnet")),
                "drop `public_ip: true`: a private subnet routes through a NAT, so the public IP is unreachable and only costs money".into(),
            ));
        }
    }
}
