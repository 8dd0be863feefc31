//! Customer secret keys (`CUSTOMER_SECRET_KEY`). Content: `accessKeyId`, `secretAccessKey`. IAM shows the
//! secret key only when it is created, so CREATE_PENDING_VERSION creates it (display name
//! `oci-rotator <secretId>`) and writes it into the new PENDING version. Live: IAM lists the access key
//! id as ACTIVE for the user. On the create response `id` is the access key itself.
//! Limit: 2 per user. The shared mechanics are in `iam_secret.rs`.

use super::iam_secret::Spec;
use super::{Error, NewPending, Target, TargetAdapter, Version};
use crate::oci::identity::CredentialFamily;
use crate::secret::{CredentialKind, SecretContent};

/// The customer-secret-key adapter.
pub struct CustomerSecretKeyAdapter;

const SPEC: Spec = Spec {
    family: CredentialFamily::CustomerSecretKey,
    id_field: "accessKeyId",
    secret_field: "secretAccessKey",
    limit: 2,
    one: "customer secret key",
    many: "customer secret keys",
};

impl TargetAdapter for CustomerSecretKeyAdapter {
    const KIND: CredentialKind = CredentialKind::CustomerSecretKey;

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
