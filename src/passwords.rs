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
/// Whole classes, for when a policy disallows every character of the preferred ones above (which
/// leave out look-alikes and characters that need quoting); no quote, backslash or space.
const ALL_LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
const ALL_UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALL_DIGITS: &str = "0123456789";
const ALL_SPECIALS: &str = "!#$%&()*+,-./:;<=>?@[]^_{|}~";

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
    /// Fewest letters, either case (`minAlphas`).
    pub min_alphas: usize,
    /// Fewest letters and digits together (`minAlphaNumerals`).
    pub min_alphanumerals: usize,
    /// Fewest distinct characters (`minUniqueChars`).
    pub min_unique: usize,
    /// Longest run of one character (`maxRepeatedChars`); `None`: no limit.
    pub max_repeated: Option<usize>,
    /// The first character is a letter (`startsWithAlphabet`).
    pub starts_with_letter: bool,
    /// The special characters that may appear (`allowedChars`); `None`: [`SPECIALS`].
    pub specials: Option<String>,
    /// Strings that may not appear, compared without regard to case (`disallowedSubstrings`, the
    /// user's names).
    pub disallowed_substrings: Vec<String>,
}

impl Default for Rules {
    /// 24 characters with at least two of each letter case and digits and one special character:
    /// about 140 bits, and within every password policy Oracle documents for identity domains.
    fn default() -> Self {
        Rules {
            length: 24,
            min_lower: 2,
            min_upper: 2,
            min_digits: 2,
            min_special: 1,
            max_special: 4,
            disallowed: String::new(),
            min_alphas: 0,
            min_alphanumerals: 0,
            min_unique: 0,
            max_repeated: None,
            starts_with_letter: false,
            specials: None,
            disallowed_substrings: Vec::new(),
        }
    }
}

/// Why no password can satisfy the rules.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The minimums do not fit the length, or a class has no allowed character.
    #[error("no password satisfies the policy: {0}")]
    Impossible(String),
    /// No password meets the password policies: `rule` is the policy field (OCI's name, such as
    /// `maxLength`) that cannot be met.
    #[error("no password can meet the password policies: {rule} ({detail})")]
    Unsatisfiable {
        /// The policy field, as the identity domain names it.
        rule: &'static str,
        /// Why, with the values involved (never a password).
        detail: String,
    },
    /// The operating system's RNG failed.
    #[error("the operating system's random number generator failed")]
    Rng,
}

fn unsatisfiable(rule: &'static str, detail: String) -> PasswordError {
    PasswordError::Unsatisfiable { rule, detail }
}

fn allowed(set: &str, disallowed: &[u8]) -> Vec<u8> {
    set.bytes().filter(|b| !disallowed.contains(b)).collect()
}

/// The characters the rules forbid: `disallowed`, and both cases of every one-character
/// disallowed substring.
fn forbidden(rules: &Rules) -> Vec<u8> {
    let mut out: Vec<u8> = rules.disallowed.bytes().collect();
    for s in rules.disallowed_substrings.iter().filter(|s| s.len() == 1) {
        out.extend(s.bytes().map(|b| b.to_ascii_lowercase()));
        out.extend(s.bytes().map(|b| b.to_ascii_uppercase()));
    }
    out
}

/// The four alphabets under the rules: lower-case, upper-case, digits, special characters.
struct Alphabets {
    lower: Vec<u8>,
    upper: Vec<u8>,
    digits: Vec<u8>,
    specials: Vec<u8>,
}

