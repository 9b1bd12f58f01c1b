//! Destroying a stack: deleting the resources it owns in the order AWS
//! allows ([`Kind::destroy_order`]: whatever uses a resource goes before
//! it). AWS reports a dependency that is still going away as an
//! error; those are retried with [`Poll`]'s backoff for up to 15 minutes,
//! with a progress line each time: a terminating instance holds its
//! security group until it is `terminated`; a deleted load balancer's
//! network interfaces linger for a few minutes, and meanwhile
//! `DeleteSubnet` and `DeleteSecurityGroup` of what it used answer
//! `DependencyViolation`; the Elastic IP of a just-deleted NAT gateway
//! cannot be released at once (`ReleaseAddress` answers `AuthFailure` or
//! `InvalidIPAddress.InUse` for a while); ACM keeps a certificate in use
//! for a few seconds after the listener that used it is deleted
//! (`ResourceInUseException`). Kinds that AWS
//! deletes asynchronously (instances, NAT gateways) are waited for until
//! gone before the next kind, since their parents stay in use until then.
//!
//! A resource already gone counts as deleted, so destroying again after a
//! failure continues where the last one stopped, and destroying a stack
//! that is gone does nothing. Resources of kinds a stack never owns are
//! left alone.

use crate::cloud::{Cloud, CloudError, CloudResult, Kind, Poll, Resource};
use crate::diagnostic::code;
use crate::engine::plan::{Action, Op};
use std::time::Duration;

/// How long to keep retrying a dependency error or waiting for a deletion.
const PATIENCE: Duration = Duration::from_secs(900);

/// Codes AWS returns while something that depends on a resource is still going away.
const DEPENDENCY_CODES: [&str; 5] = [
    code::Aws::DependencyViolation.as_str(),
    code::Aws::ResourceInUse.as_str(),
    code::Aws::CertificateInUse.as_str(),
    code::Aws::InvalidIpAddressInUse.as_str(),
    code::Backend::InvalidNetworkInterfaceInUse.as_str(),
];

/// Whether `code` from deleting `r` means something it depends on is still
/// going away. `AuthFailure` means that only for `ReleaseAddress` (AWS's
/// answer for the address of a NAT gateway still being deleted); anywhere
/// else it is a credentials problem.
fn still_in_use(r: &Resource, code: &str) -> bool {
    DEPENDENCY_CODES.contains(&code) || (r.kind == Kind::ElasticIp && code == "AuthFailure")
}

/// Where a destroy that waits says so (`subnet web (subnet-1): ...`).
pub(crate) type Progress<'a> = &'a mut dyn FnMut(&str);

/// A destroy that failed: what it deleted before the error, and the error.
#[derive(Debug)]
pub(crate) struct Stopped {
    pub(crate) done: Vec<Action>,
    pub(crate) error: CloudError,
}

/// The resources of `list` that a stack owns, in the order they are deleted
/// (by kind, then by name), security groups whose rules name another group
/// of the list before that group: AWS refuses to delete a group another
/// group's rule names (`DependencyViolation`, "resource sg-... has a
/// dependent object"), and that reference never goes away by itself.
pub(crate) fn ordered(mut list: Vec<Resource>) -> Vec<Resource> {
    let rank = |k: Kind| k.info().destroy_rank;
    list.retain(|r| r.kind.stack_owned());
    list.sort_by(|a, b| (rank(a.kind), &a.name).cmp(&(rank(b.kind), &b.name)));
    let groups: Vec<usize> = (0..list.len())
        .filter(|&i| list[i].kind == Kind::SecurityGroup)
        .collect();
    let order = referencing_first(&groups.iter().map(|&i| &list[i]).collect::<Vec<_>>());
    let sorted: Vec<Resource> = order.iter().map(|&j| list[groups[j]].clone()).collect();
    for (&i, group) in groups.iter().zip(sorted) {
        list[i] = group;
    }
    list
}

