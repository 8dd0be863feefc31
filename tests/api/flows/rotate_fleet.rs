//! `oci-rotator rotate --compartment-id` (issue 14) against the simulator, whose Vault runs each
//! rotation through the function served on loopback: every managed secret rotated and nothing
//! else; throttling absorbed; cancellation (the library's `cancel` future, and SIGINT to the
//! binary) stops starting rotations and waits for those started; a dry run writes nothing;
//! `--kind`, `--subtree` and `--local`; the binary's `--json` lines, and with `--local` a second
//! SIGINT naming the secrets it leaves with a PENDING version.

use std::collections::HashMap;
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use oci_rotator::cli::progress::Progress;
use oci_rotator::fleet::rotate::{rotate_fleet, Counts, Fleet, FleetArgs, FleetReport, Outcome, Watch};
use oci_rotator::secret::CredentialKind;
use oci_rotator::server::{self, AppState};
use oci_rotator::sim::checks;
use oci_rotator::sim::{ApiFamily, RotationFleetSecret, RotationFleetSpec, SimOptions, Simulator, Throttle};
use serde_json::json;

const FUNCTION: &str = "ocid1.fnfunc.oc1.iad.aaaaaaaafleetrotator";

/// The cheap kinds (no RSA key generation), taken in turn.
const KINDS: [CredentialKind; 3] = [CredentialKind::AuthToken, CredentialKind::CustomerSecretKey, CredentialKind::ConsolePassword];

