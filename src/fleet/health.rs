//! What makes a managed secret *failed* in the fleet view, from what OCI shows of it. OCI's
//! `rotationStatus` has no failed value (the SDKs' enum is `IN_PROGRESS`, `SCHEDULED`,
//! `NOT_ENABLED`, `CANCELLING`), so a failure is read from its traces:
//!
//! - `lifecycleState` `FAILED`;
//! - a PENDING version while no rotation is in progress: a rotation created it and did not finish
//!   (this function's failures after CREATE_PENDING_VERSION leave one until a rotation succeeds);
//! - a scheduled rotation more than a day overdue (`nextRotationTime` past, not `IN_PROGRESS`);
//! - a schedule that moved on without a successful rotation: `nextRotationTime` later than
//!   `lastRotationTime` + `rotationInterval` + a day (Vault reschedules after a failed rotation but
//!   `lastRotationTime` is "when the secret was last rotated successfully").
//!
//! A paused secret (its tag `oci-rotator-paused`, [`crate::pause_tag`], written by [`crate::lifecycle::pause`]) has Vault's
//! schedule off, so it is never overdue; [`pause_problems`] calls it failed when its pause is past
//! its end, or when the tag says paused while Vault's schedule is on (the pause is not in effect).
//!
//! Pure functions of the secret's fields and `now`; the IAM-side problems (CURRENT credential not
//! in IAM, user not found) and the function's own record of a failed step (the secret's tag
//! `oci-rotator-last-outcome`, [`crate::last_outcome`]) are added by the caller.

use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::oci::vault::{Secret, SecretVersionSummary};
use crate::pause_tag::Pause;

/// Slack before a due rotation counts as overdue.
pub const GRACE: Duration = Duration::from_secs(24 * 3600);

/// Parses an RFC 3339 time as OCI writes them.
pub fn parse_time(t: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(t, &Rfc3339).ok()
}

/// Whole days from `t` to `now` (negative for a time in the future).
pub fn age_days(t: &str, now: OffsetDateTime) -> Option<i64> {
    parse_time(t).map(|t| (now - t).whole_days())
}

/// A `rotationInterval` in days or weeks (`P90D`, `P12W`), the forms OCI's rotation intervals take;
/// `None` for anything else.
pub fn parse_interval(s: &str) -> Option<Duration> {
    let rest = s.strip_prefix('P')?;
    let (number, unit) = rest.split_at(rest.len().checked_sub(1)?);
    let n: u64 = number.parse().ok()?;
    let days = match unit {
        "D" => n,
        "W" => n.checked_mul(7)?,
        _ => return None,
    };
    (days > 0).then(|| Duration::from_secs(days * 24 * 3600))
}

/// The failures the secret's own fields and versions show (empty: none).
pub fn secret_problems(s: &Secret, versions: &[SecretVersionSummary], now: OffsetDateTime) -> Vec<String> {
    let mut problems = Vec::new();
    if s.lifecycle_state == "FAILED" {
        problems.push("the secret's lifecycleState is FAILED".to_owned());
    }
    let rotating = s.rotation_status.as_deref() == Some("IN_PROGRESS");
    if let Some(pending) = versions.iter().find(|v| v.has_stage("PENDING")) {
        if !rotating {
            problems.push(format!("a rotation did not finish: version {} is still PENDING", pending.version_number));
        }
    }
    let next = s.next_rotation_time.as_deref().and_then(parse_time);
    let scheduled = s.rotation_config.as_ref().is_some_and(|r| r["isScheduledRotationEnabled"] == true);
    if let (true, false, Some(next)) = (scheduled, rotating, next) {
        if next + GRACE < now {
            problems.push(format!("the scheduled rotation due at {} has not run", s.next_rotation_time.as_deref().unwrap_or_default()));
        }
    }
    let interval = s.rotation_config.as_ref().and_then(|r| r["rotationInterval"].as_str()).and_then(parse_interval);
    let last = s.last_rotation_time.as_deref().and_then(parse_time);
    if let (true, Some(next), Some(last), Some(interval)) = (scheduled, next, last, interval) {
        if next > last + interval + GRACE {
            problems.push(format!(
                "the schedule moved on without a successful rotation (last successful rotation {})",
                s.last_rotation_time.as_deref().unwrap_or_default()
            ));
        }
    }
    problems
}

