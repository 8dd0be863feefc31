//! Given-helpers for identity domains against wiremock: the domain (at `<oci>/idcs-test`), the
//! SCIM user the domain lists for the test user, and the guards (`.expect(0)`) on what a domain
//! user must never see.

use serde_json::{json, Value};
use wiremock::matchers::{body_partial_json, header_exists, method, path, path_regex, query_param};
use wiremock::{Mock, ResponseTemplate};

use super::wire::*;

pub const DOMAIN_ID: &str = "ocid1.domain.oc1..aaaaaaaatestdomain";
pub const DOMAIN_USER_ID: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

pub fn domain_base(app: &TestApp) -> String {
    format!("{}/idcs-test", app.oci.uri())
}

pub fn domain_json(app: &TestApp, domain_type: &str, state: &str) -> Value {
    json!({"id": DOMAIN_ID, "compartmentId": TENANCY, "displayName": "apps", "url": domain_base(app), "type": domain_type,
        "lifecycleState": state, "homeRegion": "us-ashburn-1", "timeCreated": "2026-11-23T00:00:00Z"})
}

pub fn scim_user(tags: Value, password_set: bool) -> Value {
    let mut u = json!({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": DOMAIN_USER_ID, "ocid": USER_ID,
        "userName": "svc", "active": true,
        "urn:ietf:params:scim:schemas:oracle:idcs:extension:OCITags": {"freeformTags": tags, "definedTags": []}});
    if password_set {
        u["urn:ietf:params:scim:schemas:oracle:idcs:extension:passwordState:User"] =
            json!({"lastSuccessfulSetDate": "2026-11-23T00:00:00Z"});
    }
    u
}

pub async fn mount_get_domain(app: &TestApp, state: &str, times: u64) {
    Mock::given(method("GET"))
        .and(path(format!("/20160918/domains/{DOMAIN_ID}")))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(domain_json(app, "SECONDARY", state)))
        .named("GetDomain")
        .expect(times)
        .mount(&app.oci)
        .await;
}

/// The user found by OCID in a filter (`GET /admin/v1/Users?filter=ocid eq "<ocid>"`): listed,
/// or (None) not in the domain: an empty list.
pub async fn mount_domain_user(app: &TestApp, user: Option<Value>, times: std::ops::RangeInclusive<u64>) {
    let listed: Vec<Value> = user.into_iter().collect();
    let response = ResponseTemplate::new(200).set_body_json(
        json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": listed.len(), "Resources": listed}),
    );
    Mock::given(method("GET"))
        .and(path("/idcs-test/admin/v1/Users"))
        .and(query_param("filter", format!("ocid eq \"{USER_ID}\"")))
        .and(app.signed())
        .respond_with(response)
        .named("GET /admin/v1/Users?filter=ocid eq \"<ocid>\"")
        .expect(times)
        .mount(&app.oci)
        .await;
}

/// Fails the test if any domain API path holds an OCID (`Users/ocid1...`,
/// `UserPasswordChanger/ocid1...`, `AuthTokens/ocid1...`): paths take SCIM ids only.
pub async fn mount_no_ocid_in_domain_paths(app: &TestApp) {
    Mock::given(path_regex(r"^/idcs-test/admin/v1/.*ocid1\."))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"], "detail": "Resource not found", "status": "404"}),
        ))
        .with_priority(1)
        .named("a domain API path holding an OCID")
        .expect(0)
        .mount(&app.oci)
        .await;
}

pub async fn mount_no_classic_password_reset(app: &TestApp) {
    Mock::given(method("POST"))
        .and(path(format!("/20160918/users/{USER_ID}/uiPassword")))
        .respond_with(ResponseTemplate::new(500))
        .named("classic CreateOrResetUIPassword (never in a tenancy with identity domains)")
        .expect(0)
        .mount(&app.oci)
        .await;
}

/// The domain creates one credential of `resource` (once): the POST must carry `expected_body`
/// (at least), a retry token and the function's signature; it answers 201 with `answer`.
pub async fn mount_scim_create(app: &TestApp, resource: &str, expected_body: Value, answer: Value) {
    Mock::given(method("POST"))
        .and(path(format!("/idcs-test/admin/v1/{resource}")))
        .and(body_partial_json(expected_body))
        .and(header_exists("opc-retry-token"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(201).set_body_json(answer))
        .named(format!("create {resource}"))
        .expect(1)
        .mount(&app.oci)
        .await;
}

/// Given a domain with no such domain (GetDomain answers 404) when `missing` is `"domain"`,
/// otherwise an ACTIVE domain that does not list the user.
pub async fn given_domain_or_user_missing(app: &TestApp, missing: &str) {
    if missing == "domain" {
        app.mount_refused(&format!("/20160918/domains/{DOMAIN_ID}"), 1).await;
    } else {
        mount_get_domain(app, "ACTIVE", 1).await;
        mount_domain_user(app, None, 1..=1).await;
    }
}

/// The domain's password policies (`GET /admin/v1/PasswordPolicies`, once): `policies`, a JSON
/// array of SCIM `PasswordPolicy` objects.
pub async fn mount_password_policies(app: &TestApp, policies: Value) {
    let total = policies.as_array().map_or(0, Vec::len);
    Mock::given(method("GET"))
        .and(path("/idcs-test/admin/v1/PasswordPolicies"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], "totalResults": total, "Resources": policies}),
        ))
        .named("ListPasswordPolicies")
        .expect(1)
        .mount(&app.oci)
        .await;
}

/// Given a secret of `kind` whose metadata names the test user and the domain `DOMAIN_ID`, and
/// whose CURRENT version (1) holds `current`: GetSecret and the LATEST bundle, once each.
pub async fn given_domain_secret(app: &TestApp, kind: &str, current: &Value) {
    app.given_secret(1, json!({"credentialType": kind, "userId": USER_ID, "domainId": DOMAIN_ID}), current).await;
}
