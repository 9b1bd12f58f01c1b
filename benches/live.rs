//! Live-run benchmark against a warm local moto server on 127.0.0.1 (run
//! with `cargo bench --bench live`): wall time (median of 5) and API calls
//! of the tutorial's first live run and of a no-op re-run, release build,
//! whole process. Targets: first run <= 45 calls and <= 0.3 s; no-op re-run
//! <= 15 calls, all read-only.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_awsrun");

struct Server(Child, u16);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http(port: u16, method: &str, path: &str) -> std::io::Result<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out)
}

fn start() -> Server {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("moto_server")
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto_server not found: pip install 'moto[server]==5.2.1'");
    let server = Server(child, port);
    let start = Instant::now();
    while http(port, "GET", "/moto-api/").is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "moto_server did not answer"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// One awsrun run: wall time, API calls (from `-v`), and the write calls.
fn run(port: u16, extra: &[&str]) -> (Duration, usize, Vec<String>) {
    let start = Instant::now();
    let out = Command::new(BIN)
        .args(["scripts/multi-server.rhai", "--yes", "-v"])
        .args(extra)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "ap-northeast-2")
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials")
        .output()
        .unwrap();
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let calls: Vec<String> = stderr
        .lines()
        .filter(|l| l.starts_with("aws: ") && l.contains(" ms)"))
        .map(|l| l.split_whitespace().nth(2).unwrap_or("").to_string())
        .collect();
    let writes = calls
        .iter()
        .filter(|op| !op.starts_with("Describe") && !op.starts_with("Get"))
        .cloned()
        .collect();
    (elapsed, calls.len(), writes)
}

fn warm(port: u16) {
    http(port, "POST", "/moto-api/reset").unwrap();
    // moto builds the region on its first request: do that outside the timing.
    let out = Command::new(BIN)
        .args(["scripts/cidr-plan.rhai", "--dry-run"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "ap-northeast-2")
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap();
    assert!(out.status.success());
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn main() {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let server = start();
    let (mut first, mut again) = (Vec::new(), Vec::new());
    let (mut first_calls, mut again_calls, mut again_writes) = (0, 0, Vec::new());
    for _ in 0..5 {
        warm(server.1);
        let (t, calls, _) = run(server.1, &[]);
        first.push(t);
        first_calls = calls;
        let (t, calls, writes) = run(server.1, &[]);
        again.push(t);
        again_calls = calls;
        again_writes = writes;
    }
    println!(
        "first live run: median {:.0} ms over 5, {} API calls (targets: <= 300 ms, <= 45 calls)",
        median(first).as_secs_f64() * 1e3,
        first_calls
    );
    println!(
        "no-op re-run:   median {:.0} ms over 5, {} API calls, {} writes {:?} (targets: <= 15 calls, all read-only)",
        median(again).as_secs_f64() * 1e3,
        again_calls,
        again_writes.len(),
        again_writes
    );
}
