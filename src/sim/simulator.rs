//! The simulator's core: [`Simulator`] (one tenancy, cheap to clone, every clone sharing the same
//! state), its [`SimOptions`], and what the wire needs of it: serving the main listener and each
//! identity domain's own, the endpoint, the simulated now, and the per-request bookkeeping (count,
//! fault, throttle token, journal) that `http::pipeline` calls. The methods tests and the demo use
//! to set a tenancy up and look into it are the fixture API, in `fixtures`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::http::{self, faults, throttle};
use super::{clock, state};
use faults::{FaultKind, JournalEntry};
use throttle::Throttle;

/// Timing knobs, and whether the tenancy has identity domains. Build with
/// `SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }`.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// How long a secret stays `UPDATING` after an update, in milliseconds (default 50).
    pub updating_ms: u64,
    /// How long a key uploaded with UploadApiKey stays `CREATING` (not usable to sign), in
    /// milliseconds (default 0). Keys added by [`Simulator::upload_api_key`] are ACTIVE at once.
    pub key_propagation_ms: u64,
    /// True (default): the tenancy has identity domains (a Default one holding the classic users;
    /// ListDomains lists them and their URLs answer). False: a legacy tenancy, whose ListDomains
    /// answers `[]` and which serves no domain URL.
    pub identity_domains: bool,
    /// Per-tenancy throttles, one token bucket per API family (see `http::throttle`); `None` (default):
    /// nothing is throttled.
    pub throttle: Option<Throttle>,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions { updating_ms: 50, key_propagation_ms: 0, identity_domains: true, throttle: None }
    }
}

/// The shared state behind every clone of a [`Simulator`]; its fields are open to the rest of
/// `sim` (the fixture API and the rotation loop read them).
pub(super) struct Inner {
    pub(super) opts: SimOptions,
    pub(super) state: Mutex<state::State>,
    pub(super) faults: Mutex<faults::FaultQueue>,
    pub(super) journal: Mutex<faults::Journal>,
    pub(super) requests: AtomicU64,
    /// The throttles' token buckets.
    pub(super) buckets: Mutex<throttle::Buckets>,
    /// Simulated time (secrets' times, rotation schedules).
    pub(super) clock: Mutex<clock::SimClock>,
    /// Function OCID -> the URL its `POST /call` answers at.
    pub(super) functions: Mutex<HashMap<String, String>>,
    /// Whether the scheduled-rotation task runs.
    pub(super) scheduler_started: AtomicBool,
    /// Where the simulator is served (`http://127.0.0.1:PORT`), once known.
    pub(super) endpoint: Mutex<Option<String>>,
    /// The runtime serving the domains' own listeners, once [`Simulator::serve_domains`] ran (a
    /// domain created later gets its listener at once). Also serializes their binding.
    pub(super) domain_runtime: Mutex<Option<tokio::runtime::Handle>>,
}

/// The simulator: one tenancy with one vault. Cheap to clone (clones share the state).
#[derive(Clone)]
pub struct Simulator {
    pub(super) inner: Arc<Inner>,
}

impl std::fmt::Debug for Simulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulator").field("opts", &self.inner.opts).finish_non_exhaustive()
    }
}

/// Locks, ignoring poisoning (a panicking test must not wedge the others).
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Simulator {
    /// A simulator with an empty tenancy.
    pub fn new(opts: SimOptions) -> Simulator {
        Simulator {
            inner: Arc::new(Inner {
                state: Mutex::new(state::State::new(opts.identity_domains)),
                opts,
                faults: Mutex::new(faults::FaultQueue::default()),
                journal: Mutex::new(faults::Journal::default()),
                requests: AtomicU64::new(0),
                buckets: Mutex::new(throttle::Buckets::default()),
                clock: Mutex::new(clock::SimClock::new()),
                functions: Mutex::new(HashMap::new()),
                scheduler_started: AtomicBool::new(false),
                endpoint: Mutex::new(None),
                domain_runtime: Mutex::new(None),
            }),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, state::State> {
        lock(&self.inner.state)
    }

    pub(crate) fn options(&self) -> &SimOptions {
        &self.inner.opts
    }

    /// The router serving every API (and `/_sim/`).
    pub fn router(&self) -> axum::Router {
        self.listener_router(None)
    }

    /// The router of one listener: the main one (`domain` None) or the identity domain `idcs-<domain>`'s own.
    fn listener_router(&self, domain: Option<String>) -> axum::Router {
        axum::Router::new()
            .fallback(http::pipeline::handle)
            .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
            .with_state(http::pipeline::Listener { sim: self.clone(), domain })
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

    /// Sets the URL clients reach the simulator at (no trailing slash). A domain not yet served on
    /// a port of its own has the fallback URL `<endpoint>/idcs-<hex>`.
    pub fn set_endpoint(&self, endpoint: &str) {
        *lock(&self.inner.endpoint) = Some(endpoint.trim_end_matches('/').to_owned());
    }

    /// The URL the simulator is served at, once known (set by `spawn`, `serve` or `set_endpoint`).
    pub fn endpoint(&self) -> Option<String> {
        lock(&self.inner.endpoint).clone()
    }

    /// The simulated now (see [`Simulator::advance_clock`]).
    pub fn now(&self) -> time::OffsetDateTime {
        lock(&self.inner.clock).now()
    }

    /// Counts an arriving request and takes the fault it triggers, if any.
    pub(crate) fn arrive(&self, method: &str, path_and_query: &str) -> Option<FaultKind> {
        self.inner.requests.fetch_add(1, Ordering::SeqCst);
        lock(&self.inner.faults).take(method, path_and_query)
    }

    /// Takes a token of the family `path` belongs to; `Err(wait)` when throttled.
    pub(crate) fn take_token(&self, path: &str) -> Result<(), Duration> {
        match (&self.inner.opts.throttle, throttle::ApiFamily::of_path(path)) {
            (Some(t), Some(family)) => lock(&self.inner.buckets).take(t, family),
            _ => Ok(()),
        }
    }

    pub(crate) fn record(&self, entry: JournalEntry) {
        lock(&self.inner.journal).record(entry);
    }
}
