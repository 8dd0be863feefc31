//! `rollback` call by call against wiremock (issue 21, point 1): the PREVIOUS version becomes
//! CURRENT with one UpdateSecret (`currentVersionNumber`, `if-match` the etag read) only after its
//! credential was found live in IAM and the user names the secret; every refusal names its reason
//! and sends no UpdateSecret (`.expect(0)`). On the simulator, per kind: `flows/rollback.rs`.

use oci_rotator::binding::BindingMode;
use oci_rotator::lifecycle::rollback::{rollback, Refusal, Rollback, RollbackOutcome, Stages, VersionRef};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;

const PREVIOUS_TOKEN: &str = "ocid1.credential.oc1..previous";
const CURRENT_TOKEN: &str = "ocid1.credential.oc1..current";

fn token(id: &str) -> Value {
    json!({"authTokenId": id, "token": format!("secret-of-{id}"), "region": "us-ashburn-1"})
}

/// Given: an AUTH_TOKEN secret (`previousCredential` `previous`, `rotationStatus` `status`) at
/// version 2, its version 1 PREVIOUS: GetSecret once (etag `etag-1`).
async fn given_rolled_secret(kind: &str, previous: &str, status: &str) -> TestApp {
    let app = spawn_app().await;
    let mut secret = secret_json(2, json!({"credentialType": kind, "userId": USER_ID, "previousCredential": previous}));
    secret["rotationStatus"] = json!(status);
    app.mount_get_secret(secret, 1).await;
    app
}

/// Given: no PENDING version, version 1 PREVIOUS holds [`PREVIOUS_TOKEN`] and version 2 CURRENT
/// holds [`CURRENT_TOKEN`] (each bundle read once); IAM lists `listed` (once).
async fn given_versions_and_iam(app: &TestApp, listed: &[&str]) {
    app.mount_bundle_by_stage("PENDING", None, 1).await;
    app.mount_bundle_by_stage("PREVIOUS", Some(bundle_json(1, &["PREVIOUS"], &token(PREVIOUS_TOKEN))), 1).await;
    app.mount_bundle_by_stage("CURRENT", Some(bundle_json(2, &["CURRENT", "LATEST"], &token(CURRENT_TOKEN))), 1).await;
    let creds = FakeCreds::new("authTokens");
    for id in listed {
        creds.add(id, "made by hand");
    }
    app.mount_creds(&creds, 1..=1, 0, 0).await;
}

/// UpdateSecret moving CURRENT to version 1, `if-match` the etag GetSecret answered: `times` times.
async fn expect_promotion_of_version_1(app: &TestApp, times: u64) {
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(header("if-match", "etag-1"))
        .and(body_json(json!({"currentVersionNumber": 1})))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).insert_header("etag", "etag-2").set_body_json(secret_json(1, json!({}))))
        .with_priority(1)
        .named("UpdateSecret currentVersionNumber=1")
        .expect(times)
        .mount(&app.oci)
        .await;
}

async fn rollback_of(app: &TestApp, dry_run: bool) -> Rollback {
    rollback(&client_against(&app.oci), BindingMode::Required, SECRET_ID, dry_run).await.unwrap()
}

fn version(n: u64, id: &str) -> Option<VersionRef> {
    Some(VersionRef { version_number: n, credential_id: Some(id.to_owned()) })
}

#[tokio::test]
async fn a_live_previous_version_becomes_current_with_if_match() {
    // Given: both tokens live in IAM, the user names the secret.
    let app = given_rolled_secret("AUTH_TOKEN", "KEEP_UNTIL_NEXT_ROTATION", "SCHEDULED").await;
    given_versions_and_iam(&app, &[PREVIOUS_TOKEN, CURRENT_TOKEN]).await;
    app.mount_user_bound("AUTH_TOKEN", 1).await;
    expect_promotion_of_version_1(&app, 1).await;
    // When
    let done = rollback_of(&app, false).await;
    // Then: rolled back; CURRENT and PREVIOUS swapped.
    assert_eq!((done.outcome, done.refusal.clone()), (RollbackOutcome::RolledBack, None));
    assert_eq!(done.before, Stages { current: version(2, CURRENT_TOKEN), previous: version(1, PREVIOUS_TOKEN) });
    assert_eq!(done.after, Some(Stages { current: version(1, PREVIOUS_TOKEN), previous: version(2, CURRENT_TOKEN) }));
    assert_eq!(done.json()["outcome"], "ROLLED_BACK");
    assert!(!done.json().to_string().contains("secret-of-"), "no secret material in the JSON");
}

