//! The Oracle tutorial's unmanaged console-password reset, as an opt-in
//! (`OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS=on`, exactly; off by default).
//!
//! The tutorial answers every `PASSWORD_TOO_OLD` finding with `CreateOrResetUIPassword` and tells
//! the user to choose a new password with "Forgot password". oci-rotator does the same only for a
//! password no secret manages (a managed one is rotated through Vault, as every other finding), and
//! only when all of these hold, checked in this order, cheapest first:
//!
//! 1. the setting is `on` and the finding is `PASSWORD_TOO_OLD` (no call otherwise);
//! 2. no secret manages the password (the search of `crate::cloud_guard`);
//! 3. Cloud Guard confirms the problem: the event's problem OCID (`data.resourceId`,
//!    `ocid1.cloudguardproblem.`...) is answered by GetProblem, its `detectorRuleId` is
//!    `PASSWORD_TOO_OLD`, its `lifecycleDetail` is not `DISMISSED` or `DELETED`, and it names the
//!    event's user ([`names_user`]). Anyone allowed to invoke the function can send it an event;
//!    only Cloud Guard can make a problem exist;
//! 4. the user opted in: its freeform tag `oci-rotator-console-password` is exactly
//!    `unmanaged-reset` (`binding::check_unmanaged_reset`, which alone makes the [`BoundUser`]
//!    that `CreateOrResetUIPassword` requires, and only from a [`ConfirmedProblem`]).
//!
//! The reset is the classic `CreateOrResetUIPassword` of the user, with an `opc-retry-token`
//! derived from the event id (a replay within IAM's retry-token window does not reset twice). Its
//! response, which carries IAM's one-time password, is never parsed: the bytes are wiped when
//! dropped and the password never becomes a string, a log field or a message. In a tenancy with
//! identity domains the same call e-mails the user a reset link and returns no password; that is
//! still the tutorial's behaviour (the user sets a new password), so the function makes the same
//! call there and does not look for the user's domain. Users of other identity domains are not
//! visible to the classic GetUser: their tag cannot be read, so they are never reset.

use crate::binding::{self, BoundUser, UnmanagedResetRefused};
use crate::engine::oci_code;
use crate::oci::cloud_guard::Problem;
use crate::oci::Client;
use crate::proof::ConfirmedProblem;
use crate::protocol::is_ocid_of;

use super::{retry_token, Finding};

/// The problem this module acts on.
pub const PROBLEM: &str = "PASSWORD_TOO_OLD";

/// The switch is a process setting, read by `config` (it lives there so that the settings
/// import nothing above them); re-exported here, where it is acted on.
pub use crate::config::UnmanagedReset;

/// What an attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The password was reset; the `opc-request-id` of CreateOrResetUIPassword.
    Reset {
        /// `opc-request-id` of the reset.
        opc_request_id: Option<String>,
    },
    /// Nothing was changed, with the `responseCode` and why.
    NotReset {
        /// 404 (not confirmed, not opted in), 409 (the problem is another one), 502 (OCI failed).
        code: u16,
        /// Why, for the `returnMessage` and the notification.
        reason: String,
    },
}

fn not_reset(code: u16, reason: impl Into<String>) -> Outcome {
    Outcome::NotReset { code, reason: reason.into() }
}

/// True when the problem names `user_id`: its `additionalDetails["User OCID"]` when it has one
/// (the field the event's `problemAdditionalDetails` carries), else its `resourceId`, whole or as
/// one `/`-separated part (API-key problems use `<tenancy>/<user>/<fingerprint>`). Exact OCIDs only.
pub fn names_user(problem: &Problem, user_id: &str) -> bool {
    if let Some(named) = problem.additional_details.get("User OCID") {
        return named.as_str().map(str::trim) == Some(user_id);
    }
    problem.resource_id.as_deref().is_some_and(|r| r == user_id || r.split('/').any(|part| part == user_id))
}

