//! "As fast as AWS allows": the tutorial under the realistic latency model,
//! scaled down 100 times (`--sim-latency realistic --sim-latency-scale
//! 0.01`), run in-process against the simulated account. Run with
//! `cargo bench --bench latency`; it prints medians of 5 runs and the ratios.
//!
//! 1. `scripts/multi-server.rhai`: its wall time, against its critical path
//!    (the longest chain of dependent provisioning steps, from the model's
//!    estimate: 300 AWS seconds = 3.0 s at this scale). Target: wall time at
//!    most 1.1 x the critical path.
//! 2. The same script with every wait made sequential:
//!    `benches/scripts/multi-server-sequential.rhai` waits for each slow
//!    resource right after the step that creates it (the NAT gateway of 2a,
//!    then 2c's, then the load balancer, then the instances, then their
//!    health), as a tool that blocks on every create would, so nothing
//!    provisions while anything else does. Target: the tutorial at least
//!    1.8 x faster.
//!
//! Exits 1 when a target is missed.

use awsrun::cloud::Cloud;
use awsrun::cloud::sim::latency::duration_text;
use awsrun::cloud::sim::{Estimate, Latency, SimAccount};
use awsrun::engine::session::{Quiet, Session};
use awsrun::engine::{self, Script};
use std::path::Path;
use std::rc::Rc;
use std::time::{Duration, Instant};

const SCALE: f64 = 0.01;
const RUNS: usize = 5;

/// One run of `script` on a new realistic account: wall time and estimate.
fn run_once(script: &Script) -> (Duration, Estimate) {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    sim.set_latency(Latency::Realistic { scale: SCALE });
    let cloud: Rc<dyn Cloud> = sim.clone();
    let session = Rc::new(Session::new(cloud, "multi-server", Rc::new(Quiet)));
    let start = Instant::now();
    if let Err(err) = engine::run(&session, script) {
        panic!("{} failed: {err}", script.name());
    }
    let wall = start.elapsed();
    (
        wall,
        sim.estimate()
            .expect("the realistic model gives an estimate"),
    )
}

/// Median wall time over `RUNS` runs, and the (deterministic) estimate.
fn measure(path: &str) -> (Duration, Estimate) {
    let script = Script::read(Path::new(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut walls = Vec::with_capacity(RUNS);
    let mut estimate = None;
    for _ in 0..RUNS {
        let (wall, est) = run_once(&script);
        walls.push(wall);
        estimate = Some(est);
    }
    walls.sort();
    (walls[RUNS / 2], estimate.expect("RUNS > 0"))
}

fn scaled(estimate: &Estimate) -> Duration {
    Duration::from_secs_f64(estimate.seconds as f64 * SCALE)
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

fn main() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    println!(
        "--sim-latency realistic --sim-latency-scale {SCALE}: medians of {RUNS} in-process runs"
    );

    let (wall, estimate) = measure("scripts/multi-server.rhai");
    let critical = scaled(&estimate);
    let ratio = wall.as_secs_f64() / critical.as_secs_f64();
    println!("tutorial (scripts/multi-server.rhai)");
    println!("  wall time      {:.3} s", wall.as_secs_f64());
    println!(
        "  critical path  {:.3} s  ({} on AWS: {})",
        critical.as_secs_f64(),
        duration_text(estimate.seconds),
        estimate.path_text()
    );
    println!(
        "  wall / critical path = {ratio:.3}  (target <= 1.1) {}",
        verdict(ratio <= 1.1)
    );

    let (seq_wall, seq_estimate) = measure("benches/scripts/multi-server-sequential.rhai");
    let speedup = seq_wall.as_secs_f64() / wall.as_secs_f64();
    println!("every wait sequential (benches/scripts/multi-server-sequential.rhai)");
    println!("  wall time      {:.3} s", seq_wall.as_secs_f64());
    println!(
        "  critical path  {:.3} s  ({} on AWS: {})",
        scaled(&seq_estimate).as_secs_f64(),
        duration_text(seq_estimate.seconds),
        seq_estimate.path_text()
    );
    println!(
        "  sequential / tutorial = {speedup:.2}x  (target >= 1.8) {}",
        verdict(speedup >= 1.8)
    );

    if ratio > 1.1 || speedup < 1.8 {
        std::process::exit(1);
    }
}
