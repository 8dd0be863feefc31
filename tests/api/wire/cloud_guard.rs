//! Cloud Guard credential-age findings: each becomes exactly one RotateSecret for the right
//! secret (the same retry token on a replay), never a direct credential change; and ONS
//! notifications for completed rotations and failed steps, with no secret material.

use oci_rotator::protocol::{SecretRotationOutput, Step};
use serde_json::{json, Value};
use wiremock::matchers::{header_exists, method, path, query_param};
use wiremock::{Mock, Request, ResponseTemplate};

use crate::helpers::*;

const TOPIC: &str = "ocid1.onstopic.oc1.iad.aaaaaaaatesttopic";
const COMPARTMENT: &str = "ocid1.compartment.oc1..aaaaaaaasecrets";
const PROBLEMS: [(&str, &str); 4] = [
    ("API_KEY_TOO_OLD", "API_KEY"),
    ("AUTH_TOKEN_TOO_OLD", "AUTH_TOKEN"),
    ("SECRET_KEY_TOO_OLD", "CUSTOMER_SECRET_KEY"),
    ("PASSWORD_TOO_OLD", "CONSOLE_PASSWORD"),
];

fn event(problem: &str, comments: &str) -> Value {
    json!({
        "eventType": "com.oraclecloud.cloudguard.problemremediated",
        "cloudEventsVersion": "0.1",
        "eventTypeVersion": "2.0",
        "source": "CloudGuardResponderEngine",
        "eventID": format!("evt-{problem}-0001"),
        "eventTime": "2026-11-23T08:00:00Z",
        "contentType": "application/json",
        "data": {
            "compartmentId": TENANCY,
            "resourceName": "svc-user",
            "resourceId": USER_ID,
            "additionalDetails": {
                "problemName": problem,
                "riskLevel": "MEDIUM",
                "resourceId": format!("{TENANCY}/{USER_ID}/aa:bb:cc"),
                "resourceName": "svc-user",
                "problemAdditionalDetails": {"User OCID": USER_ID, "comments": comments}
            }
        }
    })
}

async fn post_event(app: &TestApp, body: &Value) -> SecretRotationOutput {
    let resp = app.post_call(body.to_string()).await;
    assert_eq!(resp.status().as_u16(), 200);
    serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap()
}

