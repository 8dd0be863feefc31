//! The fleet view behind `oci-rotator status`: every managed secret of a compartment (and its
//! subtree) with its state, and the credentials its users hold that no secret manages. Read-only.
//!
//! Calls, in order (each list paged as OCI pages it; work within a phase runs `concurrency` at a
//! time):
//!
//! 1. `--subtree`: ListCompartments (on the tenancy, once with `compartmentIdInSubtree`; elsewhere
//!    one listing per compartment of the tree).
//! 2. ListSecrets per compartment (secrets being deleted are skipped).
//! 3. Per secret: GetSecret (ListSecrets' `SecretSummary` carries no `metadata`, so telling a
//!    managed secret, one whose metadata has `credentialType`, takes one GetSecret per secret).
//!    Steps 1 to 3 are [`managed::managed_secrets`], shared with mass rotation and Cloud Guard.
//!    Per managed secret also one ListSecretVersions page (the newest 10: CURRENT's
//!    `timeCreated`, whether a PENDING version exists; no content read).
//! 4. Per user of a Default-domain secret: GetUser (the binding tag, contract 4.1) and one listing
//!    per credential kind (its family's list, `oci::family`: ListApiKeys, ListAuthTokens...;
//!    GetUserUIPasswordInformation for the console password). Per user of another identity domain (`domainId`): GetDomain
//!    once per domain, the user with its OCI tags and password state (`GET /admin/v1/Users` with
//!    `filter=ocid eq "<ocid>"`), and one SCIM listing per kind but the console password (its date comes with the user).
//! 5. Per managed secret: bundle reads as [`iam`] says (CURRENT always, PREVIOUS and PENDING only
//!    while a credential is unexplained).
//!
//! So calls per secret are bounded (at most 2 + 3 bundle reads, plus 8 per user) whatever the
//! fleet's size. A domain or domain user that cannot be read is listed under `notCovered`; see
//! docs/fleet.md.

pub mod health;
pub mod iam;
pub mod managed;
pub mod report;
pub mod rotate;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use serde::Serialize;
use time::OffsetDateTime;

use crate::binding::{names_secret, tag_key};
use crate::last_outcome::{self, LastOutcome, OutcomeResult};
use crate::oci::identity::DatedCredential;
use crate::oci::vault::{Secret, SecretVersionSummary};
use crate::oci::{Client, Error};
use crate::protocol::is_ocid_of;
use crate::secret::{CredentialKind, SecretConfig};
use managed::{ManagedSecret, ManagedSecrets};

/// Newest versions read per managed secret.
const VERSIONS_READ: usize = 10;

/// What to look at.
#[derive(Debug, Clone)]
pub struct Options {
    /// The compartment (or tenancy) whose secrets are listed.
    pub compartment_id: String,
    /// Include every compartment under it.
    pub subtree: bool,
    /// Unmanaged credentials older than this are stale.
    pub older_than: Duration,
    /// Now (ages are counted to it).
    pub now: OffsetDateTime,
    /// OCI calls in flight at once.
    pub concurrency: usize,
    /// An unbound user is healthy (the function runs with `OCI_ROTATOR_USER_BINDING=off`).
    pub allow_unbound: bool,
}

/// Why the view could not be taken at all.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// `--compartment-id` is not a compartment or tenancy OCID (refused before any call).
    #[error("--compartment-id must be a compartment or tenancy OCID (ocid1.compartment.<realm>... or ocid1.tenancy.<realm>...)")]
    NotACompartment,
    /// A compartment (or its subtree, or its secrets) could not be listed: it does not exist, the
    /// caller may not read it, or OCI kept failing.
    #[error("compartment {compartment} does not exist or cannot be read: {source}")]
    Compartment {
        /// The compartment asked for, or the one of its subtree that failed.
        compartment: String,
        /// What OCI answered.
        source: Error,
    },
}

