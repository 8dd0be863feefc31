//! An embedded OCI simulator: Vault (`20180608`), Secrets (`20190301`), Identity (`20160918`),
//! identity domains' REST API (SCIM, at `<domain url>/admin/v1/`, each domain served on a loopback
//! port of its own so that its URL, like OCI's, has no path), Notifications (`20181201`) and Cloud
//! Guard's GetProblem (`20200131`, problems registered with [`Simulator::add_problem`]) on the real paths with the real JSON, so the function, the demo, the tests and the
//! official OCI SDKs can run rotations with no cloud account.
//!
//! Faithful where the rotation depends on it: version stages (CURRENT, PENDING, PREVIOUS, LATEST,
//! DEPRECATED) and promotion, etags and `if-match`, a secret `UPDATING` for a moment after each
//! update, `SSH_KEY` auto-generation, IAM's per-user limits, one-time secrets shown only by the
//! create call, keys `CREATING` until propagated, `opc-retry-token` idempotency, and an OCI
//! signature check of every request (resource-principal sessions it issued, an administrator's API
//! key, and a user's own API key for their own GetUser and domain `Me`). The tenancy has a Default
//! identity domain holding every classic user, and SECONDARY domains whose users only their
//! domain's API serves; one store holds every credential. Faults can be injected at the Nth
//! matching request, per-family throttles answer 429 with `retry-after` when set, and every request
//! is journaled.
//!
//! Layout: [`Simulator`] (this file, and `domain_api` for identity domains) is the API. The model
//! and its rules: `state`, `iam`, `domains`, `vault_model`, `update`, `autogen`. The wire: `http`
//! (the request pipeline, with `throttle`'s token buckets), `auth` and `rpst` (principals), `compartments` (compartments and ListCompartments),
//! `fleet` and `rotation_fleet` (many managed secrets at once, backdated credentials, failed rotations), `routes` and `domain_routes` (the
//! routing tables), `vault`, `secrets`, `identity`, `domain_ops`, `notifications` and `cloud_guard` (the
//! operations; `create` and `update` parse CreateSecretDetails and UpdateSecretDetails), `scim` (SCIM wire helpers), `retry` (retry-token memory), `response` (answers and
//! errors), `clock` (simulated time), `rotation` (Vault's rotation loop: RotateSecret and schedules
//! run the four steps against registered functions). Also `faults` (fault queue and journal), `throttle` (per-family token buckets), `admin` (the `/_sim/` surface), `seed` (the
//! demo tenancy), `rotation_fleet` (any number of rotatable secrets), `views` (inspection types), `ids` and `error`.

mod admin;
mod auth;
mod autogen;
mod clock;
mod cloud_guard;
mod compartments;
mod create;
mod domain_api;
mod domain_ops;
mod domain_routes;
mod domains;
mod error;
mod faults;
mod fleet;
mod http;
mod iam;
mod identity;
mod ids;
mod notifications;
mod response;
mod retry;
mod rotation;
mod rotation_fleet;
mod routes;
mod rpst;
mod scim;
mod secrets;
mod seed;
mod state;
mod throttle;
mod update;
mod vault;
mod vault_model;
mod views;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use rsa::PublicKey;
use serde_json::{json, Value};

pub use autogen::AutoGen;

/// The scopes the simulator gives OAuth 2.0 client credentials it makes itself (seeds, fleets),
/// and that the demo enrolls with (JSON, as `metadata.scopes` and `enroll --scopes` take them).
pub const DEMO_OAUTH2_SCOPES: &str = r#"[{"audience":"urn:opc:idm:__myscopes__","scope":"urn:opc:resource:consumer::all"}]"#;
pub use error::SimError;
pub use faults::{Fault, FaultKind, JournalEntry};
pub use fleet::{FleetMember, CONSOLE_PASSWORD_ID, FLEET_FUNCTION_ID};
pub use rotation_fleet::{function_rotation_config, RotationFleetSecret, RotationFleetSpec};
pub use throttle::{ApiFamily, Rate, Throttle};
pub use views::{AdminPrincipal, ApiKeyView, CredView, DomainView, ResourcePrincipalSession, RotationRecord, Seeded, VersionView};

