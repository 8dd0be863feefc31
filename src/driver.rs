//! Plays OCI Vault: calls the four steps in order for one secret, as Vault does on a scheduled
//! rotation, retrying a step that failed with a retryable code. Used by `oci-rotator rotate` (an
//! administrator's rehearsal or emergency rotation), by the demo and by the tests.
//!
//! The function is reached through a [`StepTransport`]: over HTTP (`POST /call`, the way Vault
//! reaches a deployed function) or in-process (the engine itself).
//!
//! [`rotate_one`] is the work of `rotate --secret-id` (the CLI parses and prints): each
//! [`Attempt`] as it is answered ([`Attempt::line`], or [`Attempt::json_line`] for `--json`), then
//! a [`OneSecretReport`] ([`OneSecretReport::text`], [`OneSecretReport::summary_json`]).

use std::future::Future;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;

use crate::config;
use crate::engine::Rotator;
use crate::oci::auth::Env;
use crate::protocol::{is_secret_ocid, SecretRotationInput, SecretRotationOutput, Step};

/// How the driver reaches the function.
pub trait StepTransport: Sync {
    /// Runs one step and returns the function's answer (Err: the call itself failed).
    fn call(&self, input: &SecretRotationInput) -> impl Future<Output = Result<SecretRotationOutput, String>> + Send;
}

/// `POST {base}/call` with an `Fn-Deadline`, as the Fn agent sends it.
pub struct HttpTransport {
    http: reqwest::Client,
    base: String,
    timeout: Duration,
}

impl HttpTransport {
    /// A transport to the function at `base` (e.g. `http://127.0.0.1:8080`).
    pub fn new(base: impl Into<String>, timeout: Duration) -> Self {
        HttpTransport { http: reqwest::Client::new(), base: base.into(), timeout }
    }
}

impl StepTransport for HttpTransport {
    async fn call(&self, input: &SecretRotationInput) -> Result<SecretRotationOutput, String> {
        let body = serde_json::json!({"step": input.step.as_str(), "secretId": input.secret_id, "versionNo": input.version_no});
        let deadline = time::OffsetDateTime::now_utc() + self.timeout;
        let deadline = deadline.format(&time::format_description::well_known::Rfc3339).map_err(|e| e.to_string())?;
        let resp = self
            .http
            .post(format!("{}/call", self.base.trim_end_matches('/')))
            .header("content-type", "application/json")
            .header("fn-deadline", deadline)
            .header("fn-call-id", format!("driver-{}", input.step.as_str().to_ascii_lowercase()))
            .body(body.to_string())
            .timeout(self.timeout + Duration::from_secs(5))
            .send()
            .await
            .map_err(|e| format!("calling the function failed: {e}"))?;
        let bytes = resp.bytes().await.map_err(|e| format!("reading the function's answer failed: {e}"))?;
        serde_json::from_slice(&bytes).map_err(|_| "the function's answer is not a SecretRotationOutput".to_owned())
    }
}

/// Runs the engine in this process.
pub struct InProcess {
    /// The rotator.
    pub rotator: Rotator,
    /// Each step's time budget.
    pub timeout: Duration,
}

impl StepTransport for InProcess {
    async fn call(&self, input: &SecretRotationInput) -> Result<SecretRotationOutput, String> {
        Ok(self.rotator.run(input, Instant::now() + self.timeout).await)
    }
}

/// One answered step attempt.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The step.
    pub step: Step,
    /// 1 for the first try.
    pub attempt: u32,
    /// The answer (or a transport failure as a 502).
    pub output: SecretRotationOutput,
}

impl Attempt {
    /// The command the answer names as its fix (the unbound user's tag command), as the shell
    /// reads it.
    pub fn fix_command(&self) -> Option<&str> {
        crate::binding::fix_command(&self.output.return_message)
    }

