//! Given-helpers for Cloud Guard: the `problemremediated` event of a credential-age problem, as
//! the Events service delivers it to the function (tests of the unmanaged console-password reset,
//! on wiremock and on the simulator).

use serde_json::{json, Value};

use super::wire::TENANCY;

/// The event of `problem` (`PASSWORD_TOO_OLD`, ...) with the problem's OCID, the user it is about
/// and the responder's `comments`.
pub fn event(problem: &str, problem_id: &str, user_id: &str, comments: &str) -> Value {
    json!({
        "eventType": "com.oraclecloud.cloudguard.problemremediated",
        "cloudEventsVersion": "0.1",
        "eventTypeVersion": "2.0",
        "source": "CloudGuardResponderEngine",
        "eventID": "evt-password-0001",
        "eventTime": "2026-11-23T08:00:00Z",
        "contentType": "application/json",
        "data": {
            "compartmentId": TENANCY,
            "compartmentName": "root",
            "resourceName": "Password is too old",
            "resourceId": problem_id,
            "additionalDetails": {
                "problemName": problem,
                "riskLevel": "MEDIUM",
                "resourceId": user_id,
                "resourceName": "console-user",
                "problemAdditionalDetails": {"User OCID": user_id, "comments": comments}
            }
        }
    })
}