/// How far the collection is, for a progress line.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    /// The phase (`compartments`, `secrets`, `users`, `versions`).
    pub phase: &'static str,
    /// Items done in this phase.
    pub done: usize,
    /// Items in this phase.
    pub total: usize,
}

/// One managed secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretStatus {
    /// The secret's OCID.
    pub secret_id: String,
    /// Its name.
    pub secret_name: String,
    /// Its compartment.
    pub compartment_id: String,
    /// Its `lifecycleState`.
    pub lifecycle_state: String,
    /// `metadata.credentialType` as written.
    pub credential_type: String,
    /// `metadata.userId`, when valid.
    pub user_id: Option<String>,
    /// `metadata.domainId`, when set.
    pub domain_id: Option<String>,
    /// The CURRENT version number.
    pub current_version_number: Option<u64>,
    /// When the CURRENT version was created.
    pub current_version_time_created: Option<String>,
    /// Its age in whole days.
    pub current_version_age_days: Option<i64>,
    /// The credential the CURRENT version holds (fingerprint, token OCID, access key); none for
    /// console passwords.
    pub credential_id: Option<String>,
    /// `rotationStatus` (`IN_PROGRESS`, `SCHEDULED`, `NOT_ENABLED`, `CANCELLING`).
    pub rotation_status: Option<String>,
    /// `lastRotationTime`.
    pub last_rotation_time: Option<String>,
    /// `nextRotationTime`.
    pub next_rotation_time: Option<String>,
    /// `rotationConfig.rotationInterval`.
    pub rotation_interval: Option<String>,
    /// `rotationConfig.targetSystemDetails.targetSystemType` is `FUNCTION`.
    pub targets_function: bool,
    /// That function's OCID.
    pub function_id: Option<String>,
    /// The user's tag `oci-rotator-<kind>` names the secret (contract 4.1; for a user of an
    /// identity domain, its OCI tags extension); null when not checked (user not readable,
    /// metadata invalid).
    pub bound: Option<bool>,
    /// The function's record of the last step that failed, or of the promotion that followed
    /// one (the secret's freeform tag `oci-rotator-last-outcome`); null when there is none.
    pub last_outcome: Option<LastOutcome>,
    /// The pause recorded on the secret (its tag `oci-rotator-paused`: `{"reason", "until"}`,
    /// `until` null for an open pause); null when it is not paused.
    pub paused: Option<crate::pause_tag::Pause>,
    /// True when `problems` is not empty.
    pub failed: bool,
    /// Why it is failed.
    pub problems: Vec<String>,
}

/// A credential IAM holds for a user of the fleet that no secret manages.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnmanagedCredential {
    /// The user.
    pub user_id: String,
    /// Its kind (`API_KEY`...).
    pub credential_type: String,
    /// Fingerprint, token OCID, access key, or `console-password`.
    pub credential_id: String,
    /// Description / display name, where IAM keeps one.
    pub description: Option<String>,
    /// `timeCreated`.
    pub time_created: Option<String>,
    /// Age in whole days.
    pub age_days: Option<i64>,
    /// `lifecycleState`.
    pub lifecycle_state: String,
    /// Older than `--older-than`.
    pub stale: bool,
}

/// A user of an identity domain whose credentials the view could not read (the domain or the user
/// in it could not be read; the reason says which).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotCovered {
    /// The user.
    pub user_id: String,
    /// The user's identity domain.
    pub domain_id: String,
    /// Why.
    pub reason: String,
}

/// A read that failed (the view is then incomplete).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadError {
    /// The secret, user or compartment read.
    pub resource: String,
    /// What OCI answered.
    pub message: String,
}

