//! The AWS-compatible test server: moto's standalone server
//! (`moto[server]==5.2.1`), a real HTTP server speaking EC2, ELBv2, Auto
//! Scaling, STS, S3, ACM and Route 53.
//!
//! A pool of servers per test binary, each started on first use on a free
//! port of 127.0.0.1 (never any other address) and held behind its own
//! mutex: [`moto`] takes a free one (waiting while all are taken), so as
//! many live tests run at once as there are servers, and resets it, so
//! each test starts from a fresh account of its own. A server stops by its
//! PID: on drop for a [`MotoServer`] of one's own, and for the pool's
//! (statics are never dropped) by a watchdog process that kills it when
//! the test binary exits and closes the watchdog's stdin, however it exits.
//!
//! The pool has [`POOL`] servers (`AWSRUN_TEST_MOTO_SERVERS` sets another
//! number): live tests mostly wait (on awsrun's polls, the AWS-timing
//! layer's delays), so several share two cores well; the README's test
//! command runs enough test threads for them.
//!
//! The server is `moto_server` run by `python3` through `moto_server.py`,
//! which fixes one of moto's bugs (see there). A missing moto is a test
//! failure, never a skip.

use std::fs::File;
use std::future::Future;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::ops::Deref;
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, MutexGuard, OnceLock, TryLockError};
use std::time::{Duration, Instant};

use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use awsrun::cloud::aws::{AwsCloud, AwsOptions};

/// The region every live test runs in.
pub const REGION: &str = "ap-northeast-2";
/// The state bucket awsrun makes for moto's account (123456789012) there.
pub const STATE_BUCKET: &str = "awsrun-state-123456789012-ap-northeast-2";
/// Obvious fake keys: moto accepts any.
pub const ACCESS_KEY: &str = "testing";
pub const SECRET_KEY: &str = "testing";

const MISSING: &str = "moto not found: install it with `python3 -m pip install 'moto[server]==5.2.1'` \
                       (the README's test command does this)";
const STARTUP: Duration = Duration::from_secs(60);
/// Servers in the pool unless `AWSRUN_TEST_MOTO_SERVERS` says otherwise.
const POOL: usize = 4;

/// One running `moto_server` process on 127.0.0.1.
pub struct MotoServer {
    child: Child,
    port: u16,
    log: PathBuf,
    /// `sh` waiting on this pipe; when it closes it kills the server.
    watchdog: Option<(Child, ChildStdin)>,
}

impl MotoServer {
    /// Starts a server on a free port and waits until it answers HTTP.
    pub fn start() -> MotoServer {
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port();
            let mut server = spawn(port);
            match server.wait_ready() {
                Ok(()) => return server,
                Err(err) => last = err,
            }
        }
        panic!("moto_server did not start: {last}");
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Forgets every resource: the next request sees a fresh account.
    pub fn reset(&self) {
        let status = http(self.port, "POST", "/moto-api/reset")
            .unwrap_or_else(|err| panic!("moto reset failed: {err}"));
        assert!(
            status.starts_with("HTTP/1.") && status.contains(" 200"),
            "moto reset: {status}"
        );
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < STARTUP {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                if log.contains("command not found") || log.contains("No module named") {
                    panic!("{MISSING}\n{log}");
                }
                return Err(format!("exited with {status}:\n{log}"));
            }
            if http(self.port, "GET", "/moto-api/data.json").is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!(
            "no answer on port {} within {STARTUP:?}",
            self.port
        ))
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        if let Some((mut watchdog, stdin)) = self.watchdog.take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
            drop(stdin);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

fn spawn(port: u16) -> MotoServer {
    let log = std::env::temp_dir().join(format!("awsrun-moto-{port}.log"));
    let log_file = File::create(&log).expect("create the moto log file");
    // moto issues a requested certificate after this many seconds, DNS or
    // not (AWS issues it once the validation record is in the zone; the
    // AWS-timing layer makes moto wait for it). moto reads it at start-up.
    // moto_server itself, with one of moto's bugs fixed (`moto_server.py`).
    let shim = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/moto_server.py");
    let child = Command::new("python3")
        .args([shim, "-H", "127.0.0.1", "-p", &port.to_string()])
        .env("MOTO_ACM_VALIDATION_WAIT", "1")
        .stdin(Stdio::null())
        .stdout(log_file.try_clone().expect("clone the log file"))
        .stderr(log_file)
        .spawn();
    let child = match child {
        Ok(child) => child,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => panic!("{MISSING}"),
        Err(err) => panic!("could not start moto_server: {err}"),
    };
    let watchdog = watchdog(child.id());
    MotoServer {
        child,
        port,
        log,
        watchdog,
    }
}

/// A `sh` that kills the server by PID once its stdin closes, which happens
/// when the test binary exits.
fn watchdog(pid: u32) -> Option<(Child, ChildStdin)> {
    let mut child = Command::new("sh")
        .args(["-c", &format!("read _; kill {pid} 2>/dev/null")])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let stdin = child.stdin.take()?;
    Some((child, stdin))
}

/// A one-shot HTTP/1.1 request to the server; returns the status line.
fn http(port: u16, method: &str, path: &str) -> std::io::Result<String> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes())?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let status = response.lines().next().unwrap_or("").to_string();
    if status.is_empty() {
        return Err(std::io::Error::other("empty response"));
    }
    Ok(status)
}

