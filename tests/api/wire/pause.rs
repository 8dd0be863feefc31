//! `pause` and `resume` (issue 21, point 2), call by call against wiremock: one GetSecret and one
//! UpdateSecret per secret, `if-match` the etag read, carrying the rotation config as read with
//! only `isScheduledRotationEnabled` changed and the freeform tags merged; idempotent (no write
//! when there is nothing to change); bad input refused before any call. The flow on the simulator
//! is `flows/pause.rs`.

use std::collections::BTreeMap;

use oci_rotator::lifecycle::pause::{self, Outcome, Scope, TAG_KEY};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;

/// Now, for the checks of `--until`.
fn now() -> OffsetDateTime {
    OffsetDateTime::parse("2026-12-04T12:00:00Z", &Rfc3339).unwrap()
}

fn rotation_config(scheduled: bool) -> Value {
    json!({"rotationInterval": "P90D", "isScheduledRotationEnabled": scheduled,
        "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": "ocid1.fnfunc.oc1.iad.aaaaaaaarotator"}})
}

/// GetSecret answers a managed secret with `rotation_config` and `tags` (etag `etag-1`), once.
async fn given_secret(app: &TestApp, rotation_config: Value, tags: Value) {
    let mut s = secret_json(1, api_key_metadata());
    s["rotationConfig"] = rotation_config;
    s["freeformTags"] = tags;
    app.mount_get_secret(s, 1).await;
}

/// UpdateSecret carrying a rotation config (the pause's or resume's write), `if-match` `etag-1`,
/// expected `times` times.
async fn expect_schedule_writes(app: &TestApp, times: u64) {
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(header("if-match", "etag-1"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).insert_header("etag", "etag-2").set_body_json(secret_json(1, api_key_metadata())))
        .named("UpdateSecret (rotationConfig and freeformTags)")
        .expect(times)
        .mount(&app.oci)
        .await;
}

/// The body of the one UpdateSecret received.
async fn the_one_write(app: &TestApp) -> Value {
    let puts = app.requests("PUT", "/20180608/secrets/").await;
    assert_eq!(puts.len(), 1, "exactly one UpdateSecret");
    serde_json::from_slice(&puts[0].body).unwrap()
}

fn tags_of(body: &Value) -> BTreeMap<String, String> {
    serde_json::from_value(body["freeformTags"].clone()).unwrap()
}

