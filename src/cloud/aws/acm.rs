//! ACM: public certificates validated by DNS.
//!
//! `ListCertificates` cannot filter by tag, so the stack's certificates are
//! found by listing the region's certificates once per run and reading each
//! one's tags (`ListTagsForCertificate`); only the stack's are described.
//! A request carries its tags and an idempotency token (the same for the
//! same stack and name), so a request repeated within the hour ACM keeps
//! tokens for returns the same certificate.

use aws_sdk_acm::types::{CertificateDetail, Tag, ValidationMethod};

use super::AwsCloud;
use super::call::Service;
use crate::cloud::ownership::normalize;
use crate::cloud::{CertificateSpec, CloudResult, Kind, Resource, STACK_TAG, Tags};

/// A certificate as awsrun hands it out.
fn certificate(detail: &CertificateDetail, name: &str) -> Resource {
    let arn = detail.certificate_arn().unwrap_or_default();
    let domain = detail
        .domain_name()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut alt_names: Vec<String> = detail
        .subject_alternative_names()
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .filter(|n| *n != domain)
        .collect();
    alt_names.sort();
    alt_names.dedup();
    let mut validation: Vec<serde_json::Value> = Vec::new();
    for option in detail.domain_validation_options() {
        let Some(record) = option.resource_record() else {
            continue;
        };
        let record_name = normalize(record.name());
        if validation.iter().any(|v| v["name"] == record_name.as_str()) {
            continue;
        }
        validation.push(serde_json::json!({
            "name": record_name,
            "type": record.r#type().as_str(),
            "value": normalize(record.value()),
        }));
    }
    // Until ACM has made a record for every name, the list is not complete.
    let complete = !detail.domain_validation_options().is_empty()
        && detail
            .domain_validation_options()
            .iter()
            .all(|o| o.resource_record().is_some());
    if !complete {
        validation.clear();
    }
    Resource::new(Kind::Certificate, name, arn)
        .with("arn", arn)
        .with("domain", domain)
        .with("alt_names", alt_names)
        .with(
            "state",
            detail.status().map(|s| s.as_str()).unwrap_or_default(),
        )
        .with("validation", validation)
        .with("in_use_by", detail.in_use_by().to_vec())
}

impl AwsCloud {
    pub(super) fn new_certificate(
        &self,
        spec: &CertificateSpec,
        tags: &Tags,
    ) -> CloudResult<Resource> {
        let mut names = vec![spec.domain.clone()];
        names.extend(spec.alt_names.iter().cloned());
        let tag = |key: &str, value: &str| Tag::builder().key(key).value(value).build();
        let request = self
            .acm
            .request_certificate()
            .domain_name(&spec.domain)
            .set_subject_alternative_names((names.len() > 1).then_some(names))
            .validation_method(ValidationMethod::Dns)
            .idempotency_token(tags.idempotency_token())
            .set_tags(Some(
                [tag("Name", &tags.name), tag(STACK_TAG, &tags.stack)]
                    .into_iter()
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| {
                        crate::cloud::CloudError::new(
                            "RequestCertificate",
                            crate::diagnostic::code::Backend::SdkError,
                            format!("could not build the request: {e}"),
                        )
                    })?,
            ));
        let out = self.send(Service::Acm, "RequestCertificate", request.send())?;
        let arn = out.certificate_arn().unwrap_or_default().to_string();
        self.cache().made(&arn);
        // "There is a delay of several seconds before you can retrieve
        // information about the new certificate": describe patiently.
        let placeholder = Resource::new(Kind::Certificate, &tags.name, &arn);
        let resource = self.refresh_one(&placeholder)?;
        self.cache().created(&tags.stack, resource.clone());
        Ok(resource)
    }

    /// One certificate by ARN; `None` when ACM does not know it.
    pub(super) fn describe_certificate(
        &self,
        arn: &str,
        name: &str,
    ) -> CloudResult<Option<Resource>> {
        let request = self.acm.describe_certificate().certificate_arn(arn);
        match self.send(Service::Acm, "DescribeCertificate", request.send()) {
            Ok(out) => Ok(out.certificate().map(|d| certificate(d, name))),
            Err(err) if err.code == Kind::Certificate.info().not_found_code.as_str() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// The stack's certificates (any status), with their details.
    pub(super) fn stack_certificates(&self, stack: &str) -> CloudResult<Vec<Resource>> {
        let mut arns = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let request = self.acm.list_certificates().set_next_token(next.clone());
            let out = self.send(Service::Acm, "ListCertificates", request.send())?;
            arns.extend(
                out.certificate_summary_list()
                    .iter()
                    .filter_map(|c| c.certificate_arn().map(str::to_string)),
            );
            match out.next_token() {
                Some(token) => next = Some(token.to_string()),
                None => break,
            }
        }
        let mut found = Vec::new();
        for arn in arns {
            let request = self.acm.list_tags_for_certificate().certificate_arn(&arn);
            let out = self.send(Service::Acm, "ListTagsForCertificate", request.send())?;
            let tag = |key: &str| {
                out.tags()
                    .iter()
                    .find(|t| t.key() == key)
                    .and_then(|t| t.value())
                    .map(str::to_string)
            };
            if tag(STACK_TAG).as_deref() != Some(stack) {
                continue;
            }
            let name = tag("Name").unwrap_or_default();
            if let Some(cert) = self.describe_certificate(&arn, &name)? {
                found.push(cert);
            }
        }
        Ok(found)
    }

    pub(super) fn delete_certificate(&self, arn: &str) -> CloudResult<()> {
        let request = self.acm.delete_certificate().certificate_arn(arn);
        self.send(Service::Acm, "DeleteCertificate", request.send())
            .map(drop)
    }
}

impl AwsCloud {
    /// The stacks the region's certificates are tagged with.
    pub(super) fn acm_stack_names(&self) -> CloudResult<Vec<String>> {
        let mut names = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let request = self.acm.list_certificates().set_next_token(next.clone());
            let out = self.send(Service::Acm, "ListCertificates", request.send())?;
            for arn in out
                .certificate_summary_list()
                .iter()
                .filter_map(|c| c.certificate_arn())
            {
                let request = self.acm.list_tags_for_certificate().certificate_arn(arn);
                let tags = self.send(Service::Acm, "ListTagsForCertificate", request.send())?;
                names.extend(
                    tags.tags()
                        .iter()
                        .filter(|t| t.key() == STACK_TAG)
                        .filter_map(|t| t.value().map(str::to_string)),
                );
            }
            match out.next_token() {
                Some(token) => next = Some(token.to_string()),
                None => break,
            }
        }
        Ok(names)
    }
}
