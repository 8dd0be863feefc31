//! Monitoring (`/20180401`): custom metrics and alarms, enough for the function's metrics and
//! `oci-rotator alarms` (issue 21). `ops.rs` holds the operations: PostMetricData (every
//! datapoint stored), ListMetrics (the distinct streams), CreateAlarm (stored, with
//! `opc-retry-token`), ListAlarms. Alarms are stored, never evaluated; MQL is not parsed.

pub(crate) mod ops;

use std::collections::BTreeMap;

/// One datapoint posted: its stream (namespace, compartment, name, dimensions) and value (its
/// timestamp is checked, not kept).
#[derive(Debug, Clone)]
pub(crate) struct Posted {
    pub namespace: String,
    pub compartment_id: String,
    pub name: String,
    pub dimensions: BTreeMap<String, String>,
    pub value: f64,
}

/// What the simulated Monitoring holds.
#[derive(Debug, Default)]
pub(crate) struct Monitoring {
    /// Every datapoint posted, in order.
    pub datapoints: Vec<Posted>,
    /// Alarms created (CreateAlarm's JSON, with `id`, `lifecycleState`, times), in order.
    pub alarms: Vec<serde_json::Value>,
}
