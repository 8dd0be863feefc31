//! AUTH_TOKEN, CUSTOMER_SECRET_KEY, SMTP_CREDENTIAL, OAUTH2_CLIENT_CREDENTIAL and DB_CREDENTIAL,
//! step by step against wiremock: the credential is created in CREATE_PENDING_VERSION with the
//! marker (SMTP: with IAM's user name; OAuth 2.0: with the CURRENT credential's scopes or the
//! metadata's; database passwords: with a password the function chose, to IAM's rules), orphans and superseded ones are deleted first, the
//! limit held by unmanaged credentials is a 409 with no write, a lost response is retried with the
//! same opc-retry-token, and a failed version write is cleaned up by Vault's retry.

use oci_rotator::protocol::Step;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, ResponseTemplate};

use crate::helpers::*;

struct Kind {
    credential_type: &'static str,
    family: &'static str,
    id_field: &'static str,
    secret_field: &'static str,
    limit: usize,
}

const KINDS: [Kind; 5] = [
    Kind { credential_type: "AUTH_TOKEN", family: "authTokens", id_field: "authTokenId", secret_field: "token", limit: 2 },
    Kind {
        credential_type: "CUSTOMER_SECRET_KEY",
        family: "customerSecretKeys",
        id_field: "accessKeyId",
        secret_field: "secretAccessKey",
        limit: 2,
    },
    Kind {
        credential_type: "SMTP_CREDENTIAL",
        family: "smtpCredentials",
        id_field: "smtpCredentialId",
        secret_field: "password",
        limit: 2,
    },
    Kind {
        credential_type: "OAUTH2_CLIENT_CREDENTIAL",
        family: "oauth2ClientCredentials",
        id_field: "clientId",
        secret_field: "clientSecret",
        limit: 10,
    },
    Kind { credential_type: "DB_CREDENTIAL", family: "dbCredentials", id_field: "dbCredentialId", secret_field: "password", limit: 2 },
];

/// The kinds for which Oracle documents no per-user limit: no check ahead of IAM (contract 4).
const NO_DOCUMENTED_LIMIT: [&str; 2] = ["OAUTH2_CLIENT_CREDENTIAL", "DB_CREDENTIAL"];

fn metadata(kind: &Kind, previous: &str) -> Value {
    json!({"credentialType": kind.credential_type, "userId": USER_ID, "previousCredential": previous})
}

fn content(kind: &Kind, id: &str) -> Value {
    json!({kind.id_field: id, kind.secret_field: format!("secret-of-{id}"), "region": "us-ashburn-1"})
}

/// Given: a secret of `kind` at `version` (KEEP_UNTIL_NEXT_ROTATION) whose CURRENT version holds
/// the credential `ocid1.credential.oc1..current`, which the fake IAM holds labelled `label`
/// (GetSecret and the LATEST bundle mounted once).
async fn given_current_credential(kind: &Kind, version: u64, label: &str) -> (TestApp, FakeCreds) {
    let app = spawn_app().await;
    let creds = FakeCreds::new(kind.family);
    creds.add("ocid1.credential.oc1..current", label);
    app.given_secret(version, metadata(kind, "KEEP_UNTIL_NEXT_ROTATION"), &content(kind, "ocid1.credential.oc1..current")).await;
    (app, creds)
}

fn marker() -> String {
    format!("oci-rotator {SECRET_ID}")
}

async fn mount_put(app: &TestApp, times: u64, fail: bool) {
    let response = if fail {
        ResponseTemplate::new(500).set_body_json(json!({"code": "InternalServerError", "message": "boom"}))
    } else {
        ResponseTemplate::new(200).set_body_json(secret_json(1, json!({})))
    };
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(app.signed())
        .respond_with(response)
        .named("UpdateSecret")
        .expect(times)
        .mount(&app.oci)
        .await;
}

