//! Secrets data-plane operations (`/20190301`): GetSecretBundle by `versionNumber`,
//! `secretVersionName` or `stage` (CURRENT when none is given), with the content base64 as stored.

use serde_json::json;

use super::answer::Answer;
use super::call::Call;
use super::error::SimError;

pub(crate) fn get_secret_bundle(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    let st = call.sim.state();
    let s = st.vault.secret(id)?;
    let v = s.select(call.param("versionNumber"), call.param("secretVersionName"), call.param("stage"))?;
    let mut bundle = json!({
        "secretId": id, "versionNumber": v.number, "stages": v.stages, "timeCreated": v.time_created,
        "secretBundleContent": {"contentType": "BASE64", "content": v.content_b64}, "metadata": s.metadata
    });
    if let Some(name) = &v.name {
        bundle["versionName"] = json!(name);
    }
    if let Some(t) = &v.time_of_deletion {
        bundle["timeOfDeletion"] = json!(t);
    }
    Ok(Answer::read(bundle))
}
