//! Vault's auto-generation: the generation context of a secret, and filling its template with
//! what Vault generates. `SSH_KEY` (`%GENERATED_PRIVATE_KEY%`, `%GENERATED_PUBLIC_KEY%`: a new
//! key pair, PKCS#8 private PEM and SPKI public PEM, JSON-escaped) and `PASSPHRASE`
//! (`%GENERATED_PASSPHRASE%`; without a template the content is the passphrase itself).
//!
//! Oracle does not document what its passphrase templates generate; the simulator's choice:
//!
//! | template | characters | `passphraseLength` (default 24) |
//! |---|---|---|
//! | `SECRETS_DEFAULT_PASSWORD` | letters and digits (at least two of each letter case and two digits) and one of `-_.#+=!` | 8 to 128 |
//! | `DBAAS_DEFAULT_PASSWORD` | letters and digits (at least two of each letter case and two digits) and one of `_#`: what an Oracle password holds unquoted; never a double quote | 12 to 30 |
//!
//! Both satisfy IAM's database-password rules (`iam::check_db_password`) from 12 characters.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use secrecy::ExposeSecret as _;
use serde_json::{json, Value};

use super::error::{err, invalid, SimError};
use crate::passwords::{self, Rules, SPECIALS};

/// Vault generates a new version's content itself. The generation type follows from the template
/// (`RSA_*`: `SSH_KEY`; `*_PASSWORD`: `PASSPHRASE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoGen {
    /// `RSA_2048`, `RSA_3072` or `RSA_4096` (`SSH_KEY`); `SECRETS_DEFAULT_PASSWORD` or
    /// `DBAAS_DEFAULT_PASSWORD` (`PASSPHRASE`).
    pub generation_template: String,
    /// `SSH_KEY`: template with `%GENERATED_PRIVATE_KEY%` and `%GENERATED_PUBLIC_KEY%`; `None`
    /// means `{"privateKey":"%GENERATED_PRIVATE_KEY%","publicKey":"%GENERATED_PUBLIC_KEY%"}`.
    /// `PASSPHRASE`: template with `%GENERATED_PASSPHRASE%`; `None` means the passphrase alone.
    pub secret_template: Option<String>,
    /// `PASSPHRASE`: the length of the passphrase (`None`: 24).
    pub passphrase_length: Option<u32>,
}

const DEFAULT_TEMPLATE: &str = r#"{"privateKey":"%GENERATED_PRIVATE_KEY%","publicKey":"%GENERATED_PUBLIC_KEY%"}"#;
const SSH_TEMPLATES: [&str; 3] = ["RSA_2048", "RSA_3072", "RSA_4096"];
const PASSPHRASE_TEMPLATES: [&str; 2] = ["SECRETS_DEFAULT_PASSWORD", "DBAAS_DEFAULT_PASSWORD"];
const PASSPHRASE_KEYWORD: &str = "%GENERATED_PASSPHRASE%";
/// The passphrase length when `passphraseLength` is not given (the simulator's choice).
pub(crate) const DEFAULT_PASSPHRASE_LENGTH: u32 = 24;

impl AutoGen {
    /// An `SSH_KEY` context.
    pub fn ssh_key(generation_template: &str, secret_template: Option<&str>) -> AutoGen {
        AutoGen {
            generation_template: generation_template.to_owned(),
            secret_template: secret_template.map(str::to_owned),
            passphrase_length: None,
        }
    }

    /// A `PASSPHRASE` context.
    pub fn passphrase(generation_template: &str, passphrase_length: Option<u32>, secret_template: Option<&str>) -> AutoGen {
        AutoGen {
            generation_template: generation_template.to_owned(),
            secret_template: secret_template.map(str::to_owned),
            passphrase_length,
        }
    }

    /// True for a `PASSPHRASE` context.
    pub fn is_passphrase(&self) -> bool {
        PASSPHRASE_TEMPLATES.contains(&self.generation_template.as_str())
    }

    /// Reads an `SshKeyGenerationContext` or a `PassphraseGenerationContext` (`BYTES` is not
    /// simulated).
    pub(crate) fn from_json(v: &Value) -> Result<AutoGen, SimError> {
        let template = v["generationTemplate"].as_str().unwrap_or_default();
        let secret_template = match &v["secretTemplate"] {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            _ => return Err(invalid("secretGenerationContext.secretTemplate must be a string")),
        };
        match v["generationType"].as_str() {
            Some("SSH_KEY") => {
                if !SSH_TEMPLATES.contains(&template) {
                    return Err(invalid("secretGenerationContext.generationTemplate must be RSA_2048, RSA_3072 or RSA_4096"));
                }
                Ok(AutoGen { generation_template: template.to_owned(), secret_template, passphrase_length: None })
            }
            Some("PASSPHRASE") => {
                if !PASSPHRASE_TEMPLATES.contains(&template) {
                    return Err(invalid(
                        "secretGenerationContext.generationTemplate must be SECRETS_DEFAULT_PASSWORD or DBAAS_DEFAULT_PASSWORD",
                    ));
                }
                if secret_template.as_deref().is_some_and(|t| !t.contains(PASSPHRASE_KEYWORD)) {
                    return Err(invalid("secretGenerationContext.secretTemplate must contain %GENERATED_PASSPHRASE%"));
                }
                let passphrase_length = match &v["passphraseLength"] {
                    Value::Null => None,
                    n => Some(
                        n.as_u64()
                            .and_then(|n| u32::try_from(n).ok())
                            .ok_or_else(|| invalid("secretGenerationContext.passphraseLength must be a positive integer"))?,
                    ),
                };
                let g = AutoGen { generation_template: template.to_owned(), secret_template, passphrase_length };
                g.rules()?;
                Ok(g)
            }
            _ => Err(invalid("secretGenerationContext: the simulator supports generationType SSH_KEY and PASSPHRASE")),
        }
    }

