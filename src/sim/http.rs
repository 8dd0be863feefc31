//! The simulator's HTTP face: one handler that checks faults, verifies the request's OCI
//! signature, routes by the real OCI paths (Vault `20180608`, Secrets `20190301`, Identity
//! `20160918`, Notifications `20181201`) and answers with the real JSON shapes and error bodies.
//! Also the unsigned `/_sim/` admin surface for out-of-process tests.

use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Value};

use super::state::{err, generate_content, not_found, now_rfc3339, random_id, Remembered, SimError, State as Model};
use super::{Fault, FaultKind, Simulator};
use crate::oci::signer;

/// Who signed a request.
enum Principal {
    /// The function's resource principal or the administrator: may do anything.
    Trusted,
    /// A user signing with their own API key: may read only themselves.
    User(String),
}

/// What a routed call produced.
struct Answer {
    status: u16,
    body: Value,
    etag: Option<String>,
    next_page: Option<String>,
}

impl Answer {
    fn ok(body: Value) -> Self {
        Answer { status: 200, body, etag: None, next_page: None }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_map(uri: &Uri) -> Vec<(String, String)> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(p), String::new()),
        })
        .collect()
}

fn error_response(e: &SimError) -> (u16, Value) {
    (e.status, json!({"code": e.code, "message": e.message}))
}

/// A response whose body fails mid-way: the client sees the connection break.
fn broken_response() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "simulated reset"))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut().insert("content-length", axum::http::HeaderValue::from_static("512"));
    resp.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("application/json"));
    resp
}

fn json_response(status: u16, body: &Value, etag: Option<&str>, next_page: Option<&str>) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert("content-type", axum::http::HeaderValue::from_static("application/json"));
    if let Ok(v) = axum::http::HeaderValue::from_str(&random_id("").to_uppercase()) {
        h.insert("opc-request-id", v);
    }
    if let Some(Ok(v)) = etag.map(axum::http::HeaderValue::from_str) {
        h.insert("etag", v);
    }
    if let Some(Ok(v)) = next_page.map(axum::http::HeaderValue::from_str) {
        h.insert("opc-next-page", v);
    }
    resp
}

