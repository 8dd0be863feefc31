//! Who the function is to OCI: a resource principal (inside OCI Functions) or an API-key profile
//! from the OCI config file (outside). Both end up as [`Credentials`]: a keyId and an RSA key.
//!
//! Nothing is read or parsed at start-up beyond environment variables and the config file's text:
//! the token, the key file and the key itself are loaded on the first signed request, and the
//! resource-principal session is re-read when its token is within a minute of `exp` or after OCI
//! answered 401 (the platform rewrites the files; there is no background refresh).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};

use super::region;
use crate::keys;

/// Reads environment variables; a trait so tests and the demo can supply their own.
pub trait Env: Send + Sync {
    /// The variable's value, if set and not empty.
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl Env for HashMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty()).cloned()
    }
}

/// Why the principal cannot be built or cannot sign.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A required setting is missing.
    #[error("{0} is not set")]
    Missing(String),
    /// A file could not be read.
    #[error("cannot read {path}: {why}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        why: String,
    },
    /// The OCI config file or profile is invalid.
    #[error("OCI config: {0}")]
    Config(String),
    /// The resource-principal session token is not a usable JWT.
    #[error("resource principal token: {0}")]
    Token(String),
    /// The private key cannot be used.
    #[error("private key {source_name}: {why}")]
    Key {
        /// Where the key came from (a path, or "inline").
        source_name: String,
        /// Why it was refused.
        why: keys::KeyError,
    },
}

/// What a request is signed with.
pub struct Credentials {
    /// The keyId of the Authorization header.
    pub key_id: String,
    /// The private key, parsed and checked once (reused for every request it signs).
    pub key: Arc<keys::SigningKey>,
    /// The tenancy OCID of the principal.
    pub tenancy: String,
}

/// A value given inline or as an absolute path to a file that holds it (the SDKs' rule).
#[derive(Clone)]
enum Source {
    Inline(SecretString),
    File(PathBuf),
}

impl Source {
    fn from_value(value: String) -> Self {
        if Path::new(&value).is_absolute() {
            Source::File(PathBuf::from(value))
        } else {
            Source::Inline(SecretString::from(value))
        }
    }

    fn name(&self) -> String {
        match self {
            Source::Inline(_) => "inline".to_owned(),
            Source::File(p) => p.display().to_string(),
        }
    }

    fn read(&self) -> Result<SecretString, AuthError> {
        match self {
            Source::Inline(s) => Ok(s.clone()),
            Source::File(p) => std::fs::read_to_string(p)
                .map(|s| SecretString::from(s.trim().to_owned()))
                .map_err(|e| AuthError::Read { path: p.display().to_string(), why: e.to_string() }),
        }
    }
}

/// The function's principal.
pub enum Principal {
    /// Resource principal v2.2 (OCI Functions).
    ResourcePrincipal(ResourcePrincipal),
    /// An API-key profile of the OCI config file.
    ApiKey(ApiKeyProfile),
}

impl Principal {
    /// Picks the principal from the environment: resource principal when
    /// `OCI_RESOURCE_PRINCIPAL_VERSION` is set, else the OCI config file profile.
    pub fn from_env(env: &dyn Env) -> Result<Self, AuthError> {
        match env.var("OCI_RESOURCE_PRINCIPAL_VERSION") {
            Some(v) if v == "2.2" => ResourcePrincipal::from_env(env).map(Principal::ResourcePrincipal),
            Some(v) => Err(AuthError::Token(format!("OCI_RESOURCE_PRINCIPAL_VERSION {v} is not supported (use 2.2)"))),
            None => ApiKeyProfile::from_env(env).map(Principal::ApiKey),
        }
    }

    /// The principal's region (OCI_RESOURCE_PRINCIPAL_REGION, or the profile's `region`).
    pub fn region(&self) -> Option<&str> {
        match self {
            Principal::ResourcePrincipal(rp) => Some(&rp.region),
            Principal::ApiKey(p) => p.region.as_deref(),
        }
    }

    /// The credentials to sign with (loaded on first use, reloaded near expiry).
    pub fn credentials(&self) -> Result<Arc<Credentials>, AuthError> {
        match self {
            Principal::ResourcePrincipal(rp) => rp.credentials(),
            Principal::ApiKey(p) => p.credentials(),
        }
    }

    /// Forgets cached credentials so the next request re-reads them (after a 401).
    /// Returns true when that may help (resource principals, whose files the platform rewrites).
    pub fn invalidate(&self) -> bool {
        match self {
            Principal::ResourcePrincipal(rp) => {
                if let Ok(mut cache) = rp.cache.lock() {
                    *cache = None;
                }
                true
            }
            Principal::ApiKey(_) => false,
        }
    }
}

/// Resource principal v2.2: a session token (RPST) and a session key, as files or inline values.
pub struct ResourcePrincipal {
    rpst: Source,
    private_pem: Source,
    passphrase: Option<Source>,
    region: String,
    cache: Mutex<Option<(Arc<Credentials>, i64)>>,
}

