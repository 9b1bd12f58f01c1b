//! CIDR helpers for scripts: `cidr(text)` values and `free_blocks`.
//! Pure except `free_blocks` of a VPC, which reads its subnets.

use super::{method, volatile};
use crate::cidr::{self, Cidr, CidrError};
use crate::cloud::{Kind, Resource};
use crate::diagnostic::code;
use crate::engine::host_error::{HostError, HostResult};
use crate::engine::opts::describe;
use crate::engine::session::Session;
use rhai::{Array, Dynamic, Engine};
use std::rc::Rc;

pub fn register(engine: &mut Engine, session: &Rc<Session>) {
    engine.register_type_with_name::<Cidr>("Cidr");
    volatile("cidr").register_into_engine(engine, |text: &str| parse(text));
    engine
        .register_get("network", |c: &mut Cidr| c.network().to_string())
        .register_get("prefix", |c: &mut Cidr| i64::from(c.prefix()))
        .register_get("size", |c: &mut Cidr| c.size() as i64)
        .register_get("usable", |c: &mut Cidr| c.usable() as i64)
        .register_get("first", |c: &mut Cidr| c.first().to_string())
        .register_get("last", |c: &mut Cidr| c.last().to_string());
    method("contains").register_into_engine(
        engine,
        |c: &mut Cidr, x: Dynamic| -> HostResult<bool> {
            Ok(c.contains(&operand("contains", &x)?))
        },
    );
    method("overlaps").register_into_engine(
        engine,
        |c: &mut Cidr, x: Dynamic| -> HostResult<bool> {
            Ok(c.overlaps(&operand("overlaps", &x)?))
        },
    );
    method("subnets").register_into_engine(
        engine,
        |c: &mut Cidr, prefix: i64| -> HostResult<Array> {
            let blocks = c.subnets(prefix_arg(prefix)?).map_err(from_cidr)?;
            Ok(blocks.into_iter().map(Dynamic::from).collect())
        },
    );
    engine
        .register_fn("to_string", |c: &mut Cidr| c.to_string())
        .register_fn("to_debug", |c: &mut Cidr| format!("cidr(\"{c}\")"))
        .register_fn("==", |a: Cidr, b: Cidr| a == b)
        .register_fn("!=", |a: Cidr, b: Cidr| a != b);
    let s = session.clone();
    volatile("free_blocks").register_into_engine(
        engine,
        move |within: Dynamic, prefix: i64| -> HostResult<Array> {
            let blocks = free_blocks(&s, &within, prefix)?;
            Ok(blocks.into_iter().map(Dynamic::from).collect())
        },
    );
}

/// Parses CIDR text into a script error with a stable code.
pub fn parse(text: &str) -> HostResult<Cidr> {
    cidr::parse(text).map_err(from_cidr)
}

pub fn from_cidr(err: CidrError) -> Box<rhai::EvalAltResult> {
    let (code, help) = match &err {
        CidrError::Syntax { .. } => (
            code::Cidr::Syntax,
            "write it as address/prefix, e.g. \"172.31.112.0/20\"".to_string(),
        ),
        CidrError::Prefix { .. } => (
            code::Cidr::Prefix,
            "an IPv4 prefix is 0 to 32; AWS subnets take /16 to /28".to_string(),
        ),
        CidrError::HostBits { network, .. } => (code::Cidr::HostBits, format!("use {network}")),
        CidrError::SplitPrefix { .. } => (
            code::Cidr::Split,
            "split into blocks smaller than the CIDR (a larger prefix number)".to_string(),
        ),
        CidrError::TooMany { .. } => (
            code::Cidr::TooMany,
            "ask for larger blocks (a smaller prefix number)".to_string(),
        ),
    };
    HostError::new(code, err.to_string()).help(help).into()
}

fn prefix_arg(prefix: i64) -> HostResult<u8> {
    u8::try_from(prefix).ok().filter(|p| *p <= 32).ok_or_else(|| {
        HostError::new(code::Cidr::Prefix, format!("prefix must be 0 to 32, got {prefix}"))
            .help("a prefix is the number after the slash: /20 blocks have 4096 addresses, /24 blocks 256; AWS subnets take /16 to /28")
            .into()
    })
}

