//! Cloud Guard credential-age findings, turned into proper Vault rotations.
//!
//! The same endpoint that Vault calls also accepts the OCI Events payload of Cloud Guard's
//! `com.oraclecloud.cloudguard.problemremediated` event (CloudEvents 0.1 envelope: `eventType`,
//! `eventID`, `eventTime`, `data`). For the problems `API_KEY_TOO_OLD`, `AUTH_TOKEN_TOO_OLD`,
//! `SECRET_KEY_TOO_OLD` and `PASSWORD_TOO_OLD`, the function finds the secret that manages the
//! flagged credential and asks Vault to rotate it (`RotateSecret`, with an `opc-retry-token`
//! derived from the event id, so a replayed event is a no-op). Vault then runs the four steps
//! through this function as for a scheduled rotation. No credential is ever created or deleted
//! directly from an event.
//!
//! The secret is found from the problem's comment (`secret_ocid:<OCID>`; the older
//! `api_secret_ocid:`, `auth_secret_ocid:`, `accesskey_secret_ocid:` and `secretkey_secret_ocid:`
//! keys are accepted too), or else by reading the managed secrets of
//! `OCI_ROTATOR_SECRETS_COMPARTMENT` ([`crate::fleet::managed`]; ACTIVE ones, at most 500) whose
//! metadata names that user and credential kind.
//!
//! A `PASSWORD_TOO_OLD` finding no secret manages may reset the console password, as Oracle's
//! tutorial does, when `OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS=on`, Cloud Guard confirms the
//! problem and the user opted in: [`unmanaged_reset`]. That is the one IAM write an event can cause.

pub mod unmanaged_reset;

use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

use crate::engine::oci_code;
use crate::fleet::{managed, CollectError};
use crate::notify::{self, Notifier, Subject};
use crate::oci::secrets::BundleSelector;
use crate::oci::Client;
use crate::protocol::{is_ocid_of, is_secret_ocid, InputError, SecretRotationOutput};
use crate::secret::{CredentialKind, SecretConfig, SecretContent};
use unmanaged_reset::UnmanagedReset;

/// The event type Cloud Guard emits when a problem is remediated.
pub const EVENT_TYPE: &str = "com.oraclecloud.cloudguard.problemremediated";

/// Most secrets read when searching a compartment.
const MAX_SECRETS_SEARCHED: usize = 500;

/// A credential-age finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `eventID` of the event (the retry token is derived from it).
    pub event_id: String,
    /// `problemName`.
    pub problem: String,
    /// The credential kind the problem is about.
    pub kind: CredentialKind,
    /// The user whose credential is too old.
    pub user_id: String,
    /// `resourceId`: the flagged credential (API keys: `<tenancy>/<user>/<fingerprint>`).
    pub resource_id: Option<String>,
    /// Secret OCID named in the problem's comments, if any.
    pub secret_from_comment: Option<String>,
    /// The Cloud Guard problem (`data.resourceId` when it is an `ocid1.cloudguardproblem.` OCID).
    pub problem_id: Option<String>,
}

/// True when `value` has the shape of an OCI Events payload (not a rotation input).
pub fn is_event(value: &Value) -> bool {
    value.get("eventType").is_some() && value.get("data").is_some() && value.get("step").is_none()
}

/// The credential kind of a Cloud Guard problem name.
pub fn kind_of_problem(problem: &str) -> Option<CredentialKind> {
    crate::kinds::of_cloud_guard_problem(problem)
}

