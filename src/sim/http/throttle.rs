//! Per-tenancy request throttles shaped like OCI's: one token bucket per API family, refilled at a
//! steady rate up to a burst; a request that finds its bucket empty is answered 429
//! `TooManyRequests` with `retry-after` (whole seconds, as OCI sends it: the time until the bucket
//! holds a token again, rounded up, at least 1) and changes nothing. A refused request takes no
//! token. Off unless [`SimOptions::throttle`](crate::sim::SimOptions::throttle) is set (`simulate
//! --throttle FAMILY=RATE[/BURST]`).
//!
//! The families are how OCI limits its services separately: Vault management (`20180608`: the
//! secrets, their versions, RotateSecret), Secrets retrieval (`20190301`: bundles), Identity
//! (`20160918`, and identity domains' REST API) and Notifications (`20181201`). The simulator holds
//! one tenancy, so the buckets are that tenancy's: every principal (an administrator's CLI, the
//! function) draws from the same ones, as in OCI.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// An API family, throttled on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiFamily {
    /// Vault management (`/20180608/`).
    Vault,
    /// Secrets retrieval (`/20190301/`).
    Secrets,
    /// Identity (`/20160918/`) and identity domains (`/admin/v1/`).
    Identity,
    /// Notifications (`/20181201/`).
    Notifications,
}

impl ApiFamily {
    /// Every family.
    pub const ALL: [ApiFamily; 4] = [ApiFamily::Vault, ApiFamily::Secrets, ApiFamily::Identity, ApiFamily::Notifications];

    /// The family of a routed path (`None`: not an OCI API path).
    pub(crate) fn of_path(path: &str) -> Option<ApiFamily> {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        match first {
            "20180608" => Some(ApiFamily::Vault),
            "20190301" => Some(ApiFamily::Secrets),
            "20160918" => Some(ApiFamily::Identity),
            "20181201" => Some(ApiFamily::Notifications),
            f if f.starts_with("idcs-") => Some(ApiFamily::Identity),
            _ => None,
        }
    }

    /// The name `simulate --throttle` takes.
    pub fn name(self) -> &'static str {
        match self {
            ApiFamily::Vault => "vault",
            ApiFamily::Secrets => "secrets",
            ApiFamily::Identity => "identity",
            ApiFamily::Notifications => "notifications",
        }
    }

    /// The family named `name` (`vault`, `secrets`, `identity`, `notifications`).
    pub fn parse(name: &str) -> Option<ApiFamily> {
        ApiFamily::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name))
    }
}

/// One family's limit: requests per second, and how many may come at once after a quiet spell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Tokens added per second (the sustained ceiling).
    pub per_second: f64,
    /// The bucket's size (at least 1).
    pub burst: f64,
}

/// The throttles of the tenancy: a [`Rate`] per family; a family without one is not throttled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Throttle {
    /// The limited families.
    pub rates: Vec<(ApiFamily, Rate)>,
}

impl Throttle {
    /// Parses `FAMILY=RATE[/BURST]` (burst defaults to the rate, one second's worth).
    pub fn parse_spec(spec: &str) -> Result<(ApiFamily, Rate), String> {
        let bad = || {
            format!("--throttle {spec:?}: expected FAMILY=RATE[/BURST], FAMILY one of vault, secrets, identity, notifications, RATE requests per second (> 0)")
        };
        let (family, limit) = spec.split_once('=').ok_or_else(bad)?;
        let family = ApiFamily::parse(family.trim()).ok_or_else(bad)?;
        let (rate, burst) = match limit.split_once('/') {
            Some((r, b)) => (r.trim().parse::<f64>().map_err(|_| bad())?, Some(b.trim().parse::<f64>().map_err(|_| bad())?)),
            None => (limit.trim().parse::<f64>().map_err(|_| bad())?, None),
        };
        if !(rate.is_finite() && rate > 0.0) || burst.is_some_and(|b| !(b.is_finite() && b >= 1.0)) {
            return Err(bad());
        }
        Ok((family, Rate { per_second: rate, burst: burst.unwrap_or(rate).max(1.0) }))
    }

