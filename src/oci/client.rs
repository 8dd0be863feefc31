//! The OCI HTTP client: builds a request for one operation, signs it, sends it, retries what may
//! be retried, and turns OCI's error body into an [`Error`].
//!
//! - Retries: 429, 500, 502, 503, 504 and connection errors, with capped exponential backoff and
//!   jitter, at most [`RetryPolicy::max_attempts`] tries and never past the invocation deadline. A
//!   429 waits the `retry-after` the service sent (plus a little jitter, so that callers throttled
//!   together do not come back together) and counts against its own budget,
//!   [`RetryPolicy::throttled_attempts`], not against `max_attempts`: being throttled is not a
//!   failure of the call.
//! - A 401 on a resource principal re-reads the session token and key once, as the SDKs do.
//! - One `opc-retry-token` per logical create (chosen by the caller), the same on every retry of it.
//! - The `reqwest` client (and its TLS roots) is built on the first request, not at start-up.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use rand::RngExt as _;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::Method;
use tokio::time::Instant;
use tracing::Instrument;
use zeroize::Zeroizing;

use super::auth::{Credentials, Principal};
use super::error::{Error, ErrorKind};
use super::signer;

/// Base URLs of the three services (scheme, host, optional port; no API version).
#[derive(Debug, Clone)]
pub struct Endpoints {
    /// Vault control plane, e.g. `https://vaults.us-ashburn-1.oci.oraclecloud.com`.
    pub vault: String,
    /// Secrets data plane, e.g. `https://secrets.vaults.us-ashburn-1.oci.oraclecloud.com`.
    pub secrets: String,
    /// Identity in the function's region.
    pub identity: String,
    /// Identity in the tenancy's home region, when known without asking OCI (an override, or
    /// `OCI_ROTATOR_HOME_REGION`); else found once with GetTenancy.
    pub identity_home: Option<String>,
    /// Notifications (ONS data plane), e.g. `https://notification.us-ashburn-1.oraclecloud.com`.
    pub notification: String,
    /// Replaces the URL of every identity domain (`OCI_ROTATOR_IDENTITY_DOMAIN_ENDPOINT`).
    pub identity_domain: Option<String>,
    /// Cloud Guard control plane (`20200131`), e.g.
    /// `https://cloudguard-cp-api.us-ashburn-1.oci.oraclecloud.com`: GetProblem, for the unmanaged
    /// console-password reset only.
    pub cloud_guard: String,
    /// Monitoring's ingestion endpoint (`20180401`, PostMetricData only), e.g.
    /// `https://telemetry-ingestion.us-ashburn-1.oraclecloud.com`.
    pub telemetry_ingestion: String,
    /// Monitoring's endpoint for every other operation (alarms, ListMetrics), e.g.
    /// `https://telemetry.us-ashburn-1.oraclecloud.com`.
    pub telemetry: String,
    /// Functions management (`20181201`), e.g. `https://functions.us-ashburn-1.oci.oraclecloud.com`:
    /// GetFunction, for `preflight` (an invocation goes to the function's own `invokeEndpoint`).
    pub functions: String,
}

/// How failed calls are retried.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Tries per call, the first included.
    pub max_attempts: u32,
    /// First backoff; doubles per retry.
    pub base: Duration,
    /// Largest backoff.
    pub cap: Duration,
    /// No call is started with less than this left before the deadline.
    pub deadline_margin: Duration,
    /// Longest wait for one response.
    pub call_timeout: Duration,
    /// Tries of a call answered 429 each time (the deadline still bounds them). The function keeps
    /// 8, the Python SDK's default attempts; `rotate --compartment-id` absorbs throttling
    /// (`u32::MAX`: only its Ctrl-C stops it).
    pub throttled_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base: Duration::from_millis(250),
            cap: Duration::from_secs(8),
            deadline_margin: Duration::from_millis(300),
            call_timeout: Duration::from_secs(30),
            throttled_attempts: 8,
        }
    }
}

