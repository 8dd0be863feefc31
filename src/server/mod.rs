//! The HTTP face of the function: one axum [`Router`] (`POST /call`, `GET /health`), served on
//! whatever listener it is given: the Fn Unix socket ([`fn_socket`]) or TCP. It knows HTTP and
//! the Fn conventions, not OCI.
//!
//! Every answer to `/call` (and to any unknown route) is HTTP 200 with a `SecretRotationOutput`:
//! the Fn agent kills a container that answers anything but 200/502/504, so the framework's own
//! rejections and even panics become a responseCode (400, or 502 for a caught panic).

pub mod fn_socket;
pub mod serve;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::FutureExt;
use tokio::time::Instant;
use tracing::Instrument;

use crate::cloud_guard;
use crate::cloud_guard::unmanaged_reset::UnmanagedReset;
use crate::engine::Rotator;
use crate::protocol::{parse_input, SecretRotationOutput};

/// `Fn-Fdk-Version` sent on every response.
pub const FDK_VERSION: &str = concat!("oci-rotator/", env!("CARGO_PKG_VERSION"));
/// `Fn-Fdk-Runtime` sent on every response.
pub const FDK_RUNTIME: &str = concat!("rust/", env!("OCI_ROTATOR_RUSTC_VERSION"));
/// Bodies up to this size are read (and refused by the protocol above 64 KiB); Fn allows 6 MB.
const READ_LIMIT: usize = 8 * 1024 * 1024;
/// Time kept back from `Fn-Deadline` to write the answer.
const ANSWER_MARGIN: Duration = Duration::from_millis(250);

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    rotator: Rotator,
    default_timeout: Duration,
    log_frame: Option<Arc<(String, String)>>,
    secrets_compartment: Option<Arc<str>>,
    unmanaged_reset: UnmanagedReset,
}

impl AppState {
    /// State over `rotator`; `default_timeout` bounds a step when no `Fn-Deadline` is sent.
    pub fn new(rotator: Rotator, default_timeout: Duration) -> Self {
        let log_frame = match (std::env::var("FN_LOGFRAME_NAME"), std::env::var("FN_LOGFRAME_HDR")) {
            (Ok(name), Ok(header)) if !name.is_empty() && !header.is_empty() => Some(Arc::new((name, header))),
            _ => None,
        };
        AppState { rotator, default_timeout, log_frame, secrets_compartment: None, unmanaged_reset: UnmanagedReset::Off }
    }

    /// The compartment searched for the secret of a Cloud Guard finding.
    pub fn with_secrets_compartment(mut self, compartment: Option<String>) -> Self {
        self.secrets_compartment = compartment.map(Arc::from);
        self
    }

    /// Sets whether an unmanaged `PASSWORD_TOO_OLD` finding resets the console password
    /// (`OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS`, `config::Settings::reset_unmanaged_passwords`;
    /// Cloud Guard events only). Off unless set.
    pub fn with_unmanaged_reset(mut self, mode: UnmanagedReset) -> Self {
        self.unmanaged_reset = mode;
        self
    }
}

/// The function's router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/call", post(call).fallback(unknown_route))
        .route("/health", get(health).fallback(unknown_route))
        .fallback(unknown_route)
        .layer(DefaultBodyLimit::max(READ_LIMIT))
        .layer(axum::middleware::map_response(fdk_headers))
        .with_state(state)
}

async fn fdk_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert("fn-fdk-version", HeaderValue::from_static(FDK_VERSION));
    h.insert("fn-fdk-runtime", HeaderValue::from_static(FDK_RUNTIME));
    response
}

