//! `oci-rotator simulate --listen ADDR [--admin-config PATH] [--seed]`: the embedded OCI simulator
//! on its own, for the official OCI SDK and CLI or for manual rehearsals of `rotate`.
//!
//! With `--admin-config`, writes an OCI config file (profile `DEFAULT`, private key beside it) for
//! an administrator principal the simulator trusts. With `--seed`, seeds one user and one secret
//! per credential kind. Prints one JSON line (`endpoint`, `secrets`, `users`) and serves until
//! killed.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::sim::{SimOptions, Simulator};

/// Runs the simulator until the process is killed.
pub async fn run(listen: SocketAddr, admin_config: Option<PathBuf>, seed: bool) -> Result<(), String> {
    let sim = Simulator::new(SimOptions::default());
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    if let Some(path) = admin_config {
        let admin = sim.create_admin();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "admin".to_owned());
        let key_path = path.with_file_name(format!("{name}.key.pem"));
        admin.write_oci_config(&path, &key_path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let (secrets, users) = if seed {
        let s = sim.seed().await;
        (serde_json::to_value(&s.secrets).unwrap_or_default(), serde_json::to_value(&s.users).unwrap_or_default())
    } else {
        (serde_json::json!({}), serde_json::json!({}))
    };
    println!("{}", serde_json::json!({"endpoint": format!("http://{addr}"), "secrets": secrets, "users": users}));
    sim.serve(listener).await.map_err(|e| e.to_string())
}
