//! What every operation handler receives: the call context ([`Call`]: query, body,
//! `opc-retry-token`, `if-match`, the signing user), and the `limit` / `page` paging the list
//! operations share. With `answer` (what a handler returns), below both the routing tables
//! (`http::routes`, `domains::routes`) and the handlers, so that the routes import the handlers
//! and the handlers import only these.

use serde_json::Value;

use super::answer::Answer;
use super::error::{err, invalid, SimError};
use super::Simulator;

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

/// `limit` (1 to 1000, default 100) and `page` (an offset this simulator issued).
pub(crate) fn paging(call: &Call<'_>) -> Result<(usize, usize), SimError> {
    let limit = match call.param("limit") {
        None => 100,
        Some(l) => l.parse::<usize>().ok().filter(|l| (1..=1000).contains(l)).ok_or_else(|| invalid("limit must be 1 to 1000"))?,
    };
    let start = match call.param("page") {
        None => 0,
        Some(p) => p.parse::<usize>().map_err(|_| invalid("page is not a page token this service issued"))?,
    };
    Ok((limit, start))
}

/// One page of `list`, with `opc-next-page` when more follow.
pub(crate) fn page_of(list: Vec<Value>, (limit, start): (usize, usize)) -> Answer {
    let next_page = (start + limit < list.len()).then(|| (start + limit).to_string());
    let page: Vec<Value> = list.into_iter().skip(start).take(limit).collect();
    Answer { next_page, ..Answer::read(Value::Array(page)) }
}