/// The service a request goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// Vault control plane (`20180608`).
    Vault,
    /// Secrets data plane (`20190301`).
    Secrets,
    /// Identity in the function's region (`20160918`).
    Identity,
    /// Identity in the tenancy's home region (IAM writes, and reads that must agree with them).
    IdentityHome,
    /// Notifications (`20181201`).
    Notification,
    /// Cloud Guard (`20200131`).
    CloudGuard,
    /// Monitoring ingestion (`20180401`): PostMetricData.
    TelemetryIngestion,
    /// Monitoring (`20180401`): alarms, ListMetrics.
    Telemetry,
    /// Functions management (`20181201`).
    Functions,
}

/// One OCI operation, ready to sign and send.
pub(crate) struct Request {
    /// Operation name for logs and errors (`GetSecret`...).
    pub operation: &'static str,
    /// Target service.
    pub service: Service,
    /// HTTP method.
    pub method: Method,
    /// Path with API version, path parameters already encoded (see [`encode_segment`]).
    pub path: String,
    /// Query parameters (values are encoded here).
    pub query: Vec<(&'static str, String)>,
    /// JSON body (may hold secret material: wiped on drop).
    pub body: Option<Zeroizing<Vec<u8>>>,
    /// `if-match` etag.
    pub if_match: Option<String>,
    /// `opc-retry-token` for creating calls.
    pub retry_token: Option<String>,
    /// Sign with these credentials instead of the function's principal (API-key live check).
    pub sign_with: Option<Arc<Credentials>>,
    /// Retry on retryable failures (false for live checks, whose 401 is an answer).
    pub retry: bool,
    /// Send to this base URL instead of the service's (an identity domain's URL).
    pub base_url: Option<String>,
    /// The `accept` header (`application/json`; identity domains also take `application/scim+json`).
    pub accept: &'static str,
}

impl Request {
    /// A request with no body, query or headers, retried by default.
    pub(crate) fn new(operation: &'static str, service: Service, method: Method, path: String) -> Self {
        Request {
            operation,
            service,
            method,
            path,
            query: Vec::new(),
            body: None,
            if_match: None,
            retry_token: None,
            sign_with: None,
            retry: true,
            base_url: None,
            accept: "application/json",
        }
    }

    /// Adds a JSON body.
    pub(crate) fn json(mut self, body: &serde_json::Value) -> Self {
        self.body = Some(Zeroizing::new(body.to_string().into_bytes()));
        self
    }
}

/// A successful OCI response.
pub struct Response {
    /// HTTP status (2xx).
    pub status: u16,
    /// Body bytes (wiped on drop: bundles carry secret content).
    pub body: Zeroizing<Vec<u8>>,
    /// `etag` header.
    pub etag: Option<String>,
    /// `opc-request-id` header.
    pub opc_request_id: Option<String>,
    /// `opc-next-page` header.
    pub next_page: Option<String>,
}

impl Response {
    /// Deserialises the JSON body.
    pub fn json<T: serde::de::DeserializeOwned>(&self, operation: &'static str) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|e| {
            Error::new(operation, ErrorKind::Decode(format!("body does not parse: {}", e.classify_name())), self.opc_request_id.clone())
        })
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "not JSON",
            serde_json::error::Category::Data => "missing or mistyped field",
            serde_json::error::Category::Eof => "truncated JSON",
        }
    }
}

struct Inner {
    dry_run: Option<Mutex<Vec<String>>>,
    principal: Principal,
    endpoints: Endpoints,
    retry: RetryPolicy,
    http: OnceLock<reqwest::Client>,
    home_identity: tokio::sync::OnceCell<String>,
    /// What this process learned about identity domains (see `oci::identity_domains`).
    pub(super) domains: super::domain_cache::DomainCache,
}

/// The OCI client. Cheap to clone; [`Client::with_deadline`] gives a copy bound to one invocation.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
    deadline: Option<Instant>,
    /// Replaces [`RetryPolicy::throttled_attempts`] for this copy ([`Client::with_throttled_attempts`]).
    throttled_attempts: Option<u32>,
}

