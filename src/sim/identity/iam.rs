//! The simulator's IAM: users and their credentials (API keys, auth tokens, customer secret keys,
//! SMTP credentials, OAuth 2.0 client credentials, database passwords, a console password), with
//! IAM's rules: per-user limits (3 API keys, 2 auth tokens, 2 customer secret keys, 2 SMTP
//! credentials, 10 OAuth 2.0 client credentials, 2 database passwords), database passwords to
//! IAM's rules, RSA keys of at least 2048 bits, one fingerprint once per user, and an uploaded key
//! `CREATING` (not usable to sign) until it has propagated; users' freeform tags (where a user
//! names the secrets that may rotate its credentials). Every user belongs to one identity domain
//! and has a SCIM id (32 hex); every credential has a SCIM id and an OCID too, so the classic API
//! and a domain's SCIM API see one store. Pure data and rules: no HTTP here.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use rsa::traits::PublicKeyParts as _;
use rsa::PublicKey;
use serde_json::{json, Value};

use crate::keys;
use crate::sim::error::{err, invalid, not_found, SimError};
use crate::sim::ids;

/// Each user may hold at most this many API keys.
pub(crate) const API_KEY_LIMIT: usize = 3;

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

/// The kinds of user credential with an IAM id, a label and a secret that exists only at creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CredKind {
    /// Auth token: id is an OCID, the label a `description`, the secret a `token`.
    AuthToken,
    /// Customer secret key: id is the access key, the label a `displayName`, the secret a `key`.
    CustomerSecretKey,
    /// SMTP credential: id is an OCID, the label a `description`; IAM issues a `username` and a
    /// `password`.
    SmtpCredential,
    /// OAuth 2.0 client credential: id is an OCID; `name`, `description`, `scopes`; the secret a
    /// `password`.
    OAuth2ClientCredential,
    /// Database password: id is an OCID, the label a `description`; the caller chooses the
    /// password and IAM never returns it.
    DbCredential,
}

impl CredKind {
    /// The JSON field of the label.
    pub(crate) fn label_field(self) -> &'static str {
        match self {
            CredKind::CustomerSecretKey => "displayName",
            CredKind::AuthToken | CredKind::SmtpCredential | CredKind::OAuth2ClientCredential | CredKind::DbCredential => "description",
        }
    }

    /// The JSON field of the one-time secret in the classic create response (none for database
    /// passwords).
    pub(crate) fn secret_field(self) -> Option<&'static str> {
        match self {
            CredKind::AuthToken => Some("token"),
            CredKind::CustomerSecretKey => Some("key"),
            CredKind::SmtpCredential | CredKind::OAuth2ClientCredential => Some("password"),
            CredKind::DbCredential => None,
        }
    }

    /// IAM's per-user limit.
    pub(crate) fn limit(self) -> usize {
        match self {
            CredKind::OAuth2ClientCredential => 10,
            CredKind::AuthToken | CredKind::CustomerSecretKey | CredKind::SmtpCredential | CredKind::DbCredential => 2,
        }
    }

    /// True when IAM pages the classic list (`limit`, `page`, `opc-next-page`).
    pub(crate) fn paged(self) -> bool {
        matches!(self, CredKind::OAuth2ClientCredential | CredKind::DbCredential)
    }

    fn plural(self) -> &'static str {
        match self {
            CredKind::AuthToken => "auth tokens",
            CredKind::CustomerSecretKey => "customer secret keys",
            CredKind::SmtpCredential => "SMTP credentials",
            CredKind::OAuth2ClientCredential => "OAuth 2.0 client credentials",
            CredKind::DbCredential => "database passwords",
        }
    }
}

/// What a create call gives a new credential besides its kind and label.
#[derive(Default)]
pub(crate) struct NewCred<'a> {
    /// Customer secret keys in a domain: the `description` beside the `displayName`.
    pub description: Option<&'a str>,
    /// OAuth 2.0 client credentials: `name` and `scopes`.
    pub name: Option<&'a str>,
    pub scopes: Option<Value>,
    /// Database passwords: the password the caller chose.
    pub password: Option<&'a str>,
}

/// A credential of a [`CredKind`] in IAM, with the secret IAM holds (so the simulator can check
/// that what a secret version holds is what IAM accepts).
pub(crate) struct Cred {
    /// The classic id: the OCID, or the access key (customer secret keys).
    pub id: String,
    pub label: String,
    /// Customer secret keys: the domain API's `description` beside the `displayName` (`label`).
    pub description: String,
    /// SCIM id (32 hex) and OCID, as identity domains show the credential.
    pub scim_id: String,
    pub ocid: String,
    pub time_created: String,
    /// The value IAM accepts: token, secret key, SMTP / OAuth 2.0 password, database password.
    pub secret: String,
    /// SMTP credentials: the SMTP user name IAM issued.
    pub username: Option<String>,
    /// OAuth 2.0 client credentials: name and scopes.
    pub name: Option<String>,
    pub scopes: Option<Value>,
}

impl Cred {
    /// The list/summary JSON of the classic API (no secret).
    pub(crate) fn json(&self, kind: CredKind, user_id: &str) -> Value {
        match kind {
            CredKind::OAuth2ClientCredential => json!({"id": self.id, "userId": user_id, "name": self.name, "description": self.label,
                "scopes": self.scopes, "timeCreated": self.time_created, "expiresOn": null, "lifecycleState": "ACTIVE"}),
            CredKind::SmtpCredential => json!({"id": self.id, "userId": user_id, "username": self.username, "description": self.label,
                "timeCreated": self.time_created, "timeExpires": null, "lifecycleState": "ACTIVE", "inactiveStatus": null}),
            CredKind::AuthToken | CredKind::CustomerSecretKey | CredKind::DbCredential => {
                json!({"id": self.id, "userId": user_id, kind.label_field(): self.label, "timeCreated": self.time_created,
                    "timeExpires": null, "lifecycleState": "ACTIVE"})
            }
        }
    }
}