/// The whole view.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The compartment asked for.
    pub compartment_id: String,
    /// Every compartment looked at (it, and its subtree with `--subtree`).
    pub compartments: Vec<String>,
    /// The staleness threshold, in days.
    pub older_than_days: u64,
    /// When the view was taken (RFC 3339).
    pub generated_at: String,
    /// Secrets listed whose metadata has no `credentialType` (not managed; not shown).
    pub other_secrets: usize,
    /// Managed secrets, by compartment and name.
    pub secrets: Vec<SecretStatus>,
    /// Credentials no secret manages, by user and kind.
    pub unmanaged: Vec<UnmanagedCredential>,
    /// Users whose credentials were not read.
    pub not_covered: Vec<NotCovered>,
    /// Reads that failed.
    pub errors: Vec<ReadError>,
    /// Unbound users do not make the view unhealthy (`--allow-unbound`).
    #[serde(skip)]
    pub allow_unbound: bool,
}

impl Report {
    /// Managed secrets that are failed.
    pub fn failed(&self) -> usize {
        self.secrets.iter().filter(|s| s.failed).count()
    }

    /// Unmanaged credentials that are stale.
    pub fn stale(&self) -> usize {
        self.unmanaged.iter().filter(|c| c.stale).count()
    }

    /// Managed secrets whose user does not name them (their next rotation will fail).
    pub fn unbound(&self) -> usize {
        self.secrets.iter().filter(|s| s.bound == Some(false)).count()
    }

    /// Nothing failed, nothing stale, no unbound user (unless allowed), every read answered.
    pub fn healthy(&self) -> bool {
        self.failed() == 0 && self.stale() == 0 && self.errors.is_empty() && (self.allow_unbound || self.unbound() == 0)
    }
}

/// A managed secret read in phase 3.
struct Found {
    details: Secret,
    kind: String,
    config: Result<SecretConfig, String>,
    versions: Vec<SecretVersionSummary>,
    current_created: Option<String>,
    problems: Vec<String>,
}

/// A user read in phase 4.
struct UserRead {
    tags: Option<BTreeMap<String, String>>,
    held: Vec<(CredentialKind, Vec<DatedCredential>)>,
    error: Option<String>,
}

/// Runs `work` over `items`, `n` at a time, calling `progress` after each; results in any order.
async fn run_all<I, T, F, Fut, P>(items: Vec<I>, n: usize, phase: &'static str, progress: &mut P, work: F) -> Vec<T>
where
    P: FnMut(Progress) + ?Sized,
    F: Fn(I) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let total = items.len();
    let mut out = Vec::with_capacity(total);
    let mut results = stream::iter(items.into_iter().map(work)).buffer_unordered(n.max(1));
    while let Some(r) = results.next().await {
        out.push(r);
        progress(Progress { phase, done: out.len(), total });
    }
    out
}

/// The versions of a managed secret read in phase 2: the newest [`VERSIONS_READ`], and CURRENT's
/// `timeCreated` (GetSecretVersion when it is not among them).
async fn read_versions(client: &Client, m: ManagedSecret) -> Result<Found, ReadError> {
    let ManagedSecret { secret: details, kind } = m;
    let id = details.id.clone();
    let err = |e: Error| ReadError { resource: id.clone(), message: e.to_string() };
    let config = SecretConfig::from_metadata(details.metadata.as_ref());
    let versions = client.list_secret_versions(&id, VERSIONS_READ).await.map_err(err)?;
    let mut current_created = versions.iter().find(|v| v.has_stage("CURRENT")).and_then(|v| v.time_created.clone());
    if current_created.is_none() {
        if let Some(n) = details.current_version_number {
            current_created = client.get_secret_version(&id, n).await.map_err(err)?.time_created;
        }
    }
    Ok(Found { details, kind, config, versions, current_created, problems: Vec::new() })
}