    pub(crate) fn json(&self) -> Value {
        if self.is_passphrase() {
            let mut v = json!({"generationType": "PASSPHRASE", "generationTemplate": self.generation_template, "secretTemplate": self.secret_template});
            if let Some(n) = self.passphrase_length {
                v["passphraseLength"] = json!(n);
            }
            return v;
        }
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

    /// The passphrase rules of a `PASSPHRASE` template (see the module documentation); a length
    /// out of the template's range is a 400.
    fn rules(&self) -> Result<Rules, SimError> {
        let length = self.passphrase_length.unwrap_or(DEFAULT_PASSPHRASE_LENGTH);
        let (range, disallowed) = match self.generation_template.as_str() {
            "DBAAS_DEFAULT_PASSWORD" => (12..=30, SPECIALS.chars().filter(|c| !"_#".contains(*c)).collect()),
            _ => (8..=128, String::new()),
        };
        if !range.contains(&length) {
            return Err(invalid(format!(
                "secretGenerationContext.passphraseLength must be {} to {} for {}",
                range.start(),
                range.end(),
                self.generation_template
            )));
        }
        Ok(Rules {
            length: length as usize,
            min_lower: 2,
            min_upper: 2,
            min_digits: 2,
            min_special: 1,
            max_special: 2,
            disallowed,
            ..Rules::default()
        })
    }

    /// The template filled with a key pair (PEMs JSON-escaped), base64-encoded as Vault stores it.
    pub(crate) fn fill(&self, private_pem: &str, public_pem: &str) -> String {
        let escape = |s: &str| serde_json::to_string(s).map(|q| q[1..q.len() - 1].to_owned()).unwrap_or_default();
        let template = self.secret_template.as_deref().unwrap_or(DEFAULT_TEMPLATE);
        B64.encode(template.replace("%GENERATED_PRIVATE_KEY%", &escape(private_pem)).replace("%GENERATED_PUBLIC_KEY%", &escape(public_pem)))
    }

    /// The passphrase template filled (or the passphrase alone), base64-encoded.
    fn fill_passphrase(&self, passphrase: &str) -> String {
        match &self.secret_template {
            Some(t) => B64.encode(t.replace(PASSPHRASE_KEYWORD, passphrase)),
            None => B64.encode(passphrase),
        }
    }

    /// Generates a key pair or a passphrase and fills the template (key generation is CPU-heavy:
    /// call from a blocking thread).
    pub(crate) fn generate(&self) -> Result<String, SimError> {
        if self.is_passphrase() {
            let passphrase =
                passwords::generate(&self.rules()?).map_err(|_| err(500, "InternalServerError", "passphrase generation failed"))?;
            return Ok(self.fill_passphrase(passphrase.expose_secret()));
        }
        let key = crate::keys::generate(self.bits()).map_err(|_| err(500, "InternalServerError", "key generation failed"))?;
        Ok(self.fill(&key.private_pem, &key.public_pem))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(b64: &str) -> String {
        String::from_utf8(B64.decode(b64).unwrap()).unwrap()
    }

    #[test]
    fn passphrases_follow_their_template_and_satisfy_iam_database_password_rules() {
        // Given: both templates, default and explicit lengths, with and without a secret template.
        for (template, length) in
            [("DBAAS_DEFAULT_PASSWORD", None), ("DBAAS_DEFAULT_PASSWORD", Some(30)), ("SECRETS_DEFAULT_PASSWORD", Some(40))]
        {
            let g =
                AutoGen::from_json(&json!({"generationType": "PASSPHRASE", "generationTemplate": template, "passphraseLength": length}))
                    .unwrap();
            // When
            let p = decoded(&g.generate().unwrap());
            // Then
            assert_eq!(p.chars().count() as u32, length.unwrap_or(DEFAULT_PASSPHRASE_LENGTH), "{template}");
            assert!(super::super::iam::check_db_password(&p).is_ok(), "{template}");
            if template == "DBAAS_DEFAULT_PASSWORD" {
                assert!(p.chars().all(|c| c.is_ascii_alphanumeric() || "_#".contains(c)), "{template}");
            }
            assert_eq!(g.json()["generationType"], "PASSPHRASE");
        }
        let wrapped = AutoGen::passphrase("DBAAS_DEFAULT_PASSWORD", None, Some(r#"{"password":"%GENERATED_PASSPHRASE%"}"#));
        let v: Value = serde_json::from_str(&decoded(&wrapped.generate().unwrap())).unwrap();
        assert_eq!(v["password"].as_str().map(str::len), Some(24));
    }

    #[test]
    fn passphrase_contexts_are_checked() {
        for bad in [
            json!({"generationType": "PASSPHRASE", "generationTemplate": "RSA_2048"}),
            json!({"generationType": "PASSPHRASE", "generationTemplate": "DBAAS_DEFAULT_PASSWORD", "passphraseLength": 31}),
            json!({"generationType": "PASSPHRASE", "generationTemplate": "DBAAS_DEFAULT_PASSWORD", "passphraseLength": "24"}),
            json!({"generationType": "PASSPHRASE", "generationTemplate": "SECRETS_DEFAULT_PASSWORD", "secretTemplate": "{}"}),
            json!({"generationType": "BYTES", "generationTemplate": "BYTES_256"}),
        ] {
            assert!(AutoGen::from_json(&bad).is_err(), "{bad}");
        }
    }
}
