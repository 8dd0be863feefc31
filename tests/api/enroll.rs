//! `oci-rotator enroll` against the simulator: each kind from a bare user to a bound secret that
//! the function verifies; a second run changes nothing; a failure after the credential was created
//! leaves no credential behind; a dry run writes nothing; a user of another identity domain.

use std::time::Duration;

use oci_rotator::binding::tag_key;
use oci_rotator::checks;
use oci_rotator::cli::enroll::{enroll, EnrollArgs};
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::sim::{Fault, FaultKind, SimOptions};

use crate::sim_helpers::*;

const FUNCTION: &str = "ocid1.fnfunc.oc1.iad.aaaaaaaaoci-rotator-test";

fn opts() -> SimOptions {
    SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }
}

fn args(rig: &SimRig, kind: CredentialKind, user_id: &str, name: &str) -> EnrollArgs {
    EnrollArgs {
        kind,
        user_id: user_id.to_owned(),
        compartment_id: rig.sim.compartment_id(),
        vault_id: rig.sim.vault_id(),
        key_id: rig.sim.key_id(),
        name: name.to_owned(),
        function_id: Some(FUNCTION.to_owned()),
        interval: "P90D".to_owned(),
        previous: PreviousCredential::KeepUntilNextRotation,
        key_bits: 2048,
        domain_id: None,
        scopes: (kind == CredentialKind::OAuth2ClientCredential).then(|| oci_rotator::sim::DEMO_OAUTH2_SCOPES.to_owned()),
        dry_run: false,
    }
}

#[tokio::test]
async fn every_kind_is_enrolled_bound_verified_and_a_second_run_changes_nothing() {
    let rig = sim_rig(opts()).await;
    for kind in CredentialKind::ALL {
        // Given: a user with no credential of the kind, and a tag of its own.
        let user = rig.sim.create_user(&format!("enroll-{}", kind.as_str().to_ascii_lowercase()));
        rig.sim.set_user_tags(&user, [("team".to_owned(), "payments".to_owned())].into_iter().collect()).unwrap();
        let name = format!("svc-{}", kind.as_str().to_ascii_lowercase());
        // When
        let line = enroll(&rig.rotator, &args(&rig, kind, &user, &name), Duration::from_secs(30)).await.unwrap();
        // Then: the line, a CURRENT version 1 whose credential is live, the user bound, tags kept.
        let secret = line["secretId"].as_str().unwrap().to_owned();
        assert_eq!(line["versionNo"], 1, "{kind}: {line}");
        assert_eq!(line["kind"], kind.as_str());
        assert_eq!(line["bound"], true);
        assert_eq!(line["rotationConfig"]["targetSystemDetails"]["functionId"], FUNCTION, "{kind}: {line}");
        assert_eq!(rig.sim.current_version(&secret), Some(1));
        assert!(checks::current_is_live(&rig.sim, &secret, kind, &user).is_empty(), "{kind}");
        let tags = rig.sim.user_tags(&user);
        assert_eq!(tags.get(&tag_key(kind)), Some(&secret), "{kind}: {tags:?}");
        assert_eq!(tags.get("team").map(String::as_str), Some("payments"));
        let credential = line["credentialId"].as_str().unwrap();
        if kind != CredentialKind::ConsolePassword {
            assert!(checks::iam_credentials(&rig.sim, kind, &user).contains(credential), "{kind}");
        }
        // And a second run with the same name finds it and writes nothing.
        rig.sim.clear_journal();
        let again = enroll(&rig.rotator, &args(&rig, kind, &user, &name), Duration::from_secs(30)).await.unwrap();
        assert_eq!(again, line, "{kind}");
        let writes: Vec<String> = rig.sim.journal().iter().filter(|j| j.write).map(|j| j.operation.clone()).collect();
        assert!(writes.is_empty(), "{kind}: {writes:?}");
    }
}

#[tokio::test]
async fn a_failure_after_the_credential_was_created_deletes_it_again() {
    let rig = sim_rig(opts()).await;
    for kind in [CredentialKind::ApiKey, CredentialKind::AuthToken, CredentialKind::CustomerSecretKey] {
        // Given: Vault refuses to create the secret, however often it is asked.
        let user = rig.sim.create_user(&format!("enroll-fail-{}", kind.as_str().to_ascii_lowercase()));
        for nth in 1..=6 {
            rig.sim.inject(Fault {
                nth,
                method: Some("POST".to_owned()),
                path_contains: Some("/20180608/secrets".to_owned()),
                kind: FaultKind::Status500,
            });
        }
        // When
        let err = enroll(&rig.rotator, &args(&rig, kind, &user, "doomed"), Duration::from_secs(30)).await.unwrap_err();
        rig.sim.clear_faults();
        // Then: it says what was undone, and IAM holds nothing new for the user.
        assert!(err.contains("deleted again"), "{kind}: {err}");
        assert!(checks::iam_credentials(&rig.sim, kind, &user).is_empty(), "{kind}: a credential leaked");
    }
}

#[tokio::test]
async fn a_dry_run_prints_the_plan_and_writes_nothing() {
    let rig = sim_rig(opts()).await;
    let user = rig.sim.create_user("enroll-dry");
    rig.sim.clear_journal();
    let mut a = args(&rig, CredentialKind::AuthToken, &user, "dry");
    a.dry_run = true;
    let plan = enroll(&rig.rotator, &a, Duration::from_secs(30)).await.unwrap();
    assert_eq!(plan["dryRun"], true);
    assert!(plan["plan"].as_array().is_some_and(|p| p.len() >= 5), "{plan}");
    assert!(rig.sim.journal().iter().all(|j| !j.write));
}

#[tokio::test]
async fn a_user_of_another_identity_domain_is_enrolled_through_the_domain() {
    let rig = sim_rig(opts()).await;
    let user = rig.sim.create_domain_user(&rig.seeded.domain_id, "enroll-domain-user");
    let mut a = args(&rig, CredentialKind::AuthToken, &user, "svc-domain-token");
    a.domain_id = Some(rig.seeded.domain_id.clone());
    let line = enroll(&rig.rotator, &a, Duration::from_secs(30)).await.unwrap();
    let secret = line["secretId"].as_str().unwrap().to_owned();
    assert!(checks::current_is_live(&rig.sim, &secret, CredentialKind::AuthToken, &user).is_empty());
    assert_eq!(rig.sim.user_tags(&user).get(&tag_key(CredentialKind::AuthToken)), Some(&secret));
    assert!(rig.sim.journal().iter().all(|j| !(j.write && j.path.starts_with("/20160918/users"))), "no classic write");
}
