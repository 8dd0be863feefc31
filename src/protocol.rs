//! The wire words OCI Vault speaks to a rotation function: `SecretRotationInput`,
//! `SecretRotationOutput` and the four steps. Parsing is strict and explains itself: a bad body
//! is an [`InputError`] whose message names the problem, and no OCI call follows.

use std::fmt;

use serde::Serialize;

/// Largest request body accepted (bigger bodies get responseCode 400).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The four rotation steps, in the order Vault calls them, and PREFLIGHT (never sent by Vault).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// The credential in PENDING (if any), else CURRENT, works on the target.
    VerifyConnection,
    /// A new PENDING secret version exists.
    CreatePendingVersion,
    /// The target accepts the PENDING credential.
    UpdateTargetSystem,
    /// The PENDING version becomes CURRENT.
    PromotePendingVersion,
    /// The function checks its own rights on the secret: every read the four steps make, no
    /// write (`engine/preflight.rs`). Never sent by Vault; not in [`Step::ALL`].
    Preflight,
}

impl Step {
    /// All steps, in order.
    pub const ALL: [Step; 4] = [Step::VerifyConnection, Step::CreatePendingVersion, Step::UpdateTargetSystem, Step::PromotePendingVersion];

    /// The wire name (`VERIFY_CONNECTION`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Step::VerifyConnection => "VERIFY_CONNECTION",
            Step::CreatePendingVersion => "CREATE_PENDING_VERSION",
            Step::UpdateTargetSystem => "UPDATE_TARGET_SYSTEM",
            Step::PromotePendingVersion => "PROMOTE_PENDING_VERSION",
            Step::Preflight => "PREFLIGHT",
        }
    }

    /// Parses a wire name (exact, upper case), PREFLIGHT included.
    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().chain([Step::Preflight]).find(|step| step.as_str() == s)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What Vault sends: `{"step": "...", "secretId": "ocid1.vaultsecret...", "versionNo": 7}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRotationInput {
    /// The step to run.
    pub step: Step,
    /// The secret's OCID.
    pub secret_id: String,
    /// `versionNo` (or its alias `currentVersionNo`), when given.
    pub version_no: Option<u64>,
}

/// Why a request body was refused (responseCode 400).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

/// What the function answers, whatever happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretRotationOutput {
    /// 200, 400, 404, 409, 502 or 504 (see the contract).
    pub response_code: u16,
    /// The version number the step reports (CURRENT or PENDING, per step).
    pub current_version_no: Option<u64>,
    /// The same number again: public rotation functions disagree on the field's name.
    pub version_no: Option<u64>,
    /// What happened, in words; never secret material.
    pub return_message: String,
    /// PREFLIGHT only: each call checked (absent from the four steps' answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Vec<Check>>,
}

/// One call PREFLIGHT checked: a read it made (`ok` true or false) or a write it names without
/// making (`ok` null: OCI has no dry run). Names, ids and statuses only, never secret material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Check {
    /// The OCI operation (`GetSecret`, `ListApiKeys`...), or the check (`binding tag`).
    pub call: String,
    /// True: the read passed; false: it failed; null: a write, not checked.
    pub ok: Option<bool>,
    /// OCI's HTTP status, when OCI answered.
    pub status: Option<u16>,
    /// OCI's error code (`NotAuthorizedOrNotFound`...), or why a write is not checked.
    pub code: Option<String>,
    /// The `opc-request-id` of a failed call.
    #[serde(rename = "opc-request-id")]
    pub opc_request_id: Option<String>,
    /// The policy statement (or tag) the call needs.
    pub needs: String,
}

impl SecretRotationOutput {
    /// An answer with `code`, `version` and `message`.
    pub fn new(code: u16, version: Option<u64>, message: impl Into<String>) -> Self {
        SecretRotationOutput {
            response_code: code,
            current_version_no: version,
            version_no: version,
            return_message: message.into(),
            checks: None,
        }
    }
}

/// True when `s` looks like a secret OCID: `ocid1.vaultsecret.<realm>...`, OCID characters only.
pub fn is_secret_ocid(s: &str) -> bool {
    is_ocid_of(s, "vaultsecret")
}

/// True when `s` looks like an OCID of `resource_type` (`user`, `vaultsecret`...).
pub fn is_ocid_of(s: &str, resource_type: &str) -> bool {
    let mut parts = s.split('.');
    parts.next() == Some("ocid1")
        && parts.next() == Some(resource_type)
        && parts.next().is_some_and(|realm| !realm.is_empty())
        && s.len() <= 255
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && s.split('.').count() >= 5
}

/// Parses a request body into a [`SecretRotationInput`].
pub fn parse_input(body: &[u8]) -> Result<SecretRotationInput, InputError> {
    let bad = |m: &str| InputError(m.to_owned());
    if body.len() > MAX_BODY_BYTES {
        return Err(InputError(format!("request body is {} bytes; the limit is {MAX_BODY_BYTES}", body.len())));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(bad("request body is empty; expected a SecretRotationInput JSON object"));
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| InputError(format!("request body is not valid JSON ({})", json_error_kind(&e))))?;
    let obj = value.as_object().ok_or_else(|| bad("request body must be a JSON object with step, secretId and versionNo"))?;
    let valid_steps = "VERIFY_CONNECTION, CREATE_PENDING_VERSION, UPDATE_TARGET_SYSTEM, PROMOTE_PENDING_VERSION, PREFLIGHT";
    let step = match obj.get("step") {
        None | Some(serde_json::Value::Null) => return Err(InputError(format!("step is missing; valid steps: {valid_steps}"))),
        Some(serde_json::Value::String(s)) => {
            Step::parse(s).ok_or_else(|| InputError(format!("INVALID STEP: step must be one of {valid_steps}")))?
        }
        Some(_) => return Err(InputError(format!("step must be a string, one of {valid_steps}"))),
    };
    let secret_id = match obj.get("secretId") {
        None | Some(serde_json::Value::Null) => return Err(bad("secretId is missing")),
        Some(serde_json::Value::String(s)) if is_secret_ocid(s) => s.clone(),
        Some(serde_json::Value::String(_)) => return Err(bad("secretId must be a secret OCID (ocid1.vaultsecret.<realm>...)")),
        Some(_) => return Err(bad("secretId must be a string")),
    };
    let version_no = match (version_field(obj, "versionNo")?, version_field(obj, "currentVersionNo")?) {
        (Some(v), _) => Some(v),
        (None, alias) => alias,
    };
    Ok(SecretRotationInput { step, secret_id, version_no })
}

fn version_field(obj: &serde_json::Map<String, serde_json::Value>, name: &str) -> Result<Option<u64>, InputError> {
    match obj.get(name) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => match n.as_u64() {
            Some(v) if v >= 1 && v <= i64::MAX as u64 => Ok(Some(v)),
            _ => Err(InputError(format!("{name} must be a positive whole number"))),
        },
        Some(_) => Err(InputError(format!("{name} must be a number or null"))),
    }
}

fn json_error_kind(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => "truncated".to_owned(),
        Category::Syntax if e.to_string().contains("recursion limit") => "nested too deeply".to_owned(),
        // serde_json's syntax messages name the problem and a position, never the input itself.
        Category::Syntax => e.to_string(),
        Category::Data | Category::Io => "unreadable".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "ocid1.vaultsecret.oc1.iad.amaaaaaaexample";

    #[test]
    fn parses_every_step_and_both_version_names() {
        for step in Step::ALL {
            let body = format!(r#"{{"step":"{step}","secretId":"{SECRET}","versionNo":7,"extra":true}}"#);
            assert_eq!(
                parse_input(body.as_bytes()).unwrap(),
                SecretRotationInput { step, secret_id: SECRET.to_owned(), version_no: Some(7) }
            );
        }
        let alias = format!(r#"{{"step":"PROMOTE_PENDING_VERSION","secretId":"{SECRET}","currentVersionNo":3}}"#);
        assert_eq!(parse_input(alias.as_bytes()).unwrap().version_no, Some(3));
        let null = format!(r#"{{"step":"VERIFY_CONNECTION","secretId":"{SECRET}","versionNo":null}}"#);
        assert_eq!(parse_input(null.as_bytes()).unwrap().version_no, None);
    }

    #[test]
    fn refuses_bad_bodies_with_a_message_that_names_the_problem() {
        let cases: &[(&str, &str)] = &[
            ("", "empty"),
            ("{", "not valid JSON"),
            ("[]", "JSON object"),
            (r#"{"secretId":"ocid1.vaultsecret.oc1.iad.x"}"#, "step is missing"),
            (r#"{"step":"ROTATE","secretId":"ocid1.vaultsecret.oc1.iad.x"}"#, "INVALID STEP"),
            (r#"{"step":1,"secretId":"ocid1.vaultsecret.oc1.iad.x"}"#, "step must be a string"),
            (r#"{"step":"VERIFY_CONNECTION"}"#, "secretId is missing"),
            (r#"{"step":"VERIFY_CONNECTION","secretId":"ocid1.user.oc1..x"}"#, "secret OCID"),
            (r#"{"step":"VERIFY_CONNECTION","secretId":"ocid1.vaultsecret.oc1.iad.x","versionNo":"7"}"#, "versionNo must be a number"),
            (r#"{"step":"VERIFY_CONNECTION","secretId":"ocid1.vaultsecret.oc1.iad.x","versionNo":-1}"#, "positive whole number"),
            (r#"{"step":"VERIFY_CONNECTION","secretId":"ocid1.vaultsecret.oc1.iad.x","versionNo":1e40}"#, "positive whole number"),
        ];
        for (body, expected) in cases {
            let err = parse_input(body.as_bytes()).unwrap_err();
            assert!(err.0.contains(expected), "{body:?} gave {:?}", err.0);
        }
        let deep = "[".repeat(10_000);
        assert!(parse_input(deep.as_bytes()).unwrap_err().0.contains("JSON"));
        let huge = vec![b' '; MAX_BODY_BYTES + 1];
        assert!(parse_input(&huge).unwrap_err().0.contains("limit"));
    }

    #[test]
    fn output_carries_both_version_names() {
        let out = serde_json::to_value(SecretRotationOutput::new(200, Some(8), "ok")).unwrap();
        assert_eq!(out, serde_json::json!({"responseCode":200,"currentVersionNo":8,"versionNo":8,"returnMessage":"ok"}));
    }
}