use crate::secret::CredentialKind;
use iam::CredKind;
use vault_model::{new_secret_id, Secret};

/// Timing knobs, and whether the tenancy has identity domains. Build with
/// `SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }`.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// How long a secret stays `UPDATING` after an update, in milliseconds (default 50).
    pub updating_ms: u64,
    /// How long a key uploaded with UploadApiKey stays `CREATING` (not usable to sign), in
    /// milliseconds (default 0). Keys added by [`Simulator::upload_api_key`] are ACTIVE at once.
    pub key_propagation_ms: u64,
    /// True (default): the tenancy has identity domains (a Default one holding the classic users;
    /// ListDomains lists them and their URLs answer). False: a legacy tenancy, whose ListDomains
    /// answers `[]` and which serves no domain URL.
    pub identity_domains: bool,
    /// Per-tenancy throttles, one token bucket per API family (see `throttle`); `None` (default):
    /// nothing is throttled.
    pub throttle: Option<Throttle>,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions { updating_ms: 50, key_propagation_ms: 0, identity_domains: true, throttle: None }
    }
}

struct Inner {
    opts: SimOptions,
    state: Mutex<state::State>,
    faults: Mutex<faults::FaultQueue>,
    journal: Mutex<faults::Journal>,
    requests: AtomicU64,
    /// The throttles' token buckets.
    buckets: Mutex<throttle::Buckets>,
    /// Simulated time (secrets' times, rotation schedules).
    clock: Mutex<clock::SimClock>,
    /// Function OCID -> the URL its `POST /call` answers at.
    functions: Mutex<HashMap<String, String>>,
    /// Whether the scheduled-rotation task runs.
    scheduler_started: AtomicBool,
    /// Where the simulator is served (`http://127.0.0.1:PORT`), once known.
    endpoint: Mutex<Option<String>>,
    /// The runtime serving the domains' own listeners, once [`Simulator::serve_domains`] ran (a
    /// domain created later gets its listener at once). Also serializes their binding.
    domain_runtime: Mutex<Option<tokio::runtime::Handle>>,
}

/// The simulator: one tenancy with one vault. Cheap to clone (clones share the state).
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").field("opts", &self.inner.opts).finish_non_exhaustive()
    }
}

/// Locks, ignoring poisoning (a panicking test must not wedge the others).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A 2048-bit key pair (the sizes are fixed, so generation cannot fail on input).
fn new_key() -> crate::keys::GeneratedKey {
    crate::keys::generate(2048).unwrap_or_else(|e| unreachable!("2048-bit RSA key generation failed: {e}"))
}