/// The tests' own clients' HTTP client: plain HTTP, to 127.0.0.1 only.
fn http_client() -> aws_sdk_ec2::config::SharedHttpClient {
    aws_smithy_http_client::Builder::new().build_http()
}

/// The shared server with what tests need around it.
pub struct Moto {
    server: MotoServer,
    runtime: tokio::runtime::Runtime,
}

/// A server of the pool, held by the calling test until dropped.
pub struct MotoGuard(MutexGuard<'static, Option<Moto>>);

impl Deref for MotoGuard {
    type Target = Moto;
    fn deref(&self) -> &Moto {
        self.0.as_ref().expect("started when taken")
    }
}

/// A server of the pool, held for the calling test and reset to a fresh
/// account (and warmed: moto builds a region on its first request).
pub fn moto() -> MotoGuard {
    static SHARED: OnceLock<Vec<Mutex<Option<Moto>>>> = OnceLock::new();
    let pool = SHARED.get_or_init(|| {
        let size = std::env::var("AWSRUN_TEST_MOTO_SERVERS")
            .ok()
            .and_then(|n| n.parse().ok())
            .filter(|n| *n > 0)
            .unwrap_or(POOL);
        (0..size).map(|_| Mutex::new(None)).collect()
    });
    let mut slot = take(pool);
    let moto = slot.get_or_insert_with(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime");
        Moto {
            server: MotoServer::start(),
            runtime,
        }
    });
    moto.reset();
    MotoGuard(slot)
}

