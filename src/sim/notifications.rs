//! Notifications (`/20181201`): PublishMessage to a topic, kept for inspection
//! ([`super::Simulator::published`]).

use serde_json::json;

use super::answer::Answer;
use super::call::Call;
use super::error::{err, SimError};
use super::ids;
use super::state::Published;

pub(crate) fn publish_message(call: &Call<'_>, topic: &str) -> Result<Answer, SimError> {
    let body = call.json()?;
    let text = body.get("body").and_then(|b| b.as_str()).ok_or_else(|| err(400, "MissingParameter", "body is required"))?;
    let title = body.get("title").and_then(|t| t.as_str()).unwrap_or_default();
    call.sim.state().published.push(Published { topic: topic.to_owned(), title: title.to_owned(), body: text.to_owned() });
    Ok(Answer::created(json!({"messageId": ids::hex(32), "timeStamp": ids::now_rfc3339()})))
}
