//! `oci-rotator adopt` against the simulator: the raw secrets of Oracle's tutorial function (a bare
//! PEM key, a bare auth token, an access key id with its secret key in a second secret, a bare
//! password) become the contract's form as a new CURRENT version, the user is bound, the function
//! then rotates them, and a second run writes nothing.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use oci_rotator::binding::tag_key;
use oci_rotator::driver::Driver;
use oci_rotator::onboard::adopt::{adopt, Adoption};
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::sim::checks;
use oci_rotator::sim::SimOptions;
use serde_json::json;

use crate::helpers::sim::*;

fn opts() -> SimOptions {
    SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }
}

/// A secret whose version 1 holds `raw` as it is (not JSON), as the tutorial writes it.
async fn raw_secret(rig: &SimRig, name: &str, raw: &str) -> String {
    let details = json!({"compartmentId": rig.sim.compartment_id(), "vaultId": rig.sim.vault_id(), "keyId": rig.sim.key_id(),
        "secretName": name, "secretContent": {"contentType": "BASE64", "content": B64.encode(raw)}});
    rig.rotator.client().create_secret(&details).await.unwrap().secret.id
}

fn args(kind: CredentialKind, secret_id: &str, user_id: &str) -> Adoption {
    Adoption { secret_id: secret_id.to_owned(), kind, user_id: user_id.to_owned(), credential_id: None, secret_key_secret_id: None }
}

async fn adopted_then_rotated(rig: &SimRig, kind: CredentialKind, a: &Adoption) {
    // When
    let line = adopt(&rig.rotator, a, Duration::from_secs(30)).await.unwrap();
    // Then: a new CURRENT version in the contract's form, live; the user bound.
    assert_eq!(line["rewritten"], true, "{kind}: {line}");
    assert_eq!(line["versionNo"], 2, "{kind}: {line}");
    assert!(checks::current_is_live(&rig.sim, &a.secret_id, kind, &a.user_id).is_empty(), "{kind}");
    assert_eq!(rig.sim.user_tags(&a.user_id).get(&tag_key(kind)), Some(&a.secret_id));
    // And a second run finds everything in place: nothing written.
    rig.sim.clear_journal();
    let again = adopt(&rig.rotator, a, Duration::from_secs(30)).await.unwrap();
    assert_eq!(again["rewritten"], false, "{kind}: {again}");
    assert!(rig.sim.journal().iter().all(|j| !j.write), "{kind}: a second adopt wrote");
    // And the function rotates the adopted secret.
    let unmanaged = checks::iam_credentials(&rig.sim, kind, &a.user_id)
        .difference(&rig.sim.secret_versions(&a.secret_id).iter().filter_map(|v| checks::credential_of(kind, &v.content)).collect())
        .cloned()
        .collect();
    let driver = Driver { attempts_per_step: 2, retry_wait: Duration::from_millis(10) };
    let answers = driver.rotate(&rig.transport(Duration::from_secs(30)), &a.secret_id, &mut |_| {}).await;
    assert!(completed(&answers), "{kind}: {answers:?}");
    let problems = checks::after_rotation(&rig.sim, &a.secret_id, kind, &a.user_id, PreviousCredential::KeepUntilNextRotation, &unmanaged);
    assert!(problems.is_empty(), "{kind}: {problems:?}");
}

#[tokio::test]
async fn a_bare_pem_key_is_adopted_and_rotated() {
    let rig = sim_rig(opts()).await;
    let user = rig.sim.create_user("tutorial-api-key");
    let key = oci_rotator::keys::generate(2048).unwrap();
    rig.sim.upload_api_key(&user, &key.public_pem).unwrap();
    let secret = raw_secret(&rig, "tutorial-pem", key.private_pem.as_str()).await;
    adopted_then_rotated(&rig, CredentialKind::ApiKey, &args(CredentialKind::ApiKey, &secret, &user)).await;
}

