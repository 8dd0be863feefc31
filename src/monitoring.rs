//! OCI Monitoring for rotations (issue 21, points 3 and 4): the custom metrics the function posts
//! after each of Vault's four steps ([`Metrics`], on with `OCI_ROTATOR_METRICS_COMPARTMENT`), and
//! the two alarms over them that `oci-rotator alarms` prints or creates ([`AlarmPlan`]).
//!
//! Posting is best effort: it runs after the step's answer is decided, within the step's deadline
//! and at most [`POST_BUDGET`], and a failure is logged, never returned. Metrics carry OCIDs, the
//! kind, the step and the `responseCode`; never secret material.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;

use crate::oci::monitoring::{AlarmSummary, CreateAlarmDetails, Datapoint, MetricData};
use crate::oci::Client;

/// The custom metric namespace (custom namespaces may not start with `oci_`).
pub const NAMESPACE: &str = "ocirotator";
/// One datapoint per step of Vault's: dimensions `secretId`, `credentialType`, `step`, `result`,
/// `responseCode`.
pub const STEP_RESULT: &str = "step_result";
/// One datapoint per promotion: dimensions `secretId`, `credentialType`.
pub const ROTATION_COMPLETED: &str = "rotation_completed";
/// The longest a step waits for PostMetricData (the deadline may cut it shorter).
pub const POST_BUDGET: Duration = Duration::from_secs(2);
/// OCI Monitoring's longest absence detection period for `absent()` (72 hours).
pub const MAX_ABSENCE_HOURS: u64 = 72;
/// Days added to the rotation interval before a missing rotation is an alarm.
pub const GRACE_DAYS: u64 = 7;

/// Where the function's metrics go.
#[derive(Debug, Clone)]
pub struct Metrics {
    compartment_id: String,
}

/// One step's result, as the metrics name it.
#[derive(Debug, Clone, Copy)]
pub struct StepResult<'a> {
    /// The secret OCID.
    pub secret_id: &'a str,
    /// `credentialType` (`UNKNOWN` when the secret's metadata could not be read).
    pub credential_type: Option<&'a str>,
    /// `VERIFY_CONNECTION`...
    pub step: &'a str,
    /// The answer's `responseCode`.
    pub response_code: u16,
    /// The step promoted a version (the rotation completed).
    pub promoted: bool,
}

impl Metrics {
    /// Metrics posted to `compartment_id`.
    pub fn new(compartment_id: impl Into<String>) -> Self {
        Metrics { compartment_id: compartment_id.into() }
    }

    /// The metric data for one step: `step_result`, and `rotation_completed` on a promotion.
    pub fn for_step(&self, r: &StepResult<'_>, at: time::OffsetDateTime) -> Vec<MetricData> {
        let kind = r.credential_type.unwrap_or("UNKNOWN");
        let datum = |name: &str, dimensions: &[(&str, &str)]| MetricData {
            namespace: NAMESPACE.to_owned(),
            compartment_id: self.compartment_id.clone(),
            name: name.to_owned(),
            dimensions: dimensions.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect::<BTreeMap<_, _>>(),
            datapoints: vec![Datapoint { timestamp: rfc3339(at), value: 1.0 }],
        };
        let code = r.response_code.to_string();
        let result = if r.response_code == 200 { "succeeded" } else { "failed" };
        let mut data = vec![datum(
            STEP_RESULT,
            &[("secretId", r.secret_id), ("credentialType", kind), ("step", r.step), ("result", result), ("responseCode", &code)],
        )];
        if r.promoted && r.response_code == 200 {
            data.push(datum(ROTATION_COMPLETED, &[("secretId", r.secret_id), ("credentialType", kind)]));
        }
        data
    }

