//! Random identifiers and one-time secrets in the shapes OCI uses (OCIDs, 40-hex access keys,
//! request ids), and RFC 3339 timestamps.

use rand::RngExt as _;

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const HEX: &[u8] = b"0123456789abcdef";
/// Characters of generated tokens, secret keys and passwords (IAM uses letters, digits and symbols).
const SECRET_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789+-_.:";

fn pick(alphabet: &[u8], len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())])).collect()
}

/// `prefix` followed by 32 random lower-case letters and digits (an OCID's unique part).
pub(crate) fn ocid(prefix: &str) -> String {
    format!("{prefix}{}", pick(LOWER_ALNUM, 32))
}

/// `len` random lower-case hex digits.
pub(crate) fn hex(len: usize) -> String {
    pick(HEX, len)
}

/// A random secret value of `len` characters.
pub(crate) fn secret(len: usize) -> String {
    pick(SECRET_CHARS, len)
}

/// A request id as OCI returns in `opc-request-id` (upper-case hex).
pub(crate) fn request_id() -> String {
    pick(b"0123456789ABCDEF", 32)
}

/// Now, RFC 3339 in UTC.
pub(crate) fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
