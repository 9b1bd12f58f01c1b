//! The default quotas a first deployment meets (Amazon VPC quotas,
//! Amazon EC2 service quotas), and AWS's error for each, worded as the
//! "Error codes for the Amazon EC2 API" page describes it.
//!
//! Quotas can be raised in the Service Quotas console; a simulated account
//! takes raised ones with `--sim-quota KEY=N`, so the plan of an account
//! whose quota was raised holds.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::cloud::CloudError;
use crate::diagnostic::code;

/// The quotas a simulated account enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quotas {
    pub vpcs: usize,
    pub elastic_ips: usize,
    /// Internet gateways per region (as many as VPCs by default).
    pub internet_gateways: usize,
    pub subnets_per_vpc: usize,
    /// Route tables per VPC, the main one included.
    pub route_tables_per_vpc: usize,
    /// Inbound rules per security group.
    pub rules_per_group: usize,
    /// Security groups per network interface (and so per instance).
    pub groups_per_interface: usize,
    /// vCPUs of the running On-Demand instances of the Standard bucket
    /// (A, C, D, H, I, M, R, T and Z families).
    pub vcpus: usize,
}

impl Quotas {
    /// AWS's defaults for a new account, per region.
    pub const AWS: Quotas = Quotas {
        vpcs: 5,
        elastic_ips: 5,
        internet_gateways: 5,
        subnets_per_vpc: 200,
        route_tables_per_vpc: 200,
        rules_per_group: 60,
        groups_per_interface: 5,
        vcpus: 5,
    };

    /// The names `--sim-quota` takes.
    pub const KEYS: [&'static str; 8] = [
        "vpcs",
        "elastic-ips",
        "internet-gateways",
        "subnets-per-vpc",
        "route-tables-per-vpc",
        "rules-per-group",
        "groups-per-interface",
        "vcpus",
    ];

    /// Sets the quota named `key` (one of [`Quotas::KEYS`]).
    pub fn set(&mut self, key: &str, value: usize) -> Result<(), String> {
        let slot = match key {
            "vpcs" => &mut self.vpcs,
            "elastic-ips" => &mut self.elastic_ips,
            "internet-gateways" => &mut self.internet_gateways,
            "subnets-per-vpc" => &mut self.subnets_per_vpc,
            "route-tables-per-vpc" => &mut self.route_tables_per_vpc,
            "rules-per-group" => &mut self.rules_per_group,
            "groups-per-interface" => &mut self.groups_per_interface,
            "vcpus" => &mut self.vcpus,
            _ => {
                return Err(format!(
                    "unknown quota `{key}`; known: {}",
                    Quotas::KEYS.join(", ")
                ));
            }
        };
        *slot = value;
        Ok(())
    }
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas::AWS
    }
}

/// A quota reached: AWS's code and description, and what to do.
pub(super) fn exceeded(op: &str, code: code::Aws, message: &str, quota: &str) -> CloudError {
    CloudError::new(op, code, message).with_hint(format!(
        "the quota is {quota}; free some up, or raise it in the Service Quotas console (and plan with `--sim-quota`)"
    ))
}

/// The vCPUs `instance_type` counts against the Running On-Demand Standard
/// quota; 0 for a type of another bucket (G, P, X, ...), which the
/// simulated account does not limit.
pub(super) fn standard_vcpus(instance_type: &str) -> usize {
    static TABLE: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        include_str!("vcpus.txt")
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let (name, vcpus) = line.split_once(' ')?;
                Some((name, vcpus.parse().ok()?))
            })
            .collect()
    });
    table.get(instance_type).copied().unwrap_or(0)
}