impl Alphabets {
    fn of(rules: &Rules) -> Self {
        let no = forbidden(rules);
        let specials_from: String = match &rules.specials {
            // Printable ASCII that is neither letter nor digit nor space: what a console form, JSON
            // and a shell carry without surprise.
            Some(allowed_chars) => allowed_chars.chars().filter(|c| c.is_ascii_graphic() && !c.is_ascii_alphanumeric()).collect(),
            None => SPECIALS.to_owned(),
        };
        let mut specials = allowed(&specials_from, &no);
        if specials.is_empty() && rules.specials.is_none() {
            specials = allowed(ALL_SPECIALS, &no);
        }
        specials.sort_unstable();
        specials.dedup();
        // The preferred characters of a class, or, when a policy disallows all of them, the rest.
        let class = |preferred: &str, all: &str| {
            let chosen = allowed(preferred, &no);
            if chosen.is_empty() {
                allowed(all, &no)
            } else {
                chosen
            }
        };
        Alphabets { lower: class(LOWER, ALL_LOWER), upper: class(UPPER, ALL_UPPER), digits: class(DIGITS, ALL_DIGITS), specials }
    }

    fn letters(&self) -> Vec<u8> {
        self.lower.iter().chain(&self.upper).copied().collect()
    }

    fn alphanumerics(&self) -> Vec<u8> {
        self.lower.iter().chain(&self.upper).chain(&self.digits).copied().collect()
    }
}

/// The fewest characters the class minimums need together.
fn fewest_characters(rules: &Rules) -> usize {
    let letters = rules.min_alphas.max(rules.min_lower + rules.min_upper).max(usize::from(rules.starts_with_letter));
    let alphanumerics = rules.min_alphanumerals.max(letters + rules.min_digits);
    alphanumerics + rules.min_special
}