/// The first free server of the pool (started ones first), waiting while
/// every one is taken. A test that failed while holding one leaves nothing
/// a reset does not clear.
fn take(pool: &'static [Mutex<Option<Moto>>]) -> MutexGuard<'static, Option<Moto>> {
    loop {
        let mut unstarted = None;
        for slot in pool {
            let guard = match slot.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(TryLockError::WouldBlock) => continue,
            };
            if guard.is_some() {
                return guard;
            }
            unstarted.get_or_insert(guard);
        }
        if let Some(guard) = unstarted {
            return guard;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

impl Moto {
    pub fn endpoint(&self) -> String {
        self.server.endpoint()
    }

    pub fn port(&self) -> u16 {
        self.server.port()
    }

    /// A fresh account, warmed: no resource, and no S3 bucket (so no state
    /// bucket, no lock and no run log of an earlier test).
    pub fn reset(&self) {
        self.server.reset();
        let (ec2, elb, s3) = (self.ec2(), self.elb(), self.s3());
        let autoscaling = self.autoscaling();
        self.block_on(async {
            let buckets = s3.list_buckets().send().await.expect("warm-up ListBuckets");
            assert!(
                buckets.buckets().is_empty(),
                "moto's reset left S3 buckets: {:?}",
                buckets.buckets()
            );
            ec2.describe_vpcs()
                .send()
                .await
                .expect("warm-up DescribeVpcs");
            let groups = autoscaling
                .describe_auto_scaling_groups()
                .send()
                .await
                .expect("warm-up DescribeAutoScalingGroups");
            assert!(
                groups.auto_scaling_groups().is_empty(),
                "moto's reset left Auto Scaling groups: {:?}",
                groups.auto_scaling_groups()
            );
            let templates = ec2
                .describe_launch_templates()
                .send()
                .await
                .expect("warm-up DescribeLaunchTemplates");
            assert!(
                templates.launch_templates().is_empty(),
                "moto's reset left launch templates: {:?}",
                templates.launch_templates()
            );
            elb.describe_load_balancers()
                .send()
                .await
                .expect("warm-up DescribeLoadBalancers");
        });
        self.give_the_default_vpc_its_gateway();
    }

    /// AWS makes every default VPC with an internet gateway attached and a
    /// main route table sending `0.0.0.0/0` to it (Amazon VPC User Guide,
    /// "Default VPCs"); moto makes neither. Without them the account would
    /// not be one AWS hands out, and an internet-facing load balancer or a
    /// NAT gateway in a default subnet would be refused or fail.
    fn give_the_default_vpc_its_gateway(&self) {
        let ec2 = self.ec2();
        self.block_on(async {
            let default = aws_sdk_ec2::types::Filter::builder()
                .name("is-default")
                .values("true")
                .build();
            let vpcs = ec2.describe_vpcs().filters(default).send().await.unwrap();
            let vpc = vpcs.vpcs()[0].vpc_id().unwrap().to_string();
            let igw = ec2.create_internet_gateway().send().await.unwrap();
            let igw = igw
                .internet_gateway()
                .unwrap()
                .internet_gateway_id()
                .unwrap();
            ec2.attach_internet_gateway()
                .internet_gateway_id(igw)
                .vpc_id(&vpc)
                .send()
                .await
                .unwrap();
            let main = aws_sdk_ec2::types::Filter::builder()
                .name("association.main")
                .values("true")
                .build();
            let in_vpc = aws_sdk_ec2::types::Filter::builder()
                .name("vpc-id")
                .values(&vpc)
                .build();
            let tables = ec2
                .describe_route_tables()
                .filters(main)
                .filters(in_vpc)
                .send()
                .await
                .unwrap();
            let table = tables.route_tables()[0].route_table_id().unwrap();
            ec2.create_route()
                .route_table_id(table)
                .destination_cidr_block("0.0.0.0/0")
                .gateway_id(igw)
                .send()
                .await
                .unwrap();
        });
    }

    /// The environment for the `awsrun` binary: fake keys, the region, the
    /// endpoint, and no AWS configuration files or instance metadata.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        let nowhere = std::env::temp_dir().join("awsrun-no-aws-config");
        vec![
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_string()),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY.to_string()),
            ("AWS_REGION", REGION.to_string()),
            ("AWS_ENDPOINT_URL", self.endpoint()),
            (
                "AWS_CONFIG_FILE",
                nowhere.join("config").display().to_string(),
            ),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                nowhere.join("credentials").display().to_string(),
            ),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ]
    }

    /// [`super::awsrun`] pointed at this server.
    pub fn awsrun(&self) -> snapbox::cmd::Command {
        self.env()
            .into_iter()
            .fold(super::awsrun(), |cmd, (key, value)| cmd.env(key, value))
    }

    /// Runs `awsrun` pointed at `endpoint` (a proxy in front of this
    /// server): whether it succeeded, its stdout and its stderr.
    pub fn run_via(&self, endpoint: &str, args: &[&str]) -> (bool, String, String) {
        let out = self
            .awsrun()
            .env("AWS_ENDPOINT_URL", endpoint)
            .args(args)
            .output()
            .expect("run awsrun");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// An `AwsCloud` on this server, built the way the CLI builds one.
    pub fn cloud(&self) -> AwsCloud {
        let opts = AwsOptions {
            region: Some(REGION.to_string()),
            profile: None,
            endpoint_url: Some(self.endpoint()),
            verbose: false,
        };
        AwsCloud::connect_with_keys(&opts, ACCESS_KEY, SECRET_KEY)
            .unwrap_or_else(|err| panic!("connect to moto: {err}"))
    }

    fn sdk_config(&self, endpoint: &str) -> aws_sdk_ec2::config::Builder {
        aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "test"))
            .endpoint_url(endpoint)
            .http_client(http_client())
    }

    /// An EC2 client of the test's own, independent of awsrun's code.
    pub fn ec2(&self) -> aws_sdk_ec2::Client {
        self.ec2_at(&self.endpoint())
    }

    /// The test's own EC2 client, talking to `endpoint` (a proxy on 127.0.0.1).
    pub fn ec2_at(&self, endpoint: &str) -> aws_sdk_ec2::Client {
        aws_sdk_ec2::Client::from_conf(self.sdk_config(endpoint).build())
    }

    /// An ELBv2 client of the test's own, independent of awsrun's code.
    pub fn elb(&self) -> aws_sdk_elasticloadbalancingv2::Client {
        self.elb_at(&self.endpoint())
    }

    /// The test's own ELBv2 client, talking to `endpoint`.
    pub fn elb_at(&self, endpoint: &str) -> aws_sdk_elasticloadbalancingv2::Client {
        let config = aws_sdk_elasticloadbalancingv2::Config::builder()
            .behavior_version(aws_sdk_elasticloadbalancingv2::config::BehaviorVersion::latest())
            .region(aws_sdk_elasticloadbalancingv2::config::Region::new(REGION))
            .credentials_provider(aws_sdk_elasticloadbalancingv2::config::Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "test",
            ))
            .endpoint_url(endpoint)
            .http_client(http_client())
            .build();
        aws_sdk_elasticloadbalancingv2::Client::from_conf(config)
    }

    /// An Auto Scaling client of the test's own, independent of awsrun's code.
    pub fn autoscaling(&self) -> aws_sdk_autoscaling::Client {
        self.autoscaling_at(&self.endpoint())
    }

    /// The test's own Auto Scaling client, talking to `endpoint`.
    pub fn autoscaling_at(&self, endpoint: &str) -> aws_sdk_autoscaling::Client {
        let config = aws_sdk_autoscaling::Config::builder()
            .behavior_version(aws_sdk_autoscaling::config::BehaviorVersion::latest())
            .region(aws_sdk_autoscaling::config::Region::new(REGION))
            .credentials_provider(aws_sdk_autoscaling::config::Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "test",
            ))
            .endpoint_url(endpoint)
            .http_client(http_client())
            .build();
        aws_sdk_autoscaling::Client::from_conf(config)
    }

    /// An S3 client of the test's own, independent of awsrun's code; the
    /// bucket goes in the path (`bucket.127.0.0.1` does not resolve).
    pub fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new(REGION))
            .credentials_provider(aws_sdk_s3::config::Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "test",
            ))
            .endpoint_url(self.endpoint())
            .http_client(http_client())
            .force_path_style(true)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    /// Every object of `bucket` (key, body), read with the test's own
    /// client; none when the bucket does not exist.
    pub fn objects(&self, bucket: &str) -> Vec<(String, String)> {
        let s3 = self.s3();
        self.block_on(async {
            let Ok(list) = s3.list_objects_v2().bucket(bucket).send().await else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for key in list.contents().iter().filter_map(|o| o.key()) {
                let object = s3
                    .get_object()
                    .bucket(bucket)
                    .key(key)
                    .send()
                    .await
                    .unwrap();
                let body = object.body.collect().await.unwrap().into_bytes();
                out.push((key.to_string(), String::from_utf8_lossy(&body).into_owned()));
            }
            out
        })
    }

    /// An ACM client of the test's own, independent of awsrun's code.
    pub fn acm(&self) -> aws_sdk_acm::Client {
        self.acm_at(&self.endpoint())
    }

    /// The test's own ACM client, talking to `endpoint`.
    pub fn acm_at(&self, endpoint: &str) -> aws_sdk_acm::Client {
        let config = aws_sdk_acm::Config::builder()
            .behavior_version(aws_sdk_acm::config::BehaviorVersion::latest())
            .region(aws_sdk_acm::config::Region::new(REGION))
            .credentials_provider(aws_sdk_acm::config::Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "test",
            ))
            .endpoint_url(endpoint)
            .http_client(http_client())
            .build();
        aws_sdk_acm::Client::from_conf(config)
    }

    /// A Route 53 client of the test's own, independent of awsrun's code.
    pub fn route53(&self) -> aws_sdk_route53::Client {
        self.route53_at(&self.endpoint())
    }

    /// The test's own Route 53 client, talking to `endpoint`.
    pub fn route53_at(&self, endpoint: &str) -> aws_sdk_route53::Client {
        let config = aws_sdk_route53::Config::builder()
            .behavior_version(aws_sdk_route53::config::BehaviorVersion::latest())
            .region(aws_sdk_route53::config::Region::new(REGION))
            .credentials_provider(aws_sdk_route53::config::Credentials::new(
                ACCESS_KEY, SECRET_KEY, None, None, "test",
            ))
            .endpoint_url(endpoint)
            .http_client(http_client())
            .build();
        aws_sdk_route53::Client::from_conf(config)
    }

    /// Makes the public hosted zone `domain` (a team's zone, made once by
    /// hand: awsrun never makes one); returns its id without `/hostedzone/`.
    pub fn hosted_zone(&self, domain: &str) -> String {
        let route53 = self.route53();
        self.block_on(async {
            let out = route53
                .create_hosted_zone()
                .name(domain)
                .caller_reference(format!("test-{domain}"))
                .send()
                .await
                .expect("CreateHostedZone");
            let id = out.hosted_zone().expect("a zone").id();
            id.rsplit('/').next().unwrap_or(id).to_string()
        })
    }

    /// Runs a request of the test's own clients.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

