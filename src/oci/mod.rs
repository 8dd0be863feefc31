//! The OCI REST client.
pub mod signer;
