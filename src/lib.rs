//! oci-rotator: an OCI Vault secret-rotation function for OCI IAM credentials.
//!
//! # Layout
//! - [`protocol`]: the wire words Vault speaks (`SecretRotationInput`, `SecretRotationOutput`, `Step`).
//! - [`keys`]: RSA key material in OCI's forms (PKCS#8, SPKI, fingerprint).
//! - [`oci`]: a small signed REST client for Vault, Secrets and Identity; knows nothing of rotation.
//! - [`sim`]: an embedded OCI simulator (Vault, Secrets, Identity) for the demo and the tests.
pub mod keys;
pub mod oci;
pub mod sim;
