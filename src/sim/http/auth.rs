//! Who signed a request, checked as OCI's front door does: an OCI signature
//! (`crate::oci::signer::verify`) over the raw path and query and the headers as received, a
//! `date` within 5 minutes, and a key this simulator knows: a resource-principal session
//! (`ST$<rpst>`, with the session key from the token this simulator issued) or a user's ACTIVE
//! API key (`<tenancy>/<user>/<fingerprint>`). Administrators and sessions may call anything; any
//! other user may only read themselves (`GET /20160918/users/{own id}`, or `GET /admin/v1/Me` at
//! their own identity domain's URL).

use std::time::{Duration, SystemTime};

use axum::http::HeaderMap;

use super::rpst;
use crate::oci::signer;
use crate::sim::error::{not_found, unauthenticated, SimError};
use crate::sim::Simulator;

/// Largest accepted distance between the request's `date` and the simulator's clock.
const MAX_SKEW: Duration = Duration::from_secs(300);

/// Who signed a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Principal {
    /// A resource-principal session (`user` None) or an administrator: may call anything.
    Trusted { user: Option<String> },
    /// A user signing with their own API key: may only read themselves.
    User {
        id: String,
        /// The `idcs-<hex>` path segment of the user's identity domain.
        domain_segment: String,
    },
}

impl Principal {
    /// True for a resource-principal session: the function's own principal, not an administrator.
    pub(crate) fn is_function(&self) -> bool {
        matches!(self, Principal::Trusted { user: None })
    }

    /// The user who signed, if a user did.
    pub(crate) fn user(&self) -> Option<&str> {
        match self {
            Principal::Trusted { user } => user.as_deref(),
            Principal::User { id, .. } => Some(id),
        }
    }

    /// Refuses what a plain user may not do (404, as OCI hides what one may not see).
    pub(crate) fn authorize(&self, method: &str, segments: &[String]) -> Result<(), SimError> {
        match self {
            Principal::Trusted { .. } => Ok(()),
            Principal::User { id: me, domain_segment } => {
                let own_user = method == "GET"
                    && match segments {
                        [v, users, id] => v == "20160918" && users == "users" && id == me,
                        [host, admin, v1, m] => host == domain_segment && admin == "admin" && v1 == "v1" && m == "Me",
                        _ => false,
                    };
                if own_user {
                    Ok(())
                } else {
                    Err(not_found("this principal may only read its own user"))
                }
            }
        }
    }
}

/// A header's value as text.
pub(crate) fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// Checks the request's signature and returns its principal.
pub(crate) fn authenticate(
    sim: &Simulator,
    method: &str,
    path_and_query: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Principal, SimError> {
    let authorization = header(headers, "authorization").ok_or_else(|| unauthenticated("no Authorization header"))?;
    let auth = signer::parse_authorization(&authorization).map_err(|e| unauthenticated(&e.to_string()))?;
    let date = header(headers, "date").ok_or_else(|| unauthenticated("no date header"))?;
    let when = httpdate::parse_http_date(&date).map_err(|_| unauthenticated("the date header is not an HTTP date"))?;
    let skew = SystemTime::now().duration_since(when).unwrap_or_else(|e| e.duration());
    if skew > MAX_SKEW {
        return Err(unauthenticated("the date header is more than 5 minutes away from the server's clock"));
    }
    let (key, principal) = {
        let st = sim.state();
        if let Some(token) = auth.key_id.strip_prefix("ST$") {
            let key = rpst::verify(&st.rpst_key, &st.tenancy_id, token).map_err(unauthenticated)?;
            (key, Principal::Trusted { user: None })
        } else {
            let mut parts = auth.key_id.splitn(3, '/');
            let (tenancy, user, fingerprint) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if tenancy != st.tenancy_id {
                return Err(unauthenticated("the keyId names an unknown tenancy"));
            }
            let key = st.iam.active_key(user, fingerprint).ok_or_else(|| unauthenticated("the keyId names no ACTIVE API key"))?;
            let principal = if st.iam.admins.contains(user) {
                Principal::Trusted { user: Some(user.to_owned()) }
            } else {
                let domain = st.iam.users.get(user).and_then(|u| st.domains.any(&u.domain_id));
                Principal::User { id: user.to_owned(), domain_segment: domain.map(|d| format!("idcs-{}", d.hex)).unwrap_or_default() }
            };
            (key, principal)
        }
    };
    let lookup = |name: &str| header(headers, name);
    signer::verify(method, path_and_query, &lookup, body, &auth, &key).map_err(|e| unauthenticated(&e.to_string()))?;
    Ok(principal)
}
