//! RSA key material in the forms OCI uses: PKCS#8 private PEM, SPKI ("PUBLIC KEY") public PEM, and
//! the fingerprint OCI shows for an API key (MD5 of the DER SubjectPublicKeyInfo, colon hex).
//!
//! Private key PEMs are held in [`Zeroizing`] strings and wiped on drop.

use md5::{Digest, Md5};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::{RsaPrivateKey, RsaPublicKey};
use zeroize::Zeroizing;

/// Why key material could not be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The text is not a PEM private key this function understands.
    #[error("not an RSA private key in PEM (PKCS#8 or PKCS#1)")]
    PrivateKey,
    /// The key is encrypted and the passphrase is missing or wrong.
    #[error("encrypted private key: passphrase missing or wrong")]
    Passphrase,
    /// The text is not an RSA public key in PEM.
    #[error("not an RSA public key in PEM (SubjectPublicKeyInfo)")]
    PublicKey,
    /// The key size is not one OCI accepts for this function.
    #[error("unsupported RSA key size {0} (use 2048, 3072 or 4096)")]
    KeySize(usize),
    /// Key generation or encoding failed.
    #[error("RSA key generation or encoding failed")]
    Generate,
}

/// Key sizes accepted for generated API keys.
pub const KEY_SIZES: [usize; 3] = [2048, 3072, 4096];

/// A freshly generated key pair, in the forms the secret stores.
pub struct GeneratedKey {
    /// PKCS#8 PEM of the private key (wiped on drop).
    pub private_pem: Zeroizing<String>,
    /// SPKI PEM of the public key.
    pub public_pem: String,
    /// OCI fingerprint of the public key.
    pub fingerprint: String,
}

/// Generates an RSA key pair of `bits` bits (CPU-heavy: call from a blocking thread).
pub fn generate(bits: usize) -> Result<GeneratedKey, KeyError> {
    if !KEY_SIZES.contains(&bits) {
        return Err(KeyError::KeySize(bits));
    }
    let mut rng = rand::thread_rng();
    let private = RsaPrivateKey::new(&mut rng, bits).map_err(|_| KeyError::Generate)?;
    let public = RsaPublicKey::from(&private);
    let private_pem = private.to_pkcs8_pem(LineEnding::LF).map_err(|_| KeyError::Generate)?;
    let public_pem = public.to_public_key_pem(LineEnding::LF).map_err(|_| KeyError::Generate)?;
    Ok(GeneratedKey { private_pem: Zeroizing::new(private_pem.to_string()), fingerprint: fingerprint(&public)?, public_pem })
}

/// Parses a private key PEM: PKCS#8 (`BEGIN PRIVATE KEY`), encrypted PKCS#8 (with `passphrase`)
/// or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
pub fn parse_private_pem(pem: &str, passphrase: Option<&str>) -> Result<RsaPrivateKey, KeyError> {
    let pem = pem.trim();
    if pem.contains("BEGIN ENCRYPTED PRIVATE KEY") {
        let pass = passphrase.ok_or(KeyError::Passphrase)?;
        return RsaPrivateKey::from_pkcs8_encrypted_pem(pem, pass.as_bytes()).map_err(|_| KeyError::Passphrase);
    }
    RsaPrivateKey::from_pkcs8_pem(pem).or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem)).map_err(|_| KeyError::PrivateKey)
}

/// Parses a public key PEM (SubjectPublicKeyInfo).
pub fn parse_public_pem(pem: &str) -> Result<RsaPublicKey, KeyError> {
    RsaPublicKey::from_public_key_pem(pem.trim()).map_err(|_| KeyError::PublicKey)
}

/// The SPKI PEM of a key's public half.
pub fn public_pem(key: &RsaPublicKey) -> Result<String, KeyError> {
    key.to_public_key_pem(LineEnding::LF).map_err(|_| KeyError::Generate)
}

/// OCI's fingerprint: MD5 of the DER SubjectPublicKeyInfo, lower-case hex pairs joined by `:`.
pub fn fingerprint(key: &RsaPublicKey) -> Result<String, KeyError> {
    let der = key.to_public_key_der().map_err(|_| KeyError::PublicKey)?;
    let digest = Md5::digest(der.as_bytes());
    Ok(digest.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"))
}

/// True when `s` looks like an OCI fingerprint (16 lower-case hex pairs joined by `:`).
pub fn is_fingerprint(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() == 16 && parts.iter().all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const VECTORS: &str = include_str!("../tests/data/oci-request-signing.json");

    #[test]
    fn fingerprints_match_the_sdk() {
        let doc: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
        let public = parse_public_pem(doc["public_key_pem"].as_str().unwrap()).unwrap();
        assert_eq!(fingerprint(&public).unwrap(), doc["api_key"]["fingerprint"].as_str().unwrap());
        let uploaded = parse_public_pem(doc["uploaded_public_key"]["pem"].as_str().unwrap()).unwrap();
        assert_eq!(fingerprint(&uploaded).unwrap(), doc["uploaded_public_key"]["fingerprint"].as_str().unwrap());
        assert!(is_fingerprint(&fingerprint(&uploaded).unwrap()));
        assert!(!is_fingerprint("aa:bb"));
    }

    #[test]
    fn generated_keys_round_trip_and_match_their_fingerprint() {
        let key = generate(2048).unwrap();
        let private = parse_private_pem(&key.private_pem, None).unwrap();
        let public = parse_public_pem(&key.public_pem).unwrap();
        assert_eq!(RsaPublicKey::from(&private), public);
        assert_eq!(fingerprint(&public).unwrap(), key.fingerprint);
        assert!(matches!(generate(1024), Err(KeyError::KeySize(1024))));
        assert!(parse_private_pem("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----", None).is_err());
    }
}