    /// The throttle of `specs` (later specs of a family replace earlier ones).
    pub fn from_specs<S: AsRef<str>>(specs: &[S]) -> Result<Throttle, String> {
        let mut t = Throttle::default();
        for spec in specs {
            let (family, rate) = Throttle::parse_spec(spec.as_ref())?;
            t.rates.retain(|(f, _)| *f != family);
            t.rates.push((family, rate));
        }
        Ok(t)
    }

    /// Sets one family's rate.
    pub fn with(mut self, family: ApiFamily, per_second: f64, burst: f64) -> Throttle {
        self.rates.retain(|(f, _)| *f != family);
        self.rates.push((family, Rate { per_second, burst: burst.max(1.0) }));
        self
    }

    fn rate(&self, family: ApiFamily) -> Option<Rate> {
        self.rates.iter().find(|(f, _)| *f == family).map(|(_, r)| *r)
    }
}

struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// The buckets, and how many requests each family refused.
#[derive(Default)]
pub(crate) struct Buckets {
    buckets: HashMap<ApiFamily, Bucket>,
    refused: HashMap<ApiFamily, u64>,
}

impl Buckets {
    /// Takes a token of `family` for a request arriving now; `Err(retry_after)` when none is left.
    pub(crate) fn take(&mut self, throttle: &Throttle, family: ApiFamily) -> Result<(), Duration> {
        let Some(rate) = throttle.rate(family) else { return Ok(()) };
        let now = Instant::now();
        let b = self.buckets.entry(family).or_insert(Bucket { tokens: rate.burst, refilled: now });
        b.tokens = (b.tokens + now.duration_since(b.refilled).as_secs_f64() * rate.per_second).min(rate.burst);
        b.refilled = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            return Ok(());
        }
        *self.refused.entry(family).or_default() += 1;
        Err(Duration::from_secs_f64((1.0 - b.tokens) / rate.per_second))
    }

    /// Requests refused with 429, per family.
    pub(crate) fn refused(&self) -> Vec<(ApiFamily, u64)> {
        let mut v: Vec<(ApiFamily, u64)> = self.refused.iter().map(|(f, n)| (*f, *n)).collect();
        v.sort();
        v
    }
}

/// `retry-after` in whole seconds: the wait rounded up, at least 1.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(Throttle::parse_spec("vault=10"), Ok((ApiFamily::Vault, Rate { per_second: 10.0, burst: 10.0 })));
        assert_eq!(Throttle::parse_spec("Identity=2.5/20"), Ok((ApiFamily::Identity, Rate { per_second: 2.5, burst: 20.0 })));
        for bad in ["vault", "kms=1", "vault=0", "vault=-1", "vault=x", "vault=1/0.5", "vault=inf"] {
            assert!(Throttle::parse_spec(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn families() {
        assert_eq!(ApiFamily::of_path("/20180608/secrets/x/actions/rotate"), Some(ApiFamily::Vault));
        assert_eq!(ApiFamily::of_path("/20190301/secretbundles/x"), Some(ApiFamily::Secrets));
        assert_eq!(ApiFamily::of_path("/idcs-0123/admin/v1/Users"), Some(ApiFamily::Identity));
        assert_eq!(ApiFamily::of_path("/_sim/state"), None);
    }

    #[test]
    fn a_bucket_refuses_past_its_burst_and_refills_at_its_rate() {
        // Given: 20 per second, bursts of 3.
        let t = Throttle::default().with(ApiFamily::Vault, 20.0, 3.0);
        let mut b = Buckets::default();
        // When / then: three pass, the fourth waits about one token's time (50 ms).
        for _ in 0..3 {
            assert_eq!(b.take(&t, ApiFamily::Vault), Ok(()));
        }
        let wait = b.take(&t, ApiFamily::Vault).unwrap_err();
        assert!(wait <= Duration::from_millis(50) && wait > Duration::ZERO, "{wait:?}");
        assert_eq!(retry_after_secs(wait), 1);
        // Other families are not limited.
        assert_eq!(b.take(&t, ApiFamily::Identity), Ok(()));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(b.take(&t, ApiFamily::Vault), Ok(()));
        assert_eq!(b.refused(), vec![(ApiFamily::Vault, 1)]);
    }
}
