//! The Oracle tutorial's unmanaged console-password reset, opt-in
//! (`OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS=on`): a `PASSWORD_TOO_OLD` finding no secret manages
//! resets the password only when Cloud Guard confirms the problem (GetProblem) and the user's tag
//! `oci-rotator-console-password` is exactly `unmanaged-reset`; off, unbound or unconfirmed, the
//! finding is only notified, with the reason when the setting is on. The one-time password is never
//! logged nor notified. Wiremock with exact call counts; end to end on the simulator in
//! `flows/unmanaged_password_reset.rs`.

use oci_rotator::protocol::SecretRotationOutput;
use serde_json::{json, Value};
use wiremock::matchers::{header_exists, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::cloud_guard_events::event;
use crate::helpers::*;

const TOPIC: &str = "ocid1.onstopic.oc1.iad.aaaaaaaatesttopic";
const COMPARTMENT: &str = "ocid1.compartment.oc1..aaaaaaaasecrets";
const PROBLEM_ID: &str = "ocid1.cloudguardproblem.oc1.iad.amaaaaaatestproblem";
const TAG: &str = "oci-rotator-console-password";
/// The one-time password the fake IAM answers: it must appear nowhere.
const ONE_TIME: &str = "0neTime-Pw-Never-Logged-7781";

fn password_event() -> Value {
    event("PASSWORD_TOO_OLD", PROBLEM_ID, USER_ID, "")
}

fn problem(rule: &str, user_id: &str, detail: &str) -> Value {
    json!({
        "id": PROBLEM_ID, "compartmentId": TENANCY, "detectorRuleId": rule, "riskLevel": "MEDIUM",
        "resourceId": user_id, "resourceName": "console-user", "resourceType": "User",
        "lifecycleState": "ACTIVE", "lifecycleDetail": detail, "detectorId": "IAAS_CONFIGURATION_DETECTOR",
        "additionalDetails": {"User OCID": user_id}
    })
}

async fn post_event(app: &TestApp, body: &Value) -> SecretRotationOutput {
    let resp = app.post_call(body.to_string()).await;
    assert_eq!(resp.status().as_u16(), 200);
    serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap()
}

async fn on_app() -> TestApp {
    spawn_app_with(&[
        ("OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS", "on"),
        ("OCI_ROTATOR_SECRETS_COMPARTMENT", COMPARTMENT),
        ("OCI_ROTATOR_NOTIFY_TOPIC", TOPIC),
    ])
    .await
}

/// ListSecrets of the compartment answers no secret: nothing manages the password.
async fn mount_no_secrets(app: &TestApp, times: u64) {
    Mock::given(method("GET"))
        .and(path("/20180608/secrets"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .named("ListSecrets (none)")
        .expect(times)
        .mount(&app.oci)
        .await;
}

async fn mount_get_problem(app: &TestApp, response: ResponseTemplate, times: u64) {
    Mock::given(method("GET"))
        .and(path(format!("/20200131/problems/{PROBLEM_ID}")))
        .and(app.signed())
        .respond_with(response)
        .named("GetProblem")
        .expect(times)
        .mount(&app.oci)
        .await;
}

async fn mount_reset(app: &TestApp, times: u64) {
    Mock::given(method("POST"))
        .and(path(format!("/20160918/users/{USER_ID}/uiPassword")))
        .and(header_exists("opc-retry-token"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).insert_header("opc-request-id", "req-reset").set_body_json(json!({
            "password": ONE_TIME, "userId": USER_ID, "timeCreated": "2026-11-23T08:00:01Z", "lifecycleState": "ACTIVE"
        })))
        .named("CreateOrResetUIPassword")
        .expect(times)
        .mount(&app.oci)
        .await;
}

async fn mount_publish(app: &TestApp, times: u64) {
    Mock::given(method("POST"))
        .and(path(format!("/20181201/topics/{TOPIC}/messages")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"messageId": "m1"})))
        .named("PublishMessage")
        .expect(times)
        .mount(&app.oci)
        .await;
}

async fn published(app: &TestApp) -> Vec<Value> {
    app.requests("POST", "/messages").await.iter().map(|r| serde_json::from_slice(&r.body).unwrap()).collect()
}

#[tokio::test]
async fn on_confirmed_and_opted_in_resets_once_per_event_and_tells_the_user_to_use_forgot_password() {
    // Given the setting on, no secret managing the password, a confirmed problem and an opted-in user
    let app = on_app().await;
    mount_no_secrets(&app, 2).await;
    mount_get_problem(&app, ResponseTemplate::new(200).set_body_json(problem("PASSWORD_TOO_OLD", USER_ID, "OPEN")), 2).await;
    app.mount_get_user_tagged(json!({TAG: "unmanaged-reset", "team": "payments"}), 2).await;
    mount_reset(&app, 2).await;
    mount_publish(&app, 2).await;
    // When the event arrives, then again (a replay)
    let first = post_event(&app, &password_event()).await;
    let replay = post_event(&app, &password_event()).await;
    // Then the password is reset, with one retry token for both deliveries, and the user is told
    assert_eq!(first.response_code, 200, "{}", first.return_message);
    assert_eq!(replay.response_code, 200, "{}", replay.return_message);
    assert!(first.return_message.contains("Forgot password"), "{}", first.return_message);
    let tokens: Vec<String> = app
        .requests("POST", "/uiPassword")
        .await
        .iter()
        .map(|r| r.headers.get("opc-retry-token").unwrap().to_str().unwrap().to_owned())
        .collect();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0], tokens[1], "a replayed event carries the same opc-retry-token: IAM resets once");
    let notice = &published(&app).await[0];
    let (title, body) = (notice["title"].as_str().unwrap(), notice["body"].as_str().unwrap());
    assert!(title.contains("PASSWORD_TOO_OLD") && title.contains("console password reset"), "{title}");
    assert!(body.contains("Forgot password") && body.contains(USER_ID) && body.contains(PROBLEM_ID), "{body}");
    // And the one-time password is nowhere
    for text in [first.return_message.as_str(), title, body, captured_logs().as_str()] {
        assert!(!text.contains(ONE_TIME), "the one-time password leaked");
    }
}

