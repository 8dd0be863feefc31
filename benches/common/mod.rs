//! Shared by the benchmarks: `oci-rotator simulate` in its own process, seeded, with an
//! administrator's OCI config file, stopped when dropped; and the environment that points a
//! `Rotator` at a simulator as that administrator.
// Each benchmark includes this file and uses a part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The release binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_oci-rotator");

/// The binary that runs `simulate`: `SIMULATOR_BIN` when set (a copy with the `simulator`
/// feature, so that `target/release/oci-rotator` can be rebuilt without it), else [`BIN`].
pub(crate) fn simulator_bin() -> String {
    std::env::var("SIMULATOR_BIN").unwrap_or_else(|_| BIN.to_owned())
}

/// A running simulator.
pub(crate) struct Sim {
    child: Child,
    /// Scratch directory (config file, sockets), removed on drop.
    pub(crate) work: PathBuf,
    /// OCI config file of the administrator the simulator trusts.
    pub(crate) config: PathBuf,
    /// `http://127.0.0.1:PORT`.
    pub(crate) endpoint: String,
    /// The seeded secrets and users (`{"secrets": {...}, "users": {...}}`).
    pub(crate) seeded: serde_json::Value,
}

impl Sim {
    /// Starts the simulator and waits for its JSON line.
    pub(crate) fn start(name: &str) -> Sim {
        let work = std::env::temp_dir().join(format!("oci-rotator-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&work).expect("work dir");
        let config = work.join("config");
        let mut child = Command::new(simulator_bin())
            .args(["simulate", "--listen", "127.0.0.1:0", "--seed", "--admin-config"])
            .arg(&config)
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the simulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("simulator line");
        let seeded: serde_json::Value = serde_json::from_str(&line).expect("simulator JSON");
        let endpoint = seeded["endpoint"].as_str().expect("endpoint").to_owned();
        Sim { child, work, config, endpoint, seeded }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.work);
    }
}

/// The environment of a `Rotator` (`config::rotator_from_env`) signing as the administrator of
/// `config` and sending every Vault, Secrets and Identity call to the simulator at `endpoint`.
pub(crate) fn admin_env(config: &Path, endpoint: &str) -> HashMap<String, String> {
    [
        ("OCI_CLI_CONFIG_FILE", config.display().to_string()),
        ("OCI_ROTATOR_VAULT_ENDPOINT", endpoint.to_owned()),
        ("OCI_ROTATOR_SECRETS_ENDPOINT", endpoint.to_owned()),
        ("OCI_ROTATOR_IDENTITY_ENDPOINT", endpoint.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}
