//! What a warm process learned about identity domains (contract 4.2): the tenancy's domains, each
//! domain by id, and a user's SCIM id per domain, each kept at most [`TENANCY_FACTS_TTL`]. Held by
//! the OCI client (`oci::client`) and filled by `oci::identity_domains`; apart from both, so neither
//! imports the other for it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// An identity domain as the classic API describes it.
#[derive(Debug, Clone)]
pub struct Domain {
    /// The domain OCID.
    pub id: String,
    /// Its REST API base URL, without a trailing `:443` or `/` (the signed `host` must be the
    /// `Host` sent), or `OCI_ROTATOR_IDENTITY_DOMAIN_ENDPOINT` when set.
    pub url: String,
    /// `ACTIVE`, `CREATING`, `INACTIVE`, `DELETING`.
    pub lifecycle_state: String,
    /// `DEFAULT` or `SECONDARY`.
    pub domain_type: String,
}

impl Domain {
    /// True for the tenancy's Default domain.
    pub fn is_default(&self) -> bool {
        self.domain_type == "DEFAULT"
    }
}

/// How long a warm process keeps what it learned of the tenancy (ListDomains, domain URLs, a
/// user's id in a domain): contract 4.2 allows at most 10 minutes.
pub const TENANCY_FACTS_TTL: Duration = Duration::from_secs(600);

/// A value and when it was learned.
pub(super) struct Learned<T> {
    pub(super) value: T,
    pub(super) at: Instant,
}

impl<T: Clone> Learned<T> {
    /// The value while it is younger than [`TENANCY_FACTS_TTL`] at `now`.
    pub(super) fn fresh(&self, now: Instant) -> Option<T> {
        (now.saturating_duration_since(self.at) < TENANCY_FACTS_TTL).then(|| self.value.clone())
    }
}

/// What one process learned about identity domains: the tenancy's domains, each domain by id, and
/// a user's SCIM id per domain, each kept [`TENANCY_FACTS_TTL`] from when it was learned. Only
/// answers are kept: a lookup that failed (404 included) is asked again next time. Held by the OCI
/// client. Times are `tokio::time::Instant`s, so tests can move the clock.
#[derive(Default)]
pub struct DomainCache {
    by_id: Mutex<HashMap<String, Learned<Domain>>>,
    /// Locked across the listing, so concurrent first callers list once.
    pub(super) listed: tokio::sync::Mutex<Option<Learned<Arc<Vec<Domain>>>>>,
    user_ids: Mutex<HashMap<(String, String), Learned<String>>>,
}

impl DomainCache {
    pub(super) fn domain_at(&self, domain_id: &str, now: Instant) -> Option<Domain> {
        self.by_id.lock().ok()?.get(domain_id)?.fresh(now)
    }

    pub(super) fn keep_domain_at(&self, domain_id: &str, domain: Domain, now: Instant) {
        if let Ok(mut m) = self.by_id.lock() {
            m.retain(|_, d| d.fresh(now).is_some());
            m.insert(domain_id.to_owned(), Learned { value: domain, at: now });
        }
    }

    pub(super) fn user_id_at(&self, base: &str, user_ocid: &str, now: Instant) -> Option<String> {
        self.user_ids.lock().ok()?.get(&(base.to_owned(), user_ocid.to_owned()))?.fresh(now)
    }

    pub(super) fn keep_user_id_at(&self, base: &str, user_ocid: &str, id: String, now: Instant) {
        if let Ok(mut m) = self.user_ids.lock() {
            m.retain(|_, u| u.fresh(now).is_some());
            m.insert((base.to_owned(), user_ocid.to_owned()), Learned { value: id, at: now });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(id: &str) -> Domain {
        Domain {
            id: id.to_owned(),
            url: "https://idcs-x.identity.oraclecloud.com".to_owned(),
            lifecycle_state: "ACTIVE".to_owned(),
            domain_type: "SECONDARY".to_owned(),
        }
    }

    #[test]
    fn what_a_warm_process_learned_of_the_tenancy_is_kept_ten_minutes_at_most() {
        // Given: a domain, a user's SCIM id and the tenancy's domain list, learned at t0.
        let cache = DomainCache::default();
        let t0 = Instant::now();
        cache.keep_domain_at("ocid1.domain.oc1..d", domain("ocid1.domain.oc1..d"), t0);
        cache.keep_user_id_at("https://idcs-x", "ocid1.user.oc1..u", "0a1b2c".to_owned(), t0);
        let listed = Learned { value: Arc::new(vec![domain("ocid1.domain.oc1..d")]), at: t0 };
        // When / then: just before 10 minutes they are answered from memory...
        let almost = t0 + TENANCY_FACTS_TTL - Duration::from_secs(1);
        assert_eq!(cache.domain_at("ocid1.domain.oc1..d", almost).map(|d| d.id), Some("ocid1.domain.oc1..d".to_owned()));
        assert_eq!(cache.user_id_at("https://idcs-x", "ocid1.user.oc1..u", almost).as_deref(), Some("0a1b2c"));
        assert_eq!(listed.fresh(almost).map(|l| l.len()), Some(1));
        // ...and at 10 minutes they are asked again.
        let expired = t0 + TENANCY_FACTS_TTL;
        assert!(cache.domain_at("ocid1.domain.oc1..d", expired).is_none());
        assert!(cache.user_id_at("https://idcs-x", "ocid1.user.oc1..u", expired).is_none());
        assert!(listed.fresh(expired).is_none());
        // Learning it again restarts the 10 minutes; an expired entry is dropped on the next insert.
        cache.keep_domain_at("ocid1.domain.oc1..d", domain("ocid1.domain.oc1..d"), expired);
        assert!(cache.domain_at("ocid1.domain.oc1..d", expired + Duration::from_secs(599)).is_some());
        cache.keep_domain_at("ocid1.domain.oc1..e", domain("ocid1.domain.oc1..e"), expired + TENANCY_FACTS_TTL);
        assert_eq!(cache.by_id.lock().unwrap().len(), 1, "the expired entry was dropped");
        assert_eq!(TENANCY_FACTS_TTL, Duration::from_secs(600));
    }
}
