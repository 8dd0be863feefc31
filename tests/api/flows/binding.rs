//! Contract 4.1: the user must name the secret. A user without the tag `oci-rotator-<kind>`, or
//! whose tag names only other secrets, is refused with a 400 that says how to bind it, and no IAM
//! write happens at any step; a tag listing several secrets binds each; `OCI_ROTATOR_USER_BINDING=off`
//! turns the check off; the user's other tags are never touched. Checked on the simulator's
//! journal; call by call against wiremock, with `.expect(0)` on every IAM write, in
//! `wire/binding.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use oci_rotator::binding::tag_key;
use oci_rotator::driver::{Driver, InProcess};
use oci_rotator::protocol::{SecretRotationOutput, Step};
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::sim::checks;
use oci_rotator::sim::{JournalEntry, SimOptions};
use serde_json::json;

use crate::helpers::sim::*;

const OTHER_SECRET: &str = "ocid1.vaultsecret.oc1.iad.amaaaaaaanothersecretofthesameuser";

fn driver() -> Driver {
    Driver { attempts_per_step: 2, retry_wait: Duration::from_millis(10) }
}

fn opts() -> SimOptions {
    SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }
}

/// Requests that changed IAM: the classic API's (`/20160918/`) or an identity domain's (`/admin/v1/`).
fn iam_writes(journal: &[JournalEntry]) -> Vec<String> {
    journal
        .iter()
        .filter(|j| j.write && (j.path.starts_with("/20160918/") || j.path.contains("/admin/v1/")))
        .map(|j| format!("{} {}", j.operation, j.path))
        .collect()
}

/// The user's tags with the binding tag of `kind` set to `value` (removed when None).
fn with_binding(rig: &SimRig, kind: CredentialKind, value: Option<&str>) -> BTreeMap<String, String> {
    let mut tags = rig.sim.user_tags(&rig.user(kind));
    match value {
        Some(v) => tags.insert(tag_key(kind), v.to_owned()),
        None => tags.remove(&tag_key(kind)),
    };
    tags
}

/// The step whose IAM write the binding guards, and the answers of a rotation refused there.
fn refused_step(kind: CredentialKind) -> Step {
    match kind {
        // API keys touch IAM first in UPDATE_TARGET_SYSTEM; CREATE only writes the new key pair
        // to Vault as PENDING.
        CredentialKind::ApiKey => Step::UpdateTargetSystem,
        _ => Step::CreatePendingVersion,
    }
}

fn refusal(answers: &[(Step, SecretRotationOutput)]) -> &SecretRotationOutput {
    &answers.last().expect("the driver ran at least one step").1
}

#[tokio::test]
async fn an_unbound_user_is_refused_with_the_command_that_binds_it_and_iam_is_untouched() {
    let rig = sim_rig(opts()).await;
    for kind in CredentialKind::ALL {
        // Given: the user lost its binding tag but keeps its other tags.
        let user = rig.user(kind);
        rig.sim.set_user_tags(&user, with_binding(&rig, kind, None)).unwrap();
        let iam_before = checks::iam_credentials(&rig.sim, kind, &user);
        let current_before = rig.sim.current_version(&rig.secret(kind));
        rig.sim.clear_journal();
        // When: Vault runs the rotation.
        let answers = driver().rotate(&rig.transport(Duration::from_secs(30)), &rig.secret(kind), &mut |_| {}).await;
        // Then: the step that would write to IAM answers 400, saying who, which tag and how.
        let (step, out) = answers.last().unwrap();
        assert_eq!(*step, refused_step(kind), "{kind}: {answers:?}");
        assert_eq!(out.response_code, 400, "{kind}: {}", out.return_message);
        for needle in [
            user.as_str(),
            tag_key(kind).as_str(),
            rig.secret(kind).as_str(),
            "is missing",
            "oci iam user update --user-id",
            "\"team\":\"rotation-demo\"",
        ] {
            assert!(out.return_message.contains(needle), "{kind}: `{needle}` not in {}", out.return_message);
        }
        // And nothing changed in IAM, nor the CURRENT version.
        assert_eq!(iam_writes(&rig.sim.journal()), Vec::<String>::new(), "{kind}");
        assert_eq!(checks::iam_credentials(&rig.sim, kind, &user), iam_before, "{kind}");
        assert_eq!(rig.sim.current_version(&rig.secret(kind)), current_before, "{kind}");
    }
}

