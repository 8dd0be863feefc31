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
//! reported `NOT_STARTED`. With `--local`, [`InFlight`] follows how far each rotation under way
//! got, so that a second Ctrl-C, which ends the process at once, can name every secret it leaves
//! with a PENDING version and the command that finishes it.
//!
//! The report's words: [`FleetReport::text`] (the lines, totals and closing line) and, for
//! `--json`, [`Finished::json_line`] per secret as it finishes and [`FleetReport::summary_json`].

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::stream::{FuturesUnordered, StreamExt as _};
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::adapters::Target;
use crate::binding::BindingMode;
use crate::config::Settings;
use crate::driver::{Attempt, Driver, InProcess};
use crate::engine::Rotator;
use crate::fleet::managed::{self, ManagedSecret};
use crate::fleet::CollectError;
use crate::oci::auth::{Env, Principal};
use crate::oci::client::new_retry_token;
use crate::oci::vault::Secret;
use crate::oci::{Client, Error, RetryPolicy};
use crate::protocol::Step;
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
    /// `--local`: the rotations under way and how far each got (shared with whoever must name
    /// them if the process is stopped at once).
    pub in_flight: InFlight,
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
            in_flight: InFlight::default(),
        }
    }
}

/// How far a `--local` rotation under way got, as to its PENDING version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    /// VERIFY_CONNECTION not passed yet: nothing written.
    None,
    /// CREATE_PENDING_VERSION under way (or failed): a PENDING version may exist.
    Maybe,
    /// CREATE_PENDING_VERSION answered this PENDING version.
    Made(Option<u64>),
}

/// The secrets a `--local` run is rotating (by OCID: name, how far), shared between the run and
/// whatever reports them when the process is stopped at once (the CLI's second Ctrl-C). A
/// rotation leaves it when it is promoted, or ends before a PENDING version could exist; one
/// that failed after CREATE_PENDING_VERSION stays, since its PENDING version stays too.
#[derive(Debug, Clone, Default)]
pub struct InFlight(Arc<Mutex<BTreeMap<String, (String, Pending)>>>);