/// OAuth 2.0 client credential `scopes`: a non-empty list of `{"audience", "scope"}` strings.
pub(crate) fn check_scopes(v: Option<&Value>) -> Result<Value, SimError> {
    let ok = v.and_then(Value::as_array).is_some_and(|l| {
        !l.is_empty()
            && l.iter().all(|s| s["audience"].as_str().is_some_and(|a| !a.is_empty()) && s["scope"].as_str().is_some_and(|a| !a.is_empty()))
    });
    match v {
        Some(v) if ok => Ok(v.clone()),
        _ => Err(invalid("scopes must be a non-empty list of {audience, scope}")),
    }
}

/// IAM's rules for a database password: the Console password rules (at least 12 characters, at
/// most 100, an upper-case and a lower-case letter, a digit and one of the allowed special
/// characters), without the double quote.
pub(crate) fn check_db_password(p: &str) -> Result<(), SimError> {
    const SPECIAL: &str = "!#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    let has = |f: fn(&char) -> bool| p.chars().any(|c| f(&c));
    let ok = (12..=100).contains(&p.chars().count())
        && has(char::is_ascii_uppercase)
        && has(char::is_ascii_lowercase)
        && has(char::is_ascii_digit)
        && p.chars().any(|c| SPECIAL.contains(c))
        && p.chars().all(|c| c.is_ascii_alphanumeric() || SPECIAL.contains(c));
    if ok {
        Ok(())
    } else {
        Err(invalid("The password does not meet the database password requirements"))
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
    pub smtp_credentials: Vec<Cred>,
    pub oauth2_client_credentials: Vec<Cred>,
    pub db_credentials: Vec<Cred>,
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
            CredKind::SmtpCredential => &self.smtp_credentials,
            CredKind::OAuth2ClientCredential => &self.oauth2_client_credentials,
            CredKind::DbCredential => &self.db_credentials,
        }
    }

    pub(crate) fn creds_mut(&mut self, kind: CredKind) -> &mut Vec<Cred> {
        match kind {
            CredKind::AuthToken => &mut self.auth_tokens,
            CredKind::CustomerSecretKey => &mut self.customer_secret_keys,
            CredKind::SmtpCredential => &mut self.smtp_credentials,
            CredKind::OAuth2ClientCredential => &mut self.oauth2_client_credentials,
            CredKind::DbCredential => &mut self.db_credentials,
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
            smtp_credentials: Vec::new(),
            oauth2_client_credentials: Vec::new(),
            db_credentials: Vec::new(),
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

    /// Creates a credential of `kind` labelled `label`; returns (id, secret). Database passwords
    /// and OAuth 2.0 client credentials need [`Iam::add_cred_with`].
    pub(crate) fn create_cred(&mut self, user_id: &str, kind: CredKind, label: &str) -> Result<(String, String), SimError> {
        let description = if kind == CredKind::CustomerSecretKey { "" } else { label };
        self.add_cred(user_id, kind, label, description)
    }

    /// [`Iam::create_cred`] with the domain API's `description` (customer secret keys have both a
    /// `displayName`, the label, and a `description`; for the others they are the same).
    pub(crate) fn add_cred(&mut self, user_id: &str, kind: CredKind, label: &str, description: &str) -> Result<(String, String), SimError> {
        let scopes: Value = serde_json::from_str(crate::sim::DEMO_OAUTH2_SCOPES).unwrap_or(Value::Null);
        let generated = format!("{}aA1_", ids::secret(20));
        let new = NewCred {
            description: Some(description),
            name: Some("simulated"),
            scopes: (kind == CredKind::OAuth2ClientCredential).then_some(scopes),
            password: (kind == CredKind::DbCredential).then_some(generated.as_str()),
        };
        self.add_cred_with(user_id, kind, label, new)
    }

    /// Creates a credential of `kind`: checks IAM's limit (and a database password's rules);
    /// returns (id, the secret IAM holds).
    pub(crate) fn add_cred_with(
        &mut self,
        user_id: &str,
        kind: CredKind,
        label: &str,
        new: NewCred<'_>,
    ) -> Result<(String, String), SimError> {
        if let Some(p) = new.password {
            check_db_password(p)?;
        }
        let user = self.user_mut(user_id)?;
        let user_name = user.name.clone();
        let list = user.creds_mut(kind);
        if list.len() >= kind.limit() {
            return Err(err(400, "LimitExceeded", format!("A user can have at most {} {}", kind.limit(), kind.plural())));
        }
        let ocid = ids::ocid("ocid1.credential.oc1..aaaaaaaa");
        let (id, secret) = match kind {
            CredKind::AuthToken => (ocid.clone(), ids::secret(24)),
            CredKind::CustomerSecretKey => (ids::hex(40), ids::secret(44)),
            CredKind::SmtpCredential => (ocid.clone(), ids::secret(20)),
            CredKind::OAuth2ClientCredential => (ocid.clone(), ids::secret(32)),
            CredKind::DbCredential => (ocid.clone(), new.password.unwrap_or_default().to_owned()),
        };
        let username = (kind == CredKind::SmtpCredential).then(|| format!("{ocid}@{user_name}.smtp.simulated"));
        list.push(Cred {
            id: id.clone(),
            label: label.to_owned(),
            description: new.description.unwrap_or(label).to_owned(),
            scim_id: ids::hex(32),
            ocid,
            time_created: ids::now_rfc3339(),
            secret: secret.clone(),
            username,
            name: new.name.map(str::to_owned),
            scopes: new.scopes,
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
