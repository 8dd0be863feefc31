//! A fleet in the simulator, for `oci-rotator status`, its tests and its benchmark: many managed
//! secrets with bound users made at once ([`Simulator::seed_fleet`]: 10,000 in well under a minute;
//! no HTTP, one lock, O(n)), and the states a fleet view must tell apart: credentials made long ago
//! ([`Simulator::backdate_credential`], [`Simulator::backdate_secret`]) and a rotation that failed
//! ([`Simulator::fail_rotation`]).

use std::sync::OnceLock;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::error::{not_found, SimError};
use super::iam::CredKind;
use super::update::NewStage;
use super::vault_model::{new_secret_id, Secret};
use super::{RotationRecord, Simulator};
use crate::keys::GeneratedKey;
use crate::secret::CredentialKind;

/// The function the fleet's rotation configs target (never registered: nothing rotates by itself).
pub const FLEET_FUNCTION_ID: &str = "ocid1.fnfunc.oc1.iad.aaaaaaaasimulatedfleetfunction";

/// What the id of a console password is in [`FleetMember::credential_id`] and
/// [`Simulator::backdate_credential`] (a user has one password, which has no id).
pub const CONSOLE_PASSWORD_ID: &str = "console-password";

/// One managed secret of a seeded fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetMember {
    /// The secret's OCID.
    pub secret_id: String,
    /// Its user (a new user of the Default domain, bound to this secret only).
    pub user_id: String,
    /// Its credential kind.
    pub kind: CredentialKind,
    /// The credential its CURRENT version holds: fingerprint, token OCID, access key, or
    /// [`CONSOLE_PASSWORD_ID`].
    pub credential_id: String,
}

/// Four key pairs per process, shared by every fleet: an API key's fingerprint need only be
/// unique per user, and generating 2,500 RSA keys would take minutes.
fn key_pool() -> &'static [GeneratedKey] {
    static POOL: OnceLock<Vec<GeneratedKey>> = OnceLock::new();
    POOL.get_or_init(|| (0..4).filter_map(|_| crate::keys::generate(2048).ok()).collect())
}

fn shifted(t: &str, by: Duration) -> String {
    let parsed = OffsetDateTime::parse(t, &Rfc3339).unwrap_or_else(|_| OffsetDateTime::now_utc());
    (parsed - by).format(&Rfc3339).unwrap_or_default()
}

