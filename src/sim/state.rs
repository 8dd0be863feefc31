//! The simulator's model of one tenancy: IAM users and their credentials (with IAM's per-user
//! limits and one-time secrets), Vault secrets and their versions (with real stage rules), and the
//! principals the simulator trusts. Pure data and rules: no HTTP here.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use rand::Rng;
use rsa::RsaPublicKey;
use serde_json::{json, Value};

use crate::keys;

/// An OCI-shaped failure: status, code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimError {
    /// HTTP status.
    pub status: u16,
    /// OCI error code.
    pub code: &'static str,
    /// Message.
    pub message: String,
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for SimError {}

pub(crate) fn err(status: u16, code: &'static str, message: impl Into<String>) -> SimError {
    SimError { status, code, message: message.into() }
}

pub(crate) fn not_found(what: &str) -> SimError {
    err(404, "NotAuthorizedOrNotFound", format!("Authorization failed or requested resource not found: {what}"))
}

/// IAM's per-user limits.
pub(crate) const API_KEY_LIMIT: usize = 3;
pub(crate) const CRED_LIMIT: usize = 2;

pub(crate) fn random_id(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    let tail: String = (0..32).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect();
    format!("{prefix}{tail}")
}

pub(crate) fn random_secret(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+-_.:";
    let mut rng = rand::thread_rng();
    (0..len).map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())])).collect()
}

pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// An API key in IAM.
pub(crate) struct ApiKey {
    pub fingerprint: String,
    pub public_pem: String,
    pub public: RsaPublicKey,
    pub created: Instant,
    pub time_created: String,
}

/// An auth token or customer secret key in IAM.
pub(crate) struct Cred {
    pub id: String,
    pub label: String,
    pub time_created: String,
}

pub(crate) struct User {
    pub id: String,
    pub name: String,
    pub api_keys: Vec<ApiKey>,
    pub auth_tokens: Vec<Cred>,
    pub customer_secret_keys: Vec<Cred>,
    pub ui_password: Option<(String, String)>,
    pub time_created: String,
}

impl User {
    pub(crate) fn json(&self, tenancy: &str) -> Value {
        json!({
            "id": self.id, "compartmentId": tenancy, "name": self.name, "description": format!("simulated user {}", self.name),
            "email": format!("{}@example.com", self.name), "lifecycleState": "ACTIVE", "timeCreated": self.time_created,
            "isMfaActivated": false,
            "capabilities": {"canUseConsolePassword": true, "canUseApiKeys": true, "canUseAuthTokens": true,
                "canUseSmtpCredentials": true, "canUseCustomerSecretKeys": true, "canUseDbCredentials": true, "canUseOAuth2ClientCredentials": true}
        })
    }
}

/// Vault generates content for a secret with auto-generation.
#[derive(Debug, Clone)]
pub struct AutoGen {
    /// `RSA_2048`, `RSA_3072` or `RSA_4096` (generation type `SSH_KEY`).
    pub generation_template: String,
    /// Template with `%GENERATED_PRIVATE_KEY%` and `%GENERATED_PUBLIC_KEY%`.
    pub secret_template: Option<String>,
}

pub(crate) struct Version {
    pub number: u64,
    pub stages: Vec<String>,
    pub content_b64: String,
    pub time_created: String,
    pub auto_generated: bool,
}

pub(crate) struct Secret {
    pub id: String,
    pub name: String,
    pub compartment: String,
    pub metadata: Value,
    pub versions: Vec<Version>,
    pub etag: String,
    pub updating_until: Option<Instant>,
    pub auto_gen: Option<AutoGen>,
    pub time_created: String,
    pub rotations_requested: u64,
}

