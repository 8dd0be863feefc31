//! Customer secret keys (`CUSTOMER_SECRET_KEY`). Content: `accessKeyId`, `secretAccessKey`. IAM shows the
//! secret key only when it is created, so CREATE_PENDING_VERSION creates it (display name
//! `oci-rotator <secretId>`) and writes it into the new PENDING version. Live: IAM lists the access key
//! id as ACTIVE for the user. On the create response `id` is the access key itself.
//! Limit: 2 per user. The shared mechanics are in `iam_secret.rs`.

use super::iam_secret::{iam_secret_adapter, Maker, Spec};
use crate::secret::CredentialKind;

/// The customer-secret-key adapter.
pub struct CustomerSecretKeyAdapter;

const SPEC: Spec = Spec::of(CredentialKind::CustomerSecretKey, Maker::Iam, "customer secret key", "customer secret keys");

iam_secret_adapter!(CustomerSecretKeyAdapter, CredentialKind::CustomerSecretKey, SPEC);
