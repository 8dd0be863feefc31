//! Test harness: the real function (router + engine + OCI client) on a random port, beside one
//! wiremock `MockServer` standing in for Vault, Secrets and Identity.
//!
//! - Every mock is mounted with [`Signed`], a matcher that verifies the request's OCI signature
//!   (with the function's resource-principal session key, or with an API key IAM holds for the
//!   user); an unsigned or mis-signed request matches nothing, and the catch-all mounted by
//!   `spawn_app` (`.expect(0)`) fails the test.
//! - A failed step records its outcome on the secret (contract 6, point 8): an UpdateSecret whose
//!   body carries `freeformTags` alone ([`TagsOnly`]). `spawn_app` accepts that write wherever a
//!   test does not mount its own (priority 1 beats it), so tests of other things need not mount
//!   it; [`is_tag_write`] tells it from the step's own writes.
//! - [`FakeIam`] keeps the user's API keys so that "signed with the key itself" answers 200 only
//!   once the key was uploaded, as IAM does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD};
use base64::Engine as _;
use oci_rotator::keys;
use oci_rotator::oci::signer::{parse_authorization, verify};
use oci_rotator::protocol::{SecretRotationOutput, Step};
use oci_rotator::server::{self, AppState};
use rsa::PublicKey;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Match, Mock, MockServer, Request, Respond, ResponseTemplate};

pub const SECRET_ID: &str = "ocid1.vaultsecret.oc1.iad.amaaaaaatestsecret";
pub const USER_ID: &str = "ocid1.user.oc1..aaaaaaaatestuser";
pub const TENANCY: &str = "ocid1.tenancy.oc1..aaaaaaaatesttenancy";
pub const VECTORS: &str = include_str!("../../data/oci-request-signing.json");

/// The function's private key (the vectors' throwaway test key) and its public half.
pub fn principal_keys() -> (String, PublicKey) {
    let doc: Value = serde_json::from_str(VECTORS).unwrap();
    let public = keys::parse_public_pem(doc["public_key_pem"].as_str().unwrap()).unwrap();
    (doc["private_key_pem"].as_str().unwrap().to_owned(), public)
}

/// A resource-principal session token naming the test tenancy.
pub fn rpst() -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let claims = URL_SAFE_NO_PAD.encode(json!({"res_tenant": TENANCY, "exp": 4102444800u64, "sub": "ocid1.fnfunc.oc1..test"}).to_string());
    format!("{header}.{claims}.c2lnbmF0dXJl")
}

/// IAM's view of the user's API keys: fingerprint -> public key.
#[derive(Clone, Default)]
pub struct FakeIam {
    pub api_keys: Arc<Mutex<HashMap<String, PublicKey>>>,
}

impl FakeIam {
    pub fn add_key(&self, public_pem: &str) -> String {
        let key = keys::parse_public_pem(public_pem).unwrap();
        let fp = keys::fingerprint(&key).unwrap();
        self.api_keys.lock().unwrap().insert(fp.clone(), key);
        fp
    }

    pub fn fingerprints(&self) -> Vec<String> {
        let mut v: Vec<String> = self.api_keys.lock().unwrap().keys().cloned().collect();
        v.sort();
        v
    }
}

/// Matches requests whose OCI signature verifies. `by_user_key`: signed with one of the user's
/// API keys registered in [`FakeIam`] (keyId `<tenancy>/<user>/<fingerprint>`); otherwise signed by
/// the function's resource principal (`ST$<token>`).
pub struct Signed {
    principal: PublicKey,
    iam: FakeIam,
    by_user_key: Option<bool>,
}

