//! Contract section 6, point 8: a failed step records `oci-rotator-last-outcome` on the secret,
//! merged with the secret's other freeform tags and written alone with `if-match`; a promotion
//! replaces a recorded failure with `succeeded ...`; the answer never depends on the record; a
//! clean step makes no call for it. Call by call against wiremock; the flow on the simulator is
//! `flows/last_outcome.rs`.

use std::collections::BTreeMap;

use oci_rotator::last_outcome::{self, OutcomeResult, TAG_KEY};
use oci_rotator::protocol::Step;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;

/// A secret whose metadata lacks `userId` (every step refuses it, 400, after GetSecret alone),
/// carrying `tags`.
fn misconfigured_secret(tags: Value) -> Value {
    let mut s = secret_json(1, json!({"credentialType": "API_KEY"}));
    s["freeformTags"] = tags;
    s
}

/// The tags-only UpdateSecret, answered `status`, mounted above `spawn_app`'s default (priority 1).
async fn mount_tag_write(app: &TestApp, if_match: &str, status: u16, times: std::ops::RangeInclusive<u64>) {
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(TagsOnly)
        .and(header("if-match", if_match))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(status).set_body_json(if status == 200 {
            secret_json(1, json!({}))
        } else {
            json!({"code": if status == 412 { "NoEtagMatch" } else { "InternalServerError" }, "message": "refused by the test"})
        }))
        .with_priority(1)
        .named(format!("UpdateSecret (tags alone, {status})"))
        .expect(times)
        .mount(&app.oci)
        .await;
}

/// The freeform tags a tags-only UpdateSecret carried.
fn written_tags(req: &wiremock::Request) -> BTreeMap<String, String> {
    let body: Value = serde_json::from_slice(&req.body).unwrap();
    serde_json::from_value(body["freeformTags"].clone()).unwrap()
}

fn within(at: &str, before: OffsetDateTime, after: OffsetDateTime) -> bool {
    let at = OffsetDateTime::parse(at, &Rfc3339).unwrap();
    at >= before.replace_nanosecond(0).unwrap() && at <= after
}

#[tokio::test]
async fn a_failed_step_records_its_outcome_merged_with_the_secrets_tags_with_if_match() {
    // Given: a misconfigured secret that carries two tags of its own.
    let app = spawn_app().await;
    app.mount_get_secret(misconfigured_secret(json!({"team": "payments", "cost-center": "42"})), 1).await;
    mount_tag_write(&app, "etag-1", 200, 1..=1).await;
    let before = OffsetDateTime::now_utc();
    // When
    let out = app.run_step(Step::VerifyConnection, None).await;
    // Then: the answer is the refusal, and one UpdateSecret carried the three tags and nothing else.
    assert_eq!(out.response_code, 400, "{}", out.return_message);
    let writes = app.tag_writes().await;
    assert_eq!(writes.len(), 1);
    let tags = written_tags(&writes[0]);
    assert_eq!((tags["team"].as_str(), tags["cost-center"].as_str()), ("payments", "42"), "{tags:?}");
    assert_eq!(tags.len(), 3, "{tags:?}");
    let value = &tags[TAG_KEY];
    let message = out.return_message.strip_prefix("VERIFY_CONNECTION: ").unwrap();
    assert!(value.starts_with("failed VERIFY_CONNECTION 400 ") && value.ends_with(&format!(": {message}")), "{value}");
    let parsed = last_outcome::parse(value).unwrap();
    assert_eq!(
        (parsed.result, parsed.step.as_deref(), parsed.response_code),
        (OutcomeResult::Failed, Some("VERIFY_CONNECTION"), Some(400))
    );
    assert!(within(&parsed.at, before, OffsetDateTime::now_utc()), "{value}");
    assert!(value.chars().count() <= 256);
    // And the body is the tags alone: no content, no promotion, no metadata.
    let body: Value = serde_json::from_slice(&writes[0].body).unwrap();
    assert_eq!(body.as_object().unwrap().keys().collect::<Vec<_>>(), vec!["freeformTags"]);
}

#[tokio::test]
async fn the_answer_is_the_same_when_the_record_cannot_be_written() {
    for status in [500, 412] {
        // Given: Vault refuses the tag write (a 5xx after retries, or a stale etag every time).
        let app = spawn_app().await;
        // 412: the secret is read again once, and the write tried once more.
        app.mount_get_secret(misconfigured_secret(json!({"team": "payments"})), if status == 412 { 2 } else { 1 }).await;
        mount_tag_write(&app, "etag-1", status, if status == 412 { 2..=2 } else { 1..=10 }).await;
        // When
        let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
        // Then: the step's own answer, as if nothing had been recorded.
        assert_eq!(out.response_code, 400, "{status}: {}", out.return_message);
        assert!(
            out.return_message.starts_with("CREATE_PENDING_VERSION: ") && out.return_message.contains("userId"),
            "{}",
            out.return_message
        );
        assert!(!app.tag_writes().await.is_empty(), "{status}: the record was attempted");
    }
}