async fn mount_versions(app: &TestApp, list: Value, times: std::ops::RangeInclusive<u64>) {
    Mock::given(method("GET"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}/versions")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(list))
        .named("ListSecretVersions")
        .expect(times)
        .mount(&app.oci)
        .await;
}

#[tokio::test]
async fn create_pending_version_creates_a_marked_credential_and_writes_it_pending() {
    for kind in &KINDS {
        // Arrange: IAM holds the CURRENT credential only.
        let (app, creds) = given_current_credential(kind, 1, "made by hand").await;
        app.mount_user_bound(kind.credential_type, 1).await;
        app.mount_creds(&creds, 1..=1, 1, 0).await;
        mount_put(&app, 1, false).await;
        mount_versions(
            &app,
            json!([{"versionNumber": 2, "stages": ["PENDING", "LATEST"]}, {"versionNumber": 1, "stages": ["CURRENT"]}]),
            1..=1,
        )
        .await;
        // Act
        let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        // Assert
        assert_eq!(out.response_code, 200, "{}: {}", kind.credential_type, out.return_message);
        assert_eq!(out.current_version_no, Some(2));
        let written = content_of_update(&app.requests("PUT", "/secrets/").await[0]);
        assert_eq!(written[kind.id_field], "ocid1.credential.oc1..new1");
        let body = creds.created_bodies.lock().unwrap()[0].clone();
        match kind.credential_type {
            // The function chose the password: what it sent IAM is what the version holds.
            "DB_CREDENTIAL" => {
                assert_eq!(written["password"], body["password"]);
                assert_db_password_rules(written["password"].as_str().unwrap());
            }
            _ => assert!(written[kind.secret_field].as_str().unwrap().starts_with("one-time-secret-1")),
        }
        if kind.credential_type == "SMTP_CREDENTIAL" {
            assert_eq!(written["username"], "ocid1.credential.oc1..new1@smtp.example", "the user name IAM issued");
        }
        if kind.credential_type == "OAUTH2_CLIENT_CREDENTIAL" {
            assert_eq!(body["scopes"], listed_scopes(), "copied from the CURRENT credential");
            assert!(body["name"].as_str().is_some_and(|n| !n.is_empty()));
        }
        assert_eq!(written["region"], "us-ashburn-1", "fields the function does not own are copied");
        let labels: Vec<String> = creds.items.lock().unwrap().iter().map(|(_, l)| l.clone()).collect();
        assert!(labels.contains(&marker()));
        assert!(!out.return_message.contains("one-time-secret"));
    }
}

#[tokio::test]
async fn create_pending_version_deletes_orphans_and_superseded_credentials_first() {
    for kind in &KINDS {
        for (other, other_label, held_by_v1) in
            [("ocid1.credential.oc1..orphan", marker(), false), ("ocid1.credential.oc1..old", "made by hand".to_owned(), true)]
        {
            let (app, creds) = given_current_credential(kind, 2, &marker()).await;
            creds.add(other, &other_label);
            if held_by_v1 {
                app.mount_bundle_by_version(1, bundle_json(1, &["PREVIOUS"], &content(kind, other)), 1..=1).await;
            }
            app.mount_user_bound(kind.credential_type, 1).await;
            app.mount_creds(&creds, 1..=1, 1, 1).await;
            mount_put(&app, 1, false).await;
            if held_by_v1 {
                // Before the write: v2 CURRENT, v1 PREVIOUS.
                Mock::given(method("GET"))
                    .and(path(format!("/20180608/secrets/{SECRET_ID}/versions")))
                    .and(app.signed())
                    .respond_with(
                        ResponseTemplate::new(200).set_body_json(
                            json!([{"versionNumber": 2, "stages": ["CURRENT"]}, {"versionNumber": 1, "stages": ["PREVIOUS"]}]),
                        ),
                    )
                    .up_to_n_times(1)
                    .with_priority(1)
                    .expect(1)
                    .mount(&app.oci)
                    .await;
            }
            let listed = json!([{"versionNumber": 3, "stages": ["PENDING"]}, {"versionNumber": 2, "stages": ["CURRENT"]}, {"versionNumber": 1, "stages": ["PREVIOUS"]}]);
            mount_versions(&app, listed, 1..=1).await;
            let out = app.run_step(Step::CreatePendingVersion, Some(2)).await;
            assert_eq!(out.response_code, 200, "{} {other}: {}", kind.credential_type, out.return_message);
            assert_eq!(creds.ids(), vec!["ocid1.credential.oc1..current".to_owned(), "ocid1.credential.oc1..new1".to_owned()]);
        }
    }
}

#[tokio::test]
async fn create_pending_version_is_a_409_when_unmanaged_credentials_hold_the_limit() {
    // Oracle documents these limits, so they are checked before any write (OAuth 2.0 client
    // credentials and database passwords: `iam_s_own_limit_answer_...` below).
    for kind in KINDS.iter().filter(|k| !NO_DOCUMENTED_LIMIT.contains(&k.credential_type)) {
        let (app, creds) = given_current_credential(kind, 1, "made by hand").await;
        for n in 1..kind.limit {
            creds.add(&format!("ocid1.credential.oc1..ci{n}"), "ci pipeline");
        }
        app.mount_creds(&creds, 1..=1, 0, 0).await;
        mount_versions(&app, json!([{"versionNumber": 1, "stages": ["CURRENT"]}]), 1..=1).await;
        let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        assert_eq!(out.response_code, 409, "{}", out.return_message);
        assert!(out.return_message.contains(&format!("limit of {}", kind.limit)), "{}", out.return_message);
        // The answer names the credentials that hold the limit (ids and labels, no secret), not
        // the CURRENT one.
        assert!(
            out.return_message.contains("ocid1.credential.oc1..ci1 (\"ci pipeline\")")
                && !out.return_message.contains("ocid1.credential.oc1..current"),
            "{}",
            out.return_message
        );
        assert_eq!(creds.ids().len(), kind.limit);
    }
}

#[tokio::test]
async fn iam_s_own_limit_answer_is_a_409_naming_the_unmanaged_credentials_for_kinds_without_a_documented_limit() {
    for kind in KINDS.iter().filter(|k| NO_DOCUMENTED_LIMIT.contains(&k.credential_type)) {
        // Given: the user's credentials fill the fake IAM's limit: the CURRENT one and others this
        // secret does not manage.
        let (app, creds) = given_current_credential(kind, 1, "made by hand").await;
        for n in 1..creds.limit() {
            creds.add(&format!("ocid1.credential.oc1..ci{n}"), "ci pipeline");
        }
        app.mount_user_bound(kind.credential_type, 1).await;
        // No count ahead of IAM: the create is attempted once and IAM answers 400 LimitExceeded;
        // nothing is deleted.
        app.mount_creds(&creds, 1..=1, 1, 0).await;
        mount_versions(&app, json!([{"versionNumber": 1, "stages": ["CURRENT"]}]), 1..=1).await;
        mount_put(&app, 0, false).await;
        // When
        let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        // Then: 409 naming what the secret does not manage (ids and labels, no secret), not the
        // CURRENT one; no Vault write (`mount_put` expects 0).
        assert_eq!(out.response_code, 409, "{}: {}", kind.credential_type, out.return_message);
        assert!(out.return_message.contains("IAM refused to create another"), "{}", out.return_message);
        assert!(out.return_message.contains("ocid1.credential.oc1..ci1 (\"ci pipeline\")"), "{}", out.return_message);
        assert!(!out.return_message.contains("..current"), "{}", out.return_message);
        assert!(!out.return_message.contains("secret-of-"), "{}", out.return_message);
        assert!(!out.return_message.contains("limit of"), "no figure Oracle does not document: {}", out.return_message);
        assert!(creds.ids().contains(&"ocid1.credential.oc1..current".to_owned()));
        assert_eq!(creds.ids().len(), creds.limit());
    }
}

#[tokio::test]
async fn a_lost_create_response_is_retried_with_the_same_retry_token() {
    for kind in &KINDS {
        let (app, creds) = given_current_credential(kind, 1, "made by hand").await;
        Mock::given(method("POST"))
            .and(path(format!("/20160918/users/{USER_ID}/{}", kind.family)))
            .respond_with(ResponseTemplate::new(503).set_body_json(json!({"code": "ServiceUnavailable", "message": "try again"})))
            .up_to_n_times(1)
            .with_priority(1)
            .expect(1)
            .mount(&app.oci)
            .await;
        app.mount_user_bound(kind.credential_type, 1).await;
        app.mount_creds(&creds, 1..=1, 1, 0).await;
        mount_put(&app, 1, false).await;
        mount_versions(&app, json!([{"versionNumber": 2, "stages": ["PENDING"]}]), 1..=1).await;
        let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        assert_eq!(out.response_code, 200, "{}", out.return_message);
        let posts: Vec<Request> = app.requests("POST", kind.family).await;
        assert_eq!(posts.len(), 2);
        let token = |r: &Request| r.headers.get("opc-retry-token").unwrap().to_str().unwrap().to_owned();
        assert_eq!(token(&posts[0]), token(&posts[1]), "one retry token per logical create");
    }
}

#[tokio::test]
async fn a_failed_version_write_leaves_an_orphan_that_vaults_retry_deletes() {
    for kind in &KINDS {
        // Arrange: the first attempt creates the credential, then UpdateSecret fails for good.
        let (app, creds) = given_current_credential(kind, 1, "made by hand").await;
        // After the failed write: did the PENDING version land anyway?
        app.mount_bundle_by_stage("PENDING", None, 1).await;
        app.mount_user_bound(kind.credential_type, 1).await;
        app.mount_creds(&creds, 1..=1, 1, 0).await;
        mount_put(&app, 4, true).await;
        let first = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        assert_eq!(first.response_code, 502, "{}", first.return_message);
        assert_eq!(creds.ids().len(), 2, "an orphan is left in IAM");
        app.oci.reset().await;
        // Act: Vault retries the step.
        app.given_secret(1, metadata(kind, "KEEP_UNTIL_NEXT_ROTATION"), &content(kind, "ocid1.credential.oc1..current")).await;
        app.mount_user_bound(kind.credential_type, 1).await;
        app.mount_creds(&creds, 1..=1, 1, 1).await;
        mount_put(&app, 1, false).await;
        mount_versions(&app, json!([{"versionNumber": 2, "stages": ["PENDING"]}]), 1..=1).await;
        let second = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        // Assert: exactly one new credential, the one the PENDING version holds.
        assert_eq!(second.response_code, 200, "{}", second.return_message);
        assert_eq!(creds.ids(), vec!["ocid1.credential.oc1..current".to_owned(), "ocid1.credential.oc1..new2".to_owned()]);
        let written = content_of_update(&app.requests("PUT", "/secrets/").await[0]);
        assert_eq!(written[kind.id_field], "ocid1.credential.oc1..new2");
    }
}

#[tokio::test]
async fn update_target_system_confirms_the_pending_credential_is_active() {
    for kind in &KINDS {
        let app = spawn_app().await;
        let creds = FakeCreds::new(kind.family);
        creds.add("ocid1.credential.oc1..new1", &marker());
        app.mount_get_secret(secret_json(1, metadata(kind, "KEEP_UNTIL_NEXT_ROTATION")), 1).await;
        app.mount_bundle_by_stage("PENDING", Some(bundle_json(2, &["PENDING"], &content(kind, "ocid1.credential.oc1..new1"))), 1).await;
        app.mount_creds(&creds, 1..=1, 0, 0).await;
        let out = app.run_step(Step::UpdateTargetSystem, Some(1)).await;
        assert_eq!(out.response_code, 200, "{}", out.return_message);
        assert_eq!(out.current_version_no, Some(2));
    }
}

#[tokio::test]
async fn promote_with_delete_on_promote_deletes_the_superseded_credential() {
    for kind in &KINDS {
        let app = spawn_app().await;
        let creds = FakeCreds::new(kind.family);
        creds.add("ocid1.credential.oc1..current", "made by hand");
        creds.add("ocid1.credential.oc1..new1", &marker());
        app.mount_get_secret(secret_json(1, metadata(kind, "DELETE_ON_PROMOTE")), 1).await;
        app.mount_bundle_by_stage("PENDING", Some(bundle_json(2, &["PENDING"], &content(kind, "ocid1.credential.oc1..new1"))), 1).await;
        app.mount_bundle_by_version(1, bundle_json(1, &["CURRENT"], &content(kind, "ocid1.credential.oc1..current")), 1..=1).await;
        app.mount_user_bound(kind.credential_type, 1).await;
        app.mount_creds(&creds, 1..=1, 0, 1).await;
        Mock::given(method("PUT"))
            .and(path(format!("/20180608/secrets/{SECRET_ID}")))
            .and(wiremock::matchers::body_json(json!({"currentVersionNumber": 2})))
            .and(app.signed())
            .respond_with(ResponseTemplate::new(200).set_body_json(secret_json(2, json!({}))))
            .expect(1)
            .mount(&app.oci)
            .await;
        let out = app.run_step(Step::PromotePendingVersion, None).await;
        assert_eq!(out.response_code, 200, "{}", out.return_message);
        assert_eq!(creds.ids(), vec!["ocid1.credential.oc1..new1".to_owned()]);
    }
}

#[tokio::test]
async fn console_password_create_resets_it_and_stores_the_one_time_password() {
    let app = spawn_app().await;
    let meta = json!({"credentialType": "CONSOLE_PASSWORD", "userId": USER_ID});
    // A tenancy without identity domains: the classic reset is the way.
    app.mount_list_domains(json!([]), 1).await;
    app.given_secret(1, meta, &json!({"password": "Old-pass-1", "username": "svc"})).await;
    app.mount_user_bound("CONSOLE_PASSWORD", 1).await;
    Mock::given(method("POST"))
        .and(path(format!("/20160918/users/{USER_ID}/uiPassword")))
        .and(wiremock::matchers::header("content-length", "0"))
        .and(wiremock::matchers::header_exists("opc-retry-token"))
        .and(app.signed())
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"password": "N3w-one-time!", "userId": USER_ID, "lifecycleState": "ACTIVE"})),
        )
        .expect(1)
        .mount(&app.oci)
        .await;
    mount_put(&app, 1, false).await;
    mount_versions(&app, json!([{"versionNumber": 2, "stages": ["PENDING"]}]), 1..=1).await;
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    let written = content_of_update(&app.requests("PUT", "/secrets/").await[0]);
    assert_eq!(written["password"], "N3w-one-time!");
    assert_eq!(written["username"], "svc");
    assert!(!out.return_message.contains("N3w-one-time!"));
}

