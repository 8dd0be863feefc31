//! The secret an administrator attaches the function to (contract section 4): its metadata
//! ([`SecretConfig`]: which credential of which user) and its content ([`SecretContent`]: the
//! credential itself, a JSON object).
//!
//! Content is secret material: it has no printing `Debug`, and its string values are zeroized
//! when it is dropped.

use std::fmt;

use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use zeroize::{Zeroize, Zeroizing};

use crate::protocol::is_ocid_of;

/// The seven IAM credential kinds (contract section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CredentialKind {
    /// API signing key.
    ApiKey,
    /// Auth token.
    AuthToken,
    /// Customer secret key (S3-compatible access key).
    CustomerSecretKey,
    /// Console (UI) password.
    ConsolePassword,
    /// SMTP credential (OCI Email Delivery): IAM issues a username and a password.
    SmtpCredential,
    /// OAuth 2.0 client credential: the credential's OCID is the client id, IAM issues the secret.
    OAuth2ClientCredential,
    /// IAM database password: the function chooses it, IAM stores it and never returns it.
    DbCredential,
}

impl CredentialKind {
    /// All kinds.
    pub const ALL: [CredentialKind; 7] = [
        CredentialKind::ApiKey,
        CredentialKind::AuthToken,
        CredentialKind::CustomerSecretKey,
        CredentialKind::ConsolePassword,
        CredentialKind::SmtpCredential,
        CredentialKind::OAuth2ClientCredential,
        CredentialKind::DbCredential,
    ];

    /// The metadata value (`API_KEY`...).
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::ApiKey => "API_KEY",
            CredentialKind::AuthToken => "AUTH_TOKEN",
            CredentialKind::CustomerSecretKey => "CUSTOMER_SECRET_KEY",
            CredentialKind::ConsolePassword => "CONSOLE_PASSWORD",
            CredentialKind::SmtpCredential => "SMTP_CREDENTIAL",
            CredentialKind::OAuth2ClientCredential => "OAUTH2_CLIENT_CREDENTIAL",
            CredentialKind::DbCredential => "DB_CREDENTIAL",
        }
    }

    /// Parses a metadata value.
    pub fn parse(s: &str) -> Option<Self> {
        CredentialKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Parses a kind a person typed (`--kind`, `--kinds`): the metadata word, case-insensitive and
    /// trimmed (`api_key` is `API_KEY`); the error names every kind. The one parser of the command
    /// line; the metadata itself (`credentialType`) is read strictly by [`CredentialKind::parse`].
    pub fn parse_flag(s: &str) -> Result<Self, String> {
        CredentialKind::parse(&s.trim().to_ascii_uppercase()).ok_or_else(|| {
            let all: Vec<&str> = CredentialKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown kind {s:?}: one of {}", all.join(", "))
        })
    }
}

impl fmt::Display for CredentialKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What happens to the superseded credential after a promotion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PreviousCredential {
    /// It stays valid until the next rotation (default).
    KeepUntilNextRotation,
    /// It is deleted as soon as the new one is CURRENT.
    DeleteOnPromote,
}

/// The secret's metadata, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretConfig {
    /// Which credential kind the secret holds.
    pub kind: CredentialKind,
    /// The IAM user whose credential it is.
    pub user_id: String,
    /// RSA size for generated API keys.
    pub key_bits: usize,
    /// What happens to the superseded credential.
    pub previous: PreviousCredential,
    /// The user's identity domain (`domainId`); None: the Default domain, through the classic IAM
    /// API (contract 4.2).
    pub domain_id: Option<String>,
    /// `OAUTH2_CLIENT_CREDENTIAL` only: the scopes a new credential gets (`scopes`); None: the
    /// CURRENT credential's scopes are copied.
    pub scopes: Option<Vec<OAuth2Scope>>,
}

/// One scope of an OAuth 2.0 client credential (IAM's `FullyQualifiedScope`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OAuth2Scope {
    /// The resource server the token is for (`audience`).
    pub audience: String,
    /// The scope on it (`scope`).
    pub scope: String,
}

/// Reads `metadata.scopes`: a list of `{"audience": ..., "scope": ...}` objects (non-empty strings).
fn scopes_of(v: &Value) -> Result<Vec<OAuth2Scope>, String> {
    let bad = || "metadata.scopes must be a non-empty list of {\"audience\": \"...\", \"scope\": \"...\"} objects".to_owned();
    let list = v.as_array().filter(|l| !l.is_empty()).ok_or_else(bad)?;
    list.iter()
        .map(|item| {
            let obj = item.as_object().ok_or_else(bad)?;
            let field = |name: &str| obj.get(name).and_then(Value::as_str).filter(|s| !s.trim().is_empty()).map(str::to_owned);
            match (field("audience"), field("scope")) {
                (Some(audience), Some(scope)) if obj.len() == 2 => Ok(OAuth2Scope { audience, scope }),
                _ => Err(bad()),
            }
        })
        .collect()
}

