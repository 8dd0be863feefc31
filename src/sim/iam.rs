//! The simulator's IAM: users and their credentials (API keys, auth tokens, customer secret keys,
//! a console password), with IAM's rules: per-user limits (3 API keys, 2 auth tokens, 2 customer
//! secret keys), RSA keys of at least 2048 bits, one fingerprint once per user, and an uploaded key
//! `CREATING` (not usable to sign) until it has propagated; users' freeform tags (where a user
//! names the secrets that may rotate its credentials). Every user belongs to one identity domain
//! and has a SCIM id (32 hex); every credential has a SCIM id and an OCID too, so the classic API
//! and a domain's SCIM API see one store. Pure data and rules: no HTTP here.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use rsa::traits::PublicKeyParts as _;
use rsa::PublicKey;
use serde_json::{json, Value};

use super::error::{err, invalid, not_found, SimError};
use super::ids;
use crate::keys;

/// Each user may hold at most this many API keys.
pub(crate) const API_KEY_LIMIT: usize = 3;
/// Each user may hold at most this many auth tokens, and as many customer secret keys.
pub(crate) const CRED_LIMIT: usize = 2;

/// An API key in IAM.
pub(crate) struct ApiKey {
    pub fingerprint: String,
    /// SCIM id (32 hex) and OCID, as identity domains show the key.
    pub scim_id: String,
    pub ocid: String,
    pub description: String,
    pub public_pem: String,
    pub public: PublicKey,
    /// From this instant the key is ACTIVE (usable to sign); before, CREATING.
    pub active_at: Instant,
    pub time_created: String,
}

impl ApiKey {
    pub(crate) fn lifecycle(&self) -> &'static str {
        if Instant::now() >= self.active_at {
            "ACTIVE"
        } else {
            "CREATING"
        }
    }
}

/// The two kinds of user credential with an IAM-made secret and a label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredKind {
    /// Auth token: id is an OCID, the label a `description`, the secret a `token`.
    AuthToken,
    /// Customer secret key: id is the access key, the label a `displayName`, the secret a `key`.
    CustomerSecretKey,
}

impl CredKind {
    /// The JSON field of the label.
    pub(crate) fn label_field(self) -> &'static str {
        match self {
            CredKind::AuthToken => "description",
            CredKind::CustomerSecretKey => "displayName",
        }
    }

    /// The JSON field of the one-time secret in the create response.
    pub(crate) fn secret_field(self) -> &'static str {
        match self {
            CredKind::AuthToken => "token",
            CredKind::CustomerSecretKey => "key",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            CredKind::AuthToken => "auth tokens",
            CredKind::CustomerSecretKey => "customer secret keys",
        }
    }
}

/// An auth token or customer secret key in IAM (its secret is not kept: IAM shows it once).
pub(crate) struct Cred {
    /// The classic id: the OCID (auth tokens) or the access key (customer secret keys).
    pub id: String,
    pub label: String,
    /// Customer secret keys: the domain API's `description` beside the `displayName` (`label`).
    pub description: String,
    /// SCIM id (32 hex) and OCID, as identity domains show the credential.
    pub scim_id: String,
    pub ocid: String,
    pub time_created: String,
}

impl Cred {
    /// The list/summary JSON (no secret).
    pub(crate) fn json(&self, kind: CredKind, user_id: &str) -> Value {
        json!({"id": self.id, "userId": user_id, kind.label_field(): self.label, "timeCreated": self.time_created,
            "timeExpires": null, "lifecycleState": "ACTIVE"})
    }
}

/// A console password; `id` tells one reset from the next (for retry-token replays).
pub(crate) struct UiPassword {
    pub id: String,
    pub password: String,
    /// When it was set (a domain's `lastSuccessfulSetDate`).
    pub time_created: String,
}

pub(crate) struct User {
    pub id: String,
    /// SCIM id (32 hex) in its domain.
    pub scim_id: String,
    /// OCID of its identity domain.
    pub domain_id: String,
    pub name: String,
    pub api_keys: Vec<ApiKey>,
    pub auth_tokens: Vec<Cred>,
    pub customer_secret_keys: Vec<Cred>,
    pub ui_password: Option<UiPassword>,
    pub time_created: String,
    /// `freeformTags`: GetUser answers them, UpdateUser replaces them.
    pub freeform_tags: BTreeMap<String, String>,
}