#[tokio::test]
async fn a_bare_auth_token_is_adopted_with_the_users_only_token_or_the_one_named() {
    let rig = sim_rig(opts()).await;
    // The user's only token: found by itself.
    let user = rig.sim.create_user("tutorial-token");
    let (_, token) = rig.sim.create_auth_token(&user, "made by the tutorial").unwrap();
    let secret = raw_secret(&rig, "tutorial-token", &token).await;
    adopted_then_rotated(&rig, CredentialKind::AuthToken, &args(CredentialKind::AuthToken, &secret, &user)).await;

    // Two tokens: a clear error naming both, until --credential-id names one.
    let user = rig.sim.create_user("tutorial-two-tokens");
    let (first, token) = rig.sim.create_auth_token(&user, "first").unwrap();
    let (second, _) = rig.sim.create_auth_token(&user, "second").unwrap();
    let secret = raw_secret(&rig, "tutorial-two-tokens", &token).await;
    let err = adopt(&rig.rotator, &args(CredentialKind::AuthToken, &secret, &user), Duration::from_secs(30)).await.unwrap_err();
    assert!(err.contains(&first) && err.contains(&second) && err.contains("--credential-id"), "{err}");
    let mut a = args(CredentialKind::AuthToken, &secret, &user);
    a.credential_id = Some(first.clone());
    let line = adopt(&rig.rotator, &a, Duration::from_secs(30)).await.unwrap();
    assert_eq!(line["rewritten"], true);
    let current = rig.sim.secret_versions(&secret).into_iter().find(|v| v.stages.iter().any(|s| s == "CURRENT")).unwrap();
    assert_eq!(current.content["authTokenId"], first.as_str());
}

#[tokio::test]
async fn an_access_key_id_and_its_secret_key_in_a_second_secret_are_adopted() {
    let rig = sim_rig(opts()).await;
    let user = rig.sim.create_user("tutorial-csk");
    let (access_key, secret_key) = rig.sim.create_customer_secret_key(&user, "made by the tutorial").unwrap();
    let secret = raw_secret(&rig, "tutorial-csk-id", &access_key).await;
    let other = raw_secret(&rig, "tutorial-csk-secret", &secret_key).await;
    let mut a = args(CredentialKind::CustomerSecretKey, &secret, &user);
    a.secret_key_secret_id = Some(other);
    adopted_then_rotated(&rig, CredentialKind::CustomerSecretKey, &a).await;
}

#[tokio::test]
async fn a_secret_already_in_form_is_kept_and_only_bound() {
    let rig = sim_rig(opts()).await;
    let kind = CredentialKind::AuthToken;
    let (secret, user) = (rig.secret(kind), rig.user(kind));
    rig.sim.set_user_tags(&user, Default::default()).unwrap();
    let line = adopt(&rig.rotator, &args(kind, &secret, &user), Duration::from_secs(30)).await.unwrap();
    assert_eq!(line["rewritten"], false, "{line}");
    assert_eq!(rig.sim.current_version(&secret), Some(1));
    assert_eq!(rig.sim.user_tags(&user).get(&tag_key(kind)), Some(&secret));
}

#[tokio::test]
async fn the_binary_refuses_a_pem_key_iam_does_not_hold_and_writes_nothing() {
    // Given: a user holding one API key, and a secret holding a bare PEM key IAM does not hold.
    let rig = sim_rig(opts()).await;
    let user = rig.sim.create_user("tutorial-stray-key");
    let held = oci_rotator::keys::generate(2048).unwrap();
    rig.sim.upload_api_key(&user, &held.public_pem).unwrap();
    let stray = oci_rotator::keys::generate(2048).unwrap();
    let secret = raw_secret(&rig, "tutorial-stray-pem", stray.private_pem.as_str()).await;
    let tags = rig.sim.user_tags(&user);
    rig.sim.clear_journal();
    // When
    let (code, stdout, stderr) = run_cli(&rig, &["adopt", "--secret-id", &secret, "--kind", "API_KEY", "--user-id", &user]).await;
    // Then: exit 1 naming the user and the key's fingerprint; no Vault write, no tag.
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains(&user) && stderr.contains(&stray.fingerprint) && stderr.contains("refusing to adopt"), "{stderr}");
    assert_eq!(writes(&rig), Vec::<String>::new());
    assert_eq!(rig.sim.current_version(&secret), Some(1));
    assert_eq!(rig.sim.user_tags(&user), tags);

    // And the key the user holds is adopted by the same command.
    let secret = raw_secret(&rig, "tutorial-held-pem", held.private_pem.as_str()).await;
    let (code, stdout, stderr) = run_cli(&rig, &["adopt", "--secret-id", &secret, "--kind", "API_KEY", "--user-id", &user]).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&stdout).unwrap()["rewritten"], true, "{stdout}");
}

