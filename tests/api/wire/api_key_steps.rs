//! The four steps for an API_KEY secret, each on its own, with the exact OCI calls it makes
//! (every mock `.expect(n)`; anything else hits the catch-all and fails the test).

use oci_rotator::keys;
use oci_rotator::protocol::Step;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, header_exists, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;

fn versions(list: &[(u64, &[&str])]) -> Value {
    Value::Array(list.iter().map(|(n, stages)| json!({"secretId": SECRET_ID, "versionNumber": n, "stages": stages, "contentType": "BASE64", "timeCreated": "2026-11-23T00:00:00Z"})).collect())
}

async fn mount_list_versions(app: &TestApp, list: &[(u64, &[&str])], times: u64) {
    Mock::given(method("GET"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}/versions")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(versions(list)))
        .named("ListSecretVersions")
        .expect(times)
        .mount(&app.oci)
        .await;
}

async fn mount_list_keys(app: &TestApp, times: u64) {
    Mock::given(method("GET"))
        .and(path(format!("/20160918/users/{USER_ID}/apiKeys")))
        .and(app.signed())
        .respond_with(ListKeys(app.iam.clone()))
        .named("ListApiKeys")
        .expect(times)
        .mount(&app.oci)
        .await;
}

async fn mount_upload(app: &TestApp, times: u64) {
    Mock::given(method("POST"))
        .and(path(format!("/20160918/users/{USER_ID}/apiKeys")))
        .and(header_exists("opc-retry-token"))
        .and(app.signed())
        .respond_with(UploadKey(app.iam.clone()))
        .named("UploadApiKey")
        .expect(times)
        .mount(&app.oci)
        .await;
}

async fn mount_delete(app: &TestApp, fingerprint: &str, times: u64) {
    Mock::given(method("DELETE"))
        .and(path(format!("/20160918/users/{USER_ID}/apiKeys/{}", fingerprint.replace(':', "%3A"))))
        .and(app.signed())
        .respond_with(DeleteKey(app.iam.clone()))
        .named("DeleteApiKey")
        .expect(times)
        .mount(&app.oci)
        .await;
}

#[tokio::test]
async fn verify_connection_answers_the_current_version_when_its_key_signs() {
    // Arrange
    let app = spawn_app().await;
    let current = TestKey::generate();
    app.iam.add_key(&current.public_pem);
    app.given_secret(1, api_key_metadata(), &current.content()).await;
    app.mount_get_user_by_user_key(1..=1, 0..=0).await;
    // Act
    let out = app.run_step(Step::VerifyConnection, Some(1)).await;
    // Assert (mocks assert their call counts on drop)
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert_eq!(out.current_version_no, Some(1));
    assert!(out.return_message.contains(&current.fingerprint));
}

#[tokio::test]
async fn verify_connection_is_a_409_when_the_current_key_is_not_in_iam() {
    let app = spawn_app().await;
    let current = TestKey::generate();
    app.given_secret(1, api_key_metadata(), &current.content()).await;
    app.mount_get_user_by_user_key(0..=0, 1..=1).await;
    let out = app.run_step(Step::VerifyConnection, None).await;
    assert_eq!(out.response_code, 409, "{}", out.return_message);
    assert!(!out.return_message.contains("PRIVATE KEY"));
}

#[tokio::test]
async fn verify_connection_prefers_a_live_pending_version() {
    let app = spawn_app().await;
    let (current, pending) = (TestKey::generate(), TestKey::generate());
    app.iam.add_key(&pending.public_pem);
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    // The newest version is the PENDING one: one read, and CURRENT is not needed.
    app.mount_bundle_by_stage("LATEST", Some(bundle_json(2, &["PENDING", "LATEST"], &pending.content())), 1).await;
    app.mount_bundle_by_stage("CURRENT", Some(bundle_json(1, &["CURRENT"], &current.content())), 0).await;
    app.mount_get_user_by_user_key(1..=1, 0..=0).await;
    let out = app.run_step(Step::VerifyConnection, Some(1)).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert!(out.return_message.contains("PENDING"));
}

/// API-key content holding a 1024-bit key (OCI refuses keys under 2048 bits, and so does ring):
/// the private key alone, or the whole credential (fingerprint, privateKey, publicKey).
fn short_key_content(whole: bool) -> Value {
    use rsa::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};
    let private = rsa::PrivateKey::new(&mut rand::rng(), 1024).unwrap();
    let public = private.to_public_key();
    let mut content = json!({"privateKey": private.to_pkcs8_pem(LineEnding::LF).unwrap().as_str(), "tenancyId": TENANCY});
    if whole {
        content["publicKey"] = json!(public.to_public_key_pem(LineEnding::LF).unwrap());
        content["fingerprint"] = json!(keys::fingerprint(&public).unwrap());
    }
    content
}

