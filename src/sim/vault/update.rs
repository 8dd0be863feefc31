//! `UpdateSecretDetails` as the Vault API receives it (camelCase), checked against its own rules:
//! content is BASE64 with stage CURRENT or PENDING, content and `currentVersionNumber` are not
//! sent together, metadata is an object, freeform tags are an object of strings. Rules that depend
//! on the secret are in `model`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::Value;

use super::autogen::AutoGen;
use crate::sim::error::{err, invalid, SimError};

/// The stage a new version is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NewStage {
    Current,
    Pending,
}

/// New content of an UpdateSecret, validated.
pub(crate) struct NewContent {
    /// Base64 content; `None` when Vault must generate it.
    pub content_b64: Option<String>,
    pub stage: NewStage,
    pub name: Option<String>,
}

/// An `UpdateSecretDetails`, validated against its own rules (not yet against the secret).
#[derive(Default)]
pub(crate) struct Update {
    pub content: Option<NewContent>,
    pub promote: Option<u64>,
    pub metadata: Option<Value>,
    pub description: Option<String>,
    pub rotation_config: Option<Value>,
    pub enable_auto_generation: Option<bool>,
    pub generation_context: Option<AutoGen>,
    /// `freeformTags`: replaces the secret's whole set, as OCI does.
    pub freeform_tags: Option<Value>,
}

impl Update {
    /// Parses `UpdateSecretDetails` (camelCase wire names).
    pub(crate) fn parse(body: &Value) -> Result<Update, SimError> {
        let Value::Object(map) = body else { return Err(err(400, "CannotParseRequest", "The request body must be a JSON object")) };
        let field = |name: &str| map.get(name).filter(|v| !v.is_null());
        let mut u = Update::default();
        if let Some(c) = field("secretContent") {
            if c["contentType"] != "BASE64" {
                return Err(invalid("secretContent.contentType must be BASE64"));
            }
            let stage = match c["stage"].as_str() {
                None | Some("CURRENT") => NewStage::Current,
                Some("PENDING") => NewStage::Pending,
                Some(_) => return Err(invalid("secretContent.stage must be CURRENT or PENDING")),
            };
            let content_b64 = match &c["content"] {
                Value::Null => None,
                Value::String(s) if B64.decode(s).is_ok() => Some(s.clone()),
                _ => return Err(invalid("secretContent.content must be base64")),
            };
            let name = match &c["name"] {
                Value::Null => None,
                Value::String(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) => Some(s.clone()),
                _ => return Err(invalid("secretContent.name: letters, digits, hyphens, underscores and periods")),
            };
            u.content = Some(NewContent { content_b64, stage, name });
        }
        if let Some(n) = field("currentVersionNumber") {
            u.promote = Some(n.as_u64().filter(|n| *n > 0).ok_or_else(|| invalid("currentVersionNumber must be a positive integer"))?);
        }
        if u.content.is_some() && u.promote.is_some() {
            return Err(invalid("The secret content and the current version number cannot be updated at the same time"));
        }
        if let Some(m) = field("metadata") {
            if !m.is_object() {
                return Err(invalid("metadata must be a JSON object"));
            }
            u.metadata = Some(m.clone());
        }
        if let Some(d) = field("description") {
            u.description = Some(d.as_str().ok_or_else(|| invalid("description must be a string"))?.to_owned());
        }
        if let Some(r) = field("rotationConfig") {
            u.rotation_config = Some(parse_rotation_config(r)?);
        }
        if let Some(e) = field("enableAutoGeneration") {
            u.enable_auto_generation = Some(e.as_bool().ok_or_else(|| invalid("enableAutoGeneration must be a boolean"))?);
        }
        if let Some(g) = field("secretGenerationContext") {
            u.generation_context = Some(AutoGen::from_json(g)?);
        }
        if let Some(t) = field("freeformTags") {
            match t.as_object() {
                Some(map) if map.values().all(Value::is_string) => u.freeform_tags = Some(t.clone()),
                _ => return Err(invalid("freeformTags must be an object of string values")),
            }
        }
        Ok(u)
    }
}

/// Checks a `RotationConfig`: `targetSystemDetails` with a `targetSystemType` (`FUNCTION` with a
/// `functionId`, or `ADB` with an `adbId`), an optional `rotationInterval` (ISO 8601, such as
/// `P90D`) and an optional boolean `isScheduledRotationEnabled`. Returns it as sent.
pub(crate) fn parse_rotation_config(r: &Value) -> Result<Value, SimError> {
    if !r.is_object() {
        return Err(invalid("rotationConfig must be a JSON object"));
    }
    let target = &r["targetSystemDetails"];
    match target["targetSystemType"].as_str() {
        Some("FUNCTION") if target["functionId"].as_str().is_some_and(|f| !f.is_empty()) => {}
        Some("FUNCTION") => return Err(invalid("rotationConfig.targetSystemDetails.functionId is required for FUNCTION")),
        Some("ADB") if target["adbId"].as_str().is_some_and(|f| !f.is_empty()) => {}
        Some("ADB") => return Err(invalid("rotationConfig.targetSystemDetails.adbId is required for ADB")),
        Some(_) => return Err(invalid("rotationConfig.targetSystemDetails.targetSystemType must be FUNCTION or ADB")),
        None => return Err(invalid("rotationConfig.targetSystemDetails.targetSystemType is required")),
    }
    match &r["rotationInterval"] {
        Value::Null => {}
        Value::String(i) if crate::sim::clock::parse_interval(i).is_some() => {}
        _ => return Err(invalid("rotationConfig.rotationInterval must be an ISO 8601 duration such as P90D")),
    }
    if !matches!(r["isScheduledRotationEnabled"], Value::Null | Value::Bool(_)) {
        return Err(invalid("rotationConfig.isScheduledRotationEnabled must be a boolean"));
    }
    Ok(r.clone())
}
