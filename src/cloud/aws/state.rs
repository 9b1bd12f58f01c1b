//! The state bucket: one S3 bucket per account and region (or the one
//! `--state-bucket` names) holding the stack locks (`locks/<stack>.json`)
//! and the run log (`log/<stack>/...`). Nothing here knows what the objects
//! mean; `ui::lock` and `ui::run_log` do.
//!
//! Invariants:
//! - A lock is taken with a conditional write (`PutObject` with
//!   `If-None-Match: *`): S3 writes the object only if no object has the
//!   key, and answers 412 (or 409 to a write racing another) otherwise, so
//!   two runs never both hold it.
//! - A lock is released with `DeleteObject` and `If-Match: <ETag written>`,
//!   so a run never deletes a lock another run took after it.
//! - The bucket is created private (all four public-access blocks),
//!   encrypted by default (SSE-S3) and tagged `awsrun:role=state`; it never
//!   carries `awsrun:stack`, so no destroy ever deletes it.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, PublicAccessBlockConfiguration,
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule, Tag, Tagging,
};

use super::AwsCloud;
use super::call::Service;
use crate::cloud::{CloudError, CloudResult};
use crate::diagnostic::code;

/// An object read back: its body and its ETag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub body: Vec<u8>,
    pub etag: String,
}

/// What a conditional create did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Put {
    /// The object is ours, with this ETag.
    Written { etag: String },
    /// An object with the key exists already (412), or another write of it
    /// is in flight (409).
    Taken,
}

/// The tag that marks the state bucket.
pub const ROLE_TAG: (&str, &str) = ("awsrun:role", "state");

fn build_error(operation: &str, err: impl std::fmt::Display) -> CloudError {
    CloudError::new(
        operation,
        code::Backend::SdkError,
        format!("could not build the request: {err}"),
    )
}

impl AwsCloud {
    /// The default state bucket: `awsrun-state-<account>-<region>`.
    pub fn default_state_bucket(&self) -> CloudResult<String> {
        let account = self.identity()?.account;
        Ok(format!("awsrun-state-{account}-{}", self.region))
    }

    /// Whether the bucket exists (HeadBucket: 404 means it does not). A 403
    /// is an error: the name belongs to someone else's account.
    pub fn bucket_exists(&self, bucket: &str) -> CloudResult<bool> {
        let request = self.s3.head_bucket().bucket(bucket).send();
        match self.send_status(Service::S3, "HeadBucket", request) {
            Ok(_) => Ok(true),
            Err((Some(404), _)) => Ok(false),
            Err((Some(403), err)) => Err(err.with_hint(format!(
                "the bucket {bucket} exists but these credentials may not read it (bucket names \
                 are global: another account may own it); name another with --state-bucket \
                 (AWSRUN_STATE_BUCKET)"
            ))),
            Err((_, err)) => Err(err),
        }
    }

