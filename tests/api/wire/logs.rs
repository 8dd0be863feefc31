//! Secret hygiene: a whole API-key rotation is driven at `trace`, every log line of the test
//! binary is captured (JSON, spans included), and no byte of secret material may appear in it.

use base64::Engine as _;
use oci_rotator::protocol::Step;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;

/// Fragments of a PEM body long enough to be unmistakable.
fn fragments(pem: &str) -> Vec<String> {
    pem.lines().filter(|l| !l.starts_with("-----") && l.len() >= 24).map(|l| l[..24].to_owned()).collect()
}

#[tokio::test]
async fn a_full_rotation_at_trace_logs_no_secret_material() {
    // Arrange: CURRENT v1 live in IAM.
    let app = spawn_app().await;
    let current = TestKey::generate();
    app.iam.add_key(&current.public_pem);
    let current_bundle = bundle_json(1, &["CURRENT", "LATEST"], &current.content());

    // CREATE_PENDING_VERSION
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    app.mount_bundle_by_stage("LATEST", Some(current_bundle.clone()), 1).await;
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(secret_json(1, api_key_metadata())))
        .expect(1)
        .mount(&app.oci)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}/versions")))
        .and(app.signed())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"versionNumber": 2, "stages": ["PENDING"]}, {"versionNumber": 1, "stages": ["CURRENT"]}])),
        )
        .mount(&app.oci)
        .await;
    let created = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    assert_eq!(created.response_code, 200, "{}", created.return_message);
    let pending: Value = content_of_update(&app.requests("PUT", "/secrets/").await[0]);
    let pending_private = pending["privateKey"].as_str().unwrap().to_owned();
    let pending_b64 = base64::engine::general_purpose::STANDARD.encode(pending.to_string());
    app.oci.reset().await;

    // UPDATE_TARGET_SYSTEM
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    app.mount_bundle_by_stage("PENDING", Some(bundle_json(2, &["PENDING"], &pending)), 1).await;
    app.mount_bundle_by_stage("CURRENT", Some(current_bundle.clone()), 1).await;
    app.mount_get_user_by_user_key(2..=2, 1..=1).await;
    Mock::given(method("GET"))
        .and(path(format!("/20160918/users/{USER_ID}/apiKeys")))
        .and(app.signed())
        .respond_with(ListKeys(app.iam.clone()))
        .mount(&app.oci)
        .await;
    app.mount_user_bound("API_KEY", 1).await;
    Mock::given(method("POST"))
        .and(path(format!("/20160918/users/{USER_ID}/apiKeys")))
        .and(app.signed())
        .respond_with(UploadKey(app.iam.clone()))
        .expect(1)
        .mount(&app.oci)
        .await;
    let updated = app.run_step(Step::UpdateTargetSystem, Some(1)).await;
    assert_eq!(updated.response_code, 200, "{}", updated.return_message);
    app.oci.reset().await;

    // PROMOTE_PENDING_VERSION, then a failing VERIFY (error paths log too)
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    app.mount_bundle_by_stage("PENDING", Some(bundle_json(2, &["PENDING"], &pending)), 1).await;
    app.mount_bundle_by_version(2, bundle_json(2, &["PENDING"], &pending), 1..=1).await;
    app.mount_bundle_by_version(1, current_bundle.clone(), 1..=1).await;
    app.mount_get_user_by_user_key(1..=1, 0..=0).await;
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(secret_json(2, api_key_metadata())))
        .expect(1)
        .mount(&app.oci)
        .await;
    let promoted = app.run_step(Step::PromotePendingVersion, None).await;
    assert_eq!(promoted.response_code, 200, "{}", promoted.return_message);
    app.oci.reset().await;
    app.iam.api_keys.lock().unwrap().clear();
    app.given_secret(2, api_key_metadata(), &pending).await;
    app.mount_get_user_by_user_key(0..=0, 1..=1).await;
    let failed = app.run_step(Step::VerifyConnection, None).await;
    assert_eq!(failed.response_code, 409);

    // Assert: the logs are there, and hold no secret.
    let logs = captured_logs();
    assert!(logs.contains("\"step\":\"UPDATE_TARGET_SYSTEM\"") || logs.contains("UPDATE_TARGET_SYSTEM"), "the capture works");
    assert!(logs.contains("opc_request_id"), "OCI calls are traced with their request id");
    for secret in fragments(&pending_private).iter().chain(fragments(&current.private_pem).iter()) {
        assert!(!logs.contains(secret.as_str()), "a private key fragment reached the logs");
    }
    for chunk in pending_b64.as_bytes().chunks(32).map(|c| std::str::from_utf8(c).unwrap()) {
        assert!(!logs.contains(chunk), "secret content (base64) reached the logs");
    }
    for out in [&created, &updated, &promoted, &failed] {
        assert!(!out.return_message.contains("PRIVATE KEY"));
    }
}
