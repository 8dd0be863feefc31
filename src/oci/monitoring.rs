//! Monitoring (`20180401`): PostMetricData (on the `telemetry-ingestion` endpoint), and CreateAlarm
//! and ListAlarms (on the `telemetry` endpoint). Wire shapes from the official SDK's
//! `oci.monitoring` (`PostMetricDataDetails`, `MetricDataDetails`, `Datapoint`,
//! `CreateAlarmDetails`, `AlarmSummary`). It knows nothing of rotation.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::client::{Client, Request, Service};
use super::error::Error;
use super::paging::Paging;

/// One metric stream's datapoints (`MetricDataDetails`).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MetricData {
    /// The custom namespace (may not start with `oci_`).
    pub namespace: String,
    /// Where the metric is stored.
    pub compartment_id: String,
    /// The metric's name.
    pub name: String,
    /// Its dimensions (at most 20; values at most 512 characters).
    pub dimensions: BTreeMap<String, String>,
    /// Its datapoints.
    pub datapoints: Vec<Datapoint>,
}

/// One datapoint (`Datapoint`): an RFC 3339 time and a value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Datapoint {
    /// When (RFC 3339, UTC).
    pub timestamp: String,
    /// The value.
    pub value: f64,
}

/// What PostMetricData answers (`PostMetricDataResponseDetails`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PostMetricDataAnswer {
    /// How many metric objects were refused.
    #[serde(default)]
    pub failed_metrics_count: u64,
}

/// The body of CreateAlarm (`CreateAlarmDetails`, the fields this crate sets).
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CreateAlarmDetails {
    /// The alarm's name (ListAlarms can filter on it).
    pub display_name: String,
    /// Where the alarm lives.
    pub compartment_id: String,
    /// Where the metric is.
    pub metric_compartment_id: String,
    /// The metric namespace.
    pub namespace: String,
    /// The MQL expression.
    pub query: String,
    /// How long the condition must hold before the alarm fires (ISO 8601, e.g. `PT5M`).
    pub pending_duration: String,
    /// `CRITICAL`, `ERROR`, `WARNING` or `INFO`.
    pub severity: String,
    /// The notification's body.
    pub body: String,
    /// One notification per metric stream (per secret) rather than one for the alarm.
    pub is_notifications_per_metric_dimension_enabled: bool,
    /// The ONS topics notified.
    pub destinations: Vec<String>,
    /// Whether the alarm is evaluated.
    pub is_enabled: bool,
}

/// One alarm as CreateAlarm and ListAlarms answer it (`Alarm`, `AlarmSummary`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlarmSummary {
    /// The alarm's OCID.
    pub id: String,
    /// Its name.
    pub display_name: String,
    /// Its MQL expression.
    #[serde(default)]
    pub query: String,
    /// Its ONS topics.
    #[serde(default)]
    pub destinations: Vec<String>,
    /// `ACTIVE`, `DELETING`, `DELETED`.
    #[serde(default)]
    pub lifecycle_state: String,
}

impl Client {
    /// PostMetricData: `POST /20180401/metrics` on the ingestion endpoint with `{"metricData": [...]}`.
    pub async fn post_metric_data(&self, metric_data: &[MetricData]) -> Result<PostMetricDataAnswer, Error> {
        let req = Request::new("PostMetricData", Service::TelemetryIngestion, Method::POST, "/20180401/metrics".to_owned())
            .json(&json!({ "metricData": metric_data }));
        self.send(req).await?.json("PostMetricData")
    }

    /// CreateAlarm: `POST /20180401/alarms`.
    pub async fn create_alarm(&self, details: &CreateAlarmDetails) -> Result<AlarmSummary, Error> {
        let body = serde_json::to_value(details).unwrap_or_default();
        let mut req = Request::new("CreateAlarm", Service::Telemetry, Method::POST, "/20180401/alarms".to_owned()).json(&body);
        req.retry_token = Some(super::client::new_retry_token());
        self.send(req).await?.json("CreateAlarm")
    }

    /// ListAlarms of `compartment_id` named `display_name` (every page, ACTIVE ones).
    pub async fn list_alarms(&self, compartment_id: &str, display_name: &str) -> Result<Vec<AlarmSummary>, Error> {
        self.pages(Paging::all(1000), || {
            let mut req = Request::new("ListAlarms", Service::Telemetry, Method::GET, "/20180401/alarms".to_owned());
            req.query = vec![
                ("compartmentId", compartment_id.to_owned()),
                ("displayName", display_name.to_owned()),
                ("lifecycleState", "ACTIVE".to_owned()),
            ];
            req
        })
        .await
    }
}
