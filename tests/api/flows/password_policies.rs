//! Identity-domain password policies on the simulator: a domain user's console password rotates
//! under a strict custom policy the simulated domain enforces, and a policy no password meets is a
//! 409 with nothing written. The rules themselves: `offline/password_policies.rs`.

use std::time::Duration;

use oci_rotator::driver::Driver;
use oci_rotator::oci::identity_domains::{PasswordPolicy, UserNames};
use oci_rotator::protocol::Step;
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::sim::SimOptions;
use serde_json::json;

use crate::helpers::password_rules::broken_rule;
use crate::helpers::sim::sim_rig;

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
    rig.sim.clear_journal();
    // When Vault rotates it, then the rotation completes and meets the contract.
    rig.rotate_cleanly(kind, &sim_driver(), PreviousCredential::KeepUntilNextRotation).await;
    // And: the domain accepted the password at the first try (no 400), and what the domain holds
    // is the CURRENT version's password, which meets every rule.
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
