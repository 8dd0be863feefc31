//! RSA key material in the forms OCI uses: PKCS#8 private PEM, SPKI ("PUBLIC KEY") public PEM, the
//! fingerprint OCI shows for an API key (MD5 of the DER SubjectPublicKeyInfo, colon hex), and
//! [`SigningKey`], a private key parsed once into `ring`'s `RsaKeyPair` to sign requests with.
//!
//! Who does what (docs/security.md):
//! - `rsa` 0.10 generates keys and reads/writes the public forms; it performs no private-key
//!   operation here other than generating a key.
//! - `pkcs8` 0.11 reads private PEMs (PKCS#8, encrypted PKCS#8, PKCS#1) into DER.
//! - `ring` (already in the binary through rustls) checks the private key and signs with it, in
//!   constant time. It refuses keys under 2048 bits, over 8192 bits, whose size is not a multiple of
//!   512 bits, with a public exponent under 65537, or whose components do not make a key pair.
//!
//! Private key PEMs are held in [`Zeroizing`] strings and wiped on drop; the DER a PEM decodes to is
//! a `SecretDocument` (wiped on drop).

use md5::{Digest, Md5};
use pkcs8::der::SecretDocument;
use pkcs8::{EncryptedPrivateKeyInfoRef, PrivateKeyInfoRef};
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use rsa::pkcs1::RsaPrivateKeyRef;
use rsa::pkcs8::{DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::{BoxedUint, PrivateKey, PublicKey};
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
    /// The private key is too short to sign OCI requests with.
    #[error("the RSA key is {0} bits; at least 2048 are required")]
    TooSmall(usize),
    /// The private key parses but cannot sign (ring's checks); the text says why.
    #[error("the RSA private key cannot be used to sign: {0}")]
    Refused(&'static str),
    /// The signature could not be computed.
    #[error("RSA signing failed")]
    Sign,
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
    let private = PrivateKey::new(&mut rand::rng(), bits).map_err(|_| KeyError::Generate)?;
    let public = private.to_public_key();
    let private_pem = private.to_pkcs8_pem(LineEnding::LF).map_err(|_| KeyError::Generate)?;
    let public_pem = public.to_public_key_pem(LineEnding::LF).map_err(|_| KeyError::Generate)?;
    Ok(GeneratedKey { private_pem, fingerprint: fingerprint(&public)?, public_pem })
}

/// An RSA private key ready to sign with: parsed and checked once, then used for every request.
///
/// Holds `ring`'s `RsaKeyPair` (PKCS#1 v1.5 with SHA-256, constant time) and the public half.
/// Its `Debug` prints the key size only.
pub struct SigningKey {
    pair: RsaKeyPair,
    public: PublicKey,
    bits: usize,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey").field("bits", &self.bits).finish_non_exhaustive()
    }
}

impl SigningKey {
    /// Parses a private key PEM: PKCS#8 (`BEGIN PRIVATE KEY`), encrypted PKCS#8
    /// (`BEGIN ENCRYPTED PRIVATE KEY`, with `passphrase`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
    pub fn from_pem(pem: &str, passphrase: Option<&str>) -> Result<Self, KeyError> {
        let (label, der) = SecretDocument::from_pem(pem.trim()).map_err(|_| KeyError::PrivateKey)?;
        match label {
            "PRIVATE KEY" => Self::from_pkcs8_der(der.as_bytes()),
            "RSA PRIVATE KEY" => Self::from_pkcs1_der(der.as_bytes()),
            "ENCRYPTED PRIVATE KEY" => {
                let pass = passphrase.ok_or(KeyError::Passphrase)?;
                let info = EncryptedPrivateKeyInfoRef::try_from(der.as_bytes()).map_err(|_| KeyError::PrivateKey)?;
                let plain = info.decrypt(pass.as_bytes()).map_err(|_| KeyError::Passphrase)?;
                Self::from_pkcs8_der(plain.as_bytes())
            }
            _ => Err(KeyError::PrivateKey),
        }
    }

