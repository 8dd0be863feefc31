//! Users of identity domains (contract 4.2), call by call against wiremock: the domain found with
//! GetDomain, its REST API (SCIM) signed like every OCI call, no classic `/20160918/users` call for
//! a domain user, and console passwords in a tenancy with identity domains set through the Default
//! domain's `UserPasswordChanger`, never reset with the classic API (which e-mails a link).
//! A domain path addresses a resource by its SCIM id, never an OCID (users are found with
//! `filter=ocid eq "..."`); the domain and the user are checked before any write of any kind; a
//! 403 to `/Me` signed with the key is live; a domain that answered 404 is looked up again.

use oci_rotator::protocol::Step;
use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::domains::*;
use crate::helpers::*;

#[tokio::test]
async fn a_console_password_in_a_tenancy_with_domains_is_set_in_the_default_domain_not_reset() {
    // Given: a classic console-password secret in a tenancy whose Default domain is ACTIVE.
    let app = spawn_app().await;
    let meta = json!({"credentialType": "CONSOLE_PASSWORD", "userId": USER_ID});
    app.mount_list_domains(json!([domain_json(&app, "DEFAULT", "ACTIVE")]), 1).await;
    app.given_secret(1, meta, &json!({"password": "Old-pass-1", "username": "svc"})).await;
    mount_password_policies(
        &app,
        json!([{"id": "p1", "name": "default", "priority": 1, "minLength": 30, "minNumerals": 3, "minSpecialChars": 2}]),
    )
    .await;
    app.mount_user_bound("CONSOLE_PASSWORD", 1).await;
    // The user's SCIM id, as the Default domain lists it (the path takes it, never the OCID).
    mount_domain_user(&app, Some(scim_user(json!([]), false)), 1..=1).await;
    mount_no_ocid_in_domain_paths(&app).await;
    Mock::given(method("PUT"))
        .and(path(format!("/idcs-test/admin/v1/UserPasswordChanger/{USER_ID}")))
        .respond_with(ResponseTemplate::new(404))
        .with_priority(1)
        .named("UserPasswordChanger at the user's OCID")
        .expect(0)
        .mount(&app.oci)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/idcs-test/admin/v1/UserPasswordChanger/{DOMAIN_USER_ID}")))
        .and(body_partial_json(
            json!({"schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:UserPasswordChanger"], "bypassNotification": true}),
        ))
        .and(app.signed())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:UserPasswordChanger"], "id": DOMAIN_USER_ID})),
        )
        .named("UserPasswordChanger at the user's SCIM id")
        .expect(1)
        .mount(&app.oci)
        .await;
    mount_no_classic_password_reset(&app).await;
    app.mount_pending_version_written(2).await;
    // When
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    // Then: the PENDING version holds the password the domain was given, which meets the policy.
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    let set: Value = serde_json::from_slice(&app.requests("PUT", "/UserPasswordChanger/").await[0].body).unwrap();
    let written = content_of_update(&app.requests("PUT", "/secrets/").await[0]);
    let password = written["password"].as_str().unwrap();
    assert_eq!(set["password"].as_str(), Some(password));
    assert!(password.len() >= 30 && password.bytes().filter(u8::is_ascii_digit).count() >= 3, "the policy holds");
    assert_eq!(written["username"], "svc");
    assert!(!out.return_message.contains(password));
}

#[tokio::test]
async fn without_a_usable_default_domain_a_console_password_is_a_409_and_nothing_is_reset() {
    for listed in ["INACTIVE", "forbidden"] {
        // Given: the Default domain is INACTIVE, or the function may not list domains.
        let app = spawn_app().await;
        let meta = json!({"credentialType": "CONSOLE_PASSWORD", "userId": USER_ID});
        if listed == "forbidden" {
            app.mount_refused("/20160918/domains", 1).await;
        } else {
            app.mount_list_domains(json!([domain_json(&app, "DEFAULT", listed)]), 1).await;
        }
        app.given_secret(1, meta, &json!({"password": "Old-pass-1"})).await;
        mount_no_classic_password_reset(&app).await;
        // When
        let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        // Then: 409, no reset, no write (the catch-all refuses anything else).
        assert_eq!(out.response_code, 409, "{listed}: {}", out.return_message);
        assert!(out.return_message.contains("nothing was changed"), "{}", out.return_message);
        assert!(app.requests("PUT", "/").await.is_empty());
    }
}