#[tokio::test]
async fn console_password_is_live_when_the_user_is_active_and_has_a_password() {
    for (has_password, expected) in [(true, 200), (false, 409)] {
        let app = spawn_app().await;
        app.mount_list_domains(json!([]), 1).await;
        app.given_secret(1, json!({"credentialType": "CONSOLE_PASSWORD", "userId": USER_ID}), &json!({"password": "pw"})).await;
        Mock::given(method("GET"))
            .and(path(format!("/20160918/users/{USER_ID}")))
            .and(app.signed())
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": USER_ID, "lifecycleState": "ACTIVE"})))
            .expect(1)
            .mount(&app.oci)
            .await;
        let info = if has_password {
            ResponseTemplate::new(200).set_body_json(json!({"userId": USER_ID, "lifecycleState": "ACTIVE"}))
        } else {
            not_found()
        };
        Mock::given(method("GET"))
            .and(path(format!("/20160918/users/{USER_ID}/uiPassword")))
            .and(app.signed())
            .respond_with(info)
            .expect(1)
            .mount(&app.oci)
            .await;
        let out = app.run_step(Step::VerifyConnection, None).await;
        assert_eq!(out.response_code, expected, "{}", out.return_message);
    }
}

/// IAM's database-password rules (the Console password rules without the double quote), and this
/// function's own: 24 characters, `_` and `#` as the only special characters.
fn assert_db_password_rules(p: &str) {
    assert_eq!(p.len(), 24);
    assert!(p.chars().any(|c| c.is_ascii_uppercase()) && p.chars().any(|c| c.is_ascii_lowercase()));
    assert!(p.chars().any(|c| c.is_ascii_digit()) && p.chars().any(|c| c == '_' || c == '#'));
    assert!(p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '#'), "{p:?}");
}