impl Client {
    /// A client for `principal` and `endpoints`.
    pub fn new(principal: Principal, endpoints: Endpoints, retry: RetryPolicy) -> Self {
        Self::build(principal, endpoints, retry, None)
    }

    /// A client that sends reads but no writes: a DELETE is recorded and answered as done, any
    /// other write is recorded and stops the step ([`ErrorKind::DryRun`]). See [`Client::planned_writes`].
    pub fn dry_run(principal: Principal, endpoints: Endpoints, retry: RetryPolicy) -> Self {
        Self::build(principal, endpoints, retry, Some(Mutex::new(Vec::new())))
    }

    fn build(principal: Principal, endpoints: Endpoints, retry: RetryPolicy, dry_run: Option<Mutex<Vec<String>>>) -> Self {
        let inner = Inner {
            dry_run,
            principal,
            endpoints,
            retry,
            http: OnceLock::new(),
            home_identity: tokio::sync::OnceCell::new(),
            domains: Default::default(),
        };
        Client { inner: Arc::new(inner), deadline: None, throttled_attempts: None }
    }

    /// True for a client made with [`Client::dry_run`].
    pub fn is_dry_run(&self) -> bool {
        self.inner.dry_run.is_some()
    }

    /// The writes a dry-run client would have made, in order (empty for a normal client).
    pub fn planned_writes(&self) -> Vec<String> {
        self.inner.dry_run.as_ref().and_then(|j| j.lock().ok().map(|j| j.clone())).unwrap_or_default()
    }

    /// A copy whose calls stop before `deadline`.
    pub fn with_deadline(&self, deadline: Instant) -> Self {
        Client { deadline: Some(deadline), ..self.clone() }
    }

    /// A copy that retries a 429 up to `attempts` times (`u32::MAX`: as long as its deadline
    /// allows), whatever the policy it was made with; for commands that must wait out a throttled
    /// tenancy (`status`), as `rotate --compartment-id`'s client does.
    pub fn with_throttled_attempts(&self, attempts: u32) -> Self {
        Client { throttled_attempts: Some(attempts), ..self.clone() }
    }

    /// The invocation deadline, if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// Time left before the deadline, minus the safety margin (None: no deadline).
    pub fn time_left(&self) -> Option<Duration> {
        self.deadline.map(|d| d.saturating_duration_since(Instant::now()).saturating_sub(self.inner.retry.deadline_margin))
    }