impl Secret {
    pub(crate) fn lifecycle(&self) -> &'static str {
        match self.updating_until {
            Some(t) if Instant::now() < t => "UPDATING",
            _ => "ACTIVE",
        }
    }

    pub(crate) fn current(&self) -> Option<u64> {
        self.versions.iter().find(|v| v.stages.iter().any(|s| s == "CURRENT")).map(|v| v.number)
    }

    pub(crate) fn json(&self, vault: &str) -> Value {
        let mut v = json!({
            "id": self.id, "compartmentId": self.compartment, "vaultId": vault, "secretName": self.name,
            "keyId": "ocid1.key.oc1.iad.simulated", "lifecycleState": self.lifecycle(), "currentVersionNumber": self.current(),
            "metadata": self.metadata, "isAutoGenerationEnabled": self.auto_gen.is_some(), "timeCreated": self.time_created,
            "rotationStatus": "NOT_ENABLED"
        });
        if let Some(a) = &self.auto_gen {
            v["secretGenerationContext"] =
                json!({"generationType": "SSH_KEY", "generationTemplate": a.generation_template, "secretTemplate": a.secret_template});
        }
        v
    }

    fn strip(&mut self, stage: &str) {
        for v in &mut self.versions {
            v.stages.retain(|s| s != stage);
        }
    }

    fn deprecate_bare(&mut self) {
        for v in &mut self.versions {
            if v.stages.is_empty() {
                v.stages.push("DEPRECATED".to_owned());
            }
        }
    }

    /// Adds a version in `stage` (`PENDING` or `CURRENT`), moving the other stages by Vault's rules.
    pub(crate) fn add_version(&mut self, content_b64: String, stage: &str, auto_generated: bool) -> u64 {
        let number = self.versions.iter().map(|v| v.number).max().unwrap_or(0) + 1;
        self.strip("LATEST");
        if stage == "PENDING" {
            self.strip("PENDING");
        } else {
            self.strip("PREVIOUS");
            for v in &mut self.versions {
                if let Some(i) = v.stages.iter().position(|s| s == "CURRENT") {
                    v.stages[i] = "PREVIOUS".to_owned();
                }
            }
        }
        self.deprecate_bare();
        let stages = vec![stage.to_owned(), "LATEST".to_owned()];
        self.versions.push(Version { number, stages, content_b64, time_created: now_rfc3339(), auto_generated });
        number
    }

    /// Makes version `n` CURRENT; the old CURRENT becomes PREVIOUS.
    pub(crate) fn promote(&mut self, n: u64) -> Result<(), SimError> {
        if !self.versions.iter().any(|v| v.number == n) {
            return Err(not_found(&format!("secret version {n}")));
        }
        if self.current() == Some(n) {
            return Ok(());
        }
        self.strip("PREVIOUS");
        for v in &mut self.versions {
            if let Some(i) = v.stages.iter().position(|s| s == "CURRENT") {
                v.stages[i] = "PREVIOUS".to_owned();
            }
        }
        if let Some(v) = self.versions.iter_mut().find(|v| v.number == n) {
            v.stages.retain(|s| s != "PENDING" && s != "DEPRECATED");
            v.stages.insert(0, "CURRENT".to_owned());
        }
        self.deprecate_bare();
        Ok(())
    }
}

/// A remembered answer to a creating call with an `opc-retry-token`.
pub(crate) struct Remembered {
    pub status: u16,
    pub body: Value,
    /// What must still exist for a replay to be answered: (user, kind, id).
    pub resource: Option<(String, &'static str, String)>,
}

pub(crate) struct State {
    pub tenancy_id: String,
    pub vault_id: String,
    pub users: BTreeMap<String, User>,
    pub secrets: BTreeMap<String, Secret>,
    pub admins: HashSet<String>,
    pub sessions: HashMap<String, (RsaPublicKey, i64)>,
    pub retry_tokens: HashMap<(String, String), Remembered>,
    pub published: Vec<(String, String, String)>,
}

impl State {
    pub(crate) fn new() -> Self {
        State {
            tenancy_id: random_id("ocid1.tenancy.oc1..aaaaaaaa"),
            vault_id: random_id("ocid1.vault.oc1.iad.aaaaaaaa"),
            users: BTreeMap::new(),
            secrets: BTreeMap::new(),
            admins: HashSet::new(),
            sessions: HashMap::new(),
            retry_tokens: HashMap::new(),
            published: Vec::new(),
        }
    }

    pub(crate) fn user_mut(&mut self, id: &str) -> Result<&mut User, SimError> {
        self.users.get_mut(id).ok_or_else(|| not_found(&format!("user {id}")))
    }

    pub(crate) fn secret_mut(&mut self, id: &str) -> Result<&mut Secret, SimError> {
        self.secrets.get_mut(id).ok_or_else(|| not_found(&format!("secret {id}")))
    }

    pub(crate) fn add_user(&mut self, name: &str) -> String {
        let id = random_id("ocid1.user.oc1..aaaaaaaa");
        let user = User {
            id: id.clone(),
            name: name.to_owned(),
            api_keys: Vec::new(),
            auth_tokens: Vec::new(),
            customer_secret_keys: Vec::new(),
            ui_password: None,
            time_created: now_rfc3339(),
        };
        self.users.insert(id.clone(), user);
        id
    }

