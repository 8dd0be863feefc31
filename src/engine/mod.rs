//! The rotation state machine: runs one step of the contract (section 5) for one secret, over
//! Vault and the adapter of the secret's credential kind, and answers a `SecretRotationOutput`.
//!
//! [`Rotator::run`] is a plain async fn: no HTTP, no Fn. Each step lives in its own file and has
//! the same shape: read the state, return early when the postcondition already holds (every step
//! is idempotent), act, answer.

mod create_pending_version;
mod error;
mod preflight;
mod promote_pending_version;
mod record;
mod update_target_system;
mod verify_connection;

use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument;

pub use error::{oci_code, preflight_code, Error};

use crate::adapters::{self, Target, TargetAdapter, Version};
use crate::binding::BindingMode;
use crate::last_outcome;
use crate::monitoring::{Metrics, StepResult};
use crate::notify::{self, Notifier, Subject};
use crate::oci::secrets::BundleSelector;
use crate::oci::vault::SecretWithEtag;
use crate::oci::Client;
use crate::protocol::{SecretRotationInput, SecretRotationOutput, Step};
use crate::secret::SecretConfig;

/// A step's success: the version number to report and what was done.
pub struct Outcome {
    /// `currentVersionNo` of the answer.
    pub version: Option<u64>,
    /// `returnMessage` of the answer (without the step prefix).
    pub message: String,
    /// True when this call promoted a version: the rotation completed.
    pub promoted: bool,
}

impl Outcome {
    fn new(version: Option<u64>, message: impl Into<String>) -> Self {
        Outcome { version, message: message.into(), promoted: false }
    }
}

/// Runs rotation steps. Shared by all invocations of a process.
#[derive(Clone)]
pub struct Rotator {
    client: Client,
    notifier: Option<Notifier>,
    metrics: Option<Metrics>,
    binding: BindingMode,
}

impl Rotator {
    /// A rotator over `client`, with the binding of contract 4.1 required.
    pub fn new(client: Client) -> Self {
        Rotator { client, notifier: None, metrics: None, binding: BindingMode::Required }
    }

    /// Sets whether IAM writes need the user to name the secret (`OCI_ROTATOR_USER_BINDING`).
    pub fn with_binding(mut self, binding: BindingMode) -> Self {
        self.binding = binding;
        self
    }

    /// Publishes completed rotations and failed steps to `notifier`'s topic.
    pub fn with_notifier(mut self, notifier: Notifier) -> Self {
        self.notifier = Some(notifier);
        self
    }

