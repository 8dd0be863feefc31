//! Contract 4.1, call by call against wiremock: a user whose tag names another secret, or no
//! binding tag at all, gets no IAM write (every IAM write is mounted with `.expect(0)`). The
//! same refusals on the simulator's journal are in `flows/binding.rs`.

use oci_rotator::protocol::Step;
use serde_json::json;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;

const OTHER_SECRET: &str = "ocid1.vaultsecret.oc1.iad.amaaaaaaanothersecretofthesameuser";

async fn mount_no_iam_write(app: &TestApp) {
    for m in ["POST", "PUT", "DELETE"] {
        Mock::given(method(m))
            .and(path_regex(format!("^/20160918/users/{USER_ID}(/.*)?$")))
            .respond_with(ResponseTemplate::new(500))
            .named(format!("IAM write ({m})"))
            .expect(0)
            .mount(&app.oci)
            .await;
    }
}

#[tokio::test]
async fn wiremock_an_unbound_api_key_user_gets_no_upload_and_no_delete() {
    // Given: UPDATE_TARGET_SYSTEM with a PENDING key to upload, and a user tagged for another secret.
    let app = spawn_app().await;
    let (current, pending) = (TestKey::generate(), TestKey::generate());
    app.iam.add_key(&current.public_pem);
    app.given_pending(api_key_metadata(), (1, &current.content()), (2, &["PENDING", "LATEST"], &pending.content())).await;
    app.mount_get_user_by_user_key(1..=1, 1..=1).await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path(format!("/20160918/users/{USER_ID}/apiKeys")))
        .and(app.signed())
        .respond_with(ListKeys(app.iam.clone()))
        .expect(1)
        .mount(&app.oci)
        .await;
    app.mount_get_user_tagged(json!({"oci-rotator-api-key": OTHER_SECRET, "team": "payments"}), 1).await;
    mount_no_iam_write(&app).await;
    // When
    let out = app.run_step(Step::UpdateTargetSystem, Some(1)).await;
    // Then
    assert_eq!(out.response_code, 400, "{}", out.return_message);
    assert!(out.return_message.contains("oci-rotator-api-key") && out.return_message.contains(SECRET_ID), "{}", out.return_message);
    assert_eq!(app.iam.fingerprints(), vec![current.fingerprint.clone()]);
}

#[tokio::test]
async fn wiremock_an_unbound_auth_token_user_gets_no_create_and_no_delete() {
    // Given: CREATE_PENDING_VERSION for an auth token, IAM holding the CURRENT token and a marked
    // orphan the step would delete, and a user with no binding tag.
    let app = spawn_app().await;
    let creds = FakeCreds::new("authTokens");
    creds.add("ocid1.credential.oc1..current", "app token");
    creds.add("ocid1.credential.oc1..orphan", &format!("oci-rotator {SECRET_ID}"));
    let metadata = json!({"credentialType": "AUTH_TOKEN", "userId": USER_ID});
    let content = json!({"authTokenId": "ocid1.credential.oc1..current", "token": "tok-current-Zx9"});
    app.given_secret(1, metadata, &content).await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path(format!("/20160918/users/{USER_ID}/authTokens")))
        .and(app.signed())
        .respond_with(CredsResponder(creds.clone()))
        .expect(1)
        .mount(&app.oci)
        .await;
    app.mount_get_user_tagged(json!({"team": "payments"}), 1).await;
    mount_no_iam_write(&app).await;
    // When
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    // Then
    assert_eq!(out.response_code, 400, "{}", out.return_message);
    assert!(out.return_message.contains("oci-rotator-auth-token") && out.return_message.contains("is missing"), "{}", out.return_message);
    assert_eq!(creds.ids(), vec!["ocid1.credential.oc1..current".to_owned(), "ocid1.credential.oc1..orphan".to_owned()]);
    assert!(app.requests("PUT", "/secrets/").await.is_empty(), "no version was written");
}