/// The rules for a password meeting a merged password policy (`min_length`, `max_length` and the
/// other rules already the strictest of every policy): the length is `base.length` (the default
/// 24) moved into `[min_length, max_length]` and up to what the minimums need. A policy no
/// password can meet is an [`PasswordError::Unsatisfiable`] naming the rule; nothing is drawn.
pub fn for_policy(min_length: usize, max_length: Option<usize>, base: Rules) -> Result<Rules, PasswordError> {
    let mut rules = base;
    if let Some(max) = max_length {
        if min_length > max {
            return Err(unsatisfiable("minLength", format!("minLength {min_length} is above maxLength {max}")));
        }
    }
    if rules.min_special > rules.max_special {
        return Err(unsatisfiable(
            "maxSpecialChars",
            format!("minSpecialChars {} is above maxSpecialChars {}", rules.min_special, rules.max_special),
        ));
    }
    let a = Alphabets::of(&rules);
    for (empty, min, rule, what) in [
        (a.lower.is_empty(), rules.min_lower, "minLowerCase", "lower-case letter"),
        (a.upper.is_empty(), rules.min_upper, "minUpperCase", "upper-case letter"),
        (a.digits.is_empty(), rules.min_digits, "minNumerals", "digit"),
        (a.specials.is_empty(), rules.min_special, "minSpecialChars", "special character (allowedChars, disallowedChars)"),
        (a.letters().is_empty(), rules.min_alphas, "minAlphas", "letter"),
        (a.letters().is_empty(), usize::from(rules.starts_with_letter), "startsWithAlphabet", "letter"),
        (a.alphanumerics().is_empty(), rules.min_alphanumerals, "minAlphaNumerals", "letter or digit"),
    ] {
        if empty && min > 0 {
            return Err(unsatisfiable(rule, format!("{rule} {min} but no {what} is allowed")));
        }
    }
    let fewest = fewest_characters(&rules);
    if let Some(max) = max_length {
        if fewest > max {
            return Err(unsatisfiable("maxLength", format!("the minimum counts need {fewest} characters, maxLength is {max}")));
        }
        if rules.min_unique > max {
            return Err(unsatisfiable("minUniqueChars", format!("minUniqueChars {} is above maxLength {max}", rules.min_unique)));
        }
    }
    let distinct = a.alphanumerics().len() + a.specials.len().min(rules.max_special);
    if rules.min_unique > distinct {
        return Err(unsatisfiable(
            "minUniqueChars",
            format!("minUniqueChars {} but only {distinct} different characters are allowed", rules.min_unique),
        ));
    }
    if rules.max_repeated == Some(0) {
        return Err(unsatisfiable("maxRepeatedChars", "maxRepeatedChars 0 allows no character".to_owned()));
    }
    let length = rules.length.max(min_length).max(fewest).max(rules.min_unique);
    rules.length = max_length.map_or(length, |max| length.min(max));
    if a.alphanumerics().is_empty() && rules.length > rules.max_special {
        return Err(unsatisfiable(
            "disallowedChars",
            format!("only special characters are allowed, at most {} of {} characters", rules.max_special, rules.length),
        ));
    }
    Ok(rules)
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

/// One character of `set`, preferring one not yet in `out` (distinct characters, short runs).
fn draw(rng: &SystemRandom, set: &[u8], out: &[u8]) -> Result<u8, PasswordError> {
    let unused: Vec<u8> = set.iter().copied().filter(|b| !out.contains(b)).collect();
    let from = if unused.is_empty() { set } else { &unused };
    Ok(from[index(rng, from.len())?])
}

/// The first rule `password` breaks, if any (the generator's own check before it hands a
/// password out; tests check independently).
fn broken_rule(password: &[u8], rules: &Rules, a: &Alphabets) -> Option<&'static str> {
    let count = |set: &[u8]| password.iter().filter(|b| set.contains(b)).count();
    // Copies of the password are wiped on drop too.
    let mut distinct = Zeroizing::new(password.to_vec());
    distinct.sort_unstable();
    distinct.dedup();
    let longest_run = password.chunk_by(|x, y| x == y).map(<[u8]>::len).max().unwrap_or(0);
    let lowered = Zeroizing::new(password.to_ascii_lowercase());
    let contains = |needle: &str| {
        let needle = needle.to_ascii_lowercase();
        !needle.is_empty() && lowered.windows(needle.len()).any(|w| w == needle.as_bytes())
    };
    let specials = count(&a.specials);
    let letters = count(&a.letters());
    if password.len() != rules.length {
        Some("length")
    } else if password.iter().any(|b| !a.alphanumerics().contains(b) && !a.specials.contains(b)) {
        Some("disallowedChars")
    } else if count(&a.lower) < rules.min_lower {
        Some("minLowerCase")
    } else if count(&a.upper) < rules.min_upper {
        Some("minUpperCase")
    } else if count(&a.digits) < rules.min_digits {
        Some("minNumerals")
    } else if specials < rules.min_special {
        Some("minSpecialChars")
    } else if specials > rules.max_special {
        Some("maxSpecialChars")
    } else if letters < rules.min_alphas {
        Some("minAlphas")
    } else if letters + count(&a.digits) < rules.min_alphanumerals {
        Some("minAlphaNumerals")
    } else if distinct.len() < rules.min_unique {
        Some("minUniqueChars")
    } else if rules.max_repeated.is_some_and(|max| longest_run > max) {
        Some("maxRepeatedChars")
    } else if rules.starts_with_letter && !password.first().is_some_and(u8::is_ascii_alphabetic) {
        Some("startsWithAlphabet")
    } else if rules.disallowed_substrings.iter().any(|s| contains(s)) {
        Some("disallowedSubstrings")
    } else {
        None
    }
}

/// Draws attempted before a rule that only chance can meet (runs, substrings, distinct
/// characters) is declared impossible.
const ATTEMPTS: usize = 1_000;

