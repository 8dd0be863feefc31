//! Passwords the function chooses itself (the console password of a user of an identity domain,
//! set with `UserPasswordChanger`): drawn from the operating system's RNG (`ring`'s
//! `SystemRandom`, i.e. `getrandom`), to character rules, and handed out only as a
//! [`SecretString`].

use ring::rand::{SecureRandom, SystemRandom};
use secrecy::SecretString;
use zeroize::Zeroizing;

const LOWER: &str = "abcdefghijkmnopqrstuvwxyz";
const UPPER: &str = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &str = "23456789";
/// Special characters that need no quoting in a shell, a URL, JSON or a connection string.
pub const SPECIALS: &str = "-_.#+=!";

/// What a generated password must satisfy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Exact length.
    pub length: usize,
    /// Fewest lower-case letters.
    pub min_lower: usize,
    /// Fewest upper-case letters.
    pub min_upper: usize,
    /// Fewest digits.
    pub min_digits: usize,
    /// Fewest special characters (taken from `specials`).
    pub min_special: usize,
    /// Most special characters.
    pub max_special: usize,
    /// Characters that may not appear.
    pub disallowed: String,
}

impl Default for Rules {
    /// 24 characters with at least two of each letter case and digits and one special character:
    /// about 140 bits, and within every password policy Oracle documents for identity domains.
    fn default() -> Self {
        Rules { length: 24, min_lower: 2, min_upper: 2, min_digits: 2, min_special: 1, max_special: 4, disallowed: String::new() }
    }
}

/// Why no password can satisfy the rules.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The minimums do not fit the length, or a class has no allowed character.
    #[error("no password satisfies the policy: {0}")]
    Impossible(String),
    /// The operating system's RNG failed.
    #[error("the operating system's random number generator failed")]
    Rng,
}

fn allowed(set: &str, disallowed: &str) -> Vec<u8> {
    set.bytes().filter(|b| !disallowed.as_bytes().contains(b)).collect()
}

/// A uniform index below `n` from the OS RNG (rejection sampling: no modulo bias).
fn index(rng: &SystemRandom, n: usize) -> Result<usize, PasswordError> {
    let n32 = u32::try_from(n).map_err(|_| PasswordError::Impossible("alphabet too large".to_owned()))?;
    let zone = u32::MAX - (u32::MAX % n32);
    loop {
        let mut b = [0u8; 4];
        rng.fill(&mut b).map_err(|_| PasswordError::Rng)?;
        let v = u32::from_le_bytes(b);
        if v < zone {
            return Ok((v % n32) as usize);
        }
    }
}

/// A password satisfying `rules`.
pub fn generate(rules: &Rules) -> Result<SecretString, PasswordError> {
    let rng = SystemRandom::new();
    let (lower, upper, digits, specials) = (
        allowed(LOWER, &rules.disallowed),
        allowed(UPPER, &rules.disallowed),
        allowed(DIGITS, &rules.disallowed),
        allowed(SPECIALS, &rules.disallowed),
    );
    let required = rules.min_lower + rules.min_upper + rules.min_digits + rules.min_special;
    if required > rules.length || rules.min_special > rules.max_special {
        return Err(PasswordError::Impossible(format!("{required} required characters in a password of {}", rules.length)));
    }
    for (set, min, what) in [
        (&lower, rules.min_lower, "lower-case"),
        (&upper, rules.min_upper, "upper-case"),
        (&digits, rules.min_digits, "digits"),
        (&specials, rules.min_special, "special"),
    ] {
        if set.is_empty() && min > 0 {
            return Err(PasswordError::Impossible(format!("every {what} character is disallowed")));
        }
    }
    let mut out: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(rules.length));
    for (set, min) in [(&lower, rules.min_lower), (&upper, rules.min_upper), (&digits, rules.min_digits), (&specials, rules.min_special)] {
        for _ in 0..min {
            out.push(set[index(&rng, set.len())?]);
        }
    }
    // The rest from letters and digits, so the special characters stay within their maximum.
    let rest: Vec<u8> = lower.iter().chain(&upper).chain(&digits).copied().collect();
    if rest.is_empty() && out.len() < rules.length {
        return Err(PasswordError::Impossible("no letter or digit is allowed".to_owned()));
    }
    while out.len() < rules.length {
        out.push(rest[index(&rng, rest.len())?]);
    }
    for i in (1..out.len()).rev() {
        let j = index(&rng, i + 1)?;
        out.swap(i, j);
    }
    let text = String::from_utf8(out.to_vec()).map_err(|_| PasswordError::Impossible("not ASCII".to_owned()))?;
    Ok(SecretString::from(text))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    fn satisfies(p: &str, r: &Rules) -> bool {
        let count = |f: fn(&u8) -> bool| p.as_bytes().iter().filter(|b| f(b)).count();
        let special = p.bytes().filter(|b| SPECIALS.as_bytes().contains(b)).count();
        p.len() == r.length
            && count(u8::is_ascii_lowercase) >= r.min_lower
            && count(u8::is_ascii_uppercase) >= r.min_upper
            && count(u8::is_ascii_digit) >= r.min_digits
            && special >= r.min_special
            && special <= r.max_special
            && p.bytes().all(|b| b.is_ascii_alphanumeric() || SPECIALS.as_bytes().contains(&b))
            && !p.bytes().any(|b| r.disallowed.as_bytes().contains(&b))
    }

    #[test]
    fn ten_thousand_draws_satisfy_the_default_rules_and_differ() {
        let rules = Rules::default();
        let mut seen = std::collections::HashSet::new();
        for _ in 0..10_000 {
            let p = generate(&rules).unwrap();
            assert!(satisfies(p.expose_secret(), &rules));
            seen.insert(p.expose_secret().to_owned());
        }
        assert_eq!(seen.len(), 10_000, "no password repeats");
    }

    #[test]
    fn draws_follow_a_strict_policy_with_disallowed_characters() {
        let rules =
            Rules { length: 12, min_lower: 3, min_upper: 3, min_digits: 3, min_special: 3, max_special: 3, disallowed: "aA2-".to_owned() };
        for _ in 0..2_000 {
            let p = generate(&rules).unwrap();
            assert!(satisfies(p.expose_secret(), &rules), "{}", p.expose_secret().len());
        }
    }

    #[test]
    fn impossible_rules_are_an_error_not_a_panic() {
        let too_many = Rules { length: 4, min_lower: 2, min_upper: 2, min_digits: 2, ..Rules::default() };
        assert!(matches!(generate(&too_many), Err(PasswordError::Impossible(_))));
        let no_digits = Rules { disallowed: DIGITS.to_owned(), ..Rules::default() };
        assert!(matches!(generate(&no_digits), Err(PasswordError::Impossible(_))));
    }
}
