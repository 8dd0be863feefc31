//! Given-helpers against wiremock: the setup blocks that many tests start with, each mounted with
//! the exact call counts the tests used to write out by hand.

use serde_json::Value;

use super::wire::{bundle_json, secret_json, TestApp};

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
}
