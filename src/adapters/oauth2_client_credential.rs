//! OAuth 2.0 client credentials (`OAUTH2_CLIENT_CREDENTIAL`). Content: `clientId` (the
//! credential's OCID), `clientSecret`. IAM shows the secret only in the create response, so
//! CREATE_PENDING_VERSION creates a new credential (description `oci-rotator <secretId>`, scopes
//! from `metadata.scopes` or else copied from the CURRENT credential) and writes it into the new
//! PENDING version. The old credential is never reset in place (`isResetPassword` would kill its
//! secret at once: a lockout). Live: IAM lists the credential id as ACTIVE for the user.
//! Limit: Oracle documents no per-user figure (its "10" is scopes per credential), so none is
//! checked ahead of IAM; IAM's own limit answer is a 409 naming the credentials the secret does
//! not manage. The shared mechanics are in `iam_secret.rs`.

use super::iam_secret::{iam_secret_adapter, Maker, Spec};
use crate::secret::CredentialKind;

/// The OAuth 2.0 client-credential adapter.
pub struct OAuth2ClientCredentialAdapter;

const SPEC: Spec =
    Spec::of(CredentialKind::OAuth2ClientCredential, Maker::Iam, "OAuth 2.0 client credential", "OAuth 2.0 client credentials");

iam_secret_adapter!(OAuth2ClientCredentialAdapter, CredentialKind::OAuth2ClientCredential, SPEC);
