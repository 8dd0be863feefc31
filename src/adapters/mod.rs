//! Target adapters: what the engine asks of each credential kind, one file per kind.
//!
//! The engine owns Vault (versions, stages, promotion); an adapter owns IAM for one kind. The
//! contract every adapter keeps:
//!
//! - [`TargetAdapter::credential_id`]: names the credential a version holds (fingerprint, token
//!   OCID, access key, or the credential's OCID: the kind table's first content field). Pure; a content that holds no usable credential is a 400.
//! - [`TargetAdapter::is_live`]: read-only; true when IAM accepts the credential now.
//! - [`TargetAdapter::new_pending`]: makes the content of a new PENDING version. Kinds whose
//!   secret exists only at creation (every kind but API keys: `iam_secret.rs`, and console
//!   passwords) create it in IAM here, after
//!   deleting every credential this secret manages that is neither CURRENT nor PENDING; they never
//!   exceed IAM's per-user limit and never delete a credential the secret does not manage.
//! - [`TargetAdapter::apply_pending`]: makes the PENDING credential live (API keys upload it here)
//!   and waits until IAM accepts it. Idempotent: a live PENDING credential is left alone.
//! - [`TargetAdapter::retire`]: deletes the credential of a superseded version; already gone is
//!   success. Never called with the CURRENT credential.
//!
//! Every IAM write takes a [`BoundUser`] (contract 4.1): an adapter gets one from
//! [`Target::bind`] right before its first write, so steps that end without a write cost no
//! extra call, and a user who does not name the secret is refused before anything changes.

pub mod directory;
mod error;

pub mod api_key;
pub mod auth_token;
pub mod console_password;
pub mod customer_secret_key;
pub mod db_credential;
mod db_password_autogen;
mod iam_secret;
pub mod oauth2_client_credential;
pub mod smtp_credential;

use std::collections::HashSet;
use std::future::Future;
use std::time::Duration;

pub use error::Error;

use crate::binding::{self, BindingMode, BoundUser};
use crate::oci::secrets::{BundleSelector, SecretBundle};
use crate::oci::vault::Secret;
use crate::oci::Client;
use crate::secret::{CredentialKind, SecretConfig, SecretContent};
use directory::Directory;

/// What an adapter works on: the OCI client (bound to the invocation's deadline), the secret and
/// its validated metadata.
pub struct Target<'a> {
    /// OCI client for this invocation.
    pub client: &'a Client,
    /// The secret's OCID.
    pub secret_id: &'a str,
    /// The secret as GetSecret returned it.
    pub secret: &'a Secret,
    /// The secret's metadata.
    pub config: &'a SecretConfig,
    /// Whether IAM writes need the user to name the secret (contract 4.1).
    pub binding: BindingMode,
}

/// The secret of a [`Target`] whose secret was not read ([`Target::unread`]): nothing is known of
/// it (the directory and the binding need only the user and the domain, from the metadata).
static NO_SECRET_YET: Secret = Secret {
    id: String::new(),
    compartment_id: String::new(),
    lifecycle_state: String::new(),
    current_version_number: None,
    metadata: None,
    is_auto_generation_enabled: None,
    secret_generation_context: None,
    secret_name: None,
    rotation_config: None,
    rotation_status: None,
    last_rotation_time: None,
    next_rotation_time: None,
    freeform_tags: None,
};

impl<'a> Target<'a> {
    /// A target whose secret is not read (GetSecret) or not created yet: `enroll`'s first
    /// credential (no secret id), the binding check of `rotate --compartment-id`. Only the user
    /// and domain of `config` are known, which is all the directory and the binding read.
    pub fn unread(client: &'a Client, secret_id: &'a str, config: &'a SecretConfig, binding: BindingMode) -> Target<'a> {
        Target { client, secret_id, secret: &NO_SECRET_YET, config, binding }
    }
}

impl Target<'_> {
    /// The marker that tokens and secret keys created for this secret carry in their
    /// description / display name.
    pub fn marker(&self) -> String {
        format!("oci-rotator {}", self.secret_id)
    }

