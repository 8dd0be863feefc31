//! Identity-domain password policies (contract 4.2), with no OCI stand-in: every rule, the
//! strictest value across the listed policies. A property test draws random satisfiable policy
//! sets and checks 10,000 generated passwords against an independent checker
//! (`helpers/password_rules.rs`, written from the policy fields alone); a table of impossible
//! policy sets, each answered with the rule that cannot be met. Against wiremock:
//! `wire/password_policies.rs`; on the simulator: `flows/password_policies.rs`.

use oci_rotator::adapters::console_password::rules_for;
use oci_rotator::oci::identity_domains::{PasswordPolicy, UserNames};
use oci_rotator::passwords::{self, PasswordError};
use proptest::prelude::*;
use secrecy::ExposeSecret;

use crate::helpers::password_rules::broken_rule;

fn names() -> UserNames {
    UserNames { user_name: Some("jdoe".to_owned()), first_name: Some("John".to_owned()), last_name: Some("Doe".to_owned()) }
}

#[test]
fn the_independent_checker_catches_each_rule() {
    // Given one password and, per rule, a policy it breaks: the checker names that rule.
    let p = "aab1-Doe";
    for (policy, rule) in [
        (PasswordPolicy { min_length: Some(9), ..Default::default() }, "minLength"),
        (PasswordPolicy { max_length: Some(7), ..Default::default() }, "maxLength"),
        (PasswordPolicy { min_lower_case: Some(6), ..Default::default() }, "minLowerCase"),
        (PasswordPolicy { min_upper_case: Some(2), ..Default::default() }, "minUpperCase"),
        (PasswordPolicy { min_numerals: Some(2), ..Default::default() }, "minNumerals"),
        (PasswordPolicy { min_special_chars: Some(2), ..Default::default() }, "minSpecialChars"),
        (PasswordPolicy { max_special_chars: Some(1), min_special_chars: Some(0), ..Default::default() }, "none"),
        (PasswordPolicy { min_alphas: Some(7), ..Default::default() }, "minAlphas"),
        (PasswordPolicy { min_alpha_numerals: Some(8), ..Default::default() }, "minAlphaNumerals"),
        (PasswordPolicy { min_unique_chars: Some(8), ..Default::default() }, "minUniqueChars"),
        (PasswordPolicy { max_repeated_chars: Some(1), ..Default::default() }, "maxRepeatedChars"),
        (PasswordPolicy { allowed_chars: Some("!#".to_owned()), ..Default::default() }, "allowedChars"),
        (PasswordPolicy { disallowed_chars: Some("-".to_owned()), ..Default::default() }, "disallowedChars"),
        (PasswordPolicy { disallowed_substrings: Some(vec!["AB1".to_owned()]), ..Default::default() }, "disallowedSubstrings"),
        (PasswordPolicy { last_name_disallowed: Some(true), ..Default::default() }, "lastNameDisallowed"),
    ] {
        assert_eq!(broken_rule(p, &policy, &names()).as_deref().unwrap_or("none"), rule, "{policy:?}");
    }
    let starts = PasswordPolicy { starts_with_alphabet: Some(true), ..Default::default() };
    assert_eq!(broken_rule("1abc", &starts, &names()).as_deref(), Some("startsWithAlphabet"));
}

/// One policy of a satisfiable set: every range keeps the set satisfiable together (at most 17
/// characters of minimums against a maxLength of at least 32; every allowedChars holds `-`, which
/// disallowedChars never lists).
fn policy() -> impl Strategy<Value = PasswordPolicy> {
    let counts =
        (0..=24usize, prop::option::of(32..=64usize), 0..=4usize, 0..=4usize, 0..=4usize, 0..=3usize, prop::option::of(3..=6usize));
    let more = (0..=10usize, 0..=14usize, 0..=16usize, prop::option::of(1..=3usize), any::<bool>());
    let chars = (
        prop::option::of(prop::sample::subsequence(vec!['!', '#', '$', '%', '*', '+', '.', '=', '?', '@', '_', '~'], 0..=6)),
        prop::sample::subsequence(vec!['a', 'k', 'Q', 'Z', '3', '7', '!', '#', '_', '.', '+'], 0..=5),
        prop::sample::subsequence(vec!["abc", "pass", "QWE", "xy", "789", "Zk"], 0..=3),
        (any::<bool>(), any::<bool>(), any::<bool>()),
    );
    (counts, more, chars).prop_map(
        |(
            (min_length, max_length, min_lower, min_upper, min_numerals, min_special, max_special),
            (min_alphas, min_alpha_numerals, min_unique, max_repeated, starts),
            (allowed, disallowed, substrings, (user, first, last)),
        )| PasswordPolicy {
            min_length: Some(min_length),
            max_length,
            min_lower_case: Some(min_lower),
            min_upper_case: Some(min_upper),
            min_numerals: Some(min_numerals),
            min_special_chars: Some(min_special),
            max_special_chars: max_special,
            min_alphas: Some(min_alphas),
            min_alpha_numerals: Some(min_alpha_numerals),
            min_unique_chars: Some(min_unique),
            max_repeated_chars: max_repeated,
            starts_with_alphabet: Some(starts),
            allowed_chars: allowed.map(|a| std::iter::once('-').chain(a).collect()),
            disallowed_chars: Some(disallowed.into_iter().collect()),
            disallowed_substrings: Some(substrings.into_iter().map(str::to_owned).collect()),
            user_name_disallowed: Some(user),
            first_name_disallowed: Some(first),
            last_name_disallowed: Some(last),
            ..Default::default()
        },
    )
}

