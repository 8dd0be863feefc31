//! Many rotatable secrets at once, for `rotate --compartment-id` (issue 14) tests and benchmarks:
//! per secret, a user of the Default domain bound to it (contract 4.1), a live credential, and a
//! secret whose metadata names the kind and the user and whose `rotationConfig` targets a function,
//! in the compartment asked for. Unlike the demo tenancy (`seed`), it makes any number of them.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Value};

use super::error::SimError;
use super::iam::CredKind;
use super::vault_model::{new_secret_id, Secret};
use super::Simulator;
use crate::secret::CredentialKind;

/// What [`Simulator::seed_rotation_fleet`] makes.
#[derive(Debug, Clone)]
pub struct RotationFleetSpec {
    /// How many secrets.
    pub count: usize,
    /// Their kinds, taken in turn (secret `i` is of `kinds[i % kinds.len()]`).
    pub kinds: Vec<CredentialKind>,
    /// Where the secrets are (the tenancy, or a compartment made with `create_compartment`).
    pub compartment_id: String,
    /// The function their `rotationConfig` targets (`None`: no rotation config).
    pub function_id: Option<String>,
    /// Names are `<prefix>-<i>` (secrets) and `<prefix>-user-<i>` (users).
    pub prefix: String,
}

/// One secret made by [`Simulator::seed_rotation_fleet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationFleetSecret {
    /// The secret's OCID.
    pub secret_id: String,
    /// Its user.
    pub user_id: String,
    /// Its credential kind.
    pub kind: CredentialKind,
}

/// The rotation configuration of a secret rotated by `function_id` on demand only.
pub fn function_rotation_config(function_id: &str) -> Value {
    json!({"isScheduledRotationEnabled": false, "rotationInterval": "P90D",
        "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": function_id}})
}

impl Simulator {
    /// Sets a secret's `rotationConfig` (no new version, no UPDATING window).
    pub fn set_rotation_config(&self, secret_id: &str, rotation_config: Value) -> Result<(), SimError> {
        let now = self.now();
        let mut st = self.state();
        let s = st.vault.secret_mut(secret_id)?;
        s.rotation_config = Some(rotation_config);
        s.reschedule(now);
        Ok(())
    }

    /// Seeds `spec.count` rotatable secrets (see the module doc). API keys cost a 2048-bit key
    /// generation each (about 0.1 s); the other kinds none.
    pub fn seed_rotation_fleet(&self, spec: &RotationFleetSpec) -> Result<Vec<RotationFleetSecret>, SimError> {
        let mut made = Vec::with_capacity(spec.count);
        for i in 0..spec.count {
            let Some(kind) = spec.kinds.get(i % spec.kinds.len().max(1)).copied() else { break };
            // Key generation before the lock is taken.
            let key = match kind {
                CredentialKind::ApiKey => Some(
                    crate::keys::generate(2048)
                        .map_err(|e| super::error::err(500, "InternalServerError", format!("key generation failed: {e}")))?,
                ),
                CredentialKind::AuthToken
                | CredentialKind::CustomerSecretKey
                | CredentialKind::ConsolePassword
                | CredentialKind::SmtpCredential
                | CredentialKind::OAuth2ClientCredential
                | CredentialKind::DbCredential => None,
            };
            let now = self.now();
            let mut st = self.state();
            if !st.is_compartment(&spec.compartment_id) {
                return Err(super::error::not_found(&format!("compartment {}", spec.compartment_id)));
            }
            let tenancy = st.tenancy_id.clone();
            let user_name = format!("{}-user-{i}", spec.prefix);
            let user = st.iam.add_user(&user_name);
            let secret_id = new_secret_id();
            let marker = format!("oci-rotator {secret_id}");
            let mut metadata = json!({"credentialType": kind.as_str(), "userId": user});
            let content: Value = match kind {
                CredentialKind::ApiKey => {
                    metadata["keyBits"] = json!(2048);
                    let Some(k) = key else { continue };
                    st.iam.upload_api_key(&user, &k.public_pem, std::time::Duration::ZERO)?;
                    json!({"fingerprint": k.fingerprint, "privateKey": k.private_pem.as_str(), "publicKey": k.public_pem,
                        "tenancyId": tenancy, "region": "us-ashburn-1", "userId": user})
                }
                CredentialKind::AuthToken => {
                    let (id, token) = st.iam.create_cred(&user, CredKind::AuthToken, &marker)?;
                    json!({"authTokenId": id, "token": token, "username": user_name})
                }
                CredentialKind::CustomerSecretKey => {
                    let (id, key) = st.iam.create_cred(&user, CredKind::CustomerSecretKey, &marker)?;
                    json!({"accessKeyId": id, "secretAccessKey": key, "namespace": "fleet"})
                }
                CredentialKind::ConsolePassword => {
                    let password = st.iam.reset_ui_password(&user)?.password.clone();
                    json!({"password": password, "username": user_name})
                }
                CredentialKind::SmtpCredential | CredentialKind::OAuth2ClientCredential | CredentialKind::DbCredential => {
                    super::seed::created_content(&mut st, &user, kind, &marker)
                }
            };
            st.iam.user_mut(&user)?.freeform_tags.insert(crate::binding::tag_key(kind), secret_id.clone());
            let mut secret = Secret::new(
                secret_id.clone(),
                &format!("{}-{i}", spec.prefix),
                &spec.compartment_id,
                metadata,
                B64.encode(content.to_string()),
                None,
                now,
            );
            secret.rotation_config = spec.function_id.as_deref().map(function_rotation_config);
            st.vault.secrets.insert(secret_id.clone(), secret);
            made.push(RotationFleetSecret { secret_id, user_id: user, kind });
        }
        Ok(made)
    }
}