fn keys(body: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = body.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

#[tokio::test]
async fn pause_turns_the_schedule_off_keeps_the_rest_and_records_the_pause_with_if_match() {
    // Given: a scheduled secret with two tags of its own.
    let app = spawn_app().await;
    given_secret(&app, rotation_config(true), json!({"team": "payments", "oci-rotator-last-outcome": "succeeded 2026-11-01T00:00:00Z"}))
        .await;
    expect_schedule_writes(&app, 1).await;
    // When
    let scope = Scope::Secret(SECRET_ID.to_owned());
    let report = pause::pause(&client_against(&app.oci), &scope, "quarter-end freeze", Some("2027-01-15"), now()).await.unwrap();
    // Then: one UpdateSecret: the rotation config as read with the schedule off, the tags merged.
    assert_eq!(report.lines.iter().map(|l| l.outcome.clone()).collect::<Vec<_>>(), vec![Outcome::Paused]);
    let body = the_one_write(&app).await;
    assert_eq!(keys(&body), vec!["freeformTags", "rotationConfig"]);
    assert_eq!(body["rotationConfig"], rotation_config(false));
    let tags = tags_of(&body);
    assert_eq!(tags.len(), 3, "{tags:?}");
    assert_eq!(tags["team"], "payments");
    assert_eq!(tags["oci-rotator-last-outcome"], "succeeded 2026-11-01T00:00:00Z");
    assert_eq!(tags[TAG_KEY], "2027-01-15 quarter-end freeze");
}

#[tokio::test]
async fn pausing_a_paused_secret_rewrites_reason_and_end_and_writes_nothing_when_they_are_the_same() {
    for (reason, writes, outcome) in [("incident 4711", 1, Outcome::Updated), ("quarter-end freeze", 0, Outcome::AlreadyPaused)] {
        // Given: a secret paused until 2027-01-15 for a quarter-end freeze.
        let app = spawn_app().await;
        given_secret(&app, rotation_config(false), json!({TAG_KEY: "2027-01-15 quarter-end freeze"})).await;
        expect_schedule_writes(&app, writes).await;
        // When
        let scope = Scope::Secret(SECRET_ID.to_owned());
        let report = pause::pause(&client_against(&app.oci), &scope, reason, Some("2027-01-15"), now()).await.unwrap();
        // Then
        assert_eq!(report.lines[0].outcome, outcome, "{reason}");
        if writes == 1 {
            assert_eq!(tags_of(&the_one_write(&app).await)[TAG_KEY], "2027-01-15 incident 4711");
        }
    }
}

#[tokio::test]
async fn resume_turns_the_schedule_on_and_removes_the_pause_keeping_other_tags() {
    // Given: a paused secret with a tag of its own.
    let app = spawn_app().await;
    given_secret(&app, rotation_config(false), json!({"team": "payments", TAG_KEY: "- incident 4711"})).await;
    expect_schedule_writes(&app, 1).await;
    // When
    let report = pause::resume(&client_against(&app.oci), &Scope::Secret(SECRET_ID.to_owned())).await.unwrap();
    // Then: one UpdateSecret: the schedule on, the rest as read, the pause gone, the team's tag kept.
    assert_eq!(report.lines[0].outcome, Outcome::Resumed);
    let body = the_one_write(&app).await;
    assert_eq!(keys(&body), vec!["freeformTags", "rotationConfig"]);
    assert_eq!(body["rotationConfig"], rotation_config(true));
    assert_eq!(tags_of(&body), BTreeMap::from([("team".to_owned(), "payments".to_owned())]));
}

#[tokio::test]
async fn resuming_a_secret_that_is_not_paused_writes_nothing_and_says_so() {
    // Given: a scheduled secret, and one whose schedule is off with no pause recorded.
    for scheduled in [true, false] {
        let app = spawn_app().await;
        given_secret(&app, rotation_config(scheduled), json!({"team": "payments"})).await;
        expect_schedule_writes(&app, 0).await;
        // When
        let report = pause::resume(&client_against(&app.oci), &Scope::Secret(SECRET_ID.to_owned())).await.unwrap();
        // Then: nothing written (a schedule turned off by someone else is not turned on).
        assert_eq!(report.lines[0].outcome, Outcome::NotPaused, "scheduled {scheduled}");
        assert!(report.text().contains("NOT_PAUSED") && report.text().contains("nothing written"), "{}", report.text());
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_any_call() {
    // Given: Vault, expecting no read and no write.
    let app = spawn_app().await;
    app.mount_get_secret(secret_json(1, api_key_metadata()), 0).await;
    expect_schedule_writes(&app, 0).await;
    let client = client_against(&app.oci);
    let secret = Scope::Secret(SECRET_ID.to_owned());
    for (scope, reason, until, says) in [
        (&secret, "freeze", Some("next week"), "not a date"),
        (&secret, "freeze", Some("2026-12-01"), "not in the future"),
        (&secret, "freeze", Some("2026-12-04T11:00:00Z"), "not in the future"),
        (&secret, "  ", None, "--reason is empty"),
        (&Scope::Secret("ocid1.user.oc1..x".to_owned()), "freeze", None, "not a secret OCID"),
        (&Scope::Compartment { id: "finance".to_owned(), subtree: false }, "freeze", None, "not a compartment"),
    ] {
        // When
        let e = pause::pause(&client, scope, reason, until, now()).await.unwrap_err();
        // Then: a clear error, and (the mocks' expect(0)) no call.
        assert!(e.to_string().contains(says), "{reason:?} {until:?}: {e}");
    }
    let e = pause::resume(&client, &Scope::Secret("not-an-ocid".to_owned())).await.unwrap_err();
    assert!(e.to_string().contains("not a secret OCID"), "{e}");
}
