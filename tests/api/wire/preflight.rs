//! PREFLIGHT call by call: every read the four steps make, for every kind, classic and domain
//! users, and no write at all (every PUT, POST, PATCH and DELETE is mounted `.expect(0)`); a
//! refused read answers 403 naming the statement `policies` prints.

use oci_rotator::protocol::{SecretRotationOutput, Step};
use oci_rotator::secret::CredentialKind;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::domains::*;
use crate::helpers::wire::*;

/// Fails the test on any write: Vault, Secrets, IAM, the domain API, ONS.
async fn mount_no_write(app: &TestApp) {
    for verb in ["PUT", "POST", "PATCH", "DELETE"] {
        Mock::given(method(verb))
            .respond_with(ResponseTemplate::new(500))
            .with_priority(1)
            .named(format!("a {verb}: PREFLIGHT writes nothing"))
            .expect(0)
            .mount(&app.oci)
            .await;
    }
}

/// A GET of `at` answered `body` once.
async fn mount_read(app: &TestApp, at: &str, body: Value) {
    Mock::given(method("GET"))
        .and(path(at))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(&app.oci)
        .await;
}

/// Given a secret of `kind` (in the domain when `in_domain`), its CURRENT bundle and versions.
async fn given_preflight_secret(app: &TestApp, kind: CredentialKind, in_domain: bool) {
    let mut metadata = json!({"credentialType": kind.as_str(), "userId": USER_ID});
    if in_domain {
        metadata["domainId"] = json!(DOMAIN_ID);
    }
    let mut secret = secret_json(1, metadata);
    secret["compartmentId"] = json!("ocid1.compartment.oc1..aaaaaaaasecrets");
    app.mount_get_secret(secret, 1).await;
    app.mount_bundle_by_stage("CURRENT", Some(bundle_json(1, &["CURRENT", "LATEST"], &json!({"any": "content"}))), 1).await;
    mount_read(app, &format!("/20180608/secrets/{SECRET_ID}/versions"), json!([{"versionNumber": 1, "stages": ["CURRENT", "LATEST"]}]))
        .await;
}

/// The user's reads: classic (GetUser and the kind's list) or domain (GetDomain, the SCIM user,
/// the kind's list or the password policies).
async fn given_user_reads(app: &TestApp, kind: CredentialKind, in_domain: bool) {
    let key = oci_rotator::binding::tag_key(kind);
    let user_path = format!("/20160918/users/{USER_ID}");
    if in_domain || kind == CredentialKind::ConsolePassword {
        if in_domain {
            mount_get_domain(app, "ACTIVE", 1).await;
        } else {
            // The binding tag through the classic API, the password through the Default domain
            app.mount_user_bound(kind.as_str(), 1).await;
            app.mount_list_domains(json!([domain_json(app, "DEFAULT", "ACTIVE")]), 1).await;
        }
        mount_domain_user(app, Some(scim_user(json!([{"key": key, "value": SECRET_ID}]), true)), 1..=1).await;
        let resource = match kind {
            CredentialKind::ConsolePassword => "PasswordPolicies",
            CredentialKind::ApiKey => "ApiKeys",
            CredentialKind::AuthToken => "AuthTokens",
            CredentialKind::CustomerSecretKey => "CustomerSecretKeys",
            CredentialKind::SmtpCredential => "SmtpCredentials",
            CredentialKind::OAuth2ClientCredential => "OAuth2ClientCredentials",
            CredentialKind::DbCredential => "UserDbCredentials",
        };
        let empty = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": 0, "Resources": []});
        mount_read(app, &format!("/idcs-test/admin/v1/{resource}"), empty).await;
        return;
    }
    app.mount_user_bound(kind.as_str(), 1).await;
    let list = match kind {
        CredentialKind::ApiKey => "apiKeys",
        CredentialKind::AuthToken => "authTokens",
        CredentialKind::CustomerSecretKey => "customerSecretKeys",
        CredentialKind::SmtpCredential => "smtpCredentials",
        CredentialKind::OAuth2ClientCredential => "oauth2ClientCredentials",
        CredentialKind::DbCredential => "dbCredentials",
        CredentialKind::ConsolePassword => unreachable!("console passwords are read above"),
    };
    mount_read(app, &format!("{user_path}/{list}"), json!([])).await;
}

async fn preflight(app: &TestApp) -> SecretRotationOutput {
    app.run_step(Step::Preflight, None).await
}

#[tokio::test]
async fn every_kind_classic_and_domain_passes_with_reads_only() {
    for in_domain in [false, true] {
        for kind in CredentialKind::ALL {
            // Given a secret of the kind whose every read is allowed, and any write failing the test
            let app = spawn_app().await;
            mount_no_write(&app).await;
            given_preflight_secret(&app, kind, in_domain).await;
            given_user_reads(&app, kind, in_domain).await;
            // When PREFLIGHT runs
            let out = preflight(&app).await;
            // Then 200, every read ok, every write named and unchecked, nothing written
            assert_eq!(out.response_code, 200, "{kind} domain={in_domain}: {}", out.return_message);
            let checks = out.checks.unwrap_or_default();
            assert!(checks.iter().all(|c| c.ok != Some(false)), "{kind}: {checks:?}");
            let writes: Vec<&str> = checks.iter().filter(|c| c.ok.is_none()).map(|c| c.call.as_str()).collect();
            assert!(writes.contains(&"UpdateSecret") && writes.len() >= 2, "{kind}: {writes:?}");
            assert!(checks.iter().filter(|c| c.ok.is_none()).all(|c| c.code.as_deref() == Some("not checked: OCI has no dry run")));
            assert!(checks.iter().any(|c| c.call == "binding tag" && c.ok == Some(true)), "{kind}: {checks:?}");
            assert_eq!(out.current_version_no, Some(1));
            assert!(app.tag_writes().await.is_empty());
        }
    }
}

