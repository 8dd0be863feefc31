//! Given-helpers against wiremock: the setup blocks that many tests start with, each mounted with
//! the exact call counts the tests used to write out by hand.

use serde_json::{json, Value};
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, ResponseTemplate};

use super::wire::{api_key_metadata, bundle_json, secret_json, TestApp, TestKey, SECRET_ID};

impl TestApp {
    /// Given a secret at version `version` with `metadata`, whose LATEST version is its CURRENT one
    /// holding `current`: GetSecret once, GetSecretBundle (stage LATEST) once.
    pub async fn given_secret(&self, version: u64, metadata: Value, current: &Value) {
        self.mount_get_secret(secret_json(version, metadata), 1).await;
        self.mount_bundle_by_stage("LATEST", Some(bundle_json(version, &["CURRENT", "LATEST"], current)), 1).await;
    }

    /// Given UPDATE_TARGET_SYSTEM's secret with `metadata`: its CURRENT version `current.0` holds
    /// `current.1`, and a PENDING version `pending.0` with stages `pending.1` holds `pending.2`:
    /// GetSecret once, GetSecretBundle by stage PENDING once and CURRENT once.
    pub async fn given_pending(&self, metadata: Value, current: (u64, &Value), pending: (u64, &[&str], &Value)) {
        self.mount_get_secret(secret_json(current.0, metadata), 1).await;
        self.mount_bundle_by_stage("PENDING", Some(bundle_json(pending.0, pending.1, pending.2)), 1).await;
        self.mount_bundle_by_stage("CURRENT", Some(bundle_json(current.0, &["CURRENT"], current.1)), 1).await;
    }

    /// Given PROMOTE_PENDING_VERSION of an API key's version 2 (both keys in IAM), on a secret read
    /// `secret_reads` times carrying `tags`: GetSecret, GetSecretBundle of version 2, the live check
    /// and the promoting UpdateSecret, each once.
    pub async fn given_promotable_api_key(&self, tags: Value, secret_reads: u64) {
        let (current, pending) = (TestKey::generate(), TestKey::generate());
        self.iam.add_key(&current.public_pem);
        self.iam.add_key(&pending.public_pem);
        let mut secret = secret_json(1, api_key_metadata());
        secret["freeformTags"] = tags;
        self.mount_get_secret(secret, secret_reads).await;
        self.mount_bundle_by_version(2, bundle_json(2, &["PENDING", "LATEST"], &pending.content()), 1..=1).await;
        self.mount_get_user_by_user_key(1..=1, 0..=0).await;
        Mock::given(method("PUT"))
            .and(path(format!("/20180608/secrets/{SECRET_ID}")))
            .and(body_json(json!({"currentVersionNumber": 2})))
            .and(self.signed())
            .respond_with(ResponseTemplate::new(200).set_body_json(secret_json(2, api_key_metadata())))
            .named("UpdateSecret (promote)")
            .expect(1)
            .mount(&self.oci)
            .await;
    }
}
