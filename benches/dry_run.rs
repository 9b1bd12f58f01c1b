//! Whole-process dry-run benchmarks of the release binary (not timed tests:
//! run with `cargo bench --bench dry_run`, read the medians and ratios).
//!
//! 1. `awsrun scripts/multi-server.rhai --dry-run`: median wall time of 21 runs
//!    (target: at most 50 ms).
//! 2. A generated script creating /28 subnets in a /16 VPC plus instances, at
//!    1x, 2x and 4x (4x = 4,096 subnets + 10,000 instances; target: at most
//!    2 s and 200 MB peak memory, growing linearly): median wall time of 5
//!    runs and peak RSS, measured by `/usr/bin/time`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_awsrun");

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Runs awsrun with `args` once: wall time and peak RSS in KiB.
fn run_once(args: &[&str]) -> (Duration, u64) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_PROFILE")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("run awsrun under /usr/bin/time (apt-get install time)");
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "awsrun {args:?} failed:\n{stderr}");
    let rss = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(0);
    (elapsed, rss)
}

fn measure(args: &[&str], runs: usize) -> (Duration, u64) {
    let mut times = Vec::with_capacity(runs);
    let mut peak = 0;
    for _ in 0..runs {
        let (t, rss) = run_once(args);
        times.push(t);
        peak = peak.max(rss);
    }
    (median(times), peak)
}

/// The scale script: `subnets` /28 blocks of a new /16 VPC, `instances`
/// instances spread over them.
fn scale_script(subnets: usize, instances: usize) -> String {
    format!(
        r#"let v = vpc("bench", #{{ cidr: "10.0.0.0/16" }});
let blocks = cidr("10.0.0.0/16").subnets(28);
let zones = azs();
let made = [];
for i in 0..{subnets} {{
    made.push(subnet(`s-${{i}}`, #{{ vpc: v, cidr: blocks[i], az: zones[i % zones.len()] }}));
}}
let servers = instances("app", #{{ count: {instances}, subnets: made, image: "ami-0123456789abcdef0", instance_type: "t3.micro" }});
servers.len()
"#
    )
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::set_current_dir(root).unwrap();
    let (t, rss) = measure(&["scripts/multi-server.rhai", "--dry-run"], 21);
    println!(
        "multi-server dry-run: median {:.1} ms over 21 runs, peak {} KiB (target <= 50 ms)",
        t.as_secs_f64() * 1e3,
        rss
    );

    let dir = std::env::temp_dir().join("awsrun-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let mut base = None;
    for factor in [1usize, 2, 4] {
        let path = dir.join(format!("scale-{factor}x.rhai"));
        std::fs::write(&path, scale_script(1024 * factor, 2500 * factor)).unwrap();
        let p = path.to_string_lossy().to_string();
        // 4,096 subnets in one VPC need a raised quota (AWS's default is 200).
        let quota = ["--sim-quota", "subnets-per-vpc=5000"];
        let (t, rss) = measure(&[p.as_str(), "--dry-run", quota[0], quota[1]], 5);
        let secs = t.as_secs_f64();
        let ratio = base.map(|b: f64| secs / b).unwrap_or(1.0);
        base.get_or_insert(secs);
        println!(
            "scale {factor}x ({} subnets + {} instances): median {:.3} s over 5 runs, peak {:.1} MiB, time ratio to 1x {:.2} (linear = {factor})",
            1024 * factor,
            2500 * factor,
            secs,
            rss as f64 / 1024.0,
            ratio
        );
    }
}
