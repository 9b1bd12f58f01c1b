//! What only the real account can answer. A plan against a mirror of a
//! live account asks it while the script runs, so the plan refuses what
//! that account would refuse: an image it cannot see, an instance type one
//! of its AZs does not offer. A simulated account with no real account
//! behind it answers from its own tables instead (see `offerings.rs`).

use std::fmt;
use std::rc::Rc;

use crate::cloud::{CloudResult, Resource};

/// The real account behind a mirror. Answers are read-only requests; an
/// implementation caches them for the run.
pub trait AccountFacts {
    /// The AZs of the region that offer `instance_type` (EC2's
    /// `DescribeInstanceTypeOfferings`, location type `availability-zone`);
    /// empty when the region offers it nowhere.
    fn offered_azs(&self, instance_type: &str) -> CloudResult<Vec<String>>;

    /// Whether the account can see `image` (`DescribeImages`): it exists,
    /// in this region, and is public, the account's own or shared with it.
    fn image_visible(&self, image: &str) -> CloudResult<bool>;

    /// What `latest_ami(family)` answers in the real account.
    fn latest_image(&self, family: &str) -> CloudResult<String>;

    /// The account's public hosted zone for `domain` (the zone of the
    /// domain or its closest parent), with every record set it holds, each
    /// with `owner` (the stack its ownership record names, or "").
    fn zone_with_records(&self, domain: &str) -> CloudResult<Option<(Resource, Vec<Resource>)>>;
}

/// The account a simulated one mirrors, if any.
#[derive(Clone)]
pub(super) struct Facts(pub Rc<dyn AccountFacts>);

impl fmt::Debug for Facts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Facts(real account)")
    }
}
