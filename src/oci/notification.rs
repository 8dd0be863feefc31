//! Notifications (ONS data plane, `20181201`): publishing a message to a topic.

use reqwest::Method;
use serde_json::json;

use super::client::{encode_segment, Client, Request, Service};
use super::error::Error;

impl Client {
    /// PublishMessage: `POST /20181201/topics/{topicId}/messages` with `{"title", "body"}`.
    pub async fn publish_message(&self, topic_id: &str, title: &str, body: &str) -> Result<(), Error> {
        let req = Request::new(
            "PublishMessage",
            Service::Notification,
            Method::POST,
            format!("/20181201/topics/{}/messages", encode_segment(topic_id)),
        )
        .json(&json!({"title": title, "body": body}));
        self.send(req).await.map(drop)
    }
}