impl Simulator {
    /// A simulator with an empty tenancy.
    pub fn new(opts: SimOptions) -> Simulator {
        Simulator {
            inner: Arc::new(Inner {
                state: Mutex::new(state::State::new(opts.identity_domains)),
                opts,
                faults: Mutex::new(faults::FaultQueue::default()),
                journal: Mutex::new(faults::Journal::default()),
                requests: AtomicU64::new(0),
                buckets: Mutex::new(throttle::Buckets::default()),
                clock: Mutex::new(clock::SimClock::new()),
                functions: Mutex::new(HashMap::new()),
                scheduler_started: AtomicBool::new(false),
                endpoint: Mutex::new(None),
                domain_runtime: Mutex::new(None),
            }),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, state::State> {
        lock(&self.inner.state)
    }

    pub(crate) fn options(&self) -> &SimOptions {
        &self.inner.opts
    }

    /// The router serving every API (and `/_sim/`).
    pub fn router(&self) -> axum::Router {
        self.listener_router(None)
    }

    /// The router of one listener: the main one (`domain` None) or the identity domain `idcs-<domain>`'s own.
    fn listener_router(&self, domain: Option<String>) -> axum::Router {
        axum::Router::new()
            .fallback(http::handle)
            .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
            .with_state(http::Listener { sim: self.clone(), domain })
    }

    /// Serves on `listener` until the process ends, and each identity domain on a loopback port of
    /// its own ([`Simulator::serve_domains`]). Unless an endpoint was set already
    /// ([`Simulator::set_endpoint`]), it becomes `http://<listener address>`.
    pub async fn serve(&self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        let addr = listener.local_addr()?;
        lock(&self.inner.endpoint).get_or_insert_with(|| format!("http://{addr}"));
        self.serve_domains()?;
        self.start_scheduler();
        axum::serve(listener, self.router()).await
    }

    /// Serves on a random loopback port in a background task, and each identity domain on a
    /// loopback port of its own; returns `http://127.0.0.1:PORT` (which becomes the simulator's
    /// endpoint). The domains' URLs are final when it returns.
    pub async fn spawn(&self) -> std::io::Result<String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        self.set_endpoint(&endpoint);
        self.serve_domains()?;
        self.start_scheduler();
        let sim = self.clone();
        tokio::spawn(async move {
            if let Err(e) = sim.serve(listener).await {
                tracing::error!(error = %e, "the OCI simulator stopped serving");
            }
        });
        Ok(endpoint)
    }

    /// Serves each identity domain, now and whenever one is created later, on a loopback port of
    /// its own (`127.0.0.1:0`), in background tasks of the current tokio runtime; the domain's URL
    /// becomes `http://127.0.0.1:<port>`, with no path, as OCI's domain URLs have none. There
    /// `/admin/v1/...` is that domain's REST API. `serve` and `spawn` call it; call it yourself to
    /// fix the domains' URLs before serving the main listener. Idempotent. Fails outside a tokio
    /// runtime, or when a port cannot be bound.
    pub fn serve_domains(&self) -> std::io::Result<()> {
        let handle = tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        lock(&self.inner.domain_runtime).get_or_insert(handle);
        self.bind_domain_listeners()
    }

    /// Binds and serves a listener for each domain without one, once `serve_domains` ran.
    fn bind_domain_listeners(&self) -> std::io::Result<()> {
        let runtime = lock(&self.inner.domain_runtime);
        let Some(handle) = runtime.as_ref() else { return Ok(()) };
        let unserved = self.state().domains.unserved();
        for (id, hex) in unserved {
            let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            std_listener.set_nonblocking(true)?;
            let url = format!("http://{}", std_listener.local_addr()?);
            let router = self.listener_router(Some(hex));
            let _guard = handle.enter(); // `from_std` registers with the runtime's reactor
            let listener = tokio::net::TcpListener::from_std(std_listener)?;
            handle.spawn(async move {
                if let Err(e) = axum::serve(listener, router).await {
                    tracing::error!(error = %e, "an identity domain's listener stopped serving");
                }
            });
            self.state().domains.set_served_at(&id, url);
        }
        Ok(())
    }

    /// A domain was created: serve it at once if the domains are served already (a failure to bind
    /// is logged; the domain keeps its fallback URL `<endpoint>/idcs-<hex>`).
    pub(crate) fn domain_added(&self) {
        if let Err(e) = self.bind_domain_listeners() {
            tracing::error!(error = %e, "cannot serve an identity domain on a port of its own");
        }
    }

    /// Sets the URL clients reach the simulator at (no trailing slash). A domain not yet served on
    /// a port of its own has the fallback URL `<endpoint>/idcs-<hex>`.
    pub fn set_endpoint(&self, endpoint: &str) {
        *lock(&self.inner.endpoint) = Some(endpoint.trim_end_matches('/').to_owned());
    }

    /// The URL the simulator is served at, once known (set by `spawn`, `serve` or `set_endpoint`).
    pub fn endpoint(&self) -> Option<String> {
        lock(&self.inner.endpoint).clone()
    }

    /// The simulated now (see [`Simulator::advance_clock`]).
    pub fn now(&self) -> time::OffsetDateTime {
        lock(&self.inner.clock).now()
    }

    /// Moves the simulated clock forward by `by`: rotation schedules fall due accordingly.
    pub fn advance_clock(&self, by: Duration) {
        lock(&self.inner.clock).advance(by);
    }

    /// From now on, simulated time runs `speed` times faster than real time (1.0: real time;
    /// anything not finite and positive counts as 1.0).
    pub fn set_clock_speed(&self, speed: f64) {
        lock(&self.inner.clock).set_speed(speed);
    }

    /// The tenancy OCID.
    pub fn tenancy_id(&self) -> String {
        self.state().tenancy_id.clone()
    }

    /// The vault's OCID (the one vault; CreateSecret's `vaultId`).
    pub fn vault_id(&self) -> String {
        self.state().vault.id.clone()
    }

    /// The vault's master key OCID (CreateSecret's `keyId`).
    pub fn key_id(&self) -> String {
        vault_model::MASTER_KEY_ID.to_owned()
    }

    /// The compartment secrets can be created in (the tenancy's root compartment).
    pub fn compartment_id(&self) -> String {
        self.tenancy_id()
    }

    /// Creates an administrator: a user with an ACTIVE API key, trusted for every call.
    pub fn create_admin(&self) -> AdminPrincipal {
        let key = new_key();
        let mut st = self.state();
        let user_id = st.iam.add_user("sim-admin");
        let fingerprint = st.iam.upload_api_key(&user_id, &key.public_pem, Duration::ZERO).unwrap_or_default();
        st.iam.admins.insert(user_id.clone());
        let tenancy_id = st.tenancy_id.clone();
        AdminPrincipal {
            key_id: format!("{tenancy_id}/{user_id}/{fingerprint}"),
            user_id,
            tenancy_id,
            fingerprint,
            private_key_pem: key.private_pem.to_string(),
        }
    }

    /// Issues a resource-principal session: an RPST (a JWT with `res_tenant`, `exp` = now + 3600 and
    /// the session public key in `jwk`) and the session key's PKCS#8 PEM. Requests signed with keyId
    /// `ST$<rpst>` by that key are trusted for every call.
    pub fn create_resource_principal(&self) -> ResourcePrincipalSession {
        let session = new_key();
        let public = crate::keys::parse_public_pem(&session.public_pem).unwrap_or_else(|e| unreachable!("a generated key parses: {e}"));
        let st = self.state();
        ResourcePrincipalSession {
            rpst: rpst::issue(&st.rpst_key, &st.tenancy_id, &public),
            private_key_pem: session.private_pem.to_string(),
            tenancy_id: st.tenancy_id.clone(),
        }
    }

    /// The environment of a function that runs as a new resource-principal session of this
    /// simulator (`OCI_RESOURCE_PRINCIPAL_*`) with every endpoint at `endpoint`: what the demo and
    /// the tests hand to `config::rotator_from_env`.
    pub fn function_env(&self, endpoint: &str) -> std::collections::HashMap<String, String> {
        let session = self.create_resource_principal();
        [
            ("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2".to_owned()),
            ("OCI_RESOURCE_PRINCIPAL_RPST", session.rpst),
            ("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", session.private_key_pem),
            ("OCI_RESOURCE_PRINCIPAL_REGION", "us-ashburn-1".to_owned()),
            ("OCI_ROTATOR_VAULT_ENDPOINT", endpoint.to_owned()),
            ("OCI_ROTATOR_SECRETS_ENDPOINT", endpoint.to_owned()),
            ("OCI_ROTATOR_IDENTITY_ENDPOINT", endpoint.to_owned()),
            ("OCI_ROTATOR_CLOUD_GUARD_ENDPOINT", endpoint.to_owned()),
            ("OCI_ROTATOR_RETRY_BASE_MS", "50".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
    }

    /// Creates an ACTIVE user; returns its OCID.
    pub fn create_user(&self, name: &str) -> String {
        self.state().iam.add_user(name)
    }

    /// Seeds one user and one secret per credential kind, each secret's CURRENT version holding a
    /// credential live in IAM, plus an unmanaged API key on the API_KEY user (see `seed.rs`).
    pub async fn seed(&self) -> Seeded {
        seed::seed(self).await
    }

    /// Creates a secret whose version 1 (CURRENT, LATEST) holds `content` (JSON, stored base64),
    /// with `SSH_KEY` auto-generation when `auto_generation` is given; returns its OCID.
    pub fn create_secret(&self, name: &str, metadata: Value, content: &Value, auto_generation: Option<AutoGen>) -> String {
        let id = new_secret_id();
        let mut st = self.state();
        let now = self.now();
        let secret = Secret::new(id.clone(), name, &st.tenancy_id.clone(), metadata, B64.encode(content.to_string()), auto_generation, now);
        st.vault.secrets.insert(id.clone(), secret);
        id
    }

    /// Creates a secret (ACTIVE) whose version 1 Vault generates itself from `auto_generation`
    /// (auto-generation enabled), as CreateSecret without content does; returns its OCID.
    pub fn create_generated_secret(&self, name: &str, metadata: Value, auto_generation: AutoGen) -> Result<String, SimError> {
        let content_b64 = auto_generation.generate()?;
        let mut st = self.state();
        let id = vault_model::new_secret_id();
        let tenancy = st.tenancy_id.clone();
        let mut secret = Secret::new(id.clone(), name, &tenancy, metadata, content_b64, Some(auto_generation), self.now());
        if let Some(v) = secret.versions.first_mut() {
            v.auto_generated = true;
        }
        st.vault.secrets.insert(id.clone(), secret);
        Ok(id)
    }

    /// Creates an IAM database password for `user_id` with `description` and `password` (IAM's
    /// rules and limit apply), as an administrator would; returns its OCID.
    pub fn create_db_credential(&self, user_id: &str, description: &str, password: &str) -> Result<String, SimError> {
        let new = iam::NewCred { description: Some(description), name: None, scopes: None, password: Some(password) };
        self.state().iam.add_cred_with(user_id, iam::CredKind::DbCredential, description, new).map(|(id, _)| id)
    }

    /// Replaces a secret's metadata (no new version, no UPDATING window).
    pub fn set_metadata(&self, secret_id: &str, metadata: Value) {
        if let Some(s) = self.state().vault.secrets.get_mut(secret_id) {
            s.metadata = metadata;
        }
    }

    /// The user's freeform tags (empty for an unknown user).
    pub fn user_tags(&self, user_id: &str) -> BTreeMap<String, String> {
        self.state().iam.users.get(user_id).map(|u| u.freeform_tags.clone()).unwrap_or_default()
    }

    /// Replaces the user's freeform tags, as UpdateUser does.
    pub fn set_user_tags(&self, user_id: &str, tags: BTreeMap<String, String>) -> Result<(), SimError> {
        self.state().iam.user_mut(user_id)?.freeform_tags = tags;
        Ok(())
    }

    /// Binds the user to `secret_id` for `kind` (contract 4.1): adds the secret to the value of the
    /// tag `oci-rotator-<kind>`, keeping the user's other tags and the secrets it lists already.
    pub fn bind_user(&self, user_id: &str, kind: CredentialKind, secret_id: &str) -> Result<(), SimError> {
        let mut st = self.state();
        let tags = &mut st.iam.user_mut(user_id)?.freeform_tags;
        let value = tags.entry(crate::binding::tag_key(kind)).or_default();
        if !crate::binding::names_secret(value, secret_id) {
            *value = if value.is_empty() { secret_id.to_owned() } else { format!("{value} {secret_id}") };
        }
        Ok(())
    }

    /// Adds an API key to a user, ACTIVE at once; returns its fingerprint.
    pub fn upload_api_key(&self, user_id: &str, public_pem: &str) -> Result<String, SimError> {
        self.state().iam.upload_api_key(user_id, public_pem, Duration::ZERO)
    }

    /// Creates an auth token; returns (id, token).
    pub fn create_auth_token(&self, user_id: &str, description: &str) -> Result<(String, String), SimError> {
        self.state().iam.create_cred(user_id, CredKind::AuthToken, description)
    }

    /// Creates a customer secret key; returns (id = access key, secret key).
    pub fn create_customer_secret_key(&self, user_id: &str, display_name: &str) -> Result<(String, String), SimError> {
        self.state().iam.create_cred(user_id, CredKind::CustomerSecretKey, display_name)
    }

    /// Creates or resets the user's console password; returns it.
    pub fn reset_ui_password(&self, user_id: &str) -> Result<String, SimError> {
        self.state().iam.reset_ui_password(user_id).map(|p| p.password.clone())
    }

    /// The versions of a secret, oldest first, with decoded content (empty for an unknown secret).
    pub fn secret_versions(&self, secret_id: &str) -> Vec<VersionView> {
        let st = self.state();
        let Some(s) = st.vault.secrets.get(secret_id) else { return Vec::new() };
        s.versions
            .iter()
            .map(|v| {
                let bytes = B64.decode(&v.content_b64).unwrap_or_default();
                VersionView {
                    version_number: v.number,
                    stages: v.stages.clone(),
                    content: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                    text: String::from_utf8_lossy(&bytes).into_owned(),
                }
            })
            .collect()
    }

    /// The CURRENT version number.
    pub fn current_version(&self, secret_id: &str) -> Option<u64> {
        self.state().vault.secrets.get(secret_id).and_then(Secret::current)
    }

    /// The secret's lifecycle state (`ACTIVE` or `UPDATING`).
    pub fn lifecycle_state(&self, secret_id: &str) -> Option<String> {
        self.state().vault.secrets.get(secret_id).map(|s| s.lifecycle().to_owned())
    }

    /// The secret's freeform tags (empty for an unknown secret, or a value that is not a string).
    pub fn secret_tags(&self, secret_id: &str) -> BTreeMap<String, String> {
        let st = self.state();
        let Some(Value::Object(tags)) = st.vault.secrets.get(secret_id).map(|s| &s.freeform_tags) else { return BTreeMap::new() };
        tags.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned()))).collect()
    }