    pub(crate) fn upload_api_key(&mut self, user_id: &str, public_pem: &str) -> Result<String, SimError> {
        let public =
            keys::parse_public_pem(public_pem).map_err(|_| err(400, "InvalidParameter", "key must be an RSA public key in PEM format"))?;
        let bits = rsa::traits::PublicKeyParts::size(&public) * 8;
        if bits < 2048 {
            return Err(err(400, "InvalidParameter", "the key must be at least 2048 bits"));
        }
        let fingerprint = keys::fingerprint(&public).map_err(|_| err(400, "InvalidParameter", "bad key"))?;
        let user = self.user_mut(user_id)?;
        if user.api_keys.iter().any(|k| k.fingerprint == fingerprint) {
            return Err(err(409, "Conflict", format!("an API key with fingerprint {fingerprint} already exists")));
        }
        if user.api_keys.len() >= API_KEY_LIMIT {
            return Err(err(400, "LimitExceeded", "a user can have at most 3 API keys"));
        }
        let key = ApiKey {
            fingerprint: fingerprint.clone(),
            public_pem: public_pem.to_owned(),
            public,
            created: Instant::now(),
            time_created: now_rfc3339(),
        };
        user.api_keys.push(key);
        Ok(fingerprint)
    }

    pub(crate) fn create_cred(&mut self, user_id: &str, customer_secret_key: bool, label: &str) -> Result<(String, String), SimError> {
        let user = self.user_mut(user_id)?;
        let list = if customer_secret_key { &mut user.customer_secret_keys } else { &mut user.auth_tokens };
        if list.len() >= CRED_LIMIT {
            let what = if customer_secret_key { "customer secret keys" } else { "auth tokens" };
            return Err(err(400, "LimitExceeded", format!("a user can have at most 2 {what}")));
        }
        let id = if customer_secret_key {
            let mut rng = rand::thread_rng();
            (0..40).map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)])).collect()
        } else {
            random_id("ocid1.credential.oc1..aaaaaaaa")
        };
        let secret = random_secret(if customer_secret_key { 44 } else { 24 });
        list.push(Cred { id: id.clone(), label: label.to_owned(), time_created: now_rfc3339() });
        Ok((id, secret))
    }

    pub(crate) fn reset_ui_password(&mut self, user_id: &str) -> Result<String, SimError> {
        let user = self.user_mut(user_id)?;
        let password = format!("{}A1!", random_secret(16));
        user.ui_password = Some((password.clone(), now_rfc3339()));
        Ok(password)
    }

    pub(crate) fn add_secret(
        &mut self,
        name: &str,
        metadata: Value,
        content: &Value,
        auto_gen: Option<AutoGen>,
        id: Option<String>,
    ) -> String {
        let id = id.unwrap_or_else(|| random_id("ocid1.vaultsecret.oc1.iad.amaaaaaa"));
        let mut secret = Secret {
            id: id.clone(),
            name: name.to_owned(),
            compartment: self.tenancy_id.clone(),
            metadata,
            versions: Vec::new(),
            etag: random_id(""),
            updating_until: None,
            auto_gen,
            time_created: now_rfc3339(),
            rotations_requested: 0,
        };
        secret.add_version(B64.encode(content.to_string()), "CURRENT", false);
        self.secrets.insert(id.clone(), secret);
        id
    }

    /// True when `user_id` holds an ACTIVE (propagated) key with `fingerprint`.
    pub(crate) fn user_key(&self, user_id: &str, fingerprint: &str, propagation: Duration) -> Option<RsaPublicKey> {
        self.users
            .get(user_id)?
            .api_keys
            .iter()
            .find(|k| k.fingerprint == fingerprint && k.created.elapsed() >= propagation)
            .map(|k| k.public.clone())
    }

    /// Does the resource a remembered retry-token answer refers to still exist?
    pub(crate) fn resource_exists(&self, r: &(String, &'static str, String)) -> bool {
        let Some(user) = self.users.get(&r.0) else { return false };
        match r.1 {
            "apiKey" => user.api_keys.iter().any(|k| k.fingerprint == r.2),
            "authToken" => user.auth_tokens.iter().any(|c| c.id == r.2),
            "customerSecretKey" => user.customer_secret_keys.iter().any(|c| c.id == r.2),
            _ => true,
        }
    }
}

/// Fills an SSH_KEY generation template with a new key pair.
pub(crate) fn generate_content(a: &AutoGen) -> Result<String, SimError> {
    let bits = match a.generation_template.as_str() {
        "RSA_3072" => 3072,
        "RSA_4096" => 4096,
        _ => 2048,
    };
    let key = keys::generate(bits).map_err(|_| err(500, "InternalServerError", "key generation failed"))?;
    let escape = |s: &str| serde_json::to_string(s).map(|q| q[1..q.len() - 1].to_owned()).unwrap_or_default();
    let template = a
        .secret_template
        .clone()
        .unwrap_or_else(|| r#"{"privateKey":"%GENERATED_PRIVATE_KEY%","publicKey":"%GENERATED_PUBLIC_KEY%"}"#.to_owned());
    let filled =
        template.replace("%GENERATED_PRIVATE_KEY%", &escape(&key.private_pem)).replace("%GENERATED_PUBLIC_KEY%", &escape(&key.public_pem));
    Ok(B64.encode(filled))
}