async fn mount_rotate(app: &TestApp, times: u64) {
    Mock::given(method("POST"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}/actions/rotate")))
        .and(header_exists("opc-retry-token"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(202).insert_header("opc-request-id", "req-rotate"))
        .named("RotateSecret")
        .expect(times)
        .mount(&app.oci)
        .await;
}

async fn mount_publish(app: &TestApp, times: u64, status: u16) {
    Mock::given(method("POST"))
        .and(path(format!("/20181201/topics/{TOPIC}/messages")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(status).set_body_json(json!({"messageId": "m1"})))
        .named("PublishMessage")
        .expect(times)
        .mount(&app.oci)
        .await;
}

fn retry_tokens(requests: &[Request]) -> Vec<String> {
    requests.iter().map(|r| r.headers.get("opc-retry-token").unwrap().to_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn each_problem_named_by_comment_rotates_its_secret_once_per_delivery_with_one_retry_token() {
    for (problem, kind) in PROBLEMS {
        // Arrange
        let app = spawn_app().await;
        app.mount_get_secret(secret_json(3, json!({"credentialType": kind, "userId": USER_ID})), 2).await;
        mount_rotate(&app, 2).await;
        let body = event(problem, &format!("rotated by policy, secret_ocid:{SECRET_ID}"));
        // Act: the event, then a replay of it.
        let first = post_event(&app, &body).await;
        let replay = post_event(&app, &body).await;
        // Assert
        assert_eq!(first.response_code, 200, "{problem}: {}", first.return_message);
        assert_eq!(replay.response_code, 200);
        let tokens = retry_tokens(&app.requests("POST", "/actions/rotate").await);
        assert_eq!(tokens.len(), 2);
        assert_eq!(tokens[0], tokens[1], "a replayed event carries the same opc-retry-token");
        assert!(app.requests("DELETE", "/users/").await.is_empty() && app.requests("POST", "/users/").await.is_empty());
    }
}

#[tokio::test]
async fn the_older_comment_keys_are_accepted() {
    for (problem, kind, key) in [
        ("API_KEY_TOO_OLD", "API_KEY", "api_secret_ocid"),
        ("AUTH_TOKEN_TOO_OLD", "AUTH_TOKEN", "auth_secret_ocid"),
        ("SECRET_KEY_TOO_OLD", "CUSTOMER_SECRET_KEY", "accesskey_secret_ocid"),
    ] {
        let app = spawn_app().await;
        app.mount_get_secret(secret_json(3, json!({"credentialType": kind, "userId": USER_ID})), 1).await;
        mount_rotate(&app, 1).await;
        let out = post_event(&app, &event(problem, &format!("{key}:{SECRET_ID}"))).await;
        assert_eq!(out.response_code, 200, "{}", out.return_message);
    }
}

#[tokio::test]
async fn each_problem_is_found_by_metadata_in_the_configured_compartment() {
    for (problem, kind) in PROBLEMS {
        let app = spawn_app_with(&[("OCI_ROTATOR_SECRETS_COMPARTMENT", COMPARTMENT)]).await;
        let other = "ocid1.vaultsecret.oc1.iad.amaaaaaaothersecret";
        Mock::given(method("GET"))
            .and(path("/20180608/secrets"))
            .and(query_param("compartmentId", COMPARTMENT))
            .and(app.signed())
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!([{"id": other, "lifecycleState": "ACTIVE"}, {"id": SECRET_ID, "lifecycleState": "ACTIVE"}])),
            )
            .named("ListSecrets")
            .expect(1)
            .mount(&app.oci)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/20180608/secrets/{other}")))
            .and(app.signed())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": other, "lifecycleState": "ACTIVE", "metadata": {"credentialType": kind, "userId": "ocid1.user.oc1..someoneelse"}})))
            .expect(1)
            .mount(&app.oci)
            .await;
        app.mount_get_secret(secret_json(3, json!({"credentialType": kind, "userId": USER_ID})), 1).await;
        mount_rotate(&app, 1).await;
        let out = post_event(&app, &event(problem, "")).await;
        assert_eq!(out.response_code, 200, "{problem}: {}", out.return_message);
        assert!(out.return_message.contains(SECRET_ID));
    }
}

#[tokio::test]
async fn only_active_secrets_of_the_compartment_are_read_when_searching_by_metadata() {
    // Given: the compartment lists a secret being updated and one being deleted beside the ACTIVE
    // one that manages the flagged credential
    let app = spawn_app_with(&[("OCI_ROTATOR_SECRETS_COMPARTMENT", COMPARTMENT)]).await;
    let (updating, leaving) = ("ocid1.vaultsecret.oc1.iad.amaaaaaaupdating", "ocid1.vaultsecret.oc1.iad.amaaaaaaleaving");
    Mock::given(method("GET"))
        .and(path("/20180608/secrets"))
        .and(query_param("compartmentId", COMPARTMENT))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": updating, "lifecycleState": "UPDATING"},
            {"id": leaving, "lifecycleState": "PENDING_DELETION"},
            {"id": SECRET_ID, "lifecycleState": "ACTIVE"}
        ])))
        .expect(1)
        .mount(&app.oci)
        .await;
    for other in [updating, leaving] {
        Mock::given(method("GET"))
            .and(path(format!("/20180608/secrets/{other}")))
            .respond_with(ResponseTemplate::new(500))
            .expect(0)
            .mount(&app.oci)
            .await;
    }
    app.mount_get_secret(secret_json(3, json!({"credentialType": "AUTH_TOKEN", "userId": USER_ID})), 1).await;
    mount_rotate(&app, 1).await;
    // When: a finding names no secret
    let out = post_event(&app, &event("AUTH_TOKEN_TOO_OLD", "")).await;
    // Then: the ACTIVE secret is found and rotated; the others were never read (the mocks' expect)
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert!(out.return_message.contains(SECRET_ID), "{}", out.return_message);
}

