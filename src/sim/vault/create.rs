//! `CreateSecretDetails` as the Vault API receives it (camelCase, as the official SDKs' models
//! spell it): `compartmentId`, `vaultId`, `keyId`, `secretName`, `description`, `metadata`,
//! `secretContent` (`{contentType: BASE64, content, stage}`), `rotationConfig`,
//! `enableAutoGeneration`, `secretGenerationContext`, `freeformTags`, `definedTags`. Checked
//! against its own rules here; the vault's (the vault and key exist, names are unique) in `ops`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::Value;

use super::autogen::AutoGen;
use super::update::parse_rotation_config;
use crate::sim::error::{err, invalid, SimError};

/// A validated `CreateSecretDetails`.
pub(crate) struct NewSecret {
    pub compartment_id: String,
    pub vault_id: String,
    pub key_id: String,
    pub name: String,
    pub description: Option<String>,
    pub metadata: Value,
    /// Base64 content; `None` when Vault must generate it (auto-generation).
    pub content_b64: Option<String>,
    pub rotation_config: Option<Value>,
    pub auto_gen: Option<AutoGen>,
    pub auto_gen_enabled: bool,
    pub freeform_tags: Value,
    pub defined_tags: Value,
}

/// Reads a required non-empty string field.
fn required<'a>(map: &'a serde_json::Map<String, Value>, name: &str) -> Result<&'a str, SimError> {
    match map.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        None | Some(Value::Null) => Err(err(400, "MissingParameter", format!("{name} is required"))),
        Some(_) => Err(invalid(format!("{name} must be a non-empty string"))),
    }
}

impl NewSecret {
    /// Parses `CreateSecretDetails`.
    pub(crate) fn parse(body: &Value) -> Result<NewSecret, SimError> {
        let Value::Object(map) = body else { return Err(err(400, "CannotParseRequest", "The request body must be a JSON object")) };
        let field = |name: &str| map.get(name).filter(|v| !v.is_null());
        let name = required(map, "secretName")?;
        if name.chars().count() > 255 {
            return Err(invalid("secretName must be at most 255 characters"));
        }
        let metadata = match field("metadata") {
            None => Value::Object(serde_json::Map::new()),
            Some(m) if m.is_object() => m.clone(),
            Some(_) => return Err(invalid("metadata must be a JSON object")),
        };
        let description = match field("description") {
            None => None,
            Some(d) => Some(d.as_str().ok_or_else(|| invalid("description must be a string"))?.to_owned()),
        };
        let auto_gen_enabled = match field("enableAutoGeneration") {
            None => false,
            Some(e) => e.as_bool().ok_or_else(|| invalid("enableAutoGeneration must be a boolean"))?,
        };
        let auto_gen = field("secretGenerationContext").map(AutoGen::from_json).transpose()?;
        if auto_gen_enabled && auto_gen.is_none() {
            return Err(invalid("enableAutoGeneration requires a secretGenerationContext"));
        }
        let content_b64 = match field("secretContent") {
            None => None,
            Some(c) => {
                if c["contentType"] != "BASE64" {
                    return Err(invalid("secretContent.contentType must be BASE64"));
                }
                if !matches!(c["stage"].as_str(), None | Some("CURRENT")) {
                    return Err(invalid("secretContent.stage must be CURRENT when a secret is created"));
                }
                match &c["content"] {
                    Value::Null => None,
                    Value::String(s) if B64.decode(s).is_ok() => Some(s.clone()),
                    _ => return Err(invalid("secretContent.content must be base64")),
                }
            }
        };
        if content_b64.is_none() && !auto_gen_enabled {
            return Err(invalid("secretContent.content is required when auto-generation is not enabled"));
        }
        let rotation_config = field("rotationConfig").map(parse_rotation_config).transpose()?;
        let tags = |name: &str| -> Result<Value, SimError> {
            match field(name) {
                None => Ok(Value::Object(serde_json::Map::new())),
                Some(t) if t.is_object() => Ok(t.clone()),
                Some(_) => Err(invalid(format!("{name} must be a JSON object"))),
            }
        };
        Ok(NewSecret {
            compartment_id: required(map, "compartmentId")?.to_owned(),
            vault_id: required(map, "vaultId")?.to_owned(),
            key_id: required(map, "keyId")?.to_owned(),
            name: name.to_owned(),
            description,
            metadata,
            content_b64,
            rotation_config,
            auto_gen,
            auto_gen_enabled,
            freeform_tags: tags("freeformTags")?,
            defined_tags: tags("definedTags")?,
        })
    }
}
