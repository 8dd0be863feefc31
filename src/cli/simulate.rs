//! `oci-rotator simulate --listen ADDR [--admin-config PATH] [--seed] [--function OCID=URL]...
//! [--clock-speed F] [--throttle FAMILY=RATE[/BURST]]...`: the embedded OCI simulator on its own, for the official OCI SDK and CLI or
//! for manual rehearsals of `rotate`.
//!
//! With `--admin-config`, writes an OCI config file (profile `DEFAULT`, private key beside it) for
//! an administrator principal the simulator trusts. With `--seed`, seeds one user and one secret
//! per credential kind, in the Default domain and in the SECONDARY domain `rotation-demo-domain`,
//! and a spare user per kind. Prints one JSON line (`endpoint`, `secrets`, `users`, `domainId`,
//! `domainUrl`, `domainUsers`, `domainSecrets`, `compartmentId`, `vaultId`, `keyId` (where
//! CreateSecret creates secrets) and `spareUsers` (per kind, a user with no credential and no
//! secret); `domainUrl` is `http://127.0.0.1:<port>`, the domain's own loopback listener, with no
//! path) and serves until killed.
//!
//! `--function OCID=URL` (repeatable) tells the simulated Vault where a function answers
//! (`URL/call`): RotateSecret, or a scheduled rotation falling due, then runs the four steps
//! there. With `--seed` and exactly one `--function`, the seeded secrets' rotation configurations
//! target that function (no schedule), so `rotate --compartment-id` rotates them through it. `--clock-speed F` makes simulated time run F times faster (a 90-day schedule falls due in
//! 90 × 86400 / F seconds); `POST /_sim/clock` moves it forward.
//!
//! `--env-file PATH` writes the `export` lines a shell needs for the CLI and `serve` to talk to this
//! simulator: the three endpoint variables, `OCI_CLI_CONFIG_FILE` (the `--admin-config` file, or
//! one written beside PATH) and `OCI_CLI_PROFILE`; with `--seed`, the seeded tenancy's OCIDs as the
//! docs' variables (`TENANCY`, `SECRETS_COMPARTMENT`, `VAULT`, `MASTER_KEY`, `USER_OCID`, a spare
//! API_KEY user); with exactly one `--function`, `FUNCTION`. The file is written whole (renamed
//! into place) once the simulator listens. docs/simulator.md walks it.
//!
//! `--throttle FAMILY=RATE[/BURST]` (repeatable; FAMILY `vault`, `secrets`, `identity` or
//! `notifications`) throttles that API family of the tenancy as OCI does: a token bucket refilled
//! at RATE requests per second, holding BURST (default RATE); past it, 429 `TooManyRequests` with
//! `retry-after`. Every principal draws from the same buckets, the function's calls included.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::sim::{SimOptions, Simulator, Throttle};

/// What `simulate` is asked for.
#[derive(Debug, Clone, Default)]
pub struct SimulateArgs {
    /// Where to listen.
    pub listen: Option<SocketAddr>,
    /// Where to write an administrator's OCI config file.
    pub admin_config: Option<PathBuf>,
    /// Seed the demo tenancy.
    pub seed: bool,
    /// `OCID=URL`: where each function answers.
    pub functions: Vec<String>,
    /// Simulated time runs this many times faster than real time.
    pub clock_speed: Option<f64>,
    /// `FAMILY=RATE[/BURST]`: the tenancy's throttles (none by default).
    pub throttle: Vec<String>,
    /// Where to write the `export` lines for the CLI and `serve`.
    pub env_file: Option<PathBuf>,
}

/// `value` quoted for a POSIX shell.
fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// The text of `--env-file`: `export NAME='value'` lines, with a comment saying what they are.
fn env_file_text(endpoint: &str, vars: &[(&str, String)]) -> String {
    let mut out = format!(
        "# Written by `oci-rotator simulate` (listening on {endpoint}). In each shell that runs\n\
         # oci-rotator (the CLI or `serve`): . ./<this file>. It is valid while this simulator runs.\n"
    );
    for (name, value) in vars {
        out.push_str(&format!("export {name}={}\n", shell_quote(value)));
    }
    out
}

/// Writes `text` to `path` whole: to a file beside it, then renamed into place.
fn write_whole(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "env".to_owned());
    let partial = path.with_file_name(format!(".{name}.partial"));
    std::fs::write(&partial, text)?;
    std::fs::rename(&partial, path)
}

/// Splits `OCID=URL`.
fn parse_function(spec: &str) -> Result<(&str, &str), String> {
    match spec.split_once('=') {
        Some((ocid, url)) if !ocid.is_empty() && (url.starts_with("http://") || url.starts_with("https://")) => Ok((ocid, url)),
        _ => Err(format!("--function {spec:?}: expected OCID=URL, such as ocid1.fnfunc.oc1.iad.x=http://127.0.0.1:8080")),
    }
}

/// With `--seed` and exactly one `--function`: the seeded secrets' rotations target that function
/// (`isScheduledRotationEnabled` false, no interval), so that `rotate --compartment-id` (Vault's
/// RotateSecret) runs them through it, as it does the secrets `enroll --function-id` creates.
fn attach_function<'a>(sim: &Simulator, secret_ids: impl Iterator<Item = &'a String>, function_id: &str) {
    let config = serde_json::json!({"isScheduledRotationEnabled": false,
        "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": function_id}});
    let mut state = sim.state();
    for id in secret_ids {
        if let Some(secret) = state.vault.secrets.get_mut(id) {
            secret.rotation_config = Some(config.clone());
        }
    }
}

