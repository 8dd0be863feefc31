//! The work of `oci-rotator preflight --function-id F (--secret-id S | --compartment-id C
//! [--subtree]) [--json]`: asks the DEPLOYED function, through the Functions invoke API and with
//! the caller's own credentials, to run PREFLIGHT (`engine/preflight.rs`) on each managed secret, a
//! few at a time, and checks with the caller's credentials that each secret's rotation
//! configuration targets that function (`rotationConfig.targetSystemDetails.functionId`).
//!
//! [`PreflightReport`] renders itself ([`PreflightReport::table`], [`PreflightReport::json_line`])
//! and says the exit status: 0 every check passed, 1 something is missing, 2 the function cannot
//! be invoked (with the statement that lets the caller invoke it).

use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use serde_json::{json, Value};

use crate::oci::auth::{Env, Principal};
use crate::oci::Client;
use crate::protocol::{Check, SecretRotationOutput};

/// What `preflight` is asked: the command line's options (`cli::preflight` parses them).
#[derive(Debug, Clone, clap::Args)]
pub struct PreflightArgs {
    /// The deployed function's OCID (ocid1.fnfunc....).
    #[arg(long)]
    pub function_id: String,
    /// One secret to check.
    #[arg(long, conflicts_with = "compartment_id", required_unless_present = "compartment_id")]
    pub secret_id: Option<String>,
    /// Every managed secret (metadata with a credentialType) of this compartment (or tenancy).
    #[arg(long)]
    pub compartment_id: Option<String>,
    /// With --compartment-id: the compartments below it too.
    #[arg(long, requires = "compartment_id")]
    pub subtree: bool,
    /// Invocations in flight at most (1 to 64).
    #[arg(long, default_value_t = crate::flags::CONCURRENCY_DEFAULT, value_parser = crate::flags::parse_concurrency)]
    pub concurrency: u16,
    /// Each invocation's time budget, in seconds.
    #[arg(long, default_value_t = 120)]
    pub timeout_secs: u64,
    /// One JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// One secret's preflight.
#[derive(Debug, Clone)]
pub struct SecretPreflight {
    /// The secret's OCID.
    pub secret_id: String,
    /// Its name, when it could be read.
    pub name: String,
    /// Whether its rotation configuration targets the function (Err: why not, or why unknown).
    pub targets_function: Result<(), String>,
    /// The function's answer (Err: the invocation failed).
    pub answer: Result<SecretRotationOutput, String>,
    /// True when OCI refused the invocation itself (401, 403, 404): the caller's missing grant.
    pub invoke_refused: bool,
}

impl SecretPreflight {
    /// True when the function's every read passed and the secret targets the function.
    pub fn passed(&self) -> bool {
        self.targets_function.is_ok() && self.answer.as_ref().is_ok_and(|a| a.response_code == 200)
    }
}

/// What `preflight` found.
#[derive(Debug, Clone)]
pub struct PreflightReport {
    /// The function's OCID.
    pub function_id: String,
    /// Set when the function cannot be invoked: why, and the statement that lets the caller.
    pub not_invocable: Option<String>,
    /// One entry per managed secret.
    pub secrets: Vec<SecretPreflight>,
}

/// The statements a caller's group needs to read and invoke the function (Oracle's Functions
/// policy reference: `read fn-function` for GetFunction, `use fn-invocation` for InvokeFunction).
pub fn invoke_statements(compartment: Option<&str>) -> String {
    let scope = match compartment {
        Some(c) if !c.starts_with("ocid1.tenancy.") => format!("in compartment id {c}"),
        _ => "in tenancy".to_owned(),
    };
    format!("Allow group <your group> to read fn-function {scope}; Allow group <your group> to use fn-invocation {scope}")
}

impl PreflightReport {
    /// 0: every check passed; 1: something is missing; 2: the function cannot be invoked.
    pub fn exit_code(&self) -> u8 {
        if self.not_invocable.is_some() {
            2
        } else if self.secrets.iter().all(SecretPreflight::passed) {
            0
        } else {
            1
        }
    }

    /// The text: per secret, each check, `ok` or what to add.
    pub fn table(&self) -> String {
        let mut out = String::new();
        if let Some(why) = &self.not_invocable {
            out.push_str(&format!("function {} cannot be invoked: {why}\n", self.function_id));
            return out;
        }
        for s in &self.secrets {
            let verdict = if s.passed() { "PASS" } else { "MISSING" };
            out.push_str(&format!("{verdict}  {} {}\n", s.secret_id, s.name));
            match &s.targets_function {
                Ok(()) => out.push_str(&format!("  ok         rotationConfig targets {}\n", self.function_id)),
                Err(why) => out.push_str(&format!("  MISSING    rotationConfig: {why}\n")),
            }
            match &s.answer {
                Err(why) => out.push_str(&format!("  FAILED     InvokeFunction: {why}\n")),
                Ok(a) => {
                    for c in a.checks.iter().flatten() {
                        out.push_str(&check_line(c));
                    }
                    if a.checks.is_none() {
                        out.push_str(&format!("  FAILED     {}\n", a.return_message));
                    }
                }
            }
        }
        let passed = self.secrets.iter().filter(|s| s.passed()).count();
        out.push_str(&format!("{passed} of {} secrets passed preflight\n", self.secrets.len()));
        out
    }