    /// Its line of text: step, attempt, `responseCode`, version number, `returnMessage`; then, when
    /// the message names a fix command, that command alone on the next line, ready to paste.
    pub fn line(&self) -> String {
        let o = &self.output;
        let version = o.current_version_no.map_or("-".to_owned(), |n| format!("v{n}"));
        let line = format!("{:<24} attempt {}  {}  {version:<4} {}", self.step.as_str(), self.attempt, o.response_code, o.return_message);
        match self.fix_command() {
            Some(command) => format!("{line}\n  fix (paste into a shell): {command}"),
            None => line,
        }
    }

    /// Its `--json` line: `event` `"attempt"`, `secretId`, `step`, `attempt`, `responseCode`,
    /// `currentVersionNo` (null when none), `returnMessage`, `fixCommand` (null when none).
    pub fn json_line(&self, secret_id: &str) -> Value {
        let o = &self.output;
        json!({"event": "attempt", "secretId": secret_id, "step": self.step.as_str(), "attempt": self.attempt,
            "responseCode": o.response_code, "currentVersionNo": o.current_version_no, "returnMessage": o.return_message,
            "fixCommand": self.fix_command()})
    }
}

/// How the driver retries.
#[derive(Debug, Clone)]
pub struct Driver {
    /// Tries per step.
    pub attempts_per_step: u32,
    /// Wait between tries.
    pub retry_wait: Duration,
}

impl Default for Driver {
    fn default() -> Self {
        Driver { attempts_per_step: 3, retry_wait: Duration::from_millis(500) }
    }
}

/// True for responseCodes worth retrying (Vault retries a failed step; 400/404 will not change).
fn retryable(code: u16) -> bool {
    matches!(code, 409 | 429 | 500..=599)
}

impl Driver {
    /// Runs `step` until it answers 200 or the tries run out; reports every attempt.
    pub async fn step<T: StepTransport>(
        &self,
        t: &T,
        step: Step,
        secret_id: &str,
        version_no: Option<u64>,
        report: &mut (dyn FnMut(&Attempt) + Send),
    ) -> SecretRotationOutput {
        let input = SecretRotationInput { step, secret_id: secret_id.to_owned(), version_no };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let output = t.call(&input).await.unwrap_or_else(|e| SecretRotationOutput::new(502, None, e));
            report(&Attempt { step, attempt, output: output.clone() });
            if output.response_code == 200 || !retryable(output.response_code) || attempt >= self.attempts_per_step.max(1) {
                return output;
            }
            tokio::time::sleep(self.retry_wait).await;
        }
    }

    /// The four steps in order, as Vault runs a rotation. Stops at the first step that still fails
    /// after its retries. Returns the last answer of each step run.
    pub async fn rotate<T: StepTransport>(
        &self,
        t: &T,
        secret_id: &str,
        report: &mut (dyn FnMut(&Attempt) + Send),
    ) -> Vec<(Step, SecretRotationOutput)> {
        let mut answers = Vec::new();
        let (mut current, mut pending) = (None, None);
        for step in Step::ALL {
            // Vault sends the CURRENT number, and PROMOTE the number UPDATE_TARGET_SYSTEM answered.
            let version_no = if step == Step::PromotePendingVersion { pending } else { current };
            let out = self.step(t, step, secret_id, version_no, report).await;
            match step {
                Step::VerifyConnection => current = out.current_version_no,
                Step::UpdateTargetSystem => pending = out.current_version_no,
                _ => {}
            }
            let ok = out.response_code == 200;
            answers.push((step, out));
            if !ok {
                break;
            }
        }
        answers
    }
}

/// What `rotate --secret-id` is asked (the command line's options).
#[derive(Debug, Clone)]
pub struct RotateOne {
    /// The secret OCID.
    pub secret_id: String,
    /// One step only.
    pub step: Option<Step>,
    /// `versionNo` to send with a single step.
    pub version_no: Option<u64>,
    /// Read-only rehearsal.
    pub dry_run: bool,
    /// Tries per step.
    pub attempts: u32,
}

/// What `rotate --secret-id` did.
#[derive(Debug, Clone)]
pub struct OneSecretReport {
    /// The secret OCID.
    pub secret_id: String,
    /// The last answer of each step run, in order.
    pub answers: Vec<(Step, SecretRotationOutput)>,
    /// A dry run: the writes CREATE_PENDING_VERSION would make (None: not a dry run).
    pub planned_writes: Option<Vec<String>>,
    /// Every step run answered 200 (and, for a rotation, all four ran): exit status 0.
    pub ok: bool,
}

