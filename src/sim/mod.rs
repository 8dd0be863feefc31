//! An embedded OCI simulator: Vault (`20180608`), Secrets (`20190301`), Identity (`20160918`) and
//! Notifications (`20181201`), on the real paths with the real JSON, so the function, the demo,
//! the tests and the official OCI SDK can run a rotation with no cloud account.
//!
//! What it keeps faithful: version stages (CURRENT, PENDING, PREVIOUS, LATEST, DEPRECATED) and
//! promotion, etags and `if-match`, a secret `UPDATING` for a moment after each update, `SSH_KEY`
//! auto-generation, IAM's per-user limits (3 API keys, 2 auth tokens, 2 customer secret keys),
//! one-time secrets shown only by the create call, `opc-retry-token` idempotency, and an OCI
//! signature check of every request (resource-principal session keys, the administrator's API key,
//! and a user's own API key for their own GetUser). Faults can be injected at the Nth call.
//!
//! - `state`: the model and its rules; `http`: the handler, routing and signature checks; `seed`: the demo tenancy.

mod http;
mod seed;
mod state;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;
use serde::Serialize;
use serde_json::{json, Value};

pub use state::{AutoGen, SimError};

/// Timing knobs.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// How long a secret stays `UPDATING` after an update.
    pub updating_ms: u64,
    /// How long an uploaded API key is `CREATING` (not yet usable to sign).
    pub key_propagation_ms: u64,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions { updating_ms: 50, key_propagation_ms: 0 }
    }
}

/// A fault to inject.
#[derive(Debug, Clone)]
pub struct Fault {
    /// 1-based index among the requests matching the filter, counted from the injection.
    pub nth: u64,
    /// Only requests with this method (`PUT`...).
    pub method: Option<String>,
    /// Only requests whose path and query contain this.
    pub path_contains: Option<String>,
    /// What happens.
    pub kind: FaultKind,
}

/// What an injected fault does.
#[derive(Debug, Clone)]
pub enum FaultKind {
    /// Answer 500 without applying anything.
    Status500,
    /// Answer 429 with `retry-after` without applying anything.
    Status429 {
        /// The `retry-after` value.
        retry_after_secs: u64,
    },
    /// Break the connection without applying anything.
    ResetBeforeApply,
    /// Apply the change, then break the connection instead of answering.
    LostResponse,
    /// Wait, then handle the request normally.
    Delay {
        /// How long.
        ms: u64,
    },
}

/// One request the simulator saw.
#[derive(Debug, Clone, Serialize)]
pub struct JournalEntry {
    /// Order of arrival.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Raw path and query.
    pub path: String,
    /// Status answered (0: connection broken).
    pub status: u16,
    /// True when the request changed state.
    pub write: bool,
    /// The OCI operation (`UpdateSecret`...).
    pub operation: String,
}

/// A version of a secret, for inspection.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    /// Version number.
    pub version_number: u64,
    /// Stages.
    pub stages: Vec<String>,
    /// The decoded content, as JSON (Null when it is not JSON).
    pub content: Value,
}

/// An API key, for inspection.
#[derive(Debug, Clone, Serialize)]
pub struct ApiKeyView {
    /// Fingerprint.
    pub fingerprint: String,
    /// `ACTIVE` or `CREATING`.
    pub state: String,
}

/// An auth token or customer secret key, for inspection (never the secret).
#[derive(Debug, Clone, Serialize)]
pub struct CredView {
    /// Id (access key for customer secret keys).
    pub id: String,
    /// Description or display name.
    pub description: String,
    /// `ACTIVE`.
    pub state: String,
}

/// The administrator principal's key material.
pub struct AdminPrincipal {
    /// The admin user.
    pub user_id: String,
    /// The tenancy.
    pub tenancy_id: String,
    /// The API key's fingerprint.
    pub fingerprint: String,
    /// PKCS#8 PEM of the API key.
    pub private_key_pem: String,
    /// `<tenancy>/<user>/<fingerprint>`.
    pub key_id: String,
}

