//! What every operation handler receives and returns: the call context ([`Call`]: query, body,
//! `opc-retry-token`, `if-match`, the signing user) and the outcome of an operation that succeeded
//! ([`Answer`]). Below both the routing tables (`http::routes`, `domains::routes`) and the
//! handlers, so that the routes import the handlers and the handlers import only this.

use serde_json::Value;

use super::error::{err, SimError};
use super::Simulator;

/// The outcome of an operation that succeeded.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    /// JSON body; `None` for an empty body.
    pub body: Option<Value>,
    pub etag: Option<String>,
    pub next_page: Option<String>,
    /// True when the operation changed state (journal `write`).
    pub changed: bool,
}

impl Answer {
    /// 200 with a JSON body, nothing changed.
    pub(crate) fn read(body: Value) -> Self {
        Answer { status: 200, body: Some(body), etag: None, next_page: None, changed: false }
    }

    /// 200 with a JSON body, state changed.
    pub(crate) fn created(body: Value) -> Self {
        Answer { changed: true, ..Answer::read(body) }
    }

    /// An empty body with `status` (204 for deletes, 202 for accepted actions), state changed.
    pub(crate) fn empty(status: u16) -> Self {
        Answer { status, body: None, etag: None, next_page: None, changed: true }
    }

    pub(crate) fn with_etag(mut self, etag: &str) -> Self {
        self.etag = Some(etag.to_owned());
        self
    }
}

/// What a handler gets besides its path parameters.
pub(crate) struct Call<'a> {
    pub sim: &'a Simulator,
    /// Method and routed path (for messages and retry-token keys): the raw path, under
    /// `/idcs-<hex>` when it came to a domain's own listener.
    pub method: &'a str,
    pub path: &'a str,
    pub query: Vec<(String, String)>,
    pub body: &'a [u8],
    pub retry_token: Option<String>,
    pub if_match: Option<String>,
    /// The user who signed the request, if a user did (an administrator or a user's own key).
    pub caller: Option<String>,
}

impl Call<'_> {
    /// A query parameter, decoded.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when empty).
    pub(crate) fn json(&self) -> Result<Value, SimError> {
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(self.body).map_err(|_| err(400, "CannotParseRequest", "The request body is not valid JSON"))
    }
}
