//! Harness for tests against the embedded OCI simulator: the simulator on a random port, seeded
//! with one secret per credential kind, and the function's engine signing as a resource principal
//! the simulator issued (every request's signature is verified by the simulator).

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use oci_rotator::driver::{Attempt, Driver, InProcess, StepTransport};
use oci_rotator::engine::Rotator;
use oci_rotator::protocol::{SecretRotationOutput, Step};
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::sim::checks;
use oci_rotator::sim::{Seeded, SimOptions, Simulator};

pub struct SimRig {
    pub sim: Simulator,
    pub endpoint: String,
    pub seeded: Seeded,
    pub rotator: Rotator,
}

/// Environment of a function signing as `session` against `endpoint`.
pub fn function_env(endpoint: &str, rpst: &str, private_pem: &str) -> HashMap<String, String> {
    [
        ("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2"),
        ("OCI_RESOURCE_PRINCIPAL_RPST", rpst),
        ("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", private_pem),
        ("OCI_RESOURCE_PRINCIPAL_REGION", "us-ashburn-1"),
        ("OCI_ROTATOR_VAULT_ENDPOINT", endpoint),
        ("OCI_ROTATOR_SECRETS_ENDPOINT", endpoint),
        ("OCI_ROTATOR_IDENTITY_ENDPOINT", endpoint),
        ("OCI_ROTATOR_RETRY_BASE_MS", "5"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

pub async fn sim_rig(opts: SimOptions) -> SimRig {
    crate::helpers::init_logs();
    let sim = Simulator::new(opts);
    let endpoint = sim.spawn().await.unwrap();
    let seeded = sim.seed().await;
    let session = sim.create_resource_principal();
    let env = function_env(&endpoint, &session.rpst, &session.private_key_pem);
    let (rotator, _) = oci_rotator::config::rotator_from_env(&env).unwrap();
    SimRig { sim, endpoint, seeded, rotator }
}

impl SimRig {
    /// The environment of an administrator running the binary against this simulator: an OCI
    /// config file (profile DEFAULT, written under `dir`) the simulator trusts, and its endpoints.
    pub fn admin_env(&self, dir: &std::path::Path) -> HashMap<String, String> {
        std::fs::create_dir_all(dir).unwrap();
        let config = dir.join("config");
        self.sim.create_admin().write_oci_config(&config, &dir.join("admin.pem")).unwrap();
        // The function's default first backoff (250 ms): as an operator's shell would have it.
        admin_env(&config, &self.endpoint, "250")
    }

    /// The same simulator and function, looking at the seeded users of the SECONDARY identity
    /// domain and their secrets (metadata with `domainId`) instead of the Default domain's.
    pub fn in_domain(&self) -> SimRig {
        let mut seeded = self.seeded.clone();
        seeded.secrets = seeded.domain_secrets.clone();
        seeded.users = seeded.domain_users.clone();
        SimRig { sim: self.sim.clone(), endpoint: self.endpoint.clone(), seeded, rotator: self.rotator.clone() }
    }

    pub fn secret(&self, kind: CredentialKind) -> String {
        self.seeded.secrets[kind.as_str()].clone()
    }

    pub fn user(&self, kind: CredentialKind) -> String {
        self.seeded.users[kind.as_str()].clone()
    }

    pub fn transport(&self, timeout: Duration) -> InProcess {
        InProcess { rotator: self.rotator.clone(), timeout }
    }

    /// The user's credentials of `kind` that no version of its secret holds (before any rotation).
    pub fn unmanaged(&self, kind: CredentialKind) -> BTreeSet<String> {
        let held: BTreeSet<String> =
            self.sim.secret_versions(&self.secret(kind)).iter().filter_map(|v| checks::credential_of(kind, &v.content)).collect();
        checks::iam_credentials(&self.sim, kind, &self.user(kind)).difference(&held).cloned().collect()
    }

    /// One full rotation as Vault plays it; panics on a lockout seen between step attempts.
    pub async fn rotate(&self, kind: CredentialKind, driver: &Driver, timeout: Duration) -> Vec<(Step, SecretRotationOutput)> {
        let (answers, lockouts) = self.rotate_checked(kind, driver, &self.transport(timeout)).await;
        assert!(lockouts.is_empty(), "{kind}: {lockouts:?}");
        answers
    }

    /// One full rotation through `transport`, with the lockouts seen after each step attempt.
    pub async fn rotate_checked<T: StepTransport>(
        &self,
        kind: CredentialKind,
        driver: &Driver,
        transport: &T,
    ) -> (Vec<(Step, SecretRotationOutput)>, Vec<String>) {
        let (secret, user) = (self.secret(kind), self.user(kind));
        let mut lockouts = Vec::new();
        let mut report = |a: &Attempt| {
            for p in checks::current_is_live(&self.sim, &secret, kind, &user) {
                lockouts.push(format!("after {} attempt {}: {p}", a.step, a.attempt));
            }
        };
        let answers = driver.rotate(transport, &secret, &mut report).await;
        (answers, lockouts)
    }

    /// Given the user's unmanaged credentials, when Vault rotates `kind` once through `driver`,
    /// then every step answered 200 and section 6 of the contract holds (`previous` as set on the
    /// secret). Returns the unmanaged credentials it took before the rotation.
    pub async fn rotate_cleanly(&self, kind: CredentialKind, driver: &Driver, previous: PreviousCredential) -> BTreeSet<String> {
        let unmanaged = self.unmanaged(kind);
        let answers = self.rotate(kind, driver, Duration::from_secs(30)).await;
        assert!(completed(&answers), "{kind}: {answers:?}");
        let problems = self.violations(kind, previous, &unmanaged);
        assert!(problems.is_empty(), "{kind}: {problems:?}");
        unmanaged
    }

    /// The contract's section 6 after a completed rotation.
    pub fn violations(&self, kind: CredentialKind, previous: PreviousCredential, unmanaged: &BTreeSet<String>) -> Vec<String> {
        checks::after_rotation(&self.sim, &self.secret(kind), kind, &self.user(kind), previous, unmanaged)
    }
}

impl SimRig {
    /// Every secret value the simulator's secrets hold (private-key fragments, tokens, secret
    /// keys, passwords), to search the logs for.
    pub fn secret_values(&self) -> Vec<String> {
        let mut values = Vec::new();
        for kind in CredentialKind::ALL {
            for v in self.sim.secret_versions(&self.secret(kind)) {
                for field in ["token", "secretAccessKey", "password"] {
                    if let Some(s) = v.content[field].as_str() {
                        values.push(s.to_owned());
                    }
                }
                if let Some(pem) = v.content["privateKey"].as_str() {
                    values.extend(pem.lines().filter(|l| !l.starts_with("-----") && l.len() >= 24).map(|l| l[..24].to_owned()));
                }
            }
        }
        values
    }
}

/// Panics if any of `secrets` appears in anything logged so far by this test binary (one pass
/// over the logs for all of them).
pub fn assert_logs_hold_none_of(secrets: &[String]) {
    let logs = crate::helpers::captured_logs();
    assert!(!logs.is_empty(), "logs are captured");
    let patterns: Vec<&str> = secrets.iter().map(String::as_str).filter(|s| s.len() >= 8).collect();
    let matcher = aho_corasick::AhoCorasick::new(&patterns).unwrap();
    if let Some(m) = matcher.find(&logs) {
        panic!("secret material reached the logs (a {}-character value at byte {})", m.end() - m.start(), m.start());
    }
}

pub fn completed(answers: &[(Step, SecretRotationOutput)]) -> bool {
    answers.len() == 4 && answers.iter().all(|(_, o)| o.response_code == 200)
}

/// The environment of an administrator's command against the simulator at `endpoint`: the OCI
/// config file `config` (an API-key profile the simulator trusts), every service endpoint at the
/// simulator, and the retries' base wait.
pub fn admin_env(config: &std::path::Path, endpoint: &str, retry_base_ms: &str) -> HashMap<String, String> {
    [
        ("OCI_CLI_CONFIG_FILE", config.to_string_lossy().into_owned()),
        ("OCI_ROTATOR_VAULT_ENDPOINT", endpoint.to_owned()),
        ("OCI_ROTATOR_SECRETS_ENDPOINT", endpoint.to_owned()),
        ("OCI_ROTATOR_IDENTITY_ENDPOINT", endpoint.to_owned()),
        ("OCI_ROTATOR_MONITORING_ENDPOINT", endpoint.to_owned()),
        ("OCI_ROTATOR_FUNCTIONS_ENDPOINT", endpoint.to_owned()),
        ("OCI_ROTATOR_RETRY_BASE_MS", retry_base_ms.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The `oci-rotator` binary run with `args` as an administrator of the rig's simulator (an
/// API-key profile it trusts, in a temporary directory removed afterwards): (exit status, stdout,
/// stderr).
pub async fn run_cli(rig: &SimRig, args: &[&str]) -> (i32, String, String) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!("oci-rotator-cli-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let config = dir.join("config");
    rig.sim.create_admin().write_oci_config(&config, &dir.join("admin.key.pem")).unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(admin_env(&config, &rig.endpoint, "5"))
        .output()
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The requests of the simulator's journal that wrote or tried to (anything but a GET), in order.
pub fn writes(rig: &SimRig) -> Vec<String> {
    rig.sim.journal().iter().filter(|j| j.write || j.method != "GET").map(|j| format!("{} {} {}", j.method, j.operation, j.path)).collect()
}

/// The function's router served on loopback with the rig's engine, and registered with the
/// simulated Vault as `function_id`: RotateSecret and the schedule then rotate the secrets whose
/// rotation config targets it.
pub async fn serve_function(rig: &SimRig, function_id: &str) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = oci_rotator::server::router(oci_rotator::server::AppState::new(rig.rotator.clone(), Duration::from_secs(60)));
    tokio::spawn(async move { axum::serve(listener, app).await });
    rig.sim.register_function(function_id, &url);
}

/// Waits (polling, at most `timeout`) until `done` holds; panics naming `what` otherwise.
pub async fn wait_until(what: &str, timeout: Duration, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + timeout;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