    /// Parses an unencrypted PKCS#8 DER `PrivateKeyInfo` holding an RSA key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        let info = PrivateKeyInfoRef::try_from(der).map_err(|_| KeyError::PrivateKey)?;
        if info.algorithm.oid != rsa::pkcs1::ALGORITHM_OID {
            return Err(KeyError::PrivateKey);
        }
        Self::from_pkcs1_der(info.private_key.as_bytes())
    }

    /// Parses a PKCS#1 DER `RSAPrivateKey`: its size is checked here (for a clear message), then
    /// `ring` checks the whole key.
    pub fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        let fields = RsaPrivateKeyRef::try_from(der).map_err(|_| KeyError::PrivateKey)?;
        let modulus = fields.modulus.as_bytes();
        let bits = bit_length(modulus);
        if bits < 2048 {
            return Err(KeyError::TooSmall(bits));
        }
        let pair = RsaKeyPair::from_der(der).map_err(|e| KeyError::Refused(refusal(&e.to_string())))?;
        let exponent = fields.public_exponent.as_bytes();
        let public = PublicKey::new(BoxedUint::from_be_slice_vartime(modulus), BoxedUint::from_be_slice_vartime(exponent))
            .map_err(|_| KeyError::Refused("its public key is not a valid RSA public key"))?;
        Ok(SigningKey { pair, public, bits })
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 over `message` (deterministic: the same message and key
    /// always give the same signature).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let mut signature = vec![0u8; self.pair.public().modulus_len()];
        // PKCS#1 v1.5 padding draws nothing from the RNG; ring's API asks for one regardless.
        let rng = ring::rand::SystemRandom::new();
        self.pair.sign(&RSA_PKCS1_SHA256, &rng, message, &mut signature).map_err(|_| KeyError::Sign)?;
        Ok(signature)
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.bits
    }
}

/// Bits of a big-endian unsigned integer without leading zero bytes.
fn bit_length(be: &[u8]) -> usize {
    match be.first() {
        Some(&top) => be.len() * 8 - top.leading_zeros() as usize,
        None => 0,
    }
}

/// What ring's refusal (`KeyRejected`) means, in words.
fn refusal(description: &str) -> &'static str {
    match description {
        "TooSmall" => "the modulus is under 2048 bits",
        "TooLarge" => "the modulus is over 8192 bits",
        "PrivateModulusLenNotMultipleOf512Bits" => "its size is not a multiple of 512 bits (use 2048, 3072 or 4096)",
        "InconsistentComponents" => "its components do not make a key pair",
        "VersionNotSupported" => "multi-prime keys are not supported",
        "InvalidComponent" => "a component is out of range (the public exponent must be at least 65537)",
        "InvalidEncoding" => "it is malformed",
        _ => "ring refused it",
    }
}

/// Parses a private key PEM (see [`SigningKey::from_pem`]).
pub fn parse_private_pem(pem: &str, passphrase: Option<&str>) -> Result<SigningKey, KeyError> {
    SigningKey::from_pem(pem, passphrase)
}

/// Parses a public key PEM (SubjectPublicKeyInfo).
pub fn parse_public_pem(pem: &str) -> Result<PublicKey, KeyError> {
    PublicKey::from_public_key_pem(pem.trim()).map_err(|_| KeyError::PublicKey)
}

/// The SPKI PEM of a key's public half.
pub fn public_pem(key: &PublicKey) -> Result<String, KeyError> {
    key.to_public_key_pem(LineEnding::LF).map_err(|_| KeyError::Generate)
}

