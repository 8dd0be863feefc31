//! `oci-rotator rotate --compartment-id` over many secrets (1,000 by default) through the simulated
//! Vault loop with the tenancy throttled: rotations per second achieved against the throttle's
//! ceiling, and whether any rotation failed.
//!
//! In this process: the simulator (throttled: Vault management `VAULT_RATE` requests per second,
//! bursts of one second's worth; Secrets and Identity four times that, so Vault is the binding
//! family), the function (its real router on loopback, signing as a resource principal; the
//! simulated Vault calls it for every step, and its own OCI calls draw from the same buckets), and
//! `SECRETS` secrets (auth tokens, customer secret keys and console passwords in turn: no RSA key
//! generation, so the throttle and not the CPU binds). The release binary runs
//! `rotate --compartment-id <root> --concurrency CONCURRENCY` as an administrator.
//!
//! The ceiling: each rotation costs `c` Vault calls that the bucket admits (the function's, plus
//! this command's GetSecret before, RotateSecret and its polls; a 429 takes no token), so at most
//! `VAULT_RATE / c` rotations per second. Achieved / ceiling is then the share of the bucket's
//! tokens used over the run.
//!
//! `cargo bench --bench rotate_fleet` (SECRETS=1000 CONCURRENCY=10 VAULT_RATE=50 POLL_SECS=1 by
//! default). Results go to docs/performance.md.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use oci_rotator::secret::CredentialKind;
use oci_rotator::server::{self, AppState};
use oci_rotator::sim::{ApiFamily, RotationFleetSpec, SimOptions, Simulator, Throttle};

const BIN: &str = env!("CARGO_BIN_EXE_oci-rotator");
const FUNCTION: &str = "ocid1.fnfunc.oc1.iad.aaaaaaaafleetbench";

fn var<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn family(path: &str) -> &'static str {
    match path.trim_start_matches('/').split('/').next().unwrap_or_default() {
        "20180608" => "vault",
        "20190301" => "secrets",
        _ => "identity",
    }
}

fn main() {
    let secrets: usize = var("SECRETS", 1000);
    let concurrency: usize = var("CONCURRENCY", 10);
    let vault_rate: f64 = var("VAULT_RATE", 50.0);
    let poll_secs: f64 = var("POLL_SECS", 1.0);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    runtime.block_on(async move {
        let throttle = Throttle::default()
            .with(ApiFamily::Vault, vault_rate, vault_rate)
            .with(ApiFamily::Secrets, 4.0 * vault_rate, 4.0 * vault_rate)
            .with(ApiFamily::Identity, 4.0 * vault_rate, 4.0 * vault_rate);
        let sim = Simulator::new(SimOptions { updating_ms: 0, key_propagation_ms: 0, throttle: Some(throttle), ..Default::default() });
        let endpoint = sim.spawn().await.expect("simulator");
        let (rotator, _) = oci_rotator::config::rotator_from_env(&sim.function_env(&endpoint)).expect("function");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, server::router(AppState::new(rotator, Duration::from_secs(60)))).await });
        sim.register_function(FUNCTION, &url);
        let work = std::env::temp_dir().join(format!("oci-rotator-fleet-bench-{}", std::process::id()));
        std::fs::create_dir_all(&work).expect("work dir");
        let config = work.join("config");
        sim.create_admin().write_oci_config(&config, &work.join("config.key.pem")).expect("config");
        let root = sim.compartment_id();
        let spec = RotationFleetSpec {
            count: secrets,
            kinds: vec![CredentialKind::AuthToken, CredentialKind::CustomerSecretKey, CredentialKind::ConsolePassword],
            compartment_id: root.clone(),
            function_id: Some(FUNCTION.to_owned()),
            prefix: "bench".to_owned(),
        };
        let seeded = sim.seed_rotation_fleet(&spec).expect("seed");
        // The buckets start full after the quiet spell of seeding (no HTTP): one burst's worth.
        tokio::time::sleep(Duration::from_secs(1)).await;
        sim.clear_journal();
        let throttled_before: u64 = sim.throttled().iter().map(|(_, n)| n).sum();

        let started = Instant::now();
        let child = Command::new(BIN)
            .args(["rotate", "--compartment-id", &root, "--concurrency", &concurrency.to_string(), "--poll-secs", &poll_secs.to_string()])
            .env("OCI_CLI_CONFIG_FILE", &config)
            .env("OCI_ROTATOR_VAULT_ENDPOINT", &endpoint)
            .env("OCI_ROTATOR_SECRETS_ENDPOINT", &endpoint)
            .env("OCI_ROTATOR_IDENTITY_ENDPOINT", &endpoint)
            .env("RUST_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the command");
        let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await.expect("join").expect("wait");
        let elapsed = started.elapsed().as_secs_f64();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let summary = stdout.lines().rev().find(|l| l.contains("secrets listed")).unwrap_or("(no summary)").to_owned();

        let journal = sim.journal();
        let mut admitted: BTreeMap<&str, u64> = BTreeMap::new();
        let mut refused: BTreeMap<&str, u64> = BTreeMap::new();
        let mut ops: BTreeMap<String, u64> = BTreeMap::new();
        for j in &journal {
            if j.fault.as_deref() == Some("throttle") {
                *refused.entry(family(&j.path)).or_default() += 1;
            } else {
                *admitted.entry(family(&j.path)).or_default() += 1;
                if family(&j.path) == "vault" {
                    *ops.entry(j.operation.clone()).or_default() += 1;
                }
            }
        }
        let completed = seeded.iter().filter(|s| sim.last_rotation(&s.secret_id).is_some_and(|r| r.completed)).count();
        let retried_steps: usize = seeded
            .iter()
            .filter_map(|s| sim.last_rotation(&s.secret_id))
            .map(|r| r.steps.iter().filter(|(_, code)| *code != 200).count())
            .sum();
        let vault_calls = admitted.get("vault").copied().unwrap_or(0) as f64;
        let per_rotation = vault_calls / secrets as f64;
        let ceiling = vault_rate / per_rotation;
        let achieved = secrets as f64 / elapsed;
        let throttled_total: u64 = sim.throttled().iter().map(|(_, n)| n).sum::<u64>() - throttled_before;
        println!("rotate --compartment-id over {secrets} secrets, --concurrency {concurrency}, --poll-secs {poll_secs}");
        println!("throttle: vault {vault_rate}/s (burst {vault_rate}), secrets and identity {}/s", 4.0 * vault_rate);
        println!("exit status: {:?}; {summary}", output.status.code());
        println!("wall time {elapsed:.1} s; rotations completed by the simulated Vault: {completed}/{secrets}; step attempts not answered 200: {retried_steps}");
        println!("requests admitted per family: {admitted:?}; answered 429: {refused:?} (total {throttled_total})");
        println!("Vault calls admitted per operation: {ops:?}");
        println!("Vault calls per rotation c = {per_rotation:.2}; ceiling = {vault_rate} / c = {ceiling:.2} rotations/s");
        println!("achieved {achieved:.2} rotations/s = {:.0}% of the ceiling", 100.0 * achieved / ceiling);
        let _ = std::fs::remove_dir_all(&work);
    });
}