#[tokio::test]
async fn a_domain_users_auth_token_is_created_in_the_domain_and_never_through_the_classic_api() {
    // Given: an AUTH_TOKEN secret of a user of a SECONDARY domain, whose CURRENT token is live.
    let app = spawn_app().await;
    let current = json!({"authTokenId": "ocid1.credential.oc1..current", "token": "tok-current-Zx9"});
    given_domain_secret(&app, "AUTH_TOKEN", &current).await;
    mount_get_domain(&app, "ACTIVE", 1).await;
    mount_no_ocid_in_domain_paths(&app).await;
    // The user's id in the domain (once), then the binding tag (read fresh before the write).
    mount_domain_user(
        &app,
        Some(scim_user(json!([{"key": "oci-rotator-auth-token", "value": SECRET_ID}, {"key": "team", "value": "x"}]), false)),
        2..=2,
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/idcs-test/admin/v1/AuthTokens"))
        .and(query_param("filter", format!("user.value eq \"{DOMAIN_USER_ID}\"")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 2,
            "Resources": [{"id": "scim-current", "ocid": "ocid1.credential.oc1..current", "description": "made by hand"},
                          {"id": "scim-orphan", "ocid": "ocid1.credential.oc1..orphan", "description": format!("oci-rotator {SECRET_ID}")}]})))
        .expect(1)
        .mount(&app.oci)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/idcs-test/admin/v1/AuthTokens/scim-orphan"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(204))
        .named("delete the orphan")
        .expect(1)
        .mount(&app.oci)
        .await;
    mount_scim_create(
        &app,
        "AuthTokens",
        json!({"schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:authToken"], "user": {"value": DOMAIN_USER_ID},
            "description": format!("oci-rotator {SECRET_ID}")}),
        json!({"schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:authToken"], "id": "scim-new", "ocid": "ocid1.credential.oc1..new",
            "token": "one-time-token-Zx9", "description": format!("oci-rotator {SECRET_ID}")}),
    )
    .await;
    app.mount_pending_version_written(2).await;
    // When
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    // Then: the PENDING version holds the token's OCID and secret; nothing touched /20160918/users.
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    let written = content_of_update(&app.requests("PUT", "/secrets/").await[0]);
    assert_eq!(written["authTokenId"], "ocid1.credential.oc1..new");
    assert_eq!(written["token"], "one-time-token-Zx9");
    let classic =
        app.oci.received_requests().await.unwrap_or_default().into_iter().filter(|r| r.url.path().starts_with("/20160918/users")).count();
    assert_eq!(classic, 0);
}

#[tokio::test]
async fn a_domain_that_does_not_exist_or_a_user_not_in_it_is_a_404_before_any_write() {
    for missing in ["domain", "user"] {
        let app = spawn_app().await;
        let current = json!({"accessKeyId": "ak-current", "secretAccessKey": "sk-current-Zx9"});
        given_domain_secret(&app, "CUSTOMER_SECRET_KEY", &current).await;
        given_domain_or_user_missing(&app, missing).await;
        let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        assert_eq!(out.response_code, 404, "{missing}: {}", out.return_message);
        assert!(out.return_message.contains(if missing == "domain" { DOMAIN_ID } else { USER_ID }), "{}", out.return_message);
        assert!(app.requests("PUT", "/").await.is_empty() && app.requests("POST", "/").await.is_empty());
    }
}