proptest! {
    // 1,000 policy sets × 10 passwords: 10,000 passwords checked.
    #![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

    #[test]
    fn generated_passwords_meet_every_rule_of_every_policy(policies in prop::collection::vec(policy(), 1..=3)) {
        // Given: a satisfiable set of policies and the user's names.
        let rules = rules_for(&policies, &names()).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        for _ in 0..10 {
            // When
            let password = passwords::generate(&rules).map_err(|e| TestCaseError::fail(format!("{e}")))?;
            // Then: every rule of every policy holds.
            for policy in &policies {
                let broken = broken_rule(password.expose_secret(), policy, &names());
                prop_assert!(broken.is_none(), "{:?} breaks {:?} of {:?}", password.expose_secret(), broken, policy);
            }
        }
    }
}

#[test]
fn impossible_policy_sets_are_answered_with_the_rule() {
    let p = PasswordPolicy::default;
    let table: Vec<(Vec<PasswordPolicy>, &str)> = vec![
        (vec![PasswordPolicy { min_length: Some(30), max_length: Some(20), ..p() }], "minLength"),
        // Across policies: one's minimum above another's maximum.
        (vec![PasswordPolicy { min_length: Some(30), ..p() }, PasswordPolicy { max_length: Some(20), ..p() }], "minLength"),
        (vec![PasswordPolicy { min_special_chars: Some(3), max_special_chars: Some(2), ..p() }], "maxSpecialChars"),
        (vec![PasswordPolicy { min_special_chars: Some(1), allowed_chars: Some("abc".to_owned()), ..p() }], "minSpecialChars"),
        (
            vec![
                PasswordPolicy { min_special_chars: Some(1), allowed_chars: Some("!".to_owned()), ..p() },
                PasswordPolicy { allowed_chars: Some("#".to_owned()), ..p() },
            ],
            "minSpecialChars",
        ),
        (
            vec![PasswordPolicy {
                min_special_chars: Some(1),
                disallowed_chars: Some("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".to_owned()),
                ..p()
            }],
            "minSpecialChars",
        ),
        (
            vec![PasswordPolicy { max_length: Some(12), min_lower_case: Some(5), min_upper_case: Some(5), min_numerals: Some(5), ..p() }],
            "maxLength",
        ),
        (vec![PasswordPolicy { max_length: Some(8), min_alphas: Some(10), ..p() }], "maxLength"),
        (vec![PasswordPolicy { max_length: Some(8), min_alpha_numerals: Some(6), min_special_chars: Some(3), ..p() }], "maxLength"),
        (vec![PasswordPolicy { min_numerals: Some(1), disallowed_chars: Some("0123456789".to_owned()), ..p() }], "minNumerals"),
        (
            vec![PasswordPolicy { min_lower_case: Some(1), disallowed_chars: Some("abcdefghijklmnopqrstuvwxyz".to_owned()), ..p() }],
            "minLowerCase",
        ),
        (
            vec![PasswordPolicy { min_upper_case: Some(1), disallowed_chars: Some("ABCDEFGHIJKLMNOPQRSTUVWXYZ".to_owned()), ..p() }],
            "minUpperCase",
        ),
        (
            vec![PasswordPolicy {
                starts_with_alphabet: Some(true),
                disallowed_chars: Some("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".to_owned()),
                ..p()
            }],
            "startsWithAlphabet",
        ),
        (
            vec![PasswordPolicy {
                min_alpha_numerals: Some(1),
                disallowed_chars: Some("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".to_owned()),
                ..p()
            }],
            "minAlphaNumerals",
        ),
        (vec![PasswordPolicy { min_unique_chars: Some(30), max_length: Some(20), ..p() }], "minUniqueChars"),
        (vec![PasswordPolicy { min_unique_chars: Some(200), ..p() }], "minUniqueChars"),
    ];
    for (policies, rule) in table {
        match rules_for(&policies, &names()) {
            Err(PasswordError::Unsatisfiable { rule: named, .. }) => assert_eq!(named, rule, "{policies:?}"),
            other => panic!("{policies:?}: expected {rule}, got {other:?}"),
        }
    }
}

#[test]
fn a_policy_disallowing_the_preferred_characters_of_a_class_is_met_with_the_others() {
    // Given: policies that disallow every digit but 0 and 1, and the preferred special characters
    // (the generator prefers 2-9 and `-_.#+=!`).
    let policies = [PasswordPolicy {
        min_numerals: Some(2),
        min_special_chars: Some(2),
        disallowed_chars: Some("23456789-_.#+=!".to_owned()),
        ..PasswordPolicy::default()
    }];
    let rules = rules_for(&policies, &names()).unwrap();
    for _ in 0..1_000 {
        // When
        let password = passwords::generate(&rules).unwrap();
        // Then
        assert_eq!(broken_rule(password.expose_secret(), &policies[0], &names()), None, "{}", password.expose_secret());
    }
}
