//! Fault injection (each kind, seen by a real HTTP client), the journal, and the `/_sim/` admin
//! surface.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{b64, instant, setup};
use crate::secret::CredentialKind;
use crate::sim::{Fault, FaultKind};

fn fault(nth: u64, method: &str, path: &str, kind: FaultKind) -> Fault {
    Fault { nth, method: Some(method.to_owned()), path_contains: Some(path.to_owned()), kind }
}

#[tokio::test]
async fn status_faults_fire_on_the_nth_matching_request_and_apply_nothing() {
    let (sim, c) = setup(instant()).await;
    let user = sim.create_user("u");
    let path = format!("/20160918/users/{user}/authTokens");
    sim.inject(fault(2, "POST", "/authTokens", FaultKind::Status500));
    sim.inject(fault(1, "GET", "/authTokens", FaultKind::Status429 { retry_after_secs: 3 }));
    assert_eq!(c.post(&path, Some(&json!({"description": "a"})), &[]).await.status, 200);
    let r = c.get(&path).await;
    assert_eq!((r.status, r.code(), r.header("retry-after")), (429, "TooManyRequests", Some("3")));
    let r = c.post(&path, Some(&json!({"description": "b"})), &[]).await;
    assert_eq!((r.status, r.code()), (500, "InternalServerError"));
    assert_eq!(sim.auth_tokens(&user).len(), 1, "the 500 applied nothing");
    assert_eq!(c.post(&path, Some(&json!({"description": "c"})), &[]).await.status, 200, "a fault fires once");
    let j: Vec<(u16, Option<String>, bool)> = sim.journal().into_iter().map(|e| (e.status, e.fault, e.write)).collect();
    assert_eq!(j, [(200, None, true), (429, Some("429".into()), false), (500, Some("500".into()), false), (200, None, true)]);
    assert_eq!(sim.request_count(), 4);
}

#[tokio::test]
async fn a_reset_breaks_the_connection_before_anything_is_applied() {
    let (sim, c) = setup(instant()).await;
    let id = sim.create_secret("s", json!({}), &json!({"v": 1}), None);
    sim.inject(fault(1, "PUT", "/secrets/", FaultKind::ResetBeforeApply));
    let body = json!({"secretContent": {"contentType": "BASE64", "content": b64(&json!({"v": 2})), "stage": "PENDING"}});
    let r = c.send("PUT", &format!("/20180608/secrets/{id}"), Some(&body), &[]).await;
    assert!(r.is_err(), "the client sees a transport error, not {r:?}");
    assert_eq!(sim.secret_versions(&id).len(), 1);
    let last = sim.journal().pop().unwrap();
    assert_eq!((last.status, last.write, last.operation.as_str()), (0, false, "UpdateSecret"));
    // The next request goes through.
    assert_eq!(c.put(&format!("/20180608/secrets/{id}"), &body, &[]).await.status, 200);
}

#[tokio::test]
async fn a_lost_response_applies_the_change_then_breaks_the_connection() {
    let (sim, c) = setup(instant()).await;
    let user = sim.create_user("u");
    sim.inject(fault(1, "POST", "/customerSecretKeys", FaultKind::LostResponse));
    let r = c.send("POST", &format!("/20160918/users/{user}/customerSecretKeys"), Some(&json!({"displayName": "x"})), &[]).await;
    assert!(r.is_err(), "the client sees a transport error, not {r:?}");
    assert_eq!(sim.customer_secret_keys(&user).len(), 1, "the change was applied");
    let last = sim.journal().pop().unwrap();
    assert_eq!((last.status, last.write, last.fault.as_deref()), (0, true, Some("lost")));
    // A bodiless answer (DELETE, 204) is lost too.
    let id = sim.customer_secret_keys(&user)[0].id.clone();
    sim.inject(fault(1, "DELETE", "/customerSecretKeys", FaultKind::LostResponse));
    assert!(c.send("DELETE", &format!("/20160918/users/{user}/customerSecretKeys/{id}"), None, &[]).await.is_err());
    assert!(sim.customer_secret_keys(&user).is_empty());
}