async fn read_user(client: &Client, (user_id, domain_id): (String, Option<String>)) -> (String, UserRead) {
    if let Some(domain_id) = domain_id {
        return read_domain_user(client, user_id, &domain_id).await;
    }
    let mut read = UserRead { tags: None, held: Vec::new(), error: None };
    match client.get_user(&user_id).await {
        Ok(u) => read.tags = Some(u.freeform_tags),
        Err(e) if e.is_not_found() => {
            read.error = Some(format!("user {user_id} does not exist or may not be read"));
            return (user_id, read);
        }
        Err(e) => read.error = Some(e.to_string()),
    }
    for kind in CredentialKind::ALL {
        match iam::held_by_iam(client, &user_id, kind).await {
            Ok(held) => read.held.push((kind, held)),
            Err(e) => read.error = Some(e.to_string()),
        }
    }
    (user_id, read)
}

/// A user of an identity domain: the domain's URL (GetDomain, once per domain), the user with its
/// OCI tags and password state (one call), then one listing per credential kind but the console
/// password, whose date came with the user.
async fn read_domain_user(client: &Client, user_id: String, domain_id: &str) -> (String, UserRead) {
    let mut read = UserRead { tags: None, held: Vec::new(), error: None };
    let base = match client.domain(domain_id).await {
        Ok(d) => d.url,
        Err(e) => {
            read.error = Some(format!("identity domain {domain_id}: {e}"));
            return (user_id, read);
        }
    };
    let user = match client.domain_user(&base, &user_id, true).await {
        Ok(u) => u,
        Err(e) if e.is_not_found() => {
            read.error = Some(format!("user {user_id} does not exist or may not be read (identity domain {domain_id})"));
            return (user_id, read);
        }
        Err(e) => {
            read.error = Some(e.to_string());
            return (user_id, read);
        }
    };
    read.tags = Some(user.freeform_tags.clone());
    for kind in CredentialKind::ALL {
        match iam::held_by_domain(client, &base, &user.id, user.password_set_at.as_deref(), kind).await {
            Ok(held) => read.held.push((kind, held)),
            Err(e) => read.error = Some(e.to_string()),
        }
    }
    (user_id, read)
}