#[tokio::test]
async fn a_user_bound_to_another_secret_is_refused_at_every_step_that_writes() {
    let rig = sim_rig(opts()).await;
    for kind in CredentialKind::ALL {
        // Given: the tag names another secret (the one an attacker would have the function serve).
        let user = rig.user(kind);
        rig.sim.set_user_tags(&user, with_binding(&rig, kind, Some(OTHER_SECRET))).unwrap();
        rig.sim.clear_journal();
        // When: Vault retries the rotation three times (as it would on its schedule).
        for _ in 0..3 {
            let answers = driver().rotate(&rig.transport(Duration::from_secs(30)), &rig.secret(kind), &mut |_| {}).await;
            let out = refusal(&answers);
            assert_eq!(out.response_code, 400, "{kind}: {}", out.return_message);
            assert!(out.return_message.contains("lists only other secrets"), "{kind}: {}", out.return_message);
            // The command keeps what the value lists and adds this secret.
            assert!(out.return_message.contains(&format!("{OTHER_SECRET} {}", rig.secret(kind))), "{}", out.return_message);
        }
        // Then: no IAM write ever happened.
        assert_eq!(iam_writes(&rig.sim.journal()), Vec::<String>::new(), "{kind}");
    }
}

#[tokio::test]
async fn following_the_refusal_binds_the_user_keeps_its_other_tags_and_the_rotation_completes() {
    let rig = sim_rig(opts()).await;
    for kind in CredentialKind::ALL {
        // Given: an unbound user with tags of its own, refused once.
        let user = rig.user(kind);
        let mut tags = with_binding(&rig, kind, None);
        tags.insert("cost-center".to_owned(), "42".to_owned());
        rig.sim.set_user_tags(&user, tags.clone()).unwrap();
        let answers = driver().rotate(&rig.transport(Duration::from_secs(30)), &rig.secret(kind), &mut |_| {}).await;
        let message = &refusal(&answers).return_message;
        // When: the administrator runs the command the message gives (its --freeform-tags value).
        let json = message.split("--freeform-tags '").nth(1).and_then(|rest| rest.split('\'').next()).unwrap();
        let new_tags: BTreeMap<String, String> = serde_json::from_str(json).unwrap();
        rig.sim.set_user_tags(&user, new_tags.clone()).unwrap();
        // Then: the user's other tags are all still there, and the binding names the secret.
        for (k, v) in &tags {
            assert_eq!(new_tags.get(k), Some(v), "{kind}: tag {k} lost");
        }
        assert_eq!(new_tags.get(&tag_key(kind)), Some(&rig.secret(kind)));
        // And Vault's next rotation completes and meets the contract, leaving the tags as they are.
        rig.rotate_cleanly(kind, &driver(), PreviousCredential::KeepUntilNextRotation).await;
        assert_eq!(rig.sim.user_tags(&user), new_tags, "{kind}: the function never changes a user's tags");
    }
}

#[tokio::test]
async fn a_tag_listing_two_secrets_binds_both() {
    let rig = sim_rig(opts()).await;
    for kind in CredentialKind::ALL {
        // Given: the value lists another secret and this one, comma and space separated.
        let value = format!("{OTHER_SECRET}, {}", rig.secret(kind));
        rig.sim.set_user_tags(&rig.user(kind), with_binding(&rig, kind, Some(&value))).unwrap();
        // When Vault rotates it, then the rotation completes and meets the contract.
        rig.rotate_cleanly(kind, &driver(), PreviousCredential::KeepUntilNextRotation).await;
    }
}

#[tokio::test]
async fn with_the_binding_off_an_unbound_user_rotates_without_reading_its_tags() {
    // Given: a function configured with OCI_ROTATOR_USER_BINDING=off, and users with no tag.
    let rig = sim_rig(opts()).await;
    let session = rig.sim.create_resource_principal();
    let mut env = function_env(&rig.endpoint, &session.rpst, &session.private_key_pem);
    env.insert("OCI_ROTATOR_USER_BINDING".to_owned(), "off".to_owned());
    let (rotator, _) = oci_rotator::config::rotator_from_env(&env).unwrap();
    let transport = InProcess { rotator, timeout: Duration::from_secs(30) };
    for kind in CredentialKind::ALL {
        rig.sim.set_user_tags(&rig.user(kind), BTreeMap::new()).unwrap();
        let unmanaged = rig.unmanaged(kind);
        rig.sim.clear_journal();
        // When
        let (answers, lockouts) = rig.rotate_checked(kind, &driver(), &transport).await;
        // Then: the rotation completes, and no GetUser was made by the function's principal for
        // the binding (API keys still read the user signed with their own keys: the live check).
        assert!(completed(&answers) && lockouts.is_empty(), "{kind}: {answers:?} {lockouts:?}");
        assert!(rig.violations(kind, PreviousCredential::KeepUntilNextRotation, &unmanaged).is_empty());
        let reads = rig.sim.journal().iter().filter(|j| j.operation == "GetUser").count();
        let live_checks = match kind {
            // VERIFY (CURRENT), UPDATE (PENDING refused, CURRENT, PENDING after the upload), PROMOTE.
            CredentialKind::ApiKey => 5,
            // Console passwords in a tenancy with identity domains are read from the Default
            // domain's REST API, not with GetUser; tokens and secret keys are listed.
            _ => 0,
        };
        assert_eq!(reads, live_checks, "{kind}: GetUser calls");
    }
}