#[tokio::test]
async fn a_delay_answers_normally_but_late() {
    let (sim, c) = setup(instant()).await;
    let user = sim.create_user("u");
    sim.inject(Fault { nth: 1, method: None, path_contains: None, kind: FaultKind::Delay { ms: 200 } });
    let t = Instant::now();
    assert_eq!(c.get(&format!("/20160918/users/{user}")).await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(200));
    let t = Instant::now();
    c.get(&format!("/20160918/users/{user}")).await;
    assert!(t.elapsed() < Duration::from_millis(200));
}

#[tokio::test]
async fn the_admin_surface_injects_faults_and_shows_state_without_secrets() {
    let (sim, c) = setup(instant()).await;
    let seeded = sim.seed().await;
    let http = reqwest::Client::new();
    let inject = |body: Value| http.post(format!("{}/_sim/faults", c.endpoint)).body(body.to_string()).send();
    assert_eq!(inject(json!({"nth": 1, "method": "GET", "pathContains": "/secretbundles/", "kind": "500"})).await.unwrap().status(), 200);
    assert_eq!(inject(json!({"kind": "explode"})).await.unwrap().status(), 400);
    let r = c.get(&format!("/20190301/secretbundles/{}", seeded.secrets["API_KEY"])).await;
    assert_eq!(r.status, 500);
    inject(json!({"kind": "reset"})).await.unwrap();
    assert_eq!(http.delete(format!("{}/_sim/faults", c.endpoint)).send().await.unwrap().status(), 204);
    assert_eq!(c.get(&format!("/20190301/secretbundles/{}", seeded.secrets["API_KEY"])).await.status, 200, "faults cleared");

    let journal = http.get(format!("{}/_sim/journal", c.endpoint)).send().await.unwrap().bytes().await.unwrap();
    let journal: Value = serde_json::from_slice(&journal).unwrap();
    assert_eq!(journal.as_array().unwrap().len(), 2);
    assert_eq!(journal[0]["operation"], "GetSecretBundle");
    assert_eq!(journal[0]["status"], 500);

    let state = http.get(format!("{}/_sim/state", c.endpoint)).send().await.unwrap().text().await.unwrap();
    let parsed: Value = serde_json::from_str(&state).unwrap();
    assert_eq!(
        parsed["secrets"].as_array().unwrap().len(),
        2 * CredentialKind::ALL.len(),
        "a classic and an identity-domain secret per kind"
    );
    assert_eq!(parsed["domains"].as_array().unwrap().len(), 2);
    for (kind, field) in
        [("API_KEY", "privateKey"), ("AUTH_TOKEN", "token"), ("CUSTOMER_SECRET_KEY", "secretAccessKey"), ("CONSOLE_PASSWORD", "password")]
    {
        for secrets in [&seeded.secrets, &seeded.domain_secrets] {
            let content = &sim.secret_versions(&secrets[kind])[0].content;
            let secret = content[field].as_str().unwrap();
            assert!(!state.contains(secret), "{kind} {field} leaked into /_sim/state");
        }
    }
    let token_id = sim.auth_tokens(&seeded.users["AUTH_TOKEN"])[0].id.clone();
    assert!(state.contains(&token_id), "credential ids are shown");
    sim.clear_journal();
    assert!(sim.journal().is_empty());
}

#[tokio::test]
async fn a_broken_connection_sends_not_a_single_byte() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let (sim, c) = setup(instant()).await;
    for kind in [FaultKind::ResetBeforeApply, FaultKind::LostResponse] {
        sim.inject(Fault { nth: 1, method: None, path_contains: None, kind });
        let mut s = tokio::net::TcpStream::connect(c.endpoint.trim_start_matches("http://")).await.unwrap();
        s.write_all(b"GET /20180608/secrets/x HTTP/1.1\r\nHost: a\r\n\r\n").await.unwrap();
        let mut received = Vec::new();
        let _ = s.read_to_end(&mut received).await;
        assert!(received.is_empty(), "not even a status line: {:?}", String::from_utf8_lossy(&received));
    }
}
