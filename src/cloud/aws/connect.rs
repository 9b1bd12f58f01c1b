//! Configuration: aws-config's standard chain (env vars, profiles, SSO,
//! `AWS_ENDPOINT_URL`), overridden by the command line, checked once before
//! any script line runs.

use std::sync::Mutex;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::config::SharedHttpClient;
use aws_sdk_ec2::config::{Credentials, ProvideCredentials};
use aws_smithy_http_client::tls;

use super::call::{Calls, causes};
use super::{AwsCloud, AwsOptions, Cache};
use crate::cloud::{CloudError, CloudResult};
use crate::diagnostic::code;

/// Attempts per request in the SDK's standard retry mode (1 + 4 retries).
pub(super) const MAX_ATTEMPTS: u32 = 5;

const OPERATION: &str = "connect";

pub(super) fn connect(opts: &AwsOptions, keys: Option<(&str, &str)>) -> CloudResult<AwsCloud> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("awsrun-aws")
        .enable_all()
        .build()
        .map_err(|err| {
            CloudError::new(
                OPERATION,
                code::Backend::RuntimeError,
                format!("could not start the async runtime: {err}"),
            )
        })?;
    let config = runtime.block_on(load(opts, keys));
    runtime.block_on(check_credentials(&config))?;
    let region = config
        .region()
        .map(ToString::to_string)
        .ok_or_else(no_region)?;
    let calls = Calls::new(
        opts.verbose,
        config.endpoint_url().map(str::to_string),
        &region,
    );
    Ok(AwsCloud {
        ec2: aws_sdk_ec2::Client::new(&config),
        elb: aws_sdk_elasticloadbalancingv2::Client::new(&config),
        acm: aws_sdk_acm::Client::new(&config),
        route53: aws_sdk_route53::Client::new(&config),
        sts: aws_sdk_sts::Client::new(&config),
        autoscaling: aws_sdk_autoscaling::Client::new(&config),
        s3: s3_client(&config),
        runtime,
        region,
        calls,
        cache: Mutex::new(Cache::default()),
        gate: Mutex::new(None),
    })
}

/// S3 from the same configuration. With an endpoint override the bucket
/// goes in the path (`http://host/bucket/key`): a virtual-hosted name such
/// as `bucket.127.0.0.1` does not resolve.
fn s3_client(config: &SdkConfig) -> aws_sdk_s3::Client {
    let builder =
        aws_sdk_s3::config::Builder::from(config).force_path_style(config.endpoint_url().is_some());
    aws_sdk_s3::Client::from_conf(builder.build())
}

/// The HTTP(S) client every service client shares: hyper with rustls on
/// ring, trusting the platform's root certificates (what the SDK's default
/// client does, with aws-lc in place of ring).
fn https_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

async fn load(opts: &AwsOptions, keys: Option<(&str, &str)>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS));
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(region) = &opts.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some((id, secret)) = keys {
        loader = loader.credentials_provider(Credentials::new(id, secret, None, None, "awsrun"));
    }
    loader.load().await
}

/// Resolves the credentials once so a missing setup fails before the
/// script starts. The credentials themselves are dropped unseen, and the
/// error says what is wrong in the error chain's words only, never with the
/// error's `Debug` form (which `DisplayErrorContext` would append, once more
/// and with internals).
async fn check_credentials(config: &SdkConfig) -> CloudResult<()> {
    let Some(provider) = config.credentials_provider() else {
        return Err(no_credentials(
            "no credential provider is configured".into(),
        ));
    };
    match provider.provide_credentials().await {
        Ok(_) => Ok(()),
        Err(err) => Err(no_credentials(causes(&err))),
    }
}

fn no_credentials(reason: String) -> CloudError {
    CloudError::new(
        OPERATION,
        code::Backend::NoCredentials,
        format!("no AWS credentials could be loaded ({reason})"),
    )
    .with_hint(
        "configure credentials with `aws configure`, pick a profile with AWS_PROFILE or \
         --profile, set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login` \
         for an SSO profile; `--dry-run` works without credentials",
    )
}

fn no_region() -> CloudError {
    CloudError::new(
        OPERATION,
        code::Backend::NoRegion,
        "no AWS region is configured",
    )
    .with_hint(
        "pass --region (e.g. --region ap-northeast-2), set AWS_REGION, or set `region` in \
         your profile with `aws configure`",
    )
}
