//! The unsigned admin surface under `/_sim/`, for tests that run out of process:
//! `GET /_sim/journal`, `POST /_sim/faults` (`{"nth", "method", "pathContains", "kind": "500" |
//! "429" | "reset" | "lost" | "delay", "ms", "retryAfter"}`), `DELETE /_sim/faults` and
//! `GET /_sim/state` (secrets with versions and stages, users with credential ids and fingerprints;
//! never a secret value), `GET /_sim/clock` (`{"now"}`, simulated), `POST /_sim/clock`
//! (`{"advanceSeconds": N}` moves the simulated clock forward, `{"speed": F}` makes it run F times
//! faster; answers `{"now"}`) and `POST /_sim/functions` (`{"functionId", "url"}`: where a function
//! answers, for the rotations the simulated Vault runs); and, for the fleet view, `POST /_sim/fleet`,
//! `/_sim/compartments`, `/_sim/backdate` and `/_sim/fail-rotation` (see `fixtures::fleet`).

use axum::response::Response;
use serde_json::{json, Value};

use super::faults::{Fault, FaultKind};
use super::response::{answer_response, error_response, json_response};
use crate::sim::answer::Answer;
use crate::sim::error::{err, invalid, SimError};
use crate::sim::Simulator;

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

fn parse_body(body: &[u8]) -> Result<Value, SimError> {
    serde_json::from_slice(body).map_err(|_| err(400, "CannotParseRequest", "The body is not JSON"))
}

/// `{"advanceSeconds": N, "speed": F}`, both optional.
fn set_clock(sim: &Simulator, body: &[u8]) -> Result<(), SimError> {
    let v = parse_body(body)?;
    let advance = match &v["advanceSeconds"] {
        Value::Null => None,
        n => {
            Some(n.as_f64().filter(|s| s.is_finite() && *s >= 0.0).ok_or_else(|| invalid("advanceSeconds must be a non-negative number"))?)
        }
    };
    let speed = match &v["speed"] {
        Value::Null => None,
        n => Some(n.as_f64().filter(|s| s.is_finite() && *s > 0.0).ok_or_else(|| invalid("speed must be a positive number"))?),
    };
    if let Some(s) = speed {
        sim.set_clock_speed(s);
    }
    if let Some(a) = advance {
        sim.advance_clock(std::time::Duration::try_from_secs_f64(a).map_err(|_| invalid("advanceSeconds is too large"))?);
    }
    Ok(())
}

/// `{"functionId", "url"}`.
fn register_function(sim: &Simulator, body: &[u8]) -> Result<(), SimError> {
    let v = parse_body(body)?;
    match (v["functionId"].as_str(), v["url"].as_str()) {
        (Some(f), Some(u)) if !f.is_empty() && u.starts_with("http") => {
            sim.register_function(f, u);
            Ok(())
        }
        _ => Err(invalid("functionId and url (http://...) are required")),
    }
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
        ("GET", "clock") => json_response(200, &json!({"now": crate::sim::clock::rfc3339(sim.now())})),
        ("POST", "clock") => match set_clock(sim, body) {
            Ok(()) => json_response(200, &json!({"now": crate::sim::clock::rfc3339(sim.now())})),
            Err(e) => error_response(&e),
        },
        ("POST", "functions") => match register_function(sim, body) {
            Ok(()) => json_response(200, &json!({"registered": true})),
            Err(e) => error_response(&e),
        },
        ("POST", other) => match crate::sim::fixtures::fleet::admin(sim, other, body) {
            Some(Ok(v)) => json_response(200, &v),
            Some(Err(e)) => error_response(&e),
            None => error_response(&err(404, "NotFound", "Unknown simulator admin route")),
        },
        _ => error_response(&err(404, "NotFound", "Unknown simulator admin route")),
    }
}
