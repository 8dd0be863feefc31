//! The embedded simulator served alone, behind `oci-rotator simulate --listen ADDR [--admin-config PATH] [--env-file PATH] [--seed] [--function OCID=URL]...
//! [--clock-speed F] [--throttle FAMILY=RATE[/BURST]]... [--password-policy FILE.json]`: the embedded OCI simulator on its own, for the official OCI SDK and CLI or
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
//! there. With `--seed`, every seeded secret (both domains') gets a rotation configuration
//! targeting the first `--function` (on demand: `isScheduledRotationEnabled` false, `P90D`), so
//! `rotate --compartment-id` and `oci vault secret rotate` rotate them through it; the JSON line
//! then names it (`functionId`). `--clock-speed F` makes simulated time run F times faster (a 90-day schedule falls due in
//! 90 × 86400 / F seconds); `POST /_sim/clock` moves it forward.
//!
//! `--env-file PATH` writes the `export` lines a shell needs for the CLI and `serve` to talk to this
//! simulator: the three endpoint variables, `OCI_CLI_CONFIG_FILE` (the `--admin-config` file, or
//! one written beside PATH) and `OCI_CLI_PROFILE`; with `--seed`, the seeded tenancy's OCIDs as the
//! docs' variables (`TENANCY`, `SECRETS_COMPARTMENT`, `VAULT`, `MASTER_KEY`, `USER_OCID`, a spare
//! API_KEY user); with `--function`, `FUNCTION` (the first one's OCID). The file is written whole (renamed
//! into place) once the simulator listens. docs/simulator.md walks it.
//!
//! `--throttle FAMILY=RATE[/BURST]` (repeatable; FAMILY `vault`, `secrets`, `identity` or
//! `notifications`) throttles that API family of the tenancy as OCI does: a token bucket refilled
//! at RATE requests per second, holding BURST (default RATE); past it, 429 `TooManyRequests` with
//! `retry-after`. Every principal draws from the same buckets, the function's calls included.
//!
//! `--function-env-file PATH` writes the environment of the function's own resource principal
//! (`OCI_RESOURCE_PRINCIPAL_*`, distinct from the administrator's API key) and the endpoints, for
//! `serve`; `--deny-function-op OP[,OP...]` (operation names as the journal records them:
//! `ListApiKeys`, `ListDomains`, `DomainListPasswordPolicies`, `GetSecretBundle`...) refuses those
//! operations to that principal only, with OCI's 404 `NotAuthorizedOrNotFound`: a missing grant,
//! for `preflight` to name. The simulator also serves GetFunction and the invoke endpoint
//! (`POST /20260325/functions/{id}/actions/invoke`, forwarded to `URL/call`) for each `--function`.
//!
//! `--password-policy FILE.json` gives every identity domain the simulator has at start (the
//! Default domain and, with `--seed`, the seeded one) that password policy: a SCIM
//! `PasswordPolicy` object (`minLength`, `maxLength`, `minLowerCase`, ..., `maxRepeatedChars`,
//! `startsWithAlphabet`, `allowedChars`, `disallowedChars`, `disallowedSubstrings`,
//! `userNameDisallowed`, `firstNameDisallowed`, `lastNameDisallowed`), which ListPasswordPolicies
//! lists and UserPasswordChanger enforces.

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::sim::{function_rotation_config, SimOptions, Simulator, Throttle};

/// What `simulate` is asked for (the command line's options come from `cli::simulate::Simulation`).
#[derive(Debug, Clone, Default)]
pub struct Simulation {
    /// Address to listen on.
    pub listen: Option<SocketAddr>,
    /// Write an OCI config file (profile DEFAULT) for an administrator the simulator trusts.
    pub admin_config: Option<PathBuf>,
    /// Seed one user and one secret per credential kind.
    pub seed: bool,
    /// OCID=URL: where a function answers (`URL/call`) when the simulated Vault rotates (repeatable).
    pub functions: Vec<String>,
    /// Simulated time runs this many times faster than real time.
    pub clock_speed: Option<f64>,
    /// FAMILY=RATE[/BURST]: throttle an API family (vault, secrets, identity, notifications) to RATE requests per second, 429 past it (repeatable).
    pub throttle: Vec<String>,
    /// A JSON file with a SCIM PasswordPolicy (minLength, maxRepeatedChars, allowedChars, ...) every identity domain gets.
    pub password_policy: Option<PathBuf>,
    /// Write the `export` lines (endpoints, OCI_CLI_CONFIG_FILE, OCI_CLI_PROFILE, and with --seed the
    /// seeded OCIDs) that the CLI and `serve` need to talk to this simulator (docs/simulator.md).
    pub env_file: Option<PathBuf>,
    /// The function's own resource principal: its environment file and the operations refused to it.
    pub function_principal: FunctionPrincipal,
}

