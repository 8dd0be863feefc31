//! Deadlines: with `Fn-Deadline` a few hundred milliseconds away and a slow OCI, the step answers
//! 504 before the deadline, and the step retried with time to spare converges.

use std::time::{Duration, Instant};

use oci_rotator::protocol::{SecretRotationOutput, Step};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;

async fn call_with_deadline(app: &TestApp, step: Step, budget: Duration) -> (SecretRotationOutput, Duration) {
    let deadline = (time::OffsetDateTime::now_utc() + budget).format(&time::format_description::well_known::Rfc3339).unwrap();
    let body = json!({"step": step.as_str(), "secretId": SECRET_ID, "versionNo": 1}).to_string();
    let started = Instant::now();
    let resp = app.http.post(format!("{}/call", app.address)).header("fn-deadline", deadline).body(body).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let out = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    (out, started.elapsed())
}

#[tokio::test]
async fn a_slow_oci_gives_504_before_the_deadline_and_the_retried_step_converges() {
    // Arrange: Vault answers after 3 s.
    let app = spawn_app().await;
    let current = TestKey::generate();
    app.iam.add_key(&current.public_pem);
    Mock::given(method("GET"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(secret_json(1, api_key_metadata())).set_delay(Duration::from_secs(3)))
        .mount(&app.oci)
        .await;
    // Act: RFC 3339 deadlines have second precision, so the budget is 1 to 2 s.
    let (out, took) = call_with_deadline(&app, Step::VerifyConnection, Duration::from_millis(1500)).await;
    // Assert
    assert_eq!(out.response_code, 504, "{}", out.return_message);
    assert!(took < Duration::from_millis(2000), "answered after {took:?}, past the deadline");
    // The retried step, with OCI fast again, converges.
    app.oci.reset().await;
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    app.mount_bundle_by_stage("LATEST", Some(bundle_json(1, &["CURRENT", "LATEST"], &current.content())), 1).await;
    app.mount_get_user_by_user_key(1..=1, 0..=0).await;
    let (out, _) = call_with_deadline(&app, Step::VerifyConnection, Duration::from_secs(30)).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
}

#[tokio::test]
async fn a_deadline_already_passed_starts_no_oci_call() {
    let app = spawn_app().await;
    let body = json!({"step": "CREATE_PENDING_VERSION", "secretId": SECRET_ID}).to_string();
    let resp =
        app.http.post(format!("{}/call", app.address)).header("fn-deadline", "2020-01-01T00:00:00Z").body(body).send().await.unwrap();
    let out: SecretRotationOutput = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(out.response_code, 504, "{}", out.return_message);
}
