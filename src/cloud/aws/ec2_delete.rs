//! EC2 deletes: one resource at a time; a route table loses its
//! associations first, an internet gateway is detached first. Dependency
//! errors are returned as AWS reports them, for `destroy` to retry.

use super::AwsCloud;
use super::call::Service;
use super::ec2_convert as convert;
use crate::cloud::{CloudResult, Kind, Resource};

impl AwsCloud {
    /// Deletes one EC2 resource; a route table loses its associations first.
    pub(super) fn delete_ec2(&self, resource: &Resource) -> CloudResult<()> {
        let id = resource.id.as_str();
        let ec2 = &self.ec2;
        match resource.kind {
            Kind::Instance => self.terminate(std::slice::from_ref(&resource.id)),
            Kind::SecurityGroup => {
                let request = ec2.delete_security_group().group_id(id);
                self.send(Service::Ec2, "DeleteSecurityGroup", request.send())
                    .map(drop)
            }
            Kind::RouteTable => self.delete_route_table(id),
            Kind::NatGateway => {
                let request = ec2.delete_nat_gateway().nat_gateway_id(id);
                self.send(Service::Ec2, "DeleteNatGateway", request.send())
                    .map(drop)
            }
            Kind::ElasticIp => {
                let request = ec2.release_address().allocation_id(id);
                self.send(Service::Ec2, "ReleaseAddress", request.send())
                    .map(drop)
            }
            Kind::Subnet => {
                let request = ec2.delete_subnet().subnet_id(id);
                self.send(Service::Ec2, "DeleteSubnet", request.send())
                    .map(drop)
            }
            Kind::Vpc => {
                let request = ec2.delete_vpc().vpc_id(id);
                let result = self
                    .send(Service::Ec2, "DeleteVpc", request.send())
                    .map(drop);
                if result.is_ok() {
                    let mut cache = self.cache();
                    if let Some(vpcs) = cache.vpcs.as_mut() {
                        vpcs.retain(|v| v.id != id);
                    }
                }
                result
            }
            Kind::InternetGateway => self.delete_internet_gateway(id, resource.str("vpc")),
            kind => Err(super::unsupported("Delete", kind)),
        }
    }

    /// Detaches (when attached) and deletes a gateway. A gateway already
    /// detached by an earlier attempt answers `Gateway.NotAttached`.
    fn delete_internet_gateway(&self, id: &str, vpc: &str) -> CloudResult<()> {
        if !vpc.is_empty() {
            let request = self
                .ec2
                .detach_internet_gateway()
                .internet_gateway_id(id)
                .vpc_id(vpc);
            match self.send(Service::Ec2, "DetachInternetGateway", request.send()) {
                Err(err) if err.code != "Gateway.NotAttached" => return Err(err),
                _ => {}
            }
        }
        let request = self.ec2.delete_internet_gateway().internet_gateway_id(id);
        self.send(Service::Ec2, "DeleteInternetGateway", request.send())
            .map(drop)
    }

    fn delete_route_table(&self, id: &str) -> CloudResult<()> {
        let request = self.ec2.describe_route_tables().route_table_ids(id);
        let out = self.send(Service::Ec2, "DescribeRouteTables", request.send())?;
        for table in out.route_tables() {
            for association in convert::association_ids(table) {
                let request = self
                    .ec2
                    .disassociate_route_table()
                    .association_id(association);
                self.send(Service::Ec2, "DisassociateRouteTable", request.send())?;
            }
        }
        let request = self.ec2.delete_route_table().route_table_id(id);
        self.send(Service::Ec2, "DeleteRouteTable", request.send())
            .map(drop)
    }
}