impl SecretConfig {
    /// Validates the secret's metadata. The error names the field.
    pub fn from_metadata(metadata: Option<&Value>) -> Result<Self, String> {
        let m = match metadata {
            Some(Value::Object(m)) => m,
            Some(Value::Null) | None => {
                return Err("the secret has no metadata; set metadata.credentialType and metadata.userId".to_owned())
            }
            Some(_) => return Err("the secret's metadata must be a JSON object".to_owned()),
        };
        let kinds =
            "API_KEY, AUTH_TOKEN, CUSTOMER_SECRET_KEY, CONSOLE_PASSWORD, SMTP_CREDENTIAL, OAUTH2_CLIENT_CREDENTIAL or DB_CREDENTIAL";
        let kind = match m.get("credentialType") {
            None | Some(Value::Null) => return Err(format!("metadata.credentialType is missing (one of {kinds})")),
            Some(Value::String(s)) => CredentialKind::parse(s).ok_or_else(|| format!("metadata.credentialType must be one of {kinds}"))?,
            Some(_) => return Err(format!("metadata.credentialType must be a string, one of {kinds}")),
        };
        let user_id = match m.get("userId") {
            None | Some(Value::Null) => return Err("metadata.userId is missing".to_owned()),
            Some(Value::String(s)) if is_ocid_of(s, "user") => s.clone(),
            Some(_) => return Err("metadata.userId must be a user OCID (ocid1.user.<realm>...)".to_owned()),
        };
        let key_bits = match m.get("keyBits") {
            None | Some(Value::Null) => 2048,
            Some(v) => match v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())) {
                Some(bits @ (2048 | 3072 | 4096)) if kind == CredentialKind::ApiKey => bits as usize,
                Some(_) if kind != CredentialKind::ApiKey => return Err("metadata.keyBits applies to API_KEY secrets only".to_owned()),
                _ => return Err("metadata.keyBits must be 2048, 3072 or 4096".to_owned()),
            },
        };
        let previous = match m.get("previousCredential") {
            None | Some(Value::Null) => PreviousCredential::KeepUntilNextRotation,
            Some(Value::String(s)) if s == "KEEP_UNTIL_NEXT_ROTATION" => PreviousCredential::KeepUntilNextRotation,
            Some(Value::String(s)) if s == "DELETE_ON_PROMOTE" => PreviousCredential::DeleteOnPromote,
            Some(_) => return Err("metadata.previousCredential must be KEEP_UNTIL_NEXT_ROTATION or DELETE_ON_PROMOTE".to_owned()),
        };
        let domain_id = match m.get("domainId") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if is_ocid_of(s, "domain") => Some(s.clone()),
            Some(_) => return Err("metadata.domainId must be an identity domain OCID (ocid1.domain.<realm>...)".to_owned()),
        };
        let scopes = match m.get("scopes") {
            None | Some(Value::Null) => None,
            Some(_) if kind != CredentialKind::OAuth2ClientCredential => {
                return Err("metadata.scopes applies to OAUTH2_CLIENT_CREDENTIAL secrets only".to_owned())
            }
            Some(v) => Some(scopes_of(v)?),
        };
        Ok(SecretConfig { kind, user_id, key_bits, previous, domain_id, scopes })
    }
}

/// A version's content: a JSON object. String values are wiped on drop; `Debug` shows field
/// names only.
#[derive(Clone, Default)]
pub struct SecretContent {
    fields: Map<String, Value>,
}

impl SecretContent {
    /// Parses decoded content bytes; anything but a JSON object is refused.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(fields)) => Ok(SecretContent { fields }),
            Ok(mut other) => {
                wipe(&mut other);
                Err("the secret's content must be a JSON object".to_owned())
            }
            Err(_) => Err("the secret's content is not JSON".to_owned()),
        }
    }

    /// A string field, if present and a string.
    pub fn str_field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }

    /// True when the field is present.
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    /// A new content: this one's fields, minus `owned`, plus `new` (the function's own fields).
    pub fn next_version(&self, owned: &[&str], new: Vec<(&'static str, SecretString)>) -> SecretContent {
        let mut fields = self.fields.clone();
        for name in owned {
            if let Some(mut v) = fields.remove(*name) {
                wipe(&mut v);
            }
        }
        for (name, value) in new {
            fields.insert(name.to_owned(), Value::String(value.expose_secret().to_owned()));
        }
        SecretContent { fields }
    }

    /// Base64 of the JSON text, as Vault stores it (wiped on drop).
    pub fn to_base64(&self) -> Zeroizing<String> {
        // Serialise the map in place: a cloned `Value` would be dropped without being wiped.
        let json = Zeroizing::new(serde_json::to_vec(&self.fields).unwrap_or_default());
        Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(json.as_slice()))
    }

    /// The id of the credential this content holds, for `kind` (API keys: the fingerprint of
    /// `publicKey`), when it can be named without IAM. The adapters validate content fully.
    pub fn credential_id(&self, kind: CredentialKind) -> Option<String> {
        match kind {
            CredentialKind::ApiKey => {
                let key = crate::keys::parse_public_pem(self.str_field("publicKey")?).ok()?;
                crate::keys::fingerprint(&key).ok()
            }
            CredentialKind::AuthToken => self.str_field("authTokenId").map(str::to_owned),
            CredentialKind::CustomerSecretKey => self.str_field("accessKeyId").map(str::to_owned),
            CredentialKind::ConsolePassword => self.str_field("password").map(|_| "console-password".to_owned()),
            CredentialKind::SmtpCredential => self.str_field("smtpCredentialId").map(str::to_owned),
            CredentialKind::OAuth2ClientCredential => self.str_field("clientId").map(str::to_owned),
            CredentialKind::DbCredential => self.str_field("dbCredentialId").map(str::to_owned),
        }
    }

    /// The field names (for logs and messages).
    pub fn field_names(&self) -> Vec<&str> {
        self.fields.keys().map(String::as_str).collect()
    }
}

