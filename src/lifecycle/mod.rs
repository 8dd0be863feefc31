//! Lifecycle control of one secret beyond the four rotation steps (issue 21): what an operator
//! does between rotations. Each command's workflow and its rendering (table, JSON) live here; the
//! command line (`src/cli/`) only parses and prints.
//!
//! - [`rollback`]: the PREVIOUS version becomes CURRENT again, only while its credential is
//!   live in IAM (`oci-rotator rollback`).
//! - [`pause`]: `pause` and `resume`: Vault's scheduled rotation off and on, the pause recorded
//!   on the secret as the freeform tag `oci-rotator-paused`.
//! - [`history`]: the secret's versions, the credential each holds, its rotation state, last
//!   outcome and pause (`oci-rotator history`). Read-only.
//! - [`apply_alarms`]: `alarms --apply` as the administrator (the alarms themselves: [`crate::monitoring`]).

pub mod history;
pub mod pause;
pub mod rollback;

use crate::secret::CredentialKind;

/// Serializes a kind as its metadata word (`API_KEY`), for the JSON documents of this module.
pub(crate) fn kind_word<S: serde::Serializer>(kind: &CredentialKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(kind.as_str())
}

/// The OCI client and the binding mode of an administrator's lifecycle command, from the
/// environment (an API-key profile, the `OCI_ROTATOR_*` endpoints), every call bound to the
/// function's default timeout.
pub fn admin_client_from_env() -> Result<(crate::oci::Client, crate::binding::BindingMode), String> {
    let (rotator, settings) = crate::config::rotator_from_env(&crate::oci::auth::ProcessEnv).map_err(|e| e.to_string())?;
    let client = rotator.client().with_deadline(tokio::time::Instant::now() + settings.default_timeout);
    Ok((client, settings.binding))
}

/// `alarms --apply`: [`crate::monitoring::AlarmPlan::apply`] as the administrator's profile
/// (`OCI_CLI_CONFIG_FILE`...), as the command prints it.
pub async fn apply_alarms(plan: &crate::monitoring::AlarmPlan) -> Result<String, String> {
    let (client, _) = admin_client_from_env()?;
    Ok(plan.apply(&client).await.map_err(|e| e.to_string())?.table())
}
