//! The demo tenancy: for each credential kind, a user `rotation-demo-<kind>` and a secret
//! `demo-<kind>` whose version 1 (CURRENT, LATEST) holds a credential that is live in IAM. Tokens
//! and customer secret keys are created with the marker `oci-rotator <secretId>` (so the secret id
//! is chosen first). The API_KEY user also holds an unmanaged API key that no secret references,
//! which every rotation must leave alone. Also a spare user per kind (`rotation-spare-<kind>`),
//! bound to nothing and holding no credential, for `enroll` to create a secret for; and the
//! compartment, vault and key CreateSecret accepts. Every user is bound to its secret (the freeform tag
//! `oci-rotator-<kind>`, contract 4.1) and carries a tag of its own (`team`). Auth tokens and customer secret keys get no unmanaged
//! sibling: IAM allows two per user, and a rotation needs one free place beside the CURRENT one.
//!
//! With identity domains (the default), also a SECONDARY domain `rotation-demo-domain` with a user
//! `rotation-demo-domain-<kind>` per kind, each holding a live credential made in the domain, and a
//! secret `demo-domain-<kind>` per kind whose metadata names the domain (`domainId`) and whose
//! content follows the contract's section 4 (auth tokens by OCID, customer secret keys by access
//! key), each user bound to its secret the same way.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Value};

use super::iam::CredKind;
use super::state::State;
use super::vault_model::{new_secret_id, Secret};
use super::{Seeded, Simulator};
use crate::keys::GeneratedKey;
use crate::secret::CredentialKind;

/// Two 2048-bit key pairs, generated inline (about 0.1 s each). Not on blocking threads: tests
/// seed many simulators while other rotations run, and extra key-generating threads would starve
/// those rotations' own key generation of CPU (the fault matrix's 300 ms crash budget).
fn two_keys() -> Option<(GeneratedKey, GeneratedKey)> {
    Some((crate::keys::generate(2048).ok()?, crate::keys::generate(2048).ok()?))
}

/// The domain user's API key: one per process (seeding stays at two key generations per simulator;
/// simulators do not share state, so sharing this key pair between them changes nothing).
fn domain_key() -> Option<&'static GeneratedKey> {
    static KEY: std::sync::OnceLock<Option<GeneratedKey>> = std::sync::OnceLock::new();
    KEY.get_or_init(|| crate::keys::generate(2048).ok()).as_ref()
}

pub(crate) async fn seed(sim: &Simulator) -> Seeded {
    let keys = two_keys();
    let mut seeded = Seeded {
        secrets: BTreeMap::new(),
        users: BTreeMap::new(),
        domain_id: String::new(),
        domain_url: String::new(),
        domain_users: BTreeMap::new(),
        domain_secrets: BTreeMap::new(),
        compartment_id: sim.compartment_id(),
        vault_id: sim.vault_id(),
        key_id: sim.key_id(),
        spare_users: BTreeMap::new(),
    };
    let _ = domain_key(); // generated before the lock is taken
    let mut st = sim.state();
    let tenancy = st.tenancy_id.clone();
    for kind in CredentialKind::ALL {
        let lower = kind.as_str().to_ascii_lowercase();
        let name = format!("rotation-demo-{lower}");
        let user = st.iam.add_user(&name);
        let secret_id = new_secret_id();
        let marker = format!("oci-rotator {secret_id}");
        let mut metadata = json!({"credentialType": kind.as_str(), "userId": user});
        let content: Value = match kind {
            CredentialKind::ApiKey => {
                metadata["keyBits"] = json!(2048);
                match &keys {
                    Some((managed, unmanaged)) => {
                        let _ = st.iam.upload_api_key(&user, &managed.public_pem, std::time::Duration::ZERO);
                        let _ = st.iam.upload_api_key(&user, &unmanaged.public_pem, std::time::Duration::ZERO);
                        json!({"fingerprint": managed.fingerprint, "privateKey": managed.private_pem.as_str(),
                            "publicKey": managed.public_pem, "tenancyId": tenancy, "region": "us-ashburn-1", "userId": user})
                    }
                    None => json!({}),
                }
            }
            CredentialKind::AuthToken => {
                let (id, token) = st.iam.create_cred(&user, CredKind::AuthToken, &marker).unwrap_or_default();
                json!({"authTokenId": id, "token": token, "username": name})
            }
            CredentialKind::CustomerSecretKey => {
                let (id, key) = st.iam.create_cred(&user, CredKind::CustomerSecretKey, &marker).unwrap_or_default();
                json!({"accessKeyId": id, "secretAccessKey": key, "namespace": "demo"})
            }
            CredentialKind::ConsolePassword => {
                let password = st.iam.reset_ui_password(&user).map(|p| p.password.clone()).unwrap_or_default();
                json!({"password": password, "username": name})
            }
            CredentialKind::SmtpCredential | CredentialKind::OAuth2ClientCredential | CredentialKind::DbCredential => {
                created_content(&mut st, &user, kind, &marker)
            }
        };
        // The user names its secret (contract 4.1), beside a tag of its own that must survive.
        if let Ok(u) = st.iam.user_mut(&user) {
            u.freeform_tags.insert(crate::binding::tag_key(kind), secret_id.clone());
            u.freeform_tags.insert("team".to_owned(), "rotation-demo".to_owned());
        }
        let secret =
            Secret::new(secret_id.clone(), &format!("demo-{lower}"), &tenancy, metadata, B64.encode(content.to_string()), None, sim.now());
        st.vault.secrets.insert(secret_id.clone(), secret);
        seeded.secrets.insert(kind.as_str().to_owned(), secret_id);
        seeded.users.insert(kind.as_str().to_owned(), user);
    }
    for kind in CredentialKind::ALL {
        let user = st.iam.add_user(&format!("rotation-spare-{}", kind.as_str().to_ascii_lowercase()));
        seeded.spare_users.insert(kind.as_str().to_owned(), user);
    }
    if st.domains.enabled {
        seed_domain(&mut st, &mut seeded, sim.now());
        drop(st);
        // Served on a port of its own at once when the simulator serves its domains already.
        sim.domain_added();
        seeded.domain_url = sim.domain_url(&seeded.domain_id).unwrap_or_default();
    }
    seeded
}

