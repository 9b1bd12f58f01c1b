//! "As fast as AWS allows": the tutorial under the realistic latency model,
//! scaled down 100 times (`--sim-latency realistic --sim-latency-scale
//! 0.01`), run in-process against the simulated account. Run with
//! `cargo bench --bench latency`; it prints medians of 5 runs and the ratios.
//!
//! 1. `scripts/multi-server.rhai`: the estimate of a live run and its
//!    critical path (the longest chain of dependent provisioning steps).
//!    Targets: the estimate at most 3m00s of AWS time, and the wall time at
//!    this scale at most 1.1 x the critical path (1.6 s for 160 AWS seconds).
//! 2. The same script with every wait made sequential:
//!    `benches/scripts/multi-server-sequential.rhai` waits for each slow
//!    resource right after the step that creates it (the NAT gateway of 2a,
//!    then 2c's, then the load balancer, then the instances, then their
//!    health), as a tool that blocks on every create would, so nothing
//!    provisions while anything else does. Target: the tutorial at least
//!    1.8 x faster.
//! 3. `scripts/rolling-deploy.rhai --stack multi-server` on the tutorial
//!    just built (under no latency, so its servers are long healthy): two
//!    servers replaced in batches of one. Targets: the estimate at most
//!    5m00s, and the wall time at most 1.1 x the critical path.
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

/// One run of `script` on `sim` under the realistic model: wall time and
/// estimate.
fn run_on(sim: &Rc<SimAccount>, script: &Script) -> (Duration, Estimate) {
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

/// A new account, with the tutorial built in it when `tutorial` is given
/// (instantly: without the latency model).
fn account(tutorial: Option<&Script>) -> Rc<SimAccount> {
    let sim = Rc::new(SimAccount::new("ap-northeast-2"));
    if let Some(script) = tutorial {
        let cloud: Rc<dyn Cloud> = sim.clone();
        let session = Rc::new(Session::new(cloud, "multi-server", Rc::new(Quiet)));
        let _ = engine::run(&session, script).expect("the tutorial runs");
    }
    sim
}

/// Median wall time over `RUNS` runs, and the (deterministic) estimate.
fn measure(path: &str, before: Option<&str>) -> (Duration, Estimate) {
    let read = |path: &str| Script::read(Path::new(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    let script = read(path);
    let before = before.map(read);
    let mut walls = Vec::with_capacity(RUNS);
    let mut estimate = None;
    for _ in 0..RUNS {
        let (wall, est) = run_on(&account(before.as_ref()), &script);
        walls.push(wall);
        estimate = Some(est);
    }
    walls.sort();
    (walls[RUNS / 2], estimate.expect("RUNS > 0"))
}

/// Prints one script's figures; whether its wall time kept to its critical
/// path (within 1.1 x) and its estimate to `most` AWS seconds.
fn report(title: &str, wall: Duration, estimate: &Estimate, most: u64) -> bool {
    let critical = scaled(estimate);
    let ratio = wall.as_secs_f64() / critical.as_secs_f64();
    println!("{title}");
    println!(
        "  estimate       {} on AWS  (target <= {}) {}",
        duration_text(estimate.seconds),
        duration_text(most),
        verdict(estimate.seconds <= most)
    );
    println!("  critical path  {}", estimate.path_text());
    println!("  wall time      {:.3} s", wall.as_secs_f64());
    println!(
        "  wall / critical path ({:.3} s) = {ratio:.3}  (target <= 1.1) {}",
        critical.as_secs_f64(),
        verdict(ratio <= 1.1)
    );
    ratio <= 1.1 && estimate.seconds <= most
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
    let tutorial = "scripts/multi-server.rhai";

    let (wall, estimate) = measure(tutorial, None);
    let mut ok = report("tutorial (scripts/multi-server.rhai)", wall, &estimate, 180);

    let (seq_wall, seq_estimate) = measure("benches/scripts/multi-server-sequential.rhai", None);
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
    ok &= speedup >= 1.8;

    let (roll_wall, roll_estimate) = measure("scripts/rolling-deploy.rhai", Some(tutorial));
    ok &= report(
        "rolling deploy of the tutorial's two servers (scripts/rolling-deploy.rhai, batch 1)",
        roll_wall,
        &roll_estimate,
        300,
    );

    if !ok {
        std::process::exit(1);
    }
}