/// `status`: refuses a `compartment_id` that is not a compartment or tenancy OCID before any call,
/// then [`collect`]s with every call bound to `timeout`; a 429 is retried after its `retry-after`
/// for as long as that leaves time (the client's own 429 budget does not apply), as
/// `rotate --compartment-id` does: a throttled tenancy makes the run slower, not unhealthy.
pub async fn status(
    client: &Client,
    opts: &Options,
    timeout: Duration,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, CollectError> {
    if !is_ocid_of(&opts.compartment_id, "compartment") && !is_ocid_of(&opts.compartment_id, "tenancy") {
        return Err(CollectError::NotACompartment);
    }
    let client = client.with_throttled_attempts(u32::MAX).with_deadline(tokio::time::Instant::now() + timeout);
    collect(&client, opts, progress).await
}

/// Collects the view. Fails only when the compartments or the secrets cannot be listed; a secret
/// or user that cannot be read is recorded in [`Report::errors`].
pub async fn collect(client: &Client, opts: &Options, progress: &mut dyn FnMut(Progress)) -> Result<Report, CollectError> {
    let n = opts.concurrency.max(1);
    let ManagedSecrets { compartments: compartment_ids, listed, managed, unreadable: mut errors } =
        managed::managed_secrets(client, &opts.compartment_id, opts.subtree, n, progress).await?;
    let other_secrets = listed - managed.len() - errors.len();
    let mut found = Vec::new();
    for r in run_all(managed, n, "secret versions", progress, |m| read_versions(client, m)).await {
        match r {
            Ok(f) => found.push(f),
            Err(e) => errors.push(e),
        }
    }

    // Users of the Default domain (the classic API) and of other identity domains (their REST API).
    let user_list: BTreeSet<(String, Option<String>)> =
        found.iter().filter_map(|f| f.config.as_ref().ok()).map(|c| (c.user_id.clone(), c.domain_id.clone())).collect();
    let users: BTreeMap<String, UserRead> =
        run_all(user_list.into_iter().collect(), n, "users", progress, |u| read_user(client, u)).await.into_iter().collect();

    // Per (user, kind): which credentials the user's secrets manage.
    let mut groups: BTreeMap<(String, CredentialKind), Vec<usize>> = BTreeMap::new();
    for (i, f) in found.iter().enumerate() {
        if let Ok(c) = &f.config {
            groups.entry((c.user_id.clone(), c.kind)).or_default().push(i);
        }
    }
    let group_list: Vec<((String, CredentialKind), Vec<usize>)> = groups.into_iter().collect();
    let found_ref = &found;
    let users_ref = &users;
    let matched = run_all(group_list, n, "versions", progress, |((user, kind), members)| async move {
        let empty = Vec::new();
        let listed = users_ref.get(&user).and_then(|u| u.held.iter().find(|(k, _)| *k == kind)).map_or(&empty, |(_, l)| l);
        let group: Vec<iam::GroupSecret<'_>> = members
            .iter()
            .map(|&i| iam::GroupSecret {
                secret_id: &found_ref[i].details.id,
                current: found_ref[i].details.current_version_number,
                has_pending: found_ref[i].versions.iter().any(|v| v.has_stage("PENDING")),
            })
            .collect();
        let m = iam::match_group(client, kind, listed, &group).await;
        ((user, kind), members, m)
    })
    .await;

    let mut managed_ids: BTreeMap<(String, CredentialKind), BTreeSet<String>> = BTreeMap::new();
    let mut current_ids: BTreeMap<String, String> = BTreeMap::new();
    for ((user, kind), members, m) in matched {
        for (secret, problems) in m.problems {
            if let Some(&i) = members.iter().find(|&&i| found[i].details.id == secret) {
                found[i].problems.extend(problems);
            }
        }
        let listed_ids: BTreeSet<String> = users
            .get(&user)
            .and_then(|u| u.held.iter().find(|(k, _)| *k == kind))
            .map(|(_, l)| l.iter().map(|c| c.id.clone()).collect())
            .unwrap_or_default();
        for (secret, credential) in &m.current {
            if users.get(&user).is_some_and(|u| u.error.is_none()) && !listed_ids.contains(credential) {
                if let Some(&i) = members.iter().find(|&&i| &found[i].details.id == secret) {
                    found[i].problems.push(format!("the CURRENT credential {credential} is not in IAM"));
                }
            }
        }
        current_ids.extend(m.current);
        managed_ids.entry((user, kind)).or_default().extend(m.managed.into_keys());
    }

    let stale_after = opts.older_than.as_secs() / 86400;
    let mut unmanaged = Vec::new();
    let mut not_covered = Vec::new();
    for (user_id, read) in &users {
        if let Some(e) = &read.error {
            errors.push(ReadError { resource: user_id.clone(), message: e.clone() });
        }
        for (kind, held) in &read.held {
            let managed = managed_ids.get(&(user_id.clone(), *kind));
            for c in held.iter().filter(|c| managed.is_none_or(|m| !m.contains(&c.id))) {
                let age_days = c.time_created.as_deref().and_then(|t| health::age_days(t, opts.now));
                unmanaged.push(UnmanagedCredential {
                    user_id: user_id.clone(),
                    credential_type: kind.as_str().to_owned(),
                    credential_id: c.id.clone(),
                    description: c.description.clone(),
                    time_created: c.time_created.clone(),
                    age_days,
                    lifecycle_state: c.lifecycle_state.clone(),
                    stale: age_days.is_some_and(|d| d >= 0 && d as u64 > stale_after),
                });
            }
        }
    }

    let mut secrets = Vec::with_capacity(found.len());
    for f in found {
        let d = &f.details;
        let mut problems = health::secret_problems(d, &f.versions, opts.now);
        let (paused, pause_problems) = health::pause_problems(d, opts.now);
        problems.extend(pause_problems);
        problems.extend(f.problems);
        let (user_id, domain_id, bound) = match &f.config {
            Ok(c) => {
                let bound = match users.get(&c.user_id) {
                    Some(UserRead { tags: Some(tags), .. }) => Some(tags.get(&tag_key(c.kind)).is_some_and(|v| names_secret(v, &d.id))),
                    Some(u) if u.tags.is_none() && u.error.as_deref().is_some_and(|e| e.contains("does not exist")) => {
                        problems.push(format!("user {} does not exist or may not be read", c.user_id));
                        None
                    }
                    _ => None,
                };
                if let (Some(domain), Some(UserRead { error: Some(e), .. })) = (&c.domain_id, users.get(&c.user_id)) {
                    // The domain (or its user) could not be read: its credentials are not in the view.
                    if !not_covered.iter().any(|n: &NotCovered| n.user_id == c.user_id) {
                        not_covered.push(NotCovered { user_id: c.user_id.clone(), domain_id: domain.clone(), reason: e.clone() });
                    }
                }
                (Some(c.user_id.clone()), c.domain_id.clone(), bound)
            }
            Err(why) => {
                problems.push(format!("invalid metadata: {why}"));
                (d.metadata.as_ref().and_then(|m| m["userId"].as_str()).map(str::to_owned), None, None)
            }
        };
        let last_outcome = d.freeform_tags.as_ref().and_then(|t| t.get(last_outcome::TAG_KEY)).and_then(|v| last_outcome::parse(v));
        if let Some(LastOutcome { result: OutcomeResult::Failed, step, response_code, at, message }) = &last_outcome {
            problems.push(format!(
                "the last rotation failed: {} answered {} at {at}: {}",
                step.as_deref().unwrap_or("-"),
                response_code.map_or_else(|| "-".to_owned(), |c| c.to_string()),
                message.as_deref().unwrap_or("")
            ));
        }
        let target = d.rotation_config.as_ref().map(|r| &r["targetSystemDetails"]);
        let targets_function = target.is_some_and(|t| t["targetSystemType"] == "FUNCTION");
        secrets.push(SecretStatus {
            secret_id: d.id.clone(),
            secret_name: d.name().to_owned(),
            compartment_id: d.compartment_id.clone(),
            lifecycle_state: d.lifecycle_state.clone(),
            credential_type: f.kind.clone(),
            user_id,
            domain_id,
            current_version_number: d.current_version_number,
            current_version_age_days: f.current_created.as_deref().and_then(|t| health::age_days(t, opts.now)),
            current_version_time_created: f.current_created.clone(),
            credential_id: current_ids.get(&d.id).cloned(),
            rotation_status: d.rotation_status.clone(),
            last_rotation_time: d.last_rotation_time.clone(),
            next_rotation_time: d.next_rotation_time.clone(),
            rotation_interval: d.rotation_config.as_ref().and_then(|r| r["rotationInterval"].as_str()).map(str::to_owned),
            targets_function,
            function_id: target.filter(|_| targets_function).and_then(|t| t["functionId"].as_str()).map(str::to_owned),
            bound,
            last_outcome,
            paused,
            failed: !problems.is_empty(),
            problems,
        });
    }
    secrets.sort_by(|a, b| (&a.compartment_id, &a.secret_name, &a.secret_id).cmp(&(&b.compartment_id, &b.secret_name, &b.secret_id)));
    unmanaged.sort_by(|a, b| (&a.user_id, &a.credential_type, &a.credential_id).cmp(&(&b.user_id, &b.credential_type, &b.credential_id)));
    Ok(Report {
        compartment_id: opts.compartment_id.clone(),
        compartments: compartment_ids,
        older_than_days: stale_after,
        generated_at: opts.now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        other_secrets,
        secrets,
        unmanaged,
        not_covered,
        errors,
        allow_unbound: opts.allow_unbound,
    })
}