#[tokio::test]
async fn a_finding_no_secret_manages_is_reported_and_changes_nothing() {
    let app = spawn_app_with(&[("OCI_ROTATOR_SECRETS_COMPARTMENT", COMPARTMENT), ("OCI_ROTATOR_NOTIFY_TOPIC", TOPIC)]).await;
    Mock::given(method("GET"))
        .and(path("/20180608/secrets"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&app.oci)
        .await;
    mount_publish(&app, 1, 200).await;
    let out = post_event(&app, &event("AUTH_TOKEN_TOO_OLD", "")).await;
    assert_eq!(out.response_code, 404, "{}", out.return_message);
    let published: Value = serde_json::from_slice(&app.requests("POST", "/messages").await[0].body).unwrap();
    assert!(published["title"].as_str().unwrap().contains("AUTH_TOKEN_TOO_OLD"));
    assert!(published["body"].as_str().unwrap().contains(USER_ID));
}

#[tokio::test]
async fn a_secret_named_in_the_comment_must_manage_the_flagged_credential() {
    let app = spawn_app().await;
    app.mount_get_secret(secret_json(3, json!({"credentialType": "API_KEY", "userId": USER_ID})), 1).await;
    let out = post_event(&app, &event("AUTH_TOKEN_TOO_OLD", &format!("secret_ocid:{SECRET_ID}"))).await;
    assert_eq!(out.response_code, 409, "{}", out.return_message);
}

#[tokio::test]
async fn other_events_and_problems_are_refused_with_a_clear_400() {
    let app = spawn_app().await;
    let mut other_type = event("API_KEY_TOO_OLD", "");
    other_type["eventType"] = json!("com.oraclecloud.cloudguard.problemdetected");
    let other_problem = event("PUBLIC_BUCKET", "");
    let mut no_user = event("API_KEY_TOO_OLD", "");
    no_user["data"]["additionalDetails"]["problemAdditionalDetails"] = json!({});
    for (body, expected) in [(other_type, "not handled"), (other_problem, "not a credential-age problem"), (no_user, "User OCID")] {
        let out = post_event(&app, &body).await;
        assert_eq!(out.response_code, 400);
        assert!(out.return_message.contains(expected), "{}", out.return_message);
    }
}

#[tokio::test]
async fn a_completed_rotation_publishes_one_message_without_secret_material() {
    let app = spawn_app_with(&[("OCI_ROTATOR_NOTIFY_TOPIC", TOPIC)]).await;
    let meta = json!({"credentialType": "AUTH_TOKEN", "userId": USER_ID});
    let pending = json!({"authTokenId": "ocid1.credential.oc1..new", "token": "T0ken-S3cret-value", "username": "svc"});
    let creds = FakeCreds::new("authTokens");
    creds.add("ocid1.credential.oc1..new", "oci-rotator x");
    app.mount_get_secret(secret_json(1, meta.clone()), 1).await;
    app.mount_bundle_by_version(2, bundle_json(2, &["PENDING"], &pending), 1..=1).await;
    app.mount_creds(&creds, 1..=1, 0, 0).await;
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(secret_json(2, meta)))
        .expect(1)
        .mount(&app.oci)
        .await;
    mount_publish(&app, 1, 200).await;
    let out = app.run_step(Step::PromotePendingVersion, Some(2)).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    let message = String::from_utf8(app.requests("POST", "/messages").await[0].body.clone()).unwrap();
    assert!(message.contains(SECRET_ID) && message.contains("AUTH_TOKEN") && message.contains(USER_ID));
    assert!(!message.contains("S3cret"), "no secret material in notifications");
}

#[tokio::test]
async fn a_failed_step_publishes_one_message_and_a_failed_publish_changes_nothing() {
    for publish_status in [200, 500] {
        let app = spawn_app_with(&[("OCI_ROTATOR_NOTIFY_TOPIC", TOPIC)]).await;
        app.mount_get_secret(secret_json(1, json!({"credentialType": "API_KEY"})), 1).await;
        mount_publish(&app, if publish_status == 200 { 1 } else { 4 }, publish_status).await;
        let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        assert_eq!(out.response_code, 400, "the step's answer does not depend on the publish");
        assert!(out.return_message.contains("userId"));
    }
}
