//! Cloud Guard (`20200131`): GetProblem, to confirm that a problem an event names exists before
//! the function acts on it (the unmanaged console-password reset, `crate::cloud_guard`).
//!
//! `GET /20200131/problems/{problemId}` on `https://cloudguard-cp-api.<region>.oci.<domain>`
//! (Python SDK `CloudGuardClient.get_problem`; reads are answered in any region). The fields kept
//! are the SDK's `Problem` model's, in OCI's words.

use std::collections::BTreeMap;

use reqwest::Method;
use serde::Deserialize;

use super::client::{encode_segment, Client, Request, Service};
use super::error::Error;

/// A Cloud Guard problem, as GetProblem answers it (the fields the function reads).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// The problem OCID (`ocid1.cloudguardproblem.`...).
    pub id: String,
    /// The detector rule that raised it: the problem name (`PASSWORD_TOO_OLD`...).
    #[serde(default)]
    pub detector_rule_id: Option<String>,
    /// The resource the problem is about.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// The resource's name.
    #[serde(default)]
    pub resource_name: Option<String>,
    /// The resource's type.
    #[serde(default)]
    pub resource_type: Option<String>,
    /// `ACTIVE`, `INACTIVE`.
    #[serde(default)]
    pub lifecycle_state: Option<String>,
    /// `OPEN`, `RESOLVED`, `DISMISSED`, `DELETED`.
    #[serde(default)]
    pub lifecycle_detail: Option<String>,
    /// `additionalDetails` (strings in the SDK's model; any JSON value is accepted here).
    #[serde(default)]
    pub additional_details: BTreeMap<String, serde_json::Value>,
}

impl Client {
    /// GetProblem. A problem that does not exist, or that the function may not read, is an
    /// [`Error`] whose `is_not_found()` is true.
    pub async fn get_problem(&self, problem_id: &str) -> Result<Problem, Error> {
        let req =
            Request::new("GetProblem", Service::CloudGuard, Method::GET, format!("/20200131/problems/{}", encode_segment(problem_id)));
        self.send(req).await?.json("GetProblem")
    }
}
