//! `pause` and `resume` (issue 21, point 2): turn Vault's scheduled rotation of a secret off and
//! back on, and say so on the secret for everyone who reads it.
//!
//! Pausing is one UpdateSecret per secret, `if-match` the etag it was read with, carrying the
//! secret's `rotationConfig` as read with `isScheduledRotationEnabled` false (target system and
//! interval kept) and its freeform tags with `oci-rotator-paused` = `<until or "-"> <reason>` added
//! (every other tag kept). Resuming writes `isScheduledRotationEnabled` true and the tags without
//! `oci-rotator-paused`; it acts only on secrets that carry the tag, so a schedule turned off for
//! another reason is never turned on by `resume --compartment-id`. Both are idempotent: pausing a
//! paused secret rewrites reason and end (no write when they are the same), resuming a secret
//! that is not paused writes nothing and says so.
//!
//! What a pause does not do: nothing un-pauses a secret at its end (`--until` is a promise that
//! `status` checks: a pause past its end is unhealthy there), and an on-demand RotateSecret (or
//! `rotate --secret-id`) still rotates a paused secret: the engine does not read the flag.
//!
//! Input is checked before any call: the reason (one line, the tag value at most 256 characters)
//! and `--until` (a date `2027-01-15`, meaning its first second UTC, or an RFC 3339 time; in the
//! future).

use futures_util::stream::{self, StreamExt as _};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::oci::vault::SecretWithEtag;
use crate::oci::{Client, Error};
use crate::pause_tag::parse_time;
pub use crate::pause_tag::{Pause, TAG_KEY};
use crate::protocol::is_ocid_of;

/// OCI's limit on a freeform tag value.
const TAG_VALUE_MAX: usize = 256;

/// Secrets read and written at once (`--compartment-id`).
const IN_FLIGHT: usize = 8;

/// Why a pause or resume could not be done (nothing was written).
#[derive(Debug, thiserror::Error)]
pub enum PauseError {
    /// Input refused before any call.
    #[error("{0}")]
    Input(String),
    /// The compartment (or its subtree, or its secrets) could not be listed.
    #[error("compartment {compartment} does not exist or cannot be read: {source}")]
    Compartment {
        /// The compartment.
        compartment: String,
        /// What OCI answered.
        source: Error,
    },
}

/// Which secrets: one, or every managed secret of a compartment (and its subtree).
#[derive(Debug, Clone)]
pub enum Scope {
    /// `--secret-id`.
    Secret(String),
    /// `--compartment-id [--subtree]`.
    Compartment {
        /// The compartment (or tenancy).
        id: String,
        /// Every compartment under it too.
        subtree: bool,
    },
}

impl Scope {
    /// From the command line's flags: `--secret-id`, else `--compartment-id [--subtree]`.
    pub fn from_flags(secret_id: Option<&str>, compartment_id: Option<&str>, subtree: bool) -> Scope {
        match secret_id {
            Some(id) => Scope::Secret(id.to_owned()),
            None => Scope::Compartment { id: compartment_id.unwrap_or_default().to_owned(), subtree },
        }
    }

    /// Refuses an id that is not an OCID of the right kind.
    fn check(&self) -> Result<(), PauseError> {
        match self {
            Scope::Secret(id) if !is_ocid_of(id, "vaultsecret") => {
                Err(PauseError::Input(format!("--secret-id {id}: not a secret OCID (ocid1.vaultsecret.<realm>...)")))
            }
            Scope::Compartment { id, .. } if !is_ocid_of(id, "compartment") && !is_ocid_of(id, "tenancy") => {
                Err(PauseError::Input(format!(
                    "--compartment-id {id}: not a compartment or tenancy OCID (ocid1.compartment.<realm>... or ocid1.tenancy.<realm>...)"
                )))
            }
            _ => Ok(()),
        }
    }
}

/// Checks `reason` and `until` (at `now`) and makes the pause to record. Nothing is called.
pub fn new_pause(reason: &str, until: Option<&str>, now: OffsetDateTime) -> Result<Pause, PauseError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(PauseError::Input("--reason is empty: say why (everyone who reads the secret's tags sees it)".to_owned()));
    }
    if reason.chars().any(char::is_control) {
        return Err(PauseError::Input("--reason must be one line of text".to_owned()));
    }
    let until = match until.map(str::trim) {
        None => None,
        Some(u) => {
            let end = parse_time(u).ok_or_else(|| {
                PauseError::Input(format!("--until {u}: not a date (2027-01-15) or an RFC 3339 time (2027-01-15T08:00:00Z)"))
            })?;
            if end <= now {
                let now = now.format(&Rfc3339).unwrap_or_default();
                return Err(PauseError::Input(format!("--until {u} is not in the future (now {now})")));
            }
            Some(u.to_owned())
        }
    };
    let pause = Pause { reason: reason.to_owned(), until };
    let n = pause.value().chars().count();
    if n > TAG_VALUE_MAX {
        return Err(PauseError::Input(format!(
            "--reason is too long: the tag value (<until> <reason>) may hold {TAG_VALUE_MAX} characters, this one {n}"
        )));
    }
    Ok(pause)
}

