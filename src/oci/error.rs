//! Errors of the OCI client: what went wrong, on which operation, and the `opc-request-id` an
//! administrator needs to open a service request. Carries what retry and logging need, and never
//! any request or response body.

use std::fmt;

/// An OCI call that did not succeed.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: {kind}{}", request_id_suffix(.opc_request_id))]
pub struct Error {
    /// The OCI operation, in the SDK's words (`GetSecret`, `UploadApiKey`...).
    pub operation: &'static str,
    /// What went wrong.
    pub kind: ErrorKind,
    /// The `opc-request-id` of the failing response, when OCI answered.
    pub opc_request_id: Option<String>,
}

fn request_id_suffix(id: &Option<String>) -> String {
    id.as_ref().map(|id| format!(" (opc-request-id {id})")).unwrap_or_default()
}

/// The kinds of OCI failure.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// OCI answered with an error status and (usually) a `{code, message}` body.
    Service {
        /// HTTP status.
        status: u16,
        /// OCI error code (`NotAuthorizedOrNotFound`, `IncorrectState`...).
        code: String,
        /// OCI's message (never contains request material).
        message: String,
    },
    /// The connection failed or the response was lost.
    Transport(String),
    /// The invocation's deadline left no time for this call.
    Deadline,
    /// OCI answered 2xx with a body that is not what the API documents.
    Decode(String),
    /// The principal could not sign (bad key file, missing token...).
    Auth(String),
    /// A dry run stopped before this write.
    DryRun,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Service { status, code, message } => write!(f, "OCI answered {status} {code}: {message}"),
            ErrorKind::Transport(why) => write!(f, "connection failed: {why}"),
            ErrorKind::Deadline => write!(f, "no time left before the invocation deadline"),
            ErrorKind::Decode(why) => write!(f, "unexpected response: {why}"),
            ErrorKind::Auth(why) => write!(f, "cannot sign the request: {why}"),
            ErrorKind::DryRun => write!(f, "dry run: stopped before this write"),
        }
    }
}

impl Error {
    /// The HTTP status OCI answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match &self.kind {
            ErrorKind::Service { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The OCI error code, if OCI answered with one.
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    /// True for 404 (OCI's `NotAuthorizedOrNotFound`: missing, or not visible to us).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// True when the call may be retried as it is: 429, 500, 502, 503, 504 and transport errors.
    pub fn is_retryable(&self) -> bool {
        match &self.kind {
            ErrorKind::Service { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            ErrorKind::Transport(_) => true,
            _ => false,
        }
    }

    /// True when a dry run stopped before this write.
    pub fn is_dry_run(&self) -> bool {
        matches!(self.kind, ErrorKind::DryRun)
    }

    /// True when the deadline stopped the call.
    pub fn is_deadline(&self) -> bool {
        matches!(self.kind, ErrorKind::Deadline)
    }

    pub(crate) fn new(operation: &'static str, kind: ErrorKind, opc_request_id: Option<String>) -> Self {
        Error { operation, kind, opc_request_id }
    }
}
