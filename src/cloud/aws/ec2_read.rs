//! EC2 and STS reads: the account's context (identity, AZs, VPCs,
//! subnets, images) and the describes behind stack lookups and refreshes.
//! Every describe pages through `NextToken`; tag filters are applied on the
//! server and again by the callers on the client.

use std::collections::HashMap;
use std::future::Future;

use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_ec2::types::{Filter, ImageState};

use super::AwsCloud;
use super::cache::Tagged;
use super::call::Service;
use super::ec2_convert as convert;
use crate::cloud::{CloudError, CloudResult, Identity, Kind, Resource, STACK_TAG};
use crate::diagnostic::code;

/// The image families `latest_ami` knows, with their AMI name patterns.
const IMAGE_FAMILIES: [(&str, &str); 2] = [
    ("al2023", "al2023-ami-2023*-x86_64"),
    ("amzn2", "amzn2-ami-hvm-*-x86_64-gp2"),
];

pub(super) fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

pub(super) fn stack_filter(stack: &str) -> Filter {
    filter(&format!("tag:{STACK_TAG}"), stack)
}

impl AwsCloud {
    /// Sends a paged request until the last page; `split` takes a page
    /// apart into its items and the next token.
    pub(super) fn pages<P, T, E, F>(
        &self,
        service: Service,
        operation: &'static str,
        request: impl Fn(Option<String>) -> F,
        split: impl Fn(P) -> (Vec<T>, Option<String>),
    ) -> CloudResult<Vec<T>>
    where
        F: Future<Output = Result<P, SdkError<E>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let mut items = Vec::new();
        let mut token = None;
        loop {
            let (mut page, next) = split(self.send(service, operation, request(token.take()))?);
            items.append(&mut page);
            match next {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok(items),
            }
        }
    }

    pub(super) fn identity(&self) -> CloudResult<Identity> {
        if let Some(identity) = self.cache().identity.clone() {
            return Ok(identity);
        }
        let out = self.send(
            Service::Sts,
            "GetCallerIdentity",
            self.sts.get_caller_identity().send(),
        )?;
        let identity = Identity {
            account: out.account().unwrap_or("").to_string(),
            arn: out.arn().unwrap_or("").to_string(),
            user_id: out.user_id().unwrap_or("").to_string(),
        };
        self.cache().identity = Some(identity.clone());
        Ok(identity)
    }

    /// The region's availability zones (not local or wavelength zones), sorted.
    pub(super) fn availability_zones(&self) -> CloudResult<Vec<String>> {
        if let Some(azs) = self.cache().azs.clone() {
            return Ok(azs);
        }
        let out = self.send(
            Service::Ec2,
            "DescribeAvailabilityZones",
            self.ec2.describe_availability_zones().send(),
        )?;
        let mut azs: Vec<String> = out
            .availability_zones()
            .iter()
            .filter(|z| matches!(z.zone_type(), None | Some("availability-zone")))
            .filter_map(|z| convert::some(z.zone_name()).map(str::to_string))
            .collect();
        azs.sort();
        self.cache().azs = Some(azs.clone());
        Ok(azs)
    }

    /// Every VPC of the region (one request for the run).
    pub(super) fn vpcs(&self) -> CloudResult<Vec<Resource>> {
        if let Some(vpcs) = self.cache().vpcs.clone() {
            return Ok(vpcs);
        }
        let vpcs = self.pages(
            Service::Ec2,
            "DescribeVpcs",
            |token| self.ec2.describe_vpcs().set_next_token(token).send(),
            |out| (out.vpcs.unwrap_or_default(), out.next_token),
        )?;
        let stacks: HashMap<String, String> = vpcs
            .iter()
            .filter_map(|v| Some((v.vpc_id()?.to_string(), convert::stack_of(v.tags())?)))
            .collect();
        let vpcs: Vec<Resource> = vpcs.iter().map(convert::vpc).collect();
        let mut cache = self.cache();
        cache.vpcs = Some(vpcs.clone());
        cache.vpc_stacks = stacks;
        Ok(vpcs)
    }

    /// The stack's own VPCs (from the one region-wide `DescribeVpcs`).
    pub(super) fn stack_vpcs(&self, stack: &str) -> CloudResult<Vec<Resource>> {
        let vpcs = self.vpcs()?;
        let cache = self.cache();
        Ok(vpcs
            .into_iter()
            .filter(|v| cache.vpc_stacks.get(&v.id).map(String::as_str) == Some(stack))
            .collect())
    }

    pub(super) fn find_default_vpc(&self) -> CloudResult<Resource> {
        let vpcs = self.vpcs()?;
        let default = vpcs
            .into_iter()
            .find(|v| v.attr("is_default") == Some(&true.into()));
        default.ok_or_else(|| {
            CloudError::new(
                "DescribeVpcs",
                code::Aws::InvalidVpcIdNotFound,
                format!("There is no default VPC in region {}", self.region),
            )
            .with_hint("create one with `aws ec2 create-default-vpc`, or pass a VPC explicitly")
        })
    }

    /// Every subnet of the region, described once for the run: subnets are
    /// few, and `free_blocks` needs all of a VPC's anyway.
    pub(super) fn all_subnets(&self) -> CloudResult<Vec<Tagged>> {
        if let Some(all) = self.cache().subnets() {
            return Ok(all.to_vec());
        }
        let subnets = self.pages(
            Service::Ec2,
            "DescribeSubnets",
            |token| self.ec2.describe_subnets().set_next_token(token).send(),
            |out| (out.subnets.unwrap_or_default(), out.next_token),
        )?;
        let all: Vec<Tagged> = subnets
            .iter()
            .map(|s| convert::subnet(s, &self.region))
            .collect();
        self.cache().set_subnets(all.clone());
        Ok(all)
    }

    /// A VPC's subnets in address order.
    pub(super) fn subnets_of(&self, vpc: &str) -> CloudResult<Vec<Resource>> {
        let mut subnets: Vec<Resource> = self
            .all_subnets()?
            .into_iter()
            .map(|t| t.resource)
            .filter(|s| s.str("vpc") == vpc)
            .collect();
        subnets.sort_by_key(|s| {
            let cidr = crate::cidr::parse(s.str("cidr")).ok();
            cidr.map(|c| (c.start_u32(), c.prefix()))
        });
        Ok(subnets)
    }

    /// The newest image of a family published by Amazon.
    pub(super) fn newest_image(&self, family: &str) -> CloudResult<String> {
        if let Some(image) = self.cache().images.get(family) {
            return Ok(image.clone());
        }
        let Some((_, pattern)) = IMAGE_FAMILIES.iter().find(|(f, _)| *f == family) else {
            let known: Vec<&str> = IMAGE_FAMILIES.iter().map(|(f, _)| *f).collect();
            // The same error as the simulated account's, so that a dry-run
            // predicts it exactly.
            return Err(CloudError::new(
                "latest_ami",
                code::Aws::ParameterNotFound,
                format!("No latest image is published for family '{family}'"),
            )
            .with_hint(format!("known families: {}", known.join(", "))));
        };
        let images = self.pages(
            Service::Ec2,
            "DescribeImages",
            |token| {
                let request = self.ec2.describe_images().owners("amazon");
                request
                    .filters(filter("name", pattern))
                    .set_next_token(token)
                    .send()
            },
            |out| (out.images.unwrap_or_default(), out.next_token),
        )?;
        let newest = images
            .iter()
            .filter(|i| matches!(i.state(), None | Some(ImageState::Available)))
            .filter_map(|i| {
                Some((
                    i.creation_date().unwrap_or(""),
                    i.name().unwrap_or(""),
                    convert::some(i.image_id())?,
                ))
            })
            .max();
        let Some((_, _, image)) = newest else {
            return Err(CloudError::new(
                "DescribeImages",
                code::Backend::InvalidAmiNameNotFound,
                format!("no Amazon image matches '{pattern}' in {}", self.region),
            ));
        };
        let image = image.to_string();
        self.cache()
            .images
            .insert(family.to_string(), image.clone());
        Ok(image)
    }

    /// The stack's live EC2 resources of a kind (subnets excepted: they
    /// come from [`AwsCloud::all_subnets`]).
    pub(super) fn describe_stack_ec2(&self, kind: Kind, stack: &str) -> CloudResult<Vec<Resource>> {
        let found = self.describe_ec2(kind, vec![stack_filter(stack)], Vec::new())?;
        Ok(found
            .into_iter()
            .filter(|t| t.in_stack(stack) && !super::cache::gone(kind, t.resource.state()))
            .map(|t| t.resource)
            .collect())
    }

    /// One EC2 resource by id, in whatever state it is.
    pub(super) fn describe_ec2_by_id(&self, kind: Kind, id: &str) -> CloudResult<Option<Resource>> {
        if kind == Kind::Vpc {
            // The region's VPCs are read once per run, whoever owns them.
            return Ok(self.vpcs()?.into_iter().find(|v| v.id == id));
        }
        let found = if kind == Kind::Subnet {
            let out = self.send(
                Service::Ec2,
                "DescribeSubnets",
                self.ec2.describe_subnets().subnet_ids(id).send(),
            )?;
            out.subnets()
                .iter()
                .map(|s| convert::subnet(s, &self.region))
                .collect()
        } else {
            self.describe_ec2(kind, Vec::new(), vec![id.to_string()])?
        };
        Ok(found.into_iter().map(|t| t.resource).find(|r| r.id == id))
    }

    /// Describes one kind by filters or ids.
    pub(super) fn describe_ec2(
        &self,
        kind: Kind,
        filters: Vec<Filter>,
        ids: Vec<String>,
    ) -> CloudResult<Vec<Tagged>> {
        let (filters, ids) = (Some(filters), Some(ids).filter(|ids| !ids.is_empty()));
        let ec2 = &self.ec2;
        let found = match kind {
            Kind::ElasticIp => {
                let request = ec2
                    .describe_addresses()
                    .set_filters(filters)
                    .set_allocation_ids(ids);
                let out = self.send(Service::Ec2, "DescribeAddresses", request.send())?;
                out.addresses().iter().map(convert::address).collect()
            }
            Kind::NatGateway => self
                .pages(
                    Service::Ec2,
                    "DescribeNatGateways",
                    |token| {
                        let request = ec2.describe_nat_gateways().set_filter(filters.clone());
                        request
                            .set_nat_gateway_ids(ids.clone())
                            .set_next_token(token)
                            .send()
                    },
                    |out| (out.nat_gateways.unwrap_or_default(), out.next_token),
                )?
                .iter()
                .map(convert::nat_gateway)
                .collect(),
            Kind::RouteTable => self
                .pages(
                    Service::Ec2,
                    "DescribeRouteTables",
                    |token| {
                        let request = ec2.describe_route_tables().set_filters(filters.clone());
                        request
                            .set_route_table_ids(ids.clone())
                            .set_next_token(token)
                            .send()
                    },
                    |out| (out.route_tables.unwrap_or_default(), out.next_token),
                )?
                .iter()
                .map(convert::route_table)
                .collect(),
            Kind::SecurityGroup => self
                .pages(
                    Service::Ec2,
                    "DescribeSecurityGroups",
                    |token| {
                        let request = ec2.describe_security_groups().set_filters(filters.clone());
                        request
                            .set_group_ids(ids.clone())
                            .set_next_token(token)
                            .send()
                    },
                    |out| (out.security_groups.unwrap_or_default(), out.next_token),
                )?
                .iter()
                .map(convert::security_group)
                .collect(),
            Kind::Instance => self
                .pages(
                    Service::Ec2,
                    "DescribeInstances",
                    |token| {
                        let request = ec2.describe_instances().set_filters(filters.clone());
                        request
                            .set_instance_ids(ids.clone())
                            .set_next_token(token)
                            .send()
                    },
                    |out| (out.reservations.unwrap_or_default(), out.next_token),
                )?
                .iter()
                .flat_map(|r| r.instances().iter().map(convert::instance))
                .collect(),
            Kind::InternetGateway => {
                let request = ec2
                    .describe_internet_gateways()
                    .set_filters(filters)
                    .set_internet_gateway_ids(ids);
                let out = self.send(Service::Ec2, "DescribeInternetGateways", request.send())?;
                out.internet_gateways()
                    .iter()
                    .map(convert::internet_gateway)
                    .collect()
            }
            _ => return Err(super::unsupported("Describe", kind)),
        };
        Ok(found)
    }

    /// The internet gateways attached to these VPCs, whoever made them.
    pub(super) fn internet_gateways(&self, vpcs: &[String]) -> CloudResult<Vec<Tagged>> {
        let attached = Filter::builder()
            .name("attachment.vpc-id")
            .set_values(Some(vpcs.to_vec()))
            .build();
        self.describe_ec2(Kind::InternetGateway, vec![attached], Vec::new())
    }
}

impl AwsCloud {
    /// The stacks EC2 resources are tagged with (`DescribeTags`, key
    /// `awsrun:stack`, every resource type at once).
    pub(super) fn ec2_stack_names(&self) -> CloudResult<Vec<String>> {
        let tags = self.pages(
            Service::Ec2,
            "DescribeTags",
            |token| {
                self.ec2
                    .describe_tags()
                    .filters(filter("key", crate::cloud::STACK_TAG))
                    .set_next_token(token)
                    .send()
            },
            |out| (out.tags.unwrap_or_default(), out.next_token),
        )?;
        Ok(tags
            .into_iter()
            .filter(|t| t.key() == Some(crate::cloud::STACK_TAG))
            .filter_map(|t| t.value)
            .collect())
    }
}