#[tokio::test]
async fn verify_connection_is_a_400_when_the_current_key_is_under_2048_bits() {
    for whole in [false, true] {
        // Arrange: CURRENT holds a 1024-bit key; no GetUser may be signed with it.
        let app = spawn_app().await;
        app.given_secret(1, api_key_metadata(), &short_key_content(whole)).await;
        app.mount_get_user_by_user_key(0..=0, 0..=0).await;
        // Act
        let out = app.run_step(Step::VerifyConnection, Some(1)).await;
        // Assert (mocks assert their call counts on drop)
        assert_eq!(out.response_code, 400, "whole={whole}: {}", out.return_message);
        assert!(out.return_message.contains("version 1") && out.return_message.contains("1024 bits"), "{}", out.return_message);
        assert!(!out.return_message.contains("PRIVATE KEY"));
    }
}

#[tokio::test]
async fn a_pending_key_under_2048_bits_is_a_400_before_any_iam_call() {
    for step in [Step::VerifyConnection, Step::UpdateTargetSystem] {
        // Arrange: PENDING holds only a 1024-bit private key; CURRENT is fine.
        let app = spawn_app().await;
        let current = TestKey::generate();
        app.iam.add_key(&current.public_pem);
        app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
        // VERIFY reads the newest version (the PENDING one); UPDATE reads PENDING by stage.
        let stage = if step == Step::VerifyConnection { "LATEST" } else { "PENDING" };
        app.mount_bundle_by_stage(stage, Some(bundle_json(2, &["PENDING", "LATEST"], &short_key_content(false))), 1).await;
        app.mount_get_user_by_user_key(0..=0, 0..=0).await;
        // Act
        let out = app.run_step(step, Some(1)).await;
        // Assert: no CURRENT read, no IAM call, no write.
        assert_eq!(out.response_code, 400, "{step}: {}", out.return_message);
        assert!(out.return_message.contains("privateKey: the RSA key is 1024 bits; at least 2048 are required"), "{}", out.return_message);
        assert_eq!(app.iam.fingerprints(), vec![current.fingerprint.clone()]);
    }
}

#[tokio::test]
async fn create_pending_version_writes_a_new_key_pair_as_pending_and_leaves_iam_alone() {
    // Arrange
    let app = spawn_app().await;
    let current = TestKey::generate();
    app.given_secret(1, api_key_metadata(), &current.content()).await;
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(header("if-match", "etag-1"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).insert_header("etag", "etag-2").set_body_json(secret_json(1, api_key_metadata())))
        .named("UpdateSecret (new PENDING version)")
        .expect(1)
        .mount(&app.oci)
        .await;
    mount_list_versions(&app, &[(2, &["PENDING", "LATEST"]), (1, &["CURRENT"])], 1).await;
    // Act
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    // Assert
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert_eq!(out.current_version_no, Some(2));
    let put = app.requests("PUT", "/secrets/").await;
    let body: Value = serde_json::from_slice(&put[0].body).unwrap();
    assert_eq!(body["secretContent"]["stage"], "PENDING");
    assert_eq!(body["secretContent"]["contentType"], "BASE64");
    let content = content_of_update(&put[0]);
    let public = keys::parse_public_pem(content["publicKey"].as_str().unwrap()).unwrap();
    assert_eq!(content["fingerprint"], keys::fingerprint(&public).unwrap());
    let private = keys::parse_private_pem(content["privateKey"].as_str().unwrap(), None).unwrap();
    assert_eq!(private.public_key(), &public);
    assert_ne!(content["fingerprint"], current.fingerprint.as_str());
    assert_eq!(content["tenancyId"], TENANCY, "fields the function does not own are copied");
    assert_eq!(content["region"], "us-ashburn-1");
}

