//! End-to-end rotations against the embedded OCI simulator (real version stages, IAM limits,
//! one-time secrets, signature checks on every request): all four kinds, two rotations in a row,
//! DELETE_ON_PROMOTE, concurrent rotations, `rotate --dry-run` writing nothing, and an identity
//! domain or domain user that does not exist refused (404) before any write, for every kind.

use std::time::Duration;

use oci_rotator::driver::{Driver, HttpTransport};
use oci_rotator::protocol::Step;
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::server::{self, AppState};
use oci_rotator::sim::checks;
use oci_rotator::sim::SimOptions;

use crate::helpers::sim::*;

fn driver() -> Driver {
    Driver { attempts_per_step: 3, retry_wait: Duration::from_millis(20) }
}

fn fast() -> SimOptions {
    SimOptions { updating_ms: 20, key_propagation_ms: 50, ..Default::default() }
}

#[tokio::test]
async fn every_kind_rotates_twice_and_meets_the_contract_each_time() {
    // Arrange
    let rig = sim_rig(fast()).await;
    for kind in CredentialKind::ALL {
        let unmanaged = rig.unmanaged(kind);
        let first_credential = checks::credential_of(kind, &rig.sim.secret_versions(&rig.secret(kind))[0].content);
        for round in 1..=2 {
            // Act
            let answers = rig.rotate(kind, &driver(), Duration::from_secs(30)).await;
            // Assert
            assert!(completed(&answers), "{kind} round {round}: {answers:?}");
            let problems = rig.violations(kind, PreviousCredential::KeepUntilNextRotation, &unmanaged);
            assert!(problems.is_empty(), "{kind} round {round}: {problems:?}");
        }
        assert_logs_hold_none_of(&rig.secret_values());
        // The first credential survived rotation one and was deleted in rotation two.
        if kind != CredentialKind::ConsolePassword {
            let iam = checks::iam_credentials(&rig.sim, kind, &rig.user(kind));
            assert!(!iam.contains(first_credential.as_ref().unwrap()), "{kind}: the credential two rotations old is gone");
        }
    }
}

#[tokio::test]
async fn every_step_replayed_after_success_changes_nothing() {
    let rig = sim_rig(fast()).await;
    let transport = rig.transport(Duration::from_secs(30));
    for kind in CredentialKind::ALL {
        let secret = rig.secret(kind);
        let mut current = None;
        let mut pending = None;
        for step in Step::ALL {
            let version = if step == Step::PromotePendingVersion { pending } else { current };
            let first = driver().step(&transport, step, &secret, version, &mut |_| {}).await;
            assert_eq!(first.response_code, 200, "{kind} {step}: {}", first.return_message);
            let before = (rig.sim.secret_versions(&secret).len(), checks::iam_credentials(&rig.sim, kind, &rig.user(kind)));
            let replay = driver().step(&transport, step, &secret, version, &mut |_| {}).await;
            assert_eq!(replay.response_code, 200, "{kind} {step} replayed: {}", replay.return_message);
            assert_eq!(replay.current_version_no, first.current_version_no, "{kind} {step}");
            let after = (rig.sim.secret_versions(&secret).len(), checks::iam_credentials(&rig.sim, kind, &rig.user(kind)));
            assert_eq!(before, after, "{kind} {step}: a replay changed Vault or IAM");
            match step {
                Step::VerifyConnection => current = first.current_version_no,
                Step::UpdateTargetSystem => pending = first.current_version_no,
                _ => {}
            }
        }
    }
}

#[tokio::test]
async fn delete_on_promote_deletes_the_superseded_credential_at_once() {
    let rig = sim_rig(fast()).await;
    for kind in [CredentialKind::ApiKey, CredentialKind::AuthToken, CredentialKind::CustomerSecretKey] {
        let secret = rig.secret(kind);
        rig.sim.set_metadata(
            &secret,
            serde_json::json!({"credentialType": kind.as_str(), "userId": rig.user(kind), "previousCredential": "DELETE_ON_PROMOTE"}),
        );
        let unmanaged = rig.rotate_cleanly(kind, &driver(), PreviousCredential::DeleteOnPromote).await;
        let managed: Vec<String> = checks::iam_credentials(&rig.sim, kind, &rig.user(kind)).difference(&unmanaged).cloned().collect();
        assert_eq!(managed.len(), 1, "{kind}: only the CURRENT credential remains");
    }
}