    /// The endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    pub(super) fn domain_cache(&self) -> &super::domain_cache::DomainCache {
        &self.inner.domains
    }

    /// The function's principal.
    pub fn principal(&self) -> &Principal {
        &self.inner.principal
    }

    /// The tenancy of the function's principal.
    pub fn tenancy(&self) -> Result<String, Error> {
        self.inner
            .principal
            .credentials()
            .map(|c| c.tenancy.clone())
            .map_err(|e| Error::new("LoadCredentials", ErrorKind::Auth(e.to_string()), None))
    }

    /// Sleeps for `wait`, or fails with a deadline error if that would pass the deadline.
    pub async fn sleep_within_deadline(&self, wait: Duration, operation: &'static str) -> Result<(), Error> {
        if let Some(left) = self.time_left() {
            if left <= wait {
                return Err(Error::new(operation, ErrorKind::Deadline, None));
            }
        }
        tokio::time::sleep(wait).await;
        Ok(())
    }

    /// Builds the HTTP client (TLS roots) and reads and parses the principal's key now, so that the
    /// first call does not wait for them. Meant for a thread of its own at start-up, while the Fn
    /// socket is bound and the first request arrives (a cold start overlaps the two); errors are
    /// left for the first call to meet and report.
    pub fn warm_up(&self) {
        let _ = self.http();
        let _ = self.inner.principal.credentials();
    }

    fn http(&self) -> Result<&reqwest::Client, Error> {
        if let Some(c) = self.inner.http.get() {
            return Ok(c);
        }
        let client = reqwest::Client::builder()
            .user_agent(concat!("oci-rotator/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(50))
            .build()
            .map_err(|e| Error::new("BuildHttpClient", ErrorKind::Transport(e.to_string()), None))?;
        Ok(self.inner.http.get_or_init(|| client))
    }

    async fn base_url(&self, service: Service) -> Result<String, Error> {
        let e = &self.inner.endpoints;
        Ok(match service {
            Service::Vault => e.vault.clone(),
            Service::Secrets => e.secrets.clone(),
            Service::Identity => e.identity.clone(),
            Service::Notification => e.notification.clone(),
            Service::CloudGuard => e.cloud_guard.clone(),
            Service::TelemetryIngestion => e.telemetry_ingestion.clone(),
            Service::Telemetry => e.telemetry.clone(),
            Service::Functions => e.functions.clone(),
            Service::IdentityHome => match &e.identity_home {
                Some(home) => home.clone(),
                None => self.inner.home_identity.get_or_try_init(|| self.find_home_identity()).await?.clone(),
            },
        })
    }

    /// GetTenancy, to find the home region that IAM writes must go to.
    async fn find_home_identity(&self) -> Result<String, Error> {
        let tenancy = self.tenancy()?;
        let req = Request::new("GetTenancy", Service::Identity, Method::GET, format!("/20160918/tenancies/{}", encode_segment(&tenancy)));
        let span = tracing::debug_span!("oci", operation = req.operation, opc_request_id = tracing::field::Empty);
        let resp = self.send_to(self.inner.endpoints.identity.clone(), req).instrument(span).await?;
        let body: serde_json::Value = resp.json("GetTenancy")?;
        let key = body["homeRegionKey"]
            .as_str()
            .ok_or_else(|| Error::new("GetTenancy", ErrorKind::Decode("no homeRegionKey".to_owned()), resp.opc_request_id.clone()))?;
        let region = super::region::region_name(key);
        let domain = super::region::realm_domain(&region, std::env::var("OCI_REGION_METADATA").ok().as_deref());
        tracing::debug!(home_region = %region, "found the tenancy's home region");
        Ok(format!("https://identity.{region}.oci.{domain}"))
    }

    /// Signs and sends `req`, retrying per the policy. Non-2xx answers become [`Error`]s.
    pub(crate) async fn send(&self, req: Request) -> Result<Response, Error> {
        let span = tracing::debug_span!("oci", operation = req.operation, opc_request_id = tracing::field::Empty);
        async {
            let base = match &req.base_url {
                Some(base) => base.clone(),
                None => self.base_url(req.service).await?,
            };
            self.send_to(base, req).await
        }
        .instrument(span)
        .await
    }

    async fn send_to(&self, base: String, req: Request) -> Result<Response, Error> {
        let op = req.operation;
        if let Some(journal) = &self.inner.dry_run {
            if req.method != Method::GET {
                if let Ok(mut j) = journal.lock() {
                    j.push(format!("{op} {} {}", req.method, req.path));
                }
                if req.method == Method::DELETE {
                    return Ok(Response {
                        status: 204,
                        body: Zeroizing::new(Vec::new()),
                        etag: None,
                        opc_request_id: None,
                        next_page: None,
                    });
                }
                return Err(Error::new(op, ErrorKind::DryRun, None));
            }
        }
        let mut url = format!("{}{}", base.trim_end_matches('/'), req.path);
        if !req.query.is_empty() {
            let q: Vec<String> = req.query.iter().map(|(k, v)| format!("{k}={}", encode_segment(v))).collect();
            url.push('?');
            url.push_str(&q.join("&"));
        }
        let url = reqwest::Url::parse(&url).map_err(|e| Error::new(op, ErrorKind::Transport(format!("bad URL: {e}")), None))?;
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_owned(),
            (None, _) => return Err(Error::new(op, ErrorKind::Transport("URL without host".to_owned()), None)),
        };
        let path_and_query = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        };
        let client_request_id = random_hex(32);
        let max_attempts = if req.retry { self.inner.retry.max_attempts.max(1) } else { 1 };
        let mut refreshed = false;
        let (mut attempt, mut throttled) = (0u32, 0u32);
        loop {
            attempt += 1;
            let timeout = match self.time_left() {
                Some(left) if left.is_zero() => return Err(Error::new(op, ErrorKind::Deadline, None)),
                Some(left) => left.min(self.inner.retry.call_timeout),
                None => self.inner.retry.call_timeout,
            };
            let creds = match &req.sign_with {
                Some(c) => c.clone(),
                None => self.inner.principal.credentials().map_err(|e| Error::new(op, ErrorKind::Auth(e.to_string()), None))?,
            };
            let body: &[u8] = req.body.as_deref().map(Vec::as_slice).unwrap_or(&[]);
            let date = httpdate::fmt_http_date(SystemTime::now());
            let parts = signer::RequestParts {
                method: req.method.as_str(),
                path_and_query: &path_and_query,
                host: &host,
                date: &date,
                body,
                content_type: "application/json",
            };
            let signed =
                signer::sign(&parts, &creds.key, &creds.key_id).map_err(|e| Error::new(op, ErrorKind::Auth(e.to_string()), None))?;
            let headers = build_headers(&req, &signed, &date, &client_request_id).map_err(|e| Error::new(op, ErrorKind::Auth(e), None))?;
            let mut builder = self.http()?.request(req.method.clone(), url.clone()).headers(headers).timeout(timeout);
            if signed.body.is_some() {
                builder = builder.body(body.to_vec());
            }
            let outcome = builder.send().await;
            let error = match outcome {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let (opc_request_id, etag, next_page, retry_after) = {
                        let headers = resp.headers();
                        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
                        (
                            header("opc-request-id"),
                            header("etag"),
                            header("opc-next-page"),
                            header("retry-after").and_then(|v| v.trim().parse::<u64>().ok()),
                        )
                    };
                    if let Some(id) = &opc_request_id {
                        tracing::Span::current().record("opc_request_id", id.as_str());
                    }
                    match resp.bytes().await {
                        Ok(bytes) if (200..300).contains(&status) => {
                            tracing::debug!(status, attempt, "OCI call succeeded");
                            return Ok(Response { status, body: Zeroizing::new(bytes.to_vec()), etag, opc_request_id, next_page });
                        }
                        Ok(bytes) => {
                            let (code, message) = parse_error_body(&bytes);
                            tracing::debug!(status, %code, attempt, "OCI call failed");
                            (Error::new(op, ErrorKind::Service { status, code, message }, opc_request_id), retry_after)
                        }
                        Err(e) => {
                            (Error::new(op, ErrorKind::Transport(format!("response lost: {}", short_reqwest(&e))), opc_request_id), None)
                        }
                    }
                }
                Err(e) => {
                    tracing::debug!(attempt, cause = %short_reqwest(&e), "OCI call did not complete");
                    (Error::new(op, ErrorKind::Transport(short_reqwest(&e)), None), None)
                }
            };
            let (error, retry_after) = error;
            if error.status() == Some(401) && req.sign_with.is_none() && !refreshed && self.inner.principal.invalidate() {
                refreshed = true;
                continue;
            }
            if error.status() == Some(429) && req.retry {
                // Throttled: its own budget; the try does not count against max_attempts.
                throttled = throttled.saturating_add(1);
                attempt -= 1;
                if throttled >= self.throttled_attempts.unwrap_or(self.inner.retry.throttled_attempts).max(1) {
                    return Err(error);
                }
            } else if !error.is_retryable() || attempt >= max_attempts {
                return Err(error);
            }
            let wait = match retry_after {
                Some(secs) => Duration::from_secs(secs).min(self.inner.retry.cap).saturating_add(jitter(&self.inner.retry)),
                None => backoff(&self.inner.retry, attempt.max(throttled).max(1)),
            };
            if self.time_left().is_some_and(|left| left <= wait) {
                // Retryable, but the deadline leaves no room to retry: the step ran out of time.
                tracing::debug!(cause = %error, "no time left to retry before the deadline");
                return Err(Error::new(op, ErrorKind::Deadline, error.opc_request_id));
            }
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, "retrying OCI call");
            tokio::time::sleep(wait).await;
        }
    }
}

