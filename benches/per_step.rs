//! Per-step cost of the function with the simulator answering at once (it runs in another
//! process, on loopback): wall time, heap allocations (a counting global allocator) and OCI calls
//! per step and per rotation, for each credential kind. The engine runs in this process on a
//! current-thread runtime, as in OCI Functions.
//!
//! `cargo bench --bench per_step` (ROTATIONS=30 by default). Results go to docs/performance.md.

#![allow(unsafe_code)] // the counting allocator only; the crate itself denies unsafe code

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use oci_rotator::protocol::{SecretRotationInput, Step};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

mod common;

#[derive(Default)]
struct Sample {
    micros: Vec<f64>,
    allocs: Vec<u64>,
    bytes: Vec<u64>,
    calls: Vec<usize>,
}

fn median<T: Copy + PartialOrd>(v: &[T]) -> T {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    s[s.len() / 2]
}

fn main() {
    let rotations: usize = std::env::var("ROTATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(30);
    let sim = common::Sim::start("per-step");
    let (config, endpoint, seeded) = (sim.config.clone(), sim.endpoint.clone(), sim.seeded.clone());
    let env = common::admin_env(&config, &endpoint);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let (rotator, _) = oci_rotator::config::rotator_from_env(&env).expect("rotator");
    let journal_len = || -> usize {
        let body = runtime.block_on(async { reqwest::get(format!("{endpoint}/_sim/journal")).await.ok()?.text().await.ok() });
        serde_json::from_str::<serde_json::Value>(&body.unwrap_or_default()).ok().and_then(|v| v.as_array().map(Vec::len)).unwrap_or(0)
    };
    println!("per-step cost, median of {rotations} rotations per kind (simulator in another process, answering at once)\n");
    println!("| kind | step | OCI calls | wall time | allocations | bytes allocated |");
    println!("|---|---|---:|---:|---:|---:|");
    for kind in oci_rotator::secret::CredentialKind::ALL.map(|k| k.as_str()) {
        let secret = seeded["secrets"][kind].as_str().expect("secret").to_owned();
        let mut samples: HashMap<Step, Sample> = HashMap::new();
        for _ in 0..rotations {
            let mut version = None;
            let mut pending = None;
            for step in Step::ALL {
                let input = SecretRotationInput {
                    step,
                    secret_id: secret.clone(),
                    version_no: if step == Step::PromotePendingVersion { pending } else { version },
                };
                let calls_before = journal_len();
                let (a0, b0) = (ALLOCS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
                let t = Instant::now();
                let out = runtime.block_on(rotator.run(&input, tokio::time::Instant::now() + Duration::from_secs(60)));
                let micros = t.elapsed().as_secs_f64() * 1e6;
                let (a1, b1) = (ALLOCS.load(Ordering::Relaxed), BYTES.load(Ordering::Relaxed));
                assert_eq!(out.response_code, 200, "{kind} {step}: {}", out.return_message);
                let s = samples.entry(step).or_default();
                s.micros.push(micros);
                s.allocs.push(a1 - a0);
                s.bytes.push(b1 - b0);
                s.calls.push(journal_len() - calls_before);
                match step {
                    Step::VerifyConnection => version = out.current_version_no,
                    Step::UpdateTargetSystem => pending = out.current_version_no,
                    _ => {}
                }
            }
        }
        let mut total_calls = 0;
        for step in Step::ALL {
            let s = &samples[&step];
            total_calls += median(&s.calls);
            println!(
                "| {kind} | {step} | {} | {:.2} ms | {} | {:.1} KiB |",
                median(&s.calls),
                median(&s.micros) / 1000.0,
                median(&s.allocs),
                median(&s.bytes) as f64 / 1024.0
            );
        }
        println!("| {kind} | rotation | {total_calls} | | | |");
    }
    drop(sim);
}
