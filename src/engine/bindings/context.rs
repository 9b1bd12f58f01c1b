//! Context and lookup: region, identity, AZs, the default VPC and its public
//! subnets, AMIs, `--var` values, and the option checker stdlib uses.

use super::volatile;
use crate::cloud::{Kind, Resource};
use crate::diagnostic::code;
use crate::engine::host_error::{HostError, HostResult};
use crate::engine::opts::{Opts, expect_kind};
use crate::engine::session::Session;
use rhai::{Array, Dynamic, Engine, Map};
use std::rc::Rc;

pub fn register(engine: &mut Engine, session: &Rc<Session>) {
    let s = session.clone();
    volatile("region").register_into_engine(engine, move || s.cloud.region());
    let s = session.clone();
    volatile("whoami").register_into_engine(engine, move || -> HostResult<Map> {
        let id = s.cloud.whoami().map_err(HostError::from)?;
        let mut map = Map::new();
        map.insert("account".into(), id.account.into());
        map.insert("arn".into(), id.arn.into());
        map.insert("user_id".into(), id.user_id.into());
        Ok(map)
    });
    let s = session.clone();
    volatile("azs").register_into_engine(engine, move || -> HostResult<Array> {
        let azs = s.cloud.azs().map_err(HostError::from)?;
        Ok(azs.into_iter().map(Dynamic::from).collect())
    });
    let s = session.clone();
    volatile("default_vpc").register_into_engine(engine, move || s.default_vpc());
    let s = session.clone();
    volatile("public_subnet").register_into_engine(engine, move |az: &str| public_subnet(&s, az));
    let s = session.clone();
    volatile("subnets_of").register_into_engine(engine, move |vpc: Dynamic| -> HostResult<Array> {
        let vpc = expect_kind("subnets_of", "vpc", &vpc, Kind::Vpc)?;
        let subnets = s.cloud.vpc_subnets(&vpc.id).map_err(HostError::from)?;
        Ok(subnets.into_iter().map(Dynamic::from).collect())
    });
    let s = session.clone();
    volatile("latest_ami").register_into_engine(
        engine,
        move |family: &str| -> HostResult<String> {
            Ok(s.cloud.latest_ami(family).map_err(HostError::from)?)
        },
    );
    let s = session.clone();
    volatile("get_var").register_into_engine(engine, move |name: &str, default: Dynamic| {
        match s.vars.get(name) {
            Some(value) => Dynamic::from(value.clone()),
            None => default,
        }
    });
    let s = session.clone();
    volatile("stack").register_into_engine(engine, move || s.stack.clone());
    volatile("check_opts").register_into_engine(engine, check_opts);
    volatile("fail").register_into_engine(
        engine,
        |code: &str, message: &str, help: &str| -> HostResult<Dynamic> {
            Err(HostError::custom(code, message).help(help).into())
        },
    );
    let s = session.clone();
    volatile("existing").register_into_engine(
        engine,
        move |kind: &str, name: &str| -> HostResult<Dynamic> {
            let kind = kind_named("existing", kind)?;
            let found = s.cloud.find(kind, &s.tags(name)).map_err(HostError::from)?;
            Ok(found.map_or(Dynamic::UNIT, Dynamic::from))
        },
    );
    let s = session.clone();
    volatile("lookup")
        .register_into_engine(engine, move |kind: &str, id: &str| lookup(&s, kind, id));
    register_errors(engine);
    let s = session.clone();
    volatile("shared_nat").register_into_engine(engine, move || -> HostResult<Resource> {
        s.shared_nat().ok_or_else(|| {
            HostError::new(code::Resource::NoNat, "no NAT gateway to share: this script has made none yet")
                .help("call private_subnet(...) without #{nat: \"shared\"} first; later private subnets can share its NAT")
                .into()
        })
    });
}