#[tokio::test]
async fn create_pending_version_keeps_an_existing_pending_version() {
    let app = spawn_app().await;
    let pending = TestKey::generate();
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    app.mount_bundle_by_stage("LATEST", Some(bundle_json(2, &["PENDING", "LATEST"], &pending.content())), 1).await;
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert_eq!(out.current_version_no, Some(2));
    assert!(app.requests("PUT", "/secrets/").await.is_empty());
}

#[tokio::test]
async fn verify_connection_reads_pending_and_current_by_stage_when_the_newest_version_is_neither() {
    // Given: the newest version was DEPRECATED (say, a version an administrator wrote and then
    // superseded), so it says nothing about PENDING.
    let app = spawn_app().await;
    let (current, stale) = (TestKey::generate(), TestKey::generate());
    app.iam.add_key(&current.public_pem);
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    app.mount_bundle_by_stage("LATEST", Some(bundle_json(3, &["DEPRECATED", "LATEST"], &stale.content())), 1).await;
    app.mount_bundle_by_stage("PENDING", None, 1).await;
    app.mount_bundle_by_stage("CURRENT", Some(bundle_json(1, &["CURRENT"], &current.content())), 1).await;
    app.mount_get_user_by_user_key(1..=1, 0..=0).await;
    // When
    let out = app.run_step(Step::VerifyConnection, None).await;
    // Then
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert_eq!(out.current_version_no, Some(1));
}

#[tokio::test]
async fn update_target_system_uploads_the_pending_key_and_leaves_unmanaged_keys() {
    // Arrange: IAM holds the CURRENT key and one key no version of the secret holds.
    let app = spawn_app().await;
    let (current, pending, unmanaged) = (TestKey::generate(), TestKey::generate(), TestKey::generate());
    app.iam.add_key(&current.public_pem);
    app.iam.add_key(&unmanaged.public_pem);
    app.given_pending(api_key_metadata(), (1, &current.content()), (2, &["PENDING", "LATEST"], &pending.content())).await;
    // PENDING refused before the upload; CURRENT accepted; PENDING accepted after the upload.
    app.mount_get_user_by_user_key(2..=2, 1..=1).await;
    mount_list_keys(&app, 1).await;
    mount_list_versions(&app, &[(2, &["PENDING", "LATEST"]), (1, &["CURRENT"])], 1).await;
    app.mount_user_bound("API_KEY", 1).await;
    mount_upload(&app, 1).await;
    // Act
    let out = app.run_step(Step::UpdateTargetSystem, Some(1)).await;
    // Assert
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert_eq!(out.current_version_no, Some(2));
    let mut expected = vec![current.fingerprint.clone(), pending.fingerprint.clone(), unmanaged.fingerprint.clone()];
    expected.sort();
    assert_eq!(app.iam.fingerprints(), expected);
}

#[tokio::test]
async fn update_target_system_deletes_the_superseded_key_before_uploading() {
    // Arrange: v1 PREVIOUS (old key still in IAM), v2 CURRENT, v3 PENDING, plus an unmanaged key.
    let app = spawn_app().await;
    let (old, current, pending, unmanaged) = (TestKey::generate(), TestKey::generate(), TestKey::generate(), TestKey::generate());
    for k in [&old, &current, &unmanaged] {
        app.iam.add_key(&k.public_pem);
    }
    app.given_pending(api_key_metadata(), (2, &current.content()), (3, &["PENDING", "LATEST"], &pending.content())).await;
    app.mount_bundle_by_version(1, bundle_json(1, &["PREVIOUS"], &old.content()), 1..=1).await;
    app.mount_get_user_by_user_key(2..=2, 1..=1).await;
    mount_list_keys(&app, 1).await;
    mount_list_versions(&app, &[(3, &["PENDING", "LATEST"]), (2, &["CURRENT"]), (1, &["PREVIOUS"])], 1).await;
    app.mount_user_bound("API_KEY", 1).await;
    mount_delete(&app, &old.fingerprint, 1).await;
    mount_upload(&app, 1).await;
    // Act
    let out = app.run_step(Step::UpdateTargetSystem, Some(2)).await;
    // Assert
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    let mut expected = vec![current.fingerprint.clone(), pending.fingerprint.clone(), unmanaged.fingerprint.clone()];
    expected.sort();
    assert_eq!(app.iam.fingerprints(), expected);
}