async fn health() -> impl IntoResponse {
    Json(serde_json::json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

async fn unknown_route(method: axum::http::Method, uri: axum::http::Uri) -> Response {
    tracing::warn!(%method, path = uri.path(), "request to an unknown route");
    answer(SecretRotationOutput::new(400, None, format!("{method} {} is not a route of this function; Vault calls POST /call", uri.path())))
}

fn answer(output: SecretRotationOutput) -> Response {
    (StatusCode::OK, Json(output)).into_response()
}

/// `POST /call`: one rotation step.
async fn call(State(state): State<AppState>, headers: HeaderMap, body: Result<Bytes, BytesRejection>) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(frame) = &state.log_frame {
        let line = format!("\n{}={}\n", frame.0, header(&frame.1).unwrap_or(""));
        print!("{line}");
        eprint!("{line}");
    }
    let call_id = header("fn-call-id").unwrap_or("-").to_owned();
    let deadline = deadline_from(header("fn-deadline"), state.default_timeout);
    let span = tracing::info_span!("call", fn_call_id = %call_id);
    let _entered = span.enter();
    let body = match body {
        Ok(b) => b,
        Err(rejection) => {
            tracing::warn!(status = rejection.status().as_u16(), "request body refused");
            return answer(SecretRotationOutput::new(
                400,
                None,
                format!("the request body could not be read ({}); the limit is 64 KiB", rejection.status()),
            ));
        }
    };
    let event = serde_json::from_slice::<serde_json::Value>(&body).ok().filter(cloud_guard::is_event);
    if let Some(event) = event {
        drop(_entered);
        let finding = match cloud_guard::parse_event(&event) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(problem = %e, "event refused; nothing was changed");
                return answer(SecretRotationOutput::new(400, None, e.0));
            }
        };
        let compartment = state.secrets_compartment.as_deref();
        let reset = state.unmanaged_reset;
        let run = cloud_guard::handle(state.rotator.client(), state.rotator.notifier(), compartment, reset, &finding, deadline)
            .instrument(span.clone());
        return match tokio::time::timeout_at(deadline.checked_sub(ANSWER_MARGIN).unwrap_or(deadline), run).await {
            Ok(output) => answer(output),
            Err(_) => answer(SecretRotationOutput::new(
                504,
                None,
                format!("{}: the event could not be handled before the deadline", finding.problem),
            )),
        };
    }
    let input = match parse_input(&body) {
        Ok(input) => input,
        Err(e) => {
            tracing::warn!(problem = %e, "bad input; nothing was changed");
            return answer(SecretRotationOutput::new(400, None, e.0));
        }
    };
    drop(_entered);
    let answer_by = deadline.checked_sub(ANSWER_MARGIN).unwrap_or(deadline);
    // The step's logs carry the Fn call id: the rotation span is a child of the call span.
    let run = AssertUnwindSafe(state.rotator.run(&input, answer_by).instrument(span.clone())).catch_unwind();
    match tokio::time::timeout_at(answer_by, run).await {
        Ok(Ok(output)) => answer(output),
        Ok(Err(_panic)) => {
            tracing::error!(secret_id = %input.secret_id, step = %input.step, "the step panicked");
            answer(SecretRotationOutput::new(502, None, format!("{}: internal error in the function; the step may be retried", input.step)))
        }
        Err(_elapsed) => {
            tracing::warn!(secret_id = %input.secret_id, step = %input.step, "the step did not finish before the deadline");
            answer(SecretRotationOutput::new(
                504,
                None,
                format!("{}: the step could not finish before the invocation's deadline; retry it", input.step),
            ))
        }
    }
}

/// The step's deadline: `Fn-Deadline` (RFC 3339) if present and valid, else now + `default`.
pub fn deadline_from(header: Option<&str>, default: Duration) -> Instant {
    let now = Instant::now();
    let parsed = header.and_then(|h| time::OffsetDateTime::parse(h.trim(), &time::format_description::well_known::Rfc3339).ok());
    match parsed {
        Some(at) => {
            let left = at - time::OffsetDateTime::now_utc();
            now + Duration::try_from(left).unwrap_or(Duration::ZERO)
        }
        None => now + default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fn_deadline_accepts_z_and_offsets_and_falls_back() {
        let in_10s = time::OffsetDateTime::now_utc() + time::Duration::seconds(10);
        let z = in_10s.format(&time::format_description::well_known::Rfc3339).unwrap();
        let left = deadline_from(Some(&z), Duration::from_secs(99)) - Instant::now();
        assert!(left > Duration::from_secs(8) && left <= Duration::from_secs(10), "{left:?}");
        let offset = in_10s.to_offset(time::macros::offset!(+02:00)).format(&time::format_description::well_known::Rfc3339).unwrap();
        let left = deadline_from(Some(&offset), Duration::from_secs(99)) - Instant::now();
        assert!(left > Duration::from_secs(8) && left <= Duration::from_secs(10), "{left:?}");
        let left = deadline_from(Some("garbage"), Duration::from_secs(30)) - Instant::now();
        assert!(left > Duration::from_secs(29));
        let past = deadline_from(Some("2020-01-01T00:00:00Z"), Duration::from_secs(30));
        assert!(past <= Instant::now());
    }
}
