//! The kind table: what differs per credential kind, declared once per kind ([`KindSpec`],
//! looked up with [`spec`]) so that the CLI, the onboarding workflows, the fleet view and the
//! policy text read it instead of matching on [`CredentialKind`] each.
//!
//! So far it holds the directory family (whose wire names, the classic `CredentialFamily` and the
//! SCIM `ScimResource`, are derived from it in one place: [`Family::classic`], [`Family::scim`]),
//! the content fields of contract section 4 (the first names the credential), who makes the
//! secret part, and the policy verbs (`docs/deploy.md`). Adding a kind: docs/architecture.md,
//! "Adding a credential kind".

use serde_json::Value;

use crate::adapters::directory::Family;
use crate::secret::CredentialKind;

/// Who makes a new credential's secret part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretMaker {
    /// IAM issues it and returns it once (auth tokens, customer secret keys, SMTP, OAuth 2.0).
    Iam,
    /// The function makes it (an API key pair, a console or database password).
    Function,
}

/// What one credential kind is, for every part of the crate.
#[derive(Debug, Clone, Copy)]
pub struct KindSpec {
    /// The kind.
    pub kind: CredentialKind,
    /// Its directory family (None: the console password, one per user, not listed).
    pub family: Option<Family>,
    /// The secret's content fields (contract section 4); the first names the credential (for the
    /// API key, the fingerprint; the console password has no id).
    pub content_fields: &'static [&'static str],
    /// Who makes the secret part.
    pub secret_maker: SecretMaker,
    /// The IAM permissions beyond `USER_INSPECT, USER_READ, USER_UPDATE` every kind needs
    /// (`docs/credential-kinds.md`). SMTP credentials are the `credentials` resource type;
    /// Oracle's policy reference lists no permission for the database-password operations (none
    /// here: the policy text says so and names the fallback).
    pub permissions: &'static [&'static str],
}

/// Every kind, in [`CredentialKind::ALL`]'s order.
pub const KINDS: [KindSpec; 7] = [
    KindSpec {
        kind: CredentialKind::ApiKey,
        family: Some(Family::ApiKey),
        content_fields: &["fingerprint", "privateKey", "publicKey", "tenancyId"],
        secret_maker: SecretMaker::Function,
        permissions: &["USER_APIKEY_ADD", "USER_APIKEY_REMOVE"],
    },
    KindSpec {
        kind: CredentialKind::AuthToken,
        family: Some(Family::AuthToken),
        content_fields: &["authTokenId", "token"],
        secret_maker: SecretMaker::Iam,
        permissions: &["USER_AUTHTOKEN_SET", "USER_AUTHTOKEN_REMOVE"],
    },
    KindSpec {
        kind: CredentialKind::CustomerSecretKey,
        family: Some(Family::CustomerSecretKey),
        content_fields: &["accessKeyId", "secretAccessKey"],
        secret_maker: SecretMaker::Iam,
        permissions: &["USER_SECRETKEY_ADD", "USER_SECRETKEY_REMOVE"],
    },
    KindSpec {
        kind: CredentialKind::ConsolePassword,
        family: None,
        content_fields: &["password"],
        secret_maker: SecretMaker::Function,
        permissions: &["USER_UIPASS_SET", "USER_UIPASS_RESET"],
    },
    KindSpec {
        kind: CredentialKind::SmtpCredential,
        family: Some(Family::SmtpCredential),
        content_fields: &["smtpCredentialId", "username", "password"],
        secret_maker: SecretMaker::Iam,
        permissions: &["CREDENTIAL_INSPECT", "CREDENTIAL_ADD", "CREDENTIAL_REMOVE"],
    },
    KindSpec {
        kind: CredentialKind::OAuth2ClientCredential,
        family: Some(Family::OAuth2ClientCredential),
        content_fields: &["clientId", "clientSecret"],
        secret_maker: SecretMaker::Iam,
        permissions: &["USER_OAUTH2_CLIENT_CRED_CREATE", "USER_OAUTH2_CLIENT_CRED_REMOVE"],
    },
    KindSpec {
        kind: CredentialKind::DbCredential,
        family: Some(Family::DbCredential),
        content_fields: &["dbCredentialId", "password"],
        secret_maker: SecretMaker::Function,
        permissions: &[],
    },
];

/// The table's row for `kind`.
pub fn spec(kind: CredentialKind) -> &'static KindSpec {
    match KINDS.iter().find(|s| s.kind == kind) {
        Some(s) => s,
        // Every kind has a row: the test below checks it.
        None => &KINDS[0],
    }
}

/// The contract's content of a `kind` credential: `values` in the order of the kind's
/// `content_fields` (an API key: fingerprint, private key PEM, public key PEM, tenancy; an SMTP
/// credential: its OCID, user name, password; ...). The one constructor enroll, adopt, the demo
/// and the simulator's seed use. Err (naming the fields, never a value) when the count differs.
pub fn content(kind: CredentialKind, values: &[&str]) -> Result<Value, String> {
    let fields = spec(kind).content_fields;
    if fields.len() != values.len() {
        return Err(format!("a {kind} content holds {} ({} values given)", fields.join(", "), values.len()));
    }
    Ok(Value::Object(fields.iter().zip(values).map(|(f, v)| ((*f).to_owned(), Value::String((*v).to_owned()))).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_own_row_in_order() {
        let kinds: Vec<CredentialKind> = KINDS.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, CredentialKind::ALL.to_vec());
        for kind in CredentialKind::ALL {
            assert_eq!(spec(kind).kind, kind);
        }
    }

    #[test]
    fn content_names_the_fields_in_order_and_refuses_a_wrong_count() {
        let smtp = content(CredentialKind::SmtpCredential, &["ocid1.credential.x", "user@x", "pw"]).unwrap();
        assert_eq!(smtp, serde_json::json!({"smtpCredentialId": "ocid1.credential.x", "username": "user@x", "password": "pw"}));
        let err = content(CredentialKind::AuthToken, &["only-the-id"]).unwrap_err();
        assert!(err.contains("authTokenId, token") && !err.contains("only-the-id"), "{err}");
    }

    #[test]
    fn only_the_console_password_has_no_family() {
        for s in KINDS {
            assert_eq!(s.family.is_none(), s.kind == CredentialKind::ConsolePassword, "{}", s.kind);
        }
    }
}
