//! The kind table: what differs per credential kind, declared once per kind ([`KindSpec`],
//! looked up with [`spec`]) so that the adapters, the binding, the CLI, the onboarding
//! workflows, the fleet view, Cloud Guard and the policy text read it instead of matching on
//! [`CredentialKind`] each.
//!
//! A row holds the kind's IAM family (whose wire words, classic and SCIM, are `oci::family`'s),
//! the content fields of contract section 4 and which of them the function owns, IAM's per-user
//! limit, who makes the secret part, the binding tag key (contract 4.1), the policy verbs and notes
//! (`docs/deploy.md`) and the Cloud Guard problem. Adding a kind: docs/architecture.md, "Adding a
//! credential kind".

use serde_json::Value;

pub use crate::oci::family::Family;
use crate::secret::CredentialKind;

/// Who makes a new credential's secret part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretMaker {
    /// IAM issues it and returns it once.
    Iam,
    /// The function makes it (an API key pair, a console or database password).
    Function,
}

/// What one credential kind is, for every part of the crate.
#[derive(Debug, Clone, Copy)]
pub struct KindSpec {
    /// The kind.
    pub kind: CredentialKind,
    /// Its IAM family (None: the console password, one per user, not listed).
    pub family: Option<Family>,
    /// The secret's content fields (contract section 4), in the order [`content`] takes their
    /// values; the first names the credential (for the API key, the fingerprint; the console
    /// password has no id).
    pub content_fields: &'static [&'static str],
    /// The content fields the function owns: a new version replaces them and keeps the others
    /// (an API key's `tenancyId`, `region`...).
    pub owned_fields: &'static [&'static str],
    /// The content field holding the secret part.
    pub secret_field: &'static str,
    /// The content field holding the user name IAM issues with each credential, if any.
    pub username_field: Option<&'static str>,
    /// Who makes the secret part.
    pub secret_maker: SecretMaker,
    /// IAM's per-user limit where Oracle documents one (checked before any write); None: none is
    /// documented (or one per user), IAM's own answer decides.
    pub limit: Option<usize>,
    /// The user's freeform tag that must name the secret (contract 4.1): `oci-rotator-` and the
    /// credential type in lower case with `_` as `-`. OCI free-form keys are case sensitive.
    pub tag_key: &'static str,
    /// The IAM permissions beyond `USER_INSPECT, USER_READ, USER_UPDATE` every kind needs
    /// (`docs/credential-kinds.md`). Oracle's policy reference lists none for the database-password
    /// operations (none here: the notes say so and name the fallback).
    pub policy_verbs: &'static [&'static str],
    /// Comment lines `policies` prints under the IAM statement when the kind is chosen (what is
    /// unconfirmed about its permissions); `{dg}` is the dynamic group, `{condition}` the
    /// statement's user condition.
    pub policy_notes: &'static [&'static str],
    /// Cloud Guard's credential-age problem for the kind (`API_KEY_TOO_OLD`...), if it has one.
    pub cloud_guard_problem: Option<&'static str>,
    /// The older per-kind keys a problem comment may name the secret with (besides
    /// `secret_ocid:`).
    pub comment_keys: &'static [&'static str],
}

