//! The pause recorded on a secret (issue 21, point 2): its freeform tag `oci-rotator-paused`,
//! `<until or "-"> <reason>`, read and written as one value type. A leaf: `lifecycle::pause`
//! writes it, `fleet` reads it back (a paused secret is not overdue; a pause past its end is a
//! problem), and neither imports the other for it.

use std::collections::BTreeMap;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

/// The secret's freeform tag that records a pause.
pub const TAG_KEY: &str = "oci-rotator-paused";

/// What the `oci-rotator-paused` tag says: why, and until when (none: until resumed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pause {
    /// Why the rotations are paused.
    pub reason: String,
    /// When the pause is meant to end (`2027-01-15` or an RFC 3339 time, as written); null: open.
    pub until: Option<String>,
}

impl Pause {
    /// Reads a tag value (`<until or "-"> <reason>`); `None` when it is empty.
    pub fn parse(value: &str) -> Option<Pause> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let (until, reason) = value.split_once(' ').unwrap_or((value, ""));
        Some(Pause { reason: reason.trim().to_owned(), until: (until != "-").then(|| until.to_owned()) })
    }

    /// The pause of a secret's freeform tags, if any.
    pub fn of_tags(tags: Option<&BTreeMap<String, String>>) -> Option<Pause> {
        tags.and_then(|t| t.get(TAG_KEY)).and_then(|v| Pause::parse(v))
    }

    /// The tag value.
    pub fn value(&self) -> String {
        format!("{} {}", self.until.as_deref().unwrap_or("-"), self.reason)
    }

    /// When the pause ends (`Err` with the text when it is neither a date nor an RFC 3339 time).
    pub fn ends_at(&self) -> Option<Result<OffsetDateTime, String>> {
        self.until.as_deref().map(|u| parse_time(u).ok_or_else(|| u.to_owned()))
    }

    /// What is wrong with the pause at `now`, with the fix: its end passed (or cannot be read).
    pub fn problem(&self, secret_id: &str, now: OffsetDateTime) -> Option<String> {
        let fix = format!("oci-rotator resume --secret-id {secret_id}");
        match self.ends_at()? {
            Ok(end) if end <= now => Some(format!("paused past its end {} ({}): resume it: {fix}", self.until.as_deref()?, self.reason)),
            Ok(_) => None,
            Err(u) => Some(format!("paused with an end that is not a date ({u}): resume it, or pause it again: {fix}")),
        }
    }

    /// One short line for a table: `paused until 2027-01-15: quarter-end freeze`.
    pub fn label(&self) -> String {
        format!("paused until {}: {}", self.until.as_deref().map_or("resumed", |u| u.get(..10).unwrap_or(u)), self.reason)
    }
}

/// A date (its first second, UTC) or an RFC 3339 time (`--until`, and the tag's end).
pub fn parse_time(s: &str) -> Option<OffsetDateTime> {
    if let Ok(d) = Date::parse(s, format_description!("[year]-[month]-[day]")) {
        return Some(d.midnight().assume_utc());
    }
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::parse("2026-12-04T12:00:00Z", &Rfc3339).unwrap()
    }

    #[test]
    fn a_tag_value_reads_as_end_and_reason() {
        let p = Pause::parse("2027-01-15 quarter-end freeze").unwrap();
        assert_eq!((p.until.as_deref(), p.reason.as_str()), (Some("2027-01-15"), "quarter-end freeze"));
        assert_eq!(Pause::parse(&p.value()), Some(p));
        assert_eq!(Pause::parse("- incident 42").unwrap().until, None);
        assert_eq!(Pause::parse("  "), None);
        let tags = BTreeMap::from([(TAG_KEY.to_owned(), "- incident 42".to_owned())]);
        assert_eq!(Pause::of_tags(Some(&tags)).map(|p| p.reason), Some("incident 42".to_owned()));
        assert_eq!(Pause::of_tags(None), None);
    }

    #[test]
    fn a_pause_past_its_end_is_a_problem_naming_the_fix() {
        let p = Pause { reason: "freeze".to_owned(), until: Some("2026-12-01".to_owned()) };
        let problem = p.problem("ocid1.vaultsecret.oc1.iad.s", now()).unwrap();
        assert!(problem.contains("oci-rotator resume --secret-id ocid1.vaultsecret.oc1.iad.s"), "{problem}");
        assert_eq!(Pause { until: Some("2027-01-15".to_owned()), ..p.clone() }.problem("s", now()), None);
        assert_eq!(Pause { until: None, ..p.clone() }.problem("s", now()), None);
        assert!(Pause { until: Some("soon".to_owned()), ..p }.problem("s", now()).unwrap().contains("not a date"));
    }
}
