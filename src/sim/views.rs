//! Plain-data snapshots of the simulator's state for tests and the demo, and the key material of
//! the principals it issues.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

/// A version of a secret.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    /// Version number.
    pub version_number: u64,
    /// Stages (`CURRENT`, `PENDING`, `LATEST`, `PREVIOUS`, `DEPRECATED`).
    pub stages: Vec<String>,
    /// The decoded content, as JSON (`Null` when it is not JSON).
    pub content: Value,
    /// The decoded content as text (UTF-8, lossy): what a version holds that is not JSON, such
    /// as a passphrase Vault generated without a template.
    pub text: String,
}

/// An API key.
#[derive(Debug, Clone, Serialize)]
pub struct ApiKeyView {
    /// Fingerprint.
    pub fingerprint: String,
    /// `ACTIVE`, or `CREATING` until it has propagated.
    pub state: String,
}

/// An auth token or customer secret key (never its secret).
#[derive(Debug, Clone, Serialize)]
pub struct CredView {
    /// Id: the OCID for auth tokens, the access key for customer secret keys (for users of any
    /// identity domain; not the SCIM id).
    pub id: String,
    /// Description (auth tokens) or display name (customer secret keys).
    pub description: String,
    /// `ACTIVE`.
    pub state: String,
    /// SMTP credentials: the SMTP user name.
    pub username: Option<String>,
}

/// An administrator principal: a user with an API key, trusted for every call.
#[derive(Clone)]
pub struct AdminPrincipal {
    /// The admin user's OCID.
    pub user_id: String,
    /// The tenancy's OCID.
    pub tenancy_id: String,
    /// The API key's fingerprint.
    pub fingerprint: String,
    /// PKCS#8 PEM of the API key.
    pub private_key_pem: String,
    /// `<tenancy>/<user>/<fingerprint>`, the keyId to sign with.
    pub key_id: String,
}

impl AdminPrincipal {
    /// Writes an OCI config file (profile `DEFAULT`, region `us-ashburn-1`) at `config` and the
    /// private key at `key_file`, as `oci setup config` would: what the OCI SDKs and CLI, and
    /// `oci-rotator rotate`, read.
    pub fn write_oci_config(&self, config: &std::path::Path, key_file: &std::path::Path) -> std::io::Result<()> {
        for parent in [config.parent(), key_file.parent()].into_iter().flatten().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(key_file, self.private_key_pem.as_bytes())?;
        let text = format!(
            "[DEFAULT]\nuser={}\nfingerprint={}\ntenancy={}\nregion=us-ashburn-1\nkey_file={}\n",
            self.user_id,
            self.fingerprint,
            self.tenancy_id,
            key_file.display()
        );
        std::fs::write(config, text)
    }
}

impl std::fmt::Debug for AdminPrincipal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminPrincipal").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

/// A resource-principal session the simulator issued.
#[derive(Clone)]
pub struct ResourcePrincipalSession {
    /// The RPST, a JWT (sign with keyId `ST$<rpst>`).
    pub rpst: String,
    /// PKCS#8 PEM of the session key.
    pub private_key_pem: String,
    /// The tenancy (the token's `res_tenant`).
    pub tenancy_id: String,
}

impl std::fmt::Debug for ResourcePrincipalSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourcePrincipalSession").field("tenancy_id", &self.tenancy_id).finish_non_exhaustive()
    }
}

/// What [`super::Simulator::seed`] created, by credential kind (`API_KEY`, `AUTH_TOKEN`,
/// `CUSTOMER_SECRET_KEY`, `CONSOLE_PASSWORD`).
#[derive(Debug, Clone, Serialize)]
pub struct Seeded {
    /// Secret OCID per kind (users of the Default domain, managed with the classic API).
    pub secrets: BTreeMap<String, String>,
    /// User OCID per kind (Default domain).
    pub users: BTreeMap<String, String>,
    /// The SECONDARY domain `rotation-demo-domain` (empty for a tenancy without identity domains).
    pub domain_id: String,
    /// Its URL (`http://127.0.0.1:<its own port>` on a served simulator, see [`DomainView::url`];
    /// empty without identity domains).
    pub domain_url: String,
    /// User OCID per kind, in that domain.
    pub domain_users: BTreeMap<String, String>,
    /// Secret OCID per kind, for the users of that domain (metadata with `domainId`).
    pub domain_secrets: BTreeMap<String, String>,
    /// The compartment secrets can be created in (CreateSecret's `compartmentId`).
    pub compartment_id: String,
    /// The vault (CreateSecret's `vaultId`).
    pub vault_id: String,
    /// The vault's master key (CreateSecret's `keyId`).
    pub key_id: String,
    /// User OCID per kind (Default domain): users bound to no secret, holding no credential of
    /// that kind (none at all), ready to enroll.
    pub spare_users: BTreeMap<String, String>,
}

/// The outcome of a rotation the simulated Vault ran ([`super::Simulator::last_rotation`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotationRecord {
    /// True when all four steps answered 200 (after retries).
    pub completed: bool,
    /// Every step attempt in order: (step, responseCode; 502 when the function could not be reached).
    pub steps: Vec<(String, u16)>,
}

/// An identity domain.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DomainView {
    /// Its OCID (`ocid1.domain.oc1..…`).
    pub id: String,
    /// Its URL: `http://127.0.0.1:<port>`, a loopback listener serving only this domain, with no
    /// path (as OCI's `https://idcs-<hex>.identity.oraclecloud.com`), once the simulator serves its
    /// domains (`spawn`, `serve`, `serve_domains`). Before that, the fallback
    /// `<simulator endpoint>/idcs-<32 hex>` (just `/idcs-<hex>` with no endpoint set), which the
    /// main endpoint also routes.
    pub url: String,
}