impl Simulator {
    /// Creates `n` managed secrets in `compartment_id` (the tenancy or a compartment made with
    /// [`Simulator::create_compartment`]), each with a user of its own (`fleet-<i>`) bound to it
    /// (contract 4.1) whose credential of the secret's kind is live in IAM and held by version 1
    /// (CURRENT), kinds taken in turn from `kinds` (all kinds when empty). Auth tokens and customer
    /// secret keys carry the marker `oci-rotator <secretId>`. Every secret has a scheduled rotation
    /// config (`P90D`) targeting [`FLEET_FUNCTION_ID`]. O(n) with one lock; no HTTP.
    pub fn seed_fleet(&self, n: usize, compartment_id: &str, kinds: &[CredentialKind]) -> Vec<FleetMember> {
        let rotation_config = json!({"rotationInterval": "P90D", "isScheduledRotationEnabled": true,
            "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": FLEET_FUNCTION_ID}});
        self.seed_fleet_with(n, compartment_id, kinds, Some(rotation_config), "fleet")
    }

    /// [`Simulator::seed_fleet`] with the secrets' `rotationConfig` (none: no rotation config) and
    /// names `<prefix>-<i>`.
    pub(crate) fn seed_fleet_with(
        &self,
        n: usize,
        compartment_id: &str,
        kinds: &[CredentialKind],
        rotation_config: Option<Value>,
        prefix: &str,
    ) -> Vec<FleetMember> {
        let kinds: Vec<CredentialKind> = if kinds.is_empty() { CredentialKind::ALL.to_vec() } else { kinds.to_vec() };
        let keys = key_pool();
        let now = self.now();
        let mut fleet = Vec::with_capacity(n);
        let mut st = self.state();
        let tenancy = st.tenancy_id.clone();
        for i in 0..n {
            let kind = kinds[i % kinds.len()];
            let user = st.iam.add_user(&format!("{prefix}-user-{i}"));
            let secret_id = new_secret_id();
            let marker = format!("oci-rotator {secret_id}");
            let made: Result<(Value, String), SimError> = match kind {
                CredentialKind::ApiKey => match keys.get(i % keys.len().max(1)) {
                    Some(key) => st.iam.upload_api_key(&user, &key.public_pem, Duration::ZERO).map(|fp| {
                        (
                            json!({"fingerprint": fp, "privateKey": key.private_pem.as_str(), "publicKey": key.public_pem,
                            "tenancyId": tenancy, "region": "us-ashburn-1", "userId": user}),
                            fp,
                        )
                    }),
                    None => Err(not_found("a generated key")),
                },
                CredentialKind::AuthToken => st
                    .iam
                    .create_cred(&user, CredKind::AuthToken, &marker)
                    .map(|(id, token)| (json!({"authTokenId": id, "token": token}), id)),
                CredentialKind::CustomerSecretKey => st
                    .iam
                    .create_cred(&user, CredKind::CustomerSecretKey, &marker)
                    .map(|(id, key)| (json!({"accessKeyId": id, "secretAccessKey": key}), id)),
                CredentialKind::ConsolePassword => {
                    st.iam.reset_ui_password(&user).map(|p| (json!({"password": p.password}), CONSOLE_PASSWORD_ID.to_owned()))
                }
                CredentialKind::SmtpCredential | CredentialKind::OAuth2ClientCredential | CredentialKind::DbCredential => {
                    let content = super::seed::created_content(&mut st, &user, kind, &marker);
                    let id_field = match kind {
                        CredentialKind::SmtpCredential => "smtpCredentialId",
                        CredentialKind::OAuth2ClientCredential => "clientId",
                        _ => "dbCredentialId",
                    };
                    match content[id_field].as_str().map(str::to_owned) {
                        Some(id) if !id.is_empty() => Ok((content, id)),
                        _ => Err(not_found("a created credential")),
                    }
                }
            };
            let Ok((content, credential_id)) = made else { continue };
            let metadata = json!({"credentialType": kind.as_str(), "userId": user});
            let mut secret = Secret::new(
                secret_id.clone(),
                &format!("{prefix}-{i}"),
                compartment_id,
                metadata,
                B64.encode(content.to_string()),
                None,
                now,
            );
            secret.rotation_config = rotation_config.clone();
            secret.reschedule(now);
            st.vault.secrets.insert(secret_id.clone(), secret);
            if let Ok(u) = st.iam.user_mut(&user) {
                u.freeform_tags.insert(crate::binding::tag_key(kind), secret_id.clone());
            }
            fleet.push(FleetMember { secret_id, user_id: user, kind, credential_id });
        }
        fleet
    }

    /// Makes a credential of the user `by` older (its `timeCreated`): an API key by fingerprint,
    /// an auth token by OCID, a customer secret key by access key, or the console password by
    /// [`CONSOLE_PASSWORD_ID`]. 404 when the user holds no such credential.
    pub fn backdate_credential(&self, user_id: &str, credential_id: &str, by: Duration) -> Result<(), SimError> {
        let mut st = self.state();
        let user = st.iam.user_mut(user_id)?;
        if credential_id == CONSOLE_PASSWORD_ID {
            let p = user.ui_password.as_mut().ok_or_else(|| not_found("UI password"))?;
            p.time_created = shifted(&p.time_created, by);
            return Ok(());
        }
        if let Some(k) = user.api_keys.iter_mut().find(|k| k.fingerprint == credential_id) {
            k.time_created = shifted(&k.time_created, by);
            return Ok(());
        }
        for kind in [
            CredKind::AuthToken,
            CredKind::CustomerSecretKey,
            CredKind::SmtpCredential,
            CredKind::OAuth2ClientCredential,
            CredKind::DbCredential,
        ] {
            if let Some(c) = user.creds_mut(kind).iter_mut().find(|c| c.id == credential_id) {
                c.time_created = shifted(&c.time_created, by);
                return Ok(());
            }
        }
        Err(not_found(&format!("credential {credential_id}")))
    }

    /// Makes a secret and each of its versions older by `by` (their `timeCreated`).
    pub fn backdate_secret(&self, secret_id: &str, by: Duration) -> Result<(), SimError> {
        let mut st = self.state();
        let s = st.vault.secret_mut(secret_id)?;
        s.time_created = shifted(&s.time_created, by);
        for v in &mut s.versions {
            v.time_created = shifted(&v.time_created, by);
        }
        Ok(())
    }

    /// Leaves the secret as the simulated Vault leaves it after a rotation whose function failed
    /// after CREATE_PENDING_VERSION (UPDATE_TARGET_SYSTEM kept answering an error): a PENDING
    /// version (here a copy of the CURRENT content), `lastRotationTime` unchanged, the schedule
    /// moved on from now, `rotationStatus` no longer `IN_PROGRESS`, and the outcome recorded
    /// ([`Simulator::last_rotation`]). OCI's `rotationStatus` has no failed value (`IN_PROGRESS`,
    /// `SCHEDULED`, `NOT_ENABLED`, `CANCELLING`), so these are the traces a reader can see.
    pub fn fail_rotation(&self, secret_id: &str) -> Result<(), SimError> {
        let now = self.now();
        let mut st = self.state();
        let s = st.vault.secret_mut(secret_id)?;
        let current = s.current().ok_or_else(|| not_found("CURRENT version"))?;
        let content = s.version(current)?.content_b64.clone();
        s.add_version(content, NewStage::Pending, None, false);
        s.rotating = false;
        s.reschedule(now);
        let steps = vec![
            ("VERIFY_CONNECTION".to_owned(), 200),
            ("CREATE_PENDING_VERSION".to_owned(), 200),
            ("UPDATE_TARGET_SYSTEM".to_owned(), 502),
        ];
        st.rotations.insert(secret_id.to_owned(), RotationRecord { completed: false, steps });
        Ok(())
    }

    /// Sets the secret's `lastRotationTime` and `nextRotationTime` (as Vault would have after
    /// rotations at those times).
    pub fn set_rotation_times(&self, secret_id: &str, last: Option<OffsetDateTime>, next: Option<OffsetDateTime>) -> Result<(), SimError> {
        let mut st = self.state();
        let s = st.vault.secret_mut(secret_id)?;
        s.last_rotation_time = last;
        s.next_rotation_time = next;
        Ok(())
    }
}

