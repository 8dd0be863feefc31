//! Errors of the adapters: what IAM or the secret's content refused. The responseCode for each
//! is decided in one place, `engine::error`.

use crate::oci;

/// Why an adapter could not do its part.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The version's content holds no usable credential of the secret's kind (400).
    #[error("{0}")]
    InvalidContent(String),
    /// IAM's per-user limit is held by credentials this secret does not manage (409).
    #[error("IAM's limit of {limit} {what} per user is held by credentials this secret does not manage (they are not this secret's to delete){}; nothing was changed", blockers_text(.blockers))]
    LimitHeld {
        /// The limit.
        limit: usize,
        /// The credential kind, plural.
        what: &'static str,
        /// The credentials holding it that the secret does not manage (id and label, no secret);
        /// empty when IAM refused the create on its own count.
        blockers: Vec<String>,
    },
    /// IAM refused to create a credential of a kind for which Oracle documents no per-user figure
    /// (OAuth 2.0 client credentials, database passwords): its own limit answer (409).
    #[error("IAM refused to create another {one}: the user's {many} are at IAM's limit, held by credentials this secret does not manage{}; the secret was not changed", blockers_text(.blockers))]
    LimitRefused {
        /// The credential kind.
        one: &'static str,
        /// The credential kind, plural.
        many: &'static str,
        /// The credentials the secret does not manage (id and label, no secret).
        blockers: Vec<String>,
    },
    /// A state IAM or Vault should not be in (409).
    #[error("{0}")]
    Conflict(String),
    /// The user does not exist or the function may not see it (404).
    #[error("user {0} does not exist or the function may not read it")]
    UserNotFound(String),
    /// The secret's identity domain does not exist or the function may not read it (404).
    #[error("identity domain {0} does not exist or the function may not read it")]
    DomainNotFound(String),
    /// IAM did not accept the new credential before the deadline (504).
    #[error("{0}")]
    NotLiveInTime(String),
    /// Key generation failed.
    #[error("key generation failed: {0}")]
    Key(#[from] crate::keys::KeyError),
    /// The user does not name the secret, or could not be read (contract 4.1).
    #[error(transparent)]
    Binding(#[from] crate::binding::BindingError),
    /// An OCI call failed.
    #[error(transparent)]
    Oci(#[from] oci::Error),
}

/// `: a, b` naming the credentials that hold a limit, or nothing.
fn blockers_text(blockers: &[String]) -> String {
    if blockers.is_empty() {
        String::new()
    } else {
        format!(": {}; delete one of them or move it to another user", blockers.join(", "))
    }
}