impl Match for Signed {
    fn matches(&self, req: &Request) -> bool {
        let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let Some(auth) = header("authorization").and_then(|a| parse_authorization(&a).ok()) else {
            return false;
        };
        let key = if auth.key_id.starts_with("ST$") {
            if self.by_user_key == Some(true) {
                return false;
            }
            Some(self.principal.clone())
        } else {
            if self.by_user_key == Some(false) {
                return false;
            }
            let fp = auth.key_id.rsplit('/').next().unwrap_or_default();
            self.iam.api_keys.lock().unwrap().get(fp).cloned()
        };
        let Some(key) = key else { return false };
        let path_and_query = match req.url.query() {
            Some(q) => format!("{}?{q}", req.url.path()),
            None => req.url.path().to_owned(),
        };
        verify(req.method.as_str(), &path_and_query, &header, &req.body, &auth, &key).is_ok()
    }
}

/// Matches requests whose keyId is an API key of the user that IAM does NOT hold (IAM answers 401).
pub struct SignedByUnknownUserKey {
    iam: FakeIam,
}

impl Match for SignedByUnknownUserKey {
    fn matches(&self, req: &Request) -> bool {
        let Some(auth) = req.headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|a| parse_authorization(a).ok()) else {
            return false;
        };
        !auth.key_id.starts_with("ST$")
            && !self.iam.api_keys.lock().unwrap().contains_key(auth.key_id.rsplit('/').next().unwrap_or_default())
    }
}

/// UploadApiKey: registers the key in [`FakeIam`] and answers the ApiKey.
pub struct UploadKey(pub FakeIam);

impl Respond for UploadKey {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&req.body).unwrap();
        let fp = self.0.add_key(body["key"].as_str().unwrap());
        ResponseTemplate::new(200).set_body_json(api_key_json(&fp))
    }
}

/// DeleteApiKey: removes the key named in the path.
pub struct DeleteKey(pub FakeIam);

impl Respond for DeleteKey {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let fp = req.url.path().rsplit('/').next().unwrap().replace("%3A", ":");
        match self.0.api_keys.lock().unwrap().remove(&fp) {
            Some(_) => ResponseTemplate::new(204),
            None => ResponseTemplate::new(404).set_body_json(json!({"code": "NotAuthorizedOrNotFound", "message": "no such key"})),
        }
    }
}

/// ListApiKeys from [`FakeIam`].
pub struct ListKeys(pub FakeIam);

impl Respond for ListKeys {
    fn respond(&self, _req: &Request) -> ResponseTemplate {
        let keys: Vec<Value> = self.0.fingerprints().iter().map(|fp| api_key_json(fp)).collect();
        ResponseTemplate::new(200).set_body_json(keys)
    }
}

pub fn api_key_json(fp: &str) -> Value {
    json!({"keyId": format!("{TENANCY}/{USER_ID}/{fp}"), "fingerprint": fp, "userId": USER_ID, "lifecycleState": "ACTIVE", "timeCreated": "2026-11-23T00:00:00Z"})
}

/// A generated API-key credential, as a secret version would hold it.
pub struct TestKey {
    pub fingerprint: String,
    pub private_pem: String,
    pub public_pem: String,
}

impl TestKey {
    pub fn generate() -> Self {
        let k = keys::generate(2048).unwrap();
        TestKey { fingerprint: k.fingerprint.clone(), private_pem: k.private_pem.as_str().to_owned(), public_pem: k.public_pem.clone() }
    }

    pub fn content(&self) -> Value {
        json!({"fingerprint": self.fingerprint, "privateKey": self.private_pem, "publicKey": self.public_pem, "tenancyId": TENANCY, "region": "us-ashburn-1"})
    }
}

pub fn secret_json(current: u64, metadata: Value) -> Value {
    json!({
        "id": SECRET_ID, "compartmentId": TENANCY, "vaultId": "ocid1.vault.oc1.iad.test", "secretName": "api-key",
        "lifecycleState": "ACTIVE", "currentVersionNumber": current, "metadata": metadata,
        "isAutoGenerationEnabled": false, "timeCreated": "2026-11-23T00:00:00Z"
    })
}

