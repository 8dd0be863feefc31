//! The command line's shared vocabulary: the one parser of duration flags (`--interval`,
//! `--older-than`, and any later one) and the one range and default of `--concurrency`, so that
//! every subcommand reads and states them the same way (issue 20, point 4).
//!
//! A duration is ISO 8601 (`P90D`, `P12W`, `PT10M`) or the short form (`90d`, `12w`, `10m`, `30s`),
//! or a bare number in the flag's unit (days for `--interval` and `--older-than`, which take whole
//! days; seconds for `--timeout`). A rotation interval (`rotationInterval`) is 1 to 360 days: the
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
const FORMS: &str = "ISO 8601 (P90D, P12W, PT10M) or the short form (90d, 12w, 10m, 30s)";

/// What a bare number means in a duration flag: each flag says it in its help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bare {
    /// `90` is 90 days (`--interval`, `--older-than`).
    Days,
    /// `600` is 600 seconds (`--timeout`).
    Seconds,
}

/// Seconds per unit letter (upper case): weeks, days, hours, minutes, seconds.
fn unit_secs(unit: char) -> Option<u64> {
    match unit {
        'W' => Some(7 * DAY_SECS),
        'D' => Some(DAY_SECS),
        'H' => Some(3600),
        'M' => Some(60),
        'S' => Some(1),
        _ => None,
    }
}

/// `<n><unit>` components in `part`, each unit among `units`, in that order, none twice.
fn components(part: &str, units: &str) -> Option<u64> {
    let (mut total, mut rest, mut allowed) = (0u64, part, units);
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: u64 = rest[..digits].parse().ok()?;
        let unit = rest[digits..].chars().next()?;
        let at = allowed.find(unit)?;
        allowed = &allowed[at + 1..];
        total = total.checked_add(n.checked_mul(unit_secs(unit)?)?)?;
        rest = &rest[digits + 1..];
    }
    Some(total)
}

/// Any duration flag: ISO 8601 (`P90D`, `P12W`, `PT10M`, `P1DT12H`; no years or months, whose
/// length varies) or the short form (`90d`, `12w`, `10m`, `30s`, `2h`; case-insensitive), or a
/// bare number in the flag's own unit.
pub fn parse_duration_with(s: &str, bare: Bare) -> Result<Duration, String> {
    let t = s.trim().to_ascii_uppercase();
    let bad = || format!("{s:?}: expected {FORMS}");
    let secs = if let Some(iso) = t.strip_prefix('P') {
        let (date, time) = match iso.split_once('T') {
            Some((_, "")) => return Err(bad()),
            Some((date, time)) => (date, time),
            None => (iso, ""),
        };
        if iso.is_empty() {
            return Err(bad());
        }
        let date = if date.ends_with('W') { components(date, "W") } else { components(date, "D") };
        date.zip(components(time, "HMS")).map(|(d, t)| d + t).ok_or_else(bad)?
    } else if t.chars().all(|c| c.is_ascii_digit()) && !t.is_empty() {
        let n: u64 = t.parse().map_err(|_| bad())?;
        n.checked_mul(if bare == Bare::Days { DAY_SECS } else { 1 }).ok_or_else(bad)?
    } else {
        let unit = t.chars().last().ok_or_else(bad)?;
        let number = &t[..t.len() - 1];
        if number.is_empty() {
            return Err(bad());
        }
        components(&t, &unit.to_string()).filter(|_| unit_secs(unit).is_some()).ok_or_else(bad)?
    };
    Ok(Duration::from_secs(secs))
}

/// A number of whole days (`P90D`, `P12W`, `90d`, `12w` or `90`): `--interval` and `--older-than`.
pub fn parse_days(s: &str) -> Result<u64, String> {
    let secs = parse_duration_with(s, Bare::Days)?.as_secs();
    if secs % DAY_SECS != 0 {
        return Err(format!("{s:?} is not a whole number of days (P90D, 90d, 12w)"));
    }
    Ok(secs / DAY_SECS)
}

/// A duration flag in whole days (`--older-than`): [`parse_days`] as a [`Duration`].
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    parse_days(s).map(|d| Duration::from_secs(d.saturating_mul(DAY_SECS)))
}

/// `--timeout`: any duration of at least one second; a bare number is seconds.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    match parse_duration_with(s, Bare::Seconds)? {
        d if d.as_secs() == 0 => Err(format!("{s:?}: at least one second")),
        d => Ok(d),
    }
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

/// `--kind` / `--kinds`: read by [`crate::secret::CredentialKind::parse_flag`] (the one parser:
/// trimmed, case-insensitive), with every kind of the kind table as the help's possible values.
#[derive(Clone, Copy)]
pub struct KindParser;

impl clap::builder::TypedValueParser for KindParser {
    type Value = crate::secret::CredentialKind;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&clap::Arg>, value: &std::ffi::OsStr) -> Result<Self::Value, clap::Error> {
        let parse: fn(&str) -> Result<Self::Value, String> = crate::secret::CredentialKind::parse_flag;
        parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(crate::kinds::KINDS.iter().map(|s| clap::builder::PossibleValue::new(s.kind.as_str()))))
    }
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
        for bad in ["", "P", "P90", "90m", "PT1H", "P1M", "P1Y", "-1d", "d", "P1.5D", "PT", "P1DT", "1x", "P2W3D"] {
            assert!(parse_days(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timeouts_take_the_same_forms_with_bare_seconds() {
        for (given, secs) in [("PT10M", 600), ("10m", 600), ("600", 600), ("600s", 600), ("1h", 3600), ("P1DT1S", 86401), ("PT1H30M", 5400)]
        {
            assert_eq!(parse_timeout(given), Ok(Duration::from_secs(secs)), "{given}");
        }
        for bad in ["0", "PT0S", "10x", "PT10", "m", "PT1S1M"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn status_flags_ages_in_days_and_weeks_timeouts_in_seconds_and_minutes() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30 * DAY_SECS)));
        assert_eq!(parse_duration("2w"), Ok(Duration::from_secs(14 * DAY_SECS)));
        for bad in ["", "d", "90m", "-1d", "ninety"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_timeout("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_timeout("45"), Ok(Duration::from_secs(45)));
        for bad in ["", "0m", "-5s", "soon"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
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
