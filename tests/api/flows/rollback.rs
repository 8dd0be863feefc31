//! `rollback` and `history` on the simulator (issue 21, points 1 and 5): for every kind, a
//! rotation, a rollback (the old version CURRENT again, its credential live), then a rotation that
//! meets the contract's section 6 and deletes the credential rolled away from; console passwords
//! refused; the binary's exit status; and `history` after two rotations and a rollback (stages,
//! credential ids, no secret material). Call by call: `wire/rollback.rs`.

use std::time::Duration;

use oci_rotator::binding::BindingMode;
use oci_rotator::driver::Driver;
use oci_rotator::lifecycle::rollback::{rollback, Refusal, RollbackOutcome};
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::sim::checks;
use oci_rotator::sim::SimOptions;
use serde_json::Value;

use crate::helpers::sim::*;

fn driver() -> Driver {
    Driver { attempts_per_step: 3, retry_wait: Duration::from_millis(20) }
}

fn fast() -> SimOptions {
    SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }
}

/// The version of the secret of `kind` carrying `stage`: (number, credential id).
fn with_stage(rig: &SimRig, kind: CredentialKind, stage: &str) -> (u64, String) {
    let versions = rig.sim.secret_versions(&rig.secret(kind));
    let v = versions.iter().find(|v| v.stages.iter().any(|s| s == stage)).unwrap();
    (v.version_number, checks::version_credential(&rig.sim, &rig.secret(kind), kind, &rig.user(kind), v).unwrap())
}

/// Rotate, roll back, rotate again, asserting each stage; for `rig`'s secret of `kind`.
async fn rotate_roll_back_and_rotate(rig: &SimRig, kind: CredentialKind) {
    let unmanaged = rig.unmanaged(kind);
    // Given: one rotation done.
    let old = with_stage(rig, kind, "CURRENT");
    assert!(completed(&rig.rotate(kind, &driver(), Duration::from_secs(30)).await), "{kind}");
    let new = with_stage(rig, kind, "CURRENT");
    // When: rolled back.
    let done = rollback(rig.rotator.client(), BindingMode::Required, &rig.secret(kind), false).await.unwrap();
    // Then: the old version is CURRENT again, its credential live; the new one is PREVIOUS.
    assert_eq!((done.outcome, done.refusal.clone()), (RollbackOutcome::RolledBack, None), "{kind}");
    assert_eq!(with_stage(rig, kind, "CURRENT"), old, "{kind}");
    assert_eq!(with_stage(rig, kind, "PREVIOUS"), new, "{kind}");
    let lockout = checks::current_is_live(&rig.sim, &rig.secret(kind), kind, &rig.user(kind));
    assert!(lockout.is_empty(), "{kind}: {lockout:?}");
    // When: Vault rotates again.
    assert!(completed(&rig.rotate(kind, &driver(), Duration::from_secs(30)).await), "{kind}");
    // Then: section 6 holds, the rolled-back version is PREVIOUS and the credential rolled away
    // from is gone from IAM (superseded, not leaked).
    let problems = rig.violations(kind, PreviousCredential::KeepUntilNextRotation, &unmanaged);
    assert!(problems.is_empty(), "{kind}: {problems:?}");
    assert_eq!(with_stage(rig, kind, "PREVIOUS"), old, "{kind}");
    assert!(!checks::iam_credentials(&rig.sim, kind, &rig.user(kind)).contains(&new.1), "{kind}: {} leaked", new.1);
}

#[tokio::test]
async fn every_kind_but_console_passwords_rolls_back_and_rotates_again() {
    let rig = sim_rig(fast()).await;
    for kind in CredentialKind::ALL.into_iter().filter(|k| *k != CredentialKind::ConsolePassword) {
        rotate_roll_back_and_rotate(&rig, kind).await;
    }
    assert_logs_hold_none_of(&rig.secret_values());
}

#[tokio::test]
async fn an_identity_domain_users_secret_rolls_back_and_rotates_again() {
    let rig = sim_rig(fast()).await.in_domain();
    for kind in [CredentialKind::ApiKey, CredentialKind::AuthToken] {
        rotate_roll_back_and_rotate(&rig, kind).await;
    }
}