#[tokio::test]
async fn off_or_any_value_but_on_only_notifies_as_today() {
    for setting in [None, Some("ON"), Some("true"), Some("on ")] {
        // Given the setting absent or not exactly `on`
        let mut env = vec![("OCI_ROTATOR_SECRETS_COMPARTMENT", COMPARTMENT), ("OCI_ROTATOR_NOTIFY_TOPIC", TOPIC)];
        if let Some(v) = setting {
            env.push(("OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS", v));
        }
        let app = spawn_app_with(&env).await;
        mount_no_secrets(&app, 1).await;
        mount_get_problem(&app, ResponseTemplate::new(200).set_body_json(problem("PASSWORD_TOO_OLD", USER_ID, "OPEN")), 0).await;
        app.mount_get_user_tagged(json!({TAG: "unmanaged-reset"}), 0).await;
        mount_reset(&app, 0).await;
        mount_publish(&app, 1).await;
        // When the event arrives
        let out = post_event(&app, &password_event()).await;
        // Then today's answer and notice, word for word: no GetProblem, no reset
        assert_eq!(out.response_code, 404, "{setting:?}");
        assert_eq!(
            out.return_message,
            format!("PASSWORD_TOO_OLD: no secret manages the CONSOLE_PASSWORD of {USER_ID}; nothing was changed")
        );
        let body = published(&app).await[0]["body"].as_str().unwrap().to_owned();
        assert!(body.contains("not rotated (no secret manages") && !body.contains("not reset"), "{body}");
    }
}

#[tokio::test]
async fn on_but_the_user_has_not_opted_in_exactly_changes_nothing_and_says_why() {
    for tags in [
        json!({}),
        json!({TAG: SECRET_ID}),
        json!({TAG: "Unmanaged-Reset"}),
        json!({TAG: "unmanaged-reset "}),
        json!({TAG: format!("unmanaged-reset {SECRET_ID}")}),
        json!({"oci-rotator-api-key": "unmanaged-reset"}),
    ] {
        // Given a confirmed problem, but a user whose tag is missing or not exactly unmanaged-reset
        let app = on_app().await;
        mount_no_secrets(&app, 1).await;
        mount_get_problem(&app, ResponseTemplate::new(200).set_body_json(problem("PASSWORD_TOO_OLD", USER_ID, "OPEN")), 1).await;
        app.mount_get_user_tagged(tags.clone(), 1).await;
        mount_reset(&app, 0).await;
        mount_publish(&app, 1).await;
        // When the event arrives
        let out = post_event(&app, &password_event()).await;
        // Then nothing is reset, and the answer and the notice say why
        assert_eq!(out.response_code, 404, "{tags}: {}", out.return_message);
        assert!(out.return_message.contains("not reset") && out.return_message.contains("has not opted in"), "{}", out.return_message);
        let body = published(&app).await[0]["body"].as_str().unwrap().to_owned();
        assert!(body.contains("has not opted in") && body.contains(TAG), "{body}");
    }
}