#[tokio::test]
async fn a_domain_that_is_not_active_is_a_409() {
    let app = spawn_app().await;
    given_domain_secret(&app, "AUTH_TOKEN", &json!({"authTokenId": "ocid1.credential.oc1..c", "token": "t-Zx9"})).await;
    mount_get_domain(&app, "INACTIVE", 1).await;
    let out = app.run_step(Step::VerifyConnection, None).await;
    assert_eq!(out.response_code, 409, "{}", out.return_message);
    assert!(out.return_message.contains("INACTIVE"), "{}", out.return_message);
}

/// Given an API_KEY secret of a user of the ACTIVE domain, whose CURRENT key IAM holds: the
/// secret, GetDomain and the user's SCIM id (listed once, untagged) mounted.
async fn given_domain_api_key() -> (TestApp, TestKey) {
    let app = spawn_app().await;
    let current = TestKey::generate();
    app.iam.add_key(&current.public_pem);
    given_domain_secret(&app, "API_KEY", &current.content()).await;
    mount_get_domain(&app, "ACTIVE", 1).await;
    mount_domain_user(&app, Some(scim_user(json!([]), false)), 1..=1).await;
    (app, current)
}

#[tokio::test]
async fn a_domain_users_api_key_is_live_when_the_domain_answers_me_signed_with_it() {
    // Given: an API key of a domain user that IAM holds.
    let (app, current) = given_domain_api_key().await;
    Mock::given(method("GET"))
        .and(path("/idcs-test/admin/v1/Me"))
        .and(app.signed_by_user_key())
        .respond_with(ResponseTemplate::new(200).set_body_json(scim_user(json!([]), false)))
        .named("GET /admin/v1/Me signed with the key")
        .expect(1)
        .mount(&app.oci)
        .await;
    // When
    let out = app.run_step(Step::VerifyConnection, None).await;
    // Then
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert!(out.return_message.contains(&current.fingerprint));
}

