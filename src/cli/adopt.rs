//! `awsrun run SCRIPT --adopt`: the plans that learn which hand-made
//! resources the script's ensures are to adopt.
//!
//! Most candidates are known by their own attributes (a subnet by its VPC,
//! CIDR and AZ, ...). An Elastic IP has none: it is only known through the
//! NAT gateway that holds it, which the script ensures after it. So a plan
//! that allocated the address and then meets a hand-made NAT gateway
//! holding an untagged one learns a hint ("the script's `elastic_ip(N)` is
//! that address"). The plan runs again, quietly and on a fresh mirror, with
//! the hints, until no new one appears (at most [`PASSES`] times); the plan
//! that is shown and the live run then adopt the address instead of
//! allocating a twin.

use crate::cloud::Cloud;
use crate::engine::session::{Hints, Quiet, Session, Sink};
use crate::engine::{self, Script};
use crate::ui::{Config, interrupt_flag};
use std::collections::BTreeMap;
use std::rc::Rc;

/// How many quiet plans may look for new hints.
pub const PASSES: usize = 3;

/// The hints of quiet plans run on clouds from `fresh` (each a new mirror
/// of the account as it is), until a plan learns nothing new. A plan that
/// fails keeps the hints learnt so far: the shown plan reports the error.
pub fn learn(
    config: &Config,
    fresh: &dyn Fn() -> Option<Rc<dyn Cloud>>,
    script: &Script,
    stack: &str,
    vars: &BTreeMap<String, String>,
) -> Hints {
    let mut hints = Hints::new();
    for _ in 0..PASSES {
        let Some(cloud) = fresh() else {
            return hints;
        };
        let sink: Rc<dyn Sink> = Rc::new(Quiet);
        let mut session = Session::new(cloud, stack, sink);
        session.vars = vars.clone();
        session.limits = config.limits;
        session.interrupted = interrupt_flag();
        session.set_adopt(hints.clone());
        let session = Rc::new(session);
        let _ = engine::run(&session, script);
        let mut merged = hints.clone();
        merged.extend(session.learnt());
        if merged == hints {
            break;
        }
        hints = merged;
    }
    hints
}
