//! The Monitoring operations the simulator serves; shapes from the official SDK's
//! `oci.monitoring.models` (`PostMetricDataDetails`, `ListMetricsDetails`, `Metric`,
//! `CreateAlarmDetails`, `Alarm`, `AlarmSummary`).

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::Posted;
use crate::sim::answer::Answer;
use crate::sim::call::{page_of, paging, Call};
use crate::sim::error::{invalid, not_found, SimError};
use crate::sim::ids;
use crate::sim::retry::once_per_token;

fn text<'v>(v: &'v Value, field: &str) -> Result<&'v str, SimError> {
    v.get(field).and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or_else(|| invalid(format!("{field} is required")))
}

fn known_compartment(call: &Call<'_>, id: &str) -> Result<(), SimError> {
    if call.sim.state().is_compartment(id) {
        Ok(())
    } else {
        Err(not_found("compartment"))
    }
}

fn dimensions(v: &Value) -> Result<BTreeMap<String, String>, SimError> {
    let map = v.get("dimensions").and_then(Value::as_object).ok_or_else(|| invalid("dimensions is required"))?;
    if map.is_empty() || map.len() > 20 {
        return Err(invalid("a metric has 1 to 20 dimensions"));
    }
    map.iter()
        .map(|(k, v)| match v.as_str() {
            Some(s) if !s.is_empty() && s.len() <= 512 => Ok((k.clone(), s.to_owned())),
            _ => Err(invalid(format!("dimension {k} must be a string of 1 to 512 characters"))),
        })
        .collect()
}

/// PostMetricData: `POST /20180401/metrics` (the ingestion endpoint). Every datapoint is stored.
pub(crate) fn post_metric_data(call: &Call<'_>) -> Result<Answer, SimError> {
    let body = call.json()?;
    let data =
        body.get("metricData").and_then(Value::as_array).filter(|d| !d.is_empty()).ok_or_else(|| invalid("metricData is required"))?;
    let mut posted = Vec::new();
    for m in data {
        let (namespace, compartment_id, name) = (text(m, "namespace")?, text(m, "compartmentId")?, text(m, "name")?);
        if namespace.starts_with("oci_") || namespace.starts_with("oracle_") {
            return Err(invalid("a custom namespace may not start with oci_ or oracle_"));
        }
        known_compartment(call, compartment_id)?;
        let dimensions = dimensions(m)?;
        let points =
            m.get("datapoints").and_then(Value::as_array).filter(|p| !p.is_empty()).ok_or_else(|| invalid("datapoints is required"))?;
        for p in points {
            let value = p.get("value").and_then(Value::as_f64).ok_or_else(|| invalid("a datapoint's value is required"))?;
            let timestamp = text(p, "timestamp")?;
            time::OffsetDateTime::parse(timestamp, &time::format_description::well_known::Rfc3339)
                .map_err(|_| invalid("a datapoint's timestamp must be RFC 3339"))?;
            posted.push(Posted {
                namespace: namespace.to_owned(),
                compartment_id: compartment_id.to_owned(),
                name: name.to_owned(),
                dimensions: dimensions.clone(),
                value,
            });
        }
    }
    call.sim.state().monitoring.datapoints.extend(posted);
    Ok(Answer::created(json!({"failedMetricsCount": 0, "failedMetrics": []})))
}

/// ListMetrics: `POST /20180401/metrics/actions/listMetrics?compartmentId=`: the distinct streams,
/// filtered by `name`, `namespace` and `dimensionFilters`.
pub(crate) fn list_metrics(call: &Call<'_>) -> Result<Answer, SimError> {
    let compartment = call.param("compartmentId").ok_or_else(|| invalid("compartmentId is required"))?.to_owned();
    known_compartment(call, &compartment)?;
    let body = call.json()?;
    let want = |field: &str| body.get(field).and_then(Value::as_str).map(str::to_owned);
    let (name, namespace) = (want("name"), want("namespace"));
    let filters: Map<String, Value> = body.get("dimensionFilters").and_then(Value::as_object).cloned().unwrap_or_default();
    let mut streams: Vec<Value> = Vec::new();
    for p in &call.sim.state().monitoring.datapoints {
        let matches = p.compartment_id == compartment
            && name.as_ref().is_none_or(|n| *n == p.name)
            && namespace.as_ref().is_none_or(|n| *n == p.namespace)
            && filters.iter().all(|(k, v)| v.as_str() == p.dimensions.get(k).map(String::as_str));
        let metric = json!({"name": p.name, "namespace": p.namespace, "compartmentId": p.compartment_id, "dimensions": p.dimensions});
        if matches && !streams.contains(&metric) {
            streams.push(metric);
        }
    }
    Ok(page_of(streams, paging(call)?))
}

/// CreateAlarm: `POST /20180401/alarms`; answers the `Alarm`, once per `opc-retry-token`.
pub(crate) fn create_alarm(call: &Call<'_>) -> Result<Answer, SimError> {
    let body = call.json()?;
    for field in ["displayName", "compartmentId", "metricCompartmentId", "namespace", "query", "severity"] {
        text(&body, field)?;
    }
    if !body.get("destinations").and_then(Value::as_array).is_some_and(|d| !d.is_empty() && d.iter().all(Value::is_string)) {
        return Err(invalid("destinations must list at least one topic"));
    }
    if !body.get("isEnabled").is_some_and(Value::is_boolean) {
        return Err(invalid("isEnabled is required"));
    }
    known_compartment(call, text(&body, "compartmentId")?)?;
    once_per_token(call, || {
        let mut alarm = body.as_object().cloned().unwrap_or_default();
        let now = ids::now_rfc3339();
        alarm.insert("id".to_owned(), json!(ids::ocid("ocid1.alarm.oc1.iad.aaaaaaaa")));
        alarm.insert("lifecycleState".to_owned(), json!("ACTIVE"));
        alarm.insert("timeCreated".to_owned(), json!(now));
        alarm.insert("timeUpdated".to_owned(), json!(now));
        let alarm = Value::Object(alarm);
        call.sim.state().monitoring.alarms.push(alarm.clone());
        Ok((Answer::created(alarm), None))
    })
}

/// ListAlarms: `GET /20180401/alarms?compartmentId=`, filtered by `displayName` and `lifecycleState`.
pub(crate) fn list_alarms(call: &Call<'_>) -> Result<Answer, SimError> {
    let compartment = call.param("compartmentId").ok_or_else(|| invalid("compartmentId is required"))?.to_owned();
    known_compartment(call, &compartment)?;
    let (name, state) = (call.param("displayName"), call.param("lifecycleState"));
    let field = |a: &Value, f: &str| a.get(f).and_then(Value::as_str).map(str::to_owned);
    let alarms: Vec<Value> = call
        .sim
        .state()
        .monitoring
        .alarms
        .iter()
        .filter(|a| field(a, "compartmentId").as_deref() == Some(compartment.as_str()))
        .filter(|a| name.is_none_or(|n| field(a, "displayName").as_deref() == Some(n)))
        .filter(|a| state.is_none_or(|s| field(a, "lifecycleState").as_deref() == Some(s)))
        .cloned()
        .collect();
    Ok(page_of(alarms, paging(call)?))
}