    /// Creates the state bucket: private, encrypted with SSE-S3, tagged
    /// `awsrun:role=state`. A bucket this account owns already is kept.
    pub fn create_state_bucket(&self, bucket: &str) -> CloudResult<()> {
        let mut create = self.s3.create_bucket().bucket(bucket);
        // us-east-1 takes no LocationConstraint; every other region needs one.
        if self.region != "us-east-1" {
            create = create.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(self.region.as_str()))
                    .build(),
            );
        }
        match self.send_status(Service::S3, "CreateBucket", create.send()) {
            Ok(_) => {}
            Err((_, err)) if err.code == "BucketAlreadyOwnedByYou" => {}
            Err((_, err)) if err.code == "BucketAlreadyExists" => {
                return Err(err.with_hint(format!(
                    "the bucket name {bucket} is taken (bucket names are global); name another \
                     with --state-bucket (AWSRUN_STATE_BUCKET)"
                )));
            }
            Err((_, err)) => return Err(err),
        }
        let block = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        self.send(
            Service::S3,
            "PutPublicAccessBlock",
            self.s3
                .put_public_access_block()
                .bucket(bucket)
                .public_access_block_configuration(block)
                .send(),
        )?;
        let by_default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(ServerSideEncryption::Aes256)
            .build()
            .map_err(|e| build_error("PutBucketEncryption", e))?;
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(by_default)
            .build();
        let encryption = ServerSideEncryptionConfiguration::builder()
            .rules(rule)
            .build()
            .map_err(|e| build_error("PutBucketEncryption", e))?;
        self.send(
            Service::S3,
            "PutBucketEncryption",
            self.s3
                .put_bucket_encryption()
                .bucket(bucket)
                .server_side_encryption_configuration(encryption)
                .send(),
        )?;
        let tag = Tag::builder()
            .key(ROLE_TAG.0)
            .value(ROLE_TAG.1)
            .build()
            .map_err(|e| build_error("PutBucketTagging", e))?;
        let tagging = Tagging::builder()
            .tag_set(tag)
            .build()
            .map_err(|e| build_error("PutBucketTagging", e))?;
        self.send(
            Service::S3,
            "PutBucketTagging",
            self.s3
                .put_bucket_tagging()
                .bucket(bucket)
                .tagging(tagging)
                .send(),
        )?;
        Ok(())
    }

    /// Writes the object only if no object has the key (`If-None-Match: *`).
    pub fn put_new_object(&self, bucket: &str, key: &str, body: &[u8]) -> CloudResult<Put> {
        let request = self
            .s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type("application/json")
            .if_none_match("*")
            .body(ByteStream::from(body.to_vec()))
            .send();
        match self.send_status(Service::S3, "PutObject", request) {
            Ok(out) => Ok(Put::Written {
                etag: out.e_tag().unwrap_or_default().to_string(),
            }),
            Err((Some(412 | 409), _)) => Ok(Put::Taken),
            Err((_, err)) => Err(err),
        }
    }

    /// Writes the object, whatever is there.
    pub fn put_object(&self, bucket: &str, key: &str, body: &[u8]) -> CloudResult<()> {
        let request = self
            .s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type("application/json")
            .body(ByteStream::from(body.to_vec()))
            .send();
        self.send(Service::S3, "PutObject", request).map(drop)
    }

    /// The object and its ETag; `None` when there is no object with the key.
    pub fn get_object(&self, bucket: &str, key: &str) -> CloudResult<Option<Stored>> {
        let request = self.s3.get_object().bucket(bucket).key(key).send();
        let out = match self.send_status(Service::S3, "GetObject", request) {
            Ok(out) => out,
            Err((Some(404), _)) => return Ok(None),
            Err((_, err)) => return Err(err),
        };
        let etag = out.e_tag().unwrap_or_default().to_string();
        let body = self
            .runtime
            .block_on(out.body.collect())
            .map_err(|e| {
                CloudError::new(
                    "GetObject",
                    code::Backend::ConnectionError,
                    format!("reading s3://{bucket}/{key}: {e}"),
                )
            })?
            .into_bytes()
            .to_vec();
        Ok(Some(Stored { body, etag }))
    }

    /// Deletes the object if its ETag is still `etag` (`If-Match`; any
    /// object with `None`). Returns whether an object was there to delete:
    /// `false` when it is gone already or another write replaced it.
    pub fn delete_object_if(
        &self,
        bucket: &str,
        key: &str,
        etag: Option<&str>,
    ) -> CloudResult<bool> {
        let mut request = self.s3.delete_object().bucket(bucket).key(key);
        if let Some(etag) = etag {
            request = request.if_match(etag);
        }
        match self.send_status(Service::S3, "DeleteObject", request.send()) {
            Ok(_) => Ok(true),
            Err((Some(404 | 412), _)) => Ok(false),
            Err((_, err)) => Err(err),
        }
    }

    /// Every key under `prefix`, in S3's order (ascending UTF-8).
    pub fn object_keys(&self, bucket: &str, prefix: &str) -> CloudResult<Vec<String>> {
        let mut keys = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let request = self
                .s3
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .set_continuation_token(token.take())
                .send();
            let out = self.send(Service::S3, "ListObjectsV2", request)?;
            keys.extend(
                out.contents()
                    .iter()
                    .filter_map(|o| o.key())
                    .map(str::to_string),
            );
            match out.next_continuation_token() {
                Some(next) if out.is_truncated() == Some(true) => token = Some(next.to_string()),
                _ => break,
            }
        }
        Ok(keys)
    }

    /// Forgets what this backend described of the stacks (a plan's reads,
    /// or the account before another run changed it); the account's facts
    /// (identity, AZs, images) stay.
    pub fn forget_describes(&self) {
        self.cache().forget_stacks();
    }
}