    /// Checks that the user names this secret (one GetUser; none with the binding off) and returns
    /// the proof every IAM write takes. Call it right before the first write of an invocation.
    pub async fn bind(&self) -> Result<BoundUser, Error> {
        let dir = Directory::of(self).await?;
        Ok(binding::check(self.client, self.binding, self.config.kind, &self.config.user_id, self.secret_id, dir.user_store()).await?)
    }
}

/// One version of the secret, read and understood.
pub struct Version {
    /// Its version number.
    pub number: u64,
    /// Its content.
    pub content: SecretContent,
    /// The credential it holds (see [`TargetAdapter::credential_id`]).
    pub credential_id: String,
    /// Its stages when read (`CURRENT`, `PENDING`, `LATEST`...).
    pub stages: Vec<String>,
}

impl Version {
    /// True when the version carried `stage` when it was read.
    pub fn has_stage(&self, stage: &str) -> bool {
        self.stages.iter().any(|s| s == stage)
    }
}

/// The content of a new PENDING version.
pub enum NewPending {
    /// Content the function made, and the credential id it holds.
    Content(SecretContent, String),
    /// Vault generates the content itself (auto-generation on the secret).
    AutoGenerated,
}

/// One credential kind on IAM. See the module documentation for the contract.
pub trait TargetAdapter: Sync {
    /// The kind this adapter rotates.
    const KIND: CredentialKind;

