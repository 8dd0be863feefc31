//! The engine's error, and THE mapping from every error of every layer to a `responseCode`.
//! Nothing else in the crate decides a responseCode for a failure.

use crate::adapters;
use crate::binding::BindingError;
use crate::oci;
use crate::protocol::{Check, InputError};

/// Why a step did not reach its postcondition.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request body is invalid (400).
    #[error("{0}")]
    Input(#[from] InputError),
    /// The secret's metadata is invalid (400).
    #[error("{0}")]
    SecretConfig(String),
    /// The secret does not exist or the function may not read it (404).
    #[error("secret {0} does not exist or the function may not read it")]
    SecretNotFound(String),
    /// The named version does not exist (404).
    #[error("version {0} of the secret does not exist")]
    VersionNotFound(u64),
    /// The secret is not in a state the step can work from (409).
    #[error("{0}")]
    Conflict(String),
    /// The secret stayed UPDATING until the deadline (409).
    #[error("the secret stayed {0} until the deadline; retry the step")]
    Busy(String),
    /// An adapter failed.
    #[error(transparent)]
    Adapter(#[from] adapters::Error),
    /// An OCI call failed.
    #[error(transparent)]
    Oci(#[from] oci::Error),
}

impl Error {
    /// The `opc-request-id` of the failing OCI call, if an OCI call failed.
    pub fn opc_request_id(&self) -> Option<&str> {
        match self {
            Error::Oci(e) | Error::Adapter(adapters::Error::Oci(e)) | Error::Adapter(adapters::Error::Binding(BindingError::Oci(e))) => {
                e.opc_request_id.as_deref()
            }
            _ => None,
        }
    }

    /// The responseCode for this error (the contract's table, section 1).
    pub fn response_code(&self) -> u16 {
        match self {
            Error::Input(_) | Error::SecretConfig(_) => 400,
            Error::SecretNotFound(_) | Error::VersionNotFound(_) => 404,
            Error::Conflict(_) | Error::Busy(_) => 409,
            Error::Adapter(e) => match e {
                adapters::Error::InvalidContent(_) => 400,
                adapters::Error::UserNotFound(_)
                | adapters::Error::DomainNotFound(_)
                | adapters::Error::Binding(BindingError::UserNotFound(_)) => 404,
                adapters::Error::Binding(BindingError::NotBound { .. }) => 400,
                adapters::Error::Binding(BindingError::Oci(e)) => oci_code(e),
                adapters::Error::LimitHeld { .. } | adapters::Error::LimitRefused { .. } | adapters::Error::Conflict(_) => 409,
                adapters::Error::NotLiveInTime(_) => 504,
                adapters::Error::Key(_) => 502,
                adapters::Error::Oci(e) => oci_code(e),
            },
            Error::Oci(e) => oci_code(e),
        }
    }
}

/// The responseCode for a failed OCI call (the contract's table, section 1): 504 when the deadline
/// stopped it, 200 for a dry run that reached its first write, 404 not found, 409 a conflict or a
/// stale etag, 502 anything else. The one mapping: Cloud Guard's answers use it too.
pub fn oci_code(e: &oci::Error) -> u16 {
    if e.is_deadline() {
        return 504;
    }
    if e.is_dry_run() {
        // A dry run reached its first write: everything before it held.
        return 200;
    }
    match e.status() {
        Some(404) => 404,
        Some(409 | 412) => 409,
        _ => 502,
    }
}

/// PREFLIGHT's `responseCode` from its checks: 403 when OCI refused a read (403, or 404
/// `NotAuthorizedOrNotFound`: OCI does not tell a refusal from absence); else the first other
/// failed check's code as a step would answer it (404, 409, 400 for the metadata or the binding
/// tag, 502); else 200. Writes (`ok` null) are not checked and never fail it.
pub fn preflight_code(checks: &[Check]) -> u16 {
    let failed = || checks.iter().filter(|c| c.ok == Some(false));
    if failed().any(|c| c.status == Some(403) || (c.status == Some(404) && c.code.as_deref() == Some("NotAuthorizedOrNotFound"))) {
        return 403;
    }
    match failed().next() {
        None => 200,
        Some(c) => match c.status {
            Some(404) => 404,
            Some(409 | 412) => 409,
            Some(_) => 502,
            None if c.opc_request_id.is_none()
                && matches!(c.code.as_deref(), Some("InvalidMetadata" | "TagMissing" | "TagNamesOtherSecrets")) =>
            {
                400
            }
            None => 502,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oci::ErrorKind;

    fn service(status: u16) -> oci::Error {
        oci::Error::new("RotateSecret", ErrorKind::Service { status, code: "Code".to_owned(), message: "m".to_owned() }, None)
    }

    #[test]
    fn an_oci_failure_gets_one_response_code_wherever_it_is_answered() {
        // The mapping the steps and Cloud Guard's answers share (`cloud_guard`, `unmanaged_reset`).
        assert_eq!(oci_code(&service(404)), 404);
        assert_eq!(oci_code(&service(409)), 409);
        assert_eq!(oci_code(&service(412)), 409, "a stale etag is a conflict");
        assert_eq!(oci_code(&service(400)), 502);
        assert_eq!(oci_code(&service(500)), 502);
        assert_eq!(oci_code(&oci::Error::new("RotateSecret", ErrorKind::Transport("reset".to_owned()), None)), 502);
        assert_eq!(oci_code(&oci::Error::new("RotateSecret", ErrorKind::Deadline, None)), 504);
        assert_eq!(oci_code(&oci::Error::new("RotateSecret", ErrorKind::DryRun, None)), 200);
        assert_eq!(Error::Oci(service(412)).response_code(), oci_code(&service(412)));
    }

    fn check(ok: Option<bool>, status: Option<u16>, code: Option<&str>) -> Check {
        Check { call: "C".to_owned(), ok, status, code: code.map(str::to_owned), opc_request_id: None, needs: "n".to_owned() }
    }

    #[test]
    fn preflight_answers_403_for_a_refused_read_before_any_other_failure() {
        let write = check(None, None, Some("not checked: OCI has no dry run"));
        let refused = check(Some(false), Some(404), Some("NotAuthorizedOrNotFound"));
        let unbound = check(Some(false), None, Some("TagMissing"));
        let passed = check(Some(true), Some(200), None);
        assert_eq!(preflight_code(&[passed.clone(), write.clone()]), 200, "unchecked writes never fail it");
        assert_eq!(preflight_code(&[unbound.clone(), refused.clone()]), 403);
        assert_eq!(preflight_code(&[passed.clone(), check(Some(false), Some(403), Some("NotAllowed"))]), 403);
        assert_eq!(preflight_code(&[passed.clone(), unbound]), 400);
        assert_eq!(preflight_code(&[passed, check(Some(false), Some(500), Some("InternalServerError"))]), 502);
    }
}