#[tokio::test]
async fn a_refused_read_answers_403_naming_the_iam_statement() {
    // Given an API_KEY secret whose user the function may not read (OCI's 404 NotAuthorizedOrNotFound)
    let app = spawn_app().await;
    mount_no_write(&app).await;
    given_preflight_secret(&app, CredentialKind::ApiKey, false).await;
    app.mount_refused(&format!("/20160918/users/{USER_ID}"), 1).await;
    // When PREFLIGHT runs
    let out = preflight(&app).await;
    // Then 403, the statement `policies --kinds API_KEY --user-id U` prints, and OCI's request id
    let statement = oci_rotator::policies::iam_statement(&[CredentialKind::ApiKey], &[USER_ID], false);
    assert_eq!(out.response_code, 403, "{}", out.return_message);
    assert!(out.return_message.contains(&statement) && !out.return_message.contains('\n'), "{}", out.return_message);
    let policies = oci_rotator::policies::render(&oci_rotator::policies::PolicyRequest {
        function_id: "ocid1.fnfunc.oc1.iad.aaaa".to_owned(),
        secrets_compartment_id: "ocid1.compartment.oc1..aaaaaaaasecrets".to_owned(),
        user_ids: vec![USER_ID.to_owned()],
        kinds: vec![CredentialKind::ApiKey],
        ..Default::default()
    })
    .unwrap();
    assert!(policies.lines().any(|l| l == statement), "{policies}");
    let failed = out.checks.unwrap_or_default().into_iter().find(|c| c.ok == Some(false)).unwrap();
    assert_eq!((failed.call.as_str(), failed.status, failed.code.as_deref()), ("GetUser", Some(404), Some("NotAuthorizedOrNotFound")));
    assert_eq!(failed.opc_request_id.as_deref(), Some("req-404"));
}

#[tokio::test]
async fn a_refused_bundle_read_names_the_secret_bundles_statement() {
    // Given a secret whose CURRENT bundle the function may not read
    let app = spawn_app().await;
    mount_no_write(&app).await;
    let mut secret = secret_json(1, json!({"credentialType": "AUTH_TOKEN", "userId": USER_ID}));
    secret["compartmentId"] = json!("ocid1.compartment.oc1..aaaaaaaasecrets");
    app.mount_get_secret(secret, 1).await;
    app.mount_bundle_by_stage("CURRENT", None, 1).await;
    mount_read(&app, &format!("/20180608/secrets/{SECRET_ID}/versions"), json!([])).await;
    given_user_reads(&app, CredentialKind::AuthToken, false).await;
    // When PREFLIGHT runs
    let out = preflight(&app).await;
    // Then 403 naming `read secret-bundles` in the secret's compartment
    assert_eq!(out.response_code, 403, "{}", out.return_message);
    assert!(
        out.return_message.ends_with(
            "Allow dynamic-group oci-rotator-fn to read secret-bundles in compartment id ocid1.compartment.oc1..aaaaaaaasecrets"
        ),
        "{}",
        out.return_message
    );
}

#[tokio::test]
async fn the_four_steps_answer_without_checks() {
    // Given a secret that does not exist
    let app = spawn_app().await;
    app.mount_secret_not_found(1).await;
    // When VERIFY_CONNECTION runs
    let resp = app.post_call(json!({"step": "VERIFY_CONNECTION", "secretId": SECRET_ID}).to_string()).await;
    let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    // Then its answer has no `checks` field
    assert_eq!(body["responseCode"], 404);
    assert!(body.get("checks").is_none(), "{body}");
}

#[tokio::test]
async fn a_console_password_without_identity_domains_reads_the_classic_password_and_names_the_topic() {
    // Given a tenancy without identity domains, a console-password secret and an ONS topic
    let topic = "ocid1.onstopic.oc1.iad.aaaaaaaapreflight";
    let app = spawn_app_with(&[("OCI_ROTATOR_NOTIFY_TOPIC", topic)]).await;
    mount_no_write(&app).await;
    given_preflight_secret(&app, CredentialKind::ConsolePassword, false).await;
    app.mount_user_bound("CONSOLE_PASSWORD", 1).await;
    app.mount_list_domains(json!([]), 1).await;
    mount_read(&app, &format!("/20160918/users/{USER_ID}/uiPassword"), json!({"userId": USER_ID, "lifecycleState": "ACTIVE"})).await;
    // When PREFLIGHT runs
    let out = preflight(&app).await;
    // Then 200: the classic password read, the classic reset and the publish named, unchecked, nothing sent
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    let checks = out.checks.unwrap_or_default();
    let unchecked: Vec<&str> = checks.iter().filter(|c| c.ok.is_none()).map(|c| c.call.as_str()).collect();
    assert_eq!(unchecked, ["CreateOrResetUIPassword", "UpdateSecret", "PublishMessage"], "{checks:?}");
    let publish = checks.iter().find(|c| c.call == "PublishMessage").unwrap();
    assert_eq!(publish.needs, oci_rotator::policies::ons_topic(topic));
    assert!(checks.iter().any(|c| c.call == "GetUserUIPasswordInformation" && c.ok == Some(true)), "{checks:?}");
}