#[tokio::test]
async fn a_console_password_is_refused_and_still_rotates() {
    let rig = sim_rig(fast()).await;
    let kind = CredentialKind::ConsolePassword;
    assert!(completed(&rig.rotate(kind, &driver(), Duration::from_secs(30)).await));
    let current = with_stage(&rig, kind, "CURRENT");
    // When: the binary is asked to roll it back.
    let (code, stdout, stderr) = run_cli(&rig, &["rollback", "--secret-id", &rig.secret(kind), "--json"]).await;
    // Then: exit 1, the reason named, CURRENT unchanged; the next rotation still works.
    assert_eq!(code, 1, "{stdout}{stderr}");
    let json: Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!((json["outcome"].as_str(), json["refusal"].as_str()), (Some("REFUSED"), Some(Refusal::ConsolePassword.code())));
    assert!(stderr.contains("rollback refused") && stderr.contains("CONSOLE_PASSWORD"), "{stderr}");
    assert_eq!(with_stage(&rig, kind, "CURRENT"), current);
    assert!(completed(&rig.rotate(kind, &driver(), Duration::from_secs(30)).await));
}

#[tokio::test]
async fn history_after_two_rotations_and_a_rollback_names_stages_and_credentials_only() {
    // Given: an API key rotated twice (versions 1, 2, 3), then rolled back by the binary (2 CURRENT).
    let rig = sim_rig(fast()).await;
    let kind = CredentialKind::ApiKey;
    let secret = rig.secret(kind);
    for _ in 0..2 {
        assert!(completed(&rig.rotate(kind, &driver(), Duration::from_secs(30)).await));
    }
    let (dry, _, _) = run_cli(&rig, &["rollback", "--secret-id", &secret, "--dry-run"]).await;
    assert_eq!((dry, with_stage(&rig, kind, "CURRENT").0), (0, 3), "a dry run writes nothing");
    let (code, out, err) = run_cli(&rig, &["rollback", "--secret-id", &secret]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("rolled back"), "{out}");
    // And: paused by `pause` (its tag), with a failure recorded.
    let tags = [
        ("oci-rotator-paused", "2027-01-05T00:00:00Z quarter-end freeze"),
        ("oci-rotator-last-outcome", "failed UPDATE_TARGET_SYSTEM 409 2026-12-04T10:00:00Z: the limit"),
    ];
    rig.sim.set_secret_tags(&secret, tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()).unwrap();
    // When
    let (code, json_out, err) = run_cli(&rig, &["history", "--secret-id", &secret, "--json"]).await;
    let (table_code, table, _) = run_cli(&rig, &["history", "--secret-id", &secret]).await;
    // Then: the versions newest first, with the simulator's stages and the credential each holds.
    assert_eq!((code, table_code), (0, 0), "{err}");
    let h: Value = serde_json::from_str(json_out.trim()).unwrap();
    let listed: Vec<(u64, Vec<String>, String)> = h["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let stages = v["stages"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect();
            (v["versionNumber"].as_u64().unwrap(), stages, v["credentialId"].as_str().unwrap().to_owned())
        })
        .collect();
    let expected: Vec<(u64, Vec<String>, String)> = rig
        .sim
        .secret_versions(&secret)
        .iter()
        .rev()
        .map(|v| (v.version_number, v.stages.clone(), checks::credential_of(kind, &v.content).unwrap()))
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(listed.iter().map(|v| v.0).collect::<Vec<_>>(), vec![3, 2, 1]);
    assert!(listed[1].1.contains(&"CURRENT".to_owned()) && listed[0].1.contains(&"PREVIOUS".to_owned()), "{listed:?}");
    assert_eq!((h["credentialType"].as_str(), h["currentVersionNumber"].as_u64()), (Some("API_KEY"), Some(2)));
    assert!(h["rotationStatus"].is_string(), "{h}");
    assert_eq!(h["paused"], serde_json::json!({"until": "2027-01-05T00:00:00Z", "reason": "quarter-end freeze"}));
    assert_eq!((h["lastOutcome"]["step"].as_str(), h["lastOutcome"]["responseCode"].as_u64()), (Some("UPDATE_TARGET_SYSTEM"), Some(409)));
    assert!(table.contains("PAUSED until 2027-01-05T00:00:00Z: quarter-end freeze"), "{table}");
    for (_, _, fingerprint) in &listed {
        assert!(table.contains(fingerprint), "{table}");
    }
    // And no secret material in either output.
    for value in rig.secret_values() {
        assert!(!json_out.contains(&value) && !table.contains(&value), "secret material in the history");
    }
}