/// `/_sim/` routes of this file, for tests that run the simulator out of process:
/// `POST /_sim/fleet` (`{"count", "compartmentId"?, "kinds"?: ["API_KEY", ...]}`: answers the
/// members `[{"secretId", "userId", "credentialType", "credentialId"}]`), `POST /_sim/compartments`
/// (`{"parentId", "name"}`: answers `{"id"}`), `POST /_sim/backdate` (`{"userId", "credentialId",
/// "days"}`, or `{"secretId", "days"}`) and `POST /_sim/fail-rotation` (`{"secretId"}`).
pub(crate) fn admin(sim: &Simulator, path: &str, body: &[u8]) -> Option<Result<Value, SimError>> {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => return Some(Err(super::error::err(400, "CannotParseRequest", "The body is not JSON"))),
    };
    let text = |name: &str| v[name].as_str().map(str::to_owned);
    let required = |name: &str| text(name).ok_or_else(|| super::error::invalid(format!("{name} is required")));
    let days = || v["days"].as_u64().map(|d| Duration::from_secs(d * 86400)).ok_or_else(|| super::error::invalid("days is required"));
    Some(match path {
        "fleet" => (|| {
            let count =
                v["count"].as_u64().filter(|n| *n <= 100_000).ok_or_else(|| super::error::invalid("count (at most 100000) is required"))?;
            let compartment = text("compartmentId").unwrap_or_else(|| sim.compartment_id());
            let kinds: Vec<CredentialKind> = v["kinds"]
                .as_array()
                .map(|a| a.iter().filter_map(|k| k.as_str().and_then(CredentialKind::parse)).collect())
                .unwrap_or_default();
            let members = sim.seed_fleet(count as usize, &compartment, &kinds);
            Ok(Value::Array(
                members
                    .into_iter()
                    .map(|m| json!({"secretId": m.secret_id, "userId": m.user_id, "credentialType": m.kind.as_str(), "credentialId": m.credential_id}))
                    .collect(),
            ))
        })(),
        "compartments" => (|| Ok(json!({"id": sim.create_compartment(&required("parentId")?, &required("name")?)?})))(),
        "backdate" => (|| {
            match (text("userId"), text("credentialId"), text("secretId")) {
                (Some(user), Some(credential), _) => sim.backdate_credential(&user, &credential, days()?)?,
                (_, _, Some(secret)) => sim.backdate_secret(&secret, days()?)?,
                _ => return Err(super::error::invalid("userId and credentialId, or secretId, are required")),
            }
            Ok(json!({"backdated": true}))
        })(),
        "fail-rotation" => (|| {
            sim.fail_rotation(&required("secretId")?)?;
            Ok(json!({"failed": true}))
        })(),
        _ => return None,
    })
}