/// The three newer kinds for a user of a SECONDARY domain: the SCIM resource, the schema, the body
/// (OAuth 2.0: `name` and the CURRENT credential's `scopes`; database passwords: `dbPassword`, the
/// function's own), and what comes back (SMTP: `userName` and `password`; OAuth 2.0: `secret`;
/// database passwords: nothing).
#[tokio::test]
async fn smtp_oauth2_and_database_credentials_of_a_domain_user_are_created_through_the_domain() {
    let scopes = json!([{"audience": "urn:opc:idm:__myscopes__", "scope": "urn:opc:resource:consumer::all"}]);
    let cases = [
        ("SMTP_CREDENTIAL", "SmtpCredentials", "smtpCredential", "smtpCredentialId", "oci-rotator-smtp-credential"),
        (
            "OAUTH2_CLIENT_CREDENTIAL",
            "OAuth2ClientCredentials",
            "oauth2ClientCredential",
            "clientId",
            "oci-rotator-oauth2-client-credential",
        ),
        ("DB_CREDENTIAL", "UserDbCredentials", "UserDbCredentials", "dbCredentialId", "oci-rotator-db-credential"),
    ];
    for (kind, resource, schema, id_field, tag) in cases {
        // Given: a secret of the kind for a domain user, whose CURRENT credential the domain lists
        let app = spawn_app().await;
        let secret_field = if kind == "OAUTH2_CLIENT_CREDENTIAL" { "clientSecret" } else { "password" };
        let mut current = json!({id_field: "ocid1.credential.oc1..current", secret_field: "current-secret-Zx9"});
        if kind == "SMTP_CREDENTIAL" {
            current["username"] = json!("current-user");
        }
        given_domain_secret(&app, kind, &current).await;
        mount_get_domain(&app, "ACTIVE", 1).await;
        mount_domain_user(&app, Some(scim_user(json!([{"key": tag, "value": SECRET_ID}]), false)), 2..=2).await;
        mount_no_ocid_in_domain_paths(&app).await;
        let schema_urn = format!("urn:ietf:params:scim:schemas:oracle:idcs:{schema}");
        Mock::given(method("GET"))
            .and(path(format!("/idcs-test/admin/v1/{resource}")))
            .and(query_param("filter", format!("user.value eq \"{DOMAIN_USER_ID}\"")))
            .and(app.signed())
            .respond_with(ResponseTemplate::new(200).set_body_json(
                json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
                "totalResults": 1, "Resources": [{"id": "scim-current", "ocid": "ocid1.credential.oc1..current",
                "description": "made by hand", "scopes": scopes, "name": "svc", "userName": "current-user"}]}),
            ))
            .expect(1)
            .mount(&app.oci)
            .await;
        let mut expected_body =
            json!({"schemas": [schema_urn], "user": {"value": DOMAIN_USER_ID}, "description": format!("oci-rotator {SECRET_ID}")});
        let mut answer = json!({"schemas": [schema_urn], "id": "scim-new", "ocid": "ocid1.credential.oc1..new",
            "description": format!("oci-rotator {SECRET_ID}")});
        match kind {
            "SMTP_CREDENTIAL" => {
                answer["userName"] = json!("new-smtp-user");
                answer["password"] = json!("smtp-one-time-Zx9");
            }
            "OAUTH2_CLIENT_CREDENTIAL" => {
                expected_body["scopes"] = scopes.clone();
                answer["secret"] = json!("oauth-one-time-Zx9");
            }
            _ => {}
        }
        mount_scim_create(&app, resource, expected_body, answer).await;
        app.mount_pending_version_written(2).await;
        // When
        let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        // Then: the PENDING version holds the new credential, its secret and (SMTP) its user name
        assert_eq!(out.response_code, 200, "{kind}: {}", out.return_message);
        let written = content_of_update(&app.requests("PUT", "/secrets/").await[0]);
        assert_eq!(written[id_field], "ocid1.credential.oc1..new", "{kind}");
        let post = app.requests("POST", resource).await;
        let body: Value = serde_json::from_slice(&post[0].body).unwrap();
        match kind {
            "SMTP_CREDENTIAL" => {
                assert_eq!((written["username"].as_str(), written["password"].as_str()), (Some("new-smtp-user"), Some("smtp-one-time-Zx9")))
            }
            "OAUTH2_CLIENT_CREDENTIAL" => {
                assert_eq!(written["clientSecret"], "oauth-one-time-Zx9");
                assert!(body["name"].as_str().is_some_and(|n| !n.is_empty()));
            }
            _ => {
                let chosen = body["dbPassword"].as_str().unwrap_or_default();
                assert_eq!(chosen.len(), 24, "the function's own password");
                assert_eq!(written["password"].as_str(), Some(chosen), "the value IAM holds is the one written");
            }
        }
        let classic = app
            .oci
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|r| r.url.path().starts_with("/20160918/users"))
            .count();
        assert_eq!(classic, 0, "{kind}");
    }
}

#[tokio::test]
async fn a_domain_users_console_password_is_set_at_its_scim_id_never_at_its_ocid() {
    // Given: a console-password secret of a user of a SECONDARY domain, who names the secret.
    let app = spawn_app().await;
    given_domain_secret(&app, "CONSOLE_PASSWORD", &json!({"password": "Old-pass-1"})).await;
    mount_get_domain(&app, "ACTIVE", 1).await;
    // Found by OCID in a filter twice: its SCIM id, then its tags for the binding.
    mount_domain_user(&app, Some(scim_user(json!([{"key": "oci-rotator-console-password", "value": SECRET_ID}]), false)), 2..=2).await;
    mount_password_policies(&app, json!([{"id": "p1", "name": "default", "priority": 1, "minLength": 12}])).await;
    mount_no_ocid_in_domain_paths(&app).await;
    Mock::given(method("PUT"))
        .and(path(format!("/idcs-test/admin/v1/UserPasswordChanger/{DOMAIN_USER_ID}")))
        .and(body_partial_json(json!({"schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:UserPasswordChanger"]})))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": DOMAIN_USER_ID})))
        .named("UserPasswordChanger at the user's SCIM id")
        .expect(1)
        .mount(&app.oci)
        .await;
    app.mount_pending_version_written(2).await;
    // When
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    // Then: set at `UserPasswordChanger/<SCIM id>` (the OCID path mock and the guard saw nothing),
    // and no domain path held an OCID.
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    let puts = app.requests("PUT", "/UserPasswordChanger/").await;
    assert_eq!(puts.len(), 1);
    assert_eq!(puts[0].url.path(), format!("/idcs-test/admin/v1/UserPasswordChanger/{DOMAIN_USER_ID}"));
    let domain_paths: Vec<String> = app
        .oci
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.url.path().to_owned())
        .filter(|p| p.starts_with("/idcs-test/"))
        .collect();
    assert!(domain_paths.iter().all(|p| !p.contains("ocid1.")), "{domain_paths:?}");
}

