//! The unsigned admin surface under `/_sim/`, for tests that run out of process:
//! `GET /_sim/journal`, `POST /_sim/faults` (`{"nth", "method", "pathContains", "kind": "500" |
//! "429" | "reset" | "lost" | "delay", "ms", "retryAfter"}`), `DELETE /_sim/faults` and
//! `GET /_sim/state` (secrets with versions and stages, users with credential ids and fingerprints;
//! never a secret value).

use axum::response::Response;
use serde_json::{json, Value};

use super::error::{err, invalid, SimError};
use super::faults::{Fault, FaultKind};
use super::response::{answer_response, error_response, json_response, Answer};
use super::Simulator;

fn parse_fault(body: &[u8]) -> Result<Fault, SimError> {
    let v: Value = serde_json::from_slice(body).map_err(|_| err(400, "CannotParseRequest", "The body is not JSON"))?;
    let kind = match v["kind"].as_str().unwrap_or_default() {
        "500" => FaultKind::Status500,
        "429" => FaultKind::Status429 { retry_after_secs: v["retryAfter"].as_u64().unwrap_or(1) },
        "reset" => FaultKind::ResetBeforeApply,
        "lost" => FaultKind::LostResponse,
        "delay" => FaultKind::Delay { ms: v["ms"].as_u64().unwrap_or(1000) },
        _ => return Err(invalid("kind must be 500, 429, reset, lost or delay")),
    };
    let text = |name: &str| v[name].as_str().map(str::to_owned);
    Ok(Fault { nth: v["nth"].as_u64().unwrap_or(1).max(1), method: text("method"), path_contains: text("pathContains"), kind })
}

/// Answers `/_sim/<path>`.
pub(crate) fn route(sim: &Simulator, method: &str, path: &str, body: &[u8]) -> Response {
    match (method, path) {
        ("GET", "journal") => json_response(200, &serde_json::to_value(sim.journal()).unwrap_or_default()),
        ("GET", "state") => json_response(200, &sim.state_view()),
        ("DELETE", "faults") => {
            sim.clear_faults();
            answer_response(&Answer::empty(204))
        }
        ("POST", "faults") => match parse_fault(body) {
            Ok(fault) => {
                sim.inject(fault);
                json_response(200, &json!({"injected": true}))
            }
            Err(e) => error_response(&e),
        },
        _ => error_response(&err(404, "NotFound", "Unknown simulator admin route")),
    }
}