impl ResourcePrincipal {
    fn from_env(env: &dyn Env) -> Result<Self, AuthError> {
        let need = |name: &str| env.var(name).ok_or_else(|| AuthError::Missing(name.to_owned()));
        Ok(ResourcePrincipal {
            rpst: Source::from_value(need("OCI_RESOURCE_PRINCIPAL_RPST")?),
            private_pem: Source::from_value(need("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM")?),
            passphrase: env.var("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE").map(Source::from_value),
            region: region::region_name(&need("OCI_RESOURCE_PRINCIPAL_REGION")?),
            cache: Mutex::new(None),
        })
    }

    fn credentials(&self) -> Result<Arc<Credentials>, AuthError> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut cache = self.cache.lock().map_err(|_| AuthError::Token("credential cache poisoned".to_owned()))?;
        if let Some((creds, exp)) = cache.as_ref() {
            if *exp - now > 60 {
                return Ok(creds.clone());
            }
        }
        let token = self.rpst.read()?;
        let claims = token_claims(token.expose_secret())?;
        let tenancy = claims["res_tenant"]
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| AuthError::Token("no res_tenant claim".to_owned()))?
            .to_owned();
        let exp = claims["exp"].as_i64().unwrap_or(i64::MAX);
        let pem = self.private_pem.read()?;
        let pass = self.passphrase.as_ref().map(Source::read).transpose()?;
        let key = keys::parse_private_pem(pem.expose_secret(), pass.as_ref().map(|p| p.expose_secret()))
            .map_err(|why| AuthError::Key { source_name: self.private_pem.name(), why })?;
        let creds = Arc::new(Credentials { key_id: format!("ST${}", token.expose_secret()), key: Arc::new(key), tenancy });
        *cache = Some((creds.clone(), exp));
        Ok(creds)
    }
}

/// The claims of a JWT, without checking its signature (the SDKs do the same: OCI checks it).
fn token_claims(token: &str) -> Result<serde_json::Value, AuthError> {
    let payload = token.split('.').nth(1).ok_or_else(|| AuthError::Token("not a JWT".to_owned()))?;
    let bytes =
        URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).map_err(|_| AuthError::Token("payload is not base64url".to_owned()))?;
    serde_json::from_slice(&bytes).map_err(|_| AuthError::Token("payload is not JSON".to_owned()))
}

/// An API-key profile from the OCI config file (`~/.oci/config`).
pub struct ApiKeyProfile {
    tenancy: String,
    user: String,
    fingerprint: String,
    key_file: PathBuf,
    passphrase: Option<SecretString>,
    region: Option<String>,
    cache: Mutex<Option<Arc<Credentials>>>,
}

impl ApiKeyProfile {
    fn from_env(env: &dyn Env) -> Result<Self, AuthError> {
        let home = env.var("HOME").unwrap_or_default();
        let path = env.var("OCI_CLI_CONFIG_FILE").or_else(|| env.var("OCI_CONFIG_FILE")).unwrap_or_else(|| "~/.oci/config".to_owned());
        let path = expand_home(&path, &home);
        let profile = env.var("OCI_CLI_PROFILE").unwrap_or_else(|| "DEFAULT".to_owned());
        let text = std::fs::read_to_string(&path).map_err(|e| AuthError::Read { path: path.display().to_string(), why: e.to_string() })?;
        let mut p = Self::parse(&text, &profile, &home)?;
        if p.region.is_none() {
            p.region = env.var("OCI_REGION").map(|r| region::region_name(&r));
        }
        Ok(p)
    }