impl User {
    /// The `User` model of GetUser.
    pub(crate) fn json(&self, tenancy: &str) -> Value {
        json!({
            "id": self.id, "compartmentId": tenancy, "name": self.name, "description": format!("simulated user {}", self.name),
            "email": format!("{}@example.com", self.name), "emailVerified": true, "lifecycleState": "ACTIVE",
            "timeCreated": self.time_created, "isMfaActivated": false,
            "freeformTags": self.freeform_tags, "definedTags": {},
            "capabilities": {"canUseConsolePassword": true, "canUseApiKeys": true, "canUseAuthTokens": true,
                "canUseSmtpCredentials": true, "canUseCustomerSecretKeys": true, "canUseDbCredentials": true,
                "canUseOAuth2ClientCredentials": true}
        })
    }

    pub(crate) fn creds(&self, kind: CredKind) -> &Vec<Cred> {
        match kind {
            CredKind::AuthToken => &self.auth_tokens,
            CredKind::CustomerSecretKey => &self.customer_secret_keys,
        }
    }

    pub(crate) fn creds_mut(&mut self, kind: CredKind) -> &mut Vec<Cred> {
        match kind {
            CredKind::AuthToken => &mut self.auth_tokens,
            CredKind::CustomerSecretKey => &mut self.customer_secret_keys,
        }
    }

    /// The `ApiKey` model.
    pub(crate) fn api_key_json(&self, tenancy: &str, k: &ApiKey) -> Value {
        json!({"keyId": format!("{tenancy}/{}/{}", self.id, k.fingerprint), "keyValue": k.public_pem, "fingerprint": k.fingerprint,
            "userId": self.id, "timeCreated": k.time_created, "lifecycleState": k.lifecycle()})
    }
}

/// A resource whose existence decides whether a remembered create may be replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CreatedResource {
    ApiKey { user: String, fingerprint: String },
    Cred { user: String, kind: CredKind, id: String },
    UiPassword { user: String, id: String },
}

/// Users, their credentials, and which users are administrators.
pub(crate) struct Iam {
    pub users: BTreeMap<String, User>,
    pub admins: HashSet<String>,
    /// The Default domain's OCID: users made the classic way belong to it.
    pub default_domain: String,
}

impl Iam {
    pub(crate) fn user(&self, id: &str) -> Result<&User, SimError> {
        self.users.get(id).ok_or_else(|| not_found(&format!("user {id}")))
    }

    pub(crate) fn user_mut(&mut self, id: &str) -> Result<&mut User, SimError> {
        self.users.get_mut(id).ok_or_else(|| not_found(&format!("user {id}")))
    }

    pub(crate) fn new(default_domain: &str) -> Self {
        Iam { users: BTreeMap::new(), admins: HashSet::new(), default_domain: default_domain.to_owned() }
    }

    /// Adds an ACTIVE user to the Default domain; returns its OCID.
    pub(crate) fn add_user(&mut self, name: &str) -> String {
        let domain = self.default_domain.clone();
        self.add_user_in(&domain, name)
    }

    /// Adds an ACTIVE user to the domain `domain_id`; returns its OCID.
    pub(crate) fn add_user_in(&mut self, domain_id: &str, name: &str) -> String {
        let id = ids::ocid("ocid1.user.oc1..aaaaaaaa");
        let user = User {
            id: id.clone(),
            scim_id: ids::hex(32),
            domain_id: domain_id.to_owned(),
            name: name.to_owned(),
            api_keys: Vec::new(),
            auth_tokens: Vec::new(),
            customer_secret_keys: Vec::new(),
            ui_password: None,
            time_created: ids::now_rfc3339(),
            freeform_tags: BTreeMap::new(),
        };
        self.users.insert(id.clone(), user);
        id
    }

    /// Uploads an API key that becomes ACTIVE after `propagation`; returns its fingerprint.
    pub(crate) fn upload_api_key(&mut self, user_id: &str, public_pem: &str, propagation: Duration) -> Result<String, SimError> {
        self.add_api_key(user_id, public_pem, "", propagation)
    }

    /// [`Iam::upload_api_key`] with a description (identity domains keep one).
    pub(crate) fn add_api_key(
        &mut self,
        user_id: &str,
        public_pem: &str,
        description: &str,
        propagation: Duration,
    ) -> Result<String, SimError> {
        let public = keys::parse_public_pem(public_pem).map_err(|_| invalid("The key must be an RSA public key in PEM format"))?;
        if public.size() * 8 < 2048 {
            return Err(invalid("The key must be an RSA key of at least 2048 bits"));
        }
        let fingerprint = keys::fingerprint(&public).map_err(|_| invalid("The key must be an RSA public key in PEM format"))?;
        let user = self.user_mut(user_id)?;
        if user.api_keys.iter().any(|k| k.fingerprint == fingerprint) {
            return Err(err(409, "Conflict", format!("The user already has an API key with fingerprint {fingerprint}")));
        }
        if user.api_keys.len() >= API_KEY_LIMIT {
            return Err(err(400, "LimitExceeded", format!("A user can have at most {API_KEY_LIMIT} API keys")));
        }
        user.api_keys.push(ApiKey {
            fingerprint: fingerprint.clone(),
            scim_id: ids::hex(32),
            ocid: ids::ocid("ocid1.credential.oc1..aaaaaaaa"),
            description: description.to_owned(),
            public_pem: public_pem.to_owned(),
            public,
            active_at: Instant::now() + propagation,
            time_created: ids::now_rfc3339(),
        });
        Ok(fingerprint)
    }