/// The function's own resource principal (distinct from the administrator's API key).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct FunctionPrincipal {
    /// Write the `export` lines of the function's own resource principal (OCI_RESOURCE_PRINCIPAL_*) and endpoints, for `serve`.
    #[arg(long, value_name = "PATH")]
    pub function_env_file: Option<PathBuf>,
    /// OP[,OP...]: refuse these operations (ListApiKeys, ListDomains, DomainListPasswordPolicies, GetSecretBundle...) to the function's principal only, with 404 NotAuthorizedOrNotFound.
    #[arg(long = "deny-function-op", value_name = "OP[,OP...]", value_delimiter = ',')]
    pub deny_function_ops: Vec<String>,
}

/// `--password-policy FILE.json`: every domain the simulator has gets the policy in the file.
fn apply_password_policy(sim: &Simulator, path: &std::path::Path) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("--password-policy {}: {e}", path.display()))?;
    let policy: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("--password-policy {}: not JSON: {e}", path.display()))?;
    sim.set_password_policy_everywhere(&policy).map_err(|e| format!("--password-policy {}: {}", path.display(), e.message))
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

/// Runs the simulator until the process is killed.
pub async fn run(listen: SocketAddr, admin_config: Option<PathBuf>, seed: bool) -> Result<(), String> {
    run_with(Simulation { listen: Some(listen), admin_config, seed, ..Default::default() }).await
}

/// Runs the simulator, with its rotation loop's functions and clock speed, until the process is killed.
pub async fn run_with(args: Simulation) -> Result<(), String> {
    let throttle = if args.throttle.is_empty() { None } else { Some(Throttle::from_specs(&args.throttle)?) };
    let sim = Simulator::new(SimOptions { throttle, ..SimOptions::default() });
    let mut first_function = None;
    for spec in &args.functions {
        let (ocid, url) = parse_function(spec)?;
        sim.register_function(ocid, url);
        first_function.get_or_insert_with(|| ocid.to_owned());
    }
    sim.deny_function_ops(&args.function_principal.deny_function_ops);
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
        if let Some(function_id) = &first_function {
            for secret_id in s.secrets.values().chain(s.domain_secrets.values()) {
                sim.set_rotation_config(secret_id, function_rotation_config(function_id))
                    .map_err(|e| format!("cannot attach seeded secret {secret_id} to function {function_id}: {e}"))?;
            }
            line["functionId"] = function_id.clone().into();
        }
    }
    if let Some(path) = &args.password_policy {
        apply_password_policy(&sim, path)?;
    }
    if let (Some(path), Some(config)) = (&env_file, &admin_config) {
        let mut vars: Vec<(&str, String)> = vec![
            ("OCI_ROTATOR_VAULT_ENDPOINT", endpoint.clone()),
            ("OCI_ROTATOR_SECRETS_ENDPOINT", endpoint.clone()),
            ("OCI_ROTATOR_IDENTITY_ENDPOINT", endpoint.clone()),
            ("OCI_ROTATOR_MONITORING_ENDPOINT", endpoint.clone()),
            ("OCI_ROTATOR_FUNCTIONS_ENDPOINT", endpoint.clone()),
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
        if let Some(function_id) = &first_function {
            vars.push(("FUNCTION", function_id.clone()));
        }
        write_whole(path, &env_file_text(&endpoint, &vars)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(path) = &args.function_principal.function_env_file {
        let env: std::collections::BTreeMap<String, String> = sim.function_env(&endpoint).into_iter().collect();
        let vars: Vec<(&str, String)> = env.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        write_whole(path, &env_file_text(&endpoint, &vars)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    println!("{line}");
    sim.serve(listener).await.map_err(|e| format!("the simulator stopped serving: {e}"))
}

#[cfg(test)]
mod tests {
    use super::{apply_password_policy, env_file_text, parse_function, shell_quote};
    use crate::sim::{SimOptions, Simulator};

    #[test]
    fn a_password_policy_file_reaches_every_domain() {
        // Given: a policy file, a bad one, and a simulator with a second domain.
        let dir = std::env::temp_dir().join(format!("oci-rotator-policy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (good, not_json, not_policy) = (dir.join("good.json"), dir.join("bad.json"), dir.join("wrong.json"));
        std::fs::write(&good, r#"{"name": "strict", "minLength": 20, "maxRepeatedChars": 1, "disallowedSubstrings": ["abc"]}"#).unwrap();
        std::fs::write(&not_json, "minLength: 20").unwrap();
        std::fs::write(&not_policy, r#"{"minLength": "twenty"}"#).unwrap();
        let sim = Simulator::new(SimOptions::default());
        let other = sim.create_domain("apps");
        // When
        apply_password_policy(&sim, &good).unwrap();
        // Then: both domains list it.
        for id in [sim.default_domain().id, other.id] {
            let listed = sim.password_policy(&id).unwrap();
            assert_eq!((listed["name"].as_str(), listed["maxRepeatedChars"].as_u64()), (Some("strict"), Some(1)), "{id}");
            assert_eq!(listed["disallowedSubstrings"], serde_json::json!(["abc"]));
        }
        for bad in [&not_json, &not_policy, &dir.join("missing.json")] {
            assert!(apply_password_policy(&sim, bad).unwrap_err().starts_with("--password-policy"), "{}", bad.display());
        }
        std::fs::remove_dir_all(&dir).ok();
    }

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