/// A resource-principal session the simulator issued.
pub struct ResourcePrincipalSession {
    /// The RPST (a JWT).
    pub rpst: String,
    /// PKCS#8 PEM of the session key.
    pub private_key_pem: String,
    /// The tenancy (`res_tenant`).
    pub tenancy_id: String,
}

/// What `seed` created.
#[derive(Debug, Clone, Serialize)]
pub struct Seeded {
    /// Secret OCID per credential kind.
    pub secrets: BTreeMap<String, String>,
    /// User OCID per credential kind.
    pub users: BTreeMap<String, String>,
}

struct Faults {
    pending: Vec<(Fault, u64)>,
}

struct Inner {
    opts: SimOptions,
    state: Mutex<state::State>,
    faults: Mutex<Faults>,
    journal: Mutex<Vec<JournalEntry>>,
    requests: std::sync::atomic::AtomicU64,
}

/// The simulator. Cheap to clone.
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Simulator {
    /// A simulator with an empty tenancy.
    pub fn new(opts: SimOptions) -> Simulator {
        Simulator {
            inner: Arc::new(Inner {
                opts,
                state: Mutex::new(state::State::new()),
                faults: Mutex::new(Faults { pending: Vec::new() }),
                journal: Mutex::new(Vec::new()),
                requests: std::sync::atomic::AtomicU64::new(0),
            }),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, state::State> {
        lock(&self.inner.state)
    }

    pub(crate) fn updating(&self) -> u64 {
        self.inner.opts.updating_ms
    }

    pub(crate) fn key_propagation(&self) -> Duration {
        Duration::from_millis(self.inner.opts.key_propagation_ms)
    }

    /// The router serving every API.
    pub fn router(&self) -> axum::Router {
        axum::Router::new().fallback(http::handle).layer(axum::extract::DefaultBodyLimit::max(1024 * 1024)).with_state(self.clone())
    }

    /// Serves on `listener` until the process ends.
    pub async fn serve(&self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        axum::serve(listener, self.router()).await
    }

    /// Serves on a random loopback port in a background task; returns `http://127.0.0.1:PORT`.
    pub async fn spawn(&self) -> std::io::Result<String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let sim = self.clone();
        tokio::spawn(async move { sim.serve(listener).await });
        Ok(endpoint)
    }

    /// The tenancy OCID.
    pub fn tenancy_id(&self) -> String {
        self.state().tenancy_id.clone()
    }

    /// Creates an administrator (a user with an API key, trusted for every call).
    pub fn create_admin(&self) -> AdminPrincipal {
        let key = crate::keys::generate(2048).unwrap_or_else(|_| unreachable!("2048 is a supported size"));
        let mut st = self.state();
        let user_id = st.add_user("sim-admin");
        let fingerprint = st.upload_api_key(&user_id, &key.public_pem).unwrap_or_default();
        st.admins.insert(user_id.clone());
        let tenancy_id = st.tenancy_id.clone();
        AdminPrincipal {
            key_id: format!("{tenancy_id}/{user_id}/{fingerprint}"),
            user_id,
            tenancy_id,
            fingerprint,
            private_key_pem: key.private_pem.to_string(),
        }
    }

    /// Issues a resource-principal session (RPST + session key), trusted for every call.
    pub fn create_resource_principal(&self) -> ResourcePrincipalSession {
        let session = crate::keys::generate(2048).unwrap_or_else(|_| unreachable!("2048 is a supported size"));
        let public = crate::keys::parse_public_pem(&session.public_pem).unwrap_or_else(|_| unreachable!("generated key"));
        let mut st = self.state();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let exp = now + 3600;
        let claims = json!({
            "sub": "ocid1.fnfunc.oc1.iad.simulated", "res_tenant": st.tenancy_id, "res_compartment": st.tenancy_id,
            "res_type": "fnfunc", "iat": now, "exp": exp, "iss": "authService.oracle.com",
            "jwk": {"kty": "RSA", "alg": "RS256", "n": URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()), "e": URL_SAFE_NO_PAD.encode(public.e().to_bytes_be())}
        });
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT","kid":"sim"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signature = URL_SAFE_NO_PAD.encode(crate::keys::fingerprint(&public).unwrap_or_default());
        let rpst = format!("{header}.{payload}.{signature}");
        st.sessions.insert(rpst.clone(), (public, exp));
        ResourcePrincipalSession { rpst, private_key_pem: session.private_pem.to_string(), tenancy_id: st.tenancy_id.clone() }
    }

    /// Creates an ACTIVE user.
    pub fn create_user(&self, name: &str) -> String {
        self.state().add_user(name)
    }

    /// Seeds one user and one secret per credential kind (see `seed.rs`).
    pub async fn seed(&self) -> Seeded {
        seed::seed(self)
    }

    /// Creates a secret whose version 1 (CURRENT, LATEST) holds `content` (JSON, stored base64).
    pub fn create_secret(&self, name: &str, metadata: Value, content: &Value, auto_generation: Option<AutoGen>) -> String {
        self.state().add_secret(name, metadata, content, auto_generation, None)
    }

    /// Replaces a secret's metadata (tests).
    pub fn set_metadata(&self, secret_id: &str, metadata: Value) {
        if let Some(s) = self.state().secrets.get_mut(secret_id) {
            s.metadata = metadata;
        }
    }

    /// Uploads an API key for a user; returns its fingerprint.
    pub fn upload_api_key(&self, user_id: &str, public_pem: &str) -> Result<String, SimError> {
        self.state().upload_api_key(user_id, public_pem)
    }

    /// Creates an auth token; returns (id, token).
    pub fn create_auth_token(&self, user_id: &str, description: &str) -> Result<(String, String), SimError> {
        self.state().create_cred(user_id, false, description)
    }

    /// Creates a customer secret key; returns (id = access key, secret key).
    pub fn create_customer_secret_key(&self, user_id: &str, display_name: &str) -> Result<(String, String), SimError> {
        self.state().create_cred(user_id, true, display_name)
    }

    /// Resets the user's console password; returns it.
    pub fn reset_ui_password(&self, user_id: &str) -> Result<String, SimError> {
        self.state().reset_ui_password(user_id)
    }

    /// The versions of a secret, oldest first, with decoded content.
    pub fn secret_versions(&self, secret_id: &str) -> Vec<VersionView> {
        let st = self.state();
        let Some(s) = st.secrets.get(secret_id) else { return Vec::new() };
        s.versions
            .iter()
            .map(|v| VersionView {
                version_number: v.number,
                stages: v.stages.clone(),
                content: B64.decode(&v.content_b64).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or(Value::Null),
            })
            .collect()
    }

    /// The CURRENT version number.
    pub fn current_version(&self, secret_id: &str) -> Option<u64> {
        self.state().secrets.get(secret_id).and_then(state::Secret::current)
    }

    /// How many times RotateSecret was accepted for the secret.
    pub fn rotations_requested(&self, secret_id: &str) -> u64 {
        self.state().secrets.get(secret_id).map_or(0, |s| s.rotations_requested)
    }

    /// The user's API keys.
    pub fn api_keys(&self, user_id: &str) -> Vec<ApiKeyView> {
        let propagation = self.key_propagation();
        let st = self.state();
        st.users
            .get(user_id)
            .map(|u| {
                u.api_keys
                    .iter()
                    .map(|k| ApiKeyView {
                        fingerprint: k.fingerprint.clone(),
                        state: if k.created.elapsed() >= propagation { "ACTIVE" } else { "CREATING" }.to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn creds(&self, user_id: &str, csk: bool) -> Vec<CredView> {
        let st = self.state();
        let Some(u) = st.users.get(user_id) else { return Vec::new() };
        let list = if csk { &u.customer_secret_keys } else { &u.auth_tokens };
        list.iter().map(|c| CredView { id: c.id.clone(), description: c.label.clone(), state: "ACTIVE".to_owned() }).collect()
    }

    /// The user's auth tokens.
    pub fn auth_tokens(&self, user_id: &str) -> Vec<CredView> {
        self.creds(user_id, false)
    }

    /// The user's customer secret keys.
    pub fn customer_secret_keys(&self, user_id: &str) -> Vec<CredView> {
        self.creds(user_id, true)
    }

    /// The user's current console password, if any.
    pub fn ui_password(&self, user_id: &str) -> Option<String> {
        self.state().users.get(user_id).and_then(|u| u.ui_password.as_ref().map(|(p, _)| p.clone()))
    }

    /// Messages published to ONS topics: (topic, title, body).
    pub fn published(&self) -> Vec<(String, String, String)> {
        self.state().published.clone()
    }

    /// Every request seen since the last `clear_journal`.
    pub fn journal(&self) -> Vec<JournalEntry> {
        lock(&self.inner.journal).clone()
    }

    /// Forgets the journal.
    pub fn clear_journal(&self) {
        lock(&self.inner.journal).clear();
    }

    /// Queues a fault.
    pub fn inject(&self, fault: Fault) {
        lock(&self.inner.faults).pending.push((fault, 0));
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.inner.faults).pending.clear();
    }

    /// Requests received (all routes but `/_sim/`).
    pub fn request_count(&self) -> u64 {
        self.inner.requests.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Counts an arriving request and takes the fault it triggers, if any.
    pub(crate) fn take_fault(&self, method: &str, path_and_query: &str) -> Option<FaultKind> {
        self.inner.requests.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut faults = lock(&self.inner.faults);
        let mut hit = None;
        for (i, (f, seen)) in faults.pending.iter_mut().enumerate() {
            let matches = f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
                && f.path_contains.as_deref().is_none_or(|p| path_and_query.contains(p));
            if matches {
                *seen += 1;
                if *seen == f.nth && hit.is_none() {
                    hit = Some(i);
                }
            }
        }
        hit.map(|i| faults.pending.remove(i).0.kind)
    }

    pub(crate) fn record(&self, method: &axum::http::Method, path: &str, status: u16, write: bool, operation: &str) {
        let mut j = lock(&self.inner.journal);
        let seq = j.len() as u64 + 1;
        j.push(JournalEntry { seq, method: method.to_string(), path: path.to_owned(), status, write, operation: operation.to_owned() });
    }

    /// A view of secrets and IAM without secret values (for `/_sim/state`).
    pub fn state_view(&self) -> Value {
        let st = self.state();
        let secrets: Vec<Value> = st
            .secrets
            .values()
            .map(|s| {
                json!({"id": s.id, "name": s.name, "metadata": s.metadata, "lifecycleState": s.lifecycle(),
                "versions": s.versions.iter().map(|v| json!({"versionNumber": v.number, "stages": v.stages})).collect::<Vec<_>>()})
            })
            .collect();
        let users: Vec<Value> = st
            .users
            .values()
            .map(|u| {
                json!({"id": u.id, "name": u.name,
                "apiKeys": u.api_keys.iter().map(|k| k.fingerprint.clone()).collect::<Vec<_>>(),
                "authTokens": u.auth_tokens.iter().map(|c| json!({"id": c.id, "description": c.label})).collect::<Vec<_>>(),
                "customerSecretKeys": u.customer_secret_keys.iter().map(|c| json!({"id": c.id, "displayName": c.label})).collect::<Vec<_>>(),
                "hasUiPassword": u.ui_password.is_some()})
            })
            .collect();
        json!({"tenancyId": st.tenancy_id, "secrets": secrets, "users": users})
    }

    /// Verifies that a public key is one of the user's (for tests).
    pub fn holds_key(&self, user_id: &str, key: &RsaPublicKey) -> bool {
        let fp = crate::keys::fingerprint(key).unwrap_or_default();
        self.api_keys(user_id).iter().any(|k| k.fingerprint == fp)
    }
}