#[tokio::test]
async fn oauth2_scopes_come_from_the_metadata_or_a_409_when_the_current_credential_is_gone() {
    let kind = &KINDS[3];
    let mine = json!([{"audience": "https://api.example.com", "scope": "orders.read"}]);
    for (metadata_scopes, current_listed) in [(Some(mine.clone()), true), (None, false)] {
        // Given an OAuth 2.0 secret, with or without metadata.scopes, whose CURRENT credential IAM
        // does or does not list
        let app = spawn_app().await;
        let creds = FakeCreds::new(kind.family);
        if current_listed {
            creds.add("ocid1.credential.oc1..current", "made by hand");
        }
        let mut metadata = metadata(kind, "KEEP_UNTIL_NEXT_ROTATION");
        if let Some(s) = &metadata_scopes {
            metadata["scopes"] = s.clone();
        }
        app.given_secret(1, metadata, &content(kind, "ocid1.credential.oc1..current")).await;
        let writes = u64::from(metadata_scopes.is_some());
        app.mount_user_bound(kind.credential_type, writes).await;
        app.mount_creds(&creds, 1..=1, writes, 0).await;
        mount_put(&app, writes, false).await;
        mount_versions(
            &app,
            json!([{"versionNumber": 2, "stages": ["PENDING"]}, {"versionNumber": 1, "stages": ["CURRENT"]}]),
            writes..=writes,
        )
        .await;
        // When CREATE_PENDING_VERSION runs
        let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        // Then the metadata's scopes are used, or nothing is written and the answer names the credential
        if metadata_scopes.is_some() {
            assert_eq!(out.response_code, 200, "{}", out.return_message);
            assert_eq!(creds.created_bodies.lock().unwrap()[0]["scopes"], mine);
        } else {
            assert_eq!(out.response_code, 409, "{}", out.return_message);
            assert!(out.return_message.contains("ocid1.credential.oc1..current") && out.return_message.contains("metadata.scopes"));
            assert!(creds.created_bodies.lock().unwrap().is_empty());
        }
    }
}
