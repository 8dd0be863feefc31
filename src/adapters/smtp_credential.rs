//! SMTP credentials (`SMTP_CREDENTIAL`), used to send mail through OCI Email Delivery. Content:
//! `smtpCredentialId`, `username`, `password`. IAM issues both the user name and the password
//! with each credential and shows the password only in the create response, so
//! CREATE_PENDING_VERSION creates it (description `oci-rotator <secretId>`) and writes all three
//! into the new PENDING version. Live: IAM lists the credential id as ACTIVE for the user.
//! Limit: 2 per user. The shared mechanics are in `iam_secret.rs`.

use super::directory::Family;
use super::iam_secret::{iam_secret_adapter, Maker, Spec};
use crate::secret::CredentialKind;

/// The SMTP-credential adapter.
pub struct SmtpCredentialAdapter;

const SPEC: Spec = Spec {
    family: Family::SmtpCredential,
    id_field: "smtpCredentialId",
    secret_field: "password",
    username_field: Some("username"),
    maker: Maker::Iam,
    limit: Some(2),
    one: "SMTP credential",
    many: "SMTP credentials",
};

iam_secret_adapter!(SmtpCredentialAdapter, CredentialKind::SmtpCredential, SPEC);