impl OneSecretReport {
    /// What follows the attempts' lines: a dry run's writes and what the other steps would do.
    pub fn text(&self) -> String {
        let Some(writes) = &self.planned_writes else { return String::new() };
        if self.answers.len() < 2 {
            return String::new();
        }
        let mut out = "\ndry run: nothing was written. CREATE_PENDING_VERSION would make these writes:\n".to_owned();
        if writes.is_empty() {
            let message = self.answers.last().map_or("", |(_, o)| o.return_message.as_str());
            out.push_str(&format!("  (none: {message})\n"));
        }
        for w in writes {
            out.push_str(&format!("  {w}\n"));
        }
        out.push_str("then UPDATE_TARGET_SYSTEM would make the new credential live in IAM (API keys: upload it after deleting superseded keys) and wait until IAM accepts it,\n");
        out.push_str("and PROMOTE_PENDING_VERSION would make the new version CURRENT (and, with DELETE_ON_PROMOTE, delete the superseded credential).\n");
        out
    }

    /// The `--json` run's last line: `event` `"summary"`, `secretId`, `dryRun`, `steps` (each
    /// step run: `step`, `responseCode`, `currentVersionNo`), `plannedWrites` (a dry run's
    /// writes, else null) and `ok`.
    pub fn summary_json(&self) -> Value {
        let steps: Vec<Value> = self
            .answers
            .iter()
            .map(|(step, o)| json!({"step": step.as_str(), "responseCode": o.response_code, "currentVersionNo": o.current_version_no}))
            .collect();
        json!({"event": "summary", "secretId": self.secret_id, "dryRun": self.planned_writes.is_some(), "steps": steps,
            "plannedWrites": self.planned_writes, "ok": self.ok})
    }
}

/// The work of `rotate --secret-id`: plays Vault in this process for one secret (all four steps,
/// or `step` alone), or with `dry_run` runs VERIFY_CONNECTION and then CREATE_PENDING_VERSION with
/// a client that sends no write. `report` is told of every attempt as it is answered.
pub async fn rotate_one(args: &RotateOne, env: &dyn Env, report: &mut (dyn FnMut(&Attempt) + Send)) -> Result<OneSecretReport, String> {
    if !is_secret_ocid(&args.secret_id) {
        return Err("--secret-id must be a secret OCID (ocid1.vaultsecret.<realm>...)".to_owned());
    }
    let (rotator, settings) =
        if args.dry_run { config::dry_run_rotator_from_env(env) } else { config::rotator_from_env(env) }.map_err(|e| e.to_string())?;
    let transport = InProcess { rotator: rotator.clone(), timeout: settings.default_timeout };
    let driver = Driver { attempts_per_step: args.attempts, retry_wait: Duration::from_secs(2) };
    let secret_id = args.secret_id.clone();
    if args.dry_run {
        let verify = driver.step(&transport, Step::VerifyConnection, &secret_id, None, report).await;
        let mut answers = vec![(Step::VerifyConnection, verify.clone())];
        if verify.response_code == 200 {
            let create = driver.step(&transport, Step::CreatePendingVersion, &secret_id, verify.current_version_no, report).await;
            answers.push((Step::CreatePendingVersion, create));
        }
        let ok = answers.len() == 2 && answers.iter().all(|(_, o)| o.response_code == 200);
        return Ok(OneSecretReport { secret_id, answers, planned_writes: Some(rotator.client().planned_writes()), ok });
    }
    let answers = match args.step {
        Some(step) => vec![(step, driver.step(&transport, step, &secret_id, args.version_no, report).await)],
        None => driver.rotate(&transport, &secret_id, report).await,
    };
    let ok = answers.iter().all(|(_, o)| o.response_code == 200) && (args.step.is_some() || answers.len() == 4);
    Ok(OneSecretReport { secret_id, answers, planned_writes: None, ok })
}