/// A password satisfying `rules`.
pub fn generate(rules: &Rules) -> Result<SecretString, PasswordError> {
    let rng = SystemRandom::new();
    let a = Alphabets::of(rules);
    let required = rules.min_lower + rules.min_upper + rules.min_digits + rules.min_special;
    if required > rules.length || rules.min_special > rules.max_special || fewest_characters(rules) > rules.length {
        return Err(PasswordError::Impossible(format!("{required} required characters in a password of {}", rules.length)));
    }
    let (letters, alphanumerics) = (a.letters(), a.alphanumerics());
    for (set, min, what) in [
        (&a.lower, rules.min_lower, "lower-case"),
        (&a.upper, rules.min_upper, "upper-case"),
        (&a.digits, rules.min_digits, "digits"),
        (&a.specials, rules.min_special, "special"),
        (&letters, rules.min_alphas.max(usize::from(rules.starts_with_letter)), "letter"),
        (&alphanumerics, rules.min_alphanumerals, "letter or digit"),
    ] {
        if set.is_empty() && min > 0 {
            return Err(PasswordError::Impossible(format!("every {what} character is disallowed")));
        }
    }
    // The rest from letters and digits, so the special characters stay within their maximum.
    if alphanumerics.is_empty() && rules.length > rules.max_special {
        return Err(PasswordError::Impossible("no letter or digit is allowed".to_owned()));
    }
    let fill: &[u8] = if alphanumerics.is_empty() { &a.specials } else { &alphanumerics };
    let extra_letters = rules.min_alphas.max(usize::from(rules.starts_with_letter)).saturating_sub(rules.min_lower + rules.min_upper);
    let extra_alphanumerics = rules.min_alphanumerals.saturating_sub(rules.min_lower + rules.min_upper + extra_letters + rules.min_digits);
    let mut last_broken = "length";
    for _ in 0..ATTEMPTS {
        let mut out: Zeroizing<Vec<u8>> = Zeroizing::new(Vec::with_capacity(rules.length));
        for (set, min) in [
            (&a.lower, rules.min_lower),
            (&a.upper, rules.min_upper),
            (&a.digits, rules.min_digits),
            (&a.specials, rules.min_special),
            (&letters, extra_letters),
            (&alphanumerics, extra_alphanumerics),
        ] {
            for _ in 0..min {
                let c = draw(&rng, set, &out)?;
                out.push(c);
            }
        }
        while out.len() < rules.length {
            let c = draw(&rng, fill, &out)?;
            out.push(c);
        }
        for i in (1..out.len()).rev() {
            let j = index(&rng, i + 1)?;
            out.swap(i, j);
        }
        if rules.starts_with_letter && !out.first().is_some_and(u8::is_ascii_alphabetic) {
            let at: Vec<usize> = out.iter().enumerate().filter(|(_, b)| b.is_ascii_alphabetic()).map(|(i, _)| i).collect();
            if !at.is_empty() {
                let j = at[index(&rng, at.len())?];
                out.swap(0, j);
            }
        }
        match broken_rule(&out, rules, &a) {
            None => {
                let text = String::from_utf8(out.to_vec()).map_err(|_| PasswordError::Impossible("not ASCII".to_owned()))?;
                return Ok(SecretString::from(text));
            }
            Some(rule) => last_broken = rule,
        }
    }
    Err(unsatisfiable(last_broken, format!("no password of {} characters met it in {ATTEMPTS} draws", rules.length)))
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
        let rules = Rules {
            length: 12,
            min_lower: 3,
            min_upper: 3,
            min_digits: 3,
            min_special: 3,
            max_special: 3,
            disallowed: "aA2-".to_owned(),
            ..Rules::default()
        };
        for _ in 0..2_000 {
            let p = generate(&rules).unwrap();
            assert!(satisfies(p.expose_secret(), &rules), "{}", p.expose_secret().len());
        }
    }

    #[test]
    fn impossible_rules_are_an_error_not_a_panic() {
        let too_many = Rules { length: 4, min_lower: 2, min_upper: 2, min_digits: 2, ..Rules::default() };
        assert!(matches!(generate(&too_many), Err(PasswordError::Impossible(_))));
        // Every digit (disallowing only the preferred 2-9 leaves 0 and 1: issue 18, point 3).
        let no_digits = Rules { disallowed: ALL_DIGITS.to_owned(), ..Rules::default() };
        assert!(matches!(generate(&no_digits), Err(PasswordError::Impossible(_))));
        let no_preferred_digits = Rules { disallowed: DIGITS.to_owned(), ..Rules::default() };
        assert!(generate(&no_preferred_digits).is_ok_and(|p| p.expose_secret().bytes().filter(|b| b"01".contains(b)).count() >= 2));
    }
}
