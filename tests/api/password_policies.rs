//! Identity-domain password policies (contract 4.2): every rule, the strictest value across the
//! listed policies. A property test draws random satisfiable policy sets and checks 10,000
//! generated passwords against a checker written here from the policy fields alone (it shares
//! nothing with the generator); a table of impossible policy sets, each answered with the rule
//! that cannot be met; against wiremock, an impossible policy is a 409 naming the rule before any
//! write (no `UserPasswordChanger`, no Vault write); and on the simulator, a domain user's console
//! password rotates under a strict custom policy that the simulated domain enforces.

use std::collections::HashSet;
use std::time::Duration;

use oci_rotator::adapters::console_password::rules_for;
use oci_rotator::driver::Driver;
use oci_rotator::oci::identity_domains::{PasswordPolicy, UserNames};
use oci_rotator::passwords::{self, PasswordError};
use oci_rotator::protocol::Step;
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::sim::SimOptions;
use proptest::prelude::*;
use secrecy::ExposeSecret;
use serde_json::json;
use wiremock::matchers::{body_partial_json, method, path, path_regex};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;
use crate::identity_domains::{mount_domain_user, scim_user};
use crate::sim_helpers::{completed, sim_rig};

fn names() -> UserNames {
    UserNames { user_name: Some("jdoe".to_owned()), first_name: Some("John".to_owned()), last_name: Some("Doe".to_owned()) }
}

/// The longest run of one character.
fn longest_run(p: &str) -> usize {
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
fn broken_rule(p: &str, policy: &PasswordPolicy, names: &UserNames) -> Option<String> {
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

#[tokio::test]
async fn a_policy_no_password_meets_is_a_409_naming_the_rule_before_any_write() {
    // Given: a console-password secret in a tenancy whose Default domain lists a policy with
    // minLength above maxLength.
    let app = spawn_app().await;
    let base = format!("{}/idcs-test", app.oci.uri());
    app.mount_list_domains(
        json!([{"id": "ocid1.domain.oc1..aaaaaaaadefault", "compartmentId": TENANCY, "displayName": "Default", "url": base,
            "type": "DEFAULT", "lifecycleState": "ACTIVE", "homeRegion": "us-ashburn-1", "timeCreated": "2026-11-23T00:00:00Z"}]),
        1,
    )
    .await;
    app.mount_get_secret(secret_json(1, json!({"credentialType": "CONSOLE_PASSWORD", "userId": USER_ID})), 1).await;
    app.mount_bundle_by_stage("LATEST", Some(bundle_json(1, &["CURRENT", "LATEST"], &json!({"password": "Old-pass-1"}))), 1).await;
    mount_domain_user(&app, Some(scim_user(json!([]), true)), 1..=1).await;
    Mock::given(method("GET"))
        .and(path("/idcs-test/admin/v1/PasswordPolicies"))
        .and(app.signed())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": 2, "Resources": [{"id": "p1", "name": "long", "priority": 1, "minLength": 30},
                {"id": "p2", "name": "short", "priority": 2, "maxLength": 20}]})))
        .named("ListPasswordPolicies")
        .expect(1)
        .mount(&app.oci)
        .await;
    Mock::given(method("PUT"))
        .and(path_regex("/UserPasswordChanger/"))
        .respond_with(ResponseTemplate::new(200))
        .named("UserPasswordChanger (never: no password meets the policies)")
        .expect(0)
        .mount(&app.oci)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/20180608/secrets/{SECRET_ID}")))
        .and(body_partial_json(json!({"secretContent": {}})))
        .respond_with(ResponseTemplate::new(200))
        .named("UpdateSecret with a new version (never)")
        .expect(0)
        .mount(&app.oci)
        .await;
    // When
    let out = app.run_step(Step::CreatePendingVersion, Some(1)).await;
    // Then: 409 naming the rule; no password was set and no version written (the mocks expect 0).
    assert_eq!(out.response_code, 409, "{}", out.return_message);
    assert!(out.return_message.contains("minLength"), "{}", out.return_message);
    assert!(out.return_message.contains("nothing was changed"), "{}", out.return_message);
}