/// The one handler of every route.
pub(super) async fn handle(State(sim): State<Simulator>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path().to_owned();
    if let Some(admin) = path.strip_prefix("/_sim/") {
        return admin_route(&sim, &method, admin, &body);
    }
    let path_and_query = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    // Faults are matched on arrival, before anything else.
    let fault = sim.take_fault(method.as_str(), &path_and_query);
    match &fault {
        Some(FaultKind::Status500) => {
            let resp = json_response(500, &json!({"code": "InternalServerError", "message": "simulated failure"}), None, None);
            sim.record(&method, &path_and_query, 500, false, "fault 500");
            return resp;
        }
        Some(FaultKind::Status429 { retry_after_secs }) => {
            let mut resp = json_response(429, &json!({"code": "TooManyRequests", "message": "simulated throttle"}), None, None);
            if let Ok(v) = axum::http::HeaderValue::from_str(&retry_after_secs.to_string()) {
                resp.headers_mut().insert("retry-after", v);
            }
            sim.record(&method, &path_and_query, 429, false, "fault 429");
            return resp;
        }
        Some(FaultKind::ResetBeforeApply) => {
            sim.record(&method, &path_and_query, 0, false, "fault reset");
            return broken_response();
        }
        Some(FaultKind::Delay { ms }) => tokio::time::sleep(Duration::from_millis(*ms)).await,
        Some(FaultKind::LostResponse) | None => {}
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let (status, body_json, etag, next_page, write, operation) = match authenticate(&sim, &method, &path_and_query, &header, &body) {
        Err(e) => {
            let (s, b) = error_response(&e);
            (s, b, None, None, false, "Authenticate".to_owned())
        }
        Ok(principal) => {
            let (retry_token, if_match) = (header("opc-retry-token"), header("if-match"));
            let (operation, result) = route(&sim, &principal, &method, &path, &uri, &body, retry_token.as_deref(), if_match.as_deref());
            match result {
                Ok(a) => {
                    let write = method != Method::GET && a.status < 300;
                    (a.status, a.body, a.etag, a.next_page, write, operation)
                }
                Err(e) => {
                    let (s, b) = error_response(&e);
                    (s, b, None, None, false, operation)
                }
            }
        }
    };
    sim.record(&method, &path_and_query, status, write, &operation);
    if matches!(fault, Some(FaultKind::LostResponse)) {
        return broken_response();
    }
    if status == 204 {
        let mut resp = json_response(204, &Value::Null, None, None);
        *resp.body_mut() = Body::empty();
        return resp;
    }
    json_response(status, &body_json, etag.as_deref(), next_page.as_deref())
}

fn authenticate(
    sim: &Simulator,
    method: &Method,
    path_and_query: &str,
    header: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
) -> Result<Principal, SimError> {
    let unauthenticated = |why: &str| {
        err(
            401,
            "NotAuthenticated",
            format!("The required information to complete authentication was not provided or was incorrect: {why}"),
        )
    };
    let auth = header("authorization").ok_or_else(|| unauthenticated("no Authorization header"))?;
    let auth = signer::parse_authorization(&auth).map_err(|e| unauthenticated(&e.to_string()))?;
    let date = header("date").or_else(|| header("x-date")).ok_or_else(|| unauthenticated("no date header"))?;
    let when = httpdate::parse_http_date(&date).map_err(|_| unauthenticated("the date header is not an HTTP date"))?;
    let skew = match SystemTime::now().duration_since(when) {
        Ok(d) => d,
        Err(e) => e.duration(),
    };
    if skew > Duration::from_secs(300) {
        return Err(unauthenticated("the date is more than 5 minutes from the server's clock"));
    }
    let (key, principal) = {
        let st = sim.state();
        if let Some(token) = auth.key_id.strip_prefix("ST$") {
            let (key, exp) = st.sessions.get(token).cloned().ok_or_else(|| unauthenticated("unknown security token"))?;
            if exp < time::OffsetDateTime::now_utc().unix_timestamp() {
                return Err(unauthenticated("the security token expired"));
            }
            (key, Principal::Trusted)
        } else {
            let mut parts = auth.key_id.splitn(3, '/');
            let (tenancy, user, fp) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
            if tenancy != st.tenancy_id {
                return Err(unauthenticated("unknown tenancy"));
            }
            let key = st.user_key(user, fp, sim.key_propagation()).ok_or_else(|| unauthenticated("unknown or inactive API key"))?;
            let principal = if st.admins.contains(user) { Principal::Trusted } else { Principal::User(user.to_owned()) };
            (key, principal)
        }
    };
    signer::verify(method.as_str(), path_and_query, header, body, &auth, &key).map_err(|e| unauthenticated(&e.to_string()))?;
    Ok(principal)
}

#[allow(clippy::too_many_arguments)]
fn route(
    sim: &Simulator,
    principal: &Principal,
    method: &Method,
    path: &str,
    uri: &Uri,
    body: &[u8],
    retry_token: Option<&str>,
    if_match: Option<&str>,
) -> (String, Result<Answer, SimError>) {
    let segs: Vec<String> = path.trim_start_matches('/').split('/').map(percent_decode).collect();
    let s: Vec<&str> = segs.iter().map(String::as_str).collect();
    if let Principal::User(me) = principal {
        let allowed = method == Method::GET && s.len() == 3 && s[0] == "20160918" && s[1] == "users" && s[2] == me;
        if !allowed {
            return ("Authorize".to_owned(), Err(not_found("this principal may only read its own user")));
        }
    }
    let q = query_map(uri);
    let param = |name: &str| q.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let parsed: Result<Value, SimError> = if body.is_empty() {
        Ok(Value::Null)
    } else {
        serde_json::from_slice(body).map_err(|_| err(400, "CannotParseRequest", "the body is not JSON"))
    };
    let m = method.as_str();
    let (op, result): (&str, Result<Answer, SimError>) = match (m, s.as_slice()) {
        ("GET", ["20180608", "secrets"]) => ("ListSecrets", list_secrets(sim, param("compartmentId"))),
        ("GET", ["20180608", "secrets", id]) => ("GetSecret", get_secret(sim, id)),
        ("PUT", ["20180608", "secrets", id]) => ("UpdateSecret", parsed.and_then(|b| update_secret(sim, id, &b, if_match))),
        ("GET", ["20180608", "secrets", id, "versions"]) => {
            ("ListSecretVersions", list_versions(sim, id, param("sortOrder"), param("limit"), param("page")))
        }
        ("GET", ["20180608", "secrets", id, "version", n]) => ("GetSecretVersion", get_version(sim, id, n)),
        ("POST", ["20180608", "secrets", id, "actions", "rotate"]) => {
            ("RotateSecret", remembered(sim, path, retry_token, || rotate_secret(sim, id)))
        }
        ("GET", ["20190301", "secretbundles", id]) => ("GetSecretBundle", get_bundle(sim, id, param("stage"), param("versionNumber"))),
        ("GET", ["20160918", "tenancies", id]) => ("GetTenancy", get_tenancy(sim, id)),
        ("GET", ["20160918", "users", id]) => ("GetUser", with_user(sim, id, |st, u| Ok(Answer::ok(u.json(&st.tenancy_id))))),
        ("GET", ["20160918", "users", id, "apiKeys"]) => ("ListApiKeys", list_api_keys(sim, id)),
        ("POST", ["20160918", "users", id, "apiKeys"]) => {
            ("UploadApiKey", parsed.and_then(|b| remembered(sim, path, retry_token, || upload_api_key(sim, id, &b))))
        }
        ("DELETE", ["20160918", "users", id, "apiKeys", fp]) => ("DeleteApiKey", delete_api_key(sim, id, fp)),
        ("GET", ["20160918", "users", id, "authTokens"]) => ("ListAuthTokens", list_creds(sim, id, false)),
        ("POST", ["20160918", "users", id, "authTokens"]) => {
            ("CreateAuthToken", parsed.and_then(|b| remembered(sim, path, retry_token, || create_cred(sim, id, false, &b))))
        }
        ("DELETE", ["20160918", "users", id, "authTokens", c]) => ("DeleteAuthToken", delete_cred(sim, id, false, c)),
        ("GET", ["20160918", "users", id, "customerSecretKeys"]) => ("ListCustomerSecretKeys", list_creds(sim, id, true)),
        ("POST", ["20160918", "users", id, "customerSecretKeys"]) => {
            ("CreateCustomerSecretKey", parsed.and_then(|b| remembered(sim, path, retry_token, || create_cred(sim, id, true, &b))))
        }
        ("DELETE", ["20160918", "users", id, "customerSecretKeys", c]) => ("DeleteCustomerSecretKey", delete_cred(sim, id, true, c)),
        ("POST", ["20160918", "users", id, "uiPassword"]) => {
            ("CreateOrResetUIPassword", remembered(sim, path, retry_token, || reset_password(sim, id)))
        }
        ("GET", ["20160918", "users", id, "uiPassword"]) => ("GetUserUIPasswordInformation", ui_password_info(sim, id)),
        ("POST", ["20181201", "topics", topic, "messages"]) => ("PublishMessage", parsed.and_then(|b| publish(sim, topic, &b))),
        _ => ("Unknown", Err(err(404, "NotFound", format!("{m} {path} is not an API of this simulator")))),
    };
    (op.to_owned(), result)
}

fn remembered(
    sim: &Simulator,
    path: &str,
    token: Option<&str>,
    create: impl FnOnce() -> Result<(Answer, Option<(String, &'static str, String)>), SimError>,
) -> Result<Answer, SimError> {
    if let Some(token) = token {
        let key = (path.to_owned(), token.to_owned());
        let st = sim.state();
        if let Some(r) = st.retry_tokens.get(&key) {
            if let Some(res) = &r.resource {
                if !st.resource_exists(res) {
                    return Err(err(409, "InvalidatedRetryToken", "the resource created with this retry token no longer exists"));
                }
            }
            return Ok(Answer::ok(r.body.clone()).with_status(r.status));
        }
    }
    let (answer, resource) = create()?;
    if let Some(token) = token {
        sim.state()
            .retry_tokens
            .insert((path.to_owned(), token.to_owned()), Remembered { status: answer.status, body: answer.body.clone(), resource });
    }
    Ok(answer)
}

impl Answer {
    fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }
}

fn get_secret(sim: &Simulator, id: &str) -> Result<Answer, SimError> {
    let st = sim.state();
    let s = st.secrets.get(id).ok_or_else(|| not_found(&format!("secret {id}")))?;
    Ok(Answer { status: 200, body: s.json(&st.vault_id), etag: Some(s.etag.clone()), next_page: None })
}

fn list_secrets(sim: &Simulator, compartment: Option<String>) -> Result<Answer, SimError> {
    let st = sim.state();
    let compartment = compartment.ok_or_else(|| err(400, "MissingParameter", "compartmentId is required"))?;
    let list: Vec<Value> = st
        .secrets
        .values()
        .filter(|s| s.compartment == compartment)
        .map(|s| json!({"id": s.id, "secretName": s.name, "compartmentId": s.compartment, "vaultId": st.vault_id, "lifecycleState": s.lifecycle(), "timeCreated": s.time_created}))
        .collect();
    Ok(Answer::ok(Value::Array(list)))
}

fn update_secret(sim: &Simulator, id: &str, details: &Value, if_match: Option<&str>) -> Result<Answer, SimError> {
    let updating_ms = sim.updating();
    let mut st = sim.state();
    let vault = st.vault_id.clone();
    let s = st.secret_mut(id)?;
    if let Some(tag) = if_match {
        if tag != s.etag {
            return Err(err(412, "NoEtagMatch", "the if-match value does not match the secret's etag"));
        }
    }
    if s.lifecycle() != "ACTIVE" {
        return Err(err(409, "IncorrectState", "the secret is UPDATING; retry when it is ACTIVE"));
    }
    let content = details.get("secretContent").filter(|c| !c.is_null());
    let promote = details.get("currentVersionNumber").and_then(Value::as_u64);
    if content.is_some() && promote.is_some() {
        return Err(err(400, "InvalidParameter", "secret content and currentVersionNumber cannot be updated together"));
    }
    if let Some(m) = details.get("metadata").filter(|m| !m.is_null()) {
        s.metadata = m.clone();
    }
    if let Some(c) = content {
        if c["contentType"] != "BASE64" {
            return Err(err(400, "InvalidParameter", "contentType must be BASE64"));
        }
        let stage = c["stage"].as_str().unwrap_or("CURRENT");
        if stage != "CURRENT" && stage != "PENDING" {
            return Err(err(400, "InvalidParameter", "stage must be CURRENT or PENDING"));
        }
        let (b64, generated) = match (c["content"].as_str(), &s.auto_gen) {
            (Some(b64), _) => {
                if B64.decode(b64).is_err() {
                    return Err(err(400, "InvalidParameter", "content is not base64"));
                }
                (b64.to_owned(), false)
            }
            (None, Some(a)) => (generate_content(a)?, true),
            (None, None) => return Err(err(400, "InvalidParameter", "content is required when auto-generation is not enabled")),
        };
        s.add_version(b64, stage, generated);
    } else if let Some(n) = promote {
        if s.current() == Some(n) {
            return Ok(Answer { status: 200, body: s.json(&vault), etag: Some(s.etag.clone()), next_page: None });
        }
        s.promote(n)?;
    }
    s.etag = random_id("");
    if updating_ms > 0 {
        s.updating_until = Some(std::time::Instant::now() + Duration::from_millis(updating_ms));
    }
    Ok(Answer { status: 200, body: s.json(&vault), etag: Some(s.etag.clone()), next_page: None })
}

fn version_json(id: &str, v: &super::state::Version) -> Value {
    json!({"secretId": id, "versionNumber": v.number, "stages": v.stages, "contentType": "BASE64", "timeCreated": v.time_created, "isContentAutoGenerated": v.auto_generated})
}

fn list_versions(
    sim: &Simulator,
    id: &str,
    order: Option<String>,
    limit: Option<String>,
    page: Option<String>,
) -> Result<Answer, SimError> {
    let st = sim.state();
    let s = st.secrets.get(id).ok_or_else(|| not_found(&format!("secret {id}")))?;
    let mut list: Vec<Value> = s.versions.iter().map(|v| version_json(id, v)).collect();
    if order.as_deref() != Some("ASC") {
        list.reverse();
    }
    let limit = limit.and_then(|l| l.parse::<usize>().ok()).unwrap_or(100).clamp(1, 1000);
    let start = page.and_then(|p| p.parse::<usize>().ok()).unwrap_or(0);
    let next = (start + limit < list.len()).then(|| (start + limit).to_string());
    let slice: Vec<Value> = list.into_iter().skip(start).take(limit).collect();
    Ok(Answer { status: 200, body: Value::Array(slice), etag: None, next_page: next })
}

fn get_version(sim: &Simulator, id: &str, n: &str) -> Result<Answer, SimError> {
    let st = sim.state();
    let s = st.secrets.get(id).ok_or_else(|| not_found(&format!("secret {id}")))?;
    let n: u64 = n.parse().map_err(|_| err(400, "InvalidParameter", "the version number is not a number"))?;
    let v = s.versions.iter().find(|v| v.number == n).ok_or_else(|| not_found(&format!("secret version {n}")))?;
    Ok(Answer::ok(version_json(id, v)))
}

fn rotate_secret(sim: &Simulator, id: &str) -> Result<(Answer, Option<(String, &'static str, String)>), SimError> {
    let mut st = sim.state();
    let s = st.secret_mut(id)?;
    s.rotations_requested += 1;
    Ok((Answer { status: 202, body: Value::Null, etag: None, next_page: None }, None))
}

fn get_bundle(sim: &Simulator, id: &str, stage: Option<String>, number: Option<String>) -> Result<Answer, SimError> {
    let st = sim.state();
    let s = st.secrets.get(id).ok_or_else(|| not_found(&format!("secret {id}")))?;
    let v = match (stage, number) {
        (_, Some(n)) => {
            let n: u64 = n.parse().map_err(|_| err(400, "InvalidParameter", "versionNumber is not a number"))?;
            s.versions.iter().find(|v| v.number == n)
        }
        (Some(stage), None) => {
            if !["CURRENT", "PENDING", "LATEST", "PREVIOUS", "DEPRECATED"].contains(&stage.as_str()) {
                return Err(err(400, "InvalidParameter", format!("unknown stage {stage}")));
            }
            s.versions.iter().rev().find(|v| v.stages.contains(&stage))
        }
        (None, None) => s.versions.iter().find(|v| v.stages.iter().any(|x| x == "CURRENT")),
    }
    .ok_or_else(|| not_found("secret bundle"))?;
    Ok(Answer::ok(json!({
        "secretId": id, "versionNumber": v.number, "stages": v.stages, "timeCreated": v.time_created,
        "secretBundleContent": {"contentType": "BASE64", "content": v.content_b64}, "metadata": s.metadata
    })))
}

fn get_tenancy(sim: &Simulator, id: &str) -> Result<Answer, SimError> {
    let st = sim.state();
    if id != st.tenancy_id {
        return Err(not_found(&format!("tenancy {id}")));
    }
    Ok(Answer::ok(json!({"id": id, "name": "simulated-tenancy", "homeRegionKey": "IAD", "description": "oci-rotator simulator"})))
}

fn with_user(
    sim: &Simulator,
    id: &str,
    f: impl FnOnce(&Model, &super::state::User) -> Result<Answer, SimError>,
) -> Result<Answer, SimError> {
    let st = sim.state();
    let u = st.users.get(id).ok_or_else(|| not_found(&format!("user {id}")))?;
    f(&st, u)
}

fn api_key_json(sim: &Simulator, tenancy: &str, user: &str, k: &super::state::ApiKey) -> Value {
    let state = if k.created.elapsed() >= sim.key_propagation() { "ACTIVE" } else { "CREATING" };
    json!({"keyId": format!("{tenancy}/{user}/{}", k.fingerprint), "keyValue": k.public_pem, "fingerprint": k.fingerprint,
        "userId": user, "timeCreated": k.time_created, "lifecycleState": state})
}

fn list_api_keys(sim: &Simulator, id: &str) -> Result<Answer, SimError> {
    with_user(sim, id, |st, u| Ok(Answer::ok(Value::Array(u.api_keys.iter().map(|k| api_key_json(sim, &st.tenancy_id, id, k)).collect()))))
}

fn upload_api_key(sim: &Simulator, id: &str, body: &Value) -> Result<(Answer, Option<(String, &'static str, String)>), SimError> {
    let pem = body["key"].as_str().ok_or_else(|| err(400, "MissingParameter", "key is required"))?;
    let mut st = sim.state();
    let fp = st.upload_api_key(id, pem)?;
    let tenancy = st.tenancy_id.clone();
    let user = st.users.get(id).ok_or_else(|| not_found(id))?;
    let k = user.api_keys.iter().find(|k| k.fingerprint == fp).ok_or_else(|| not_found(&fp))?;
    Ok((Answer::ok(api_key_json(sim, &tenancy, id, k)), Some((id.to_owned(), "apiKey", fp))))
}

fn delete_api_key(sim: &Simulator, id: &str, fp: &str) -> Result<Answer, SimError> {
    let mut st = sim.state();
    let user = st.user_mut(id)?;
    let before = user.api_keys.len();
    user.api_keys.retain(|k| k.fingerprint != fp);
    if user.api_keys.len() == before {
        return Err(not_found(&format!("API key {fp}")));
    }
    Ok(Answer { status: 204, body: Value::Null, etag: None, next_page: None })
}

fn cred_json(c: &super::state::Cred, user: &str, customer_secret_key: bool) -> Value {
    let label = if customer_secret_key { "displayName" } else { "description" };
    json!({"id": c.id, "userId": user, label: c.label, "timeCreated": c.time_created, "timeExpires": null, "lifecycleState": "ACTIVE"})
}

fn list_creds(sim: &Simulator, id: &str, csk: bool) -> Result<Answer, SimError> {
    with_user(sim, id, |_, u| {
        let list = if csk { &u.customer_secret_keys } else { &u.auth_tokens };
        Ok(Answer::ok(Value::Array(list.iter().map(|c| cred_json(c, id, csk)).collect())))
    })
}

fn create_cred(sim: &Simulator, id: &str, csk: bool, body: &Value) -> Result<(Answer, Option<(String, &'static str, String)>), SimError> {
    let field = if csk { "displayName" } else { "description" };
    let label = body[field].as_str().ok_or_else(|| err(400, "MissingParameter", format!("{field} is required")))?;
    let (cid, secret) = sim.state().create_cred(id, csk, label)?;
    let c = super::state::Cred { id: cid.clone(), label: label.to_owned(), time_created: now_rfc3339() };
    let mut j = cred_json(&c, id, csk);
    j[if csk { "key" } else { "token" }] = json!(secret);
    Ok((Answer::ok(j), Some((id.to_owned(), if csk { "customerSecretKey" } else { "authToken" }, cid))))
}

fn delete_cred(sim: &Simulator, id: &str, csk: bool, cid: &str) -> Result<Answer, SimError> {
    let mut st = sim.state();
    let user = st.user_mut(id)?;
    let list = if csk { &mut user.customer_secret_keys } else { &mut user.auth_tokens };
    let before = list.len();
    list.retain(|c| c.id != cid);
    if list.len() == before {
        return Err(not_found(&format!("credential {cid}")));
    }
    Ok(Answer { status: 204, body: Value::Null, etag: None, next_page: None })
}

fn reset_password(sim: &Simulator, id: &str) -> Result<(Answer, Option<(String, &'static str, String)>), SimError> {
    let password = sim.state().reset_ui_password(id)?;
    Ok((Answer::ok(json!({"password": password, "userId": id, "timeCreated": now_rfc3339(), "lifecycleState": "ACTIVE"})), None))
}

fn ui_password_info(sim: &Simulator, id: &str) -> Result<Answer, SimError> {
    with_user(sim, id, |_, u| match &u.ui_password {
        Some((_, created)) => Ok(Answer::ok(json!({"userId": id, "timeCreated": created, "lifecycleState": "ACTIVE"}))),
        None => Err(not_found("UI password")),
    })
}

fn publish(sim: &Simulator, topic: &str, body: &Value) -> Result<Answer, SimError> {
    let title = body["title"].as_str().unwrap_or_default().to_owned();
    let text = body["body"].as_str().ok_or_else(|| err(400, "MissingParameter", "body is required"))?.to_owned();
    sim.state().published.push((topic.to_owned(), title, text));
    Ok(Answer::ok(json!({"messageId": random_id(""), "timeStamp": now_rfc3339()})))
}

fn admin_route(sim: &Simulator, method: &Method, path: &str, body: &[u8]) -> Response {
    match (method.as_str(), path) {
        ("GET", "journal") => json_response(200, &serde_json::to_value(sim.journal()).unwrap_or_default(), None, None),
        ("GET", "state") => json_response(200, &sim.state_view(), None, None),
        ("DELETE", "faults") => {
            sim.clear_faults();
            json_response(204, &Value::Null, None, None)
        }
        ("POST", "faults") => {
            let Ok(v) = serde_json::from_slice::<Value>(body) else {
                return json_response(400, &json!({"code": "CannotParseRequest", "message": "not JSON"}), None, None);
            };
            let kind = match v["kind"].as_str().unwrap_or("") {
                "500" => FaultKind::Status500,
                "429" => FaultKind::Status429 { retry_after_secs: v["retryAfter"].as_u64().unwrap_or(1) },
                "reset" => FaultKind::ResetBeforeApply,
                "lost" => FaultKind::LostResponse,
                "delay" => FaultKind::Delay { ms: v["ms"].as_u64().unwrap_or(1000) },
                _ => {
                    return json_response(
                        400,
                        &json!({"code": "InvalidParameter", "message": "kind: 500, 429, reset, lost or delay"}),
                        None,
                        None,
                    )
                }
            };
            sim.inject(Fault {
                nth: v["nth"].as_u64().unwrap_or(1),
                method: v["method"].as_str().map(str::to_owned),
                path_contains: v["pathContains"].as_str().map(str::to_owned),
                kind,
            });
            json_response(200, &json!({"injected": true}), None, None)
        }
        _ => json_response(404, &json!({"code": "NotFound", "message": "unknown simulator admin route"}), None, None),
    }
}
