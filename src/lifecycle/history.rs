//! `history`: what happened to one secret (issue 21, point 5), read-only. Its versions newest
//! first (ListSecretVersions) with their stages, creation times and the credential each holds (one
//! GetSecretBundle by `versionNumber` per version, understood by the kind's adapter: the
//! fingerprint or credential OCID, never the secret itself); the secret's `rotationStatus`,
//! rotation interval, last and next rotation (GetSecret); the last outcome the function recorded
//! (`oci-rotator-last-outcome`, [`crate::last_outcome`]); and any pause (the freeform tag
//! `oci-rotator-paused`, `<until or "-"> <reason>`, written by `pause`).
//!
//! A version scheduled for deletion is listed without reading its content; a version whose content
//! cannot be read or understood is listed with the reason (which names fields, never values).

use serde::Serialize;
use serde_json::{json, Value};

use crate::adapters::{self, Target};
use crate::binding::BindingMode;
use crate::last_outcome::{self, LastOutcome};
use crate::oci::secrets::BundleSelector;
use crate::oci::{self, Client};
use crate::secret::{CredentialKind, SecretConfig};

/// The freeform tag a pause leaves on the secret: `<until or "-"> <reason>`.
pub const PAUSE_TAG: &str = "oci-rotator-paused";

/// How many of the newest versions are listed.
pub const MAX_VERSIONS: usize = 25;

/// Why the history could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// GetSecret answered 404.
    #[error("secret {0} does not exist or you may not read it")]
    SecretNotFound(String),
    /// The secret's metadata is not the contract's (section 4).
    #[error("secret {secret_id}: {why}")]
    Metadata {
        /// The secret.
        secret_id: String,
        /// What is wrong.
        why: String,
    },
    /// A Vault call failed.
    #[error(transparent)]
    Oci(#[from] oci::Error),
}

/// A pause, read from [`PAUSE_TAG`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pause {
    /// When the pause ends, as written (`None`: until resumed).
    pub until: Option<String>,
    /// Why.
    pub reason: String,
}

/// Reads a [`PAUSE_TAG`] value: `<until or "-"> <reason>`; `None` when it is empty.
pub fn parse_pause(value: &str) -> Option<Pause> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let (until, reason) = value.split_once(' ').unwrap_or((value, ""));
    Some(Pause { until: (until != "-").then(|| until.to_owned()), reason: reason.trim().to_owned() })
}

/// One version in the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryVersion {
    /// `versionNumber`.
    pub version_number: u64,
    /// `CURRENT`, `PENDING`, `PREVIOUS`, `LATEST`, `DEPRECATED`.
    pub stages: Vec<String>,
    /// `timeCreated`.
    pub time_created: Option<String>,
    /// `timeOfDeletion`, when scheduled for deletion.
    pub time_of_deletion: Option<String>,
    /// The credential its content holds (fingerprint, OCID, access key).
    pub credential_id: Option<String>,
    /// Why the credential is not named (content unreadable, scheduled for deletion).
    pub note: Option<String>,
}

/// The history of one secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    /// The secret.
    pub secret_id: String,
    /// Its name.
    pub secret_name: Option<String>,
    /// Its `credentialType`.
    #[serde(serialize_with = "super::kind_word")]
    pub credential_type: CredentialKind,
    /// The user whose credential it holds.
    pub user_id: String,
    /// `lifecycleState`.
    pub lifecycle_state: String,
    /// `currentVersionNumber`.
    pub current_version_number: Option<u64>,
    /// `rotationStatus` (`IN_PROGRESS`, `SCHEDULED`, `NOT_ENABLED`, `CANCELLING`).
    pub rotation_status: Option<String>,
    /// The rotation config's `rotationInterval`.
    pub rotation_interval: Option<String>,
    /// The rotation config's `isScheduledRotationEnabled`.
    pub is_scheduled_rotation_enabled: Option<bool>,
    /// `lastRotationTime`.
    pub last_rotation_time: Option<String>,
    /// `nextRotationTime`.
    pub next_rotation_time: Option<String>,
    /// The function's record of its last outcome.
    pub last_outcome: Option<LastOutcome>,
    /// The raw tag when it is not a value the function writes.
    pub last_outcome_raw: Option<String>,
    /// The pause, if any.
    pub paused: Option<Pause>,
    /// The newest versions, newest first (at most [`MAX_VERSIONS`]).
    pub versions: Vec<HistoryVersion>,
}