pub fn bundle_json(version: u64, stages: &[&str], content: &Value) -> Value {
    json!({
        "secretId": SECRET_ID, "versionNumber": version, "stages": stages, "timeCreated": "2026-11-23T00:00:00Z",
        "secretBundleContent": {"contentType": "BASE64", "content": B64.encode(content.to_string())}
    })
}

pub fn api_key_metadata() -> Value {
    json!({"credentialType": "API_KEY", "userId": USER_ID})
}

pub fn not_found() -> ResponseTemplate {
    ResponseTemplate::new(404)
        .insert_header("opc-request-id", "req-404")
        .set_body_json(json!({"code": "NotAuthorizedOrNotFound", "message": "Authorization failed or requested resource not found."}))
}

/// The running function and its OCI stand-in.
pub struct TestApp {
    pub address: String,
    pub oci: MockServer,
    pub iam: FakeIam,
    pub principal: PublicKey,
    pub http: reqwest::Client,
}

/// The OCI client alone (no function around it), signing as the function's resource principal and
/// sending every service to `oci`: for tests of one `oci::Client` method on the wire.
pub fn client_against(oci: &MockServer) -> oci_rotator::oci::Client {
    let (private_pem, _) = principal_keys();
    let env: HashMap<String, String> = principal_env(oci, private_pem).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let (rotator, _) = oci_rotator::config::rotator_from_env(&env).unwrap();
    rotator.client().clone()
}

/// The function's environment as OCI Functions sets it (a resource principal), every service
/// sent to `oci`, with fast retries.
fn principal_env(oci: &MockServer, private_pem: String) -> Vec<(&'static str, String)> {
    vec![
        ("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2".to_owned()),
        ("OCI_RESOURCE_PRINCIPAL_RPST", rpst()),
        ("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", private_pem),
        ("OCI_RESOURCE_PRINCIPAL_REGION", "us-ashburn-1".to_owned()),
        ("OCI_ROTATOR_VAULT_ENDPOINT", oci.uri()),
        ("OCI_ROTATOR_SECRETS_ENDPOINT", oci.uri()),
        ("OCI_ROTATOR_IDENTITY_ENDPOINT", oci.uri()),
        ("OCI_ROTATOR_RETRY_BASE_MS", "5".to_owned()),
    ]
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[]).await
}

/// Like [`spawn_app`], with extra environment settings (`OCI_ROTATOR_NOTIFY_TOPIC`...).
pub async fn spawn_app_with(extra: &[(&str, &str)]) -> TestApp {
    init_logs();
    let oci = MockServer::start().await;
    let (private_pem, principal) = principal_keys();
    let mut env = principal_env(&oci, private_pem);
    env.extend([
        ("OCI_ROTATOR_TIMEOUT_SECS", "20".to_owned()),
        ("OCI_ROTATOR_NOTIFICATION_ENDPOINT", oci.uri()),
        ("OCI_ROTATOR_CLOUD_GUARD_ENDPOINT", oci.uri()),
        ("OCI_ROTATOR_MONITORING_ENDPOINT", oci.uri()),
    ]);
    let env: HashMap<String, String> =
        env.into_iter().map(|(k, v)| (k.to_owned(), v)).chain(extra.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))).collect();
    let (rotator, settings) = oci_rotator::config::rotator_from_env(&env).unwrap();
    let app = server::router(
        AppState::new(rotator, settings.default_timeout)
            .with_secrets_compartment(settings.secrets_compartment.clone())
            .with_unmanaged_reset(settings.reset_unmanaged_passwords),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let test_app = TestApp { address, oci, iam: FakeIam::default(), principal, http: reqwest::Client::new() };
    // Anything unsigned or mis-signed, or any call no test expects, lands here and fails the test.
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(401).set_body_json(json!({"code": "NotAuthenticated", "message": "unexpected or unsigned request"})),
        )
        .with_priority(u8::MAX)
        .named("unexpected, unsigned or mis-signed OCI call")
        .expect(0)
        .mount(&test_app.oci)
        .await;
    test_app.mount_tag_writes().await;
    test_app
}

