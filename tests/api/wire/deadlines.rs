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
    app.given_secret(1, api_key_metadata(), &current.content()).await;
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

/// Throttling has its own retry budget (eight answers of 429 per call), apart from the budget of
/// other failures: a call throttled six times in a row still succeeds; one throttled without end
/// fails after eight tries, with OCI's code in the answer.
#[tokio::test]
async fn a_call_throttled_six_times_succeeds_and_one_throttled_without_end_gives_up_after_eight() {
    for (throttled, expect_code, expect_gets) in [(6_u64, 200, 7_u64), (u64::MAX, 502, 8)] {
        // Given: GetSecret answered 429 (retry-after: 0) `throttled` times, then normally
        let app = spawn_app().await;
        let meta = json!({"credentialType": "AUTH_TOKEN", "userId": USER_ID});
        let too_many = ResponseTemplate::new(429)
            .insert_header("retry-after", "0")
            .set_body_json(json!({"code": "TooManyRequests", "message": "slow down"}));
        let mut mock =
            Mock::given(method("GET")).and(path(format!("/20180608/secrets/{SECRET_ID}"))).respond_with(too_many).with_priority(1);
        if throttled != u64::MAX {
            mock = mock.up_to_n_times(throttled);
        }
        mock.mount(&app.oci).await;
        let creds = FakeCreds::new("authTokens");
        creds.add("ocid1.credential.oc1..current", "made by hand");
        if expect_code == 200 {
            app.mount_get_secret(secret_json(1, meta), 1).await;
            let content = json!({"authTokenId": "ocid1.credential.oc1..current", "token": "t-Zx9"});
            app.mount_bundle_by_stage("LATEST", Some(bundle_json(1, &["CURRENT", "LATEST"], &content)), 1).await;
            app.mount_creds(&creds, 1..=1, 0, 0).await;
        }
        // When VERIFY_CONNECTION runs
        let out = app.run_step(Step::VerifyConnection, Some(1)).await;
        // Then
        assert_eq!(out.response_code, expect_code, "{}", out.return_message);
        let gets = app.requests("GET", "/20180608/secrets/").await.len() as u64;
        assert_eq!(gets, expect_gets, "GetSecret tries");
        if expect_code != 200 {
            assert!(out.return_message.contains("TooManyRequests"), "{}", out.return_message);
        }
    }
}