/// What happened to one secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Scheduled rotation turned off, the pause recorded.
    Paused,
    /// Paused already: reason or end rewritten.
    Updated,
    /// Paused already with this reason and end: nothing written.
    AlreadyPaused,
    /// Scheduled rotation turned back on, the pause removed.
    Resumed,
    /// Not paused (no `oci-rotator-paused` tag): nothing written.
    NotPaused,
    /// Not touched, and why (no rotation configuration).
    Skipped(String),
    /// The read or the write failed.
    Failed(String),
}

impl Outcome {
    /// The word printed for it.
    pub fn word(&self) -> &'static str {
        match self {
            Outcome::Paused => "PAUSED",
            Outcome::Updated => "UPDATED",
            Outcome::AlreadyPaused => "ALREADY_PAUSED",
            Outcome::Resumed => "RESUMED",
            Outcome::NotPaused => "NOT_PAUSED",
            Outcome::Skipped(_) => "SKIPPED",
            Outcome::Failed(_) => "FAILED",
        }
    }

    fn note(&self) -> Option<&str> {
        match self {
            Outcome::Skipped(why) | Outcome::Failed(why) => Some(why),
            Outcome::AlreadyPaused => Some("same reason and end: nothing written"),
            Outcome::NotPaused => Some("no oci-rotator-paused tag: nothing written"),
            _ => None,
        }
    }
}

/// One secret's line.
#[derive(Debug, Clone)]
pub struct Line {
    /// The secret OCID.
    pub secret_id: String,
    /// Its name, when read.
    pub secret_name: String,
    /// What happened.
    pub outcome: Outcome,
}

/// What `pause` or `resume` did, secret by secret.
#[derive(Debug, Clone)]
pub struct Report {
    /// The pause recorded (`pause`), none for `resume`.
    pub pause: Option<Pause>,
    /// One line per secret looked at.
    pub lines: Vec<Line>,
}

impl Report {
    /// True when no secret failed.
    pub fn all_ok(&self) -> bool {
        !self.lines.iter().any(|l| matches!(l.outcome, Outcome::Failed(_)))
    }

    /// For a person: one line per secret, then a count.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for l in &self.lines {
            let note = l.outcome.note().map(|n| format!(": {n}")).unwrap_or_default();
            out.push_str(&format!("{:<14} {} {}{note}\n", l.outcome.word(), l.secret_id, l.secret_name));
        }
        if let Some(p) = &self.pause {
            out.push_str(&format!("{} {}\n", TAG_KEY, p.value()));
        }
        let failed = self.lines.iter().filter(|l| matches!(l.outcome, Outcome::Failed(_))).count();
        out.push_str(&format!("{} secret(s), {failed} failed", self.lines.len()));
        out
    }

    /// One JSON document: `{"pause": {...}, "secrets": [{"secretId", "secretName", "outcome", "note"}]}`.
    pub fn json(&self) -> Value {
        let lines: Vec<Value> = self
            .lines
            .iter()
            .map(|l| json!({"secretId": l.secret_id, "secretName": l.secret_name, "outcome": l.outcome.word(), "note": l.outcome.note()}))
            .collect();
        json!({"pause": self.pause, "secrets": lines, "ok": self.all_ok()})
    }
}

/// Pauses the scheduled rotation of the secrets of `scope`: checks the input (at `now`) before any
/// call, then one GetSecret and at most one UpdateSecret per secret.
pub async fn pause(client: &Client, scope: &Scope, reason: &str, until: Option<&str>, now: OffsetDateTime) -> Result<Report, PauseError> {
    scope.check()?;
    let pause = new_pause(reason, until, now)?;
    let lines = for_each(client, scope, |s| pause_one(client, s, &pause)).await?;
    Ok(Report { pause: Some(pause), lines })
}

/// Resumes the scheduled rotation of the secrets of `scope` that carry `oci-rotator-paused`.
pub async fn resume(client: &Client, scope: &Scope) -> Result<Report, PauseError> {
    scope.check()?;
    let lines = for_each(client, scope, |s| resume_one(client, s)).await?;
    Ok(Report { pause: None, lines })
}

