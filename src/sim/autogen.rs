//! Vault's `SSH_KEY` auto-generation: the generation context of a secret, and filling its
//! template (`%GENERATED_PRIVATE_KEY%`, `%GENERATED_PUBLIC_KEY%`) with a new key pair (PKCS#8
//! private PEM, SPKI public PEM), JSON-escaped.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Value};

use super::error::{err, invalid, SimError};

/// Vault generates a new version's content itself (generation type `SSH_KEY`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoGen {
    /// `RSA_2048`, `RSA_3072` or `RSA_4096`.
    pub generation_template: String,
    /// Template with `%GENERATED_PRIVATE_KEY%` and `%GENERATED_PUBLIC_KEY%`; `None` means
    /// `{"privateKey":"%GENERATED_PRIVATE_KEY%","publicKey":"%GENERATED_PUBLIC_KEY%"}`.
    pub secret_template: Option<String>,
}

const DEFAULT_TEMPLATE: &str = r#"{"privateKey":"%GENERATED_PRIVATE_KEY%","publicKey":"%GENERATED_PUBLIC_KEY%"}"#;

impl AutoGen {
    /// Reads an `SshKeyGenerationContext` (the only generation type the simulator supports).
    pub(crate) fn from_json(v: &Value) -> Result<AutoGen, SimError> {
        if v["generationType"] != "SSH_KEY" {
            return Err(invalid("secretGenerationContext: the simulator supports generationType SSH_KEY only"));
        }
        let template = v["generationTemplate"].as_str().unwrap_or_default();
        if !["RSA_2048", "RSA_3072", "RSA_4096"].contains(&template) {
            return Err(invalid("secretGenerationContext.generationTemplate must be RSA_2048, RSA_3072 or RSA_4096"));
        }
        let secret_template = match &v["secretTemplate"] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            _ => return Err(invalid("secretGenerationContext.secretTemplate must be a string")),
        };
        Ok(AutoGen { generation_template: template.to_owned(), secret_template })
    }

    pub(crate) fn json(&self) -> Value {
        json!({"generationType": "SSH_KEY", "generationTemplate": self.generation_template, "secretTemplate": self.secret_template})
    }

    /// The RSA key size of the template.
    pub(crate) fn bits(&self) -> usize {
        match self.generation_template.as_str() {
            "RSA_3072" => 3072,
            "RSA_4096" => 4096,
            _ => 2048,
        }
    }

    /// The template filled with a key pair (PEMs JSON-escaped), base64-encoded as Vault stores it.
    pub(crate) fn fill(&self, private_pem: &str, public_pem: &str) -> String {
        let escape = |s: &str| serde_json::to_string(s).map(|q| q[1..q.len() - 1].to_owned()).unwrap_or_default();
        let template = self.secret_template.as_deref().unwrap_or(DEFAULT_TEMPLATE);
        B64.encode(template.replace("%GENERATED_PRIVATE_KEY%", &escape(private_pem)).replace("%GENERATED_PUBLIC_KEY%", &escape(public_pem)))
    }

    /// Generates a key pair and fills the template (CPU-heavy: call from a blocking thread).
    pub(crate) fn generate(&self) -> Result<String, SimError> {
        let key = crate::keys::generate(self.bits()).map_err(|_| err(500, "InternalServerError", "key generation failed"))?;
        Ok(self.fill(&key.private_pem, &key.public_pem))
    }
}