/// Reads the history of `secret_id` (see the module documentation). Makes no write.
pub async fn history(client: &Client, secret_id: &str) -> Result<History, HistoryError> {
    let secret = match client.get_secret(secret_id).await {
        Ok(s) => s.secret,
        Err(e) if e.is_not_found() => return Err(HistoryError::SecretNotFound(secret_id.to_owned())),
        Err(e) => return Err(e.into()),
    };
    let config = SecretConfig::from_metadata(secret.metadata.as_ref())
        .map_err(|why| HistoryError::Metadata { secret_id: secret_id.to_owned(), why })?;
    let t = Target { client, secret_id, secret: &secret, config: &config, binding: BindingMode::Required };
    let mut versions = Vec::new();
    for v in client.list_secret_versions(secret_id, MAX_VERSIONS).await? {
        let (credential_id, note) = if v.time_of_deletion.is_some() {
            (None, Some("scheduled for deletion: content not read".to_owned()))
        } else {
            let read = adapters::with_adapter!(config.kind, |adapter| {
                adapters::read_version(adapter, &t, BundleSelector::Version(v.version_number)).await.map(|r| r.map(|v| v.credential_id))
            });
            match read {
                Ok(Some(id)) => (Some(id), None),
                Ok(None) => (None, Some("no content".to_owned())),
                Err(e) => (None, Some(format!("content not understood: {e}"))),
            }
        };
        versions.push(HistoryVersion {
            version_number: v.version_number,
            stages: v.stages,
            time_created: v.time_created,
            time_of_deletion: v.time_of_deletion,
            credential_id,
            note,
        });
    }
    let tags = secret.freeform_tags.clone().unwrap_or_default();
    let outcome_raw = tags.get(last_outcome::TAG_KEY).cloned();
    let last_outcome = outcome_raw.as_deref().and_then(last_outcome::parse);
    let rotation = secret.rotation_config.clone().unwrap_or(Value::Null);
    Ok(History {
        secret_id: secret_id.to_owned(),
        secret_name: secret.secret_name.clone(),
        credential_type: config.kind,
        user_id: config.user_id.clone(),
        lifecycle_state: secret.lifecycle_state.clone(),
        current_version_number: secret.current_version_number,
        rotation_status: secret.rotation_status.clone(),
        rotation_interval: rotation["rotationInterval"].as_str().map(str::to_owned),
        is_scheduled_rotation_enabled: rotation["isScheduledRotationEnabled"].as_bool(),
        last_rotation_time: secret.last_rotation_time.clone(),
        next_rotation_time: secret.next_rotation_time.clone(),
        last_outcome_raw: outcome_raw.filter(|_| last_outcome.is_none()),
        last_outcome,
        paused: tags.get(PAUSE_TAG).and_then(|v| parse_pause(v)),
        versions,
    })
}

impl History {
    /// The `--json` document.
    pub fn json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_else(|_| json!({}))
    }

    /// The table a person reads: the secret's rotation state, then one row per version.
    pub fn table(&self) -> String {
        let or_dash = |s: &Option<String>| s.clone().unwrap_or_else(|| "-".to_owned());
        let mut out = format!(
            "secret {} ({}) {} of user {}\nrotation: {}, interval {}, scheduled {}; last {}, next {}\n",
            self.secret_id,
            or_dash(&self.secret_name),
            self.credential_type,
            self.user_id,
            or_dash(&self.rotation_status),
            or_dash(&self.rotation_interval),
            self.is_scheduled_rotation_enabled.map_or("-", |b| if b { "yes" } else { "no" }),
            or_dash(&self.last_rotation_time),
            or_dash(&self.next_rotation_time),
        );
        let outcome = match (&self.last_outcome, &self.last_outcome_raw) {
            (Some(o), _) => match (&o.step, o.response_code, &o.message) {
                (Some(step), Some(code), Some(m)) => format!("failed {step} {code} at {}: {m}", o.at),
                _ => format!("succeeded at {}", o.at),
            },
            (None, Some(raw)) => format!("(not understood) {raw}"),
            (None, None) => "none recorded".to_owned(),
        };
        out.push_str(&format!("last outcome: {outcome}\n"));
        out.push_str(&match &self.paused {
            Some(p) => format!("PAUSED until {}: {}\n", p.until.as_deref().unwrap_or("resumed"), p.reason),
            None => "paused: no\n".to_owned(),
        });
        let mut rows = vec![["VERSION", "STAGES", "CREATED", "CREDENTIAL"].map(str::to_owned).to_vec()];
        for v in &self.versions {
            rows.push(vec![
                v.version_number.to_string(),
                if v.stages.is_empty() { "-".to_owned() } else { v.stages.join(",") },
                or_dash(&v.time_created),
                match (&v.credential_id, &v.note) {
                    (Some(c), _) => c.clone(),
                    (None, Some(n)) => format!("({n})"),
                    (None, None) => "-".to_owned(),
                },
            ]);
        }
        let widths: Vec<usize> = (0..4).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
        out.push('\n');
        for r in &rows {
            let cells: Vec<String> = r.iter().zip(&widths).map(|(s, w)| format!("{s:<w$}")).collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out.trim_end().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pause_reads_its_end_and_reason() {
        assert_eq!(
            parse_pause("2027-01-05 quarter-end freeze"),
            Some(Pause { until: Some("2027-01-05".to_owned()), reason: "quarter-end freeze".to_owned() })
        );
        assert_eq!(parse_pause("- incident 42"), Some(Pause { until: None, reason: "incident 42".to_owned() }));
        assert_eq!(parse_pause("  "), None);
    }
}
