//! Auth tokens (`AUTH_TOKEN`). Content: `authTokenId`, `token`. IAM shows a token only when it is
//! created, so CREATE_PENDING_VERSION creates it (description `oci-rotator <secretId>`) and writes
//! it straight into the new PENDING version. Live: IAM lists the token id as ACTIVE for the user.
//! Limit: 2 per user. The shared mechanics are in `iam_secret.rs`.

use super::iam_secret::{iam_secret_adapter, Maker, Spec};
use crate::secret::CredentialKind;

/// The auth-token adapter.
pub struct AuthTokenAdapter;

const SPEC: Spec = Spec::of(CredentialKind::AuthToken, Maker::Iam, "auth token", "auth tokens");

iam_secret_adapter!(AuthTokenAdapter, CredentialKind::AuthToken, SPEC);