/// A valid CURRENT content of each kind (the credential ids the domain would list).
fn current_content(kind: &str) -> Value {
    match kind {
        "API_KEY" => TestKey::generate().content(),
        "AUTH_TOKEN" => json!({"authTokenId": "ocid1.credential.oc1..current", "token": "tok-current-Zx9"}),
        "CUSTOMER_SECRET_KEY" => json!({"accessKeyId": "ak-current", "secretAccessKey": "sk-current-Zx9"}),
        "CONSOLE_PASSWORD" => json!({"password": "Old-pass-1"}),
        "SMTP_CREDENTIAL" => json!({"smtpCredentialId": "ocid1.credential.oc1..current", "username": "u", "password": "p-Zx9"}),
        "OAUTH2_CLIENT_CREDENTIAL" => json!({"clientId": "ocid1.credential.oc1..current", "clientSecret": "s-Zx9"}),
        "DB_CREDENTIAL" => json!({"dbCredentialId": "ocid1.credential.oc1..current", "password": "p-Zx9"}),
        other => panic!("no content for {other}"),
    }
}

#[tokio::test]
async fn for_every_kind_a_domain_that_does_not_exist_or_a_user_not_in_it_is_a_404_and_no_pending_version() {
    let kinds = [
        "API_KEY",
        "AUTH_TOKEN",
        "CUSTOMER_SECRET_KEY",
        "CONSOLE_PASSWORD",
        "SMTP_CREDENTIAL",
        "OAUTH2_CLIENT_CREDENTIAL",
        "DB_CREDENTIAL",
    ];
    for kind in kinds {
        for missing in ["domain", "user"] {
            // Given: a secret of the kind whose domainId names no domain, or whose user the domain
            // does not list; Vault would accept a new version (it must not be asked).
            let app = spawn_app().await;
            given_domain_secret(&app, kind, &current_content(kind)).await;
            given_domain_or_user_missing(&app, missing).await;
            Mock::given(method("PUT"))
                .and(path(format!("/20180608/secrets/{SECRET_ID}")))
                // The step's record on the secret (contract 6.8) is the one write allowed.
                .and(|r: &wiremock::Request| !is_tag_write(r))
                .respond_with(ResponseTemplate::new(200).set_body_json(secret_json(1, json!({}))))
                .with_priority(1)
                .named("UpdateSecret (a PENDING version: never)")
                .expect(0)
                .mount(&app.oci)
                .await;
            // When
            let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
            // Then: 404 naming what is missing; no write to Vault, the domain or IAM.
            assert_eq!(out.response_code, 404, "{kind} {missing}: {}", out.return_message);
            let named = if missing == "domain" { DOMAIN_ID } else { USER_ID };
            assert!(out.return_message.contains(named), "{kind} {missing}: {}", out.return_message);
            let writes: Vec<String> = app
                .oci
                .received_requests()
                .await
                .unwrap_or_default()
                .into_iter()
                // The one write a refused step may make is its record on the secret (contract 6.8).
                .filter(|r| r.method.as_str() != "GET" && !is_tag_write(r))
                .map(|r| format!("{} {}", r.method, r.url.path()))
                .collect();
            assert_eq!(writes, Vec::<String>::new(), "{kind} {missing}");
        }
    }
}

