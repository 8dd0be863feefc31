//! Mass rotation, behind `oci-rotator rotate --compartment-id OCID [--subtree] [--kind KIND]
//! [--concurrency N] [--dry-run] [--local]` (`cli/rotate_fleet.rs` prints): rotates every
//! managed secret of a compartment (issue 14).
//!
//! 1. Lists the secrets (ListSecrets, every `opc-next-page`) of the compartment, and with
//!    `--subtree` of every compartment below it (ListCompartments).
//! 2. For each, at most N at a time: GetSecret. A secret is managed when its metadata has a
//!    `credentialType` (and, with `--kind`, that one); others are skipped and counted. Steps 1
//!    and 2 are [`super::managed`]'s (`compartments`, `listed`, `read`), shared with `status` and
//!    Cloud Guard; only ACTIVE and UPDATING secrets are read and rotated. The
//!    CURRENT version number and `lastRotationTime` are noted.
//! 3. Asks Vault to rotate it (RotateSecret, a fresh `opc-retry-token` each, so a retried request
//!    is not a second rotation) and polls GetSecret (first after `--poll-interval`, then 1.5 times
//!    longer each time, at most 10 s apart, for at most `--wait-timeout`) until `rotationStatus`
//!    leaves `IN_PROGRESS`: rotated when `lastRotationTime` moved, failed otherwise (a rotation
//!    never seen `IN_PROGRESS` counts as not started yet for 20 s, in case Vault reports it late). With
//!    `--local`, plays the four steps in this process instead ([`crate::driver`], as
//!    `rotate --secret-id` does), for tenancies where no function is deployed yet.
//! 4. Reports each secret's outcome, `rotationStatus` and CURRENT version before and after.
//!
//! Throttling is absorbed: this command's client retries a 429 after the `retry-after` the service
//! sent (plus jitter) as often as it takes ([`RetryPolicy::throttled_attempts`] unbounded), so no
//! rotation fails because the tenancy is throttled; the function's own calls retry 429s too
//! (8 times, within the step's deadline). `--dry-run` writes nothing (reads only) and says per
//! secret what the real run would do: `WOULD_ROTATE`, or `WOULD_FAIL` with what it would refuse
//! (issue 18): through Vault, no rotation configuration or one that targets no function; in any
//! case, invalid metadata or a user who does not name the secret (contract 4.1; one GetUser, or
//! the domain's user, per secret; not checked when this command's own environment sets
//! `OCI_ROTATOR_USER_BINDING=off`). Cancellation (Ctrl-C, or the `cancel` future of [`rotate_fleet`]) stops
//! starting rotations, waits for the ones started and reports them; those never started are
//! reported `NOT_STARTED`.

use std::future::Future;
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt as _};
use tokio::time::Instant;

use crate::adapters::Target;
use crate::binding::BindingMode;
use crate::config::Settings;
use crate::driver::{Driver, InProcess};
use crate::engine::Rotator;
use crate::fleet::managed::{self, ManagedSecret};
use crate::fleet::CollectError;
use crate::oci::auth::{Env, Principal};
use crate::oci::client::new_retry_token;
use crate::oci::vault::Secret;
use crate::oci::{Client, Error, RetryPolicy};
use crate::secret::{CredentialKind, SecretConfig};

/// Options of `rotate --compartment-id`.
#[derive(Debug, Clone)]
pub struct FleetArgs {
    /// The compartment holding the secrets.
    pub compartment_id: String,
    /// Also every compartment below it.
    pub subtree: bool,
    /// Only secrets of this `credentialType`.
    pub kind: Option<CredentialKind>,
    /// Rotations in flight at most.
    pub concurrency: usize,
    /// List what would be rotated; write nothing.
    pub dry_run: bool,
    /// Run the four steps in this process instead of asking Vault (RotateSecret).
    pub local: bool,
    /// First wait before polling a rotation Vault runs.
    pub poll_interval: Duration,
    /// Longest wait for one rotation Vault runs.
    pub wait_timeout: Duration,
    /// `--local`: tries per step.
    pub attempts: u32,
}