/// Every instance of `stack` (terminated ones too), read with the test's
/// own client: (Name, id, state).
pub async fn stack_instances(
    ec2: &aws_sdk_ec2::Client,
    stack: &str,
) -> Vec<(String, String, String)> {
    let filter = aws_sdk_ec2::types::Filter::builder()
        .name("tag:awsrun:stack")
        .values(stack)
        .build();
    let out = ec2
        .describe_instances()
        .filters(filter)
        .send()
        .await
        .unwrap();
    out.reservations()
        .iter()
        .flat_map(|r| r.instances())
        .map(|i| {
            let name = i
                .tags()
                .iter()
                .find(|t| t.key() == Some("Name"))
                .and_then(|t| t.value())
                .unwrap_or("");
            let state = i
                .state()
                .and_then(|s| s.name())
                .map(|s| s.as_str())
                .unwrap_or("");
            (
                name.to_string(),
                i.instance_id().unwrap_or("").to_string(),
                state.to_string(),
            )
        })
        .collect()
}

/// One change of a Route 53 change batch: action, name, type, value.
pub fn record_change(
    action: &str,
    name: &str,
    kind: &str,
    value: &str,
) -> aws_sdk_route53::types::Change {
    use aws_sdk_route53::types::{Change, ChangeAction, ResourceRecord, ResourceRecordSet, RrType};
    let set = ResourceRecordSet::builder()
        .name(name)
        .r#type(RrType::from(kind))
        .ttl(300)
        .resource_records(ResourceRecord::builder().value(value).build().unwrap())
        .build()
        .unwrap();
    Change::builder()
        .action(ChangeAction::from(action))
        .resource_record_set(set)
        .build()
        .unwrap()
}
