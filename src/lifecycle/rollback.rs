//! `rollback`: makes the PREVIOUS version of a secret CURRENT again (issue 21, point 1), for a
//! consumer that cannot take the new credential. Only when that is safe: the PREVIOUS version's
//! credential must still be live in IAM, checked as VERIFY_CONNECTION checks a credential (the
//! adapter's [`TargetAdapter::is_live`]), and the user must name the secret (contract 4.1),
//! checked before the one write: Vault's `UpdateSecret` with `currentVersionNumber`, `if-match`
//! the etag read at the start (the builder PROMOTE_PENDING_VERSION uses, `Client::promote_version`).
//!
//! Refused (nothing written, the reason named) when there is no PREVIOUS version; when the secret
//! deletes the superseded credential at promotion (`previousCredential` `DELETE_ON_PROMOTE`); when
//! the PREVIOUS credential is no longer live in IAM (removed by hand); for `CONSOLE_PASSWORD`
//! (IAM replaced the password in place: the PREVIOUS version's password no longer works); and
//! while a rotation is in progress (Vault's `rotationStatus` `IN_PROGRESS`, or a PENDING version).
//!
//! After a rollback the version rolled away from is PREVIOUS (the newest, LATEST): a second
//! rollback undoes the first. The next rotation supersedes its credential like any other the
//! secret manages that is neither CURRENT nor PENDING (contract section 5): deleted before the new
//! one is created or uploaded; the engine needs nothing more.

use serde::Serialize;
use serde_json::{json, Value};

use crate::adapters::{self, Target, TargetAdapter, Version};
use crate::binding::BindingMode;
use crate::oci::secrets::BundleSelector;
use crate::oci::vault::SecretWithEtag;
use crate::oci::{self, Client};
use crate::secret::{CredentialKind, PreviousCredential, SecretConfig};

/// Why a rollback was refused; its `Display` is the reason printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The secret has no PREVIOUS version (never rotated, or its PREVIOUS was cleared).
    #[error("the secret has no PREVIOUS version to roll back to")]
    NoPrevious,
    /// `previousCredential` is `DELETE_ON_PROMOTE`: the PREVIOUS credential was deleted when the
    /// CURRENT one was promoted.
    #[error("the secret's previousCredential is DELETE_ON_PROMOTE: the PREVIOUS version's credential was deleted at promotion")]
    DeletedAtPromotion,
    /// The PREVIOUS version's credential is not live in IAM (removed by hand, or expired).
    #[error("the PREVIOUS version {version}'s {kind} {credential_id} is not live in IAM (removed by hand?)")]
    NotLive {
        /// The PREVIOUS version number.
        version: u64,
        /// The secret's kind.
        kind: CredentialKind,
        /// The credential it holds.
        credential_id: String,
    },
    /// Console passwords are replaced in place by IAM: the PREVIOUS password no longer works.
    #[error("a CONSOLE_PASSWORD cannot be rolled back: IAM replaced the password in place at the rotation, the PREVIOUS version's no longer works")]
    ConsolePassword,
    /// A rotation is running (`rotationStatus` `IN_PROGRESS`, or a PENDING version exists).
    #[error("a rotation is in progress ({0}); roll back after it ends")]
    RotationInProgress(String),
}

impl Refusal {
    /// The refusal as one word, for `--json` (`refusal`).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NoPrevious => "NO_PREVIOUS_VERSION",
            Refusal::DeletedAtPromotion => "DELETED_AT_PROMOTION",
            Refusal::NotLive { .. } => "PREVIOUS_NOT_LIVE",
            Refusal::ConsolePassword => "CONSOLE_PASSWORD",
            Refusal::RotationInProgress(_) => "ROTATION_IN_PROGRESS",
        }
    }
}

