//! DB_CREDENTIAL secrets whose passwords Vault generates (`PASSPHRASE` auto-generation) against
//! the simulator: Vault makes the password at CREATE_PENDING_VERSION, UPDATE_TARGET_SYSTEM creates
//! the IAM database credential from it, described `oci-rotator <secretId> v<versionNumber>`;
//! retries write no second credential, DELETE_ON_PROMOTE deletes the superseded one, and
//! unmanaged credentials holding IAM's limit are a 409 (IAM's own answer) with nothing written to IAM.

use std::collections::BTreeSet;
use std::time::Duration;

use oci_rotator::driver::Driver;
use oci_rotator::protocol::Step;
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::sim::checks;
use oci_rotator::sim::{AutoGen, Fault, FaultKind, SimOptions, VersionView};
use serde_json::json;

use crate::helpers::sim::*;

const KIND: CredentialKind = CredentialKind::DbCredential;

fn driver() -> Driver {
    Driver { attempts_per_step: 3, retry_wait: Duration::from_millis(20) }
}

fn fast() -> SimOptions {
    SimOptions { updating_ms: 20, key_propagation_ms: 50, ..Default::default() }
}

/// A user bound to a new DB_CREDENTIAL secret whose version 1 Vault generated from `generation`,
/// and v1's credential in IAM (description `oci-rotator <secretId> v1`, v1's password).
fn generated_db_secret(rig: &SimRig, name: &str, previous: &str, generation: AutoGen) -> (String, String) {
    let user = rig.sim.create_user(&format!("{name}-user"));
    let metadata = json!({"credentialType": "DB_CREDENTIAL", "userId": user, "previousCredential": previous});
    let secret = rig.sim.create_generated_secret(name, metadata, generation).unwrap();
    let v1 = rig.sim.secret_versions(&secret).remove(0);
    let password = v1.content["password"].as_str().map_or(v1.text.clone(), str::to_owned);
    rig.sim.create_db_credential(&user, &format!("oci-rotator {secret} v1"), &password).unwrap();
    rig.sim.bind_user(&user, KIND, &secret).unwrap();
    (secret, user)
}

fn current(versions: &[VersionView]) -> &VersionView {
    versions.iter().find(|v| v.stages.iter().any(|s| s == "CURRENT")).unwrap()
}

/// The ids of the user's database credentials described `description`.
fn described(rig: &SimRig, user: &str, description: &str) -> Vec<String> {
    rig.sim.credentials(user, KIND).into_iter().filter(|c| c.description == description).map(|c| c.id).collect()
}