fn build_headers(req: &Request, signed: &signer::SignedHeaders, date: &str, request_id: &str) -> Result<HeaderMap, String> {
    let mut h = HeaderMap::new();
    let value = |s: &str| HeaderValue::from_str(s).map_err(|_| "header value is not valid".to_owned());
    h.insert("date", value(date)?);
    h.insert("accept", HeaderValue::from_static(req.accept));
    h.insert("opc-request-id", value(request_id)?);
    let mut auth = value(&signed.authorization)?;
    auth.set_sensitive(true);
    h.insert("authorization", auth);
    if let Some(b) = &signed.body {
        h.insert("content-type", value(&b.content_type)?);
        h.insert("x-content-sha256", value(&b.x_content_sha256)?);
        h.insert("content-length", value(&b.content_length.to_string())?);
    }
    if let Some(etag) = &req.if_match {
        h.insert("if-match", value(etag)?);
    }
    if let Some(token) = &req.retry_token {
        h.insert("opc-retry-token", value(token)?);
    }
    Ok(h)
}

fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy.base.saturating_mul(1u32 << (attempt - 1).min(16));
    let jitter = Duration::from_millis(rand::rng().random_range(0..=policy.base.as_millis().max(1) as u64));
    exp.saturating_add(jitter).min(policy.cap)
}