    /// Replaces the secret's freeform tags, as an UpdateSecret with `freeformTags` does (no new etag).
    pub fn set_secret_tags(&self, secret_id: &str, tags: BTreeMap<String, String>) -> Result<(), SimError> {
        self.state().vault.secret_mut(secret_id)?.freeform_tags = serde_json::json!(tags);
        Ok(())
    }

    /// How many times RotateSecret was accepted for the secret.
    pub fn rotations_requested(&self, secret_id: &str) -> u64 {
        self.state().vault.secrets.get(secret_id).map_or(0, |s| s.rotations_requested)
    }

    /// The user's API keys.
    pub fn api_keys(&self, user_id: &str) -> Vec<ApiKeyView> {
        let st = self.state();
        let Some(u) = st.iam.users.get(user_id) else { return Vec::new() };
        u.api_keys.iter().map(|k| ApiKeyView { fingerprint: k.fingerprint.clone(), state: k.lifecycle().to_owned() }).collect()
    }

    fn creds(&self, user_id: &str, kind: CredKind) -> Vec<CredView> {
        let st = self.state();
        let Some(u) = st.iam.users.get(user_id) else { return Vec::new() };
        u.creds(kind)
            .iter()
            .map(|c| CredView { id: c.id.clone(), description: c.label.clone(), state: "ACTIVE".to_owned(), username: c.username.clone() })
            .collect()
    }