/// VERIFY_CONNECTION of a domain user's API key whose `GET /admin/v1/Me`, signed with the key,
/// answers `status`.
async fn verify_with_me_answering(status: u16) -> (TestApp, oci_rotator::protocol::SecretRotationOutput, TestKey) {
    let (app, current) = given_domain_api_key().await;
    let body =
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": "answered by the test", "status": status.to_string()});
    Mock::given(method("GET"))
        .and(path("/idcs-test/admin/v1/Me"))
        .and(app.signed_by_user_key())
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .named("GET /admin/v1/Me signed with the key")
        .expect(1)
        .mount(&app.oci)
        .await;
    let out = app.run_step(Step::VerifyConnection, None).await;
    (app, out, current)
}

#[tokio::test]
async fn a_domain_users_api_key_is_live_on_a_403_from_me_and_not_on_a_401() {
    // Given / when: `/Me` signed with the key answers 403 (signature accepted, no rights to /Me).
    let (_app, out, key) = verify_with_me_answering(403).await;
    // Then: the key is live.
    assert_eq!(out.response_code, 200, "403: {}", out.return_message);
    assert!(out.return_message.contains(&key.fingerprint), "{}", out.return_message);
    // Given / when: it answers 401 (the key is not, or not yet, accepted).
    let (_app, out, key) = verify_with_me_answering(401).await;
    // Then: not live: the CURRENT key fails the check, naming the key.
    assert_ne!(out.response_code, 200, "401: {}", out.return_message);
    assert!(out.return_message.contains(&key.fingerprint), "{}", out.return_message);
}

#[tokio::test]
async fn a_domain_that_answered_404_is_looked_up_again_and_one_found_is_kept() {
    // Given: an AUTH_TOKEN secret of a domain user; GetDomain first answers 404 (the domain was
    // not there yet), then finds it.
    let app = spawn_app().await;
    let meta = json!({"credentialType": "AUTH_TOKEN", "userId": USER_ID, "domainId": DOMAIN_ID});
    let current = json!({"authTokenId": "ocid1.credential.oc1..current", "token": "tok-current-Zx9"});
    app.mount_get_secret(secret_json(1, meta), 3).await;
    app.mount_bundle_by_stage("LATEST", Some(bundle_json(1, &["CURRENT", "LATEST"], &current)), 3).await;
    Mock::given(method("GET"))
        .and(path(format!("/20160918/domains/{DOMAIN_ID}")))
        .and(app.signed())
        .respond_with(not_found())
        .up_to_n_times(1)
        .with_priority(1)
        .named("GetDomain: 404 the first time")
        .expect(1)
        .mount(&app.oci)
        .await;
    mount_get_domain(&app, "ACTIVE", 1).await;
    mount_domain_user(&app, Some(scim_user(json!([]), false)), 1..=1).await;
    Mock::given(method("GET"))
        .and(path("/idcs-test/admin/v1/AuthTokens"))
        .and(query_param("filter", format!("user.value eq \"{DOMAIN_USER_ID}\"")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 1, "Resources": [{"id": "scim-current", "ocid": "ocid1.credential.oc1..current", "status": "ACTIVE"}]})))
        .expect(2)
        .mount(&app.oci)
        .await;
    // When: three invocations of the same warm process.
    let first = app.run_step(Step::VerifyConnection, None).await;
    let second = app.run_step(Step::VerifyConnection, None).await;
    let third = app.run_step(Step::VerifyConnection, None).await;
    // Then: the 404 was not kept (the second looked the domain up again and succeeded); what the
    // second learned (the domain, the user's id) served the third without GetDomain or a user read.
    assert_eq!(first.response_code, 404, "{}", first.return_message);
    assert!(first.return_message.contains(DOMAIN_ID), "{}", first.return_message);
    assert_eq!((second.response_code, third.response_code), (200, 200), "{} / {}", second.return_message, third.return_message);
    assert_eq!(app.requests("GET", "/20160918/domains/").await.len(), 2);
}
