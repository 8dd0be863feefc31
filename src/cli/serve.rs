//! `oci-rotator serve` (and the bare `oci-rotator` the container starts): the function's router
//! on the Fn socket when `FN_LISTENER` is set, else on TCP.

use std::net::SocketAddr;

/// Options of `serve` (the command line's, parsed by clap).
#[derive(clap::Args)]
pub struct ServeArgs {
    /// TCP address to listen on when FN_LISTENER is not set.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
}

/// Serves until the listener fails ([`crate::server::serve::serve`]): on the Fn socket when
/// `FN_LISTENER` is set, else on `listen` (None: the container's bare start, which needs
/// `FN_LISTENER`).
pub async fn run(listen: Option<SocketAddr>) -> Result<(), String> {
    crate::server::serve::serve(listen).await
}