    /// The user's credentials of `kind` (auth tokens, customer secret keys, SMTP credentials, OAuth
    /// 2.0 client credentials, database passwords; empty for API keys and console passwords).
    pub fn credentials(&self, user_id: &str, kind: CredentialKind) -> Vec<CredView> {
        seed::cred_kind(kind).map(|ck| self.creds(user_id, ck)).unwrap_or_default()
    }

    /// The value IAM accepts for the credential `id` of `kind` (token, secret key, password).
    pub fn credential_secret(&self, user_id: &str, kind: CredentialKind, id: &str) -> Option<String> {
        let ck = seed::cred_kind(kind)?;
        let st = self.state();
        st.iam.users.get(user_id)?.creds(ck).iter().find(|c| c.id == id).map(|c| c.secret.clone())
    }

    /// Creates a credential of `kind` (one IAM keeps a secret for) labelled `label`, as someone
    /// else than the rotation would; returns (id, secret).
    pub fn create_credential(&self, user_id: &str, kind: CredentialKind, label: &str) -> Result<(String, String), SimError> {
        let ck = seed::cred_kind(kind).ok_or_else(|| error::invalid(format!("{kind} is not a credential with an IAM id")))?;
        self.state().iam.create_cred(user_id, ck, label)
    }

    /// The user's auth tokens.
    pub fn auth_tokens(&self, user_id: &str) -> Vec<CredView> {
        self.creds(user_id, CredKind::AuthToken)
    }