/// Why a rollback could not be decided (exit 1, nothing changed): not a refusal, a failure.
#[derive(Debug, thiserror::Error)]
pub enum RollbackError {
    /// GetSecret answered 404.
    #[error("secret {0} does not exist or you may not read it")]
    SecretNotFound(String),
    /// The secret's metadata is not the contract's (section 4).
    #[error("secret {secret_id}: {why}")]
    Metadata {
        /// The secret.
        secret_id: String,
        /// What is wrong.
        why: String,
    },
    /// The secret is not ACTIVE (UPDATING just after a write, or being deleted).
    #[error("secret {secret_id} is {state}, not ACTIVE; nothing was changed, try again in a minute")]
    NotActive {
        /// The secret.
        secret_id: String,
        /// Its lifecycle state.
        state: String,
    },
    /// The secret changed between the read and the write (`if-match` answered 412).
    #[error("secret {0} changed while the rollback was checked (412 on if-match); nothing was changed, run rollback again")]
    Changed(String),
    /// A version could not be understood, the binding refused, or IAM could not be read.
    #[error("secret {secret_id}: {source}")]
    Adapter {
        /// The secret.
        secret_id: String,
        /// What failed.
        #[source]
        source: Box<adapters::Error>,
    },
    /// A Vault call failed.
    #[error(transparent)]
    Oci(#[from] oci::Error),
}

/// What the command did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RollbackOutcome {
    /// The PREVIOUS version is CURRENT now.
    RolledBack,
    /// `--dry-run`: every check passed; nothing was written.
    WouldRollBack,
    /// Refused: nothing was written (see `reason`).
    Refused,
}

/// One version as the rollback names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionRef {
    /// `versionNumber`.
    pub version_number: u64,
    /// The credential it holds (fingerprint or OCID), when it was read.
    pub credential_id: Option<String>,
}

/// The CURRENT and PREVIOUS versions at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stages {
    /// The CURRENT version.
    pub current: Option<VersionRef>,
    /// The PREVIOUS version.
    pub previous: Option<VersionRef>,
}

/// The result of `rollback`: the outcome, the versions before and after, the reason when refused.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rollback {
    /// The secret.
    pub secret_id: String,
    /// Its `credentialType`.
    #[serde(serialize_with = "super::kind_word")]
    pub credential_type: CredentialKind,
    /// What was done.
    pub outcome: RollbackOutcome,
    /// CURRENT and PREVIOUS as read.
    pub before: Stages,
    /// CURRENT and PREVIOUS after the rollback (with `--dry-run`, as they would be); none when refused.
    pub after: Option<Stages>,
    /// Why it was refused.
    #[serde(skip)]
    pub refusal: Option<Refusal>,
}

impl Rollback {
    /// True when the rollback was refused (the command exits 1).
    pub fn is_refused(&self) -> bool {
        self.refusal.is_some()
    }

    /// The `--json` document: the fields above, `reason` and `refusal` (a word) when refused.
    pub fn json(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or_else(|_| json!({}));
        if let Some(r) = &self.refusal {
            v["reason"] = json!(r.to_string());
            v["refusal"] = json!(r.code());
        }
        v
    }

    /// The lines a person reads: what happened, versions before and after.
    pub fn text(&self) -> String {
        let version = |v: &Option<VersionRef>| match v {
            Some(VersionRef { version_number, credential_id: Some(c) }) => format!("{version_number} ({c})"),
            Some(VersionRef { version_number, credential_id: None }) => version_number.to_string(),
            None => "none".to_owned(),
        };
        let stages = |s: &Stages| format!("CURRENT {}, PREVIOUS {}", version(&s.current), version(&s.previous));
        let head = match (&self.outcome, &self.refusal) {
            (_, Some(r)) => format!("rollback of {} REFUSED, nothing changed: {r}", self.secret_id),
            (RollbackOutcome::WouldRollBack, _) => format!("rollback of {} would succeed (--dry-run: nothing written)", self.secret_id),
            _ => format!("rolled back {} ({})", self.secret_id, self.credential_type),
        };
        let mut out = format!("{head}\nbefore: {}", stages(&self.before));
        if let Some(after) = &self.after {
            out.push_str(&format!("\nafter:  {}", stages(after)));
        }
        out
    }
}

/// Rolls `secret_id` back (see the module documentation), or with `dry_run` checks everything and
/// writes nothing. `binding` is the function's `OCI_ROTATOR_USER_BINDING`: required, the user must
/// name the secret. A refusal is an `Ok` whose [`Rollback::is_refused`] is true.
pub async fn rollback(client: &Client, binding: BindingMode, secret_id: &str, dry_run: bool) -> Result<Rollback, RollbackError> {
    let secret = match client.get_secret(secret_id).await {
        Ok(s) => s,
        Err(e) if e.is_not_found() => return Err(RollbackError::SecretNotFound(secret_id.to_owned())),
        Err(e) => return Err(e.into()),
    };
    let config = SecretConfig::from_metadata(secret.secret.metadata.as_ref())
        .map_err(|why| RollbackError::Metadata { secret_id: secret_id.to_owned(), why })?;
    let cx = Checked { client, binding, secret_id, secret: &secret, config: &config };
    adapters::with_adapter!(config.kind, |adapter| cx.run(adapter, dry_run).await)
}

