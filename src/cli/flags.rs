//! The command line's shared vocabulary: the one parser of duration flags (`--interval`,
//! `--older-than`, and any later one) and the one range and default of `--concurrency`, so that
//! every subcommand reads and states them the same way (issue 20, point 4).
//!
//! A duration is ISO 8601 in days or weeks (`P90D`, `P12W`) or the short form (`90d`, `12w`, or a
//! bare number of days, `90`). A rotation interval (`rotationInterval`) is 1 to 360 days: the
//! bounds the OCI SDKs document for `RotationConfig.rotationInterval` (Oracle's console pages say
//! "1 to 12 months"; the SDK's days are what the API takes, so the flags use them).

use std::time::Duration;

/// Seconds in a day.
const DAY_SECS: u64 = 24 * 3600;

/// The shortest rotation interval Vault takes, in days.
pub const INTERVAL_MIN_DAYS: u64 = 1;
/// The longest rotation interval Vault takes, in days.
pub const INTERVAL_MAX_DAYS: u64 = 360;
/// The range of rotation intervals, as help, docs and errors state it.
pub const INTERVAL_RANGE: &str = "1 to 360 days (P1D to P360D, 1d to 360d)";

/// Default of `--concurrency`, in every command that has it.
pub const CONCURRENCY_DEFAULT: u16 = 10;
/// Largest `--concurrency`, in every command that has it.
pub const CONCURRENCY_MAX: u16 = 64;

/// What a duration flag accepts, for error messages.
const FORMS: &str = "ISO 8601 days or weeks (P90D, P12W) or the short form (90d, 12w, 90)";

/// A number of whole days: `P90D`, `P12W`, `90d`, `12w` or `90` (case-insensitive).
pub fn parse_days(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let body = t.strip_prefix('P').unwrap_or(&t);
    let iso = body.len() != t.len();
    let (number, per) = match body.strip_suffix('W') {
        Some(n) => (n, 7),
        None => match body.strip_suffix('D') {
            Some(n) => (n, 1),
            // `P90` is neither form; a bare number is days.
            None if !iso => (body, 1),
            None => return Err(format!("{s:?}: expected {FORMS}")),
        },
    };
    let n: u64 = number.parse().map_err(|_| format!("{s:?}: expected {FORMS}"))?;
    n.checked_mul(per).ok_or_else(|| format!("{s:?}: too many days"))
}

/// A duration flag: [`parse_days`] as a [`Duration`].
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    parse_days(s).map(|d| Duration::from_secs(d.saturating_mul(DAY_SECS)))
}

/// A rotation interval flag (`--interval`): [`parse_days`] within [`INTERVAL_RANGE`], returned in
/// the form OCI's `rotationInterval` takes (`P90D`).
pub fn parse_interval(s: &str) -> Result<String, String> {
    let days = parse_days(s).map_err(|e| format!("{e}; a rotation interval is {INTERVAL_RANGE}"))?;
    if !(INTERVAL_MIN_DAYS..=INTERVAL_MAX_DAYS).contains(&days) {
        return Err(format!("{s:?} is {days} days; a rotation interval is {INTERVAL_RANGE}"));
    }
    Ok(format!("P{days}D"))
}

/// `--concurrency`: 1 to [`CONCURRENCY_MAX`].
pub fn parse_concurrency(s: &str) -> Result<u16, String> {
    match s.trim().parse::<u16>() {
        Ok(n) if (1..=CONCURRENCY_MAX).contains(&n) => Ok(n),
        _ => Err(format!("{s:?}: expected a number from 1 to {CONCURRENCY_MAX}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_and_short_forms_mean_the_same_days() {
        for (a, b) in [("P90D", "90d"), ("P12W", "12w"), ("p30d", "30"), ("P1D", "1D")] {
            assert_eq!(parse_days(a), parse_days(b), "{a} {b}");
        }
        assert_eq!(parse_days("P12W"), Ok(84));
        assert_eq!(parse_duration("90d"), Ok(Duration::from_secs(90 * DAY_SECS)));
        for bad in ["", "P", "P90", "90m", "PT1H", "P1M", "-1d", "d", "P1.5D"] {
            assert!(parse_days(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn intervals_are_normalised_and_bounded() {
        assert_eq!(parse_interval("90d").as_deref(), Ok("P90D"));
        assert_eq!(parse_interval("P12W").as_deref(), Ok("P84D"));
        assert_eq!(parse_interval("P360D").as_deref(), Ok("P360D"));
        assert_eq!(parse_interval("1d").as_deref(), Ok("P1D"));
        for bad in ["0d", "P361D", "52w", "P0D"] {
            let e = parse_interval(bad).err().unwrap_or_default();
            assert!(e.contains(INTERVAL_RANGE), "{bad}: {e}");
        }
    }

    #[test]
    fn concurrency_has_one_range() {
        assert_eq!(parse_concurrency("1"), Ok(1));
        assert_eq!(parse_concurrency("64"), Ok(CONCURRENCY_MAX));
        for bad in ["0", "65", "1000", "x"] {
            assert!(parse_concurrency(bad).err().unwrap_or_default().contains("1 to 64"), "{bad}");
        }
    }
}