impl FleetArgs {
    /// The defaults of the command line for `compartment_id`.
    pub fn new(compartment_id: impl Into<String>) -> Self {
        FleetArgs {
            compartment_id: compartment_id.into(),
            subtree: false,
            kind: None,
            concurrency: 10,
            dry_run: false,
            local: false,
            poll_interval: Duration::from_secs(1),
            wait_timeout: Duration::from_secs(900),
            attempts: 3,
        }
    }
}

/// How one secret's rotation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Rotated: a new CURRENT version (Vault's `lastRotationTime` moved, or all four steps answered 200).
    Rotated,
    /// Not rotated, and why.
    Failed(String),
    /// Vault still ran it when the wait ended.
    TimedOut,
    /// Never started (cancelled first).
    NotStarted,
    /// Dry run: would be rotated.
    WouldRotate,
    /// Dry run: the real run would fail, and why.
    WouldFail(String),
}

impl Outcome {
    /// The word printed for it.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Rotated => "ROTATED",
            Outcome::Failed(_) => "FAILED",
            Outcome::TimedOut => "TIMED_OUT",
            Outcome::NotStarted => "NOT_STARTED",
            Outcome::WouldRotate => "WOULD_ROTATE",
            Outcome::WouldFail(_) => "WOULD_FAIL",
        }
    }
}

/// One managed secret's line of the report.
#[derive(Debug, Clone)]
pub struct SecretOutcome {
    /// The secret OCID.
    pub secret_id: String,
    /// Its name.
    pub name: String,
    /// Its `credentialType`.
    pub kind: String,
    /// CURRENT version number before.
    pub current_before: Option<u64>,
    /// CURRENT version number after (None when not read again).
    pub current_after: Option<u64>,
    /// `rotationStatus` last read.
    pub rotation_status: Option<String>,
    /// The outcome.
    pub outcome: Outcome,
}

/// What the command did.
#[derive(Debug, Clone, Default)]
pub struct FleetReport {
    /// Secrets listed (managed or not).
    pub listed: usize,
    /// Listed secrets without `credentialType` in their metadata.
    pub unmanaged: usize,
    /// Managed secrets of another kind than `--kind`.
    pub other_kind: usize,
    /// Managed secrets, in the order they finished.
    pub outcomes: Vec<SecretOutcome>,
    /// Secrets that could not be read (GetSecret failed), with the error.
    pub unreadable: Vec<(String, String)>,
    /// True when cancelled.
    pub cancelled: bool,
}

impl FleetReport {
    /// True when every managed secret was rotated (or, in a dry run, would be), nothing was
    /// unreadable and nothing was cancelled: the exit status 0.
    pub fn all_succeeded(&self) -> bool {
        !self.cancelled
            && self.unreadable.is_empty()
            && self.outcomes.iter().all(|o| matches!(o.outcome, Outcome::Rotated | Outcome::WouldRotate))
    }

    /// How many ended with `outcome`'s word.
    pub fn count(&self, word: &str) -> usize {
        self.outcomes.iter().filter(|o| o.outcome.word() == word).count()
    }
}

/// The fields of GetSecret this command reads: the one GetSecret of `oci::vault`.
type SecretState = Secret;

/// The clients the command uses.
pub struct Fleet {
    /// Lists, reads, RotateSecret: throttling absorbed.
    pub client: Client,
    /// `--local`: the engine, over the same client.
    pub rotator: Rotator,
    /// `--local`: each step's time budget.
    pub step_timeout: Duration,
    /// Whether a dry run checks that each user names its secret (contract 4.1): this command's
    /// `OCI_ROTATOR_USER_BINDING`.
    pub binding: BindingMode,
}

impl Fleet {
    /// From the environment, as `rotate --secret-id` (API-key profile or resource principal).
    pub fn from_env(env: &dyn Env) -> Result<Fleet, String> {
        let principal = Principal::from_env(env).map_err(|e| e.to_string())?;
        let settings = Settings::from_env(env, &principal).map_err(|e| e.to_string())?;
        let retry = RetryPolicy { throttled_attempts: u32::MAX, ..settings.retry.clone() };
        let client = Client::new(principal, settings.endpoints.clone(), retry);
        let rotator = Rotator::new(client.clone()).with_binding(settings.binding);
        let rotator = match &settings.notify_topic {
            Some(topic) => rotator.with_notifier(crate::notify::Notifier::new(topic.clone())),
            None => rotator,
        };
        Ok(Fleet { client, rotator, step_timeout: settings.default_timeout, binding: settings.binding })
    }
}