    /// Posts each step's metrics (`OCI_ROTATOR_METRICS_COMPARTMENT`; `crate::monitoring`).
    pub fn with_metrics(mut self, metrics: Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// The notifier, if a topic is configured.
    pub fn notifier(&self) -> Option<&Notifier> {
        self.notifier.as_ref()
    }

    /// The OCI client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs one step before `deadline` and answers. Never panics on OCI or input data; every
    /// failure becomes a responseCode (see `engine::error`).
    pub async fn run(&self, input: &SecretRotationInput, deadline: Instant) -> SecretRotationOutput {
        let span = tracing::info_span!("rotation", secret_id = %input.secret_id, step = %input.step, version_no = ?input.version_no);
        if input.step == Step::Preflight {
            // Reads only: no record on the secret, no notice (every write path below is skipped).
            let client = self.client.with_deadline(deadline);
            let out = preflight::run(&client, self.binding, self.notifier.as_ref(), input).instrument(span.clone()).await;
            tracing::info!(parent: &span, response_code = out.response_code, return_message = %out.return_message, "preflight answered");
            return out;
        }
        async {
            let started = std::time::Instant::now();
            let client = self.client.with_deadline(deadline);
            let mut config = None;
            let mut seen = None;
            let result = run_step(&client, self.binding, input, &mut config, &mut seen).await;
            let promoted = matches!(&result, Ok(o) if o.promoted);
            let subject = |version, opc_request_id| Subject {
                secret_id: &input.secret_id,
                kind: config.as_ref().map(|c| c.kind.as_str()),
                user_id: config.as_ref().map(|c| c.user_id.as_str()),
                version,
                step: Some(input.step.as_str()),
                opc_request_id,
            };
            let out = match result {
                Ok(outcome) => {
                    let out = SecretRotationOutput::new(200, outcome.version, format!("{}: {}", input.step, outcome.message));
                    tracing::info!(response_code = 200, current_version_no = ?outcome.version, elapsed_ms = started.elapsed().as_millis() as u64, return_message = %out.return_message, "step succeeded");
                    if let (Some(n), true) = (&self.notifier, outcome.promoted) {
                        n.publish(&client, &notify::rotation_completed(&subject(outcome.version, None), &out.return_message)).await;
                    }
                    // A promotion replaces a recorded failure; with none recorded, no call is made.
                    let failure_recorded = seen.as_ref().and_then(record::Seen::last_outcome).is_some_and(last_outcome::is_failure);
                    if outcome.promoted && failure_recorded && !client.is_dry_run() {
                        let value = last_outcome::succeeded(time::OffsetDateTime::now_utc());
                        record::record(&client, &input.secret_id, None, &value, deadline).await;
                    }
                    out
                }
                Err(e) => {
                    let code = e.response_code();
                    let out = SecretRotationOutput::new(code, None, format!("{}: {e}", input.step));
                    if code == 200 {
                        tracing::info!(return_message = %out.return_message, "dry run: stopped before the first write");
                    } else {
                        tracing::warn!(response_code = code, elapsed_ms = started.elapsed().as_millis() as u64, return_message = %out.return_message, "step failed");
                    }
                    if let (Some(n), 400 | 404 | 409) = (&self.notifier, code) {
                        n.publish(&client, &notify::step_failed(&subject(None, e.opc_request_id()), code, &out.return_message)).await;
                    }
                    // The failure is recorded on the secret the step read (none read: nothing to tag),
                    // unless the step lost a race with another writer of the secret (see `record`).
                    if let (Some(seen), false, false, false) = (&seen, code == 200, client.is_dry_run(), record::lost_a_race(&e)) {
                        let value = last_outcome::failed(input.step.as_str(), code, time::OffsetDateTime::now_utc(), &e.to_string());
                        record::record(&client, &input.secret_id, Some(seen), &value, deadline).await;
                    }
                    out
                }
            };
            // Best effort, after the answer is decided: it never changes it (`crate::monitoring`).
            if let (Some(m), false, true) = (&self.metrics, client.is_dry_run(), is_vault_step(input.step)) {
                let kind = config.as_ref().map(|c| c.kind.as_str());
                let r = StepResult { secret_id: &input.secret_id, credential_type: kind, step: input.step.as_str(), response_code: out.response_code, promoted };
                m.post(&client, &r).await;
            }
            out
        }
        .instrument(span)
        .await
    }
}

/// The four steps Vault sends (metrics are posted for these only, not for inputs of our own).
fn is_vault_step(step: Step) -> bool {
    matches!(step, Step::VerifyConnection | Step::CreatePendingVersion | Step::UpdateTargetSystem | Step::PromotePendingVersion)
}

async fn run_step(
    client: &Client,
    binding: BindingMode,
    input: &SecretRotationInput,
    config_out: &mut Option<SecretConfig>,
    seen_out: &mut Option<record::Seen>,
) -> Result<Outcome, Error> {
    let secret = match client.get_secret(&input.secret_id).await {
        Ok(s) => s,
        Err(e) if e.is_not_found() => return Err(Error::SecretNotFound(input.secret_id.clone())),
        Err(e) => return Err(e.into()),
    };
    match secret.secret.lifecycle_state.as_str() {
        "ACTIVE" | "UPDATING" | "CREATING" => {}
        "DELETED" | "DELETING" => return Err(Error::SecretNotFound(input.secret_id.clone())),
        other => return Err(Error::Conflict(format!("the secret is {other}; it cannot be rotated"))),
    }
    // A secret that can be rotated can carry the step's record (contract 6, point 8).
    *seen_out = Some(record::Seen { tags: secret.secret.freeform_tags.clone().unwrap_or_default(), etag: secret.etag.clone() });
    let config = SecretConfig::from_metadata(secret.secret.metadata.as_ref()).map_err(Error::SecretConfig)?;
    *config_out = Some(config.clone());
    adapters::with_adapter!(config.kind, |adapter| dispatch(adapter, client, binding, input, secret, config).await)
}

async fn dispatch<A: TargetAdapter>(
    adapter: &A,
    client: &Client,
    binding: BindingMode,
    input: &SecretRotationInput,
    secret: SecretWithEtag,
    config: SecretConfig,
) -> Result<Outcome, Error> {
    let mut cx = StepContext { adapter, client, binding, input, secret, config };
    match input.step {
        Step::VerifyConnection => verify_connection::run(&mut cx).await,
        Step::CreatePendingVersion => create_pending_version::run(&mut cx).await,
        Step::UpdateTargetSystem => update_target_system::run(&mut cx).await,
        Step::PromotePendingVersion => promote_pending_version::run(&mut cx).await,
        // Answered by `Rotator::run` before any step starts.
        Step::Preflight => Err(Error::Conflict("PREFLIGHT is not a rotation step".to_owned())),
    }
}

/// What every step works with.
struct StepContext<'a, A> {
    adapter: &'a A,
    client: &'a Client,
    binding: BindingMode,
    input: &'a SecretRotationInput,
    secret: SecretWithEtag,
    config: SecretConfig,
}