#[tokio::test]
async fn a_promotion_after_a_recorded_failure_records_succeeded() {
    // Given: the secret records a failure of an earlier rotation.
    let app = spawn_app().await;
    let failed = "failed CREATE_PENDING_VERSION 400 2026-12-01T10:00:00Z: user ocid1.user.oc1..u does not name the secret";
    mount_tag_write(&app, "etag-1", 200, 1..=1).await;
    let before = OffsetDateTime::now_utc();
    // When: the PENDING version is promoted (the secret is read again for the record: 2 reads).
    app.given_promotable_api_key(json!({"team": "payments", TAG_KEY: failed}), 2).await;
    let out = app.run_step(Step::PromotePendingVersion, Some(2)).await;
    // Then: promoted, and the failure replaced by `succeeded <time>`, the other tag kept.
    assert_eq!((out.response_code, out.current_version_no), (200, Some(2)), "{}", out.return_message);
    let writes = app.tag_writes().await;
    assert_eq!(writes.len(), 1);
    let tags = written_tags(&writes[0]);
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert_eq!(tags["team"], "payments");
    let parsed = last_outcome::parse(&tags[TAG_KEY]).unwrap();
    assert_eq!((parsed.result, parsed.step, parsed.response_code), (OutcomeResult::Succeeded, None, None), "{tags:?}");
    assert!(within(&parsed.at, before, OffsetDateTime::now_utc()), "{tags:?}");
}

#[tokio::test]
async fn a_clean_promotion_with_no_failure_recorded_makes_no_call_for_it() {
    // Given: a secret whose tags record no failure (one earlier success, one tag of its own).
    let app = spawn_app().await;
    mount_tag_write(&app, "etag-1", 200, 0..=0).await;
    // When: promoted; the secret is read once, by the step.
    app.given_promotable_api_key(json!({"team": "payments", TAG_KEY: "succeeded 2026-12-01T10:00:00Z"}), 1).await;
    let out = app.run_step(Step::PromotePendingVersion, Some(2)).await;
    // Then
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    assert!(app.tag_writes().await.is_empty());
}

#[tokio::test]
async fn a_new_version_refused_because_a_record_moved_the_etag_is_written_again_with_the_fresh_one() {
    // Given: CREATE_PENDING_VERSION of an API key, and Vault refusing the first write (412): the
    // secret's tags were rewritten (say, a concurrent step's record) since the step read it.
    let app = spawn_app().await;
    let current = TestKey::generate();
    let secret = secret_json(1, api_key_metadata());
    for (etag, times) in [("etag-1", Some(1)), ("etag-2", None)] {
        let mock = Mock::given(method("GET"))
            .and(path(format!("/20180608/secrets/{SECRET_ID}")))
            .and(app.signed())
            .respond_with(ResponseTemplate::new(200).insert_header("etag", etag).set_body_json(secret.clone()))
            .named(format!("GetSecret ({etag})"))
            .expect(1);
        let mock = match times {
            Some(n) => mock.up_to_n_times(n),
            None => mock,
        };
        mock.mount(&app.oci).await;
    }
    app.mount_bundle_by_stage("LATEST", Some(bundle_json(1, &["CURRENT", "LATEST"], &current.content())), 1).await;
    app.mount_bundle_by_stage("PENDING", None, 1).await;
    for (etag, status) in [("etag-1", 412), ("etag-2", 200)] {
        Mock::given(method("PUT"))
            .and(path(format!("/20180608/secrets/{SECRET_ID}")))
            .and(header("if-match", etag))
            .and(app.signed())
            .respond_with(ResponseTemplate::new(status).set_body_json(if status == 200 {
                secret_json(1, api_key_metadata())
            } else {
                json!({"code": "NoEtagMatch", "message": "The if-match value does not match the secret's current etag"})
            }))
            .named(format!("UpdateSecret (new PENDING version, if-match {etag})"))
            .expect(1)
            .mount(&app.oci)
            .await;
    }
    app.mount_pending_version_listed(2).await;
    // When
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    // Then: the version was written with the fresh etag, and nothing was recorded (no failure).
    assert_eq!((out.response_code, out.current_version_no), (200, Some(2)), "{}", out.return_message);
    let writes = app.requests("PUT", "/secrets/").await;
    assert_eq!(writes.len(), 2);
    assert_eq!(content_of_update(&writes[0]), content_of_update(&writes[1]), "the same new key pair, written twice");
    assert!(app.tag_writes().await.is_empty());
}