#[tokio::test]
async fn any_other_value_of_the_setting_keeps_the_binding_on() {
    let rig = sim_rig(opts()).await;
    let session = rig.sim.create_resource_principal();
    for value in ["OFF", "false", "0", "no", ""] {
        let mut env = function_env(&rig.endpoint, &session.rpst, &session.private_key_pem);
        env.insert("OCI_ROTATOR_USER_BINDING".to_owned(), value.to_owned());
        let (rotator, _) = oci_rotator::config::rotator_from_env(&env).unwrap();
        let kind = CredentialKind::AuthToken;
        rig.sim.set_user_tags(&rig.user(kind), BTreeMap::new()).unwrap();
        rig.sim.clear_journal();
        let answers = driver().rotate(&InProcess { rotator, timeout: Duration::from_secs(30) }, &rig.secret(kind), &mut |_| {}).await;
        assert_eq!(refusal(&answers).response_code, 400, "OCI_ROTATOR_USER_BINDING={value:?}");
        assert_eq!(iam_writes(&rig.sim.journal()), Vec::<String>::new(), "OCI_ROTATOR_USER_BINDING={value:?}");
    }
}

#[tokio::test]
async fn delete_on_promote_checks_the_binding_before_it_promotes() {
    let rig = sim_rig(opts()).await;
    for kind in [CredentialKind::ApiKey, CredentialKind::AuthToken, CredentialKind::CustomerSecretKey] {
        // Given: a DELETE_ON_PROMOTE secret whose user is unbound between UPDATE and PROMOTE.
        let (secret, user) = (rig.secret(kind), rig.user(kind));
        rig.sim.set_metadata(&secret, json!({"credentialType": kind.as_str(), "userId": user, "previousCredential": "DELETE_ON_PROMOTE"}));
        let transport = rig.transport(Duration::from_secs(30));
        let mut version = None;
        for step in [Step::VerifyConnection, Step::CreatePendingVersion, Step::UpdateTargetSystem] {
            let out = driver().step(&transport, step, &secret, version, &mut |_| {}).await;
            assert_eq!(out.response_code, 200, "{kind} {step}: {}", out.return_message);
            version = out.current_version_no;
        }
        rig.sim.set_user_tags(&user, with_binding(&rig, kind, None)).unwrap();
        let current_before = rig.sim.current_version(&secret);
        let iam_before = checks::iam_credentials(&rig.sim, kind, &user);
        rig.sim.clear_journal();
        // When
        let out = driver().step(&transport, Step::PromotePendingVersion, &secret, version, &mut |_| {}).await;
        // Then: refused, nothing promoted, nothing deleted.
        assert_eq!(out.response_code, 400, "{kind}: {}", out.return_message);
        assert_eq!(rig.sim.current_version(&secret), current_before, "{kind}: the refusal promoted nothing");
        assert_eq!(checks::iam_credentials(&rig.sim, kind, &user), iam_before, "{kind}");
        // The one write of a refused step: its record on the secret (contract 6, point 8).
        assert!(rig.sim.journal().iter().all(|j| !j.write || j.tags_only), "{kind}: {:?}", iam_writes(&rig.sim.journal()));
        assert!(rig.sim.journal().iter().any(|j| j.write && j.tags_only), "{kind}: the refusal is recorded on the secret");
    }
}

#[tokio::test]
async fn steps_that_write_nothing_to_iam_need_no_binding() {
    let rig = sim_rig(opts()).await;
    let transport = rig.transport(Duration::from_secs(30));
    for kind in CredentialKind::ALL {
        // Given: an unbound user.
        let secret = rig.secret(kind);
        rig.sim.set_user_tags(&rig.user(kind), BTreeMap::new()).unwrap();
        // When / Then: VERIFY_CONNECTION reads only, and answers 200 without reading the tags.
        let out = driver().step(&transport, Step::VerifyConnection, &secret, None, &mut |_| {}).await;
        assert_eq!(out.response_code, 200, "{kind}: {}", out.return_message);
        // PROMOTE with nothing to promote (KEEP_UNTIL_NEXT_ROTATION) writes nothing either.
        let out = driver().step(&transport, Step::PromotePendingVersion, &secret, None, &mut |_| {}).await;
        assert_eq!(out.response_code, 200, "{kind}: {}", out.return_message);
    }
}

