//! The metrics each of Vault's steps posts (issue 21, point 3), call by call: with
//! `OCI_ROTATOR_METRICS_COMPARTMENT`, one PostMetricData per step (`step_result`, and
//! `rotation_completed` on a promotion) with the dimensions the alarms read; without it, none;
//! and a Monitoring that fails or hangs never changes a step's answer.

use std::time::{Duration, Instant};

use oci_rotator::protocol::Step;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;

const METRICS_COMPARTMENT: &str = "ocid1.compartment.oc1..metrics";

async fn spawn_app_posting_metrics() -> TestApp {
    spawn_app_with(&[("OCI_ROTATOR_METRICS_COMPARTMENT", METRICS_COMPARTMENT)]).await
}

/// PostMetricData (`POST /20180401/metrics`), answered by `answer`, expected `times`.
async fn mount_post_metric_data(app: &TestApp, answer: ResponseTemplate, times: std::ops::RangeInclusive<u64>) {
    Mock::given(method("POST"))
        .and(path("/20180401/metrics"))
        .and(app.signed())
        .respond_with(answer)
        .named("PostMetricData")
        .expect(times)
        .mount(&app.oci)
        .await;
}

fn accepted() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"failedMetricsCount": 0, "failedMetrics": []}))
}

/// The `metricData` of every PostMetricData sent, in order.
async fn posted(app: &TestApp) -> Vec<Vec<Value>> {
    app.requests("POST", "/20180401/metrics")
        .await
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["metricData"].as_array().unwrap().clone())
        .collect()
}

#[tokio::test]
async fn a_promotion_posts_step_result_and_rotation_completed_with_their_dimensions() {
    // Given: the function posts metrics, and a PENDING API key ready to promote.
    let app = spawn_app_posting_metrics().await;
    app.given_promotable_api_key(json!({}), 1).await;
    mount_post_metric_data(&app, accepted(), 1..=1).await;
    // When
    let out = app.run_step(Step::PromotePendingVersion, Some(2)).await;
    // Then: promoted, and one PostMetricData carried both metrics in namespace ocirotator.
    assert_eq!(out.response_code, 200, "{}", out.return_message);
    let posts = posted(&app).await;
    assert_eq!(posts.len(), 1);
    let names: Vec<&str> = posts[0].iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["step_result", "rotation_completed"]);
    for m in &posts[0] {
        assert_eq!((m["namespace"].as_str(), m["compartmentId"].as_str()), (Some("ocirotator"), Some(METRICS_COMPARTMENT)));
        assert_eq!(m["datapoints"][0]["value"], 1.0);
        assert!(m["datapoints"][0]["timestamp"].as_str().unwrap().ends_with('Z'), "{m}");
    }
    assert_eq!(
        posts[0][0]["dimensions"],
        json!({"secretId": SECRET_ID, "credentialType": "API_KEY", "step": "PROMOTE_PENDING_VERSION", "result": "succeeded", "responseCode": "200"})
    );
    assert_eq!(posts[0][1]["dimensions"], json!({"secretId": SECRET_ID, "credentialType": "API_KEY"}));
}

#[tokio::test]
async fn each_failed_step_posts_one_failed_step_result_and_no_rotation_completed() {
    // Given: the function posts metrics, and a secret whose metadata lacks userId (every step: 400).
    let app = spawn_app_posting_metrics().await;
    app.mount_get_secret(secret_json(1, json!({"credentialType": "API_KEY"})), 4).await;
    mount_post_metric_data(&app, accepted(), 4..=4).await;
    let steps = [Step::VerifyConnection, Step::CreatePendingVersion, Step::UpdateTargetSystem, Step::PromotePendingVersion];
    for step in steps {
        // When
        let out = app.run_step(step, Some(2)).await;
        assert_eq!(out.response_code, 400, "{}", out.return_message);
    }
    // Then: one step_result per step, in order, failed with 400; the kind is unknown (unreadable metadata).
    let posts = posted(&app).await;
    assert_eq!(posts.len(), 4);
    for (post, step) in posts.iter().zip(steps) {
        assert_eq!(post.len(), 1, "{post:?}");
        assert_eq!(post[0]["name"], "step_result");
        assert_eq!(
            post[0]["dimensions"],
            json!({"secretId": SECRET_ID, "credentialType": "UNKNOWN", "step": step.as_str(), "result": "failed", "responseCode": "400"})
        );
    }
}

#[tokio::test]
async fn without_the_compartment_no_metric_is_posted() {
    // Given: no OCI_ROTATOR_METRICS_COMPARTMENT.
    let app = spawn_app().await;
    app.given_promotable_api_key(json!({}), 1).await;
    mount_post_metric_data(&app, accepted(), 0..=0).await;
    // When
    let out = app.run_step(Step::PromotePendingVersion, Some(2)).await;
    // Then: promoted, and no call to Monitoring (the mock's expect(0) is checked on drop).
    assert_eq!(out.response_code, 200, "{}", out.return_message);
}

#[tokio::test]
async fn a_failing_or_hanging_monitoring_does_not_change_the_answer() {
    for (what, answer) in [
        ("500", ResponseTemplate::new(500).set_body_json(json!({"code": "InternalServerError", "message": "down"}))),
        ("hang", accepted().set_delay(Duration::from_secs(30))),
    ] {
        // Given: Monitoring answers 500 (retried), or not within 30 s.
        let app = spawn_app_posting_metrics().await;
        app.given_promotable_api_key(json!({}), 1).await;
        mount_post_metric_data(&app, answer, 1..=10).await;
        // When
        let started = Instant::now();
        let out = app.run_step(Step::PromotePendingVersion, Some(2)).await;
        // Then: the promotion's own answer, within the metrics budget (2 s) and some slack.
        assert_eq!((out.response_code, out.current_version_no), (200, Some(2)), "{what}: {}", out.return_message);
        assert!(out.return_message.starts_with("PROMOTE_PENDING_VERSION: "), "{what}: {}", out.return_message);
        assert!(started.elapsed() < Duration::from_secs(8), "{what}: {:?}", started.elapsed());
    }
}
