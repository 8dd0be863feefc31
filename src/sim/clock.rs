//! The simulator's clock: real time, sped up by a factor (`simulate --clock-speed`) and moved
//! forward on demand ([`super::Simulator::advance_clock`], `POST /_sim/clock`), so that a 90-day
//! rotation schedule falls due in seconds. Secrets' `timeCreated`, `lastRotationTime` and
//! `nextRotationTime` are read from it. Also ISO 8601 durations (`rotationInterval`, `P90D`).

use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// Simulated time: `start + (real time since) × speed + advanced`.
#[derive(Debug)]
pub(crate) struct SimClock {
    real_start: Instant,
    sim_start: OffsetDateTime,
    speed: f64,
}

impl SimClock {
    /// A clock that reads real time.
    pub(crate) fn new() -> SimClock {
        SimClock { real_start: Instant::now(), sim_start: OffsetDateTime::now_utc(), speed: 1.0 }
    }

    /// The simulated now.
    pub(crate) fn now(&self) -> OffsetDateTime {
        self.sim_start + self.real_start.elapsed().mul_f64(self.speed)
    }

    /// From now on, simulated time runs `speed` times faster than real time (finite, positive).
    pub(crate) fn set_speed(&mut self, speed: f64) {
        self.sim_start = self.now();
        self.real_start = Instant::now();
        self.speed = if speed.is_finite() && speed > 0.0 { speed } else { 1.0 };
    }

    /// Moves simulated time forward by `by`.
    pub(crate) fn advance(&mut self, by: Duration) {
        self.sim_start += by;
    }
}

/// RFC 3339 in UTC, as OCI writes times.
pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// An ISO 8601 duration (`P90D`, `P1W`, `PT1H30M`, `P1DT12H`, `PT0.5S`): weeks, days, hours, minutes
/// and seconds (no years or months, whose length varies). `None` when malformed or zero.
pub(crate) fn parse_interval(s: &str) -> Option<Duration> {
    let rest = s.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) if !t.is_empty() => (d, Some(t)),
        Some(_) => return None,
        None => (rest, None),
    };
    let mut total = 0f64;
    let mut parts = 0;
    let mut add = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut number = String::new();
        let mut allowed = units.iter();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            // Units in order, each at most once.
            let (_, secs) = allowed.by_ref().find(|(u, _)| *u == c)?;
            total += number.parse::<f64>().ok()? * secs;
            number.clear();
            parts += 1;
        }
        number.is_empty().then_some(())
    };
    add(date, &[('W', 604_800.0), ('D', 86_400.0)])?;
    if let Some(t) = time {
        add(t, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
    }
    (parts > 0 && total > 0.0 && total.is_finite()).then(|| Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(parse_interval("P90D"), Some(Duration::from_secs(90 * 86_400)));
        assert_eq!(parse_interval("P1W"), Some(Duration::from_secs(604_800)));
        assert_eq!(parse_interval("P1DT1H30M"), Some(Duration::from_secs(86_400 + 5400)));
        assert_eq!(parse_interval("PT2S"), Some(Duration::from_secs(2)));
        for bad in ["", "P", "90D", "PT", "P0D", "PD", "P1H", "P1D2W", "P1DT"] {
            assert_eq!(parse_interval(bad), None, "{bad}");
        }
    }

    #[test]
    fn advance_and_speed() {
        let mut c = SimClock::new();
        let t0 = c.now();
        c.advance(Duration::from_secs(86_400));
        assert!(c.now() - t0 >= time::Duration::days(1));
        c.set_speed(1000.0);
        let t1 = c.now();
        std::thread::sleep(Duration::from_millis(20));
        assert!(c.now() - t1 >= time::Duration::seconds(10));
    }
}