/// A policy that leaves little room: 30 to 32 characters, at least four of each letter case and
/// of numerals, exactly three special characters from `@` and `%` (`-` is allowed and then
/// disallowed), no character twice in a row, at least 20 distinct, a letter first, and neither
/// the user's name nor two substrings.
fn strict_policy() -> serde_json::Value {
    json!({"name": "strict", "minLength": 30, "maxLength": 32, "minLowerCase": 4, "minUpperCase": 4, "minNumerals": 4,
        "minSpecialChars": 3, "maxSpecialChars": 3, "minAlphas": 12, "minAlphaNumerals": 20, "minUniqueChars": 20,
        "maxRepeatedChars": 1, "startsWithAlphabet": true, "allowedChars": "@%-", "disallowedChars": "-",
        "disallowedSubstrings": ["abc", "Zk"], "userNameDisallowed": true, "firstNameDisallowed": true,
        "lastNameDisallowed": true})
}

fn sim_driver() -> Driver {
    Driver { attempts_per_step: 3, retry_wait: Duration::from_millis(20) }
}

#[tokio::test]
async fn a_domain_users_console_password_rotates_under_a_strict_custom_policy() {
    // Given: the seeded SECONDARY domain's policy is the strict one.
    let rig = sim_rig(SimOptions { updating_ms: 20, ..SimOptions::default() }).await.in_domain();
    let kind = CredentialKind::ConsolePassword;
    rig.sim.set_password_policy(&rig.seeded.domain_id, &strict_policy()).unwrap();
    let unmanaged = rig.unmanaged(kind);
    rig.sim.clear_journal();
    // When
    let answers = rig.rotate(kind, &sim_driver(), Duration::from_secs(30)).await;
    // Then: the rotation completed, the domain accepted the password at the first try (no 400),
    // and what the domain holds is the CURRENT version's password, which meets every rule.
    assert!(completed(&answers), "{answers:?}");
    assert!(rig.violations(kind, PreviousCredential::KeepUntilNextRotation, &unmanaged).is_empty());
    let changes: Vec<(u16, bool)> =
        rig.sim.journal().iter().filter(|j| j.path.contains("/UserPasswordChanger/")).map(|j| (j.status, j.write)).collect();
    assert_eq!(changes, vec![(200, true)]);
    let versions = rig.sim.secret_versions(&rig.secret(kind));
    let current = versions.iter().find(|v| v.stages.iter().any(|s| s == "CURRENT")).unwrap();
    let password = current.content["password"].as_str().unwrap().to_owned();
    assert_eq!(rig.sim.ui_password(&rig.user(kind)).as_deref(), Some(password.as_str()));
    let policy: PasswordPolicy = serde_json::from_value(strict_policy()).unwrap();
    let user_name = rig.sim.user_name(&rig.user(kind)).unwrap();
    let names = UserNames { user_name: Some(user_name.clone()), first_name: None, last_name: Some(user_name) };
    assert_eq!(broken_rule(&password, &policy, &names), None);
}

#[tokio::test]
async fn on_the_simulator_a_policy_no_password_meets_is_a_409_and_nothing_is_written() {
    // Given: the domain's policy requires a special character and allows none.
    let rig = sim_rig(SimOptions { updating_ms: 20, ..SimOptions::default() }).await.in_domain();
    let kind = CredentialKind::ConsolePassword;
    rig.sim.set_password_policy(&rig.seeded.domain_id, &json!({"minSpecialChars": 1, "allowedChars": "ab"})).unwrap();
    let before = (rig.sim.ui_password(&rig.user(kind)), rig.sim.secret_versions(&rig.secret(kind)).len());
    rig.sim.clear_journal();
    // When
    let answers = rig.rotate(kind, &sim_driver(), Duration::from_secs(30)).await;
    // Then: CREATE answers 409 naming the rule; no password was sent to the domain, no version
    // was written, and the user's password is the one it had.
    let (_, create) = answers.iter().find(|(s, _)| *s == Step::CreatePendingVersion).unwrap();
    assert_eq!(create.response_code, 409, "{}", create.return_message);
    assert!(create.return_message.contains("minSpecialChars"), "{}", create.return_message);
    assert!(rig.sim.journal().iter().all(|j| !j.path.contains("/UserPasswordChanger/")), "{:?}", rig.sim.journal());
    let after = (rig.sim.ui_password(&rig.user(kind)), rig.sim.secret_versions(&rig.secret(kind)).len());
    assert_eq!(after, before);
}
