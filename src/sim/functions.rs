//! Functions (`/20260325`, as the official SDK sends it, and the older `/20181201`) for the
//! functions given with `simulate --function OCID=URL` (or
//! [`super::Simulator::register_function`]): GetFunction (its `invokeEndpoint` is the simulator
//! itself) and InvokeFunction (`POST /20260325/functions/{id}/actions/invoke`), whose body is
//! forwarded to `URL/call` and whose answer is the function's. Signed like every other call
//! (the pipeline checks the signature, body included); a function this simulator does not know is
//! 404 `NotAuthorizedOrNotFound`, as OCI answers one the caller may not see.

use std::time::Duration;

use serde_json::json;

use super::answer::Answer;
use super::call::Call;
use super::error::{err, not_found, SimError};

/// Longest wait for the function's answer (OCI's own limit is 300 s).
const INVOKE_TIMEOUT: Duration = Duration::from_secs(120);

fn url_of(call: &Call<'_>, function_id: &str) -> Result<String, SimError> {
    call.sim.function_url(function_id).ok_or_else(|| not_found(&format!("function {function_id}")))
}

pub(crate) fn get_function(call: &Call<'_>, function_id: &str) -> Result<Answer, SimError> {
    url_of(call, function_id)?;
    let tenancy = call.sim.tenancy_id();
    Ok(Answer::read(json!({
        "id": function_id, "displayName": "oci-rotator", "applicationId": "ocid1.fnapp.oc1.iad.simulated",
        "compartmentId": tenancy, "lifecycleState": "ACTIVE", "image": "oci-rotator:simulated", "memoryInMBs": 256,
        "timeoutInSeconds": 120, "invokeEndpoint": call.sim.endpoint().unwrap_or_default(),
        "timeCreated": "2026-11-23T00:00:00Z", "timeUpdated": "2026-11-23T00:00:00Z",
    })))
}

pub(crate) async fn invoke_function(call: &Call<'_>, function_id: &str) -> Result<Answer, SimError> {
    let url = url_of(call, function_id)?;
    let unreachable = |why: String| err(502, "FunctionInvokeFailed", format!("function {function_id} did not answer: {why}"));
    let resp = reqwest::Client::new()
        .post(format!("{url}/call"))
        .header("content-type", "application/json")
        .header("fn-call-id", format!("sim-{}", super::ids::hex(16)))
        .timeout(INVOKE_TIMEOUT)
        .body(call.body.to_vec())
        .send()
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let bytes = resp.bytes().await.map_err(|e| unreachable(e.to_string()))?;
    let body = serde_json::from_slice(&bytes).map_err(|e| unreachable(format!("not JSON ({e})")))?;
    Ok(Answer::read(body))
}