/// Matches an UpdateSecret body that carries the secret's freeform tags and nothing else: the
/// record of a step's outcome (`oci-rotator-last-outcome`), never a version or a promotion.
pub struct TagsOnly;

impl Match for TagsOnly {
    fn matches(&self, req: &Request) -> bool {
        is_tag_write(req)
    }
}

/// True when `req` is an UpdateSecret carrying `freeformTags` alone.
pub fn is_tag_write(req: &Request) -> bool {
    req.method.as_str() == "PUT"
        && serde_json::from_slice::<Value>(&req.body)
            .ok()
            .and_then(|b| b.as_object().map(|o| o.len() == 1 && o.get("freeformTags").is_some_and(Value::is_object)))
            .unwrap_or(false)
}

impl TestApp {
    /// Matcher: signed by the function's principal.
    pub fn signed(&self) -> Signed {
        Signed { principal: self.principal.clone(), iam: self.iam.clone(), by_user_key: Some(false) }
    }

    /// Matcher: signed with an API key of the user that IAM holds.
    pub fn signed_by_user_key(&self) -> Signed {
        Signed { principal: self.principal.clone(), iam: self.iam.clone(), by_user_key: Some(true) }
    }

    pub async fn post_call(&self, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.http.post(format!("{}/call", self.address)).header("content-type", "text/plain").body(body).send().await.unwrap()
    }

    pub async fn run_step(&self, step: Step, version_no: Option<u64>) -> SecretRotationOutput {
        let body = json!({"step": step.as_str(), "secretId": SECRET_ID, "versionNo": version_no});
        let resp = self.post_call(body.to_string()).await;
        assert_eq!(resp.status().as_u16(), 200);
        serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap()
    }