impl<A: TargetAdapter> StepContext<'_, A> {
    fn target(&self) -> Target<'_> {
        Target {
            client: self.client,
            secret_id: &self.input.secret_id,
            secret: &self.secret.secret,
            config: &self.config,
            binding: self.binding,
        }
    }

    /// Reads a version by stage or number.
    async fn read(&self, which: BundleSelector) -> Result<Option<Version>, Error> {
        Ok(adapters::read_version(self.adapter, &self.target(), which).await?)
    }

    /// The CURRENT version, which every step but PROMOTE needs.
    async fn current(&self) -> Result<Version, Error> {
        self.read(BundleSelector::Stage("CURRENT")).await?.ok_or_else(|| Error::Conflict("the secret has no CURRENT version".to_owned()))
    }

    /// The PENDING version if one exists, and the CURRENT version when the same read gave it.
    ///
    /// The newest version (stage LATEST) is read first, to learn two things at once: a PENDING
    /// version is the newest while it exists (a new version is always LATEST, and a newer PENDING
    /// replaces an older one), and when the newest is CURRENT it is the version whose content
    /// the step needs. So VERIFY and CREATE read one bundle where they read two (PENDING, then
    /// CURRENT). A newest version that is neither, or no answer for LATEST, says nothing: PENDING
    /// is then read by stage, as the contract words it.
    async fn pending_and_current(&self) -> Result<(Option<Version>, Option<Version>), Error> {
        Ok(match self.read(BundleSelector::Stage("LATEST")).await? {
            Some(v) if v.has_stage("PENDING") => (Some(v), None),
            Some(v) if v.has_stage("CURRENT") => (None, Some(v)),
            _ => (self.read(BundleSelector::Stage("PENDING")).await?, None),
        })
    }

    /// A short name of a version's credential for messages (`API_KEY 3f:...`).
    fn describe(&self, v: &Version) -> String {
        format!("{} {}", self.config.kind, v.credential_id)
    }

    /// Re-reads the secret until it is ACTIVE (a write leaves it UPDATING for a while), so the
    /// next UpdateSecret is accepted and carries a fresh etag.
    async fn wait_until_active(&mut self) -> Result<(), Error> {
        let mut wait = Duration::from_millis(20);
        loop {
            if self.secret.secret.lifecycle_state == "ACTIVE" {
                return Ok(());
            }
            let state = self.secret.secret.lifecycle_state.clone();
            if self.client.time_left().is_some_and(|left| left <= wait) {
                return Err(Error::Busy(state));
            }
            tracing::debug!(%state, wait_ms = wait.as_millis() as u64, "waiting for the secret to be ACTIVE");
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(Duration::from_secs(2));
            self.secret = self.client.get_secret(&self.input.secret_id).await?;
        }
    }
}
