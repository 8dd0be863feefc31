//! Bad input gets a clear 400 (HTTP 200) and changes nothing: no OCI call at all for a bad body,
//! only the read of the secret for a misconfigured secret.

use oci_rotator::protocol::{SecretRotationOutput, Step};
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn bad_bodies_are_answered_400_without_any_oci_call() {
    // Arrange: the catch-all mock fails the test on any OCI call.
    let app = spawn_app().await;
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "empty"),
        ("not json".to_owned(), "not valid JSON"),
        ("[1,2]".to_owned(), "JSON object"),
        (json!({"step": "ROTATE_ALL", "secretId": SECRET_ID}).to_string(), "VERIFY_CONNECTION"),
        (json!({"step": "VERIFY_CONNECTION"}).to_string(), "secretId is missing"),
        (json!({"step": "VERIFY_CONNECTION", "secretId": "ocid1.user.oc1..x"}).to_string(), "secret OCID"),
        (json!({"step": "VERIFY_CONNECTION", "secretId": SECRET_ID, "versionNo": "seven"}).to_string(), "versionNo"),
        ("x".repeat(64 * 1024 + 1), "limit"),
        ("[".repeat(10_000), "JSON"),
    ];
    for (body, expected) in cases {
        // Act
        let resp = app.post_call(body.clone()).await;
        // Assert
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(resp.headers()["fn-fdk-version"].to_str().unwrap(), oci_rotator::server::FDK_VERSION);
        let out: SecretRotationOutput = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!(out.response_code, 400, "{}", &body[..body.len().min(60)]);
        assert!(out.return_message.contains(expected), "{:?} should mention {expected:?}", out.return_message);
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_are_answered_200_with_a_400_output() {
    let app = spawn_app().await;
    for (method, path) in [("GET", "/call"), ("POST", "/"), ("DELETE", "/call"), ("PUT", "/other")] {
        let resp = app.http.request(method.parse().unwrap(), format!("{}{path}", app.address)).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{method} {path}");
        let out: SecretRotationOutput = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!(out.response_code, 400);
    }
    let health = app.http.get(format!("{}/health", app.address)).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
}

#[tokio::test]
async fn a_six_megabyte_body_is_answered_not_rejected() {
    let app = spawn_app().await;
    let resp = app.post_call(vec![b'a'; 6 * 1024 * 1024]).await;
    assert_eq!(resp.status().as_u16(), 200);
    let out: SecretRotationOutput = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(out.response_code, 400);
}

#[tokio::test]
async fn a_misconfigured_secret_is_a_400_that_names_the_field_and_writes_nothing() {
    let cases = [
        (json!({"userId": USER_ID}), "credentialType"),
        (json!({"credentialType": "API_KEY"}), "userId"),
        (json!({"credentialType": "API_KEY", "userId": "not-an-ocid"}), "userId"),
        (json!({"credentialType": "API_KEY", "userId": USER_ID, "keyBits": 1024}), "keyBits"),
        (json!({"credentialType": "API_KEY", "userId": USER_ID, "previousCredential": "LATER"}), "previousCredential"),
    ];
    for step in Step::ALL {
        for (metadata, field) in &cases {
            let app = spawn_app().await;
            app.mount_get_secret(secret_json(1, metadata.clone()), 1).await;
            let out = app.run_step(step, Some(1)).await;
            assert_eq!(out.response_code, 400, "{step} {metadata}: {}", out.return_message);
            assert!(out.return_message.contains(field), "{}", out.return_message);
        }
    }
}

#[tokio::test]
async fn content_that_holds_no_usable_key_is_a_400_and_writes_nothing() {
    let app = spawn_app().await;
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    let junk = json!({"privateKey": "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----"});
    app.mount_bundle_by_stage("LATEST", Some(bundle_json(1, &["CURRENT", "LATEST"], &junk)), 1).await;
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    assert_eq!(out.response_code, 400, "{}", out.return_message);
    assert!(out.return_message.contains("privateKey"), "{}", out.return_message);
}

#[tokio::test]
async fn a_secret_that_does_not_exist_is_a_404() {
    let app = spawn_app().await;
    app.mount_secret_not_found(1).await;
    let out = app.run_step(Step::VerifyConnection, None).await;
    assert_eq!(out.response_code, 404, "{}", out.return_message);
}
