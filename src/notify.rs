//! Notifications of rotation outcomes to an ONS topic (`OCI_ROTATOR_NOTIFY_TOPIC`): a completed
//! rotation, a step that failed with a code retries will not change (400, 404, 409), and what
//! became of a Cloud Guard finding (including the reset of an unmanaged console password).
//! Messages carry OCIDs, the kind, versions, the step and the
//! `opc-request-id`; never secret material. A failed publish is logged and never fails the step.

use crate::oci::Client;

/// Where notices go.
#[derive(Debug, Clone)]
pub struct Notifier {
    topic_id: String,
}

/// A message for the topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Message title.
    pub title: String,
    /// Message body (plain text).
    pub body: String,
}

/// What a notice is about: the identifiers that locate it.
#[derive(Debug, Clone, Default)]
pub struct Subject<'a> {
    /// The secret OCID.
    pub secret_id: &'a str,
    /// `API_KEY`...
    pub kind: Option<&'a str>,
    /// The IAM user.
    pub user_id: Option<&'a str>,
    /// The version number reported.
    pub version: Option<u64>,
    /// The step, if any.
    pub step: Option<&'a str>,
    /// The `opc-request-id` of the OCI call that matters.
    pub opc_request_id: Option<&'a str>,
}

impl Subject<'_> {
    fn lines(&self) -> String {
        let opt = |v: Option<&str>| v.unwrap_or("-").to_owned();
        format!(
            "secret: {}\ncredential kind: {}\nuser: {}\nversion: {}\nstep: {}\nopc-request-id: {}",
            self.secret_id,
            opt(self.kind),
            opt(self.user_id),
            self.version.map_or("-".to_owned(), |v| v.to_string()),
            opt(self.step),
            opt(self.opc_request_id)
        )
    }
}

/// The notice for a completed rotation (PROMOTE_PENDING_VERSION answered 200).
pub fn rotation_completed(s: &Subject<'_>, message: &str) -> Notice {
    Notice {
        title: format!("oci-rotator: {} rotated for {}", s.kind.unwrap_or("credential"), s.user_id.unwrap_or(s.secret_id)),
        body: format!(
            "The rotation completed: version {} is CURRENT.\n{message}\n\n{}",
            s.version.map_or("-".to_owned(), |v| v.to_string()),
            s.lines()
        ),
    }
}

/// The notice for a step that failed with a code retries will not change.
pub fn step_failed(s: &Subject<'_>, code: u16, message: &str) -> Notice {
    Notice {
        title: format!("oci-rotator: {} failed with {code} for {}", s.step.unwrap_or("a step"), s.secret_id),
        body: format!("A rotation step failed and needs an administrator.\nresponseCode: {code}\n{message}\n\n{}", s.lines()),
    }
}

/// The notice for a Cloud Guard finding.
pub fn finding(s: &Subject<'_>, problem: &str, outcome: &str) -> Notice {
    Notice {
        title: format!("oci-rotator: Cloud Guard {problem}: {outcome}"),
        body: format!("Cloud Guard finding {problem}: {outcome}\n\n{}", s.lines()),
    }
}

/// The notice for an unmanaged console password reset from a `PASSWORD_TOO_OLD` finding
/// (`crate::cloud_guard::unmanaged_reset`): what happened, and what the user does now.
pub fn unmanaged_password_reset(s: &Subject<'_>, problem: &str, problem_id: &str) -> Notice {
    Notice {
        title: format!("oci-rotator: Cloud Guard {problem}: console password reset for {}", s.user_id.unwrap_or("-")),
        body: format!(
            "Cloud Guard finding {problem} (problem {problem_id}): no secret manages this console password and the user opted in \
             (freeform tag oci-rotator-console-password = unmanaged-reset), so the password was reset (CreateOrResetUIPassword). \
             The one-time password IAM chose was discarded: nobody holds it.\n\
             To sign in again, set a new password with \"Forgot password\" on the OCI Console sign-in page.\n\n{}",
            s.lines()
        ),
    }
}

impl Notifier {
    /// A notifier publishing to `topic_id`.
    pub fn new(topic_id: impl Into<String>) -> Self {
        Notifier { topic_id: topic_id.into() }
    }

    /// The topic's OCID.
    pub fn topic_id(&self) -> &str {
        &self.topic_id
    }

    /// Publishes `notice`; a failure is logged, never returned.
    pub async fn publish(&self, client: &Client, notice: &Notice) {
        match client.publish_message(&self.topic_id, &notice.title, &notice.body).await {
            Ok(()) => tracing::info!(topic_id = %self.topic_id, title = %notice.title, "notification published"),
            Err(e) => {
                tracing::warn!(topic_id = %self.topic_id, error = %e, "notification could not be published; the step's answer is unchanged")
            }
        }
    }
}
