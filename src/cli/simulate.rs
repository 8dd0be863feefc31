//! `oci-rotator simulate --listen ADDR [--admin-config PATH] [--seed]`: the embedded OCI simulator
//! on its own, for the official OCI SDK and CLI or for manual rehearsals of `rotate`.
//!
//! With `--admin-config`, writes an OCI config file (profile `DEFAULT`, private key beside it) for
//! an administrator principal the simulator trusts. With `--seed`, seeds one user and one secret
//! per credential kind, in the Default domain and in the SECONDARY domain `rotation-demo-domain`.
//! Prints one JSON line (`endpoint`, `secrets`, `users`, `domainId`, `domainUrl`, `domainUsers`,
//! `domainSecrets`; `domainUrl` is `http://127.0.0.1:<port>`, the domain's own loopback listener,
//! with no path) and serves until killed.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::sim::{SimOptions, Simulator};

/// Runs the simulator until the process is killed.
pub async fn run(listen: SocketAddr, admin_config: Option<PathBuf>, seed: bool) -> Result<(), String> {
    let sim = Simulator::new(SimOptions::default());
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let endpoint = format!("http://{addr}");
    sim.set_endpoint(&endpoint);
    // Each identity domain on a loopback port of its own (its URL has no path), before seeding
    // prints the seeded domain's URL.
    sim.serve_domains().map_err(|e| format!("cannot serve the identity domains: {e}"))?;
    if let Some(path) = admin_config {
        let admin = sim.create_admin();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "admin".to_owned());
        let key_path = path.with_file_name(format!("{name}.key.pem"));
        admin.write_oci_config(&path, &key_path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let mut line = serde_json::json!({"endpoint": endpoint, "secrets": {}, "users": {}, "domainId": "", "domainUrl": "",
        "domainUsers": {}, "domainSecrets": {}});
    if seed {
        let s = sim.seed().await;
        let value = |v: &std::collections::BTreeMap<String, String>| serde_json::to_value(v).unwrap_or_default();
        line["secrets"] = value(&s.secrets);
        line["users"] = value(&s.users);
        line["domainId"] = s.domain_id.clone().into();
        line["domainUrl"] = s.domain_url.clone().into();
        line["domainUsers"] = value(&s.domain_users);
        line["domainSecrets"] = value(&s.domain_secrets);
    }
    println!("{line}");
    sim.serve(listener).await.map_err(|e| e.to_string())
}
