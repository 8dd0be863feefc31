//! Resource-principal session tokens (RPST) the simulator issues and later checks: real three-part
//! base64url JWTs with JSON claims (`sub`, `res_tenant`, `res_compartment`, `iat`, `exp`, and `jwk`,
//! the session public key as `{kty: "RSA", n, e}`), signed HS256 with a key only this simulator
//! holds. Requests signed with keyId `ST$<rpst>` are verified with the session key in `jwk`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rsa::traits::PublicKeyParts as _;
use rsa::{BoxedUint, PublicKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// How long an issued token is valid.
pub(crate) const LIFETIME_SECS: i64 = 3600;

/// HMAC-SHA256 (RFC 2104).
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut k = [0u8; BLOCK];
    if key.len() > BLOCK {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let (mut ipad, mut opad) = ([0x36u8; BLOCK], [0x5cu8; BLOCK]);
    for i in 0..BLOCK {
        ipad[i] ^= k[i];
        opad[i] ^= k[i];
    }
    let inner = Sha256::new().chain_update(ipad).chain_update(message).finalize();
    Sha256::new().chain_update(opad).chain_update(inner).finalize().into()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Issues a token for a function of `tenancy` whose session key is `session`.
pub(crate) fn issue(signing_key: &[u8], tenancy: &str, session: &PublicKey) -> String {
    let iat = now();
    let claims = json!({
        "sub": "ocid1.fnfunc.oc1.iad.simulatedrotationfunction", "iss": "authService.oracle.com", "aud": "oci",
        "res_type": "fnfunc", "res_tenant": tenancy, "res_compartment": tenancy, "ttype": "res",
        "iat": iat, "exp": iat + LIFETIME_SECS,
        "jwk": {"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "session",
            "n": URL_SAFE_NO_PAD.encode(session.n_bytes()), "e": URL_SAFE_NO_PAD.encode(session.e_bytes())}
    });
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT","kid":"oci-rotator-sim"}"#);
    let signing_input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
    let signature = URL_SAFE_NO_PAD.encode(hmac_sha256(signing_key, signing_input.as_bytes()));
    format!("{signing_input}.{signature}")
}

/// Checks a token this simulator issued for `tenancy` and returns its session public key.
pub(crate) fn verify(signing_key: &[u8], tenancy: &str, token: &str) -> Result<PublicKey, &'static str> {
    let mut parts = token.split('.');
    let (Some(header_b64), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err("the security token is not a JWT");
    };
    let header: Value = URL_SAFE_NO_PAD
        .decode(header_b64)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("the security token header is not base64url JSON")?;
    if header["alg"] != "HS256" {
        return Err("the security token was not issued by this simulator");
    }
    let expected = hmac_sha256(signing_key, format!("{header_b64}.{payload}").as_bytes());
    let given = URL_SAFE_NO_PAD.decode(signature).map_err(|_| "the security token signature is not base64url")?;
    // Constant-time comparison.
    if given.len() != expected.len() || given.iter().zip(expected.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) != 0 {
        return Err("the security token signature does not verify");
    }
    let claims: Value = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or("the security token claims are not base64url JSON")?;
    if claims["exp"].as_i64().is_none_or(|exp| exp <= now()) {
        return Err("the security token expired");
    }
    if claims["res_tenant"] != tenancy {
        return Err("the security token is for another tenancy");
    }
    let part = |name: &str| {
        claims["jwk"][name].as_str().and_then(|s| URL_SAFE_NO_PAD.decode(s).ok()).map(|b| BoxedUint::from_be_slice_vartime(&b))
    };
    let (Some(n), Some(e)) = (part("n"), part("e")) else { return Err("the security token has no session key") };
    PublicKey::new(n, e).map_err(|_| "the security token's session key is not a valid RSA key")
}