#[tokio::test]
async fn update_target_system_is_a_409_when_unmanaged_keys_hold_the_limit() {
    let app = spawn_app().await;
    let (current, pending, u1, u2) = (TestKey::generate(), TestKey::generate(), TestKey::generate(), TestKey::generate());
    for k in [&current, &u1, &u2] {
        app.iam.add_key(&k.public_pem);
    }
    app.given_pending(api_key_metadata(), (1, &current.content()), (2, &["PENDING"], &pending.content())).await;
    app.mount_get_user_by_user_key(1..=1, 1..=1).await;
    mount_list_keys(&app, 1).await;
    mount_list_versions(&app, &[(2, &["PENDING"]), (1, &["CURRENT"])], 1).await;
    let out = app.run_step(Step::UpdateTargetSystem, Some(1)).await;
    assert_eq!(out.response_code, 409, "{}", out.return_message);
    assert!(out.return_message.contains("limit of 3"));
    // The two unmanaged keys are named by fingerprint; the CURRENT one is not a blocker.
    for k in [&u1, &u2] {
        assert!(out.return_message.contains(&k.fingerprint), "{}", out.return_message);
    }
    assert!(!out.return_message.contains(&current.fingerprint), "{}", out.return_message);
    assert_eq!(app.iam.fingerprints().len(), 3, "nothing was deleted or uploaded");
}

#[tokio::test]
async fn update_target_system_replayed_after_success_changes_nothing() {
    let app = spawn_app().await;
    let pending = TestKey::generate();
    app.iam.add_key(&pending.public_pem);
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    app.mount_bundle_by_stage("PENDING", Some(bundle_json(2, &["PENDING"], &pending.content())), 1).await;
    app.mount_get_user_by_user_key(1..=1, 0..=0).await;
    let out = app.run_step(Step::UpdateTargetSystem, Some(1)).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert_eq!(out.current_version_no, Some(2));
}