async fn get_secret(client: &Client, secret_id: &str) -> Result<SecretState, Error> {
    Ok(client.get_secret(secret_id).await?.secret)
}

/// The secrets of the compartments ([`managed::listed`], one compartment after the other) that can
/// be rotated: ACTIVE, or UPDATING for a moment.
async fn rotatable(client: &Client, compartments: &[String]) -> Result<Vec<String>, CollectError> {
    let listed = managed::listed(client, compartments, 1, &mut |_| {}).await?;
    Ok(listed.into_iter().filter(|s| matches!(s.lifecycle_state.as_str(), "ACTIVE" | "UPDATING")).map(|s| s.id).collect())
}

/// What happened to one listed secret.
enum Examined {
    Unmanaged,
    OtherKind,
    Unreadable(String, String),
    Managed(SecretOutcome),
}

/// One secret: read, filter, rotate (or not, in a dry run), report.
async fn examine(fleet: &Fleet, args: &FleetArgs, secret_id: String) -> Examined {
    let Some(ManagedSecret { secret: before, kind }) = (match managed::read(&fleet.client, &secret_id).await {
        Ok(m) => m,
        Err(e) => return Examined::Unreadable(secret_id, e.to_string()),
    }) else {
        return Examined::Unmanaged;
    };
    if args.kind.is_some_and(|k| k.as_str() != kind) {
        return Examined::OtherKind;
    }
    let mut line = SecretOutcome {
        secret_id: secret_id.clone(),
        name: before.name().to_owned(),
        kind,
        current_before: before.current_version_number,
        current_after: None,
        rotation_status: before.rotation_status.clone(),
        outcome: Outcome::WouldRotate,
    };
    if args.dry_run {
        if let Some(why) = would_refuse(fleet, args, &secret_id, &before).await {
            line.outcome = Outcome::WouldFail(why);
        }
        return Examined::Managed(line);
    }
    let (outcome, after) = if args.local {
        rotate_locally(fleet, args, &secret_id).await
    } else {
        rotate_through_vault(fleet, args, &secret_id, &before).await
    };
    line.outcome = outcome;
    if let Some(after) = after {
        line.current_after = after.current_version_number;
        line.rotation_status = after.rotation_status;
    }
    Examined::Managed(line)
}

/// Dry run: what the real run would refuse for this secret, or None when it would rotate it.
/// Through Vault (not `--local`), RotateSecret needs a rotation configuration that targets a
/// function; either way the steps need valid metadata and, with the binding on, a user who names
/// the secret (read only: GetUser, or the user in its identity domain).
async fn would_refuse(fleet: &Fleet, args: &FleetArgs, secret_id: &str, secret: &SecretState) -> Option<String> {
    if !args.local {
        let Some(rc) = secret.rotation_config.as_ref().filter(|r| r.is_object()) else {
            return Some(
                "no rotation configuration: Vault would refuse RotateSecret (attach the function: `enroll --function-id`, or `oci vault secret update --rotation-config`; or use --local)".to_owned(),
            );
        };
        let target = &rc["targetSystemDetails"];
        if target["targetSystemType"].as_str() != Some("FUNCTION") || target["functionId"].as_str().is_none_or(str::is_empty) {
            return Some(format!(
                "its rotation configuration targets no function (targetSystemType {}): Vault would not call oci-rotator",
                target["targetSystemType"].as_str().unwrap_or("-")
            ));
        }
    }
    let config = match SecretConfig::from_metadata(secret.metadata.as_ref()) {
        Ok(c) => c,
        Err(e) => return Some(format!("every step would answer 400: {e}")),
    };
    let t = Target::unread(&fleet.client, secret_id, &config, fleet.binding);
    match t.bind().await {
        Ok(_) => None,
        Err(e) => Some(format!("the rotation would be refused: {e}")),
    }
}

