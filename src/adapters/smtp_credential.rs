//! SMTP credentials (`SMTP_CREDENTIAL`), used to send mail through OCI Email Delivery. Content:
//! `smtpCredentialId`, `username`, `password`. IAM issues both the user name and the password
//! with each credential and shows the password only in the create response, so
//! CREATE_PENDING_VERSION creates it (description `oci-rotator <secretId>`) and writes all three
//! into the new PENDING version. Live: IAM lists the credential id as ACTIVE for the user.
//! Limit: 2 per user. The shared mechanics are in `iam_secret.rs`.

use super::iam_secret::{iam_secret_adapter, Maker, Spec};
use crate::secret::CredentialKind;

/// The SMTP-credential adapter.
pub struct SmtpCredentialAdapter;

const SPEC: Spec = Spec::of(CredentialKind::SmtpCredential, Maker::Iam, "SMTP credential", "SMTP credentials");

iam_secret_adapter!(SmtpCredentialAdapter, CredentialKind::SmtpCredential, SPEC);