/// OCI's fingerprint: MD5 of the DER SubjectPublicKeyInfo, lower-case hex pairs joined by `:`.
pub fn fingerprint(key: &PublicKey) -> Result<String, KeyError> {
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

    fn doc() -> serde_json::Value {
        serde_json::from_str(VECTORS).unwrap()
    }

    /// A PKCS#8 PEM of a key of `bits` bits that [`generate`] would not make (test sizes).
    fn pkcs8_pem_of_size(bits: usize) -> Zeroizing<String> {
        PrivateKey::new(&mut rand::rng(), bits).unwrap().to_pkcs8_pem(LineEnding::LF).unwrap()
    }

    /// The same key as PKCS#1 (`BEGIN RSA PRIVATE KEY`).
    fn as_pkcs1_pem(pkcs8_pem: &str) -> String {
        let (_, der) = SecretDocument::from_pem(pkcs8_pem).unwrap();
        let info = PrivateKeyInfoRef::try_from(der.as_bytes()).unwrap();
        pkcs8::der::pem::encode_string("RSA PRIVATE KEY", LineEnding::LF, info.private_key.as_bytes()).unwrap()
    }

    #[test]
    fn fingerprints_match_the_sdk() {
        let doc = doc();
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
        assert!(key.private_pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(key.public_pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
        let private = parse_private_pem(&key.private_pem, None).unwrap();
        let public = parse_public_pem(&key.public_pem).unwrap();
        assert_eq!(private.public_key(), &public);
        assert_eq!(private.bits(), 2048);
        assert_eq!(fingerprint(&public).unwrap(), key.fingerprint);
        assert!(matches!(generate(1024), Err(KeyError::KeySize(1024))));
        assert!(parse_private_pem("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----", None).is_err());
    }

    #[test]
    fn pkcs1_and_encrypted_pkcs8_give_the_same_key_as_pkcs8() {
        let pem = doc()["private_key_pem"].as_str().unwrap().to_owned();
        let plain = SigningKey::from_pem(&pem, None).unwrap();
        let message = b"date: Mon, 23 Nov 2026 03:50:31 GMT";
        let expected = plain.sign(message).unwrap();

        let pkcs1 = SigningKey::from_pem(&as_pkcs1_pem(&pem), None).unwrap();
        assert_eq!(pkcs1.sign(message).unwrap(), expected);

        let (_, der) = SecretDocument::from_pem(&pem).unwrap();
        let info = PrivateKeyInfoRef::try_from(der.as_bytes()).unwrap();
        let encrypted = info.encrypt_with_rng(&mut rand::rng(), b"correct horse").unwrap();
        let encrypted_pem = encrypted.to_pem("ENCRYPTED PRIVATE KEY", LineEnding::LF).unwrap();
        let decrypted = SigningKey::from_pem(&encrypted_pem, Some("correct horse")).unwrap();
        assert_eq!(decrypted.sign(message).unwrap(), expected);
        assert!(matches!(SigningKey::from_pem(&encrypted_pem, None), Err(KeyError::Passphrase)));
        assert!(matches!(SigningKey::from_pem(&encrypted_pem, Some("wrong")), Err(KeyError::Passphrase)));
    }

    #[test]
    fn keys_ring_refuses_are_refused_with_a_clear_error() {
        // Under 2048 bits, in both encodings: refused before ring, with the size.
        let short = pkcs8_pem_of_size(1024);
        for pem in [short.to_string(), as_pkcs1_pem(&short)] {
            let err = SigningKey::from_pem(&pem, None).unwrap_err();
            assert!(matches!(err, KeyError::TooSmall(1024)), "{err:?}");
            assert_eq!(err.to_string(), "the RSA key is 1024 bits; at least 2048 are required");
        }
        // 2304 bits: not a multiple of 512, which ring refuses.
        let odd = SigningKey::from_pem(&pkcs8_pem_of_size(2304), None).unwrap_err();
        assert!(matches!(odd, KeyError::Refused(_)), "{odd:?}");
        assert!(odd.to_string().contains("multiple of 512 bits"), "{odd}");

        // Components that do not make a key pair: the vectors' key with the modulus of another key.
        let pem = doc()["private_key_pem"].as_str().unwrap().to_owned();
        let other = generate(2048).unwrap();
        let (_, der) = SecretDocument::from_pem(&pem).unwrap();
        let (_, other_der) = SecretDocument::from_pem(other.private_pem.as_str()).unwrap();
        let info = PrivateKeyInfoRef::try_from(der.as_bytes()).unwrap();
        let other_info = PrivateKeyInfoRef::try_from(other_der.as_bytes()).unwrap();
        let mut fields = RsaPrivateKeyRef::try_from(info.private_key.as_bytes()).unwrap();
        fields.modulus = RsaPrivateKeyRef::try_from(other_info.private_key.as_bytes()).unwrap().modulus;
        let mixed = pkcs8::der::Encode::to_der(&fields).unwrap();
        let err = SigningKey::from_pkcs1_der(&mixed).unwrap_err();
        assert!(matches!(err, KeyError::Refused(_)), "{err:?}");
        assert!(err.to_string().contains("do not make a key pair"), "{err}");

        // Malformed: truncated DER, a PEM that is not base64, another algorithm, a public key.
        let good = SecretDocument::from_pem(&as_pkcs1_pem(&pem)).unwrap().1;
        let truncated = &good.as_bytes()[..good.as_bytes().len() - 10];
        assert!(matches!(SigningKey::from_pkcs1_der(truncated), Err(KeyError::PrivateKey)));
        assert!(matches!(
            SigningKey::from_pem("-----BEGIN RSA PRIVATE KEY-----\n!!\n-----END RSA PRIVATE KEY-----", None),
            Err(KeyError::PrivateKey)
        ));
        assert!(matches!(SigningKey::from_pem(doc()["public_key_pem"].as_str().unwrap(), None), Err(KeyError::PrivateKey)));
        assert!(matches!(SigningKey::from_pem("", None), Err(KeyError::PrivateKey)));
    }

    #[test]
    fn the_signing_key_debug_prints_no_material() {
        let pem = doc()["private_key_pem"].as_str().unwrap().to_owned();
        let key = SigningKey::from_pem(&pem, None).unwrap();
        assert_eq!(format!("{key:?}"), "SigningKey { bits: 2048, .. }");
    }
}