struct FleetRig {
    sim: Simulator,
    endpoint: String,
    /// The command's clients (signing as an administrator of the simulator).
    fleet: Fleet,
    admin_env: HashMap<String, String>,
    _work: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The simulator, the function served on loopback and registered with the simulated Vault, and
/// the command's clients as an administrator (an OCI config file, as the binary reads it).
async fn fleet_rig(opts: SimOptions) -> FleetRig {
    crate::helpers::init_logs();
    let sim = Simulator::new(opts);
    let endpoint = sim.spawn().await.unwrap();
    let (rotator, _) = oci_rotator::config::rotator_from_env(&sim.function_env(&endpoint)).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, server::router(AppState::new(rotator, Duration::from_secs(60)))).await });
    sim.register_function(FUNCTION, &url);
    let work = std::env::temp_dir().join(format!("oci-rotator-fleet-{}-{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&work).unwrap();
    let admin = sim.create_admin();
    let config = work.join("config");
    admin.write_oci_config(&config, &work.join("config.key.pem")).unwrap();
    let admin_env = crate::helpers::sim::admin_env(&config, &endpoint, "20");
    let fleet = Fleet::from_env(&admin_env).unwrap();
    FleetRig { sim, endpoint, fleet, admin_env, _work: TempDir(work) }
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

fn opts() -> SimOptions {
    SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }
}

impl FleetRig {
    fn seed(&self, compartment: &str, count: usize, kinds: &[CredentialKind], prefix: &str) -> Vec<RotationFleetSecret> {
        let spec = RotationFleetSpec {
            count,
            kinds: kinds.to_vec(),
            compartment_id: compartment.to_owned(),
            function_id: Some(FUNCTION.to_owned()),
            prefix: prefix.to_owned(),
        };
        self.sim.seed_rotation_fleet(&spec).unwrap()
    }

    /// A secret without `credentialType`: not managed, never to be rotated.
    fn unmanaged(&self, compartment: &str) -> String {
        let id = self.sim.create_secret("not-managed", json!({"owner": "someone else"}), &json!({"password": "x"}), None);
        self.sim.move_secret(&id, compartment).unwrap();
        self.sim.set_rotation_config(&id, oci_rotator::sim::function_rotation_config(FUNCTION)).unwrap();
        id
    }

    async fn run(&self, args: &FleetArgs) -> FleetReport {
        rotate_fleet(&self.fleet, args, std::future::pending(), &mut Progress::new(false)).await.unwrap()
    }

    /// Every secret Vault rotated exactly once, completing all four steps, its new CURRENT live.
    fn assert_rotated_once(&self, secrets: &[RotationFleetSecret], report: &FleetReport) {
        for s in secrets {
            assert_eq!(self.sim.rotations_requested(&s.secret_id), 1, "{}", s.secret_id);
            let record = self.sim.last_rotation(&s.secret_id).unwrap();
            assert!(record.completed, "{}: {record:?}", s.secret_id);
            assert_eq!(self.sim.current_version(&s.secret_id), Some(2), "{}", s.secret_id);
            assert!(checks::current_is_live(&self.sim, &s.secret_id, s.kind, &s.user_id).is_empty(), "{}", s.secret_id);
            let line = report.outcomes.iter().find(|o| o.secret_id == s.secret_id).unwrap();
            assert_eq!((line.outcome.clone(), line.current_before, line.current_after), (Outcome::Rotated, Some(1), Some(2)), "{line:?}");
        }
    }
}

fn args(rig: &FleetRig, compartment: &str) -> FleetArgs {
    let _ = rig;
    FleetArgs {
        concurrency: 4,
        poll_interval: Duration::from_millis(100),
        wait_timeout: Duration::from_secs(60),
        ..FleetArgs::new(compartment)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_managed_secret_of_the_compartment_is_rotated_through_the_vault_loop() {
    // Given: nine managed secrets of three kinds, and one secret that is not managed.
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    let secrets = rig.seed(&root, 9, &KINDS, "fleet");
    let unmanaged = rig.unmanaged(&root);
    // When
    let report = rig.run(&args(&rig, &root)).await;
    // Then: all nine rotated by Vault through the function, the other one untouched.
    assert!(report.all_succeeded(), "{report:?}");
    assert_eq!((report.listed, report.outcomes.len(), report.unmanaged), (10, 9, 1));
    rig.assert_rotated_once(&secrets, &report);
    assert_eq!(rig.sim.rotations_requested(&unmanaged), 0);
    assert_eq!(rig.sim.current_version(&unmanaged), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_tenancy_answers_429s_and_no_rotation_fails_because_of_them() {
    // Given: every API family throttled hard (bursts of 4), the function's calls included.
    let throttle =
        Throttle::default().with(ApiFamily::Vault, 12.0, 4.0).with(ApiFamily::Secrets, 12.0, 4.0).with(ApiFamily::Identity, 12.0, 4.0);
    let rig = fleet_rig(SimOptions { throttle: Some(throttle), ..opts() }).await;
    let root = rig.sim.compartment_id();
    let secrets = rig.seed(&root, 8, &KINDS, "throttled");
    // When: eight at once.
    let report = rig.run(&FleetArgs { concurrency: 8, ..args(&rig, &root) }).await;
    // Then: the simulator refused requests with 429, and every rotation still completed.
    let refused: u64 = rig.sim.throttled().iter().map(|(_, n)| n).sum();
    assert!(refused > 0, "no request was throttled: {:?}", rig.sim.throttled());
    let journal_429s = rig.sim.journal().iter().filter(|j| j.status == 429 && j.fault.as_deref() == Some("throttle")).count();
    assert_eq!(journal_429s as u64, refused);
    assert!(report.all_succeeded(), "{report:?}");
    rig.assert_rotated_once(&secrets, &report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_starts_no_more_rotations_and_waits_for_those_started() {
    // Given: ten secrets, two at a time.
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    let secrets = rig.seed(&root, 10, &KINDS, "cancelled");
    // When: cancelled as soon as Vault accepted a first RotateSecret.
    let sim = rig.sim.clone();
    let cancel = async move {
        while !sim.journal().iter().any(|j| j.operation == "RotateSecret" && j.status == 202) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    let a = FleetArgs { concurrency: 2, poll_interval: Duration::from_millis(200), ..args(&rig, &root) };
    let report = rotate_fleet(&rig.fleet, &a, cancel, &mut Progress::new(false)).await.unwrap();
    // Then: cancelled and not a success; those started were waited for and rotated; the others
    // were never asked for, and are reported as not started.
    assert!(report.cancelled && !report.all_succeeded(), "{report:?}");
    let started: Vec<&RotationFleetSecret> = secrets.iter().filter(|s| rig.sim.rotations_requested(&s.secret_id) > 0).collect();
    assert!(!started.is_empty() && started.len() <= 2, "{} started", started.len());
    assert_eq!(report.count("ROTATED"), started.len(), "{report:?}");
    for s in &started {
        assert!(rig.sim.last_rotation(&s.secret_id).is_some_and(|r| r.completed), "{} was not waited for", s.secret_id);
    }
    assert_eq!(report.count("NOT_STARTED"), secrets.len() - started.len());
    assert_eq!(report.outcomes.len(), secrets.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_to_the_binary_stops_it_cleanly_with_a_failure_status() {
    // Given: twelve secrets; the binary rotating two at a time, its progress as plain lines (-v).
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    let secrets = rig.seed(&root, 12, &KINDS, "sigint");
    let mut child = spawn_binary(&rig, &["rotate", "--compartment-id", &root, "--concurrency", "2", "--poll-secs", "0.3", "-v"]);
    // When: SIGINT once the first rotation was reported.
    let (first_rx, reader) = watch_stderr(&mut child, "[1/");
    first_rx.recv_timeout(Duration::from_secs(60)).expect("the binary reported no rotation");
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await.unwrap().unwrap();
    let rest = reader.join().unwrap();
    // Then: a failure status, the started rotations completed and reported, the others not started.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{rest:?}");
    assert!(rest.iter().any(|l| l.starts_with("cancelled:")), "{rest:?}");
    assert!(stdout.lines().last().is_some_and(|l| l.starts_with("interrupted (cancelled)")), "{stdout}");
    let started: Vec<&RotationFleetSecret> = secrets.iter().filter(|s| rig.sim.rotations_requested(&s.secret_id) > 0).collect();
    assert!(started.len() < secrets.len(), "all {} were started before SIGINT", started.len());
    for s in &started {
        assert!(rig.sim.last_rotation(&s.secret_id).is_some_and(|r| r.completed), "{}", s.secret_id);
        assert!(stdout.lines().any(|l| l.starts_with("ROTATED") && l.ends_with(&s.secret_id)), "{}\n{stdout}", s.secret_id);
    }
    // Those never started are counted, not listed one by one (issue 20): the totals and the closing
    // line give their number.
    let not_started = secrets.len() - started.len();
    assert_eq!(stdout.lines().filter(|l| l.starts_with("NOT_STARTED")).count(), 0, "{stdout}");
    assert!(stdout.contains(&format!("not started {not_started}\n")), "{stdout}");
    assert!(stdout.contains(&format!("interrupted (cancelled): {not_started} secret(s) not started")), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_lists_what_would_be_rotated_and_writes_nothing() {
    // Given
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    let secrets = rig.seed(&root, 4, &KINDS, "dry");
    rig.unmanaged(&root);
    rig.sim.clear_journal();
    // When
    let report = rig.run(&FleetArgs { dry_run: true, ..args(&rig, &root) }).await;
    // Then: each managed secret would be rotated; the simulator saw reads only.
    assert!(report.all_succeeded(), "{report:?}");
    assert_eq!((report.count("WOULD_ROTATE"), report.unmanaged), (4, 1));
    let journal = rig.sim.journal();
    assert!(!journal.is_empty());
    let writes: Vec<String> =
        journal.iter().filter(|j| j.write || j.method != "GET").map(|j| format!("{} {}", j.method, j.operation)).collect();
    assert!(writes.is_empty(), "{writes:?}");
    for s in &secrets {
        assert_eq!((rig.sim.rotations_requested(&s.secret_id), rig.sim.current_version(&s.secret_id)), (0, Some(1)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kind_rotates_only_the_secrets_of_that_credential_type() {
    // Given: six secrets, two of each kind.
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    let secrets = rig.seed(&root, 6, &KINDS, "kind");
    // When
    let report = rig.run(&FleetArgs { kind: Some(CredentialKind::CustomerSecretKey), ..args(&rig, &root) }).await;
    // Then
    assert!(report.all_succeeded(), "{report:?}");
    assert_eq!((report.outcomes.len(), report.other_kind), (2, 4));
    let (wanted, others): (Vec<RotationFleetSecret>, Vec<RotationFleetSecret>) =
        secrets.into_iter().partition(|s| s.kind == CredentialKind::CustomerSecretKey);
    rig.assert_rotated_once(&wanted, &report);
    for s in &others {
        assert_eq!(rig.sim.rotations_requested(&s.secret_id), 0, "{:?}", s.kind);
    }
}

/// A [`Watch`] that keeps every count it is shown.
#[derive(Default)]
struct Recorded(Vec<Counts>);

impl Watch for Recorded {
    fn update(&mut self, counts: Counts, _line: Option<&str>) {
        self.0.push(counts);
    }
    fn note(&mut self, _message: &str) {}
    fn finish(&mut self) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_kind_the_progress_counts_only_the_secrets_of_that_kind() {
    // Given: six secrets, two of each kind, and one unmanaged.
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    rig.seed(&root, 6, &KINDS, "progress");
    rig.unmanaged(&root);
    // When: only the customer secret keys are rotated.
    let mut watch = Recorded::default();
    let a = FleetArgs { kind: Some(CredentialKind::CustomerSecretKey), ..args(&rig, &root) };
    let report = rotate_fleet(&rig.fleet, &a, std::future::pending(), &mut watch).await.unwrap();
    // Then: the progress ends at 2 of 2 (not 2 of the 7 listed), and never counts more done than
    // its total.
    assert!(report.all_succeeded(), "{report:?}");
    let last = watch.0.last().copied().unwrap();
    assert_eq!((last.done, last.total, last.failed, last.in_flight), (2, 2, 0, 0), "{:?}", watch.0);
    assert!(watch.0.iter().all(|c| c.done <= c.total && c.total <= 7), "{:?}", watch.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subtree_takes_the_compartments_below_and_only_those() {
    // Given: secrets in the root, in a compartment and in the compartment below it.
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    let team = rig.sim.create_compartment(&root, "team").unwrap();
    let sub = rig.sim.create_compartment(&team, "team-prod").unwrap();
    let in_root = rig.seed(&root, 2, &KINDS, "root");
    let in_team = rig.seed(&team, 2, &KINDS, "team");
    let in_sub = rig.seed(&sub, 2, &KINDS, "sub");
    // When: the team's compartment alone, then with its subtree.
    let alone = rig.run(&args(&rig, &team)).await;
    assert!(alone.all_succeeded(), "{alone:?}");
    assert_eq!(alone.outcomes.len(), 2);
    let with_subtree = rig.run(&FleetArgs { subtree: true, ..args(&rig, &team) }).await;
    // Then: the team's secrets twice, the sub-compartment's once, the root's never.
    assert!(with_subtree.all_succeeded(), "{with_subtree:?}");
    assert_eq!(with_subtree.outcomes.len(), 4);
    for s in &in_team {
        assert_eq!(rig.sim.rotations_requested(&s.secret_id), 2);
    }
    rig.assert_rotated_once(&in_sub, &with_subtree);
    for s in &in_root {
        assert_eq!(rig.sim.rotations_requested(&s.secret_id), 0);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_plays_the_four_steps_in_this_process_without_rotate_secret() {
    // Given: secrets whose rotation config targets a function the simulated Vault cannot reach.
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    let spec = RotationFleetSpec {
        count: 3,
        kinds: KINDS.to_vec(),
        compartment_id: root.clone(),
        function_id: Some("ocid1.fnfunc.oc1.iad.notdeployed".to_owned()),
        prefix: "local".to_owned(),
    };
    let secrets = rig.sim.seed_rotation_fleet(&spec).unwrap();
    // When
    let report = rig.run(&FleetArgs { local: true, ..args(&rig, &root) }).await;
    // Then: rotated by this process; Vault was never asked.
    assert!(report.all_succeeded(), "{report:?}");
    assert!(!rig.sim.journal().iter().any(|j| j.operation == "RotateSecret"));
    for s in &secrets {
        assert_eq!(rig.sim.current_version(&s.secret_id), Some(2));
        assert!(checks::current_is_live(&rig.sim, &s.secret_id, s.kind, &s.user_id).is_empty());
        let line = report.outcomes.iter().find(|o| o.secret_id == s.secret_id).unwrap();
        assert_eq!((line.outcome.clone(), line.current_after), (Outcome::Rotated, Some(2)));
    }
    let _ = &rig.endpoint;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_reports_what_the_real_run_would_refuse_and_the_real_run_agrees() {
    // Given: four secrets: one without a rotation configuration, one whose configuration targets
    // no function, one whose user does not name it (unbound), one ready.
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    let secrets = rig.seed(&root, 4, &KINDS, "truth");
    let (no_config, not_function, unbound, ready) = (&secrets[0], &secrets[1], &secrets[2], &secrets[3]);
    rig.sim.set_rotation_config(&no_config.secret_id, serde_json::Value::Null).unwrap();
    let adb = json!({"rotationInterval": "P90D", "isScheduledRotationEnabled": false,
        "targetSystemDetails": {"targetSystemType": "ADB", "adbId": "ocid1.autonomousdatabase.oc1.iad.x"}});
    rig.sim.set_rotation_config(&not_function.secret_id, adb).unwrap();
    rig.sim.set_user_tags(&unbound.user_id, Default::default()).unwrap();
    rig.sim.clear_journal();
    // When: a dry run.
    let dry = rig.run(&FleetArgs { dry_run: true, ..args(&rig, &root) }).await;
    // Then: WOULD_FAIL with the reason for the three, WOULD_ROTATE for the ready one; not a
    // success; reads only.
    let outcome = |report: &FleetReport, s: &RotationFleetSecret| {
        report.outcomes.iter().find(|o| o.secret_id == s.secret_id).map(|o| o.outcome.clone()).unwrap()
    };
    let why = |s: &RotationFleetSecret| match outcome(&dry, s) {
        Outcome::WouldFail(why) => why,
        other => panic!("{}: {other:?}", s.secret_id),
    };
    assert!(why(no_config).contains("no rotation configuration"), "{}", why(no_config));
    assert!(why(not_function).contains("targets no function") && why(not_function).contains("ADB"), "{}", why(not_function));
    assert!(why(unbound).contains(&unbound.user_id) && why(unbound).contains("oci-rotator-"), "{}", why(unbound));
    assert_eq!(outcome(&dry, ready), Outcome::WouldRotate);
    assert!(!dry.all_succeeded());
    assert_eq!((dry.count("WOULD_FAIL"), dry.count("WOULD_ROTATE")), (3, 1));
    let writes: Vec<String> = rig.sim.journal().iter().filter(|j| j.write || j.method != "GET").map(|j| j.operation.clone()).collect();
    assert!(writes.is_empty(), "{writes:?}");
    let line = oci_rotator::fleet::rotate::format_line(dry.outcomes.iter().find(|o| o.secret_id == no_config.secret_id).unwrap());
    assert!(line.starts_with("WOULD_FAIL") && line.contains("no rotation configuration"), "{line}");

    // When: with --local, where Vault's rotation configuration plays no part.
    let local = rig.run(&FleetArgs { dry_run: true, local: true, ..args(&rig, &root) }).await;
    // Then: only the unbound user would fail.
    assert_eq!((local.count("WOULD_FAIL"), local.count("WOULD_ROTATE")), (1, 3), "{local:?}");
    assert!(matches!(outcome(&local, unbound), Outcome::WouldFail(_)));

    // When: the real run through Vault. Then: it fails exactly where the dry run said.
    let real = rig.run(&args(&rig, &root)).await;
    for s in [no_config, not_function, unbound] {
        assert!(matches!(outcome(&real, s), Outcome::Failed(_)), "{}: {:?}", s.secret_id, outcome(&real, s));
    }
    assert_eq!(outcome(&real, ready), Outcome::Rotated);
}

#[tokio::test]
async fn a_credential_type_that_is_not_a_string_is_a_managed_secret_with_invalid_metadata() {
    // Given: a secret whose metadata has a `credentialType` that is not a string (as `status`
    // counts it: managed, its metadata invalid), beside one without any.
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    let odd =
        rig.sim.create_secret("odd-kind", json!({"credentialType": 7, "userId": "ocid1.user.oc1..x"}), &json!({"password": "x"}), None);
    rig.sim.move_secret(&odd, &root).unwrap();
    rig.sim.set_rotation_config(&odd, oci_rotator::sim::function_rotation_config(FUNCTION)).unwrap();
    rig.unmanaged(&root);
    // When: a dry run.
    let dry = rig.run(&FleetArgs { dry_run: true, ..args(&rig, &root) }).await;
    // Then: it is managed (kind as written) and would fail with a 400; the other is unmanaged.
    let line = dry.outcomes.iter().find(|o| o.secret_id == odd).unwrap();
    assert_eq!(line.kind, "7");
    assert!(matches!(&line.outcome, Outcome::WouldFail(why) if why.contains("400")), "{line:?}");
    assert_eq!((dry.listed, dry.unmanaged), (2, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulate_seed_with_a_function_attaches_every_seeded_secret_so_the_dry_run_and_the_real_run_agree() {
    // Given: the function on loopback (signing with the administrator's API-key profile), and the
    // `simulate --seed --function OCID=URL` binary, as docs/getting-started.md's readers run it.
    let work = TempDir(std::env::temp_dir().join(format!("oci-rotator-simulate-{}-{}", std::process::id(), rand_suffix())));
    std::fs::create_dir_all(&work.0).unwrap();
    let config = work.0.join("config");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let mut simulate = tokio::process::Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
        .args(["simulate", "--listen", "127.0.0.1:0", "--seed", "--admin-config"])
        .arg(&config)
        .args(["--function", &format!("{FUNCTION}={url}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut first = String::new();
    let stdout = simulate.stdout.take().unwrap();
    tokio::io::AsyncBufReadExt::read_line(&mut tokio::io::BufReader::new(stdout), &mut first).await.unwrap();
    let seeded: serde_json::Value = serde_json::from_str(&first).unwrap();
    let endpoint = seeded["endpoint"].as_str().unwrap().to_owned();
    let admin_env = crate::helpers::sim::admin_env(&config, &endpoint, "20");
    let (rotator, _) = oci_rotator::config::rotator_from_env(&admin_env).unwrap();
    tokio::spawn(async move { axum::serve(listener, server::router(AppState::new(rotator, Duration::from_secs(60)))).await });
    let compartment = seeded["compartmentId"].as_str().unwrap().to_owned();
    let ids: Vec<String> = ["secrets", "domainSecrets"]
        .iter()
        .flat_map(|k| seeded[*k].as_object().unwrap().values().map(|v| v.as_str().unwrap().to_owned()).collect::<Vec<_>>())
        .collect();
    assert_eq!((ids.len(), seeded["functionId"].as_str()), (14, Some(FUNCTION)), "{seeded}");
    // Then: every seeded secret's rotation configuration targets the function.
    let fleet = Fleet::from_env(&admin_env).unwrap();
    for id in &ids {
        let rc = fleet.client.get_secret(id).await.unwrap().secret.rotation_config.unwrap();
        assert_eq!(
            (rc["targetSystemDetails"]["targetSystemType"].as_str(), rc["targetSystemDetails"]["functionId"].as_str()),
            (Some("FUNCTION"), Some(FUNCTION)),
            "{id}: {rc}"
        );
    }
    let run = |extra: &'static [&'static str]| {
        let (env, compartment) = (admin_env.clone(), compartment.clone());
        async move {
            let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
                .args(["rotate", "--compartment-id", &compartment, "--poll-secs", "0.2"])
                .args(extra)
                .env_clear()
                .envs(&env)
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .output()
                .await
                .unwrap();
            (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
        }
    };
    // When: the dry run. Then: every seeded secret would be rotated, none would fail.
    let (code, stdout) = run(&["--dry-run"]).await;
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!((stdout.lines().filter(|l| l.starts_with("WOULD_ROTATE")).count(), stdout.contains("WOULD_FAIL")), (14, false), "{stdout}");
    // When: the real run. Then: every one is rotated through the function.
    let (code, stdout) = run(&[]).await;
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ROTATED")).count(), 14, "{stdout}");
    simulate.kill().await.unwrap();
}

/// The binary run as the rig's administrator with `args`, stdout and stderr piped.
fn spawn_binary(rig: &FleetRig, args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
        .args(args)
        .env_clear()
        .envs(&rig.admin_env)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The secrets of `secrets` that hold a PENDING version in the simulator.
fn with_pending(rig: &FleetRig, secrets: &[RotationFleetSecret]) -> Vec<String> {
    secrets
        .iter()
        .filter(|s| rig.sim.secret_versions(&s.secret_id).iter().any(|v| v.stages.iter().any(|st| st == "PENDING")))
        .map(|s| s.secret_id.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_gives_one_line_per_secret_as_it_finishes_and_a_summary_saying_why_it_stopped() {
    // Given: three managed secrets rotated in this process, one of whose users lost its binding.
    let rig = fleet_rig(opts()).await;
    let root = rig.sim.compartment_id();
    let secrets = rig.seed(&root, 3, &KINDS, "json");
    let unbound = &secrets[1];
    let mut tags = rig.sim.user_tags(&unbound.user_id);
    tags.remove(&oci_rotator::binding::tag_key(unbound.kind));
    rig.sim.set_user_tags(&unbound.user_id, tags).unwrap();
    // When
    let child = spawn_binary(&rig, &["rotate", "--compartment-id", &root, "--local", "--json", "--attempts", "1"]);
    let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await.unwrap().unwrap();
    // Then: exit 1; every stdout line is a JSON object: one per secret, then the summary.
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    let (summary, per_secret) = lines.split_last().unwrap();
    assert_eq!(per_secret.len(), 3, "{stdout}");
    for s in &secrets {
        let line = per_secret.iter().find(|l| l["secretId"] == s.secret_id.as_str()).unwrap_or_else(|| panic!("{}: {stdout}", s.secret_id));
        assert_eq!((line["event"].as_str(), line["kind"].as_str()), (Some("secret"), Some(s.kind.as_str())), "{line}");
        if s.secret_id == unbound.secret_id {
            assert_eq!((line["outcome"].as_str(), line["currentBefore"].as_u64()), (Some("FAILED"), Some(1)), "{line}");
            let fix = line["fixCommand"].as_str().unwrap_or_else(|| panic!("no fixCommand: {line}"));
            assert!(fix.starts_with("oci iam user update --user-id ") && fix.ends_with("--force") && !fix.contains("\\\""), "{fix}");
        } else {
            assert_eq!(
                (line["outcome"].as_str(), line["currentBefore"].as_u64(), line["currentAfter"].as_u64()),
                (Some("ROTATED"), Some(1), Some(2)),
                "{line}"
            );
            assert!(line["fixCommand"].is_null() && line["why"].is_null(), "{line}");
        }
    }
    assert_eq!(summary["event"], "summary", "{summary}");
    for (field, value) in [("listed", 3), ("managed", 3), ("rotated", 2), ("failed", 1), ("notStarted", 0)] {
        assert_eq!(summary[field].as_u64(), Some(value), "{field}: {summary}");
    }
    assert_eq!((summary["stopped"].as_str(), summary["ok"].as_bool()), (Some("failures"), Some(false)), "{summary}");
    assert!(summary["message"].as_str().is_some_and(|m| m.contains("failures: 1 failed")), "{summary}");
    // And without --json, the same fix command stands alone on the line after the secret's.
    let fix = per_secret.iter().find_map(|l| l["fixCommand"].as_str()).unwrap().to_owned();
    let child = spawn_binary(&rig, &["rotate", "--compartment-id", &root, "--local", "--attempts", "1"]);
    let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await.unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let failed = lines.iter().position(|l| l.starts_with("FAILED") && l.contains(&unbound.secret_id)).unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(lines.get(failed + 1).copied(), Some(format!("  fix (paste into a shell): {fix}").as_str()), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_local_a_second_sigint_names_each_secret_left_pending_and_the_command_that_finishes_it() {
    // Given: the binary rotating in this process, two at a time; each Vault write keeps the secret
    // UPDATING for a few seconds, so a rotation rests a while with its PENDING version.
    let rig = fleet_rig(SimOptions { updating_ms: 4000, ..opts() }).await;
    let root = rig.sim.compartment_id();
    let secrets = rig.seed(&root, 6, &KINDS, "twice");
    let mut child = spawn_binary(&rig, &["rotate", "--compartment-id", &root, "--local", "--concurrency", "2"]);
    let (cancelled_rx, reader) = watch_stderr(&mut child, "cancelled:");
    // When: SIGINT once a secret holds a PENDING version, and again once the first was taken in.
    let started = std::time::Instant::now();
    while with_pending(&rig, &secrets).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(60), "no PENDING version appeared");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let interrupt = |pid: u32| assert!(Command::new("kill").args(["-INT", &pid.to_string()]).status().unwrap().success());
    interrupt(child.id());
    cancelled_rx.recv_timeout(Duration::from_secs(30)).expect("the first SIGINT was not taken in");
    tokio::time::sleep(Duration::from_millis(200)).await;
    interrupt(child.id());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output()).await.unwrap().unwrap();
    let stderr = reader.join().unwrap().join("\n");
    // Then: exit 130 at once; stderr names every secret left with a PENDING version, and not
    // "Vault's rotations go on" (none do with --local).
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    assert!(!stderr.contains("rotations Vault runs go on"), "{stderr}");
    let left = with_pending(&rig, &secrets);
    assert!(!left.is_empty(), "the second SIGINT came after every PENDING version was promoted: {stderr}");
    let commands: Vec<&str> = stderr.lines().filter_map(|l| l.trim_start().strip_prefix("oci-rotator ")).collect();
    for id in &left {
        assert!(stderr.lines().any(|l| l.contains(id.as_str()) && l.contains("PENDING")), "{id} not named: {stderr}");
        assert!(commands.contains(&format!("rotate --secret-id {id}").as_str()), "{id}: no command: {stderr}");
    }
    // And: each command printed, run as printed, finishes its rotation: the PENDING version
    // becomes CURRENT and is live.
    for command in commands {
        let words: Vec<&str> = command.split_whitespace().collect();
        let done = spawn_binary(&rig, &words);
        let done = tokio::task::spawn_blocking(move || done.wait_with_output()).await.unwrap().unwrap();
        assert_eq!(done.status.code(), Some(0), "{command}: {}", String::from_utf8_lossy(&done.stdout));
    }
    assert_eq!(with_pending(&rig, &secrets), Vec::<String>::new());
    for s in secrets.iter().filter(|s| left.contains(&s.secret_id)) {
        assert_eq!(rig.sim.current_version(&s.secret_id), Some(2), "{}", s.secret_id);
        assert!(checks::current_is_live(&rig.sim, &s.secret_id, s.kind, &s.user_id).is_empty(), "{}", s.secret_id);
    }
}

/// Reads the child's stderr on a thread: the receiver hears once a line starts with `prefix`; the
/// thread answers every line when stderr closes.
fn watch_stderr(
    child: &mut std::process::Child,
    prefix: &'static str,
) -> (std::sync::mpsc::Receiver<()>, std::thread::JoinHandle<Vec<String>>) {
    let stderr = child.stderr.take().unwrap();
    let (seen_tx, seen_rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.starts_with(prefix) {
                let _ = seen_tx.send(());
            }
            lines.push(line);
        }
        lines
    });
    (seen_rx, reader)
}