/// The SECONDARY domain, its users and their secrets.
fn seed_domain(st: &mut State, seeded: &mut Seeded, now: time::OffsetDateTime) {
    let tenancy = st.tenancy_id.clone();
    let domain = st.domains.add("rotation-demo-domain").clone();
    seeded.domain_id = domain.id.clone();
    for kind in CredentialKind::ALL {
        let lower = kind.as_str().to_ascii_lowercase();
        let user = st.iam.add_user_in(&domain.id, &format!("rotation-demo-domain-{lower}"));
        let secret_id = new_secret_id();
        let marker = format!("oci-rotator {secret_id}");
        let mut metadata = json!({"credentialType": kind.as_str(), "userId": user, "domainId": domain.id});
        let content: Value = match kind {
            CredentialKind::ApiKey => {
                metadata["keyBits"] = json!(2048);
                match domain_key() {
                    Some(k) => {
                        let _ = st.iam.add_api_key(&user, &k.public_pem, "", std::time::Duration::ZERO);
                        json!({"fingerprint": k.fingerprint, "privateKey": k.private_pem.as_str(), "publicKey": k.public_pem,
                            "tenancyId": tenancy, "region": "us-ashburn-1"})
                    }
                    None => json!({}),
                }
            }
            CredentialKind::AuthToken => {
                let (id, token) = st.iam.add_cred(&user, CredKind::AuthToken, &marker, &marker).unwrap_or_default();
                json!({"authTokenId": id, "token": token})
            }
            CredentialKind::CustomerSecretKey => {
                let (id, key) = st.iam.add_cred(&user, CredKind::CustomerSecretKey, &marker, &marker).unwrap_or_default();
                json!({"accessKeyId": id, "secretAccessKey": key})
            }
            CredentialKind::ConsolePassword => {
                let password = format!("{}aA1", super::ids::secret(16));
                let _ = st.iam.set_ui_password(&user, &password);
                json!({"password": password})
            }
            CredentialKind::SmtpCredential | CredentialKind::OAuth2ClientCredential | CredentialKind::DbCredential => {
                created_content(st, &user, kind, &marker)
            }
        };
        if let Ok(u) = st.iam.user_mut(&user) {
            u.freeform_tags.insert(crate::binding::tag_key(kind), secret_id.clone());
            u.freeform_tags.insert("team".to_owned(), "rotation-demo".to_owned());
        }
        let secret =
            Secret::new(secret_id.clone(), &format!("demo-domain-{lower}"), &tenancy, metadata, B64.encode(content.to_string()), None, now);
        st.vault.secrets.insert(secret_id.clone(), secret);
        seeded.domain_secrets.insert(kind.as_str().to_owned(), secret_id);
        seeded.domain_users.insert(kind.as_str().to_owned(), user);
    }
}

/// The simulator's credential kind behind a [`CredentialKind`] IAM keeps a secret for.
pub(crate) fn cred_kind(kind: CredentialKind) -> Option<CredKind> {
    match kind {
        CredentialKind::AuthToken => Some(CredKind::AuthToken),
        CredentialKind::CustomerSecretKey => Some(CredKind::CustomerSecretKey),
        CredentialKind::SmtpCredential => Some(CredKind::SmtpCredential),
        CredentialKind::OAuth2ClientCredential => Some(CredKind::OAuth2ClientCredential),
        CredentialKind::DbCredential => Some(CredKind::DbCredential),
        CredentialKind::ApiKey | CredentialKind::ConsolePassword => None,
    }
}

/// Creates an SMTP credential, OAuth 2.0 client credential or database password labelled `marker`
/// and returns the contract's content holding it (empty when the kind is none of those).
pub(crate) fn created_content(st: &mut State, user: &str, kind: CredentialKind, marker: &str) -> Value {
    let Some(ck) = cred_kind(kind) else { return json!({}) };
    let (id, secret) = st.iam.add_cred(user, ck, marker, marker).unwrap_or_default();
    let username = st.iam.user(user).ok().and_then(|u| u.creds(ck).iter().find(|c| c.id == id).and_then(|c| c.username.clone()));
    // The contract's content from the one constructor (crate::kinds::content); SMTP adds its host.
    let content = |values: &[&str]| crate::kinds::content(kind, values).unwrap_or_else(|_| json!({}));
    match kind {
        CredentialKind::SmtpCredential => {
            let mut c = content(&[&id, username.as_deref().unwrap_or_default(), &secret]);
            c["host"] = json!("smtp.email.us-ashburn-1.oci.oraclecloud.com");
            c
        }
        CredentialKind::OAuth2ClientCredential | CredentialKind::DbCredential => content(&[&id, &secret]),
        CredentialKind::ApiKey | CredentialKind::AuthToken | CredentialKind::CustomerSecretKey | CredentialKind::ConsolePassword => {
            json!({})
        }
    }
}