/// The secret's pause (its tag `oci-rotator-paused`), if any, and what is wrong with it at `now`:
/// past its end (with the `resume` command that fixes it), or not in effect.
pub fn pause_problems(s: &Secret, now: OffsetDateTime) -> (Option<Pause>, Vec<String>) {
    let Some(pause) = Pause::of_tags(s.freeform_tags.as_ref()) else { return (None, Vec::new()) };
    let mut problems: Vec<String> = pause.problem(&s.id, now).into_iter().collect();
    if s.rotation_config.as_ref().is_some_and(|r| r["isScheduledRotationEnabled"] == true) {
        problems.push(format!(
            "tagged paused but Vault's scheduled rotation is on: the pause is not in effect (pause it again, or oci-rotator resume --secret-id {})",
            s.id
        ));
    }
    (Some(pause), problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn secret(fields: serde_json::Value) -> Secret {
        let mut base = json!({"id": "ocid1.vaultsecret.oc1.iad.x", "lifecycleState": "ACTIVE", "rotationStatus": "SCHEDULED",
            "rotationConfig": {"rotationInterval": "P90D", "isScheduledRotationEnabled": true,
                "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": "ocid1.fnfunc.oc1.iad.f"}}});
        if let (Some(b), Some(f)) = (base.as_object_mut(), fields.as_object()) {
            b.extend(f.clone());
        }
        serde_json::from_value(base).unwrap()
    }

    fn version(n: u64, stages: &[&str]) -> SecretVersionSummary {
        SecretVersionSummary {
            version_number: n,
            stages: stages.iter().map(|s| (*s).to_owned()).collect(),
            time_of_deletion: None,
            time_created: None,
        }
    }

    fn at(t: &str) -> OffsetDateTime {
        parse_time(t).unwrap()
    }

    #[test]
    fn a_healthy_schedule_has_no_problem() {
        let s = secret(json!({"lastRotationTime": "2025-01-01T00:00:00Z", "nextRotationTime": "2025-04-01T00:00:00Z"}));
        assert!(secret_problems(&s, &[version(2, &["CURRENT", "LATEST"])], at("2025-03-01T00:00:00Z")).is_empty());
    }

    #[test]
    fn each_trace_of_a_failure_is_named() {
        let now = at("2025-03-01T00:00:00Z");
        let pending = secret(json!({"nextRotationTime": "2025-04-01T00:00:00Z"}));
        let found = secret_problems(&pending, &[version(3, &["PENDING", "LATEST"]), version(2, &["CURRENT"])], now);
        assert!(found.iter().any(|p| p.contains("version 3 is still PENDING")), "{found:?}");
        let overdue = secret(json!({"nextRotationTime": "2025-02-01T00:00:00Z"}));
        assert!(secret_problems(&overdue, &[], now).iter().any(|p| p.contains("has not run")));
        let moved = secret(json!({"lastRotationTime": "2024-06-01T00:00:00Z", "nextRotationTime": "2025-04-01T00:00:00Z"}));
        assert!(secret_problems(&moved, &[], now).iter().any(|p| p.contains("without a successful rotation")));
        let failed = secret(json!({"lifecycleState": "FAILED"}));
        assert!(secret_problems(&failed, &[], now).iter().any(|p| p.contains("FAILED")));
    }

    #[test]
    fn a_rotation_in_progress_is_not_a_failure() {
        let s = secret(json!({"rotationStatus": "IN_PROGRESS", "nextRotationTime": "2025-02-01T00:00:00Z"}));
        assert!(secret_problems(&s, &[version(3, &["PENDING", "LATEST"])], at("2025-03-01T00:00:00Z")).is_empty());
    }

    #[test]
    fn a_paused_secret_is_not_overdue_until_its_pause_ends() {
        let now = at("2025-03-01T00:00:00Z");
        let paused = |until: &str, scheduled: bool| {
            secret(json!({"rotationStatus": "NOT_ENABLED", "lastRotationTime": "2024-06-01T00:00:00Z",
                "rotationConfig": {"rotationInterval": "P90D", "isScheduledRotationEnabled": scheduled,
                    "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": "ocid1.fnfunc.oc1.iad.f"}},
                "freeformTags": {"oci-rotator-paused": format!("{until} quarter-end freeze"), "team": "payments"}}))
        };
        let running = paused("2025-04-01", false);
        assert!(secret_problems(&running, &[], now).is_empty(), "not overdue");
        let (pause, problems) = pause_problems(&running, now);
        assert_eq!(pause.map(|p| (p.reason, p.until)), Some(("quarter-end freeze".to_owned(), Some("2025-04-01".to_owned()))));
        assert!(problems.is_empty(), "{problems:?}");
        let (_, ended) = pause_problems(&paused("2025-02-01", false), now);
        assert!(ended.len() == 1 && ended[0].contains("oci-rotator resume --secret-id ocid1.vaultsecret.oc1.iad.x"), "{ended:?}");
        let (_, not_in_effect) = pause_problems(&paused("-", true), now);
        assert!(not_in_effect.len() == 1 && not_in_effect[0].contains("not in effect"), "{not_in_effect:?}");
        assert_eq!(pause_problems(&secret(json!({})), now), (None, Vec::new()));
    }

    #[test]
    fn intervals_in_days_and_weeks() {
        assert_eq!(parse_interval("P90D"), Some(Duration::from_secs(90 * 86400)));
        assert_eq!(parse_interval("P2W"), Some(Duration::from_secs(14 * 86400)));
        for bad in ["P0D", "90D", "P1M", "PT1H", "P", ""] {
            assert_eq!(parse_interval(bad), None, "{bad}");
        }
    }
}