/// How long a secret whose rotation was never seen `IN_PROGRESS` and whose `lastRotationTime` did
/// not move counts as not started yet rather than failed.
const START_GRACE: Duration = Duration::from_secs(20);

/// RotateSecret, then GetSecret until Vault's rotation ended.
async fn rotate_through_vault(fleet: &Fleet, args: &FleetArgs, secret_id: &str, before: &SecretState) -> (Outcome, Option<SecretState>) {
    if let Err(e) = fleet.client.rotate_secret(secret_id, &new_retry_token()).await {
        return (Outcome::Failed(e.to_string()), None);
    }
    let started = Instant::now();
    let mut wait = args.poll_interval;
    let cap = args.poll_interval.max(Duration::from_secs(10));
    let mut last = None;
    let mut seen_running = false;
    loop {
        tokio::time::sleep(wait).await;
        wait = wait.mul_f64(1.5).min(cap);
        match get_secret(&fleet.client, secret_id).await {
            Ok(now) => {
                let running = matches!(now.rotation_status.as_deref(), Some("IN_PROGRESS" | "CANCELLING"));
                seen_running |= running;
                let rotated = now.last_rotation_time.is_some() && now.last_rotation_time != before.last_rotation_time;
                // Vault may report IN_PROGRESS a moment after accepting RotateSecret (its docs do
                // not say it is synchronous): unchanged and never seen running is "not started
                // yet" for a while, not "failed".
                let not_started_yet = !running && !rotated && !seen_running && started.elapsed() < START_GRACE;
                if !running && !not_started_yet {
                    let outcome = if rotated {
                        Outcome::Rotated
                    } else {
                        Outcome::Failed(format!(
                            "Vault's rotation did not complete (rotationStatus {}, lastRotationTime unchanged): see the function's logs",
                            now.rotation_status.as_deref().unwrap_or("-")
                        ))
                    };
                    return (outcome, Some(now));
                }
                last = Some(now);
            }
            // A read failing is not the rotation failing: keep polling until the wait ends.
            Err(e) => tracing::warn!(%secret_id, error = %e, "GetSecret failed while waiting for the rotation"),
        }
        if started.elapsed() >= args.wait_timeout {
            return (Outcome::TimedOut, last);
        }
    }
}

/// The four steps in this process.
async fn rotate_locally(fleet: &Fleet, args: &FleetArgs, secret_id: &str) -> (Outcome, Option<SecretState>) {
    let transport = InProcess { rotator: fleet.rotator.clone(), timeout: fleet.step_timeout };
    let driver = Driver { attempts_per_step: args.attempts, retry_wait: Duration::from_secs(2) };
    let mut ignore = |_: &crate::driver::Attempt| {};
    let answers = driver.rotate(&transport, secret_id, &mut ignore).await;
    let outcome = match answers.last() {
        Some((_, o)) if answers.len() == 4 && o.response_code == 200 => Outcome::Rotated,
        Some((step, o)) => Outcome::Failed(format!("{step} answered {}: {}", o.response_code, o.return_message)),
        None => Outcome::Failed("no step ran".to_owned()),
    };
    (outcome, get_secret(&fleet.client, secret_id).await.ok())
}

/// Why a mass rotation could not start: a compartment (its subtree, or its secrets) could not
/// be listed (the CLI's exit 2).
#[derive(Debug, thiserror::Error)]
pub enum RotateError {
    /// The compartment does not exist or cannot be read.
    #[error("{0}")]
    Compartment(String),
}

/// Counts a [`Watch`] is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Items to do: the secrets listed, less those found unmanaged or of another kind than
    /// `--kind` so far (their kind is known once read), so that it ends at the selected secrets.
    pub total: usize,
    /// Selected items done, whatever their outcome.
    pub done: usize,
    /// Items that failed.
    pub failed: usize,
    /// Items under way.
    pub in_flight: usize,
}

/// What watches a mass rotation (the CLI's progress bar on stderr).
pub trait Watch {
    /// Counts changed; `line`: the finished item's line ([`format_line`]), if any.
    fn update(&mut self, counts: Counts, line: Option<&str>);
    /// A message outside the counts (a cancellation).
    fn note(&mut self, message: &str);
    /// The run is over.
    fn finish(&mut self);
}

