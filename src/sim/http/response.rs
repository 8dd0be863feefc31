//! How what a simulated OCI operation answers ([`Answer`], in `sim::call`) becomes an HTTP response: JSON
//! with `opc-request-id` on every response, `etag` and `opc-next-page` where OCI sends them, error
//! bodies `{"code", "message"}` (SCIM's `{"schemas", "detail", "status"}` at identity domain
//! URLs, see [`ErrorShape`]), and the broken response used to simulate a dropped connection.

use axum::body::{Body, Bytes};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::sim::answer::Answer;
use crate::sim::error::SimError;
use crate::sim::ids;

fn set(resp: &mut Response, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        resp.headers_mut().insert(HeaderName::from_static(name), v);
    }
}

/// A response with a fresh `opc-request-id`.
fn base(status: u16, body: Body) -> Response {
    let mut resp = Response::new(body);
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    set(&mut resp, "opc-request-id", &ids::request_id());
    resp
}

/// A JSON response.
pub(crate) fn json_response(status: u16, body: &Value) -> Response {
    let mut resp = base(status, Body::from(body.to_string()));
    set(&mut resp, "content-type", "application/json");
    resp
}

/// The response of a successful operation.
pub(crate) fn answer_response(a: &Answer) -> Response {
    let mut resp = match &a.body {
        Some(body) => json_response(a.status, body),
        None => base(a.status, Body::empty()),
    };
    if let Some(etag) = &a.etag {
        set(&mut resp, "etag", etag);
    }
    if let Some(page) = &a.next_page {
        set(&mut resp, "opc-next-page", page);
    }
    resp
}

/// The response of a failed operation: `{"code", "message"}`.
pub(crate) fn error_response(e: &SimError) -> Response {
    json_response(e.status, &json!({"code": e.code, "message": e.message}))
}

/// How an API words its errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorShape {
    /// OCI's `{"code", "message"}`.
    Oci,
    /// SCIM's, at an identity domain's URL.
    Scim,
}

impl ErrorShape {
    /// The shape of errors answered at `path`.
    pub(crate) fn of_path(path: &str) -> ErrorShape {
        if path.starts_with("/idcs-") {
            ErrorShape::Scim
        } else {
            ErrorShape::Oci
        }
    }

    /// The response of a failed operation.
    pub(crate) fn response(self, e: &SimError) -> Response {
        match self {
            ErrorShape::Oci => error_response(e),
            ErrorShape::Scim => json_response(e.status, &crate::sim::domains::scim::error_body(e)),
        }
    }
}

/// 429 with `retry-after`.
pub(crate) fn throttled(shape: ErrorShape, retry_after_secs: u64) -> Response {
    let mut resp = shape.response(&crate::sim::error::err(429, "TooManyRequests", "Too many requests (simulated throttle)"));
    set(&mut resp, "retry-after", &retry_after_secs.to_string());
    resp
}

/// A response whose body fails at once while promising 512 bytes: hyper then closes the
/// connection before writing anything (not even the status line; see the `faults` tests), so the
/// client sees a dropped connection.
pub(crate) fn broken_response() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "simulated connection reset"))
    });
    let mut resp = base(500, Body::from_stream(stream));
    set(&mut resp, "content-type", "application/json");
    set(&mut resp, "content-length", "512");
    resp
}