    /// GetSecret answers `secret` with an etag.
    pub async fn mount_get_secret(&self, secret: Value, times: u64) {
        Mock::given(method("GET"))
            .and(path(format!("/20180608/secrets/{SECRET_ID}")))
            .and(self.signed())
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("etag", "etag-1")
                    .insert_header("opc-request-id", "req-get-secret")
                    .set_body_json(secret),
            )
            .named("GetSecret")
            .expect(times)
            .mount(&self.oci)
            .await;
    }

    /// GetSecret answers 404 (the secret does not exist, or the function may not see it).
    pub async fn mount_secret_not_found(&self, times: u64) {
        Mock::given(method("GET"))
            .and(path(format!("/20180608/secrets/{SECRET_ID}")))
            .and(self.signed())
            .respond_with(not_found())
            .named("GetSecret (404)")
            .expect(times)
            .mount(&self.oci)
            .await;
    }

    /// GetSecretBundle by stage answers `bundle` (None: 404).
    pub async fn mount_bundle_by_stage(&self, stage: &str, bundle: Option<Value>, times: u64) {
        let response = match bundle {
            Some(b) => ResponseTemplate::new(200).set_body_json(b),
            None => not_found(),
        };
        Mock::given(method("GET"))
            .and(path(format!("/20190301/secretbundles/{SECRET_ID}")))
            .and(query_param("stage", stage))
            .and(self.signed())
            .respond_with(response)
            .named(format!("GetSecretBundle stage={stage}"))
            .expect(times)
            .mount(&self.oci)
            .await;
    }

    /// GetSecretBundle by version number.
    pub async fn mount_bundle_by_version(&self, version: u64, bundle: Value, times: std::ops::RangeInclusive<u64>) {
        Mock::given(method("GET"))
            .and(path(format!("/20190301/secretbundles/{SECRET_ID}")))
            .and(query_param("versionNumber", version.to_string()))
            .and(self.signed())
            .respond_with(ResponseTemplate::new(200).set_body_json(bundle))
            .named(format!("GetSecretBundle versionNumber={version}"))
            .expect(times)
            .mount(&self.oci)
            .await;
    }

    /// GetUser signed with a user key: 200 when IAM holds the key, 401 otherwise.
    pub async fn mount_get_user_by_user_key(&self, ok_times: std::ops::RangeInclusive<u64>, refused_times: std::ops::RangeInclusive<u64>) {
        Mock::given(method("GET"))
            .and(path(format!("/20160918/users/{USER_ID}")))
            .and(self.signed_by_user_key())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": USER_ID, "lifecycleState": "ACTIVE", "name": "svc"})))
            .named("GetUser signed with a live key")
            .expect(ok_times)
            .mount(&self.oci)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/20160918/users/{USER_ID}")))
            .and(SignedByUnknownUserKey { iam: self.iam.clone() })
            .respond_with(ResponseTemplate::new(401).set_body_json(
                json!({"code": "NotAuthenticated", "message": "The required information to complete authentication was not provided."}),
            ))
            .named("GetUser signed with a key IAM does not hold")
            .expect(refused_times)
            .mount(&self.oci)
            .await;
    }

    /// GetUser with the function's principal (the binding check of contract 4.1), answering the
    /// user with `freeform_tags`.
    pub async fn mount_get_user_tagged(&self, freeform_tags: Value, times: u64) {
        Mock::given(method("GET"))
            .and(path(format!("/20160918/users/{USER_ID}")))
            .and(self.signed())
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"id": USER_ID, "lifecycleState": "ACTIVE", "name": "svc", "freeformTags": freeform_tags, "definedTags": {}}),
            ))
            .named("GetUser (binding check)")
            .expect(times)
            .mount(&self.oci)
            .await;
    }

    /// GetUser with the function's principal, answering a user that names [`SECRET_ID`] for `kind`
    /// (`API_KEY`...): the binding check before an IAM write.
    pub async fn mount_user_bound(&self, kind: &str, times: u64) {
        let key = format!("oci-rotator-{}", kind.to_ascii_lowercase().replace('_', "-"));
        self.mount_get_user_tagged(json!({ key: SECRET_ID, "team": "payments" }), times).await;
    }

    /// CREATE_PENDING_VERSION's two Vault calls after IAM: UpdateSecret accepts the new version
    /// (once), and ListSecretVersions lists it as PENDING with number `version` (once).
    pub async fn mount_pending_version_written(&self, version: u64) {
        Mock::given(method("PUT"))
            .and(path(format!("/20180608/secrets/{SECRET_ID}")))
            .and(self.signed())
            .respond_with(ResponseTemplate::new(200).set_body_json(secret_json(1, json!({}))))
            .named("UpdateSecret (new PENDING version)")
            .expect(1)
            .mount(&self.oci)
            .await;
        self.mount_pending_version_listed(version).await;
    }

    /// ListSecretVersions lists version `version` as PENDING and LATEST (once).
    pub async fn mount_pending_version_listed(&self, version: u64) {
        Mock::given(method("GET"))
            .and(path(format!("/20180608/secrets/{SECRET_ID}/versions")))
            .and(self.signed())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"versionNumber": version, "stages": ["PENDING", "LATEST"]}])))
            .named("ListSecretVersions")
            .expect(1)
            .mount(&self.oci)
            .await;
    }

    /// A GET of `path` answers OCI's 404 NotAuthorizedOrNotFound (`times` times): the function may
    /// not read it, or it is not there.
    pub async fn mount_refused(&self, path_: &str, times: u64) {
        Mock::given(method("GET"))
            .and(path(path_))
            .and(self.signed())
            .respond_with(not_found())
            .named(format!("GET {path_} (404)"))
            .expect(times)
            .mount(&self.oci)
            .await;
    }

    /// ListDomains of the tenancy answers `domains` (`[]`: a tenancy without identity domains).
    pub async fn mount_list_domains(&self, domains: Value, times: u64) {
        Mock::given(method("GET"))
            .and(path("/20160918/domains"))
            .and(query_param("compartmentId", TENANCY))
            .and(self.signed())
            .respond_with(ResponseTemplate::new(200).set_body_json(domains))
            .named("ListDomains")
            .expect(times)
            .mount(&self.oci)
            .await;
    }

    /// Requests received, filtered by method and path suffix; the step's record on the secret (a
    /// tags-only UpdateSecret, see [`TestApp::tag_writes`]) is not among them.
    pub async fn requests(&self, http_method: &str, path_contains: &str) -> Vec<Request> {
        self.oci
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.method.as_str() == http_method && r.url.path().contains(path_contains) && !is_tag_write(r))
            .collect()
    }

    /// The tags-only UpdateSecrets received: the records of steps' outcomes.
    pub async fn tag_writes(&self) -> Vec<Request> {
        self.oci.received_requests().await.unwrap_or_default().into_iter().filter(is_tag_write).collect()
    }

    /// Accepts the record a failed step leaves on the secret (tags alone, signed) as Vault does,
    /// any number of times, below the priority (1) of a test's own mock of it. `spawn_app` mounts
    /// it; mount it again after `oci.reset()`.
    pub async fn mount_tag_writes(&self) {
        Mock::given(method("PUT"))
            .and(wiremock::matchers::path_regex(r"^/20180608/secrets/[^/]+$"))
            .and(TagsOnly)
            .and(self.signed())
            .respond_with(ResponseTemplate::new(200).insert_header("etag", "etag-tags").set_body_json(secret_json(1, json!({}))))
            .with_priority(2)
            .named("UpdateSecret (the step's record: freeformTags alone)")
            .mount(&self.oci)
            .await;
    }
}

