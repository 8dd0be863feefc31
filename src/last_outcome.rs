//! The last outcome of a rotation, kept on the secret itself (contract section 6, point 8): the
//! freeform tag `oci-rotator-last-outcome`, `failed <STEP> <responseCode> <UTC time>: <message>`
//! after a step that did not answer 200, `succeeded <UTC time>` after a promotion that replaced a
//! recorded failure. At most 256 characters (OCI's limit for a freeform tag value); the message is
//! the step's error, which carries OCIDs, steps and credential ids, never secret material.
//!
//! Pure: the value is made here and read here. The engine writes it (`engine::record`), the fleet
//! view (`status`) reads it back.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The secret's freeform tag key.
pub const TAG_KEY: &str = "oci-rotator-last-outcome";

/// Longest tag value, in characters (OCI's limit for freeform tag values).
pub const MAX_CHARS: usize = 256;

/// Marks a message cut to fit.
const CUT: &str = "...";

/// `2026-12-04T16:38:37Z`: whole seconds, UTC.
fn utc(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC).replace_nanosecond(0).unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

/// The value recorded after a failed step: `failed <STEP> <code> <time>: <message>`, the message
/// on one line and cut (ending in `...`) so the whole value has at most [`MAX_CHARS`] characters.
pub fn failed(step: &str, response_code: u16, at: OffsetDateTime, message: &str) -> String {
    let head = format!("failed {step} {response_code} {}: ", utc(at));
    let message: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let room = MAX_CHARS.saturating_sub(head.chars().count());
    if message.chars().count() <= room {
        return head + &message;
    }
    let kept: String = message.chars().take(room.saturating_sub(CUT.len())).collect();
    head + kept.trim_end() + CUT
}

/// The value recorded when a promotion replaces a recorded failure: `succeeded <time>`.
pub fn succeeded(at: OffsetDateTime) -> String {
    format!("succeeded {}", utc(at))
}

/// True when `value` records a failure.
pub fn is_failure(value: &str) -> bool {
    value.starts_with("failed ")
}

/// `failed` or `succeeded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeResult {
    /// A step answered something other than 200.
    Failed,
    /// A promotion completed the rotation.
    Succeeded,
}

/// The tag, read back (`status --json`'s `lastOutcome`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LastOutcome {
    /// `failed` or `succeeded`.
    pub result: OutcomeResult,
    /// The step that failed (`null` for `succeeded`).
    pub step: Option<String>,
    /// Its responseCode (`null` for `succeeded`).
    pub response_code: Option<u16>,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// The step's message (`null` for `succeeded`).
    pub message: Option<String>,
}

/// Reads a tag value; `None` when it is not one this module writes.
pub fn parse(value: &str) -> Option<LastOutcome> {
    if let Some(at) = value.strip_prefix("succeeded ") {
        let at = at.trim();
        OffsetDateTime::parse(at, &Rfc3339).ok()?;
        return Some(LastOutcome { result: OutcomeResult::Succeeded, step: None, response_code: None, at: at.to_owned(), message: None });
    }
    let rest = value.strip_prefix("failed ")?;
    let (head, message) = rest.split_once(": ")?;
    let mut words = head.split(' ');
    let (step, code, at) = (words.next()?, words.next()?, words.next()?);
    if words.next().is_some() || step.is_empty() {
        return None;
    }
    let response_code: u16 = code.parse().ok()?;
    OffsetDateTime::parse(at, &Rfc3339).ok()?;
    Some(LastOutcome {
        result: OutcomeResult::Failed,
        step: Some(step.to_owned()),
        response_code: Some(response_code),
        at: at.to_owned(),
        message: Some(message.to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> OffsetDateTime {
        OffsetDateTime::parse("2026-12-04T16:38:37.123456Z", &Rfc3339).unwrap()
    }

    #[test]
    fn a_failure_reads_back_as_written() {
        let v = failed("CREATE_PENDING_VERSION", 400, at(), "user ocid1.user.oc1..u does not name the secret");
        assert_eq!(v, "failed CREATE_PENDING_VERSION 400 2026-12-04T16:38:37Z: user ocid1.user.oc1..u does not name the secret");
        let o = parse(&v).unwrap();
        assert_eq!(o.result, OutcomeResult::Failed);
        assert_eq!(
            (o.step.as_deref(), o.response_code, o.at.as_str()),
            (Some("CREATE_PENDING_VERSION"), Some(400), "2026-12-04T16:38:37Z")
        );
        assert_eq!(o.message.as_deref(), Some("user ocid1.user.oc1..u does not name the secret"));
        assert!(is_failure(&v));
    }

    #[test]
    fn a_long_message_is_cut_to_256_characters_and_lines_are_joined() {
        let v = failed("UPDATE_TARGET_SYSTEM", 502, at(), &format!("first\nsecond {}", "é".repeat(400)));
        assert_eq!(v.chars().count(), MAX_CHARS, "{v}");
        assert!(v.ends_with("...") && v.contains("first second"), "{v}");
        assert_eq!(parse(&v).unwrap().response_code, Some(502));
    }

    #[test]
    fn a_success_reads_back_with_no_step() {
        let v = succeeded(at());
        assert_eq!(v, "succeeded 2026-12-04T16:38:37Z");
        let o = parse(&v).unwrap();
        assert_eq!((o.result, o.step, o.response_code, o.message), (OutcomeResult::Succeeded, None, None, None));
        assert!(!is_failure(&v));
    }

    #[test]
    fn other_values_are_not_outcomes() {
        for v in ["", "failed", "failed X 4x0 2026-12-04T16:38:37Z: m", "failed X 400 yesterday: m", "succeeded soon", "ok"] {
            assert_eq!(parse(v), None, "{v}");
        }
    }
}