impl InFlight {
    fn with<T>(&self, f: impl FnOnce(&mut BTreeMap<String, (String, Pending)>) -> T) -> T {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn start(&self, secret_id: &str, name: &str) {
        self.with(|m| m.insert(secret_id.to_owned(), (name.to_owned(), Pending::None)));
    }

    /// A step answered (the driver's report).
    fn answered(&self, secret_id: &str, a: &Attempt) {
        let ok = a.output.response_code == 200;
        self.with(|m| match (a.step, ok) {
            (Step::PromotePendingVersion, true) => {
                m.remove(secret_id);
            }
            (Step::VerifyConnection, true) | (Step::CreatePendingVersion, false) => {
                if let Some((_, p @ Pending::None)) = m.get_mut(secret_id) {
                    *p = Pending::Maybe;
                }
            }
            (Step::CreatePendingVersion, true) => {
                if let Some((_, p)) = m.get_mut(secret_id) {
                    *p = Pending::Made(a.output.current_version_no);
                }
            }
            _ => {}
        });
    }

    /// The rotation ended (the process goes on): it leaves the set unless a PENDING version may
    /// be left behind.
    fn ended(&self, secret_id: &str) {
        self.with(|m| {
            if m.get(secret_id).is_some_and(|(_, p)| *p == Pending::None) {
                m.remove(secret_id);
            }
        });
    }

    /// The secrets left with a PENDING version (or that may be: CREATE_PENDING_VERSION was under
    /// way), by OCID: name, and what is known of the version.
    pub fn left_pending(&self) -> Vec<(String, String, String)> {
        self.with(|m| {
            m.iter()
                .filter_map(|(id, (name, p))| {
                    let what = match p {
                        Pending::None => return None,
                        Pending::Maybe => "may have a PENDING version (CREATE_PENDING_VERSION was under way)".to_owned(),
                        Pending::Made(Some(n)) => format!("PENDING version {n}"),
                        Pending::Made(None) => "a PENDING version".to_owned(),
                    };
                    Some((id.clone(), name.clone(), what))
                })
                .collect()
        })
    }

    /// What to print when the process stops at once (a second Ctrl-C): every secret left with a
    /// PENDING version, each with the command that finishes its rotation (`rotate --secret-id`:
    /// CREATE_PENDING_VERSION keeps an existing PENDING version, the other steps complete it).
    pub fn stopped_at_once(&self) -> String {
        let left = self.left_pending();
        if left.is_empty() {
            return "oci-rotator: interrupted again; stopping without waiting (--local: no secret is left with a PENDING version)"
                .to_owned();
        }
        let mut out = format!(
            "oci-rotator: interrupted again; stopping without waiting. With --local nothing else finishes these rotations: {} secret(s) left with a PENDING version; finish each with the command below it (it keeps the PENDING version and runs the remaining steps):",
            left.len()
        );
        for (id, name, what) in left {
            out.push_str(&format!(
                "\n  {} {id}: {what}\n    oci-rotator rotate --secret-id {id}",
                if name.is_empty() { "-" } else { &name }
            ));
        }
        out
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
        rotate_locally(fleet, args, &secret_id, &line.name).await
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
async fn rotate_locally(fleet: &Fleet, args: &FleetArgs, secret_id: &str, name: &str) -> (Outcome, Option<SecretState>) {
    let transport = InProcess { rotator: fleet.rotator.clone(), timeout: fleet.step_timeout };
    let driver = Driver { attempts_per_step: args.attempts, retry_wait: Duration::from_secs(2) };
    args.in_flight.start(secret_id, name);
    let mut follow = |a: &Attempt| args.in_flight.answered(secret_id, a);
    let answers = driver.rotate(&transport, secret_id, &mut follow).await;
    args.in_flight.ended(secret_id);
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
    /// A selected secret is done (after [`Watch::update`]): `--json` prints its line.
    fn finished(&mut self, _item: Finished<'_>) {}
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
                let managed = match examined {
                    Examined::Unmanaged => { report.unmanaged += 1; None }
                    Examined::OtherKind => { report.other_kind += 1; None }
                    Examined::Unreadable(id, e) => {
                        counts.failed += 1;
                        report.unreadable.push((id, e));
                        Some(false)
                    }
                    Examined::Managed(o) => {
                        if !matches!(o.outcome, Outcome::Rotated | Outcome::WouldRotate) {
                            counts.failed += 1;
                        }
                        report.outcomes.push(o);
                        Some(true)
                    }
                };
                let finished = match managed {
                    Some(true) => report.outcomes.last().map(Finished::Secret),
                    Some(false) => report.unreadable.last().map(|(id, e)| Finished::Unreadable { secret_id: id, error: e }),
                    None => None,
                };
                progress.update(counts, finished.as_ref().map(Finished::text).as_deref());
                if let Some(finished) = finished {
                    progress.finished(finished);
                }
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

/// A selected secret that is done, as a [`Watch`] is told of it.
#[derive(Debug, Clone, Copy)]
pub enum Finished<'a> {
    /// Read and rotated, or not (its outcome says).
    Secret(&'a SecretOutcome),
    /// GetSecret failed.
    Unreadable {
        /// The secret OCID.
        secret_id: &'a str,
        /// The error.
        error: &'a str,
    },
}

impl Finished<'_> {
    /// Its line of text ([`format_line`], or `UNREADABLE <OCID>: <error>`).
    pub fn text(&self) -> String {
        match self {
            Finished::Secret(o) => format_line(o),
            Finished::Unreadable { secret_id, error } => format!("UNREADABLE {secret_id}: {error}"),
        }
    }

    /// Its `--json` line: `event` `"secret"`, `secretId`, `name`, `kind`, `outcome` (ROTATED,
    /// FAILED, TIMED_OUT, WOULD_ROTATE, WOULD_FAIL, UNREADABLE), `currentBefore`, `currentAfter`,
    /// `rotationStatus`, `why` and `fixCommand` (the unbound user's, as the shell reads it), null
    /// when unknown or none. No secret material: OCIDs, names, numbers and messages only.
    pub fn json_line(&self) -> Value {
        match self {
            Finished::Secret(o) => {
                let why = match &o.outcome {
                    Outcome::Failed(why) | Outcome::WouldFail(why) => Some(why.as_str()),
                    _ => None,
                };
                json!({"event": "secret", "secretId": o.secret_id, "name": o.name, "kind": o.kind, "outcome": o.outcome.word(),
                    "currentBefore": o.current_before, "currentAfter": o.current_after, "rotationStatus": o.rotation_status,
                    "why": why, "fixCommand": why.and_then(crate::binding::fix_command)})
            }
            Finished::Unreadable { secret_id, error } => json!({"event": "secret", "secretId": secret_id, "name": null, "kind": null,
                "outcome": "UNREADABLE", "currentBefore": null, "currentAfter": null, "rotationStatus": null, "why": error, "fixCommand": null}),
        }
    }
}

/// Why a run stopped short of rotating every selected secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// Every selected secret was rotated (or, in a dry run, would be).
    Completed,
    /// Cancelled (Ctrl-C): some secrets not started.
    Interrupted,
    /// Failures, some of them OCI still answering 429 when the retries ran out.
    Throttled,
    /// Failures (or time-outs; in a dry run, secrets that would fail).
    Failures,
}

impl Stopped {
    /// Its word in `--json` (`stopped`).
    pub fn word(self) -> &'static str {
        match self {
            Stopped::Completed => "completed",
            Stopped::Interrupted => "interrupted",
            Stopped::Throttled => "throttled",
            Stopped::Failures => "failures",
        }
    }
}

/// Whether a failure's reason is OCI's throttling still answering 429 when the retries ran out
/// (the [`crate::oci::Error`] text: `OCI answered 429 TooManyRequests: ...`).
fn throttled(why: &str) -> bool {
    why.contains("answered 429") || why.contains("TooManyRequests")
}

impl FleetReport {
    /// Why each failed secret failed (unreadable ones included).
    fn failures(&self) -> Vec<&str> {
        self.outcomes
            .iter()
            .filter_map(|o| match &o.outcome {
                Outcome::Failed(why) | Outcome::WouldFail(why) => Some(why.as_str()),
                _ => None,
            })
            .chain(self.unreadable.iter().map(|(_, e)| e.as_str()))
            .collect()
    }

    /// Why the run stopped short, if it did.
    pub fn stopped(&self, dry_run: bool) -> Stopped {
        let failed = self.failures();
        if self.cancelled {
            Stopped::Interrupted
        } else if failed.is_empty() && self.count("TIMED_OUT") == 0 {
            Stopped::Completed
        } else if !dry_run && failed.iter().any(|why| throttled(why)) {
            Stopped::Throttled
        } else {
            Stopped::Failures
        }
    }

    /// The line after the totals saying why the run stopped short: interrupted (cancelled, some
    /// secrets not started), throttled out (rotations failed on 429s), or failures; None when every
    /// selected secret was rotated (or, in a dry run, would be).
    pub fn closing_line(&self, dry_run: bool) -> Option<String> {
        let not_started = self.count("NOT_STARTED");
        let failed = self.failures();
        let timed_out = self.count("TIMED_OUT");
        match self.stopped(dry_run) {
            Stopped::Completed => None,
            Stopped::Interrupted => Some(format!(
                "interrupted (cancelled): {not_started} secret(s) not started, nothing written to them; the rotations under way were waited for and are listed above"
            )),
            _ if dry_run => Some(format!("dry run: {} secret(s) would fail (the lines above say why)", failed.len())),
            stopped => {
                let why = if stopped == Stopped::Throttled {
                    let throttled = failed.iter().filter(|why| throttled(why)).count();
                    format!("throttled out: {throttled} of the {} failure(s) were OCI still answering 429 after the retries (run again later, or with a lower --concurrency)", failed.len())
                } else {
                    format!("failures: {} failed", failed.len())
                };
                Some(format!("stopped short, {why}; {timed_out} timed out (the lines above say why)"))
            }
        }
    }

    /// The report as text: each finished secret's line (NOT_STARTED ones only counted; an
    /// unbound user's fix command alone on the next line, ready to paste), the unreadable ones,
    /// the totals, the closing line and, in a dry run, what was read.
    pub fn text(&self, args: &FleetArgs) -> String {
        let mut out = String::new();
        for o in self.outcomes.iter().filter(|o| o.outcome != Outcome::NotStarted) {
            out.push_str(&format!("{}\n", format_line(o)));
            if let Outcome::Failed(why) | Outcome::WouldFail(why) = &o.outcome {
                if let Some(command) = crate::binding::fix_command(why) {
                    out.push_str(&format!("  fix (paste into a shell): {command}\n"));
                }
            }
        }
        for (id, e) in &self.unreadable {
            out.push_str(&format!("UNREADABLE   {id}  {e}\n"));
        }
        let (verb, failed) = if args.dry_run { ("would rotate", "would fail") } else { ("rotated", "failed") };
        out.push_str(&format!(
            "\n{} secrets listed: {} managed{}, {} unmanaged (no credentialType), {} of another kind; {verb} {}, {failed} {}, timed out {}, not started {}\n",
            self.listed,
            self.outcomes.len(),
            args.kind.map(|k| format!(" {k}")).unwrap_or_default(),
            self.unmanaged,
            self.other_kind,
            self.count(if args.dry_run { "WOULD_ROTATE" } else { "ROTATED" }),
            self.failures().len(),
            self.count("TIMED_OUT"),
            self.count("NOT_STARTED"),
        ));
        if let Some(line) = self.closing_line(args.dry_run) {
            out.push_str(&format!("{line}\n"));
        }
        if args.dry_run {
            out.push_str("dry run: nothing was written (reads only: ListSecrets, GetSecret, and each user's tags).\n");
        }
        out
    }

    /// The `--json` run's last line: `event` `"summary"`, `dryRun`, `kind` (`--kind`, or null),
    /// the counts (`listed`, `managed`, `unmanaged`, `otherKind`, `rotated`, `failed` (unreadable
    /// ones included), `timedOut`, `notStarted`, `wouldRotate`, `wouldFail`), `stopped`
    /// (`completed`, `interrupted`, `throttled`, `failures`), `message` (the closing line, or null)
    /// and `ok` (the exit status is 0).
    pub fn summary_json(&self, args: &FleetArgs) -> Value {
        json!({"event": "summary", "dryRun": args.dry_run, "kind": args.kind.map(|k| k.as_str()),
            "listed": self.listed, "managed": self.outcomes.len(), "unmanaged": self.unmanaged, "otherKind": self.other_kind,
            "rotated": self.count("ROTATED"), "failed": self.count("FAILED") + self.unreadable.len(), "timedOut": self.count("TIMED_OUT"),
            "notStarted": self.count("NOT_STARTED"), "wouldRotate": self.count("WOULD_ROTATE"), "wouldFail": self.count("WOULD_FAIL"),
            "stopped": self.stopped(args.dry_run).word(), "message": self.closing_line(args.dry_run), "ok": self.all_succeeded()})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(outcome: Outcome) -> SecretOutcome {
        SecretOutcome {
            secret_id: "ocid1.vaultsecret.oc1..a".to_owned(),
            name: "n".to_owned(),
            kind: "API_KEY".to_owned(),
            current_before: Some(1),
            current_after: Some(1),
            rotation_status: None,
            outcome,
        }
    }

    fn report(outcomes: Vec<Outcome>, cancelled: bool) -> FleetReport {
        FleetReport { outcomes: outcomes.into_iter().map(outcome).collect(), cancelled, ..FleetReport::default() }
    }

    #[test]
    fn the_closing_line_says_why_the_run_stopped_short() {
        assert_eq!(report(vec![Outcome::Rotated], false).closing_line(false), None);
        let cancelled = report(vec![Outcome::Rotated, Outcome::NotStarted, Outcome::NotStarted], true).closing_line(false).unwrap();
        assert!(cancelled.starts_with("interrupted") && cancelled.contains("2 secret(s) not started"), "{cancelled}");
        let failed = report(vec![Outcome::Failed("GetUser: OCI answered 404 NotAuthorizedOrNotFound: x".into())], false)
            .closing_line(false)
            .unwrap();
        assert!(failed.contains("failures: 1 failed") && !failed.contains("throttled"), "{failed}");
        let throttled =
            report(vec![Outcome::Failed("UploadApiKey: OCI answered 429 TooManyRequests: slow down".into()), Outcome::TimedOut], false)
                .closing_line(false)
                .unwrap();
        assert!(throttled.contains("throttled out: 1 of the 1 failure(s)") && throttled.contains("1 timed out"), "{throttled}");
    }

    #[test]
    fn the_summary_says_why_the_run_stopped_in_one_word() {
        let args = FleetArgs::new("ocid1.compartment.oc1..c");
        let summary = report(vec![Outcome::Rotated, Outcome::NotStarted], true).summary_json(&args);
        assert_eq!(
            (summary["stopped"].as_str(), summary["notStarted"].as_u64(), summary["ok"].as_bool()),
            (Some("interrupted"), Some(1), Some(false))
        );
        let summary = report(vec![Outcome::Failed("x: OCI answered 429 TooManyRequests: y".into())], false).summary_json(&args);
        assert_eq!((summary["stopped"].as_str(), summary["failed"].as_u64()), (Some("throttled"), Some(1)));
        assert_eq!(report(vec![Outcome::Rotated], false).summary_json(&args)["stopped"], "completed");
    }

    #[test]
    fn a_second_interrupt_names_only_the_secrets_a_pending_version_may_be_left_on() {
        let in_flight = InFlight::default();
        let answer =
            |step, code, version| Attempt { step, attempt: 1, output: crate::protocol::SecretRotationOutput::new(code, version, "m") };
        for id in ["verifying", "creating", "made", "promoted"] {
            in_flight.start(id, &format!("{id}-name"));
        }
        for id in ["creating", "made", "promoted"] {
            in_flight.answered(id, &answer(Step::VerifyConnection, 200, Some(1)));
        }
        for id in ["made", "promoted"] {
            in_flight.answered(id, &answer(Step::CreatePendingVersion, 200, Some(2)));
        }
        in_flight.answered("promoted", &answer(Step::PromotePendingVersion, 200, Some(2)));
        let left: Vec<(String, String)> = in_flight.left_pending().into_iter().map(|(id, _, what)| (id, what)).collect();
        assert_eq!(left.len(), 2, "{left:?}");
        assert!(left[0].0 == "creating" && left[0].1.starts_with("may have"), "{left:?}");
        assert_eq!(left[1], ("made".to_owned(), "PENDING version 2".to_owned()));
        let message = in_flight.stopped_at_once();
        assert!(message.contains("made-name made: PENDING version 2\n    oci-rotator rotate --secret-id made"), "{message}");
        assert!(!message.contains("verifying") && !message.contains("Vault"), "{message}");
        in_flight.ended("verifying");
        in_flight.ended("made");
        assert_eq!(in_flight.left_pending().len(), 2, "a failure after CREATE_PENDING_VERSION leaves its PENDING version");
    }
}