    /// The JSON document of `--json`.
    pub fn json_line(&self) -> Value {
        let secrets: Vec<Value> = self
            .secrets
            .iter()
            .map(|s| {
                json!({"secretId": s.secret_id, "name": s.name, "passed": s.passed(),
                    "targetsFunction": s.targets_function.as_ref().err(),
                    "answer": s.answer.as_ref().ok(), "invokeError": s.answer.as_ref().err()})
            })
            .collect();
        json!({"functionId": self.function_id, "exitCode": self.exit_code(), "notInvocable": self.not_invocable, "secrets": secrets})
    }
}

fn check_line(c: &Check) -> String {
    match c.ok {
        Some(true) => format!("  ok         {}\n", c.call),
        Some(false) => {
            let answered = [c.status.map(|s| s.to_string()), c.code.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ");
            format!("  MISSING    {} ({answered}): add {}\n", c.call, c.needs)
        }
        None => format!("  unchecked  {} (OCI has no dry run): needs {}\n", c.call, c.needs),
    }
}

/// Runs `preflight` from the environment's principal and prints the table (or `--json`); Ok(exit status).
pub async fn run(env: &dyn Env, args: &PreflightArgs) -> Result<u8, String> {
    let report = preflight(&client_from_env(env)?, args).await?;
    match args.json {
        true => println!("{}", report.json_line()),
        false => print!("{}", report.table()),
    }
    Ok(report.exit_code())
}

/// The caller's client (API-key profile, or a resource principal), from the environment.
pub fn client_from_env(env: &dyn Env) -> Result<Client, String> {
    let principal = Principal::from_env(env).map_err(|e| e.to_string())?;
    let settings = crate::config::Settings::from_env(env, &principal).map_err(|e| e.to_string())?;
    Ok(Client::new(principal, settings.endpoints.clone(), settings.retry.clone()))
}

/// Runs the preflight: GetFunction, the secrets, one invocation per managed secret.
pub async fn preflight(client: &Client, args: &PreflightArgs) -> Result<PreflightReport, String> {
    let mut report = PreflightReport { function_id: args.function_id.clone(), not_invocable: None, secrets: Vec::new() };
    let function = match client.get_function(&args.function_id).await {
        Ok(f) => f,
        Err(e) => {
            report.not_invocable = Some(format!("{e}; the caller needs: {}", invoke_statements(None)));
            return Ok(report);
        }
    };
    let secret_ids = match (&args.secret_id, &args.compartment_id) {
        (Some(s), _) => vec![s.clone()],
        (None, Some(c)) => crate::fleet::managed::actionable_ids(client, c, args.subtree)
            .await
            .map_err(|e| format!("cannot list the secrets of {c}: {e}"))?,
        (None, None) => return Err("give --secret-id or --compartment-id".to_owned()),
    };
    let endpoint = function.invoke_endpoint.clone();
    let one = |secret_id: String| {
        let endpoint = endpoint.clone();
        async move { check_secret(client, args, &endpoint, secret_id).await }
    };
    let mut results: Vec<Option<SecretPreflight>> =
        stream::iter(secret_ids.into_iter().map(one)).buffer_unordered(usize::from(args.concurrency.max(1))).collect().await;
    let mut secrets: Vec<SecretPreflight> = results.drain(..).flatten().collect();
    secrets.sort_by(|a, b| a.secret_id.cmp(&b.secret_id));
    // An invocation OCI refused is the caller's missing grant, not the function's.
    if let Some(why) = secrets.iter().filter(|s| s.invoke_refused).find_map(|s| s.answer.as_ref().err()) {
        report.not_invocable = Some(format!("{why}; the caller needs: {}", invoke_statements(Some(&function.compartment_id))));
    }
    report.secrets = secrets;
    Ok(report)
}

/// One secret: read it as the caller (None: not managed), check its target, invoke PREFLIGHT.
async fn check_secret(client: &Client, args: &PreflightArgs, endpoint: &str, secret_id: String) -> Option<SecretPreflight> {
    let details = client.get_secret(&secret_id).await.map(|s| s.secret);
    let (name, targets_function) = match &details {
        Ok(d) => {
            let managed = d.metadata.as_ref().and_then(|m| m.get("credentialType")).is_some();
            if !managed && args.secret_id.is_none() {
                return None;
            }
            let target = d.rotation_config.as_ref().and_then(|r| r["targetSystemDetails"]["functionId"].as_str());
            let targets = match target {
                Some(f) if f == args.function_id => Ok(()),
                Some(other) => Err(format!("targets function {other}, not {}", args.function_id)),
                None => {
                    Err(format!("no rotation configuration targets a function; set targetSystemDetails.functionId to {}", args.function_id))
                }
            };
            (d.name().to_owned(), targets)
        }
        Err(e) => (String::new(), Err(format!("the caller cannot read the secret ({e})"))),
    };
    let client = client.with_deadline(tokio::time::Instant::now() + Duration::from_secs(args.timeout_secs));
    let body = json!({"step": "PREFLIGHT", "secretId": secret_id});
    let (answer, invoke_refused) = match client.invoke_function(endpoint, &args.function_id, &body).await {
        Ok(v) => {
            let answer = serde_json::from_value::<SecretRotationOutput>(v);
            (answer.map_err(|e| format!("the function's answer is not a SecretRotationOutput ({e})")), false)
        }
        Err(e) => (Err(e.to_string()), matches!(e.status(), Some(401 | 403 | 404))),
    };
    Some(SecretPreflight { secret_id, name, targets_function, answer, invoke_refused })
}
