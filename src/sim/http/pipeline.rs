//! The request pipeline: every request to an OCI path is counted, may trigger an injected fault,
//! must carry a valid OCI signature, is routed to its operation, is journaled, and is answered with
//! OCI's JSON (or not at all, for a simulated dropped connection; errors at identity domain URLs
//! are SCIM-shaped). `/_sim/` goes to the unsigned admin surface instead.
//!
//! A request its API family's throttle refuses (`throttle`) is answered 429 with `retry-after`
//! before its signature is checked, and journaled with the fault name `throttle`.
//!
//! Each identity domain also has a listener of its own ([`Listener::domain`]), whose URL has no
//! path, as OCI's domain hosts have none: there `/admin/v1/...` is routed as that domain's
//! `/idcs-<hex>/admin/v1/...`, while the signature check, faults and the journal see the path and
//! query exactly as received.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;

use super::admin;
use super::auth::{self, header};
use super::faults::{FaultKind, JournalEntry};
use super::response::{answer_response, broken_response, throttled, ErrorShape};
use super::routes::{execute, Route};
use super::throttle::retry_after_secs;
use crate::sim::call::Call;
use crate::sim::Simulator;

/// Decodes `%XX` escapes (as in a fingerprint sent as `aa%3Abb%3A...`); malformed escapes stay as they are.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()))
            .flatten();
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            // Form encoding: `+` is a space (the SDKs send `filter=ocid+eq+...`).
            (percent_decode(&k.replace('+', " ")), percent_decode(&v.replace('+', " ")))
        })
        .collect()
}

/// What one TCP listener serves: the simulator's every API, or one identity domain's.
#[derive(Clone)]
pub(crate) struct Listener {
    pub sim: Simulator,
    /// The hex of the identity domain this listener serves on its own (`None`: the main endpoint).
    pub domain: Option<String>,
}

/// The one handler behind every path.
pub(crate) async fn handle(State(listener): State<Listener>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let sim = listener.sim;
    let raw_path = uri.path();
    if let Some(rest) = raw_path.strip_prefix("/_sim/") {
        return admin::route(&sim, method.as_str(), rest, &body);
    }
    // As received: what the signature covers, what faults match and what the journal records.
    let path_and_query = uri.path_and_query().map_or_else(|| raw_path.to_owned(), |pq| pq.as_str().to_owned());
    // As routed: at a domain's own listener, under that domain's `/idcs-<hex>`.
    let routed = match &listener.domain {
        Some(hex) => format!("/idcs-{hex}{raw_path}"),
        None => raw_path.to_owned(),
    };
    let path = routed.as_str();
    let segments: Vec<String> = path.trim_start_matches('/').split('/').map(percent_decode).collect();
    let route = Route::resolve(method.as_str(), &segments);
    let shape = ErrorShape::of_path(path);
    let fault = sim.arrive(method.as_str(), &path_and_query);
    let mut entry = JournalEntry {
        seq: 0,
        method: method.to_string(),
        path: path_and_query.clone(),
        status: 0,
        write: false,
        operation: route.operation().to_owned(),
        tags_only: route.operation() == "UpdateSecret"
            && serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|b| b.as_object().map(|o| o.len() == 1 && o.contains_key("freeformTags")))
                .unwrap_or(false),
        fault: fault.as_ref().map(|f| f.name().to_owned()),
    };
    // Faults that answer before anything is applied.
    let early = match &fault {
        Some(FaultKind::Status500) => {
            Some((500, shape.response(&crate::sim::error::err(500, "InternalServerError", "Internal server error (simulated)"))))
        }
        Some(FaultKind::Status429 { retry_after_secs }) => Some((429, throttled(shape, *retry_after_secs))),
        Some(FaultKind::ResetBeforeApply) => Some((0, broken_response())),
        Some(FaultKind::Delay { ms }) => {
            tokio::time::sleep(Duration::from_millis(*ms)).await;
            None
        }
        Some(FaultKind::LostResponse) | None => None,
    };
    if let Some((status, resp)) = early {
        entry.status = status;
        sim.record(entry);
        return resp;
    }
    // The tenancy's throttle for the API family: 429 before anything is applied.
    if let Err(wait) = sim.take_token(path) {
        entry.status = 429;
        entry.fault = Some("throttle".to_owned());
        sim.record(entry);
        return throttled(shape, retry_after_secs(wait));
    }
    let principal = auth::authenticate(&sim, method.as_str(), &path_and_query, &headers, &body)
        .and_then(|principal| principal.authorize(method.as_str(), &segments).map(|()| principal))
        .and_then(|principal| match principal.is_function() && sim.state().function_denied.contains(route.operation()) {
            // `simulate --deny-function-op`: a grant the function's dynamic group lacks.
            true => Err(crate::sim::error::not_found(&format!("{} is not granted to this principal", route.operation()))),
            false => Ok(principal),
        });
    let outcome = match principal {
        Err(e) => Err(e),
        Ok(principal) => {
            let call = Call {
                sim: &sim,
                method: method.as_str(),
                path,
                query: query_pairs(&uri),
                body: &body,
                retry_token: header(&headers, "opc-retry-token"),
                if_match: header(&headers, "if-match"),
                caller: principal.user().map(str::to_owned),
            };
            execute(&route, &call).await
        }
    };
    let (status, resp) = match &outcome {
        Ok(a) => {
            entry.write = a.changed;
            (a.status, answer_response(a))
        }
        Err(e) => (e.status, shape.response(e)),
    };
    if fault == Some(FaultKind::LostResponse) {
        // Applied, but the client never hears of it.
        sim.record(entry);
        return broken_response();
    }
    entry.status = status;
    sim.record(entry);
    resp
}
