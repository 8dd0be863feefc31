//! IAM database passwords (`DB_CREDENTIAL`), used to log in to Autonomous Database and other
//! Oracle databases with IAM. Content: `dbCredentialId`, `password`. The function chooses the
//! password (OS RNG, IAM's database-password rules: [`rules`]) and IAM stores it without ever
//! returning it, so CREATE_PENDING_VERSION creates the credential (description
//! `oci-rotator <secretId>`) and writes the password and the new id into the new PENDING version.
//! Live: IAM lists the credential id as ACTIVE for the user. Limit: 2 per user. The shared
//! mechanics are in `iam_secret.rs`.

use super::directory::Family;
use super::iam_secret::{iam_secret_adapter, Maker, Spec};
use crate::passwords::Rules;
use crate::secret::CredentialKind;

/// The database-password adapter.
pub struct DbCredentialAdapter;

/// The rules a generated IAM database password follows (see `docs/credential-kinds.md` for
/// Oracle's rules and the sources): 24 characters with at least two each of lower-case,
/// upper-case and digits and one or two of `_` and `#`, the special characters an Oracle
/// password may hold unquoted; never a double quote.
pub fn rules() -> Rules {
    Rules {
        length: 24,
        min_lower: 2,
        min_upper: 2,
        min_digits: 2,
        min_special: 1,
        max_special: 2,
        disallowed: crate::passwords::SPECIALS.chars().filter(|c| !"_#".contains(*c)).collect(),
    }
}

const SPEC: Spec = Spec {
    family: Family::DbCredential,
    id_field: "dbCredentialId",
    secret_field: "password",
    username_field: None,
    maker: Maker::Function(rules),
    limit: 2,
    one: "database password",
    many: "database passwords",
};

iam_secret_adapter!(DbCredentialAdapter, CredentialKind::DbCredential, SPEC);

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    /// IAM's database-password rules (the Console password rules, no double quote) and this
    /// adapter's own (24 characters, `_` and `#` only as special characters).
    fn meets_the_rules(p: &str) -> bool {
        p.len() == 24
            && p.chars().filter(char::is_ascii_lowercase).count() >= 2
            && p.chars().filter(char::is_ascii_uppercase).count() >= 2
            && p.chars().filter(char::is_ascii_digit).count() >= 2
            && (1..=2).contains(&p.chars().filter(|c| *c == '_' || *c == '#').count())
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '#')
            && !p.contains('"')
    }

    #[test]
    fn ten_thousand_generated_database_passwords_meet_the_rules_and_never_repeat() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let p = crate::passwords::generate(&rules()).unwrap_or_else(|e| panic!("{e}"));
            assert!(meets_the_rules(p.expose_secret()), "length {}", p.expose_secret().len());
            seen.insert(p.expose_secret().to_owned());
        }
        assert_eq!(seen.len(), 10_000);
    }
}