#[tokio::test]
async fn on_but_cloud_guard_does_not_confirm_the_problem_changes_nothing() {
    let other_user = "ocid1.user.oc1..aaaaaaaaotheruser";
    let cases: [(&str, Value, Option<ResponseTemplate>, u16, &str); 5] = [
        ("not found", password_event(), Some(not_found()), 404, "does not confirm"),
        (
            "another problem",
            password_event(),
            Some(ResponseTemplate::new(200).set_body_json(problem("API_KEY_TOO_OLD", USER_ID, "OPEN"))),
            409,
            "is API_KEY_TOO_OLD",
        ),
        (
            "another user",
            password_event(),
            Some(ResponseTemplate::new(200).set_body_json(problem("PASSWORD_TOO_OLD", other_user, "OPEN"))),
            409,
            "is not about user",
        ),
        (
            "dismissed",
            password_event(),
            Some(ResponseTemplate::new(200).set_body_json(problem("PASSWORD_TOO_OLD", USER_ID, "DISMISSED"))),
            409,
            "DISMISSED",
        ),
        ("no problem id", event("PASSWORD_TOO_OLD", USER_ID, USER_ID, ""), None, 404, "names no Cloud Guard problem"),
    ];
    for (case, body, get_problem, code, reason) in cases {
        // Given an opted-in user, but a problem Cloud Guard does not confirm
        let app = on_app().await;
        mount_no_secrets(&app, 1).await;
        let calls = u64::from(get_problem.is_some());
        mount_get_problem(&app, get_problem.unwrap_or_else(not_found), calls).await;
        app.mount_get_user_tagged(json!({TAG: "unmanaged-reset"}), 0).await;
        mount_reset(&app, 0).await;
        mount_publish(&app, 1).await;
        // When the event arrives
        let out = post_event(&app, &body).await;
        // Then the user is not even read, nothing is reset, and the answer says why
        assert_eq!(out.response_code, code, "{case}: {}", out.return_message);
        assert!(out.return_message.contains(reason) && out.return_message.contains("not reset"), "{case}: {}", out.return_message);
    }
}

#[tokio::test]
async fn on_a_managed_password_is_rotated_through_vault_and_never_reset() {
    // Given the setting on and a secret named in the problem's comment that manages the password
    let app = on_app().await;
    app.mount_get_secret(secret_json(3, json!({"credentialType": "CONSOLE_PASSWORD", "userId": USER_ID})), 1).await;
    Mock::given(method("POST"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}/actions/rotate")))
        .and(header_exists("opc-retry-token"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(202))
        .named("RotateSecret")
        .expect(1)
        .mount(&app.oci)
        .await;
    mount_get_problem(&app, ResponseTemplate::new(200).set_body_json(problem("PASSWORD_TOO_OLD", USER_ID, "OPEN")), 0).await;
    mount_reset(&app, 0).await;
    mount_publish(&app, 1).await;
    // When the event arrives
    let out = post_event(&app, &event("PASSWORD_TOO_OLD", PROBLEM_ID, USER_ID, &format!("secret_ocid:{SECRET_ID}"))).await;
    // Then Vault is asked to rotate, as without the setting
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert!(out.return_message.contains("Vault was asked to rotate"), "{}", out.return_message);
    assert!(published(&app).await[0]["title"].as_str().unwrap().contains("rotation requested"));
}

#[tokio::test]
async fn on_other_unmanaged_findings_are_only_notified() {
    // Given the setting on and an unmanaged auth token finding
    let app = on_app().await;
    mount_no_secrets(&app, 1).await;
    mount_get_problem(&app, ResponseTemplate::new(200).set_body_json(problem("AUTH_TOKEN_TOO_OLD", USER_ID, "OPEN")), 0).await;
    mount_publish(&app, 1).await;
    // When the event arrives
    let out = post_event(&app, &event("AUTH_TOKEN_TOO_OLD", PROBLEM_ID, USER_ID, "")).await;
    // Then no GetProblem, no IAM call: the answer of today
    assert_eq!(out.response_code, 404);
    assert_eq!(out.return_message, format!("AUTH_TOKEN_TOO_OLD: no secret manages the AUTH_TOKEN of {USER_ID}; nothing was changed"));
}
