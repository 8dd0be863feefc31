//! Serving the simulator: the axum router behind every path (the main listener and each identity
//! domain's own, see [`Listener`]), `serve` and `spawn` on the main listener, and a loopback
//! listener per identity domain, bound when domains are served and whenever one is created later.

use super::pipeline::{handle, Listener};
use crate::sim::simulator::lock;
use crate::sim::Simulator;

impl Simulator {
    /// The router serving every API (and `/_sim/`).
    pub fn router(&self) -> axum::Router {
        self.listener_router(None)
    }

    /// The router of one listener: the main one (`domain` None) or the identity domain `idcs-<domain>`'s own.
    fn listener_router(&self, domain: Option<String>) -> axum::Router {
        axum::Router::new()
            .fallback(handle)
            .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
            .with_state(Listener { sim: self.clone(), domain })
    }

    /// Serves on `listener` until the process ends, and each identity domain on a loopback port of
    /// its own ([`Simulator::serve_domains`]). Unless an endpoint was set already
    /// ([`Simulator::set_endpoint`]), it becomes `http://<listener address>`.
    pub async fn serve(&self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        let addr = listener.local_addr()?;
        lock(&self.inner.endpoint).get_or_insert_with(|| format!("http://{addr}"));
        self.serve_domains()?;
        self.start_scheduler();
        axum::serve(listener, self.router()).await
    }

    /// Serves on a random loopback port in a background task, and each identity domain on a
    /// loopback port of its own; returns `http://127.0.0.1:PORT` (which becomes the simulator's
    /// endpoint). The domains' URLs are final when it returns.
    pub async fn spawn(&self) -> std::io::Result<String> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        self.set_endpoint(&endpoint);
        self.serve_domains()?;
        self.start_scheduler();
        let sim = self.clone();
        tokio::spawn(async move {
            if let Err(e) = sim.serve(listener).await {
                tracing::error!(error = %e, "the OCI simulator stopped serving");
            }
        });
        Ok(endpoint)
    }

    /// Serves each identity domain, now and whenever one is created later, on a loopback port of
    /// its own (`127.0.0.1:0`), in background tasks of the current tokio runtime; the domain's URL
    /// becomes `http://127.0.0.1:<port>`, with no path, as OCI's domain URLs have none. There
    /// `/admin/v1/...` is that domain's REST API. `serve` and `spawn` call it; call it yourself to
    /// fix the domains' URLs before serving the main listener. Idempotent. Fails outside a tokio
    /// runtime, or when a port cannot be bound.
    pub fn serve_domains(&self) -> std::io::Result<()> {
        let handle = tokio::runtime::Handle::try_current().map_err(std::io::Error::other)?;
        lock(&self.inner.domain_runtime).get_or_insert(handle);
        self.bind_domain_listeners()
    }

    /// Binds and serves a listener for each domain without one, once `serve_domains` ran.
    fn bind_domain_listeners(&self) -> std::io::Result<()> {
        let runtime = lock(&self.inner.domain_runtime);
        let Some(handle) = runtime.as_ref() else { return Ok(()) };
        let unserved = self.state().domains.unserved();
        for (id, hex) in unserved {
            let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            std_listener.set_nonblocking(true)?;
            let url = format!("http://{}", std_listener.local_addr()?);
            let router = self.listener_router(Some(hex));
            let _guard = handle.enter(); // `from_std` registers with the runtime's reactor
            let listener = tokio::net::TcpListener::from_std(std_listener)?;
            handle.spawn(async move {
                if let Err(e) = axum::serve(listener, router).await {
                    tracing::error!(error = %e, "an identity domain's listener stopped serving");
                }
            });
            self.state().domains.set_served_at(&id, url);
        }
        Ok(())
    }

    /// A domain was created: serve it at once if the domains are served already (a failure to bind
    /// is logged; the domain keeps its fallback URL `<endpoint>/idcs-<hex>`).
    pub(crate) fn domain_added(&self) {
        if let Err(e) = self.bind_domain_listeners() {
            tracing::error!(error = %e, "cannot serve an identity domain on a port of its own");
        }
    }
}
