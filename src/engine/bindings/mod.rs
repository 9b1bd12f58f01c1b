//! Host functions, one file per domain. Every function that touches the
//! cloud is registered volatile so the optimizer never runs it at compile
//! time.

pub mod cidr;
pub mod context;
pub mod ec2;
pub mod elb;
pub mod resource;
pub mod wait;

use super::session::Session;
use rhai::{Engine, FuncRegistration};
use std::rc::Rc;

/// A registration for a function whose result depends on the cloud.
pub(crate) fn volatile(name: &str) -> FuncRegistration {
    FuncRegistration::new(name).with_volatility(true)
}

/// Registers every host function of awsrun.
pub fn register_all(engine: &mut Engine, session: &Rc<Session>) {
    resource::register(engine);
    cidr::register(engine, session);
    context::register(engine, session);
    ec2::register(engine, session);
    elb::register(engine, session);
    wait::register(engine, session);
}
