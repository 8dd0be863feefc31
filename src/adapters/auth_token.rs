//! Auth tokens (`AUTH_TOKEN`). Content: `authTokenId`, `token`. IAM shows a token only when it is
//! created, so CREATE_PENDING_VERSION creates it (description `oci-rotator <secretId>`) and writes
//! it straight into the new PENDING version. Live: IAM lists the token id as ACTIVE for the user.
//! Limit: 2 per user. The shared mechanics are in `iam_secret.rs`.

use super::directory::Family;
use super::iam_secret::{iam_secret_adapter, Maker, Spec};
use crate::secret::CredentialKind;

/// The auth-token adapter.
pub struct AuthTokenAdapter;

const SPEC: Spec = Spec {
    family: Family::AuthToken,
    id_field: "authTokenId",
    secret_field: "token",
    username_field: None,
    maker: Maker::Iam,
    limit: Some(2),
    one: "auth token",
    many: "auth tokens",
};

iam_secret_adapter!(AuthTokenAdapter, CredentialKind::AuthToken, SPEC);
