//! oci-rotator: an OCI Vault secret-rotation function for OCI IAM credentials.
//!
//! # Layout
//! - [`protocol`]: the wire words Vault speaks (`SecretRotationInput`, `SecretRotationOutput`, `Step`).
//! - [`secret`]: the secret's metadata (which credential of which user) and content.
//! - [`engine`]: the four-step state machine over Vault and an adapter; a plain async fn.
//! - [`adapters`]: one file per IAM credential kind, behind the `TargetAdapter` trait.
//! - [`oci`]: a small signed REST client for Vault, Secrets and Identity; knows nothing of rotation.
//! - [`keys`]: RSA key material in OCI's forms (PKCS#8, SPKI, fingerprint).
//! - [`config`]: process settings from the environment.
//! - [`server`]: the axum router, served on the Fn socket or on TCP.
//! - [`telemetry`]: logs (plain or JSON for OCI Logging), never secret material.
//! - [`sim`]: an embedded OCI simulator (Vault, Secrets, Identity) for the demo and the tests.
pub mod adapters;
pub mod config;
pub mod engine;
pub mod keys;
pub mod oci;
pub mod protocol;
pub mod secret;
pub mod server;
pub mod sim;
pub mod telemetry;
