//! Holds `deny.toml`'s waiver of RUSTSEC-2023-0071 (the Marvin attack on `rsa`'s private-key
//! operations) to its reason: the function never uses `rsa` to sign or decrypt, only to generate
//! keys and convert them between encodings; every request is signed by `ring`.
//!
//! Two independent looks, so neither a renamed import nor a generic call slips by:
//! - the binary: every `rsa::` function linked into `oci-rotator` (this build, unstripped; the
//!   simulator included) is listed with `nm`, and none may be a signing, decryption, padding or
//!   blinding routine. Code that starts to sign or decrypt with `rsa` links them, whatever it
//!   imports;
//! - the sources: no file under `src/` names `rsa`'s signature or encryption schemes.
//!
//! If this test fails, do not widen it: sign with `ring` (`keys::SigningKey`), or, if `rsa` must
//! really sign or decrypt, drop the waiver in `deny.toml` and rethink (docs/security.md, "RSA").
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failed unwrap is a failed test

use std::path::Path;
use std::process::Command;

/// Path segments of `rsa`'s private-key operations and the schemes built on them.
const FORBIDDEN_SEGMENTS: &[&str] = &["decrypt", "sign", "pkcs1v15", "oaep", "pss", "blind", "hazmat", "encrypt", "rsa_decrypt"];

/// Names in source code that only a signing or encryption use of `rsa` needs.
const FORBIDDEN_IN_SOURCES: &[&str] = &[
    "rsa::pkcs1v15",
    "rsa::pss",
    "rsa::oaep",
    "rsa::signature",
    "rsa::hazmat",
    "rsa::Pkcs1v15Sign",
    "rsa::Pkcs1v15Encrypt",
    "rsa::Oaep",
    "rsa::Pss",
    "BlindedSigningKey",
    "DecryptingKey",
    "EncryptingKey",
];

/// The `rsa::` functions linked into the binary, demangled, hashes dropped.
fn linked_rsa_functions() -> Vec<String> {
    let binary = env!("CARGO_BIN_EXE_oci-rotator");
    let output = Command::new("nm")
        .args(["--demangle", "--defined-only", binary])
        .output()
        .expect("`nm` (binutils) must be installed to check which rsa functions are linked");
    assert!(output.status.success(), "nm failed on {binary}: {}", String::from_utf8_lossy(&output.stderr));
    let mut names: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.splitn(3, ' ').nth(2))
        .filter(|name| names_the_rsa_crate(name))
        .map(|name| name.rsplit_once("::h").map_or(name, |(head, _)| head).to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Whether a demangled name is a path into the `rsa` crate (`rsa::...`, `<rsa::... as ...>`), not
/// another crate's `rsa` module (`ring::rsa::...`).
fn names_the_rsa_crate(name: &str) -> bool {
    name.match_indices("rsa::")
        .any(|(at, _)| name[..at].chars().next_back().is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')))
}

/// Whether a demangled name is one of `rsa`'s signing or decryption routines: any `::` segment
/// of an `rsa` path that names one. Segments of other crates' paths in the same name (a trait
/// impl's `for ...` part) are looked at too, as long as the name is an `rsa` function.
fn is_private_key_operation(name: &str) -> bool {
    name.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).filter(|s| !s.is_empty()).any(|segment| {
        let segment = segment.to_ascii_lowercase();
        FORBIDDEN_SEGMENTS.iter().any(|f| segment == *f || segment.starts_with(&format!("{f}_")))
            || segment.contains("decrypt")
            || segment.contains("signing")
    })
}

#[test]
fn the_binary_links_no_rsa_signing_or_decryption() {
    // Given the binary as built for the tests (unstripped)
    let linked = linked_rsa_functions();

    // Then rsa is there for what the waiver says it does (so this check can see it at all)...
    assert!(
        linked.iter().any(|f| f.contains("rsa::private_key::PrivateKey::new")),
        "expected rsa's key generation in the binary; the check cannot see rsa's functions:\n{}",
        linked.join("\n")
    );
    assert!(linked.iter().any(|f| f.contains("to_pkcs8_der")), "expected rsa's PKCS#8 encoding");

    // ...and for nothing the Marvin attack can time.
    let offending: Vec<&String> = linked.iter().filter(|f| is_private_key_operation(f)).collect();
    assert!(
        offending.is_empty(),
        "rsa is used for signing or decryption, which deny.toml's RUSTSEC-2023-0071 waiver rules out \
         (sign with ring instead):\n{}",
        offending.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn the_detector_recognises_rsa_private_key_operations() {
    // Only the rsa crate's own paths are looked at: ring signs, and that is the point.
    assert!(names_the_rsa_crate("rsa::private_key::PrivateKey::new"));
    assert!(names_the_rsa_crate("<rsa::public_key::PublicKey as rsa::traits::keys::PublicKeyParts>::n"));
    assert!(!names_the_rsa_crate("ring::rsa::keypair::KeyPair::sign"));
    assert!(!names_the_rsa_crate("<ring::rsa::padding::pss::PSS as core::fmt::Debug>::fmt"));
    // The names rsa 0.10 gives its private-key operations are caught...
    for name in [
        "rsa::algorithms::rsa::rsa_decrypt_and_check",
        "rsa::private_key::PrivateKey::decrypt",
        "rsa::pkcs1v15::signing_key::SigningKey<D>::sign_with_rng",
        "<rsa::pkcs1v15::Pkcs1v15Sign as rsa::traits::padding::SignatureScheme>::sign",
        "rsa::oaep::decrypt_digest",
        "rsa::algorithms::rsa::blind",
    ] {
        assert!(is_private_key_operation(name), "{name} should be caught");
    }
    // ...and what the function uses rsa for is not.
    for name in [
        "rsa::private_key::PrivateKey::new",
        "rsa::algorithms::generate::generate_multi_prime_key_with_exp",
        "rsa::encoding::<impl pkcs8::traits::EncodePrivateKey for rsa::private_key::PrivateKey>::to_pkcs8_der",
        "<rsa::public_key::PublicKey as rsa::traits::keys::PublicKeyParts>::n",
        "rsa::private_key::PrivateKey::validate",
    ] {
        assert!(!is_private_key_operation(name), "{name} should not be caught");
    }
}

#[test]
fn no_source_names_rsa_signature_or_encryption_schemes() {
    let mut offending = Vec::new();
    visit(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut |path, text| {
        for name in FORBIDDEN_IN_SOURCES {
            if text.contains(name) {
                offending.push(format!("{}: {name}", path.display()));
            }
        }
    });
    assert!(offending.is_empty(), "rsa signing or encryption named in the sources:\n{}", offending.join("\n"));
}

fn visit(dir: &Path, f: &mut dyn FnMut(&Path, &str)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            visit(&path, f);
        } else if path.extension().is_some_and(|e| e == "rs") {
            f(&path, &std::fs::read_to_string(&path).unwrap());
        }
    }
}