    /// The credential id held by `content`.
    fn credential_id(&self, t: &Target<'_>, content: &SecretContent) -> Result<String, Error>;

    /// Understands the decoded content of version `number`: the content and the credential it
    /// holds. Default: a JSON object ([`SecretContent::parse`]) naming its credential
    /// ([`TargetAdapter::credential_id`]). Database passwords that Vault generates override it
    /// (raw passphrases, credentials named by their description: `db_password_autogen.rs`).
    fn understand_content(&self, t: &Target<'_>, number: u64, bytes: &[u8]) -> Result<(SecretContent, String), Error> {
        let _ = number;
        let content = SecretContent::parse(bytes).map_err(Error::InvalidContent)?;
        let credential_id = self.credential_id(t, &content)?;
        Ok((content, credential_id))
    }

    /// True when IAM accepts the credential of `version` now.
    fn is_live(&self, t: &Target<'_>, version: &Version) -> impl Future<Output = Result<bool, Error>> + Send;

    /// Makes the content of a new PENDING version from the CURRENT one.
    fn new_pending(&self, t: &Target<'_>, current: &Version) -> impl Future<Output = Result<NewPending, Error>> + Send;

    /// Makes the PENDING credential live on IAM and waits until it is; returns what was done.
    fn apply_pending(&self, t: &Target<'_>, current: &Version, pending: &Version) -> impl Future<Output = Result<String, Error>> + Send;

    /// Deletes the credential of a superseded version, as `user` (bound before the promotion).
    fn retire(&self, t: &Target<'_>, user: &BoundUser, old: &Version) -> impl Future<Output = Result<(), Error>> + Send;
}

/// Evaluates `$body` with `$a` bound to the adapter of credential kind `$kind` (static dispatch:
/// one monomorphised copy of the body per kind). The one place a kind picks its adapter: the
/// engine's steps and the lifecycle commands (`rollback`, `history`) go through it.
macro_rules! with_adapter {
    ($kind:expr, |$a:ident| $body:expr) => {{
        use $crate::secret::CredentialKind as K;
        match $kind {
            K::ApiKey => {
                let $a = &$crate::adapters::api_key::ApiKeyAdapter;
                $body
            }
            K::AuthToken => {
                let $a = &$crate::adapters::auth_token::AuthTokenAdapter;
                $body
            }
            K::CustomerSecretKey => {
                let $a = &$crate::adapters::customer_secret_key::CustomerSecretKeyAdapter;
                $body
            }
            K::ConsolePassword => {
                let $a = &$crate::adapters::console_password::ConsolePasswordAdapter;
                $body
            }
            K::SmtpCredential => {
                let $a = &$crate::adapters::smtp_credential::SmtpCredentialAdapter;
                $body
            }
            K::OAuth2ClientCredential => {
                let $a = &$crate::adapters::oauth2_client_credential::OAuth2ClientCredentialAdapter;
                $body
            }
            K::DbCredential => {
                let $a = &$crate::adapters::db_credential::DbCredentialAdapter;
                $body
            }
        }
    }};
}
pub(crate) use with_adapter;

/// Reads a version by stage or number and understands it with `adapter`.
/// A version that does not exist is `Ok(None)`.
pub async fn read_version<A: TargetAdapter>(adapter: &A, t: &Target<'_>, which: BundleSelector) -> Result<Option<Version>, Error> {
    match t.client.get_secret_bundle(t.secret_id, which).await? {
        Some(bundle) => understand(adapter, t, &bundle).map(Some),
        None => Ok(None),
    }
}

/// Understands a bundle already read: its content and the credential it holds.
pub fn understand<A: TargetAdapter>(adapter: &A, t: &Target<'_>, bundle: &SecretBundle) -> Result<Version, Error> {
    let n = bundle.version_number;
    let (content, credential_id) = adapter.understand_content(t, n, &bundle.content).map_err(|e| match e {
        Error::InvalidContent(why) => Error::InvalidContent(format!("version {n}: {why}")),
        other => other,
    })?;
    Ok(Version { number: n, content, credential_id, stages: bundle.stages.clone() })
}

/// How a credential holding a limit is named in a 409: its id and, when it has one, its label.
pub(crate) fn blocker(id: &str, label: Option<&str>) -> String {
    match label.filter(|l| !l.is_empty()) {
        Some(l) => format!("{id} (\"{l}\")"),
        None => id.to_owned(),
    }
}

/// How many of the newest versions are searched for credentials the secret manages. A credential
/// enters IAM for a PENDING version (the newest) and every later rotation removes the ones it finds,
/// so a window of ten versions is ample; a credential older than that is treated as unmanaged,
/// which is the safe side: it is never deleted.
pub const VERSIONS_SEARCHED: usize = 10;

/// Which of `candidates` (credential ids present in IAM) are held by one of the newest
/// [`VERSIONS_SEARCHED`] versions of the secret other than those in `skip`: such credentials are
/// managed by the secret. Reads versions newest first and stops once every candidate is found.
pub async fn held_by_other_versions<A: TargetAdapter>(
    adapter: &A,
    t: &Target<'_>,
    candidates: &[String],
    skip: &[u64],
) -> Result<HashSet<String>, Error> {
    let mut held = HashSet::new();
    if candidates.is_empty() {
        return Ok(held);
    }
    let versions = t.client.list_secret_versions(t.secret_id, VERSIONS_SEARCHED + skip.len()).await?;
    let searched = versions.iter().filter(|v| !skip.contains(&v.version_number) && v.time_of_deletion.is_none()).take(VERSIONS_SEARCHED);
    for v in searched {
        if held.len() == candidates.len() {
            break;
        }
        // A version whose content is gone or unreadable holds nothing we can name.
        if let Ok(Some(version)) = read_version(adapter, t, BundleSelector::Version(v.version_number)).await {
            if candidates.contains(&version.credential_id) {
                held.insert(version.credential_id.clone());
            }
        }
    }
    Ok(held)
}

/// Polls `check` until it answers true, backing off, bounded by the deadline.
/// Returns false when the deadline (or `max_wait`) comes first.
pub async fn wait_until<F, Fut>(client: &Client, max_wait: Duration, mut check: F) -> Result<bool, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<bool, Error>>,
{
    let started = tokio::time::Instant::now();
    let mut wait = Duration::from_millis(200);
    loop {
        if check().await? {
            return Ok(true);
        }
        let left_overall = max_wait.saturating_sub(started.elapsed());
        let left = client.time_left().map_or(left_overall, |d| d.min(left_overall));
        if left <= wait {
            return Ok(false);
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 3 / 2).min(Duration::from_secs(3));
    }
}