/// Parses an event payload into a [`Finding`]; anything else is a 400 that says why.
pub fn parse_event(value: &Value) -> Result<Finding, InputError> {
    let bad = |m: String| InputError(m);
    let event_type = value["eventType"].as_str().unwrap_or_default();
    if event_type != EVENT_TYPE {
        return Err(bad(format!("event type {event_type:?} is not handled; subscribe the function to {EVENT_TYPE} only")));
    }
    let event_id =
        value["eventID"].as_str().filter(|s| !s.is_empty()).ok_or_else(|| bad("the event has no eventID".to_owned()))?.to_owned();
    let details = &value["data"]["additionalDetails"];
    let problem =
        details["problemName"].as_str().ok_or_else(|| bad("data.additionalDetails.problemName is missing".to_owned()))?.to_owned();
    let kind = kind_of_problem(&problem).ok_or_else(|| {
        bad(format!("problem {problem} is not a credential-age problem ({})", crate::kinds::cloud_guard_problems().join(", ")))
    })?;
    let extra = &details["problemAdditionalDetails"];
    let user_id = extra["User OCID"]
        .as_str()
        .map(str::trim)
        .filter(|u| is_ocid_of(u, "user"))
        .ok_or_else(|| bad("data.additionalDetails.problemAdditionalDetails[\"User OCID\"] is missing or not a user OCID".to_owned()))?
        .to_owned();
    let resource_id = details["resourceId"].as_str().or_else(|| value["data"]["resourceId"].as_str()).map(str::to_owned);
    let secret_from_comment = extra["comments"].as_str().and_then(|c| secret_in_comment(c, kind));
    let problem_id = value["data"]["resourceId"].as_str().map(str::trim).filter(|p| unmanaged_reset::is_problem_id(p)).map(str::to_owned);
    Ok(Finding { event_id, problem, kind, user_id, resource_id, secret_from_comment, problem_id })
}