#[tokio::test]
async fn a_user_of_an_identity_domain_is_bound_by_the_tag_in_its_oci_tags_extension() {
    let rig = sim_rig(opts()).await.in_domain();
    for kind in CredentialKind::ALL {
        // Given: the domain user's OCI tags no longer name the secret.
        let user = rig.user(kind);
        rig.sim.set_user_tags(&user, with_binding(&rig, kind, Some(OTHER_SECRET))).unwrap();
        rig.sim.clear_journal();
        // When
        let answers = driver().rotate(&rig.transport(Duration::from_secs(30)), &rig.secret(kind), &mut |_| {}).await;
        // Then: 400 with the domain's patch command, and no write to the domain or IAM.
        let out = refusal(&answers);
        assert_eq!(out.response_code, 400, "{kind}: {}", out.return_message);
        assert!(out.return_message.contains("oci identity-domains user patch"), "{kind}: {}", out.return_message);
        assert_eq!(iam_writes(&rig.sim.journal()), Vec::<String>::new(), "{kind}");
        // And once the tag names it again, the rotation goes through.
        rig.sim.set_user_tags(&user, with_binding(&rig, kind, Some(&rig.secret(kind)))).unwrap();
        let answers = rig.rotate(kind, &driver(), Duration::from_secs(30)).await;
        assert!(completed(&answers), "{kind}: {answers:?}");
    }
}

/// The words the shell makes of `command` (quotes removed, escapes applied), as `sh` reads it.
fn shell_words(command: &str) -> Vec<String> {
    let out = std::process::Command::new("sh").args(["-c", &format!("printf '%s\\n' {command}")]).output().unwrap();
    assert!(out.status.success(), "sh could not read: {command}");
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_owned).collect()
}

#[tokio::test]
async fn the_binary_prints_the_fix_command_ready_to_paste_and_running_it_binds_the_user() {
    // Given: an unbound user whose own tags hold a single quote and a double quote.
    let rig = sim_rig(opts()).await;
    let kind = CredentialKind::AuthToken;
    let (user, secret) = (rig.user(kind), rig.secret(kind));
    let mut tags = with_binding(&rig, kind, None);
    tags.insert("owner".to_owned(), r#"o'brien "ops""#.to_owned());
    rig.sim.set_user_tags(&user, tags.clone()).unwrap();
    // When: rotate --secret-id, as text.
    let (code, stdout, stderr) = run_cli(&rig, &["rotate", "--secret-id", &secret, "--attempts", "1"]).await;
    // Then: exit 1, and the fix alone on its line, not JSON-escaped.
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let command =
        stdout.lines().find_map(|l| l.trim_start().strip_prefix("fix (paste into a shell): ")).unwrap_or_else(|| panic!("{stdout}"));
    assert!(command.contains(r#"--freeform-tags '{""#), "JSON-escaped: {command}");
    // And the shell reads it as the OCI CLI command with the user's tags plus the binding.
    let words = shell_words(command);
    assert_eq!(words[..6], ["oci", "iam", "user", "update", "--user-id", user.as_str()], "{words:?}");
    assert_eq!(words[6..].first().map(String::as_str), Some("--freeform-tags"), "{words:?}");
    assert_eq!(words.last().map(String::as_str), Some("--force"), "{words:?}");
    let new_tags: BTreeMap<String, String> = serde_json::from_str(&words[7]).unwrap();
    assert_eq!(new_tags.get("owner"), tags.get("owner"), "{words:?}");
    assert_eq!(new_tags.get(&tag_key(kind)), Some(&secret));
    // And with --json, every line parses; the refused attempt carries the same command as a plain string.
    let (code, stdout, _) = run_cli(&rig, &["rotate", "--secret-id", &secret, "--attempts", "1", "--json"]).await;
    assert_eq!(code, 1, "{stdout}");
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    let refused = lines.iter().find(|l| l["responseCode"] == 400).unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!((refused["event"].as_str(), refused["fixCommand"].as_str()), (Some("attempt"), Some(command)), "{refused}");
    assert_eq!((lines.last().unwrap()["event"].as_str(), lines.last().unwrap()["ok"].as_bool()), (Some("summary"), Some(false)));
    // When: the administrator applies the command's tags (what `oci iam user update` would set).
    rig.sim.set_user_tags(&user, new_tags).unwrap();
    // Then: the rotation goes through.
    let (code, stdout, stderr) = run_cli(&rig, &["rotate", "--secret-id", &secret]).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(!stdout.contains("fix (paste"), "{stdout}");
}