#[tokio::test]
async fn vault_generated_database_passwords_rotate_twice_and_iam_holds_each_current_password() {
    for (name, generation) in [
        ("db-raw", AutoGen::passphrase("DBAAS_DEFAULT_PASSWORD", None, None)),
        (
            "db-templated",
            AutoGen::passphrase("SECRETS_DEFAULT_PASSWORD", Some(16), Some(r#"{"password":"%GENERATED_PASSPHRASE%","user":"app"}"#)),
        ),
    ] {
        // Given
        let rig = sim_rig(fast()).await;
        let (secret, user) = generated_db_secret(&rig, name, "KEEP_UNTIL_NEXT_ROTATION", generation);
        let first = described(&rig, &user, &format!("oci-rotator {secret} v1"));
        let mut previous_password = None;
        for round in 1..=2u64 {
            // When
            let mut lockouts = Vec::new();
            let answers = driver()
                .rotate(&rig.transport(Duration::from_secs(30)), &secret, &mut |a| {
                    lockouts
                        .extend(checks::current_is_live(&rig.sim, &secret, KIND, &user).into_iter().map(|p| format!("{}: {p}", a.step)));
                })
                .await;
            // Then: CURRENT is the new version Vault generated; IAM holds its password under the
            // credential described with its number; the contract's section 6 holds.
            assert!(completed(&answers), "{name} round {round}: {answers:?}");
            assert!(lockouts.is_empty(), "{name} round {round}: {lockouts:?}");
            let versions = rig.sim.secret_versions(&secret);
            let now = current(&versions);
            assert_eq!(now.version_number, round + 1, "{name}");
            let password = now.content["password"].as_str().map_or(now.text.clone(), str::to_owned);
            assert!(password.len() >= 16 && previous_password.as_ref() != Some(&password), "{name} round {round}");
            let ids = described(&rig, &user, &format!("oci-rotator {secret} v{}", round + 1));
            assert_eq!(ids.len(), 1, "{name} round {round}: {:?}", rig.sim.credentials(&user, KIND));
            assert_eq!(rig.sim.credential_secret(&user, KIND, &ids[0]).as_deref(), Some(password.as_str()), "{name} round {round}");
            let problems =
                checks::after_rotation(&rig.sim, &secret, KIND, &user, PreviousCredential::KeepUntilNextRotation, &BTreeSet::new());
            assert!(problems.is_empty(), "{name} round {round}: {problems:?}");
            previous_password = Some(password);
        }
        // The first credential was kept by rotation one and deleted by rotation two.
        let left: Vec<String> = rig.sim.credentials(&user, KIND).into_iter().map(|c| c.id).collect();
        assert!(!left.contains(&first[0]) && left.len() == 2, "{name}: {left:?}");
        assert_logs_hold_none_of(&[previous_password.unwrap_or_default()]);
    }
}

#[tokio::test]
async fn a_lost_create_response_and_a_retried_update_write_no_second_credential() {
    // Given: a rotation up to CREATE_PENDING_VERSION, and IAM's answer to the create lost after
    // IAM made the credential.
    let rig = sim_rig(fast()).await;
    let (secret, user) =
        generated_db_secret(&rig, "db-retry", "KEEP_UNTIL_NEXT_ROTATION", AutoGen::passphrase("DBAAS_DEFAULT_PASSWORD", None, None));
    let transport = rig.transport(Duration::from_secs(30));
    let verify = driver().step(&transport, Step::VerifyConnection, &secret, None, &mut |_| {}).await;
    let create = driver().step(&transport, Step::CreatePendingVersion, &secret, verify.current_version_no, &mut |_| {}).await;
    assert_eq!((verify.response_code, create.response_code), (200, 200), "{}", create.return_message);
    rig.sim.inject(Fault {
        nth: 1,
        method: Some("POST".to_owned()),
        path_contains: Some("/dbCredentials".to_owned()),
        kind: FaultKind::LostResponse,
    });
    rig.sim.clear_journal();
    // When: UPDATE_TARGET_SYSTEM runs, and Vault runs it again.
    let first = driver().step(&transport, Step::UpdateTargetSystem, &secret, verify.current_version_no, &mut |_| {}).await;
    let again = driver().step(&transport, Step::UpdateTargetSystem, &secret, verify.current_version_no, &mut |_| {}).await;
    // Then: the fault fired; both answer 200 with the PENDING number; IAM made one credential for
    // version 2.
    assert_eq!(rig.sim.faults_pending(), 0);
    assert_eq!((first.response_code, again.response_code), (200, 200), "{} / {}", first.return_message, again.return_message);
    assert_eq!((first.current_version_no, again.current_version_no), (Some(2), Some(2)));
    assert_eq!(described(&rig, &user, &format!("oci-rotator {secret} v2")).len(), 1);
    assert_eq!(rig.sim.credentials(&user, KIND).len(), 2);
    let creates = rig.sim.journal().into_iter().filter(|j| j.write && j.method == "POST" && j.path.contains("/dbCredentials")).count();
    assert_eq!(creates, 1, "{:?}", rig.sim.journal());
}

#[tokio::test]
async fn delete_on_promote_deletes_the_superseded_vault_generated_credential() {
    // Given
    let rig = sim_rig(fast()).await;
    let (secret, user) =
        generated_db_secret(&rig, "db-dop", "DELETE_ON_PROMOTE", AutoGen::passphrase("DBAAS_DEFAULT_PASSWORD", Some(30), None));
    // When
    let answers = driver().rotate(&rig.transport(Duration::from_secs(30)), &secret, &mut |_| {}).await;
    // Then: only version 2's credential is left, holding version 2's password.
    assert!(completed(&answers), "{answers:?}");
    let left = rig.sim.credentials(&user, KIND);
    assert_eq!(left.iter().map(|c| c.description.clone()).collect::<Vec<_>>(), vec![format!("oci-rotator {secret} v2")]);
    let versions = rig.sim.secret_versions(&secret);
    assert_eq!(current(&versions).text.len(), 30);
    assert_eq!(rig.sim.credential_secret(&user, KIND, &left[0].id), Some(current(&versions).text.clone()));
    let problems = checks::after_rotation(&rig.sim, &secret, KIND, &user, PreviousCredential::DeleteOnPromote, &BTreeSet::new());
    assert!(problems.is_empty(), "{problems:?}");
}

#[tokio::test]
async fn unmanaged_credentials_holding_the_limit_are_a_409_and_nothing_is_written_to_iam() {
    // Given: the user's second database credential is someone else's (IAM's limit is 2).
    let rig = sim_rig(fast()).await;
    let (secret, user) =
        generated_db_secret(&rig, "db-limit", "KEEP_UNTIL_NEXT_ROTATION", AutoGen::passphrase("DBAAS_DEFAULT_PASSWORD", None, None));
    let (unmanaged, _) = rig.sim.create_credential(&user, KIND, "reporting job").unwrap();
    let before: BTreeSet<String> = rig.sim.credentials(&user, KIND).into_iter().map(|c| c.id).collect();
    let transport = rig.transport(Duration::from_secs(30));
    let verify = driver().step(&transport, Step::VerifyConnection, &secret, None, &mut |_| {}).await;
    let create = driver().step(&transport, Step::CreatePendingVersion, &secret, verify.current_version_no, &mut |_| {}).await;
    assert_eq!(create.response_code, 200, "{}", create.return_message);
    rig.sim.clear_journal();
    // When
    let update = driver().step(&transport, Step::UpdateTargetSystem, &secret, verify.current_version_no, &mut |_| {}).await;
    // Then
    assert_eq!(update.response_code, 409, "{}", update.return_message);
    // No count ahead of IAM (Oracle documents no per-user figure): IAM's own refusal, naming the
    // credential the secret does not manage.
    assert!(update.return_message.contains("IAM refused to create another database password"), "{}", update.return_message);
    assert!(update.return_message.contains(&format!("{unmanaged} (\"reporting job\")")), "{}", update.return_message);
    // The one write of a refused step: its record on the secret (contract 6, point 8).
    assert!(rig.sim.journal().iter().all(|j| !j.write || j.tags_only), "{:?}", rig.sim.journal());
    let after: BTreeSet<String> = rig.sim.credentials(&user, KIND).into_iter().map(|c| c.id).collect();
    assert_eq!(after, before);
    assert!(after.contains(&unmanaged));
    assert!(checks::current_is_live(&rig.sim, &secret, KIND, &user).is_empty());
}