async fn mount_promote(app: &TestApp, version: u64, times: u64) {
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(body_json(json!({"currentVersionNumber": version})))
        .and(header("if-match", "etag-1"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(secret_json(version, api_key_metadata())))
        .named("UpdateSecret (promote)")
        .expect(times)
        .mount(&app.oci)
        .await;
}

#[tokio::test]
async fn promote_pending_version_makes_it_current_and_keeps_the_previous_key_by_default() {
    let app = spawn_app().await;
    let (current, pending) = (TestKey::generate(), TestKey::generate());
    app.iam.add_key(&current.public_pem);
    app.iam.add_key(&pending.public_pem);
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    app.mount_bundle_by_version(2, bundle_json(2, &["PENDING", "LATEST"], &pending.content()), 1..=1).await;
    app.mount_get_user_by_user_key(1..=1, 0..=0).await;
    mount_promote(&app, 2, 1).await;
    let out = app.run_step(Step::PromotePendingVersion, Some(2)).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert_eq!(out.current_version_no, Some(2));
    assert_eq!(app.iam.fingerprints().len(), 2, "the previous key stays until the next rotation");
}

#[tokio::test]
async fn promote_pending_version_with_delete_on_promote_deletes_the_previous_key() {
    let app = spawn_app().await;
    let (current, pending) = (TestKey::generate(), TestKey::generate());
    app.iam.add_key(&current.public_pem);
    app.iam.add_key(&pending.public_pem);
    let metadata = json!({"credentialType": "API_KEY", "userId": USER_ID, "previousCredential": "DELETE_ON_PROMOTE"});
    app.mount_get_secret(secret_json(1, metadata), 1).await;
    app.mount_bundle_by_version(2, bundle_json(2, &["PENDING"], &pending.content()), 1..=1).await;
    app.mount_bundle_by_version(1, bundle_json(1, &["CURRENT"], &current.content()), 1..=1).await;
    app.mount_get_user_by_user_key(1..=1, 0..=0).await;
    mount_promote(&app, 2, 1).await;
    app.mount_user_bound("API_KEY", 1).await;
    mount_delete(&app, &current.fingerprint, 1).await;
    let out = app.run_step(Step::PromotePendingVersion, Some(2)).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert_eq!(app.iam.fingerprints(), vec![pending.fingerprint.clone()]);
}

#[tokio::test]
async fn promote_pending_version_refuses_a_pending_key_that_is_not_live() {
    let app = spawn_app().await;
    let pending = TestKey::generate();
    app.mount_get_secret(secret_json(1, api_key_metadata()), 1).await;
    app.mount_bundle_by_version(2, bundle_json(2, &["PENDING"], &pending.content()), 1..=1).await;
    app.mount_get_user_by_user_key(0..=0, 1..=1).await;
    let out = app.run_step(Step::PromotePendingVersion, Some(2)).await;
    assert_eq!(out.response_code, 409, "{}", out.return_message);
    assert!(app.requests("PUT", "/secrets/").await.is_empty(), "CURRENT never points at a dead key");
}

#[tokio::test]
async fn promote_pending_version_replayed_after_success_answers_200() {
    let app = spawn_app().await;
    app.mount_get_secret(secret_json(2, api_key_metadata()), 1).await;
    let out = app.run_step(Step::PromotePendingVersion, Some(2)).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert_eq!(out.current_version_no, Some(2));
}

#[tokio::test]
async fn promote_pending_version_without_a_pending_version_has_nothing_to_do() {
    let app = spawn_app().await;
    app.mount_get_secret(secret_json(3, api_key_metadata()), 1).await;
    app.mount_bundle_by_stage("PENDING", None, 1).await;
    let out = app.run_step(Step::PromotePendingVersion, None).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert_eq!(out.current_version_no, Some(3));
    assert!(out.return_message.contains("nothing to promote"));
}

#[tokio::test]
async fn promote_pending_version_of_a_version_neither_pending_nor_current_is_a_409() {
    let app = spawn_app().await;
    app.mount_get_secret(secret_json(3, api_key_metadata()), 1).await;
    app.mount_bundle_by_version(1, bundle_json(1, &["DEPRECATED"], &TestKey::generate().content()), 1..=1).await;
    let out = app.run_step(Step::PromotePendingVersion, Some(1)).await;
    assert_eq!(out.response_code, 409, "{}", out.return_message);
}

#[tokio::test]
async fn a_throttled_oci_call_is_retried() {
    let app = spawn_app().await;
    let current = TestKey::generate();
    app.iam.add_key(&current.public_pem);
    Mock::given(method("GET"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"code": "TooManyRequests", "message": "slow down"})))
        .up_to_n_times(1)
        .with_priority(1)
        .named("GetSecret throttled once")
        .expect(1)
        .mount(&app.oci)
        .await;
    app.given_secret(1, api_key_metadata(), &current.content()).await;
    app.mount_get_user_by_user_key(1..=1, 0..=0).await;
    let out = app.run_step(Step::VerifyConnection, None).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
}

#[tokio::test]
async fn an_oci_error_that_retries_do_not_clear_is_a_502_with_code_and_request_id() {
    let app = spawn_app().await;
    Mock::given(method("GET"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(app.signed())
        .respond_with(
            ResponseTemplate::new(500)
                .insert_header("opc-request-id", "req-500")
                .set_body_json(json!({"code": "InternalServerError", "message": "boom"})),
        )
        .named("GetSecret failing")
        .expect(4)
        .mount(&app.oci)
        .await;
    let out = app.run_step(Step::VerifyConnection, None).await;
    assert_eq!(out.response_code, 502, "{}", out.return_message);
    assert!(out.return_message.contains("InternalServerError") && out.return_message.contains("req-500"), "{}", out.return_message);
}