/// What every check reads.
struct Checked<'a> {
    client: &'a Client,
    binding: BindingMode,
    secret_id: &'a str,
    secret: &'a SecretWithEtag,
    config: &'a SecretConfig,
}

impl Checked<'_> {
    fn target(&self) -> Target<'_> {
        Target { client: self.client, secret_id: self.secret_id, secret: &self.secret.secret, config: self.config, binding: self.binding }
    }

    fn adapter_error(&self, source: adapters::Error) -> RollbackError {
        RollbackError::Adapter { secret_id: self.secret_id.to_owned(), source: Box::new(source) }
    }

    async fn read<A: TargetAdapter>(&self, adapter: &A, stage: &'static str) -> Result<Option<Version>, RollbackError> {
        adapters::read_version(adapter, &self.target(), BundleSelector::Stage(stage)).await.map_err(|e| self.adapter_error(e))
    }

    async fn run<A: TargetAdapter>(&self, adapter: &A, dry_run: bool) -> Result<Rollback, RollbackError> {
        let s = &self.secret.secret;
        let current_no = s.current_version_number;
        let mut out = Rollback {
            secret_id: self.secret_id.to_owned(),
            credential_type: self.config.kind,
            outcome: RollbackOutcome::Refused,
            before: Stages { current: current_no.map(|n| VersionRef { version_number: n, credential_id: None }), previous: None },
            after: None,
            refusal: None,
        };
        let refuse = |mut out: Rollback, why: Refusal| {
            out.refusal = Some(why);
            Ok(out)
        };
        // What the secret's own fields decide, before any other read.
        if self.config.kind == CredentialKind::ConsolePassword {
            return refuse(out, Refusal::ConsolePassword);
        }
        if self.config.previous == PreviousCredential::DeleteOnPromote {
            return refuse(out, Refusal::DeletedAtPromotion);
        }
        if let Some(status @ ("IN_PROGRESS" | "CANCELLING")) = s.rotation_status.as_deref() {
            return refuse(out, Refusal::RotationInProgress(format!("Vault's rotationStatus is {status}")));
        }
        if s.lifecycle_state != "ACTIVE" {
            return Err(RollbackError::NotActive { secret_id: self.secret_id.to_owned(), state: s.lifecycle_state.clone() });
        }
        // A PENDING version: a rotation started (by Vault or `rotate`) and has not been promoted.
        if let Some(pending) = self.client.get_secret_bundle(self.secret_id, BundleSelector::Stage("PENDING")).await? {
            return refuse(out, Refusal::RotationInProgress(format!("version {} is PENDING", pending.version_number)));
        }
        let Some(previous) = self.read(adapter, "PREVIOUS").await? else {
            return refuse(out, Refusal::NoPrevious);
        };
        let current = self.read(adapter, "CURRENT").await?;
        let reference = |v: &Version| VersionRef { version_number: v.number, credential_id: Some(v.credential_id.clone()) };
        out.before = Stages { current: current.as_ref().map(reference), previous: Some(reference(&previous)) };
        // Live as VERIFY_CONNECTION checks a credential.
        if !adapter.is_live(&self.target(), &previous).await.map_err(|e| self.adapter_error(e))? {
            let why = Refusal::NotLive { version: previous.number, kind: self.config.kind, credential_id: previous.credential_id.clone() };
            return refuse(out, why);
        }
        // The user must name the secret before CURRENT is moved to its credential (contract 4.1);
        // a read, also with --dry-run.
        self.target().bind().await.map_err(|e| self.adapter_error(e))?;
        out.after = Some(Stages { current: Some(reference(&previous)), previous: current.as_ref().map(reference) });
        if dry_run {
            out.outcome = RollbackOutcome::WouldRollBack;
            return Ok(out);
        }
        match self.client.promote_version(self.secret_id, previous.number, self.secret.etag.as_deref()).await {
            Ok(_) => {}
            Err(e) if e.status() == Some(412) => return Err(RollbackError::Changed(self.secret_id.to_owned())),
            Err(e) => return Err(e.into()),
        }
        tracing::info!(secret_id = %self.secret_id, version = previous.number, credential_id = %previous.credential_id, "rolled back: the PREVIOUS version is CURRENT");
        out.outcome = RollbackOutcome::RolledBack;
        Ok(out)
    }
}