/// Indexes of `groups` so that a group comes before every group its rules
/// name (a stable topological order; a cycle keeps the given order).
fn referencing_first(groups: &[&Resource]) -> Vec<usize> {
    let names = |g: &Resource| -> Vec<String> {
        g.attr("ingress")
            .and_then(|v| v.as_array())
            .map(|rules| {
                rules
                    .iter()
                    .filter_map(|r| r.get("from")?.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    // How many groups of the list still name group j.
    let mut named_by = vec![0usize; groups.len()];
    let edges: Vec<Vec<usize>> = groups
        .iter()
        .map(|g| {
            let targets = names(g);
            (0..groups.len())
                .filter(|&j| groups[j].id != g.id && targets.contains(&groups[j].id))
                .collect()
        })
        .collect();
    for targets in &edges {
        for &j in targets {
            named_by[j] += 1;
        }
    }
    let mut order = Vec::with_capacity(groups.len());
    let mut placed = vec![false; groups.len()];
    while order.len() < groups.len() {
        let next = (0..groups.len())
            .find(|&i| !placed[i] && named_by[i] == 0)
            .or_else(|| (0..groups.len()).find(|&i| !placed[i]))
            .expect("an unplaced group is left");
        placed[next] = true;
        order.push(next);
        for &j in &edges[next] {
            named_by[j] = named_by[j].saturating_sub(1);
        }
    }
    order
}

/// Deletes `resources` (a stack's, as [`Cloud::stack_resources`] lists
/// them) in destroy order, calling `deleted` after each deletion. Returns
/// the deletions; the first error stops the destroy.
pub(crate) fn delete_stack(
    cloud: &dyn Cloud,
    stack: &str,
    resources: &[Resource],
    mut deleted: impl FnMut(&Action),
    progress: Progress,
) -> Result<Vec<Action>, Box<Stopped>> {
    let resources = ordered(resources.to_vec());
    let mut done = Vec::new();
    for group in Kind::destroy_order() {
        let batch: Vec<&Resource> = resources.iter().filter(|r| r.kind == group).collect();
        for r in &batch {
            if let Err(error) = delete_patiently(cloud, r, progress) {
                return Err(Box::new(Stopped { done, error }));
            }
            let action = Action::new(Op::Delete, r, String::new()).priced(r, &cloud.region());
            deleted(&action);
            done.push(action);
        }
        // Kinds that AWS deletes asynchronously block their parents until gone.
        if !group.info().gone_states.is_empty()
            && let Err(error) = wait_gone(cloud, stack, &batch, progress)
        {
            return Err(Box::new(Stopped { done, error }));
        }
    }
    Ok(done)
}

/// Deletes one resource, retrying while AWS reports a dependency that is
/// still going away.
fn delete_patiently(cloud: &dyn Cloud, r: &Resource, progress: Progress) -> CloudResult<()> {
    let mut poll = Poll::new(cloud, PATIENCE);
    loop {
        match cloud.delete(r) {
            Ok(()) => return Ok(()),
            Err(e) if r.kind.is_not_found(&e.code, &e.message) => return Ok(()),
            Err(e) if still_in_use(r, &e.code) && !poll.over() => {
                progress(&format!(
                    "{r}: still in use ({}: {}), retrying ({}s so far)",
                    e.code,
                    e.message,
                    poll.elapsed().as_secs()
                ));
                poll.sleep();
            }
            Err(e) if still_in_use(r, &e.code) => return Err(in_use_too_long(r, e)),
            Err(e) => return Err(e),
        }
    }
}

/// A dependency error that outlasted [`PATIENCE`].
fn in_use_too_long(r: &Resource, e: CloudError) -> CloudError {
    let hint = format!(
        "{r} was still in use after {}s of retries; AWS may take a few more minutes to let \
         go of what used it (network interfaces of a deleted load balancer, a NAT gateway's \
         address); destroy again later",
        PATIENCE.as_secs()
    );
    e.with_hint(hint)
}

/// Waits until instances are terminated, NAT gateways deleted and Auto
/// Scaling groups gone (a forced delete terminates the group's instances
/// first), since security groups, Elastic IPs and subnets stay in use
/// until then.
fn wait_gone(
    cloud: &dyn Cloud,
    stack: &str,
    batch: &[&Resource],
    progress: Progress,
) -> CloudResult<()> {
    let mut poll = Poll::new(cloud, PATIENCE);
    for r in batch {
        loop {
            let state = match cloud.refresh(r) {
                Ok(now) => now.state().to_string(),
                Err(e)
                    if e.code.contains("NotFound") || r.kind.is_not_found(&e.code, &e.message) =>
                {
                    break;
                }
                Err(e) => return Err(e),
            };
            if matches!(state.as_str(), "terminated" | "deleted") {
                break;
            }
            if poll.over() {
                return Err(CloudError::new(
                    "destroy",
                    code::Backend::Timeout,
                    format!("{} {} ({}) is still {state}", r.kind, r.name, r.id),
                )
                .with_hint(format!(
                    "re-run `awsrun destroy --stack {stack}` in a few minutes; it continues where it stopped"
                )));
            }
            progress(&format!("{r}: {state} after {}s", poll.elapsed().as_secs()));
            poll.sleep();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::sim::SimAccount;

    #[test]
    fn a_stack_with_a_domain_goes_records_first_and_its_certificate_once_acm_lets_go() {
        use crate::engine::session::{Quiet, Session};
        use std::rc::Rc;
        let sim = Rc::new(SimAccount::new("ap-northeast-2"));
        let zone = sim.add_hosted_zone("example.com", None);
        let mut session = Session::new(sim.clone(), "web", Rc::new(Quiet));
        session
            .vars
            .insert("domain".into(), "api.example.com".into());
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/multi-server.rhai");
        let script = crate::engine::Script::read(&path).unwrap();
        let url =
            crate::engine::run(&Rc::new(session), &script).expect("the tutorial with its domain");
        assert_eq!(url.to_string(), "https://api.example.com/");
        let resources = sim.stack_resources("web").unwrap();
        let mut waits = Vec::new();
        let done = delete_stack(&*sim, "web", &resources, |_| {}, &mut |line| {
            waits.push(line.to_string())
        })
        .expect("the destroy");
        let kinds: Vec<Kind> = done.iter().map(|a| a.kind).collect();
        let pos = |k: Kind| kinds.iter().position(|x| *x == k).unwrap();
        assert!(pos(Kind::DnsRecord) < pos(Kind::Listener));
        assert!(pos(Kind::Listener) < pos(Kind::Certificate));
        assert!(
            waits
                .iter()
                .any(|w| w.contains("certificate") && w.contains("ResourceInUseException")),
            "{waits:#?}"
        );
        assert!(sim.stack_resources("web").unwrap().is_empty());
        // The zone holds only its own SOA and NS again.
        for (name, kind) in [
            ("api.example.com", "A"),
            ("_awsrun-a.api.example.com", "TXT"),
        ] {
            assert_eq!(
                sim.record_at(&zone, name, kind).unwrap(),
                None,
                "{name} {kind}"
            );
        }
        assert!(
            sim.record_at(&zone, "example.com", "SOA")
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn auth_failure_is_a_dependency_only_when_releasing_an_address() {
        let eip = Resource::new(Kind::ElasticIp, "nat", "eipalloc-1");
        let subnet = Resource::new(Kind::Subnet, "web", "subnet-1");
        assert!(still_in_use(&eip, "AuthFailure"));
        assert!(still_in_use(&eip, "InvalidIPAddress.InUse"));
        assert!(!still_in_use(&subnet, "AuthFailure"));
        assert!(still_in_use(&subnet, "DependencyViolation"));
    }

    #[test]
    fn a_resource_that_never_goes_says_to_destroy_again() {
        let sim = SimAccount::new("ap-northeast-2");
        // Nothing terminates it: it stays running.
        let web =
            Resource::new(Kind::Instance, "web-1", "i-0123456789abcdef0").with("state", "running");
        sim.seed(web.clone(), None);
        let err = wait_gone(&sim, "web", &[&web], &mut |_| {}).unwrap_err();
        assert_eq!(err.code, "Timeout");
        assert_eq!(
            err.hint.as_deref(),
            Some(
                "re-run `awsrun destroy --stack web` in a few minutes; it continues where it stopped"
            )
        );
    }
}

#[cfg(test)]
mod order {
    use super::*;
    use serde_json::json;

    fn group(name: &str, id: &str, from: &[&str]) -> Resource {
        let rules: Vec<_> = from
            .iter()
            .map(|f| json!({"protocol": "tcp", "port": 3000, "from": f}))
            .collect();
        Resource::new(Kind::SecurityGroup, name, id).with("ingress", rules)
    }

    #[test]
    fn a_group_goes_before_the_groups_its_rules_name() {
        // `alb` sorts first by name, but `app` and `worker` name it.
        let list = vec![
            group("alb", "sg-1", &["0.0.0.0/0"]),
            group("app", "sg-2", &["sg-1"]),
            group("worker", "sg-3", &["sg-2", "sg-1"]),
            Resource::new(Kind::Vpc, "net", "vpc-1"),
        ];
        let names: Vec<String> = ordered(list).into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["worker", "app", "alb", "net"]);
    }

    #[test]
    fn groups_naming_each_other_keep_their_order() {
        let list = vec![group("a", "sg-1", &["sg-2"]), group("b", "sg-2", &["sg-1"])];
        let names: Vec<String> = ordered(list).into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["a", "b"]);
    }
}
