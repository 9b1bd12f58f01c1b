//! Host functions, one file per domain. Every function is registered
//! through [`volatile`], which reads its descriptor (`engine::functions`):
//! its doc and documented return type go into the engine's metadata, so
//! `docs --definitions` writes them as they are, and a function without a
//! descriptor cannot be registered. Every function is volatile so the
//! optimizer never runs one that touches the cloud at compile time.

pub mod cidr;
pub mod context;
pub mod dns;
pub mod ec2;
pub mod elb;
pub mod resource;
pub mod scaling;
pub mod scaling_group;
pub mod target_group;
pub mod wait;

use super::functions::{self, Func};
use super::session::Session;
use rhai::{Engine, FuncRegistration, RhaiNativeFunc, Variant};
use std::rc::Rc;

/// The registration of the host function `name`, from its descriptor.
///
/// # Panics
/// When `name` has no descriptor in `engine/functions.rs`.
pub(crate) fn volatile(name: &str) -> Host<'_> {
    let desc = functions::host(name).unwrap_or_else(|| {
        panic!("host function `{name}` has no descriptor in engine/functions.rs")
    });
    Host {
        name,
        desc: Some(desc),
    }
}

/// The registration of a method of a value scripts hold (`c.contains(x)`),
/// documented with the function that makes the value.
pub(crate) fn method(name: &str) -> Host<'_> {
    Host { name, desc: None }
}

/// A host function or method about to be registered.
pub(crate) struct Host<'a> {
    name: &'a str,
    desc: Option<&'static Func>,
}

impl Host<'_> {
    /// Registers `func` under the descriptor's name, with its doc, its
    /// parameters' types and its documented return type as metadata.
    pub(crate) fn register_into_engine<A, const N: usize, const X: bool, R, const F: bool, FN>(
        self,
        engine: &mut Engine,
        func: FN,
    ) where
        A: 'static,
        R: Variant + Clone,
        FN: RhaiNativeFunc<A, N, X, R, F> + 'static,
    {
        let type_name = |ty: &str| {
            let ty = ty.strip_prefix("&mut ").unwrap_or(ty);
            engine.map_type_name(ty).to_string()
        };
        let mut params: Vec<String> = FN::param_names()
            .iter()
            .map(|ty| format!("_: {}", type_name(ty)))
            .collect();
        // `R` is what the function returns, or, when it can fail, returns on success.
        match self.desc.and_then(Func::returns) {
            Some(ret) => params.push(definition_type(ret).to_string()),
            None if F && self.desc.is_some() => params.push("?".into()),
            None if std::any::TypeId::of::<R>() != std::any::TypeId::of::<()>() => {
                params.push(type_name(std::any::type_name::<R>()));
            }
            None => {}
        }
        let mut registration = FuncRegistration::new(self.name).with_volatility(true);
        if let Some(desc) = self.desc {
            let mut comment: Vec<String> = desc.doc.lines().map(|l| format!("/// {l}")).collect();
            comment.push(format!("/// `{}`", desc.signature()));
            registration = registration.with_comments([comment.join("\n")]);
        }
        registration
            .with_params_info(params)
            .register_into_engine(engine, func);
    }
}

/// A documented return type as a Rhai definition type.
fn definition_type(ret: &str) -> &'static str {
    match ret.trim() {
        r if r.starts_with('[') => "array",
        r if r.starts_with("#{") => "map",
        "String" => "string",
        "Cidr" => "Cidr",
        "value" | "same" | "opts" => "?",
        _ => "Resource",
    }
}

/// Registers every host function of awsrun.
pub fn register_all(engine: &mut Engine, session: &Rc<Session>) {
    resource::register(engine);
    cidr::register(engine, session);
    context::register(engine, session);
    ec2::register(engine, session);
    elb::register(engine, session);
    dns::register(engine, session);
    scaling::register(engine, session);
    wait::register(engine, session);
}
