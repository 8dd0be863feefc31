//! Many rotatable secrets at once, for `rotate --compartment-id` (issue 14) tests and benchmarks:
//! per secret, a user of the Default domain bound to it (contract 4.1), a live credential, and a
//! secret whose metadata names the kind and the user and whose `rotationConfig` targets a function,
//! in the compartment asked for. Unlike the demo tenancy (`seed`), it makes any number of them.

use serde_json::{json, Value};

use super::error::SimError;
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

    /// Seeds `spec.count` rotatable secrets (see the module doc), with `seed_fleet`'s mechanics
    /// (`sim/fleet.rs`) and a rotation configuration that targets `spec.function_id` on demand.
    pub fn seed_rotation_fleet(&self, spec: &RotationFleetSpec) -> Result<Vec<RotationFleetSecret>, SimError> {
        if !self.state().is_compartment(&spec.compartment_id) {
            return Err(super::error::not_found(&format!("compartment {}", spec.compartment_id)));
        }
        let config = spec.function_id.as_deref().map(function_rotation_config);
        let members = self.seed_fleet_with(spec.count, &spec.compartment_id, &spec.kinds, config, &spec.prefix);
        Ok(members.into_iter().map(|m| RotationFleetSecret { secret_id: m.secret_id, user_id: m.user_id, kind: m.kind }).collect())
    }
}