/// Decodes the content of an UpdateSecret body that creates a version.
pub fn content_of_update(req: &Request) -> Value {
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    let b64 = body["secretContent"]["content"].as_str().unwrap();
    serde_json::from_slice(&B64.decode(b64).unwrap()).unwrap()
}

/// Everything the function logged during this test binary's run, at `trace`.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&LOGS.lock().unwrap()).into_owned()
}

static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        if std::env::var("TEST_LOG").is_ok() {
            std::io::stderr().write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs a `trace` subscriber (JSON, spans included) that captures every line, once.
pub fn init_logs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let trace = oci_rotator::telemetry::filter("trace").unwrap();
        oci_rotator::telemetry::init_with(true, trace, || Capture);
    });
}

/// IAM's view of one user's auth tokens or customer secret keys, with IAM's limit of 2.
#[derive(Clone)]
pub struct FakeCreds {
    /// `authTokens`, `customerSecretKeys`, `smtpCredentials`, `oauth2ClientCredentials` or
    /// `dbCredentials`.
    pub family: &'static str,
    /// (id, description / display name).
    pub items: Arc<Mutex<Vec<(String, String)>>>,
    /// The create bodies received (OAuth 2.0 scopes, database passwords).
    pub created_bodies: Arc<Mutex<Vec<Value>>>,
    counter: Arc<Mutex<u32>>,
}

/// The scopes every OAuth 2.0 client credential of the fake IAM lists.
pub fn listed_scopes() -> Value {
    serde_json::from_str(oci_rotator::sim::DEMO_OAUTH2_SCOPES).unwrap()
}

impl FakeCreds {
    pub fn new(family: &'static str) -> Self {
        FakeCreds { family, items: Arc::default(), created_bodies: Arc::default(), counter: Arc::default() }
    }

    pub fn add(&self, id: &str, label: &str) {
        self.items.lock().unwrap().push((id.to_owned(), label.to_owned()));
    }