/// Up to a quarter second (at most `base`) added to a `retry-after` wait.
fn jitter(policy: &RetryPolicy) -> Duration {
    let most = policy.base.min(Duration::from_millis(250)).as_millis().max(1) as u64;
    Duration::from_millis(rand::rng().random_range(0..=most))
}

fn parse_error_body(bytes: &[u8]) -> (String, String) {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        // Identity domains answer SCIM errors: `detail`, `status`, and Oracle's `messageId`.
        Ok(v) if v.get("code").is_none() && v.get("detail").is_some() => (
            v["urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error"]["messageId"].as_str().unwrap_or("ScimError").to_owned(),
            v["detail"].as_str().map(|m| m.chars().take(300).collect()).unwrap_or_default(),
        ),
        Ok(v) => (
            v["code"].as_str().unwrap_or("Unknown").to_owned(),
            v["message"].as_str().map(|m| m.chars().take(300).collect()).unwrap_or_default(),
        ),
        Err(_) => ("Unknown".to_owned(), String::new()),
    }
}

fn short_reqwest(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else if e.is_body() || e.is_decode() {
        "response body interrupted".to_owned()
    } else {
        "connection closed or reset".to_owned()
    }
}

/// Random lower-case hex, for `opc-request-id`.
fn random_hex(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)])).collect()
}

/// A fresh `opc-retry-token`: 30 random alphanumerics, as the SDKs make them.
pub fn new_retry_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..30).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect()
}

/// Percent-encodes a path segment or query value like the Python SDK (`urllib.parse.quote`):
/// unreserved characters stay, everything else (`:` included) becomes `%XX`.
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_fingerprints_like_the_python_sdk() {
        assert_eq!(encode_segment("0b:6f:3c"), "0b%3A6f%3A3c");
        assert_eq!(encode_segment("ocid1.user.oc1..aaa"), "ocid1.user.oc1..aaa");
        assert_eq!(new_retry_token().len(), 30);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy { base: Duration::from_millis(100), cap: Duration::from_millis(350), ..RetryPolicy::default() };
        assert!(backoff(&p, 1) >= Duration::from_millis(100));
        assert!(backoff(&p, 2) >= Duration::from_millis(200));
        assert_eq!(backoff(&p, 8), Duration::from_millis(350));
    }
}
