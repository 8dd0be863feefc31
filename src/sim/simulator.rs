//! The simulator's core: [`Simulator`] (one tenancy, cheap to clone, every clone sharing the same
//! state), its [`SimOptions`], and what the operations and the wire need of it: the state, the
//! endpoint, the simulated now, and the per-request bookkeeping (count, fault, throttle token,
//! journal) that `http::pipeline` calls. Serving it is `http::serve`; the methods tests and the
//! demo use to set a tenancy up and look into it are the fixture API, in `fixtures`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use super::http::{faults, throttle};
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