    /// Posts one step's metrics within the client's deadline and [`POST_BUDGET`]; a failure is
    /// logged, never returned.
    pub async fn post(&self, client: &Client, r: &StepResult<'_>) {
        let data = self.for_step(r, time::OffsetDateTime::now_utc());
        let budget = client.time_left().map_or(POST_BUDGET, |left| left.min(POST_BUDGET));
        match tokio::time::timeout(budget, client.post_metric_data(&data)).await {
            Ok(Ok(answer)) if answer.failed_metrics_count == 0 => {
                tracing::debug!(datapoints = data.len(), "metrics posted")
            }
            Ok(Ok(answer)) => {
                tracing::warn!(failed = answer.failed_metrics_count, "Monitoring refused some metrics; the step's answer is unchanged")
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "metrics could not be posted; the step's answer is unchanged"),
            Err(_) => {
                tracing::warn!(budget_ms = budget.as_millis() as u64, "metrics were not posted in time; the step's answer is unchanged")
            }
        }
    }
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// `alarms --interval`: a rotation interval (`P90D`, `90d`) in days.
pub fn interval_days(s: &str) -> Result<u64, String> {
    crate::flags::parse_interval(s).and_then(|p| crate::flags::parse_days(&p))
}

/// What `alarms` is asked for.
#[derive(Debug, Clone)]
pub struct AlarmRequest {
    /// Where the alarms live; the metrics are read there too (the function's
    /// `OCI_ROTATOR_METRICS_COMPARTMENT`).
    pub compartment_id: String,
    /// The ONS topic notified.
    pub topic_id: String,
    /// The rotation interval in days (`--interval`, default 90).
    pub interval_days: u64,
}

/// The two alarms, and what OCI cannot express of them.
#[derive(Debug, Clone)]
pub struct AlarmPlan {
    /// The failed-step alarm, then the missing-rotation alarm.
    pub alarms: Vec<CreateAlarmDetails>,
    /// Why the missing-rotation alarm's window is not the one asked for.
    pub note: String,
}

/// The query of the failed-step alarm: any `step_result` with `result = "failed"` in the last hour.
pub const FAILED_STEP_QUERY: &str = "step_result[1h]{result = \"failed\"}.grouping().count() > 0";

impl AlarmPlan {
    /// The two alarms for `req`.
    pub fn new(req: &AlarmRequest) -> Self {
        let wanted_days = req.interval_days + GRACE_DAYS;
        let alarm = |name: &str, query: String, pending: &str, severity: &str, body: String, per_secret: bool| CreateAlarmDetails {
            display_name: name.to_owned(),
            compartment_id: req.compartment_id.clone(),
            metric_compartment_id: req.compartment_id.clone(),
            namespace: NAMESPACE.to_owned(),
            query,
            pending_duration: pending.to_owned(),
            severity: severity.to_owned(),
            body,
            is_notifications_per_metric_dimension_enabled: per_secret,
            destinations: vec![req.topic_id.clone()],
            is_enabled: true,
        };
        let failed = alarm(
            "oci-rotator: a rotation step failed",
            FAILED_STEP_QUERY.to_owned(),
            "PT1M",
            "CRITICAL",
            "A rotation step failed in the last hour (metric step_result, result = failed): see the secret's tag \
             oci-rotator-last-outcome and `oci-rotator status`."
                .to_owned(),
            false,
        );
        let absent = alarm(
            "oci-rotator: no rotation completed",
            format!("{ROTATION_COMPLETED}[1d].groupBy(secretId).absent({MAX_ABSENCE_HOURS}h)"),
            "PT1H",
            "WARNING",
            format!(
                "No rotation_completed for a secret within a day of its last one (OCI's absence detection period is at most \
                 {MAX_ABSENCE_HOURS}h, so the {wanted_days}-day window asked for cannot be expressed): run `oci-rotator status`, \
                 which reads Vault's next rotation time, to tell an overdue secret."
            ),
            true,
        );
        let note = format!(
            "the missing-rotation alarm cannot watch {wanted_days} days (interval {} + {GRACE_DAYS}): OCI Monitoring's absent() \
             looks back at most {MAX_ABSENCE_HOURS}h and an interval is at most 1d; it uses those, and `oci-rotator status` \
             tells overdue secrets (docs/operating.md, \"Metrics and alarms\")",
            req.interval_days
        );
        AlarmPlan { alarms: vec![failed, absent], note }
    }

    /// Each alarm as `oci monitoring alarm create --from-json` reads it, one JSON object a line
    /// (the CLI names the query `queryText`; the API names it `query`).
    pub fn json_lines(&self) -> String {
        self.alarms
            .iter()
            .map(|a| {
                let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
                if let Some(o) = v.as_object_mut() {
                    if let Some(q) = o.remove("query") {
                        o.insert("queryText".to_owned(), q);
                    }
                }
                format!("{v}\n")
            })
            .collect()
    }

    /// Creates each alarm no ACTIVE alarm of its name already is (ListAlarms by display name first).
    pub async fn apply(&self, client: &Client) -> Result<Applied, crate::oci::Error> {
        let mut done = Vec::new();
        for a in &self.alarms {
            let existing = client.list_alarms(&a.compartment_id, &a.display_name).await?;
            match existing.into_iter().find(|e| e.display_name == a.display_name) {
                Some(e) => done.push((false, e)),
                None => done.push((true, client.create_alarm(a).await?)),
            }
        }
        Ok(Applied { alarms: done })
    }
}

/// What `alarms --apply` did: each alarm, created (true) or found already there (false).
#[derive(Debug, Clone)]
pub struct Applied {
    /// `(created, alarm)` in the plan's order.
    pub alarms: Vec<(bool, AlarmSummary)>,
}

impl Applied {
    /// One line per alarm: `created` or `exists` (left as it is, not compared), its name and OCID.
    pub fn table(&self) -> String {
        self.alarms
            .iter()
            .map(|(created, a)| {
                let what = if *created { "created" } else { "exists (left as it is, not compared)" };
                format!("{what}: {} {}\n", a.display_name, a.id)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_step_posts_step_result_only_and_a_promotion_both() {
        let m = Metrics::new("ocid1.compartment.oc1..c");
        let at = time::macros::datetime!(2026-01-02 03:04:05 UTC);
        let failed =
            StepResult { secret_id: "s", credential_type: None, step: "CREATE_PENDING_VERSION", response_code: 409, promoted: false };
        let data = m.for_step(&failed, at);
        assert_eq!(data.len(), 1);
        assert_eq!(data[0].dimensions["result"], "failed");
        assert_eq!(data[0].dimensions["credentialType"], "UNKNOWN");
        assert_eq!(data[0].datapoints[0].timestamp, "2026-01-02T03:04:05Z");
        let promoted = StepResult { response_code: 200, promoted: true, credential_type: Some("API_KEY"), ..failed };
        let names: Vec<_> = m.for_step(&promoted, at).into_iter().map(|d| d.name).collect();
        assert_eq!(names, [STEP_RESULT, ROTATION_COMPLETED]);
    }
}