#[tokio::test]
async fn two_concurrent_rotations_of_one_secret_leave_the_contract_holding() {
    let rig = sim_rig(fast()).await;
    for kind in CredentialKind::ALL {
        let unmanaged = rig.unmanaged(kind);
        let d = driver();
        let (a, b) = tokio::join!(rig.rotate(kind, &d, Duration::from_secs(30)), rig.rotate(kind, &d, Duration::from_secs(30)));
        assert!(completed(&a) || completed(&b), "{kind}: at least one rotation completes: {a:?} {b:?}");
        // Whatever the loser left behind, one more rotation (Vault's next attempt) converges.
        let again = rig.rotate(kind, &driver(), Duration::from_secs(30)).await;
        assert!(completed(&again), "{kind}: {again:?}");
        let problems = rig.violations(kind, PreviousCredential::KeepUntilNextRotation, &unmanaged);
        assert!(problems.is_empty(), "{kind}: {problems:?}");
    }
}

#[tokio::test]
async fn many_secrets_rotate_concurrently_through_one_server_without_cross_talk() {
    let rig = sim_rig(fast()).await;
    let app = server::router(AppState::new(rig.rotator.clone(), Duration::from_secs(30)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let transport = HttpTransport::new(base, Duration::from_secs(30));
    let unmanaged: Vec<_> = CredentialKind::ALL.iter().map(|k| rig.unmanaged(*k)).collect();
    let rotations = CredentialKind::ALL.map(|kind| {
        let (transport, secret) = (&transport, rig.secret(kind));
        async move { (kind, driver().rotate(transport, &secret, &mut |_| {}).await) }
    });
    let results = futures_util::future::join_all(rotations).await;
    for ((kind, answers), unmanaged) in results.into_iter().zip(unmanaged) {
        assert!(completed(&answers), "{kind}: {answers:?}");
        for (_, out) in &answers {
            assert!(
                !out.return_message.contains("ocid1.vaultsecret")
                    || out.return_message.contains(&rig.secret(kind))
                    || out.response_code == 200
            );
        }
        let problems = rig.violations(kind, PreviousCredential::KeepUntilNextRotation, &unmanaged);
        assert!(problems.is_empty(), "{kind}: {problems:?}");
    }
}

#[tokio::test]
async fn rotate_dry_run_writes_nothing() {
    // Arrange: the binary, as an administrator with an API-key profile, against the simulator.
    let rig = sim_rig(fast()).await;
    let dir = std::env::temp_dir().join(format!("dry-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let admin = rig.sim.create_admin();
    let config = dir.join("config");
    admin.write_oci_config(&config, &dir.join("admin.pem")).unwrap();
    for kind in CredentialKind::ALL {
        rig.sim.clear_journal();
        // Act
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
            .args(["rotate", "--secret-id", &rig.secret(kind), "--dry-run"])
            .env_clear()
            .env("OCI_CLI_CONFIG_FILE", &config)
            .env("OCI_ROTATOR_VAULT_ENDPOINT", &rig.endpoint)
            .env("OCI_ROTATOR_SECRETS_ENDPOINT", &rig.endpoint)
            .env("OCI_ROTATOR_IDENTITY_ENDPOINT", &rig.endpoint)
            .output()
            .await
            .unwrap();
        // Assert
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{kind}: {stdout} {}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("VERIFY_CONNECTION") && stdout.contains("dry run: nothing was written"), "{stdout}");
        // And: nothing on stderr (issue 20: no "UpdateSecret failed" warning for the write it skipped).
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.is_empty(), "{kind}: {stderr}");
        let journal = rig.sim.journal();
        assert!(!journal.is_empty(), "the dry run read from OCI");
        assert!(
            journal.iter().all(|j| !j.write),
            "{kind}: the dry run wrote: {:?}",
            journal.iter().filter(|j| j.write).map(|j| &j.path).collect::<Vec<_>>()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn an_api_key_secret_with_vault_auto_generation_rotates_without_the_function_making_keys() {
    // Given: an API-key secret whose new content Vault generates (SSH_KEY, RSA_2048, a template
    // without a fingerprint field).
    let rig = sim_rig(fast()).await;
    let user = rig.sim.create_user("autogen-user");
    let key = oci_rotator::keys::generate(2048).unwrap();
    rig.sim.upload_api_key(&user, &key.public_pem).unwrap();
    let template = r#"{"privateKey":"%GENERATED_PRIVATE_KEY%","publicKey":"%GENERATED_PUBLIC_KEY%","region":"us-ashburn-1"}"#;
    let secret = rig.sim.create_secret(
        "autogen",
        serde_json::json!({"credentialType": "API_KEY", "userId": user}),
        &serde_json::json!({"privateKey": key.private_pem.as_str(), "publicKey": key.public_pem}),
        Some(oci_rotator::sim::AutoGen::ssh_key("RSA_2048", Some(template))),
    );
    rig.sim.bind_user(&user, CredentialKind::ApiKey, &secret).unwrap();
    // When
    let answers = driver().rotate(&rig.transport(Duration::from_secs(30)), &secret, &mut |_| {}).await;
    // Then: the CURRENT version holds Vault's key, live in IAM; the old key is kept as PREVIOUS.
    assert!(completed(&answers), "{answers:?}");
    let versions = rig.sim.secret_versions(&secret);
    let current = versions.iter().find(|v| v.stages.iter().any(|s| s == "CURRENT")).unwrap();
    assert_ne!(current.content["privateKey"].as_str(), Some(key.private_pem.as_str()));
    let fingerprint = checks::credential_of(CredentialKind::ApiKey, &current.content).unwrap();
    let iam: Vec<String> = rig.sim.api_keys(&user).into_iter().map(|k| k.fingerprint).collect();
    assert!(iam.contains(&fingerprint) && iam.contains(&key.fingerprint), "{iam:?}");
}

#[tokio::test]
async fn an_api_key_secret_holding_a_key_under_2048_bits_is_refused_with_a_400_and_nothing_is_written() {
    // Given: an API-key secret whose CURRENT content is a 1024-bit private key (IAM would refuse
    // its public half; ring refuses to sign with it).
    use rsa::pkcs8::{EncodePrivateKey as _, LineEnding};
    let rig = sim_rig(fast()).await;
    let user = rig.sim.create_user("short-key-user");
    let short = rsa::PrivateKey::new(&mut rand::rng(), 1024).unwrap().to_pkcs8_pem(LineEnding::LF).unwrap();
    let secret = rig.sim.create_secret(
        "short-key",
        serde_json::json!({"credentialType": "API_KEY", "userId": user}),
        &serde_json::json!({"privateKey": short.as_str()}),
        None,
    );
    rig.sim.clear_journal();
    // When: Vault runs the rotation.
    let answers = driver().rotate(&rig.transport(Duration::from_secs(30)), &secret, &mut |_| {}).await;
    // Then: VERIFY_CONNECTION answers 400 with the reason, the rotation stops, nothing is written.
    assert_eq!(answers.len(), 1, "{answers:?}");
    let (step, out) = &answers[0];
    assert_eq!((*step, out.response_code), (Step::VerifyConnection, 400), "{}", out.return_message);
    assert!(out.return_message.contains("privateKey: the RSA key is 1024 bits; at least 2048 are required"), "{}", out.return_message);
    // The one write of a refused step: its record on the secret (contract 6, point 8).
    assert!(rig.sim.journal().iter().all(|j| !j.write || j.tags_only), "{:?}", rig.sim.journal());
    assert!(rig.sim.api_keys(&user).is_empty());
    assert_eq!(rig.sim.secret_versions(&secret).len(), 1);
}

#[tokio::test]
async fn every_kind_of_a_user_of_another_identity_domain_rotates_twice_through_the_domain_api() {
    // Given: the seeded SECONDARY domain's users, one secret per kind with `domainId`.
    let rig = sim_rig(fast()).await.in_domain();
    for kind in CredentialKind::ALL {
        let unmanaged = rig.unmanaged(kind);
        rig.sim.clear_journal();
        for round in 1..=2 {
            // When
            let answers = rig.rotate(kind, &driver(), Duration::from_secs(30)).await;
            // Then
            assert!(completed(&answers), "{kind} round {round}: {answers:?}");
            let problems = rig.violations(kind, PreviousCredential::KeepUntilNextRotation, &unmanaged);
            assert!(problems.is_empty(), "{kind} round {round}: {problems:?}");
        }
        // Nothing went through the classic API's users: the domain's REST API did it all.
        let classic: Vec<String> = rig
            .sim
            .journal()
            .iter()
            .filter(|j| j.path.starts_with("/20160918/users"))
            .map(|j| format!("{} {}", j.method, j.path))
            .collect();
        assert!(classic.is_empty(), "{kind}: {classic:?}");
        assert!(rig.sim.journal().iter().any(|j| j.write && j.path.contains("/admin/v1/")), "{kind}: the domain API wrote");
    }
    assert_logs_hold_none_of(&rig.secret_values());
}

#[tokio::test]
async fn a_console_password_in_a_tenancy_without_identity_domains_is_reset_with_the_classic_api() {
    // Given: a legacy tenancy (ListDomains answers nothing).
    let rig = sim_rig(SimOptions { identity_domains: false, ..fast() }).await;
    let kind = CredentialKind::ConsolePassword;
    rig.sim.clear_journal();
    // When Vault rotates it, then the rotation completes and meets the contract.
    rig.rotate_cleanly(kind, &driver(), PreviousCredential::KeepUntilNextRotation).await;
    // And: IAM's one-time password, through CreateOrResetUIPassword.
    let ops: Vec<String> = rig.sim.journal().iter().filter(|j| j.write).map(|j| j.operation.clone()).collect();
    assert!(ops.iter().any(|o| o == "CreateOrResetUIPassword"), "{ops:?}");
}

#[tokio::test]
async fn a_console_password_in_a_tenancy_with_identity_domains_is_never_reset_with_the_classic_api() {
    // Given: the seeded tenancy has identity domains; the CONSOLE_PASSWORD user is a classic one.
    let rig = sim_rig(fast()).await;
    let kind = CredentialKind::ConsolePassword;
    rig.sim.clear_journal();
    // When Vault rotates it, then the rotation completes and meets the contract.
    rig.rotate_cleanly(kind, &driver(), PreviousCredential::KeepUntilNextRotation).await;
    // And: the Default domain's UserPasswordChanger set it; the classic reset was never called.
    let journal = rig.sim.journal();
    assert!(journal.iter().all(|j| j.operation != "CreateOrResetUIPassword"));
    assert!(
        journal.iter().any(|j| j.write && j.path.contains("/admin/v1/UserPasswordChanger/")),
        "{:?}",
        journal.iter().map(|j| &j.operation).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn with_a_domain_that_does_not_exist_or_a_user_not_in_it_create_is_a_404_and_writes_nothing() {
    // Given: the seeded identity-domain secrets of every kind, and a user the SECONDARY domain does
    // not list (a Default-domain user).
    let rig = sim_rig(fast()).await.in_domain();
    let stranger = rig.sim.create_user("stranger");
    let transport = rig.transport(Duration::from_secs(30));
    for kind in CredentialKind::ALL {
        let secret = rig.secret(kind);
        let cases = [
            ("domain", rig.user(kind), "ocid1.domain.oc1..aaaaaaaanosuchdomain".to_owned()),
            ("user", stranger.clone(), rig.seeded.domain_id.clone()),
        ];
        for (missing, user, domain_id) in cases {
            rig.sim.set_metadata(&secret, serde_json::json!({"credentialType": kind.as_str(), "userId": user, "domainId": domain_id}));
            let versions_before = rig.sim.secret_versions(&secret);
            let current = versions_before.iter().find(|v| v.stages.iter().any(|s| s == "CURRENT")).map(|v| v.version_number);
            rig.sim.clear_journal();
            // When
            let out = driver().step(&transport, Step::CreatePendingVersion, &secret, current, &mut |_| {}).await;
            // Then: 404 naming what is missing, no new version, and no write to Vault or IAM.
            assert_eq!(out.response_code, 404, "{kind} {missing}: {}", out.return_message);
            let named = if missing == "domain" { domain_id.as_str() } else { user.as_str() };
            assert!(out.return_message.contains(named), "{kind} {missing}: {}", out.return_message);
            assert_eq!(rig.sim.secret_versions(&secret).len(), versions_before.len(), "{kind} {missing}: no PENDING version");
            let writes: Vec<String> =
                rig.sim.journal().into_iter().filter(|j| j.write && !j.tags_only).map(|j| format!("{} {}", j.method, j.path)).collect();
            assert_eq!(writes, Vec::<String>::new(), "{kind} {missing}: only the step's record may be written");
        }
    }
}
