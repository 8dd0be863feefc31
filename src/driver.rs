//! Plays OCI Vault: calls the four steps in order for one secret, as Vault does on a scheduled
//! rotation, retrying a step that failed with a retryable code. Used by `oci-rotator rotate` (an
//! administrator's rehearsal or emergency rotation), by the demo and by the tests.
//!
//! The function is reached through a [`StepTransport`]: over HTTP (`POST /call`, the way Vault
//! reaches a deployed function) or in-process (the engine itself).

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::engine::Rotator;
use crate::protocol::{SecretRotationInput, SecretRotationOutput, Step};

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