    /// Parses one profile of an OCI config file (INI; keys of `[DEFAULT]` are inherited).
    pub fn parse(text: &str, profile: &str, home: &str) -> Result<Self, AuthError> {
        let mut sections: HashMap<String, HashMap<String, String>> = HashMap::new();
        let mut current = None;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                current = Some(name.trim().to_owned());
                sections.entry(name.trim().to_owned()).or_default();
            } else if let (Some(section), Some((k, v))) = (&current, line.split_once('=')) {
                sections.entry(section.clone()).or_default().insert(k.trim().to_owned(), v.trim().to_owned());
            }
        }
        if !sections.contains_key(profile) {
            return Err(AuthError::Config(format!("profile [{profile}] not found")));
        }
        let get = |key: &str| {
            sections.get(profile).and_then(|s| s.get(key)).or_else(|| sections.get("DEFAULT").and_then(|s| s.get(key))).cloned()
        };
        let need = |key: &str| get(key).ok_or_else(|| AuthError::Config(format!("profile [{profile}] has no {key}")));
        let fingerprint = need("fingerprint")?;
        if !keys::is_fingerprint(&fingerprint) {
            return Err(AuthError::Config(format!("profile [{profile}]: fingerprint is not 16 colon-separated hex pairs")));
        }
        Ok(ApiKeyProfile {
            tenancy: need("tenancy")?,
            user: need("user")?,
            fingerprint,
            key_file: expand_home(&need("key_file")?, home),
            passphrase: get("pass_phrase").map(SecretString::from),
            region: get("region").map(|r| region::region_name(&r)),
            cache: Mutex::new(None),
        })
    }

    fn credentials(&self) -> Result<Arc<Credentials>, AuthError> {
        let mut cache = self.cache.lock().map_err(|_| AuthError::Config("credential cache poisoned".to_owned()))?;
        if let Some(creds) = cache.as_ref() {
            return Ok(creds.clone());
        }
        let source = Source::File(self.key_file.clone());
        let pem = source.read()?;
        let key = keys::parse_private_pem(pem.expose_secret(), self.passphrase.as_ref().map(|p| p.expose_secret()))
            .map_err(|why| AuthError::Key { source_name: source.name(), why })?;
        let creds = Arc::new(Credentials {
            key_id: format!("{}/{}/{}", self.tenancy, self.user, self.fingerprint),
            key: Arc::new(key),
            tenancy: self.tenancy.clone(),
        });
        *cache = Some(creds.clone());
        Ok(creds)
    }
}

fn expand_home(path: &str, home: &str) -> PathBuf {
    match path.strip_prefix("~/") {
        Some(rest) => Path::new(home).join(rest),
        None => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTORS: &str = include_str!("../../tests/data/oci-request-signing.json");

    fn key_pem() -> String {
        let doc: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        doc["private_key_pem"].as_str().unwrap().to_owned()
    }

    #[test]
    fn config_profile_inherits_default_and_builds_the_key_id() {
        let dir = std::env::temp_dir().join(format!("oci-rotator-auth-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("key.pem"), key_pem()).unwrap();
        let text = format!(
            "[DEFAULT]\nregion = phx\ntenancy=ocid1.tenancy.oc1..t\n\n[ops]\nuser=ocid1.user.oc1..u\nfingerprint=97:b4:25:7e:c0:f7:b4:ab:43:e8:ad:00:fb:66:ab:07\nkey_file={}\n",
            dir.join("key.pem").display()
        );
        let p = ApiKeyProfile::parse(&text, "ops", "/home/x").unwrap();
        assert_eq!(p.region.as_deref(), Some("us-phoenix-1"));
        let creds = p.credentials().unwrap();
        assert_eq!(creds.key_id, "ocid1.tenancy.oc1..t/ocid1.user.oc1..u/97:b4:25:7e:c0:f7:b4:ab:43:e8:ad:00:fb:66:ab:07");
        assert!(Arc::ptr_eq(&creds.key, &p.credentials().unwrap().key), "the key is parsed once, then reused");
        assert!(ApiKeyProfile::parse(&text, "missing", "/").is_err());
        assert!(ApiKeyProfile::parse(&text.replace("97:b4", "97:B4"), "ops", "/").is_err());
    }

    #[test]
    fn resource_principal_reads_inline_values_and_the_tenancy_claim() {
        let claims = URL_SAFE_NO_PAD.encode(br#"{"res_tenant":"ocid1.tenancy.oc1..rp","exp":9999999999}"#);
        let token = format!("eyJhbGciOiJSUzI1NiJ9.{claims}.c2ln");
        let env: HashMap<String, String> = [
            ("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2".to_owned()),
            ("OCI_RESOURCE_PRINCIPAL_RPST", token.clone()),
            ("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", key_pem()),
            ("OCI_RESOURCE_PRINCIPAL_REGION", "iad".to_owned()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let p = Principal::from_env(&env).unwrap();
        assert_eq!(p.region(), Some("us-ashburn-1"));
        let creds = p.credentials().unwrap();
        assert_eq!(creds.key_id, format!("ST${token}"));
        assert_eq!(creds.tenancy, "ocid1.tenancy.oc1..rp");
        assert!(Arc::ptr_eq(&creds.key, &p.credentials().unwrap().key), "the session key is parsed once per token");
        // After a 401 the files are re-read and the key parsed again.
        assert!(p.invalidate());
        assert!(!Arc::ptr_eq(&creds.key, &p.credentials().unwrap().key));
    }

    #[test]
    fn resource_principal_without_a_tenancy_claim_is_refused() {
        let env: HashMap<String, String> = [
            ("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2"),
            ("OCI_RESOURCE_PRINCIPAL_RPST", "eyJhbGciOiJSUzI1NiJ9.eyJyZXNfdGVuYW50IjoiIn0.c2lnbmF0dXJl"),
            ("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", "x"),
            ("OCI_RESOURCE_PRINCIPAL_REGION", "us-ashburn-1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let p = Principal::from_env(&env).unwrap();
        assert!(matches!(p.credentials(), Err(AuthError::Token(_))));
    }
}