/// GetProblem, and the checks of step 3 (module doc).
pub async fn confirm(client: &Client, problem_id: &str, user_id: &str) -> Result<ConfirmedProblem, Outcome> {
    let problem = match client.get_problem(problem_id).await {
        Ok(p) => p,
        Err(e) if e.is_not_found() => {
            return Err(not_reset(
                404,
                format!("Cloud Guard does not confirm problem {problem_id} (GetProblem: not found, or the function may not read cloud-guard-problems)"),
            ))
        }
        Err(e) => return Err(not_reset(502, format!("GetProblem {problem_id} failed: {e}"))),
    };
    let rule = problem.detector_rule_id.as_deref().unwrap_or("-");
    if rule != PROBLEM {
        return Err(not_reset(409, format!("Cloud Guard problem {problem_id} is {rule}, not {PROBLEM}")));
    }
    if let Some(detail @ ("DISMISSED" | "DELETED")) = problem.lifecycle_detail.as_deref() {
        return Err(not_reset(409, format!("Cloud Guard problem {problem_id} is {detail}")));
    }
    if !names_user(&problem, user_id) {
        return Err(not_reset(409, format!("Cloud Guard problem {problem_id} is not about user {user_id}")));
    }
    Ok(ConfirmedProblem::confirmed_by_cloud_guard(problem_id, user_id))
}

/// Steps 3 and 4 and the reset, for a `PASSWORD_TOO_OLD` finding no secret manages (the caller
/// checked steps 1 and 2).
#[tracing::instrument(name = "unmanaged_reset", skip_all, fields(problem_id = ?finding.problem_id))]
pub async fn attempt(client: &Client, finding: &Finding) -> Outcome {
    let Some(problem_id) = finding.problem_id.as_deref() else {
        return not_reset(404, "the event names no Cloud Guard problem (data.resourceId is not an ocid1.cloudguardproblem OCID)");
    };
    let confirmed = match confirm(client, problem_id, &finding.user_id).await {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let user: BoundUser = match binding::check_unmanaged_reset(client, &confirmed).await {
        Ok(u) => u,
        Err(UnmanagedResetRefused::Oci(e)) => return not_reset(502, format!("GetUser failed: {e}")),
        Err(refused) => return not_reset(404, refused.to_string()),
    };
    match client.reset_ui_password_discarding(&user, &retry_token(&finding.event_id)).await {
        Ok(opc_request_id) => {
            tracing::info!(user_id = %confirmed.user_id(), problem_id = %confirmed.problem_id(), "reset the unmanaged console password; the one-time password was discarded");
            Outcome::Reset { opc_request_id }
        }
        Err(e) => not_reset(oci_code(&e), format!("CreateOrResetUIPassword failed: {e}")),
    }
}

/// True when `value` is a problem OCID.
pub fn is_problem_id(value: &str) -> bool {
    is_ocid_of(value, "cloudguardproblem")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const USER: &str = "ocid1.user.oc1..aaaaaaaauser";

    fn problem(v: serde_json::Value) -> Problem {
        serde_json::from_value(v).unwrap_or_else(|e| panic!("a test problem parses: {e}"))
    }

    #[test]
    fn only_exactly_on_turns_the_reset_on() {
        assert_eq!(UnmanagedReset::from_setting(Some("on")), UnmanagedReset::On);
        for other in [None, Some("ON"), Some("On"), Some("true"), Some("1"), Some(""), Some(" on"), Some("off")] {
            assert_eq!(UnmanagedReset::from_setting(other), UnmanagedReset::Off, "{other:?}");
        }
    }

    #[test]
    fn the_user_ocid_detail_decides_when_present() {
        let named = problem(json!({"id": "p", "resourceId": "ocid1.user.oc1..other", "additionalDetails": {"User OCID": USER}}));
        let other = problem(json!({"id": "p", "resourceId": USER, "additionalDetails": {"User OCID": "ocid1.user.oc1..other"}}));
        assert!(names_user(&named, USER));
        assert!(!names_user(&other, USER), "the User OCID detail names someone else");
    }

    #[test]
    fn without_the_detail_the_resource_id_names_the_user_exactly() {
        assert!(names_user(&problem(json!({"id": "p", "resourceId": USER})), USER));
        assert!(names_user(&problem(json!({"id": "p", "resourceId": format!("ocid1.tenancy.oc1..t/{USER}/aa:bb")})), USER));
        assert!(!names_user(&problem(json!({"id": "p", "resourceId": format!("{USER}x")})), USER), "a longer OCID is another user");
        assert!(!names_user(&problem(json!({"id": "p"})), USER));
    }

    #[test]
    fn problem_ids_are_cloud_guard_problem_ocids() {
        assert!(is_problem_id("ocid1.cloudguardproblem.oc1.iad.aaaaaaaaproblem"));
        assert!(!is_problem_id(USER));
        assert!(!is_problem_id("ocid1.cloudguardproblem"));
    }
}
