//! EC2 resources: subnets, Elastic IPs, NAT gateways, route tables,
//! security groups and instances, each an *ensure* (see `Session::ensure`).

use super::context::full_az;
use super::volatile;
use crate::cidr;
use crate::cloud::Spec;
use crate::cloud::{
    ElasticIpSpec, IngressRule, InstanceSpec, InternetGatewaySpec, Kind, NatGatewaySpec, Poll,
    Resource, Route, RouteTableSpec, RouteTarget, SecurityGroupSpec, Source, SubnetSpec, VpcSpec,
};
use crate::diagnostic::code;
use crate::engine::host_error::{HostError, HostResult};
use crate::engine::opts::{Opts, describe, expect_kind};
use crate::engine::plan::Op;
use crate::engine::session::{Adoption, Session};
use rhai::{Array, Dynamic, Engine, Map};
use std::rc::Rc;

pub fn register(engine: &mut Engine, session: &Rc<Session>) {
    let s = session.clone();
    volatile("vpc").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = vpc(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("internet_gateway").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = internet_gateway(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("subnet").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = subnet(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("elastic_ip").register_into_engine(engine, move |name: &str| {
        let r = s.ensure(Kind::ElasticIp, name, &[], |tags| {
            s.cloud
                .create(&Spec::ElasticIp(ElasticIpSpec {}), tags)
                .map_err(|e| HostError::from(e).into())
        });
        s.flush();
        r.map(|(eip, _)| eip)
    });
    let s = session.clone();
    volatile("nat_gateway").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = nat_gateway(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("route_table").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = route_table(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("security_group").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = security_group(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("instances").register_into_engine(engine, move |name: &str, opts: Map| {
        let r = instances(&s, name, opts);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("terminate").register_into_engine(engine, move |targets: Dynamic| {
        let r = terminate(&s, &targets);
        s.flush();
        r
    });
    let s = session.clone();
    volatile("wait_terminated").register_into_engine(engine, move |targets: Dynamic| {
        wait_terminated(&s, &targets, Map::new())
    });
    let s = session.clone();
    volatile("wait_terminated").register_into_engine(engine, move |targets: Dynamic, opts: Map| {
        wait_terminated(&s, &targets, opts)
    });
}

fn vpc(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("vpc", opts)?;
    let text = o.cidr("cidr")?.ok_or_else(|| o.missing("cidr"))?;
    let block = super::cidr::parse(&text)?.to_string();
    let fixed = [("cidr", block.clone())];
    let same = |r: &Resource| r.str("cidr") == block;
    let (vpc, _) =
        s.ensure_or_adopt(Kind::Vpc, name, &fixed, Some(Adoption::by(&same)), |tags| {
            s.cloud
                .create(
                    &Spec::Vpc(VpcSpec {
                        cidr: block.to_string(),
                    }),
                    tags,
                )
                .map_err(|e| HostError::from(e).into())
        })?;
    Ok(vpc)
}

fn internet_gateway(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("internet_gateway", opts)?;
    let vpc = o.req_resource("vpc", Kind::Vpc)?;
    let spec = InternetGatewaySpec {
        vpc: vpc.id.clone(),
    };
    let fixed = [("vpc", spec.vpc.clone())];
    let attached = |r: &Resource| r.str("vpc") == spec.vpc;
    let (igw, _) = s.ensure_or_adopt(
        Kind::InternetGateway,
        name,
        &fixed,
        Some(Adoption::by(&attached)),
        |tags| {
            s.cloud
                .create(&Spec::InternetGateway(spec.clone()), tags)
                .map_err(|e| HostError::from(e).into())
        },
    )?;
    Ok(igw)
}

fn subnet(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("subnet", opts)?;
    let vpc = match o.resource("vpc", Kind::Vpc)? {
        Some(vpc) => vpc,
        None => s.default_vpc()?,
    };
    let text = o.cidr("cidr")?.ok_or_else(|| o.missing("cidr"))?;
    let block = super::cidr::parse(&text)?;
    let az = full_az(&s.cloud.region(), &o.req_str("az")?);
    let public_ip = o.bool("public_ip")?.unwrap_or(false);
    let spec = SubnetSpec {
        vpc: vpc.id.clone(),
        cidr: block.to_string(),
        az,
        public_ip,
    };
    let fixed = [
        ("cidr", spec.cidr.clone()),
        ("az", spec.az.clone()),
        ("vpc", spec.vpc.clone()),
    ];
    let same = |r: &Resource| {
        r.str("vpc") == spec.vpc && r.str("cidr") == spec.cidr && r.str("az") == spec.az
    };
    let (subnet, _) = s.ensure_or_adopt(
        Kind::Subnet,
        name,
        &fixed,
        Some(Adoption::by(&same)),
        |tags| {
            s.cloud
                .create(&Spec::Subnet(spec.clone()), tags)
                .map_err(|e| conflict_hint(s, &vpc, block, e))
        },
    )?;
    Ok(subnet)
}

/// For `InvalidSubnet.Conflict`, the free blocks of the same size.
fn conflict_hint(
    s: &Session,
    vpc: &Resource,
    block: cidr::Cidr,
    err: crate::cloud::CloudError,
) -> Box<rhai::EvalAltResult> {
    let mut host = HostError::from(err.clone());
    if err.code == code::Aws::InvalidSubnetConflict.as_str() && err.hint.is_none() {
        let used: Vec<cidr::Cidr> = s
            .cloud
            .vpc_subnets(&vpc.id)
            .unwrap_or_default()
            .iter()
            .filter_map(|sub| cidr::parse(sub.str("cidr")).ok())
            .collect();
        if let Ok(container) = cidr::parse(vpc.str("cidr"))
            && let Ok(free) = cidr::free_blocks(container, &used, block.prefix())
        {
            let list: Vec<String> = free.iter().take(4).map(ToString::to_string).collect();
            host = host.help(format!(
                "free /{} blocks in {}: {}",
                block.prefix(),
                vpc.id,
                list.join(", ")
            ));
        }
    }
    host.into()
}

fn nat_gateway(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("nat_gateway", opts)?;
    let subnet = o.req_resource("subnet", Kind::Subnet)?;
    let eip = o.req_resource("eip", Kind::ElasticIp)?;
    let fixed = [("subnet", subnet.id.clone()), ("eip", eip.id.clone())];
    // A plan that allocated the Elastic IP also takes a hand-made NAT
    // gateway of the subnet holding an untagged address, and learns that
    // this address is the one the script's `elastic_ip` is to adopt: the
    // next plan (and the live run) adopts it instead of allocating a twin.
    let learning = s.adopting() && s.dry_run() && s.made_here(&eip.id);
    let free_eips: Vec<String> = if learning {
        let listed = s.cloud.untagged(Kind::ElasticIp).map_err(HostError::from)?;
        listed.into_iter().map(|r| r.id).collect()
    } else {
        Vec::new()
    };
    let same = |r: &Resource| {
        r.str("subnet") == subnet.id
            && matches!(r.str("state"), "pending" | "available")
            && (r.str("eip") == eip.id || free_eips.iter().any(|id| id == r.str("eip")))
    };
    let adoption = Adoption {
        matches: &same,
        unchecked: if learning { &["eip"] } else { &[] },
    };
    let (nat, _) = s.ensure_or_adopt(Kind::NatGateway, name, &fixed, Some(adoption), |tags| {
        s.cloud
            .create(
                &Spec::NatGateway(NatGatewaySpec {
                    subnet: subnet.id.to_string(),
                    eip: eip.id.to_string(),
                }),
                tags,
            )
            .map_err(|e| HostError::from(e).into())
    })?;
    if learning && nat.str("eip") != eip.id {
        s.learn(Kind::ElasticIp, &eip.name, nat.str("eip"));
    }
    s.remember_nat(&nat);
    Ok(nat)
}

fn route_table(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("route_table", opts)?;
    let vpc = match o.resource("vpc", Kind::Vpc)? {
        Some(vpc) => vpc,
        None => s.default_vpc()?,
    };
    let routes = o
        .array("routes")?
        .iter()
        .map(route)
        .collect::<HostResult<Vec<Route>>>()?;
    let subnets = o.resources("subnets", Kind::Subnet)?;
    let fixed = [("vpc", vpc.id.clone())];
    let serves = |r: &Resource| {
        let held = r.strs("subnets");
        r.str("vpc") == vpc.id && subnets.iter().any(|sub| held.contains(&sub.id))
    };
    let adoption = Some(Adoption::by(&serves));
    let (mut rt, index) = s.ensure_or_adopt(Kind::RouteTable, name, &fixed, adoption, |tags| {
        s.cloud
            .create(
                &Spec::RouteTable(RouteTableSpec {
                    vpc: vpc.id.to_string(),
                }),
                tags,
            )
            .map_err(|e| HostError::from(e).into())
    })?;
    let existing: Vec<String> = route_dests(&rt);
    for r in routes.iter().filter(|r| !existing.contains(&r.dest)) {
        s.checkpoint()?;
        s.cloud.create_route(&rt.id, r).map_err(HostError::from)?;
        push_attr(
            &mut rt,
            "routes",
            serde_json::json!({"dest": r.dest, "target": r.target.id()}),
        );
        s.change(index, format!("route {} -> {}", r.dest, r.target.id()));
    }
    let associated = rt.strs("subnets");
    for sub in subnets.iter().filter(|sub| !associated.contains(&sub.id)) {
        s.checkpoint()?;
        s.cloud
            .associate_route_table(&rt.id, &sub.id)
            .map_err(HostError::from)?;
        push_attr(&mut rt, "subnets", sub.id.clone().into());
        s.change(index, format!("associate {} ({})", sub.name, sub.id));
    }
    Ok(rt)
}

fn route_dests(rt: &Resource) -> Vec<String> {
    match rt.attr("routes") {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|r| r.get("dest").and_then(|d| d.as_str()).map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn push_attr(r: &mut Resource, key: &str, value: serde_json::Value) {
    let entry = r
        .attrs
        .entry(key.to_string())
        .or_insert_with(|| serde_json::Value::Array(vec![]));
    if let serde_json::Value::Array(items) = entry {
        items.push(value);
    }
}

/// `#{dest, nat}` or `#{dest, igw}`.
fn route(value: &Dynamic) -> HostResult<Route> {
    let map = value.clone().try_cast::<Map>().ok_or_else(|| {
        HostError::new(
            code::Opts::Type,
            format!(
                "route_table(): each route must be #{{dest, nat}} or #{{dest, igw}}, got {}",
                describe(value)
            ),
        )
        .help("write each route as a map, e.g. `routes: [#{ dest: \"0.0.0.0/0\", nat: nat }]`, or with `igw` for an internet gateway")
    })?;
    let o = Opts::of("route_table(routes)", map)?;
    let dest = super::cidr::parse(&o.cidr("dest")?.ok_or_else(|| o.missing("dest"))?)?.to_string();
    let target = match (o.get("nat"), o.get("igw")) {
        (Some(nat), None) => {
            RouteTarget::NatGateway(expect_kind("route_table", "nat", nat, Kind::NatGateway)?.id)
        }
        (None, Some(igw)) if igw.is_string() => RouteTarget::InternetGateway(igw.to_string()),
        (None, Some(igw)) => RouteTarget::InternetGateway(
            expect_kind("route_table", "igw", igw, Kind::InternetGateway)?.id,
        ),
        _ => {
            return Err(HostError::new(code::Opts::Missing, "route_table(): each route needs exactly one of `nat` or `igw`")
                .help("send it to a NAT gateway, e.g. #{ dest: \"0.0.0.0/0\", nat: nat }, or to an internet gateway with `igw`")
                .into());
        }
    };
    Ok(Route { dest, target })
}

fn security_group(s: &Session, name: &str, opts: Map) -> HostResult<Resource> {
    let o = Opts::of("security_group", opts)?;
    let vpc = match o.resource("vpc", Kind::Vpc)? {
        Some(vpc) => vpc,
        None => s.default_vpc()?,
    };
    let description = o
        .str("description")?
        .unwrap_or_else(|| format!("awsrun stack {} {}", s.stack, name));
    let rules = o
        .array("ingress")?
        .iter()
        .map(ingress)
        .collect::<HostResult<Vec<IngressRule>>>()?;
    let spec = SecurityGroupSpec {
        vpc: vpc.id.clone(),
        group_name: format!("{}-{}", s.stack, name),
        description,
    };
    let fixed = [("vpc", spec.vpc.clone())];
    let same = |r: &Resource| r.str("vpc") == spec.vpc && r.str("group_name") == spec.group_name;
    let adoption = Some(Adoption::by(&same));
    let (mut sg, index) =
        s.ensure_or_adopt(Kind::SecurityGroup, name, &fixed, adoption, |tags| {
            s.cloud
                .create(&Spec::SecurityGroup(spec.clone()), tags)
                .map_err(|e| HostError::from(e).into())
        })?;
    let have = sg.attr("ingress").cloned().unwrap_or_default();
    let missing: Vec<IngressRule> = rules.into_iter().filter(|r| !has_rule(&have, r)).collect();
    if !missing.is_empty() {
        s.checkpoint()?;
        s.cloud
            .authorize_ingress(&sg.id, &missing)
            .map_err(HostError::from)?;
        for r in &missing {
            let from = match &r.from {
                Source::Cidr(c) => c.clone(),
                Source::SecurityGroup(g) => g.clone(),
            };
            push_attr(
                &mut sg,
                "ingress",
                serde_json::json!({"protocol": r.protocol, "port": r.port, "from": from}),
            );
            s.change(
                index,
                format!("allow {}/{} from {from}", r.protocol, r.port),
            );
        }
    }
    Ok(sg)
}

fn has_rule(have: &serde_json::Value, rule: &IngressRule) -> bool {
    let from = match &rule.from {
        Source::Cidr(c) => c,
        Source::SecurityGroup(g) => g,
    };
    have.as_array().is_some_and(|items| {
        items.iter().any(|r| {
            r.get("port").and_then(|p| p.as_u64()) == Some(u64::from(rule.port))
                && r.get("from").and_then(|f| f.as_str()) == Some(from.as_str())
                && r.get("protocol").and_then(|p| p.as_str()) == Some(rule.protocol.as_str())
        })
    })
}

/// `#{port, from}` where `from` is CIDR text or a security group.
fn ingress(value: &Dynamic) -> HostResult<IngressRule> {
    let map = value.clone().try_cast::<Map>().ok_or_else(|| {
        HostError::new(
            code::Opts::Type,
            format!(
                "security_group(): each ingress rule must be #{{port, from}}, got {}",
                describe(value)
            ),
        )
        .help("write each rule as a map, e.g. `ingress: [#{ port: 443, from: \"0.0.0.0/0\" }]`; `from` may also be a security group")
    })?;
    let o = Opts::of("security_group(ingress)", map)?;
    let port = o
        .int_in("port", 0, 65535)?
        .ok_or_else(|| o.missing("port"))? as u16;
    let protocol = o.str("protocol")?.unwrap_or_else(|| "tcp".into());
    if !matches!(protocol.as_str(), "tcp" | "udp") {
        return Err(o.value_error(
            "protocol",
            format!("must be \"tcp\" or \"udp\", got \"{protocol}\""),
            "leave `protocol` out for tcp (the default), or write \"udp\"".into(),
        ));
    }
    let from = match o.get("from") {
        None => return Err(o.missing("from")),
        Some(v) if v.is_string() => Source::Cidr(super::cidr::parse(&v.to_string())?.to_string()),
        Some(v) => {
            Source::SecurityGroup(expect_kind("security_group", "from", v, Kind::SecurityGroup)?.id)
        }
    };
    Ok(IngressRule {
        protocol,
        port,
        from,
    })
}

/// The option keys of `instances` (the REPL completes them too).
fn instances(s: &Session, name: &str, opts: Map) -> HostResult<Array> {
    let o = Opts::of("instances", opts)?;
    let count = o.int_in("count", 1, 100_000)?.unwrap_or(1) as usize;
    // `first: 3` ensures `<name>-3`, `<name>-4`, ... placed as one call
    // from `<name>-1` would place them (a rolling deploy adds servers so).
    let skip = o.int_in("first", 1, 100_000)?.unwrap_or(1) as usize - 1;
    let subnets = o.resources("subnets", Kind::Subnet)?;
    if subnets.is_empty() {
        return Err(o.missing("subnets"));
    }
    // Without an image, the latest Amazon Linux 2023 is looked up only when
    // an instance has to be launched: a re-run that creates nothing asks nothing.
    let chosen = o.str("image")?;
    let image = std::cell::OnceCell::new();
    let image_for_launch = || -> HostResult<String> {
        if let Some(id) = image.get() {
            return Ok(String::clone(id));
        }
        let id = match &chosen {
            Some(id) => id.clone(),
            None => s.cloud.latest_ami("al2023").map_err(HostError::from)?,
        };
        Ok(image.get_or_init(|| id).clone())
    };
    let instance_type = o.str("instance_type")?.unwrap_or_else(|| "t2.micro".into());
    let groups: Vec<String> = o
        .resources("security_groups", Kind::SecurityGroup)?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let public_ip = o.bool("public_ip")?.unwrap_or(false);
    let user_data = o.str("user_data")?.unwrap_or_default();
    let mut wanted_groups = groups.clone();
    wanted_groups.sort();
    let mut out = Array::with_capacity(count);
    for n in skip..skip + count {
        let subnet = &subnets[n % subnets.len()];
        // The image is not compared: a newer "latest" AMI must not break re-runs;
        // replacing servers is a rolling deploy, never a side effect.
        let fixed = [
            ("subnet", subnet.id.clone()),
            ("instance_type", instance_type.clone()),
        ];
        let same = |r: &Resource| {
            let mut held = r.strs("security_groups");
            held.sort();
            r.str("subnet") == subnet.id
                && r.str("instance_type") == instance_type
                && chosen
                    .as_deref()
                    .is_none_or(|image| r.str("image") == image)
                && held == wanted_groups
                && !matches!(
                    r.str("state"),
                    "terminated" | "shutting-down" | "stopping" | "stopped"
                )
        };
        let (instance, _) = s.ensure_or_adopt(
            Kind::Instance,
            &format!("{name}-{}", n + 1),
            &fixed,
            Some(Adoption::by(&same)),
            |tags| {
                let spec = InstanceSpec {
                    subnet: subnet.id.clone(),
                    image: image_for_launch()?,
                    instance_type: instance_type.clone(),
                    security_groups: groups.clone(),
                    public_ip,
                    user_data: user_data.clone(),
                };
                s.cloud
                    .create(&Spec::Instance(spec.clone()), tags)
                    .map_err(|e| HostError::from(e).into())
            },
        )?;
        out.push(Dynamic::from(instance));
    }
    Ok(out)
}

/// Instances from one instance or an array of them.
pub(crate) fn instance_list(func: &str, value: &Dynamic) -> HostResult<Vec<Resource>> {
    if value.is_array() {
        let items = value.clone().cast::<Array>();
        items
            .iter()
            .map(|v| expect_kind(func, "instances", v, Kind::Instance))
            .collect()
    } else {
        Ok(vec![expect_kind(func, "instances", value, Kind::Instance)?])
    }
}

fn terminate(s: &Session, targets: &Dynamic) -> HostResult<()> {
    let list = instance_list("terminate", targets)?;
    s.checkpoint()?;
    let ids: Vec<String> = list.iter().map(|i| i.id.clone()).collect();
    s.cloud.terminate_instances(&ids).map_err(HostError::from)?;
    for instance in &list {
        s.note(Op::Delete, instance, "terminate".into());
    }
    Ok(())
}

/// `wait_terminated(instances)`: polls until every instance is
/// `terminated` (or no longer described), all of them in each round.
fn wait_terminated(s: &Session, targets: &Dynamic, opts: Map) -> HostResult<()> {
    let limit = wait_limit(s, "wait_terminated", opts)?;
    let mut waiting = instance_list("wait_terminated", targets)?;
    let mut poll = Poll::new(&*s.cloud, limit);
    loop {
        s.checkpoint()?;
        let mut left = Vec::with_capacity(waiting.len());
        for instance in waiting {
            let now = match s.cloud.refresh(&instance) {
                Ok(now) => now,
                Err(err) if err.code.ends_with("NotFound") => continue,
                Err(err) => return Err(HostError::from(err).into()),
            };
            match now.state() {
                "terminated" => s.sink.progress(&now, "terminated", poll.elapsed(), true),
                "shutting-down" => left.push(now),
                state => {
                    return Err(HostError::new(
                        code::Wait::Failed,
                        format!("instance \"{}\" ({}) is {state}; it will not become terminated by itself", now.name, now.id),
                    )
                    .help("terminate it first: terminate(instances), then wait_terminated(instances)")
                    .into());
                }
            }
        }
        waiting = left;
        let Some(first) = waiting.first() else {
            return Ok(());
        };
        if poll.over() {
            let names: Vec<String> = waiting
                .iter()
                .map(|i| format!("{} ({})", i.name, i.id))
                .collect();
            return Err(HostError::new(
                code::Wait::Timeout,
                format!("instances still shutting down after {}s: {}", limit.as_secs(), names.join(", ")),
            )
            .help("wait longer with #{timeout: SECONDS}; termination cannot be undone, so they will finish on their own")
            .into());
        }
        s.sink.progress(
            first,
            &format!("{} shutting down", waiting.len()),
            poll.elapsed(),
            false,
        );
        poll.sleep();
    }
}

/// The `timeout` option of a wait (seconds), or the session's default.
pub(crate) fn wait_limit(s: &Session, func: &str, opts: Map) -> HostResult<std::time::Duration> {
    let o = Opts::of(func, opts)?;
    Ok(o.int_in("timeout", 1, 86_400)?
        .map_or(s.wait_timeout, |secs| {
            std::time::Duration::from_secs(secs as u64)
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_or_rule_that_is_no_map_shows_one() {
        let err = HostError::of(&route(&Dynamic::from("0.0.0.0/0")).unwrap_err());
        assert_eq!(err.code, "awsrun::opts::type");
        let help = err.help.unwrap_or_default();
        assert!(
            help.contains("routes: [#{ dest: \"0.0.0.0/0\", nat: nat }]"),
            "{help}"
        );
        let err = HostError::of(&ingress(&Dynamic::from(443_i64)).unwrap_err());
        assert_eq!(err.code, "awsrun::opts::type");
        let help = err.help.unwrap_or_default();
        assert!(
            help.contains("ingress: [#{ port: 443, from: \"0.0.0.0/0\" }]"),
            "{help}"
        );
    }
}