    pub fn ids(&self) -> Vec<String> {
        let mut v: Vec<String> = self.items.lock().unwrap().iter().map(|(id, _)| id.clone()).collect();
        v.sort();
        v
    }

    fn label_field(&self) -> &'static str {
        if self.family == "customerSecretKeys" {
            "displayName"
        } else {
            "description"
        }
    }

    /// IAM's per-user limit of the family.
    pub fn limit(&self) -> usize {
        if self.family == "oauth2ClientCredentials" {
            10
        } else {
            2
        }
    }

    fn summary(&self, id: &str, label: &str) -> Value {
        let mut v = json!({"id": id, "userId": USER_ID, self.label_field(): label, "lifecycleState": "ACTIVE", "timeCreated": "2026-11-23T00:00:00Z"});
        match self.family {
            "smtpCredentials" => v["username"] = json!(format!("{id}@smtp.example")),
            "oauth2ClientCredentials" => {
                v["scopes"] = listed_scopes();
                v["name"] = json!("svc");
            }
            _ => {}
        }
        v
    }
}

/// List, create (IAM's limit, one-time secret in the response but for database passwords) and
/// delete, per [`FakeCreds`].
pub struct CredsResponder(pub FakeCreds);

impl Respond for CredsResponder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let creds = &self.0;
        match req.method.as_str() {
            "GET" => {
                let items: Vec<Value> = creds.items.lock().unwrap().iter().map(|(id, l)| creds.summary(id, l)).collect();
                ResponseTemplate::new(200).set_body_json(items)
            }
            "POST" => {
                if creds.items.lock().unwrap().len() >= creds.limit() {
                    return ResponseTemplate::new(400).set_body_json(json!({"code": "LimitExceeded", "message": "limit reached"}));
                }
                let body: Value = serde_json::from_slice(&req.body).unwrap();
                let label = body[creds.label_field()].as_str().unwrap().to_owned();
                creds.created_bodies.lock().unwrap().push(body);
                let n = {
                    let mut c = creds.counter.lock().unwrap();
                    *c += 1;
                    *c
                };
                let id = format!("ocid1.credential.oc1..new{n}");
                creds.add(&id, &label);
                let mut resp = creds.summary(&id, &label);
                let secret_field = match creds.family {
                    "authTokens" => Some("token"),
                    "customerSecretKeys" => Some("key"),
                    "dbCredentials" => None,
                    _ => Some("password"),
                };
                if let Some(field) = secret_field {
                    resp[field] = json!(format!("one-time-secret-{n}-Zx9"));
                }
                ResponseTemplate::new(200).set_body_json(resp)
            }
            _ => {
                let id = req.url.path().rsplit('/').next().unwrap().to_owned();
                let mut items = creds.items.lock().unwrap();
                let before = items.len();
                items.retain(|(i, _)| *i != id);
                if items.len() < before {
                    ResponseTemplate::new(204)
                } else {
                    not_found()
                }
            }
        }
    }
}

impl TestApp {
    /// Mounts list/create/delete for `creds` with call counts.
    pub async fn mount_creds(&self, creds: &FakeCreds, list: std::ops::RangeInclusive<u64>, create: u64, delete: u64) {
        let base = format!("/20160918/users/{USER_ID}/{}", creds.family);
        for (m, times, named) in [("GET", list, "list"), ("POST", create..=create, "create"), ("DELETE", delete..=delete, "delete")] {
            let mut mock = Mock::given(method(m)).and(self.signed());
            mock = if m == "DELETE" {
                mock.and(wiremock::matchers::path_regex(format!("^{base}/[^/]+$")))
            } else {
                mock.and(path(base.clone()))
            };
            if m == "POST" {
                mock = mock.and(wiremock::matchers::header_exists("opc-retry-token"));
            }
            mock.respond_with(CredsResponder(creds.clone()))
                .named(format!("{named} {}", creds.family))
                .expect(times)
                .mount(&self.oci)
                .await;
        }
    }
}
