//! The real account's answers to what a plan against its mirror cannot
//! know by itself ([`AccountFacts`]): which AZs offer an instance type,
//! whether an image is visible, the newest image of a family. Each is one
//! read-only request per distinct question, cached for the run.

use aws_sdk_ec2::types::LocationType;

use super::AwsCloud;
use super::call::Service;
use super::ec2_read::filter;
use crate::cloud::sim::AccountFacts;
use crate::cloud::{CloudResult, Resource};

/// The codes `DescribeImages` answers for an image the account cannot see.
const IMAGE_NOT_VISIBLE: [&str; 2] = ["InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"];

impl AccountFacts for AwsCloud {
    fn zone_with_records(&self, domain: &str) -> CloudResult<Option<(Resource, Vec<Resource>)>> {
        let Some(zone) = self.zone_for(domain)? else {
            return Ok(None);
        };
        let records = self.owned_records(&zone.id)?;
        Ok(Some((zone, records)))
    }

    fn offered_azs(&self, instance_type: &str) -> CloudResult<Vec<String>> {
        if let Some(zones) = self.cache().offerings.get(instance_type) {
            return Ok(zones.clone());
        }
        let offerings = self.pages(
            Service::Ec2,
            "DescribeInstanceTypeOfferings",
            |token| {
                self.ec2
                    .describe_instance_type_offerings()
                    .location_type(LocationType::AvailabilityZone)
                    .filters(filter("instance-type", instance_type))
                    .set_next_token(token)
                    .send()
            },
            |out| {
                (
                    out.instance_type_offerings.unwrap_or_default(),
                    out.next_token,
                )
            },
        )?;
        let mut zones: Vec<String> = offerings
            .into_iter()
            .filter(|o| o.instance_type().map(|t| t.as_str()) == Some(instance_type))
            .filter_map(|o| o.location)
            .collect();
        zones.sort();
        zones.dedup();
        self.cache()
            .offerings
            .insert(instance_type.to_string(), zones.clone());
        Ok(zones)
    }

    fn image_visible(&self, image: &str) -> CloudResult<bool> {
        if let Some(visible) = self.cache().visible_images.get(image) {
            return Ok(*visible);
        }
        let answer = self.send(
            Service::Ec2,
            "DescribeImages",
            self.ec2.describe_images().image_ids(image).send(),
        );
        let visible = match answer {
            Ok(out) => out.images().iter().any(|i| i.image_id() == Some(image)),
            Err(e) if IMAGE_NOT_VISIBLE.contains(&e.code.as_str()) => false,
            Err(e) => return Err(e),
        };
        self.cache()
            .visible_images
            .insert(image.to_string(), visible);
        Ok(visible)
    }

    fn latest_image(&self, family: &str) -> CloudResult<String> {
        let image = self.newest_image(family)?;
        // Amazon publishes it, so the account sees it.
        self.cache().visible_images.insert(image.clone(), true);
        Ok(image)
    }
}
