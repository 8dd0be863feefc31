//! OCI-shaped failures of the simulator: an HTTP status, OCI's error `code` and a message, as the
//! real services put them in `{"code": "...", "message": "..."}`.

/// An OCI-shaped failure: status, code, message. Messages never carry secret values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimError {
    /// HTTP status.
    pub status: u16,
    /// OCI error code (`NotAuthorizedOrNotFound`, `LimitExceeded`...).
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for SimError {}

/// A failure with any status and code.
pub(crate) fn err(status: u16, code: &'static str, message: impl Into<String>) -> SimError {
    SimError { status, code, message: message.into() }
}

/// 404 `NotAuthorizedOrNotFound`, OCI's answer for a missing resource (or one the caller may not see).
pub(crate) fn not_found(what: &str) -> SimError {
    err(404, "NotAuthorizedOrNotFound", format!("Authorization failed or requested resource not found: {what}"))
}

/// 400 `InvalidParameter`.
pub(crate) fn invalid(message: impl Into<String>) -> SimError {
    err(400, "InvalidParameter", message)
}

/// 401 `NotAuthenticated`.
pub(crate) fn unauthenticated(why: &str) -> SimError {
    err(401, "NotAuthenticated", format!("The required information to complete authentication was not provided or was incorrect: {why}"))
}