/// Reads each secret of `scope` (GetSecret, with its etag) and runs `act` on it.
async fn for_each<F, Fut>(client: &Client, scope: &Scope, act: F) -> Result<Vec<Line>, PauseError>
where
    F: Fn(SecretWithEtag) -> Fut,
    Fut: std::future::Future<Output = Outcome>,
{
    let (ids, only_managed) = match scope {
        Scope::Secret(id) => (vec![id.clone()], false),
        Scope::Compartment { id, subtree } => (
            crate::fleet::managed::actionable_ids(client, id, *subtree)
                .await
                .map_err(|source| PauseError::Compartment { compartment: id.clone(), source })?,
            true,
        ),
    };
    let act = &act;
    let lines = stream::iter(ids)
        .map(|id| async move {
            let read = match client.get_secret(&id).await {
                Ok(s) => s,
                Err(e) => return Some(Line { secret_id: id, secret_name: String::new(), outcome: Outcome::Failed(e.to_string()) }),
            };
            if only_managed && read.secret.metadata.as_ref().and_then(|m| m.get("credentialType")).is_none() {
                return None;
            }
            let secret_name = read.secret.secret_name.clone().unwrap_or_default();
            Some(Line { secret_id: id, secret_name, outcome: act(read).await })
        })
        .buffered(IN_FLIGHT)
        .filter_map(|l| async move { l })
        .collect()
        .await;
    Ok(lines)
}

/// The rotation config as read with `isScheduledRotationEnabled` set to `on`; `None` without one.
fn with_schedule(read: &SecretWithEtag, on: bool) -> Option<Value> {
    let mut rc = read.secret.rotation_config.clone().filter(Value::is_object)?;
    rc["isScheduledRotationEnabled"] = json!(on);
    Some(rc)
}

async fn pause_one(client: &Client, read: SecretWithEtag, pause: &Pause) -> Outcome {
    let Some(rc) = with_schedule(&read, false) else {
        return Outcome::Skipped("no rotation configuration: there is no schedule to pause".to_owned());
    };
    let mut tags = read.secret.freeform_tags.clone().unwrap_or_default();
    let before = tags.insert(TAG_KEY.to_owned(), pause.value());
    let scheduled = read.secret.rotation_config.as_ref().is_some_and(|r| r["isScheduledRotationEnabled"] == true);
    if before.as_deref() == Some(pause.value().as_str()) && !scheduled {
        return Outcome::AlreadyPaused;
    }
    match client.set_secret_rotation_config_and_tags(&read.secret.id, &rc, &tags, read.etag.as_deref()).await {
        Ok(_) if before.is_some() => Outcome::Updated,
        Ok(_) => Outcome::Paused,
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

async fn resume_one(client: &Client, read: SecretWithEtag) -> Outcome {
    let mut tags = read.secret.freeform_tags.clone().unwrap_or_default();
    if tags.remove(TAG_KEY).is_none() {
        return Outcome::NotPaused;
    }
    let Some(rc) = with_schedule(&read, true) else {
        return Outcome::Skipped("no rotation configuration: there is no schedule to resume (the tag is left)".to_owned());
    };
    match client.set_secret_rotation_config_and_tags(&read.secret.id, &rc, &tags, read.etag.as_deref()).await {
        Ok(_) => Outcome::Resumed,
        Err(e) => Outcome::Failed(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::parse("2026-12-04T12:00:00Z", &Rfc3339).unwrap()
    }

    #[test]
    fn the_tag_value_reads_back() {
        let p = new_pause(" quarter-end freeze ", Some("2027-01-15"), now()).unwrap();
        assert_eq!(p.value(), "2027-01-15 quarter-end freeze");
        assert_eq!(Pause::parse(&p.value()), Some(p));
        let open = new_pause("incident 42", None, now()).unwrap();
        assert_eq!(open.value(), "- incident 42");
        assert_eq!(Pause::parse("- incident 42").unwrap().until, None);
    }

    #[test]
    fn bad_input_is_refused_with_its_reason() {
        for (reason, until, says) in [
            ("", None, "--reason is empty"),
            ("two\nlines", None, "one line"),
            ("freeze", Some("next week"), "not a date"),
            ("freeze", Some("2026-12-04"), "not in the future"),
            ("freeze", Some("2026-12-04T11:59:59Z"), "not in the future"),
        ] {
            let e = new_pause(reason, until, now()).unwrap_err().to_string();
            assert!(e.contains(says), "{reason:?} {until:?}: {e}");
        }
        let long = "x".repeat(300);
        assert!(new_pause(&long, None, now()).unwrap_err().to_string().contains("too long"));
        assert!(new_pause("freeze", Some("2026-12-04T12:00:01Z"), now()).is_ok());
    }
}