    /// The user's customer secret keys.
    pub fn customer_secret_keys(&self, user_id: &str) -> Vec<CredView> {
        self.creds(user_id, CredKind::CustomerSecretKey)
    }

    /// The user's current console password, if any.
    pub fn ui_password(&self, user_id: &str) -> Option<String> {
        self.state().iam.users.get(user_id).and_then(|u| u.ui_password.as_ref().map(|p| p.password.clone()))
    }

    /// Registers a Cloud Guard problem named `problem_name` (the detector rule, e.g.
    /// `PASSWORD_TOO_OLD`) about `user_id`, OPEN, as GetProblem answers it (`resourceId` and
    /// `additionalDetails["User OCID"]` name the user); returns its OCID.
    pub fn add_problem(&self, problem_name: &str, user_id: &str) -> String {
        let id = ids::ocid("ocid1.cloudguardproblem.oc1.iad.amaaaaaa");
        let mut st = self.state();
        let now = ids::now_rfc3339();
        let problem = json!({
            "id": id, "compartmentId": st.tenancy_id, "detectorRuleId": problem_name, "riskLevel": "MEDIUM",
            "resourceId": user_id, "resourceName": user_id, "resourceType": "User", "labels": ["CIS_OCI_V1.1_IAM"],
            "timeFirstDetected": now, "timeLastDetected": now, "lifecycleState": "ACTIVE", "lifecycleDetail": "OPEN",
            "detectorId": "IAAS_CONFIGURATION_DETECTOR", "additionalDetails": {"User OCID": user_id}
        });
        st.problems.insert(id.clone(), problem);
        id
    }