#[tokio::test]
async fn every_kind_is_refused_when_iam_does_not_hold_the_credential_for_the_user() {
    let rig = sim_rig(opts()).await;
    let other = rig.sim.create_user("tutorial-other-user");
    let user = rig.sim.create_user("tutorial-adopter");
    // Given, per kind, a secret whose credential the user does not hold in IAM:
    let mut cases: Vec<(Adoption, String)> = Vec::new();
    // a token named by --credential-id that is another user's;
    let (token_id, token) = rig.sim.create_auth_token(&other, "the other user's").unwrap();
    rig.sim.create_auth_token(&user, "the user's own").unwrap();
    let mut a = args(CredentialKind::AuthToken, &raw_secret(&rig, "stray-token", &token).await, &user);
    a.credential_id = Some(token_id.clone());
    cases.push((a, token_id));
    // another user's access key id and secret key;
    let (access_key, secret_key) = rig.sim.create_customer_secret_key(&other, "the other user's").unwrap();
    let mut a = args(CredentialKind::CustomerSecretKey, &raw_secret(&rig, "stray-csk", &access_key).await, &user);
    a.secret_key_secret_id = Some(raw_secret(&rig, "stray-csk-secret", &secret_key).await);
    cases.push((a, access_key));
    // a password for a user who has none;
    cases.push((args(CredentialKind::ConsolePassword, &raw_secret(&rig, "stray-password", "Tutorial#Pass1").await, &user), user.clone()));
    // and the contract's form of the seeded secrets, whose credentials are their own users'.
    for kind in [CredentialKind::SmtpCredential, CredentialKind::OAuth2ClientCredential, CredentialKind::DbCredential] {
        let secret = rig.secret(kind);
        let id = checks::credential_of(kind, &rig.sim.secret_versions(&secret)[0].content).unwrap();
        cases.push((args(kind, &secret, &user), id));
    }
    for (a, named) in &cases {
        let (tags, versions) = (rig.sim.user_tags(&user), rig.sim.secret_versions(&a.secret_id).len());
        rig.sim.clear_journal();
        // When
        let err = adopt(&rig.rotator, a, Duration::from_secs(30)).await.unwrap_err();
        // Then: refused, naming the user and the credential; nothing written.
        assert!(err.contains("refusing to adopt") && err.contains(&user) && err.contains(named.as_str()), "{}: {err}", a.kind);
        assert_eq!(writes(&rig), Vec::<String>::new(), "{}", a.kind);
        assert_eq!((rig.sim.user_tags(&user), rig.sim.secret_versions(&a.secret_id).len()), (tags, versions), "{}", a.kind);
    }
}

#[tokio::test]
async fn json_gives_one_line_per_thing_checked_done_or_kept_and_ends_with_the_summary() {
    // Given: the tutorial's bare auth token, the user's only one.
    let rig = sim_rig(opts()).await;
    let user = rig.sim.create_user("tutorial-json");
    let (token_id, token) = rig.sim.create_auth_token(&user, "made by the tutorial").unwrap();
    let secret = raw_secret(&rig, "tutorial-json", &token).await;
    let adopt_json = ["adopt", "--secret-id", &secret, "--kind", "AUTH_TOKEN", "--user-id", &user, "--json"];
    // When
    let (code, stdout, stderr) = run_cli(&rig, &adopt_json).await;
    // Then: every line is a JSON object: the credential checked, the secret rewritten, the
    // binding added, no rotation configuration, then the summary; no token on stdout.
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    let said: Vec<String> = lines.iter().map(|l| format!("{} {}", l["event"], l["action"])).collect();
    assert_eq!(
        said,
        [r#""credential" "checked""#, r#""secret" "rewritten""#, r#""binding" "added""#, r#""rotationConfig" "none""#, r#""summary" null"#],
        "{stdout}"
    );
    assert_eq!((lines[0]["credentialId"].as_str(), lines[1]["versionNo"].as_u64()), (Some(token_id.as_str()), Some(2)), "{stdout}");
    let summary = &lines[4];
    assert_eq!(
        (summary["rewritten"].as_bool(), &summary["changed"]),
        (Some(true), &json!(["content", "metadata", "binding"])),
        "{summary}"
    );
    assert!(!stdout.contains(&token), "the token reached stdout");
    // And a second run keeps all of it.
    let (code, stdout, _) = run_cli(&rig, &adopt_json).await;
    assert_eq!(code, 0, "{stdout}");
    let actions: Vec<String> =
        stdout.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["action"].to_string()).collect();
    assert_eq!(actions, [r#""checked""#, r#""kept""#, r#""kept""#, r#""none""#, "null"], "{stdout}");
}
