//! Cold start, as OCI Functions starts the function: the release binary with `FN_LISTENER` set,
//! measured from process start to the answer of one VERIFY_CONNECTION sent over the Unix socket
//! (against `oci-rotator simulate` in another process), then the peak RSS (VmHWM) after that first
//! answer and after the three other steps of a full rotation in the same process.
//!
//! `cargo bench --bench cold_start` (RUNS=20 by default). Results go to docs/performance.md.
//! `FUNCTION_BIN` names another binary to start as the function (the image's, built with
//! `--no-default-features`, or one built with another release profile); `SIMULATOR_BIN` the one
//! that runs `simulate` (see `common`).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::BIN;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn call(socket: &Path, body: &str) -> serde_json::Value {
    let mut stream = UnixStream::connect(socket).expect("connect");
    let deadline = "2099-01-01T00:00:00Z";
    let request = format!(
        "POST /call HTTP/1.1\r\nHost: localhost\r\nFn-Call-Id: bench\r\nFn-Deadline: {deadline}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let json = response.split("\r\n\r\n").nth(1).unwrap_or_default();
    serde_json::from_str(json).unwrap_or_default()
}

/// A `kB` field of `/proc/<pid>/status` (`VmHWM:`, `RssFile:`, `RssAnon:`).
fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn vm_hwm_kib(pid: u32) -> u64 {
    status_kib(pid, "VmHWM:")
}

fn stats(mut v: Vec<f64>) -> (f64, f64, f64, f64) {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let p = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    (p(0.5), v[0], p(0.9), v[v.len() - 1])
}

fn main() {
    let runs: usize = std::env::var("RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
    let sim = common::Sim::start("cold-start");
    let (work, config, endpoint) = (sim.work.clone(), sim.config.clone(), sim.endpoint.clone());
    let secret = sim.seeded["secrets"]["API_KEY"].as_str().expect("secret").to_owned();
    let function = std::env::var("FUNCTION_BIN").unwrap_or_else(|_| BIN.to_owned());
    let size = std::fs::metadata(&function).map(|m| m.len()).unwrap_or(0);
    println!("function binary: {function} ({size} bytes)");

    let (mut first_answer, mut rss_first, mut rss_full) = (Vec::new(), Vec::new(), Vec::new());
    let (mut rss_file, mut rss_anon) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let dir: PathBuf = work.join(format!("iofs{run}"));
        std::fs::create_dir_all(&dir).expect("socket dir");
        let socket = dir.join("lsnr.sock");
        let started = Instant::now();
        let child = Command::new(&function)
            .env_clear()
            .env("FN_LISTENER", format!("unix:{}", socket.display()))
            .env("FN_FORMAT", "http-stream")
            .env("OCI_CLI_CONFIG_FILE", &config)
            .env("OCI_ROTATOR_VAULT_ENDPOINT", &endpoint)
            .env("OCI_ROTATOR_SECRETS_ENDPOINT", &endpoint)
            .env("OCI_ROTATOR_IDENTITY_ENDPOINT", &endpoint)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("start the function");
        let pid = child.id();
        let _child = Killed(child);
        while std::fs::symlink_metadata(&socket).is_err() {
            assert!(started.elapsed() < Duration::from_secs(5), "no socket after 5 s");
            std::thread::sleep(Duration::from_micros(100));
        }
        let verify = call(&socket, &format!(r#"{{"step":"VERIFY_CONNECTION","secretId":"{secret}"}}"#));
        let elapsed = started.elapsed();
        assert_eq!(verify["responseCode"], 200, "{verify}");
        first_answer.push(elapsed.as_secs_f64() * 1000.0);
        rss_first.push(vm_hwm_kib(pid) as f64 / 1024.0);
        let current = verify["currentVersionNo"].as_u64();
        let create =
            call(&socket, &format!(r#"{{"step":"CREATE_PENDING_VERSION","secretId":"{secret}","versionNo":{}}}"#, current.unwrap_or(1)));
        assert_eq!(create["responseCode"], 200, "{create}");
        let update =
            call(&socket, &format!(r#"{{"step":"UPDATE_TARGET_SYSTEM","secretId":"{secret}","versionNo":{}}}"#, current.unwrap_or(1)));
        assert_eq!(update["responseCode"], 200, "{update}");
        let promote = call(
            &socket,
            &format!(r#"{{"step":"PROMOTE_PENDING_VERSION","secretId":"{secret}","versionNo":{}}}"#, update["currentVersionNo"]),
        );
        assert_eq!(promote["responseCode"], 200, "{promote}");
        rss_full.push(vm_hwm_kib(pid) as f64 / 1024.0);
        rss_file.push(status_kib(pid, "RssFile:") as f64 / 1024.0);
        rss_anon.push(status_kib(pid, "RssAnon:") as f64 / 1024.0);
    }
    let (m, lo, p90, hi) = stats(first_answer);
    println!("cold start to first answered step (VERIFY_CONNECTION over the Fn socket), {runs} runs:");
    println!("  median {m:.2} ms   min {lo:.2} ms   p90 {p90:.2} ms   max {hi:.2} ms");
    let (m, lo, _, hi) = stats(rss_first);
    println!("peak RSS after the first answer:   median {m:.2} MiB (min {lo:.2}, max {hi:.2})");
    let (m, lo, _, hi) = stats(rss_full);
    println!("peak RSS after a full four-step API-key rotation (2048-bit key generated): median {m:.2} MiB (min {lo:.2}, max {hi:.2})");
    let (file, anon) = (stats(rss_file).0, stats(rss_anon).0);
    println!("  of which, at the end: file-backed (the binary, the C libraries) median {file:.2} MiB, anonymous (heap, stacks) median {anon:.2} MiB");
}
