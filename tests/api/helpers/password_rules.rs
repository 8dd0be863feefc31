//! An independent checker of identity-domain password policies, written from the policy's fields
//! alone (it shares nothing with the function's generator): what the password-policy tests, with
//! no stand-in and on the simulator, check generated passwords against.

use std::collections::HashSet;

use oci_rotator::oci::identity_domains::{PasswordPolicy, UserNames};

/// The longest run of one character.
pub fn longest_run(p: &str) -> usize {
    let (mut longest, mut run, mut last) = (0, 0, None);
    for c in p.chars() {
        run = if Some(c) == last { run + 1 } else { 1 };
        last = Some(c);
        longest = longest.max(run);
    }
    longest
}

/// The first rule of `policy` that `p` breaks, read from the policy's own fields (0 or absent
/// maximums mean no maximum).
pub fn broken_rule(p: &str, policy: &PasswordPolicy, names: &UserNames) -> Option<String> {
    let count = |f: fn(&char) -> bool| p.chars().filter(f).count();
    let min = |v: Option<usize>| v.unwrap_or(0);
    let max = |v: Option<usize>| v.filter(|m| *m > 0).unwrap_or(usize::MAX);
    let lower = p.to_lowercase();
    let has = |s: &str| !s.is_empty() && lower.contains(&s.to_lowercase());
    let len = p.chars().count();
    let special = count(|c| !c.is_ascii_alphanumeric());
    let unique: HashSet<char> = p.chars().collect();
    let checks: Vec<(bool, &str)> = vec![
        (len >= min(policy.min_length), "minLength"),
        (len <= max(policy.max_length), "maxLength"),
        (count(char::is_ascii_lowercase) >= min(policy.min_lower_case), "minLowerCase"),
        (count(char::is_ascii_uppercase) >= min(policy.min_upper_case), "minUpperCase"),
        (count(char::is_ascii_digit) >= min(policy.min_numerals), "minNumerals"),
        (special >= min(policy.min_special_chars), "minSpecialChars"),
        (special <= max(policy.max_special_chars), "maxSpecialChars"),
        (count(char::is_ascii_alphabetic) >= min(policy.min_alphas), "minAlphas"),
        (count(char::is_ascii_alphanumeric) >= min(policy.min_alpha_numerals), "minAlphaNumerals"),
        (unique.len() >= min(policy.min_unique_chars), "minUniqueChars"),
        (longest_run(p) <= max(policy.max_repeated_chars), "maxRepeatedChars"),
        (policy.starts_with_alphabet != Some(true) || p.chars().next().is_some_and(|c| c.is_ascii_alphabetic()), "startsWithAlphabet"),
        (policy.allowed_chars.as_deref().is_none_or(|a| p.chars().all(|c| c.is_ascii_alphanumeric() || a.contains(c))), "allowedChars"),
        (policy.disallowed_chars.as_deref().is_none_or(|d| !p.chars().any(|c| d.contains(c))), "disallowedChars"),
        (!policy.disallowed_substrings.iter().flatten().any(|s| has(s)), "disallowedSubstrings"),
        (policy.user_name_disallowed != Some(true) || !names.user_name.as_deref().is_some_and(has), "userNameDisallowed"),
        (policy.first_name_disallowed != Some(true) || !names.first_name.as_deref().is_some_and(has), "firstNameDisallowed"),
        (policy.last_name_disallowed != Some(true) || !names.last_name.as_deref().is_some_and(has), "lastNameDisallowed"),
        (p.chars().all(|c| c.is_ascii_graphic()), "printable ASCII"),
    ];
    checks.into_iter().find(|(ok, _)| !ok).map(|(_, rule)| rule.to_owned())
}
