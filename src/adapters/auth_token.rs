//! Auth tokens (`AUTH_TOKEN`). Content: `authTokenId`, `token`. IAM shows a token only when it is
//! created, so CREATE_PENDING_VERSION creates it (description `oci-rotator <secretId>`) and writes
//! it straight into the new PENDING version. Live: IAM lists the token id as ACTIVE for the user.
//! Limit: 2 per user. The shared mechanics are in `iam_secret.rs`.

use super::iam_secret::Spec;
use super::{Error, NewPending, Target, TargetAdapter, Version};
use crate::oci::identity::CredentialFamily;
use crate::secret::{CredentialKind, SecretContent};

/// The auth-token adapter.
pub struct AuthTokenAdapter;

const SPEC: Spec = Spec {
    family: CredentialFamily::AuthToken,
    id_field: "authTokenId",
    secret_field: "token",
    limit: 2,
    one: "auth token",
    many: "auth tokens",
};

impl TargetAdapter for AuthTokenAdapter {
    const KIND: CredentialKind = CredentialKind::AuthToken;

    fn credential_id(&self, _t: &Target<'_>, content: &SecretContent) -> Result<String, Error> {
        SPEC.credential_id(content)
    }

    async fn is_live(&self, t: &Target<'_>, version: &Version) -> Result<bool, Error> {
        SPEC.is_live(t, &version.credential_id).await
    }

    async fn new_pending(&self, t: &Target<'_>, current: &Version) -> Result<NewPending, Error> {
        SPEC.new_pending(self, t, current).await
    }

    async fn apply_pending(&self, t: &Target<'_>, _current: &Version, pending: &Version) -> Result<String, Error> {
        SPEC.apply_pending(t, pending).await
    }

    async fn retire(&self, t: &Target<'_>, old: &Version) -> Result<(), Error> {
        SPEC.retire(t, old).await
    }
}