/// The secret OCID named in a problem comment: `secret_ocid:<OCID>`, or the older per-kind keys.
pub fn secret_in_comment(comments: &str, kind: CredentialKind) -> Option<String> {
    // The kind table's older keys (none for the kinds Cloud Guard has no "too old" problem for).
    let legacy = crate::kinds::spec(kind).comment_keys;
    let items: Vec<(&str, &str)> = comments
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter_map(|item| item.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    ["secret_ocid"]
        .iter()
        .chain(legacy.iter())
        .find_map(|key| items.iter().find(|(k, v)| k == key && is_secret_ocid(v)).map(|(_, v)| (*v).to_owned()))
}

/// The `opc-retry-token` for an event: the same for every replay of it.
pub fn retry_token(event_id: &str) -> String {
    let digest = Sha256::digest(event_id.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("cg-{}", &hex[..40])
}

/// Handles a finding before `deadline`: find the secret, ask Vault to rotate it, notify. With
/// `reset` on, an unmanaged `PASSWORD_TOO_OLD` finding may reset the password ([`unmanaged_reset`]).
#[tracing::instrument(name = "cloud_guard", skip_all, fields(event_id = %finding.event_id, problem = %finding.problem, user_id = %finding.user_id))]
pub async fn handle(
    client: &Client,
    notifier: Option<&Notifier>,
    compartment: Option<&str>,
    reset: UnmanagedReset,
    finding: &Finding,
    deadline: Instant,
) -> SecretRotationOutput {
    let client = client.with_deadline(deadline);
    let mut password_reset = false;
    let (code, secret_id, message, opc_request_id) = match find_secret(&client, compartment, finding).await {
        Ok(Some(secret_id)) => match client.rotate_secret(&secret_id, &retry_token(&finding.event_id)).await {
            Ok(request_id) => {
                tracing::info!(%secret_id, "asked Vault to rotate the secret");
                (200, Some(secret_id.clone()), format!("Vault was asked to rotate secret {secret_id}"), request_id)
            }
            Err(e) => {
                tracing::warn!(%secret_id, error = %e, "RotateSecret failed");
                (oci_code(&e), Some(secret_id), format!("RotateSecret failed: {e}"), e.opc_request_id.clone())
            }
        },
        Ok(None) if reset == UnmanagedReset::On && finding.problem == unmanaged_reset::PROBLEM => {
            let unmanaged = format!("no secret manages the {} of {}", finding.kind, finding.user_id);
            match unmanaged_reset::attempt(&client, finding).await {
                unmanaged_reset::Outcome::Reset { opc_request_id } => {
                    password_reset = true;
                    let message = format!(
                        "{unmanaged}; the console password was reset (CreateOrResetUIPassword, the one-time password discarded): the user sets a new one with \"Forgot password\""
                    );
                    (200, None, message, opc_request_id)
                }
                unmanaged_reset::Outcome::NotReset { code, reason } => {
                    tracing::warn!(%reason, "no secret manages the flagged password and it was not reset; nothing was changed");
                    (code, None, format!("{unmanaged}; not reset: {reason}; nothing was changed"), None)
                }
            }
        }
        Ok(None) => {
            tracing::warn!("no secret manages the flagged credential; nothing was changed");
            (404, None, format!("no secret manages the {} of {}; nothing was changed", finding.kind, finding.user_id), None)
        }
        Err(e) => (e.0, None, e.1, None),
    };
    if let Some(n) = notifier {
        let subject = Subject {
            secret_id: secret_id.as_deref().unwrap_or("-"),
            kind: Some(finding.kind.as_str()),
            user_id: Some(&finding.user_id),
            version: None,
            step: None,
            opc_request_id: opc_request_id.as_deref(),
        };
        let notice = if password_reset {
            notify::unmanaged_password_reset(&subject, &finding.problem, finding.problem_id.as_deref().unwrap_or("-"))
        } else {
            let outcome = if code == 200 { "rotation requested".to_owned() } else { format!("not rotated ({message})") };
            notify::finding(&subject, &finding.problem, &outcome)
        };
        n.publish(&client, &notice).await;
    }
    SecretRotationOutput::new(code, None, format!("{}: {message}", finding.problem))
}

/// The secret managing the finding's credential: named in the comment (and checked), or found in
/// the compartment by metadata. `Err((code, message))` for a secret that does not fit.
async fn find_secret(client: &Client, compartment: Option<&str>, f: &Finding) -> Result<Option<String>, (u16, String)> {
    if let Some(id) = &f.secret_from_comment {
        return match client.get_secret(id).await {
            Ok(s) => match SecretConfig::from_metadata(s.secret.metadata.as_ref()) {
                Ok(c) if c.kind == f.kind && c.user_id == f.user_id => Ok(Some(id.clone())),
                _ => Err((409, format!("secret {id} named in the problem's comment does not manage the {} of {}", f.kind, f.user_id))),
            },
            Err(e) if e.is_not_found() => Err((404, format!("secret {id} named in the problem's comment does not exist"))),
            Err(e) => Err((502, format!("reading secret {id} failed: {e}"))),
        };
    }
    let Some(compartment) = compartment else {
        return Ok(None);
    };
    // The compartment's managed secrets (`fleet::managed`), ACTIVE ones, one at a time.
    let listed = managed::listed(client, &[compartment.to_owned()], 1, &mut |_| {}).await.map_err(|e| match e {
        CollectError::Compartment { source, .. } => (502, format!("listing secrets failed: {source}")),
        other => (502, format!("listing secrets failed: {other}")),
    })?;
    let mut candidates = Vec::new();
    for s in listed.into_iter().filter(|s| s.lifecycle_state == "ACTIVE").take(MAX_SECRETS_SEARCHED) {
        let Ok(Some(m)) = managed::read(client, &s.id).await else { continue };
        if let Ok(c) = SecretConfig::from_metadata(m.secret.metadata.as_ref()) {
            if c.kind == f.kind && c.user_id == f.user_id {
                candidates.push(s.id);
            }
        }
    }
    match candidates.len() {
        0 => Ok(None),
        1 => Ok(candidates.pop()),
        _ => {
            // Several secrets hold credentials of this kind for this user: the one whose CURRENT
            // version holds the flagged credential.
            let flagged = f.resource_id.as_deref().map(|r| r.rsplit('/').next().unwrap_or(r).to_owned());
            for id in &candidates {
                if let (Some(flagged), Ok(Some(bundle))) = (&flagged, client.get_secret_bundle(id, BundleSelector::Stage("CURRENT")).await)
                {
                    let held = SecretContent::parse(&bundle.content).ok().and_then(|c| c.credential_id(f.kind));
                    if held.as_deref() == Some(flagged.as_str()) {
                        return Ok(Some(id.clone()));
                    }
                }
            }
            Err((
                409,
                format!(
                    "{} secrets manage {} credentials of {}; name one in the problem's comment (secret_ocid:<OCID>)",
                    candidates.len(),
                    f.kind,
                    f.user_id
                ),
            ))
        }
    }
}