    pub(crate) fn delete_api_key(&mut self, user_id: &str, fingerprint: &str) -> Result<(), SimError> {
        let user = self.user_mut(user_id)?;
        let before = user.api_keys.len();
        user.api_keys.retain(|k| k.fingerprint != fingerprint);
        if user.api_keys.len() == before {
            return Err(not_found(&format!("API key {fingerprint}")));
        }
        Ok(())
    }

    /// Creates an auth token or customer secret key; returns (id, one-time secret).
    pub(crate) fn create_cred(&mut self, user_id: &str, kind: CredKind, label: &str) -> Result<(String, String), SimError> {
        let description = if kind == CredKind::AuthToken { label } else { "" };
        self.add_cred(user_id, kind, label, description)
    }

    /// [`Iam::create_cred`] with the domain API's `description` (customer secret keys have both a
    /// `displayName`, the label, and a `description`; for auth tokens they are the same).
    pub(crate) fn add_cred(&mut self, user_id: &str, kind: CredKind, label: &str, description: &str) -> Result<(String, String), SimError> {
        let user = self.user_mut(user_id)?;
        let list = user.creds_mut(kind);
        if list.len() >= CRED_LIMIT {
            return Err(err(400, "LimitExceeded", format!("A user can have at most {CRED_LIMIT} {}", kind.plural())));
        }
        let ocid = ids::ocid("ocid1.credential.oc1..aaaaaaaa");
        let (id, secret) = match kind {
            CredKind::AuthToken => (ocid.clone(), ids::secret(24)),
            CredKind::CustomerSecretKey => (ids::hex(40), ids::secret(44)),
        };
        list.push(Cred {
            id: id.clone(),
            label: label.to_owned(),
            description: description.to_owned(),
            scim_id: ids::hex(32),
            ocid,
            time_created: ids::now_rfc3339(),
        });
        Ok((id, secret))
    }

    pub(crate) fn delete_cred(&mut self, user_id: &str, kind: CredKind, id: &str) -> Result<(), SimError> {
        let list = self.user_mut(user_id)?.creds_mut(kind);
        let before = list.len();
        list.retain(|c| c.id != id);
        if list.len() == before {
            return Err(not_found(&format!("credential {id}")));
        }
        Ok(())
    }

    /// Creates or resets the user's console password (replacing any previous one).
    pub(crate) fn reset_ui_password(&mut self, user_id: &str) -> Result<&UiPassword, SimError> {
        let user = self.user_mut(user_id)?;
        let password = format!("{}A1!", ids::secret(16));
        Ok(user.ui_password.insert(UiPassword { id: ids::hex(16), password, time_created: ids::now_rfc3339() }))
    }

    /// Sets the user's console password to `password` (a domain's UserPasswordChanger).
    pub(crate) fn set_ui_password(&mut self, user_id: &str, password: &str) -> Result<&UiPassword, SimError> {
        let user = self.user_mut(user_id)?;
        Ok(user.ui_password.insert(UiPassword { id: ids::hex(16), password: password.to_owned(), time_created: ids::now_rfc3339() }))
    }

    /// The public key of `user_id`'s ACTIVE API key with `fingerprint`.
    pub(crate) fn active_key(&self, user_id: &str, fingerprint: &str) -> Option<PublicKey> {
        let key = self.users.get(user_id)?.api_keys.iter().find(|k| k.fingerprint == fingerprint)?;
        (key.lifecycle() == "ACTIVE").then(|| key.public.clone())
    }

    /// Does a resource made by a remembered create still exist (as that create made it)?
    pub(crate) fn exists(&self, r: &CreatedResource) -> bool {
        match r {
            CreatedResource::ApiKey { user, fingerprint } => {
                self.users.get(user).is_some_and(|u| u.api_keys.iter().any(|k| &k.fingerprint == fingerprint))
            }
            CreatedResource::Cred { user, kind, id } => self.users.get(user).is_some_and(|u| u.creds(*kind).iter().any(|c| &c.id == id)),
            CreatedResource::UiPassword { user, id } => {
                self.users.get(user).is_some_and(|u| u.ui_password.as_ref().is_some_and(|p| &p.id == id))
            }
        }
    }
}