#[tokio::test]
async fn a_dry_run_checks_everything_and_writes_nothing() {
    let app = given_rolled_secret("AUTH_TOKEN", "KEEP_UNTIL_NEXT_ROTATION", "SCHEDULED").await;
    given_versions_and_iam(&app, &[PREVIOUS_TOKEN, CURRENT_TOKEN]).await;
    app.mount_user_bound("AUTH_TOKEN", 1).await;
    expect_promotion_of_version_1(&app, 0).await;
    let done = rollback_of(&app, true).await;
    assert_eq!((done.outcome, done.is_refused()), (RollbackOutcome::WouldRollBack, false));
    assert_eq!(done.after.and_then(|a| a.current), version(1, PREVIOUS_TOKEN));
}

/// Runs the rollback of `app` (UpdateSecret expected never) and returns its refusal.
async fn refused(app: &TestApp) -> Refusal {
    expect_promotion_of_version_1(app, 0).await;
    let done = rollback_of(app, false).await;
    assert_eq!(done.outcome, RollbackOutcome::Refused);
    let json = done.json();
    let why = done.refusal.unwrap();
    assert_eq!((json["refusal"].as_str(), json["reason"].as_str()), (Some(why.code()), Some(why.to_string().as_str())));
    why
}

#[tokio::test]
async fn refused_without_a_previous_version() {
    let app = given_rolled_secret("AUTH_TOKEN", "KEEP_UNTIL_NEXT_ROTATION", "SCHEDULED").await;
    app.mount_bundle_by_stage("PENDING", None, 1).await;
    app.mount_bundle_by_stage("PREVIOUS", None, 1).await;
    assert_eq!(refused(&app).await, Refusal::NoPrevious);
}

#[tokio::test]
async fn refused_when_the_previous_credential_was_deleted_at_promotion() {
    // Given: DELETE_ON_PROMOTE; nothing but GetSecret may be called.
    let app = given_rolled_secret("AUTH_TOKEN", "DELETE_ON_PROMOTE", "SCHEDULED").await;
    let why = refused(&app).await;
    assert_eq!(why, Refusal::DeletedAtPromotion);
    assert!(why.to_string().contains("DELETE_ON_PROMOTE"), "{why}");
}

#[tokio::test]
async fn refused_when_the_previous_credential_was_removed_by_hand() {
    // Given: IAM no longer lists the PREVIOUS token; no binding check (GetUser) either.
    let app = given_rolled_secret("AUTH_TOKEN", "KEEP_UNTIL_NEXT_ROTATION", "SCHEDULED").await;
    given_versions_and_iam(&app, &[CURRENT_TOKEN]).await;
    app.mount_user_bound("AUTH_TOKEN", 0).await;
    let why = refused(&app).await;
    assert!(matches!(&why, Refusal::NotLive { version: 1, credential_id, .. } if credential_id == PREVIOUS_TOKEN), "{why:?}");
    assert!(why.to_string().contains(PREVIOUS_TOKEN), "{why}");
}

#[tokio::test]
async fn refused_for_a_console_password() {
    let app = given_rolled_secret("CONSOLE_PASSWORD", "KEEP_UNTIL_NEXT_ROTATION", "SCHEDULED").await;
    let why = refused(&app).await;
    assert_eq!(why, Refusal::ConsolePassword);
    assert!(why.to_string().contains("in place"), "{why}");
}

#[tokio::test]
async fn refused_while_vault_runs_a_rotation() {
    let app = given_rolled_secret("AUTH_TOKEN", "KEEP_UNTIL_NEXT_ROTATION", "IN_PROGRESS").await;
    let why = refused(&app).await;
    assert!(matches!(&why, Refusal::RotationInProgress(what) if what.contains("IN_PROGRESS")), "{why:?}");
}

#[tokio::test]
async fn refused_while_a_pending_version_exists() {
    let app = given_rolled_secret("AUTH_TOKEN", "KEEP_UNTIL_NEXT_ROTATION", "SCHEDULED").await;
    app.mount_bundle_by_stage("PENDING", Some(bundle_json(3, &["PENDING", "LATEST"], &token("ocid1.credential.oc1..new"))), 1).await;
    let why = refused(&app).await;
    assert!(matches!(&why, Refusal::RotationInProgress(what) if what.contains("version 3 is PENDING")), "{why:?}");
}

#[tokio::test]
async fn an_unbound_user_is_an_error_and_nothing_is_written() {
    // Given: the PREVIOUS token is live but the user's tag does not name the secret.
    let app = given_rolled_secret("AUTH_TOKEN", "KEEP_UNTIL_NEXT_ROTATION", "SCHEDULED").await;
    given_versions_and_iam(&app, &[PREVIOUS_TOKEN, CURRENT_TOKEN]).await;
    app.mount_get_user_tagged(json!({"team": "payments"}), 1).await;
    expect_promotion_of_version_1(&app, 0).await;
    let e = rollback(&client_against(&app.oci), BindingMode::Required, SECRET_ID, false).await.unwrap_err();
    assert!(e.to_string().contains("oci-rotator-auth-token"), "{e}");
}
