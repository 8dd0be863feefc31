//! `oci-rotator status` over fleets of 1,000 and 10,000 managed secrets: wall time, OCI calls, and
//! calls per secret (which must not grow with the fleet). The simulator runs in this process on a
//! runtime of its own (two worker threads), seeded with [`Simulator::seed_fleet`] (every kind in
//! turn, a bound user per secret); `status` runs on a current-thread runtime, as the CLI does,
//! signing as an administrator with an API-key profile, over loopback HTTP.
//!
//! `cargo bench --bench status` (FLEETS=1000,10000 by default; CONCURRENCY=8). Results go to
//! docs/performance.md.

use std::time::{Duration, Instant};

use oci_rotator::cli::status::{status, StatusArgs};
use oci_rotator::sim::{SimOptions, Simulator};

mod common;

fn main() {
    let fleets: Vec<usize> = std::env::var("FLEETS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1000, 10000]);
    let concurrency: u16 = std::env::var("CONCURRENCY").ok().and_then(|v| v.parse().ok()).unwrap_or(8);
    let server = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
    let client_rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let dir = std::env::temp_dir().join(format!("oci-rotator-bench-status-{}", std::process::id()));
    println!("| secrets | seeding (s) | status wall time (s) | OCI calls | calls per secret | secrets per second |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for n in fleets {
        let sim = Simulator::new(SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() });
        let endpoint = server.block_on(sim.spawn()).expect("the simulator serves");
        let compartment = sim.create_compartment(&sim.tenancy_id(), "fleet").expect("a compartment");
        let seeding = Instant::now();
        let fleet = sim.seed_fleet(n, &compartment, &[]);
        let seeded_in = seeding.elapsed();
        let admin = sim.create_admin();
        let (config, key) = (dir.join(format!("config-{n}")), dir.join(format!("key-{n}.pem")));
        admin.write_oci_config(&config, &key).expect("the admin's config is written");
        let env = common::admin_env(&config, &endpoint);
        let (rotator, _) = oci_rotator::config::rotator_from_env(&env).expect("a client");
        let args = StatusArgs {
            compartment_id: compartment.clone(),
            subtree: false,
            older_than: Duration::from_secs(90 * 86400),
            json: true,
            wide: false,
            concurrency,
            timeout: Duration::from_secs(600),
            allow_unbound: false,
        };
        let before = sim.request_count();
        let started = Instant::now();
        let report = client_rt.block_on(status(rotator.client(), &args, &mut |_| {})).expect("status runs");
        let wall = started.elapsed();
        let calls = sim.request_count() - before;
        assert_eq!(report.secrets.len(), fleet.len(), "every secret listed");
        assert!(report.healthy(), "a fresh fleet is healthy");
        println!(
            "| {n} | {:.1} | {:.1} | {calls} | {:.2} | {:.0} |",
            seeded_in.as_secs_f64(),
            wall.as_secs_f64(),
            calls as f64 / n as f64,
            n as f64 / wall.as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