/// A CIDR operand of `func`: a `cidr(...)` value or CIDR text.
fn operand(func: &str, x: &Dynamic) -> HostResult<Cidr> {
    if let Some(c) = x.clone().try_cast::<Cidr>() {
        return Ok(c);
    }
    if x.is_string() {
        return parse(&x.to_string());
    }
    let help = if func == "free_blocks" {
        "pass a vpc from `default_vpc()` or `vpc(...)`, a Cidr from `cidr(\"172.31.128.0/17\")` or a text like \"172.31.128.0/17\""
    } else {
        "pass a Cidr from `cidr(\"10.0.0.0/16\")` or a text like \"10.0.0.0/16\""
    };
    Err(HostError::new(
        code::Cidr::Type,
        format!(
            "{func}(): expected a CIDR (text or cidr(...)), got {}",
            describe(x)
        ),
    )
    .help(help)
    .into())
}

/// Free blocks of `prefix` inside a VPC (or a CIDR of the default VPC) that
/// overlap none of the VPC's subnets.
fn free_blocks(s: &Session, within: &Dynamic, prefix: i64) -> HostResult<Vec<Cidr>> {
    let prefix = prefix_arg(prefix)?;
    let (container, vpc) = match within.clone().try_cast::<Resource>() {
        Some(r) if r.kind == Kind::Vpc => (parse(r.str("cidr"))?, r),
        Some(r) => {
            return Err(HostError::new(
                code::Resource::KindMismatch,
                format!(
                    "free_blocks(): expected a vpc or a CIDR, got {} \"{}\"",
                    r.kind, r.name
                ),
            )
            .help("a vpc comes from default_vpc() or vpc(...); or pass a CIDR of the default VPC, e.g. free_blocks(\"172.31.128.0/17\", 20)")
            .into());
        }
        None => {
            let container = operand("free_blocks", within)?;
            let vpc = s.default_vpc()?;
            (container, vpc)
        }
    };
    let subnets = s.cloud.vpc_subnets(&vpc.id).map_err(HostError::from)?;
    let used: Vec<Cidr> = subnets
        .iter()
        .filter_map(|sub| cidr::parse(sub.str("cidr")).ok())
        .collect();
    cidr::free_blocks(container, &used, prefix).map_err(from_cidr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::SimAccount;
    use crate::engine::session::Quiet;

    #[test]
    fn a_value_that_is_no_cidr_says_what_to_pass() {
        let err = HostError::of(&operand("contains", &Dynamic::from(16_i64)).unwrap_err());
        assert_eq!(err.code, "awsrun::cidr::type");
        assert!(err.message.starts_with("contains(): "), "{}", err.message);
        assert!(
            err.help
                .unwrap_or_default()
                .contains("cidr(\"10.0.0.0/16\")"),
            "contains"
        );
        let s = Session::new(
            Rc::new(SimAccount::new("ap-northeast-2")),
            "web",
            Rc::new(Quiet),
        );
        let err = HostError::of(&free_blocks(&s, &Dynamic::from(16_i64), 20).unwrap_err());
        assert_eq!(err.code, "awsrun::cidr::type");
        assert!(err.help.unwrap_or_default().contains("default_vpc()"));
    }

    #[test]
    fn free_blocks_of_another_kind_names_what_to_pass() {
        let s = Session::new(
            Rc::new(SimAccount::new("ap-northeast-2")),
            "web",
            Rc::new(Quiet),
        );
        let subnet = Resource::new(Kind::Subnet, "web", "subnet-1").with("cidr", "172.31.0.0/20");
        let err = HostError::of(&free_blocks(&s, &Dynamic::from(subnet), 24).unwrap_err());
        assert_eq!(err.code, "awsrun::kind::mismatch");
        let help = err.help.unwrap_or_default();
        assert!(
            help.contains("default_vpc()") && help.contains("free_blocks(\"172.31.128.0/17\", 20)"),
            "{help}"
        );
    }
}