/// Lists and rotates (see the module doc). `cancel` resolving stops starting rotations; the
/// report then has `cancelled` set. `progress` is told of every finished secret.
pub async fn rotate_fleet(
    fleet: &Fleet,
    args: &FleetArgs,
    cancel: impl Future<Output = ()>,
    progress: &mut dyn Watch,
) -> Result<FleetReport, RotateError> {
    // A compartment that does not exist or cannot be read is an error (exit 2), not "0 secrets".
    let unreadable = |e: CollectError| RotateError::Compartment(e.to_string());
    let compartments = managed::compartments(&fleet.client, &args.compartment_id, args.subtree).await.map_err(unreadable)?;
    let queue = rotatable(&fleet.client, &compartments).await.map_err(unreadable)?;
    let mut report = FleetReport { listed: queue.len(), ..FleetReport::default() };
    let mut queue = queue.into_iter();
    let mut counts = Counts { total: report.listed, ..Counts::default() };
    let mut in_flight = FuturesUnordered::new();
    let cancel = std::pin::pin!(cancel);
    let mut cancel = cancel;
    loop {
        while !report.cancelled && in_flight.len() < args.concurrency.max(1) {
            let Some(id) = queue.next() else { break };
            in_flight.push(examine(fleet, args, id));
        }
        counts.in_flight = in_flight.len();
        if in_flight.is_empty() {
            break;
        }
        tokio::select! {
            () = &mut cancel, if !report.cancelled => {
                report.cancelled = true;
                progress.note(&format!("cancelled: starting no more rotations; waiting for the {} under way", in_flight.len()));
            }
            Some(examined) = in_flight.next() => {
                counts.in_flight = in_flight.len();
                // The total counts the selected secrets: one found unmanaged or of another kind
                // than `--kind` leaves it (it is not "done"); any other is done.
                let skipped = matches!(examined, Examined::Unmanaged | Examined::OtherKind);
                if skipped {
                    counts.total = counts.total.saturating_sub(1);
                } else {
                    counts.done += 1;
                }
                let line = match examined {
                    Examined::Unmanaged => { report.unmanaged += 1; None }
                    Examined::OtherKind => { report.other_kind += 1; None }
                    Examined::Unreadable(id, e) => {
                        counts.failed += 1;
                        let line = format!("UNREADABLE {id}: {e}");
                        report.unreadable.push((id, e));
                        Some(line)
                    }
                    Examined::Managed(o) => {
                        if !matches!(o.outcome, Outcome::Rotated | Outcome::WouldRotate) {
                            counts.failed += 1;
                        }
                        let line = format_line(&o);
                        report.outcomes.push(o);
                        Some(line)
                    }
                };
                progress.update(counts, line.as_deref());
            }
        }
    }
    for id in queue {
        // Cancelled before these started: listed, not read.
        report.outcomes.push(SecretOutcome {
            secret_id: id,
            name: String::new(),
            kind: String::new(),
            current_before: None,
            current_after: None,
            rotation_status: None,
            outcome: Outcome::NotStarted,
        });
    }
    progress.finish();
    Ok(report)
}

fn version(v: Option<u64>) -> String {
    v.map_or("-".to_owned(), |n| format!("v{n}"))
}

/// One secret's line: outcome, kind, CURRENT before -> after, rotationStatus, name, OCID, why.
pub fn format_line(o: &SecretOutcome) -> String {
    let why = match &o.outcome {
        Outcome::Failed(why) | Outcome::WouldFail(why) => format!("  {why}"),
        _ => String::new(),
    };
    format!(
        "{:<12} {:<20} CURRENT {} -> {}  rotationStatus {}  {} {}{why}",
        o.outcome.word(),
        if o.kind.is_empty() { "-" } else { &o.kind },
        version(o.current_before),
        version(o.current_after),
        o.rotation_status.as_deref().unwrap_or("-"),
        if o.name.is_empty() { "-" } else { &o.name },
        o.secret_id
    )
}