/// Every kind, in [`CredentialKind::ALL`]'s order.
pub const KINDS: [KindSpec; 7] = [
    KindSpec {
        kind: CredentialKind::ApiKey,
        family: Some(Family::ApiKey),
        content_fields: &["fingerprint", "privateKey", "publicKey", "tenancyId"],
        owned_fields: &["fingerprint", "privateKey", "publicKey"],
        secret_field: "privateKey",
        username_field: None,
        secret_maker: SecretMaker::Function,
        limit: Some(3),
        tag_key: "oci-rotator-api-key",
        policy_verbs: &["USER_APIKEY_ADD", "USER_APIKEY_REMOVE"],
        policy_notes: &[],
        cloud_guard_problem: Some("API_KEY_TOO_OLD"),
        comment_keys: &["api_secret_ocid"],
    },
    KindSpec {
        kind: CredentialKind::AuthToken,
        family: Some(Family::AuthToken),
        content_fields: &["authTokenId", "token"],
        owned_fields: &["authTokenId", "token"],
        secret_field: "token",
        username_field: None,
        secret_maker: SecretMaker::Iam,
        limit: Some(2),
        tag_key: "oci-rotator-auth-token",
        policy_verbs: &["USER_AUTHTOKEN_SET", "USER_AUTHTOKEN_REMOVE"],
        policy_notes: &[],
        cloud_guard_problem: Some("AUTH_TOKEN_TOO_OLD"),
        comment_keys: &["auth_secret_ocid"],
    },
    KindSpec {
        kind: CredentialKind::CustomerSecretKey,
        family: Some(Family::CustomerSecretKey),
        content_fields: &["accessKeyId", "secretAccessKey"],
        owned_fields: &["accessKeyId", "secretAccessKey"],
        secret_field: "secretAccessKey",
        username_field: None,
        secret_maker: SecretMaker::Iam,
        limit: Some(2),
        tag_key: "oci-rotator-customer-secret-key",
        policy_verbs: &["USER_SECRETKEY_ADD", "USER_SECRETKEY_REMOVE"],
        policy_notes: &[],
        cloud_guard_problem: Some("SECRET_KEY_TOO_OLD"),
        comment_keys: &["accesskey_secret_ocid", "secretkey_secret_ocid"],
    },
    KindSpec {
        kind: CredentialKind::ConsolePassword,
        family: None,
        content_fields: &["password"],
        owned_fields: &["password"],
        secret_field: "password",
        username_field: None,
        secret_maker: SecretMaker::Function,
        limit: None,
        tag_key: "oci-rotator-console-password",
        policy_verbs: &["USER_UIPASS_SET", "USER_UIPASS_RESET"],
        policy_notes: &[],
        cloud_guard_problem: Some("PASSWORD_TOO_OLD"),
        comment_keys: &["password_secret_ocid"],
    },
    KindSpec {
        kind: CredentialKind::SmtpCredential,
        family: Some(Family::SmtpCredential),
        content_fields: &["smtpCredentialId", "username", "password"],
        owned_fields: &["smtpCredentialId", "password", "username"],
        secret_field: "password",
        username_field: Some("username"),
        secret_maker: SecretMaker::Iam,
        limit: Some(2),
        tag_key: "oci-rotator-smtp-credential",
        policy_verbs: &["CREDENTIAL_INSPECT", "CREDENTIAL_ADD", "CREDENTIAL_REMOVE"],
        policy_notes: &[
            "# SMTP_CREDENTIAL: CREDENTIAL_* are the `credentials` resource type (SMTP credentials); UNCONFIRMED whether the",
            "# user condition narrows it: if the SMTP calls answer 404 NotAuthorizedOrNotFound, drop the where clause for them",
        ],
        // Cloud Guard has no "too old" problem for SMTP, OAuth 2.0 or database credentials.
        cloud_guard_problem: None,
        comment_keys: &[],
    },
    KindSpec {
        kind: CredentialKind::OAuth2ClientCredential,
        family: Some(Family::OAuth2ClientCredential),
        content_fields: &["clientId", "clientSecret"],
        owned_fields: &["clientId", "clientSecret"],
        secret_field: "clientSecret",
        username_field: None,
        secret_maker: SecretMaker::Iam,
        limit: None,
        tag_key: "oci-rotator-oauth2-client-credential",
        policy_verbs: &["USER_OAUTH2_CLIENT_CRED_CREATE", "USER_OAUTH2_CLIENT_CRED_REMOVE"],
        policy_notes: &[],
        cloud_guard_problem: None,
        comment_keys: &[],
    },
    KindSpec {
        kind: CredentialKind::DbCredential,
        family: Some(Family::DbCredential),
        content_fields: &["dbCredentialId", "password"],
        owned_fields: &["dbCredentialId", "password"],
        secret_field: "password",
        username_field: None,
        secret_maker: SecretMaker::Function,
        limit: None,
        tag_key: "oci-rotator-db-credential",
        policy_verbs: &[],
        policy_notes: &[
            "# DB_CREDENTIAL: Oracle's policy reference lists no permission for Create/List/DeleteDbCredential (UNCONFIRMED);",
            "# if those calls answer 404 NotAuthorizedOrNotFound, add: Allow dynamic-group {dg} to manage users in tenancy{condition}",
        ],
        cloud_guard_problem: None,
        comment_keys: &[],
    },
];

/// The table's row for `kind` (the rows are in [`CredentialKind::ALL`]'s order: the test below
/// checks it).
pub const fn spec(kind: CredentialKind) -> &'static KindSpec {
    &KINDS[kind as usize]
}

/// The kind whose Cloud Guard credential-age problem is `problem`.
pub fn of_cloud_guard_problem(problem: &str) -> Option<CredentialKind> {
    KINDS.iter().find(|s| s.cloud_guard_problem == Some(problem)).map(|s| s.kind)
}

/// Every Cloud Guard problem a kind has, in the table's order.
pub fn cloud_guard_problems() -> Vec<&'static str> {
    KINDS.iter().filter_map(|s| s.cloud_guard_problem).collect()
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
    fn tag_keys_follow_the_contract() {
        // `oci-rotator-` and the metadata word in lower case with `_` as `-` (contract 4.1).
        for s in KINDS {
            assert_eq!(s.tag_key, format!("oci-rotator-{}", s.kind.as_str().to_ascii_lowercase().replace('_', "-")));
        }
        let keys: Vec<&str> = KINDS.iter().map(|s| s.tag_key).collect();
        assert_eq!(
            keys,
            [
                "oci-rotator-api-key",
                "oci-rotator-auth-token",
                "oci-rotator-customer-secret-key",
                "oci-rotator-console-password",
                "oci-rotator-smtp-credential",
                "oci-rotator-oauth2-client-credential",
                "oci-rotator-db-credential"
            ]
        );
    }

    #[test]
    fn owned_fields_are_content_fields_holding_the_id_and_the_secret() {
        for s in KINDS {
            assert!(s.owned_fields.iter().all(|f| s.content_fields.contains(f)), "{}", s.kind);
            assert!(s.owned_fields.contains(&s.content_fields[0]) && s.owned_fields.contains(&s.secret_field), "{}", s.kind);
            assert!(s.username_field.is_none_or(|f| s.owned_fields.contains(&f)), "{}", s.kind);
        }
    }

    #[test]
    fn cloud_guard_problems_name_their_kind() {
        assert_eq!(cloud_guard_problems(), ["API_KEY_TOO_OLD", "AUTH_TOKEN_TOO_OLD", "SECRET_KEY_TOO_OLD", "PASSWORD_TOO_OLD"]);
        assert_eq!(of_cloud_guard_problem("SECRET_KEY_TOO_OLD"), Some(CredentialKind::CustomerSecretKey));
        assert_eq!(of_cloud_guard_problem("PASSWORD_TOO_OLD"), Some(CredentialKind::ConsolePassword));
        assert_eq!(of_cloud_guard_problem("BUCKET_IS_PUBLIC"), None);
    }

    #[test]
    fn only_the_console_password_has_no_family() {
        for s in KINDS {
            assert_eq!(s.family.is_none(), s.kind == CredentialKind::ConsolePassword, "{}", s.kind);
        }
    }
}
