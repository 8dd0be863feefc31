//! The function served as a process: settings and principal from the environment, the warm-up
//! of the client, and the router on the Fn socket when `FN_LISTENER` is set, else on TCP (what
//! `oci-rotator serve` and the container's bare start run).

use std::net::SocketAddr;

use super::{fn_socket, router, AppState};
use crate::config;
use crate::oci::auth::ProcessEnv;

/// Serves until the listener fails: on the Fn socket when `FN_LISTENER` is set, else on `listen`
/// (None: the container's bare start, which needs `FN_LISTENER`).
pub async fn serve(listen: Option<SocketAddr>) -> Result<(), String> {
    let fn_path = fn_socket::listener_path(std::env::var("FN_LISTENER").ok().as_deref(), std::env::var("FN_FORMAT").ok().as_deref())
        .map_err(|e| e.to_string())?;
    let (rotator, settings) = config::rotator_from_env(&ProcessEnv).map_err(|e| e.to_string())?;
    // The platform sends the first request as soon as the socket appears: build the HTTP client
    // and parse the principal's key meanwhile, on a short-lived thread of their own (cold start).
    let client = rotator.client().clone();
    let _ = std::thread::Builder::new().name("warm-up".to_owned()).spawn(move || client.warm_up());
    let app = router(
        AppState::new(rotator, settings.default_timeout)
            .with_secrets_compartment(settings.secrets_compartment.clone())
            .with_unmanaged_reset(settings.reset_unmanaged_passwords),
    );
    match (fn_path, listen) {
        (Some(path), _) => {
            let listener = fn_socket::bind(&path).map_err(|e| e.to_string())?;
            tracing::info!(socket = %path.display(), "serving the Fn socket");
            axum::serve(listener, app).await.map_err(|e| e.to_string())
        }
        (None, Some(addr)) => {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            tracing::info!(%addr, "serving on TCP");
            axum::serve(listener, app).await.map_err(|e| e.to_string())
        }
        (None, None) => Err("FN_LISTENER is not set; to serve locally run `oci-rotator serve --listen 127.0.0.1:8080`".to_owned()),
    }
}
