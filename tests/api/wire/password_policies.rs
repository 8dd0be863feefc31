//! Identity-domain password policies against wiremock: a policy no password meets is a 409 naming
//! the rule before any write (no `UserPasswordChanger`, no Vault write). The rules themselves:
//! `offline/password_policies.rs`; on the simulator: `flows/password_policies.rs`.

use oci_rotator::protocol::Step;
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path, path_regex};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::domains::{mount_domain_user, mount_password_policies, scim_user};
use crate::helpers::*;

#[tokio::test]
async fn a_policy_no_password_meets_is_a_409_naming_the_rule_before_any_write() {
    // Given: a console-password secret in a tenancy whose Default domain lists a policy with
    // minLength above maxLength.
    let app = spawn_app().await;
    let base = format!("{}/idcs-test", app.oci.uri());
    app.mount_list_domains(
        json!([{"id": "ocid1.domain.oc1..aaaaaaaadefault", "compartmentId": TENANCY, "displayName": "Default", "url": base,
            "type": "DEFAULT", "lifecycleState": "ACTIVE", "homeRegion": "us-ashburn-1", "timeCreated": "2026-11-23T00:00:00Z"}]),
        1,
    )
    .await;
    app.given_secret(1, json!({"credentialType": "CONSOLE_PASSWORD", "userId": USER_ID}), &json!({"password": "Old-pass-1"})).await;
    mount_domain_user(&app, Some(scim_user(json!([]), true)), 1..=1).await;
    mount_password_policies(
        &app,
        json!([{"id": "p1", "name": "long", "priority": 1, "minLength": 30},
                {"id": "p2", "name": "short", "priority": 2, "maxLength": 20}]),
    )
    .await;
    Mock::given(method("PUT"))
        .and(path_regex("/UserPasswordChanger/"))
        .respond_with(ResponseTemplate::new(200))
        .named("UserPasswordChanger (never: no password meets the policies)")
        .expect(0)
        .mount(&app.oci)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(body_partial_json(json!({"secretContent": {}})))
        .respond_with(ResponseTemplate::new(200))
        .named("UpdateSecret with a new version (never)")
        .expect(0)
        .mount(&app.oci)
        .await;
    // When
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    // Then: 409 naming the rule; no password was set and no version written (the mocks expect 0).
    assert_eq!(out.response_code, 409, "{}", out.return_message);
    assert!(out.return_message.contains("minLength"), "{}", out.return_message);
    assert!(out.return_message.contains("nothing was changed"), "{}", out.return_message);
}