/// Runs the simulator until the process is killed.
pub async fn run(listen: SocketAddr, admin_config: Option<PathBuf>, seed: bool) -> Result<(), String> {
    run_with(SimulateArgs { listen: Some(listen), admin_config, seed, ..Default::default() }).await
}

/// Runs the simulator, with its rotation loop's functions and clock speed, until the process is killed.
pub async fn run_with(args: SimulateArgs) -> Result<(), String> {
    let throttle = if args.throttle.is_empty() { None } else { Some(Throttle::from_specs(&args.throttle)?) };
    let sim = Simulator::new(SimOptions { throttle, ..SimOptions::default() });
    for spec in &args.functions {
        let (ocid, url) = parse_function(spec)?;
        sim.register_function(ocid, url);
    }
    if let Some(speed) = args.clock_speed {
        if !(speed.is_finite() && speed > 0.0) {
            return Err(format!("--clock-speed {speed}: expected a positive factor"));
        }
        sim.set_clock_speed(speed);
    }
    let listen = args.listen.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 9090)));
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr().map_err(|e| format!("cannot read the address of {listen}: {e}"))?;
    let endpoint = format!("http://{addr}");
    sim.set_endpoint(&endpoint);
    // Each identity domain on a loopback port of its own (its URL has no path), before seeding
    // prints the seeded domain's URL.
    sim.serve_domains().map_err(|e| format!("cannot serve the identity domains: {e}"))?;
    // `--env-file` needs an administrator's config: `--admin-config`, else one beside the env file.
    let env_file = match &args.env_file {
        Some(p) => Some(std::path::absolute(p).map_err(|e| format!("--env-file {}: {e}", p.display()))?),
        None => None,
    };
    let admin_config = match (args.admin_config, &env_file) {
        (Some(p), _) => Some(std::path::absolute(&p).map_err(|e| format!("--admin-config {}: {e}", p.display()))?),
        (None, Some(env)) => Some(env.with_extension("oci-config")),
        (None, None) => None,
    };
    if let Some(path) = &admin_config {
        let admin = sim.create_admin();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "admin".to_owned());
        let key_path = path.with_file_name(format!("{name}.key.pem"));
        admin.write_oci_config(path, &key_path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let mut line = serde_json::json!({"endpoint": endpoint, "secrets": {}, "users": {}, "domainId": "", "domainUrl": "",
        "domainUsers": {}, "domainSecrets": {}, "compartmentId": sim.compartment_id(), "vaultId": sim.vault_id(),
        "keyId": sim.key_id(), "spareUsers": {}});
    if args.seed {
        let s = sim.seed().await;
        let value = |v: &std::collections::BTreeMap<String, String>| serde_json::to_value(v).unwrap_or_default();
        line["secrets"] = value(&s.secrets);
        line["users"] = value(&s.users);
        line["domainId"] = s.domain_id.clone().into();
        line["domainUrl"] = s.domain_url.clone().into();
        line["domainUsers"] = value(&s.domain_users);
        line["domainSecrets"] = value(&s.domain_secrets);
        line["spareUsers"] = value(&s.spare_users);
        if let [spec] = args.functions.as_slice() {
            let ids = s.secrets.values().chain(s.domain_secrets.values());
            attach_function(&sim, ids, parse_function(spec)?.0);
        }
    }
    if let (Some(path), Some(config)) = (&env_file, &admin_config) {
        let mut vars: Vec<(&str, String)> = vec![
            ("OCI_ROTATOR_VAULT_ENDPOINT", endpoint.clone()),
            ("OCI_ROTATOR_SECRETS_ENDPOINT", endpoint.clone()),
            ("OCI_ROTATOR_IDENTITY_ENDPOINT", endpoint.clone()),
            ("OCI_CLI_CONFIG_FILE", config.to_string_lossy().into_owned()),
            ("OCI_CLI_PROFILE", "DEFAULT".to_owned()),
        ];
        if args.seed {
            vars.extend([
                ("TENANCY", sim.tenancy_id()),
                ("SECRETS_COMPARTMENT", sim.compartment_id()),
                ("VAULT", sim.vault_id()),
                ("MASTER_KEY", sim.key_id()),
            ]);
            if let Some(user) = line["spareUsers"]["API_KEY"].as_str() {
                vars.push(("USER_OCID", user.to_owned()));
            }
        }
        if let [spec] = args.functions.as_slice() {
            vars.push(("FUNCTION", parse_function(spec)?.0.to_owned()));
        }
        write_whole(path, &env_file_text(&endpoint, &vars)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("{line}");
    sim.serve(listener).await.map_err(|e| format!("the simulator stopped serving: {e}"))
}

#[cfg(test)]
mod tests {
    use super::{env_file_text, parse_function, shell_quote};

    #[test]
    fn function_specs() {
        assert_eq!(parse_function("ocid1.fnfunc.x=http://127.0.0.1:8080"), Ok(("ocid1.fnfunc.x", "http://127.0.0.1:8080")));
        for bad in ["ocid1.fnfunc.x", "=http://h", "f=ftp://h", "f="] {
            assert!(parse_function(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn env_file_lines_are_quoted_exports() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        let text = env_file_text("http://127.0.0.1:9090", &[("OCI_CLI_CONFIG_FILE", "/tmp/a b/config".to_owned())]);
        assert!(text.lines().all(|l| l.starts_with('#') || l.starts_with("export ")), "{text}");
        assert!(text.ends_with("export OCI_CLI_CONFIG_FILE='/tmp/a b/config'\n"), "{text}");
    }
}
