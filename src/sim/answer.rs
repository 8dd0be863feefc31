//! What a simulated OCI operation answers when it succeeded ([`Answer`]: status, JSON body, `etag`,
//! `opc-next-page`, whether state changed). Plain data: `state` keeps answers for
//! `opc-retry-token` replays, and `http::response` turns them into HTTP responses.

use serde_json::Value;

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