impl fmt::Debug for SecretContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretContent").field("fields", &self.field_names()).finish_non_exhaustive()
    }
}

impl Drop for SecretContent {
    fn drop(&mut self) {
        for (_, v) in self.fields.iter_mut() {
            wipe(v);
        }
    }
}

/// Zeroizes every string in `v` (JSON that held secret material, before it is dropped).
pub(crate) fn wipe(v: &mut Value) {
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(m) => m.iter_mut().for_each(|(_, v)| wipe(v)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn metadata_errors_name_the_field() {
        let user = "ocid1.user.oc1..aaaa";
        let ok = SecretConfig::from_metadata(Some(
            &json!({"credentialType":"API_KEY","userId":user,"keyBits":4096,"previousCredential":"DELETE_ON_PROMOTE"}),
        ))
        .unwrap();
        assert_eq!((ok.kind, ok.key_bits, ok.previous), (CredentialKind::ApiKey, 4096, PreviousCredential::DeleteOnPromote));
        let defaults = SecretConfig::from_metadata(Some(&json!({"credentialType":"AUTH_TOKEN","userId":user}))).unwrap();
        assert_eq!((defaults.key_bits, defaults.previous), (2048, PreviousCredential::KeepUntilNextRotation));
        let oauth = SecretConfig::from_metadata(Some(
            &json!({"credentialType":"OAUTH2_CLIENT_CREDENTIAL","userId":user,"scopes":[{"audience":"urn:opc:idm:__myscopes__","scope":"urn:opc:resource:consumer::all"}]}),
        ))
        .unwrap();
        assert_eq!(oauth.scopes.map(|s| s.len()), Some(1));
        for kind in CredentialKind::ALL {
            assert_eq!(CredentialKind::parse(kind.as_str()), Some(kind));
        }
        for (m, field) in [
            (json!(null), "no metadata"),
            (json!({"userId": user}), "credentialType"),
            (json!({"credentialType":"SSH","userId":user}), "credentialType"),
            (json!({"credentialType":"API_KEY"}), "userId"),
            (json!({"credentialType":"API_KEY","userId":"bob"}), "userId"),
            (json!({"credentialType":"API_KEY","userId":user,"keyBits":1024}), "keyBits"),
            (json!({"credentialType":"API_KEY","userId":user,"previousCredential":"NEVER"}), "previousCredential"),
            (json!({"credentialType":"AUTH_TOKEN","userId":user,"scopes":[{"audience":"a","scope":"s"}]}), "scopes"),
            (json!({"credentialType":"OAUTH2_CLIENT_CREDENTIAL","userId":user,"scopes":{"audience":"a","scope":"s"}}), "scopes"),
            (json!({"credentialType":"OAUTH2_CLIENT_CREDENTIAL","userId":user,"scopes":[]}), "scopes"),
            (json!({"credentialType":"OAUTH2_CLIENT_CREDENTIAL","userId":user,"scopes":["urn:x"]}), "scopes"),
            (json!({"credentialType":"OAUTH2_CLIENT_CREDENTIAL","userId":user,"scopes":[{"audience":"a"}]}), "scopes"),
            (json!({"credentialType":"OAUTH2_CLIENT_CREDENTIAL","userId":user,"scopes":[{"audience":"a","scope":""}]}), "scopes"),
        ] {
            let err = SecretConfig::from_metadata(Some(&m)).unwrap_err();
            assert!(err.contains(field), "{m} -> {err}");
        }
    }

    #[test]
    fn next_version_keeps_foreign_fields_and_debug_hides_values() {
        let c = SecretContent::parse(br#"{"token":"s3cr3t-value","authTokenId":"a","region":"us-ashburn-1"}"#).unwrap();
        let next = c.next_version(
            &["token", "authTokenId"],
            vec![("token", SecretString::from("n3w-value")), ("authTokenId", SecretString::from("b"))],
        );
        assert_eq!(next.str_field("region"), Some("us-ashburn-1"));
        assert_eq!(next.str_field("token"), Some("n3w-value"));
        let debug = format!("{next:?}");
        assert!(!debug.contains("n3w-value") && debug.contains("token"));
        assert!(SecretContent::parse(b"\"text\"").is_err());
    }
}