    /// Messages published to notification topics: (topic, title, body).
    pub fn published(&self) -> Vec<(String, String, String)> {
        self.state().published.iter().map(|p| (p.topic.clone(), p.title.clone(), p.body.clone())).collect()
    }

    /// Every OCI request seen since the last [`Simulator::clear_journal`].
    pub fn journal(&self) -> Vec<JournalEntry> {
        lock(&self.inner.journal).entries()
    }

    /// Forgets the journal.
    pub fn clear_journal(&self) {
        lock(&self.inner.journal).clear();
    }

    /// Queues a fault.
    pub fn inject(&self, fault: Fault) {
        lock(&self.inner.faults).push(fault);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.inner.faults).clear();
    }

    /// Faults queued and not yet triggered.
    pub fn faults_pending(&self) -> usize {
        lock(&self.inner.faults).len()
    }

    /// OCI requests received (every path but `/_sim/`).
    pub fn request_count(&self) -> u64 {
        self.inner.requests.load(Ordering::SeqCst)
    }

    /// Counts an arriving request and takes the fault it triggers, if any.
    pub(crate) fn arrive(&self, method: &str, path_and_query: &str) -> Option<FaultKind> {
        self.inner.requests.fetch_add(1, Ordering::SeqCst);
        lock(&self.inner.faults).take(method, path_and_query)
    }

    /// Takes a token of the family `path` belongs to; `Err(wait)` when throttled.
    pub(crate) fn take_token(&self, path: &str) -> Result<(), Duration> {
        match (&self.inner.opts.throttle, throttle::ApiFamily::of_path(path)) {
            (Some(t), Some(family)) => lock(&self.inner.buckets).take(t, family),
            _ => Ok(()),
        }
    }

    /// Requests the throttles answered 429, per API family (families that refused none are left out).
    pub fn throttled(&self) -> Vec<(ApiFamily, u64)> {
        lock(&self.inner.buckets).refused()
    }

    pub(crate) fn record(&self, entry: JournalEntry) {
        lock(&self.inner.journal).record(entry);
    }

    /// Secrets (versions and stages) and users (credential ids and fingerprints), without any
    /// secret value: what `GET /_sim/state` answers.
    pub fn state_view(&self) -> Value {
        let st = self.state();
        let secrets: Vec<Value> = st
            .vault
            .secrets
            .values()
            .map(|s| {
                json!({"id": s.id, "name": s.name, "metadata": s.metadata, "lifecycleState": s.lifecycle(),
                    "currentVersionNumber": s.current(), "isAutoGenerationEnabled": s.auto_gen_enabled,
                    "rotationStatus": s.json(&st.vault.id)["rotationStatus"], "lastRotationTime": s.last_rotation_time.map(clock::rfc3339),
                    "nextRotationTime": s.next_rotation_time.map(clock::rfc3339),
                    "versions": s.versions.iter().map(|v| json!({"versionNumber": v.number, "stages": v.stages})).collect::<Vec<_>>()})
            })
            .collect();
        let users: Vec<Value> = st
            .iam
            .users
            .values()
            .map(|u| {
                json!({"id": u.id, "name": u.name, "isAdmin": st.iam.admins.contains(&u.id), "domainId": u.domain_id, "scimId": u.scim_id,
                    "apiKeys": u.api_keys.iter().map(|k| json!({"fingerprint": k.fingerprint, "lifecycleState": k.lifecycle()})).collect::<Vec<_>>(),
                    "authTokens": u.auth_tokens.iter().map(|c| json!({"id": c.id, "description": c.label})).collect::<Vec<_>>(),
                    "customerSecretKeys": u.customer_secret_keys.iter().map(|c| json!({"id": c.id, "displayName": c.label})).collect::<Vec<_>>(),
                    "smtpCredentials": u.smtp_credentials.iter().map(|c| json!({"id": c.id, "description": c.label, "username": c.username})).collect::<Vec<_>>(),
                    "oauth2ClientCredentials": u.oauth2_client_credentials.iter().map(|c| json!({"id": c.id, "description": c.label, "scopes": c.scopes})).collect::<Vec<_>>(),
                    "dbCredentials": u.db_credentials.iter().map(|c| json!({"id": c.id, "description": c.label})).collect::<Vec<_>>(),
                    "hasUiPassword": u.ui_password.is_some(), "freeformTags": u.freeform_tags})
            })
            .collect();
        let base = self.endpoint().unwrap_or_default();
        let domains: Vec<Value> = st.domains.visible().iter().map(|d| d.json(&st.tenancy_id, &base)).collect();
        json!({"tenancyId": st.tenancy_id, "vaultId": st.vault.id, "domains": domains, "secrets": secrets, "users": users})
    }

    /// True when `key` is one of the user's API keys (any state).
    pub fn holds_key(&self, user_id: &str, key: &PublicKey) -> bool {
        let Ok(fp) = crate::keys::fingerprint(key) else { return false };
        self.api_keys(user_id).iter().any(|k| k.fingerprint == fp)
    }
}