/// A kind as scripts name it (`"subnet"`, `"target_group"`, ...).
fn kind_named(func: &str, text: &str) -> HostResult<Kind> {
    if let Some(kind) = Kind::named(text) {
        return Ok(kind);
    }
    let mut names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    names.sort_unstable();
    let help = match crate::engine::suggest::nearest(text, names.iter().copied()) {
        Some(near) => format!("did you mean \"{near}\"?"),
        None => format!(
            "name one of the kinds, e.g. {func}(\"subnet\", ...): {}",
            names
                .iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Err(HostError::new(
        code::Resource::UnknownKind,
        format!("{func}(): unknown kind \"{text}\""),
    )
    .help(help)
    .into())
}

/// `lookup(kind, id)`: the resource with that id as the cloud reports it
/// now, made by this stack, another one or none.
fn lookup(s: &Session, kind: &str, id: &str) -> HostResult<Resource> {
    let kind = kind_named("lookup", kind)?;
    let mut found = s
        .cloud
        .refresh(&Resource::new(kind, "", id))
        .map_err(HostError::from)?;
    if found.name.is_empty() {
        // awsrun names a target group or load balancer as AWS does: read it from the ARN.
        let part = match kind {
            Kind::TargetGroup => 1,
            Kind::LoadBalancer => 2,
            _ => usize::MAX,
        };
        found.name = id.split('/').nth(part).unwrap_or_default().to_string();
    }
    if found.kind != kind {
        return Err(HostError::new(
            code::Resource::KindMismatch,
            format!("lookup(): {id} is a {}, not a {kind}", found.kind),
        )
        .help(format!("write lookup(\"{}\", \"{id}\")", found.kind))
        .into());
    }
    Ok(found)
}

/// What a `catch (err)` receives from a host function: `.code`,
/// `.message`, `.help`, printable as `code: message`.
fn register_errors(engine: &mut Engine) {
    engine
        .register_type_with_name::<HostError>("Error")
        .register_get("code", |e: &mut HostError| e.code.clone())
        .register_get("message", |e: &mut HostError| e.message.clone())
        .register_get("help", |e: &mut HostError| {
            e.help.clone().unwrap_or_default()
        })
        .register_fn("to_string", |e: &mut HostError| {
            format!("{}: {}", e.code, e.message)
        })
        .register_fn("to_debug", |e: &mut HostError| {
            format!("{}: {}", e.code, e.message)
        });
}

/// `check_opts(func, opts, allowed)`: the strict option check, for stdlib
/// and team modules. Returns the options unchanged.
fn check_opts(func: &str, opts: Map, allowed: Array) -> HostResult<Map> {
    let allowed: Vec<String> = allowed.iter().map(|v| v.to_string()).collect();
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    Opts::new(func, opts.clone(), &allowed)?;
    Ok(opts)
}

/// `"2a"`, `"a"` or `"ap-northeast-2a"` as the full AZ name of `region`.
pub fn full_az(region: &str, az: &str) -> String {
    let az = az.trim();
    if az.len() == 1 && az.chars().all(|c| c.is_ascii_lowercase()) {
        return format!("{region}{az}");
    }
    let digit = region.chars().last().filter(char::is_ascii_digit);
    let mut chars = az.chars();
    if let (Some(d), Some(l), None) = (chars.next(), chars.next(), chars.next())
        && Some(d) == digit
        && l.is_ascii_lowercase()
    {
        return format!("{region}{l}");
    }
    az.to_string()
}

fn public_subnet(s: &Session, az: &str) -> HostResult<Resource> {
    let vpc = s.default_vpc()?;
    let full = full_az(&s.cloud.region(), az);
    let subnets = s.cloud.vpc_subnets(&vpc.id).map_err(HostError::from)?;
    let found = subnets
        .iter()
        .filter(|sub| sub.str("az") == full)
        .find(|sub| {
            sub.attr("default")
                .and_then(|v| v.as_bool())
                .unwrap_or(false)
        });
    match found {
        Some(subnet) => Ok(subnet.clone()),
        None => {
            let azs = s.cloud.azs().map_err(HostError::from)?;
            Err(HostError::new(
                code::Resource::InvalidAz,
                format!(
                    "no default public subnet in AZ \"{az}\" ({full}) of {}",
                    s.cloud.region()
                ),
            )
            .help(format!(
                "the AZs of {} are: {}",
                s.cloud.region(),
                azs.join(", ")
            ))
            .into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{full_az, kind_named};
    use crate::engine::host_error::HostError;

    #[test]
    fn an_unknown_kind_suggests_one_or_lists_them_all() {
        let err = HostError::of(&kind_named("existing", "targetgroup").unwrap_err());
        assert_eq!(err.code, "awsrun::kind::unknown");
        assert_eq!(err.help.as_deref(), Some("did you mean \"target_group\"?"));
        let err = HostError::of(&kind_named("lookup", "queue").unwrap_err());
        assert_eq!(err.code, "awsrun::kind::unknown");
        let help = err.help.unwrap_or_default();
        assert!(help.contains("lookup(\"subnet\", ...)"), "{help}");
        for kind in [
            "\"internet_gateway\"",
            "\"subnet\"",
            "\"target_group\"",
            "\"vpc\"",
        ] {
            assert!(help.contains(kind), "{kind} missing: {help}");
        }
    }

    #[test]
    fn az_short_forms_expand_to_the_region() {
        assert_eq!(full_az("ap-northeast-2", "2a"), "ap-northeast-2a");
        assert_eq!(full_az("ap-northeast-2", "c"), "ap-northeast-2c");
        assert_eq!(
            full_az("ap-northeast-2", "ap-northeast-2d"),
            "ap-northeast-2d"
        );
        assert_eq!(full_az("us-east-1", "1b"), "us-east-1b");
        // Another region's short form is left as given, for the backend to reject.
        assert_eq!(full_az("us-east-1", "2a"), "2a");
    }
}
