//! `oci-rotator status` against the simulator: every managed secret listed once with its kind,
//! user and state; a failed rotation; unmanaged credentials, stale only past `--older-than`;
//! compartments and `--subtree`; the JSON document and the exit status of the real binary; and
//! OCI calls per secret that do not grow with the fleet.

use std::collections::BTreeMap;
use std::time::Duration;

use oci_rotator::binding::tag_key;
use oci_rotator::cli::status::{status, StatusArgs};
use oci_rotator::cli::CommandError;
use oci_rotator::driver::Driver;
use oci_rotator::fleet::Report;
use oci_rotator::last_outcome::{OutcomeResult, TAG_KEY};
use oci_rotator::protocol::Step;
use oci_rotator::secret::CredentialKind;
use oci_rotator::sim::{ApiFamily, FleetMember, SimOptions, Throttle, CONSOLE_PASSWORD_ID, FLEET_FUNCTION_ID};
use serde_json::Value;

use crate::helpers::sim::*;

const DAY: Duration = Duration::from_secs(86400);

fn opts() -> SimOptions {
    SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }
}

/// The status options these flows use: one compartment, JSON, 90 days, 8 at a time (also `pause`'s flows).
pub(super) fn args(compartment_id: &str) -> StatusArgs {
    StatusArgs {
        compartment_id: compartment_id.to_owned(),
        subtree: false,
        older_than: 90 * DAY,
        json: true,
        wide: false,
        concurrency: 8,
        timeout: Duration::from_secs(600),
        allow_unbound: false,
    }
}

async fn report(rig: &SimRig, a: &StatusArgs) -> Report {
    status(rig.rotator.client(), a, &mut |_| {}).await.unwrap()
}

/// A compartment of its own, so the demo secrets the rig seeds are not in view.
fn compartment(rig: &SimRig, name: &str) -> String {
    rig.sim.create_compartment(&rig.sim.tenancy_id(), name).unwrap()
}

fn by_id(r: &Report) -> BTreeMap<&str, &oci_rotator::fleet::SecretStatus> {
    r.secrets.iter().map(|s| (s.secret_id.as_str(), s)).collect()
}

#[tokio::test]
async fn every_managed_secret_is_listed_once_with_its_kind_user_and_state() {
    // Given: a fleet of every kind in a compartment of its own, beside a secret that is not managed.
    let rig = sim_rig(opts()).await;
    let c = compartment(&rig, "fleet");
    let fleet = rig.sim.seed_fleet(12, &c, &[]);
    let details = serde_json::json!({"compartmentId": c, "vaultId": rig.sim.vault_id(), "keyId": rig.sim.key_id(), "secretName": "plain",
        "secretContent": {"contentType": "BASE64", "content": "bm90IGEgY3JlZGVudGlhbA=="}});
    rig.rotator.client().create_secret(&details).await.unwrap();
    // When
    let r = report(&rig, &args(&c)).await;
    // Then: each secret once, right kind, user, version, bound, function; nothing failed or unmanaged.
    assert_eq!(r.secrets.len(), fleet.len(), "{:?}", r.secrets.iter().map(|s| &s.secret_id).collect::<Vec<_>>());
    let listed = by_id(&r);
    assert_eq!(listed.len(), fleet.len(), "a secret listed twice");
    for m in &fleet {
        let s = listed[m.secret_id.as_str()];
        assert_eq!(s.credential_type, m.kind.as_str());
        assert_eq!(s.user_id.as_deref(), Some(m.user_id.as_str()));
        assert_eq!(s.current_version_number, Some(1));
        assert_eq!(s.current_version_age_days, Some(0));
        assert_eq!(s.rotation_status.as_deref(), Some("SCHEDULED"));
        assert!(s.targets_function && s.function_id.as_deref() == Some(FLEET_FUNCTION_ID), "{s:?}");
        assert_eq!(s.bound, Some(true), "{s:?}");
        assert!(!s.failed, "{s:?}");
        let expected_credential = (m.kind != CredentialKind::ConsolePassword).then(|| m.credential_id.clone());
        assert_eq!(s.credential_id, expected_credential, "{s:?}");
    }
    assert!(r.unmanaged.is_empty(), "{:?}", r.unmanaged);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.other_secrets, 1, "the plain secret is counted, not listed");
    assert!(r.healthy());
    assert_eq!(r.json()["summary"]["secrets"], fleet.len());
}

/// The fleet member of `kind`.
fn member(fleet: &[FleetMember], kind: CredentialKind) -> &FleetMember {
    fleet.iter().find(|m| m.kind == kind).unwrap()
}

#[tokio::test]
async fn failed_rotations_unbound_users_and_stale_unmanaged_credentials_are_flagged() {
    // Given: one secret per kind; a rotation that failed; an unbound user; an old API key and a
    // newer auth token that no secret manages; and a CURRENT credential made long ago (managed).
    let rig = sim_rig(opts()).await;
    let c = compartment(&rig, "fleet");
    let fleet = rig.sim.seed_fleet(4, &c, &CredentialKind::ALL);
    let (api, token, csk, password) = (
        member(&fleet, CredentialKind::ApiKey),
        member(&fleet, CredentialKind::AuthToken),
        member(&fleet, CredentialKind::CustomerSecretKey),
        member(&fleet, CredentialKind::ConsolePassword),
    );
    rig.sim.fail_rotation(&csk.secret_id).unwrap();
    rig.sim.set_user_tags(&password.user_id, BTreeMap::new()).unwrap();
    let old_key = oci_rotator::keys::generate(2048).unwrap();
    let old = rig.sim.upload_api_key(&api.user_id, &old_key.public_pem).unwrap();
    rig.sim.backdate_credential(&api.user_id, &old, 200 * DAY).unwrap();
    let (newer, _) = rig.sim.create_auth_token(&token.user_id, "made by hand").unwrap();
    rig.sim.backdate_credential(&token.user_id, &newer, 30 * DAY).unwrap();
    rig.sim.backdate_credential(&api.user_id, &api.credential_id, 200 * DAY).unwrap();
    rig.sim.backdate_credential(&password.user_id, CONSOLE_PASSWORD_ID, 200 * DAY).unwrap();
    rig.sim.backdate_secret(&api.secret_id, 120 * DAY).unwrap();
    // When
    let r = report(&rig, &args(&c)).await;
    // Then: exactly the secret whose rotation failed is failed, with the PENDING version named.
    let failed: Vec<&str> = r.secrets.iter().filter(|s| s.failed).map(|s| s.secret_id.as_str()).collect();
    assert_eq!(failed, vec![csk.secret_id.as_str()], "{:?}", r.secrets);
    let listed = by_id(&r);
    assert!(listed[csk.secret_id.as_str()].problems.iter().any(|p| p.contains("version 2 is still PENDING")), "{:?}", r.secrets);
    // And the unbound user is shown, the CURRENT version's age counted.
    assert_eq!(listed[password.secret_id.as_str()].bound, Some(false));
    assert_eq!(listed[api.secret_id.as_str()].current_version_age_days, Some(120));
    // And both unmanaged credentials are listed with their age, only the old one stale.
    let unmanaged: BTreeMap<&str, (i64, bool)> =
        r.unmanaged.iter().map(|u| (u.credential_id.as_str(), (u.age_days.unwrap(), u.stale))).collect();
    assert_eq!(unmanaged, BTreeMap::from([(old.as_str(), (200, true)), (newer.as_str(), (30, false))]), "{:?}", r.unmanaged);
    assert_eq!(r.unmanaged.iter().find(|u| u.credential_id == old).unwrap().user_id, api.user_id);
    assert!(!r.healthy());
    // And with a longer threshold nothing is stale (the failed secret still makes it unhealthy).
    let lenient = report(&rig, &StatusArgs { older_than: 365 * DAY, ..args(&c) }).await;
    assert_eq!((lenient.stale(), lenient.failed()), (0, 1));
}

#[tokio::test]
async fn smtp_oauth2_and_database_credentials_no_secret_manages_are_flagged_when_old() {
    // Given: a secret of each kind; beside the SMTP, OAuth 2.0 and database-password secrets, a
    // credential of the same kind that no secret manages (two old, one recent), and each managed
    // CURRENT credential made long ago.
    let rig = sim_rig(opts()).await;
    let c = compartment(&rig, "new-kinds");
    let fleet = rig.sim.seed_fleet(CredentialKind::ALL.len(), &c, &CredentialKind::ALL);
    let mut expected = BTreeMap::new();
    for (kind, age) in
        [(CredentialKind::SmtpCredential, 200), (CredentialKind::OAuth2ClientCredential, 30), (CredentialKind::DbCredential, 200)]
    {
        let m = member(&fleet, kind);
        let (extra, _) = rig.sim.create_credential(&m.user_id, kind, "made by hand").unwrap();
        rig.sim.backdate_credential(&m.user_id, &extra, age * DAY).unwrap();
        rig.sim.backdate_credential(&m.user_id, &m.credential_id, 200 * DAY).unwrap();
        expected.insert(extra, (kind.as_str().to_owned(), m.user_id.clone(), i64::from(age), age > 90));
    }
    // When
    let r = report(&rig, &args(&c)).await;
    // Then: every secret is listed once with its kind, none failed
    assert_eq!(r.secrets.len(), CredentialKind::ALL.len());
    for kind in CredentialKind::ALL {
        assert_eq!(r.secrets.iter().filter(|s| s.credential_type == kind.as_str()).count(), 1, "{kind}: {:?}", r.secrets);
    }
    assert_eq!(r.failed(), 0, "{:?}", r.secrets);
    // And exactly the three unmanaged credentials are listed, the two old ones stale
    let unmanaged: BTreeMap<String, (String, String, i64, bool)> = r
        .unmanaged
        .iter()
        .map(|u| (u.credential_id.clone(), (u.credential_type.clone(), u.user_id.clone(), u.age_days.unwrap(), u.stale)))
        .collect();
    assert_eq!(unmanaged, expected, "{:?}", r.unmanaged);
    assert_eq!(r.stale(), 2);
}

#[tokio::test]
async fn a_managed_previous_credential_is_not_unmanaged_and_a_deleted_current_one_is_a_failure() {
    // Given: an API-key secret rotated by the function (its PREVIOUS key kept in IAM), and an auth
    // token secret whose CURRENT token was deleted outside the rotation.
    let rig = sim_rig(opts()).await;
    let c = compartment(&rig, "fleet");
    let fleet = rig.sim.seed_fleet(2, &c, &[CredentialKind::ApiKey, CredentialKind::AuthToken]);
    let (api, token) = (&fleet[0], &fleet[1]);
    let driver = oci_rotator::driver::Driver { attempts_per_step: 2, retry_wait: Duration::from_millis(10) };
    let answers = driver.rotate(&rig.transport(Duration::from_secs(30)), &api.secret_id, &mut |_| {}).await;
    assert!(completed(&answers), "{answers:?}");
    assert_eq!(rig.sim.api_keys(&api.user_id).len(), 2, "the PREVIOUS key is kept until the next rotation");
    rig.rotator
        .client()
        .delete_credential(
            oci_rotator::oci::family::Family::AuthToken,
            &oci_rotator::binding::BoundUser::for_enrollment(&token.user_id),
            &token.credential_id,
        )
        .await
        .unwrap();
    // When
    let r = report(&rig, &args(&c)).await;
    // Then
    assert!(r.unmanaged.is_empty(), "the PREVIOUS key is managed: {:?}", r.unmanaged);
    let listed = by_id(&r);
    assert_eq!(listed[api.secret_id.as_str()].current_version_number, Some(2));
    assert!(!listed[api.secret_id.as_str()].failed, "{:?}", listed[api.secret_id.as_str()]);
    let t = listed[token.secret_id.as_str()];
    assert!(t.failed && t.problems.iter().any(|p| p.contains("is not in IAM")), "{t:?}");
}

#[tokio::test]
async fn subtree_includes_child_compartments_and_pages_through_them() {
    // Given: secrets in a compartment, its child and grandchild, and 120 sibling compartments (more
    // than one page of ListCompartments).
    let rig = sim_rig(opts()).await;
    let tenancy = rig.sim.tenancy_id();
    let parent = compartment(&rig, "parent");
    let child = rig.sim.create_compartment(&parent, "child").unwrap();
    let grandchild = rig.sim.create_compartment(&child, "grandchild").unwrap();
    for i in 0..120 {
        rig.sim.create_compartment(&parent, &format!("empty-{i}")).unwrap();
    }
    let a = rig.sim.seed_fleet(2, &parent, &[]);
    let b = rig.sim.seed_fleet(3, &child, &[]);
    let g = rig.sim.seed_fleet(1, &grandchild, &[]);
    // When / Then: the compartment alone, then with its subtree.
    assert_eq!(report(&rig, &args(&parent)).await.secrets.len(), a.len());
    let sub = report(&rig, &StatusArgs { subtree: true, ..args(&parent) }).await;
    assert_eq!(sub.secrets.len(), a.len() + b.len() + g.len());
    assert_eq!(sub.compartments.len(), 1 + 1 + 1 + 120);
    // And from the tenancy (one ListCompartments over the whole tree), the seeded demo secrets too.
    let all = report(&rig, &StatusArgs { subtree: true, ..args(&tenancy) }).await;
    for m in a.iter().chain(&b).chain(&g) {
        assert!(all.secrets.iter().any(|s| s.secret_id == m.secret_id), "{}", m.secret_id);
    }
    assert!(all.secrets.iter().any(|s| s.secret_id == rig.secret(CredentialKind::ApiKey)));
    // The demo's identity-domain users are read through their domain: bound, healthy, covered.
    for secret_id in rig.seeded.domain_secrets.values() {
        let s = all.secrets.iter().find(|s| &s.secret_id == secret_id).unwrap();
        assert_eq!((s.bound, s.failed), (Some(true), false), "{s:?}");
    }
    assert!(all.not_covered.is_empty(), "{:?}", all.not_covered);
}

#[tokio::test]
async fn credentials_of_identity_domain_users_are_read_through_their_domain() {
    // Given: the demo tenancy, whose SECONDARY domain has a user per kind; an old auth token and a
    // recent SMTP credential that no secret manages, for two of those users
    let rig = sim_rig(opts()).await;
    let token_user = &rig.seeded.domain_users["AUTH_TOKEN"];
    let smtp_user = &rig.seeded.domain_users["SMTP_CREDENTIAL"];
    let (old, _) = rig.sim.create_credential(token_user, CredentialKind::AuthToken, "made by hand").unwrap();
    rig.sim.backdate_credential(token_user, &old, 200 * DAY).unwrap();
    let (recent, _) = rig.sim.create_credential(smtp_user, CredentialKind::SmtpCredential, "made by hand").unwrap();
    // When the tenancy is viewed
    let all = report(&rig, &StatusArgs { subtree: true, ..args(&rig.sim.tenancy_id()) }).await;
    // Then exactly those two domain credentials are unmanaged, only the old one stale
    let domain_users: Vec<&String> = rig.seeded.domain_users.values().collect();
    let unmanaged: BTreeMap<&str, (&str, bool)> = all
        .unmanaged
        .iter()
        .filter(|u| domain_users.contains(&&u.user_id))
        .map(|u| (u.credential_id.as_str(), (u.credential_type.as_str(), u.stale)))
        .collect();
    assert_eq!(
        unmanaged,
        BTreeMap::from([(old.as_str(), ("AUTH_TOKEN", true)), (recent.as_str(), ("SMTP_CREDENTIAL", false))]),
        "{:?}",
        all.unmanaged
    );
    assert!(!all.healthy());
}

#[tokio::test]
async fn calls_per_secret_stay_constant_as_the_fleet_grows() {
    // Given: fleets of 20 and 200 in compartments of their own.
    let rig = sim_rig(opts()).await;
    let mut per_secret = Vec::new();
    for n in [20, 200] {
        let c = compartment(&rig, &format!("fleet-{n}"));
        rig.sim.seed_fleet(n, &c, &[]);
        // When
        let before = rig.sim.request_count();
        let r = report(&rig, &args(&c)).await;
        // Then
        assert_eq!(r.secrets.len(), n);
        per_secret.push((rig.sim.request_count() - before) as f64 / n as f64);
    }
    // 2 (GetSecret, ListSecretVersions) + 1 CURRENT bundle (6 kinds in 7) + 8 per user (GetUser
    // and one listing per kind), plus the ListSecrets pages: the same per secret at 20 and 200,
    // within a tenth of a call.
    assert!((per_secret[0] - per_secret[1]).abs() < 0.1, "{per_secret:?}");
    assert!(per_secret[1] < 12.0, "{per_secret:?}");
}

/// `oci-rotator status`, run as an administrator against the simulator.
async fn run_binary(rig: &SimRig, extra: &[&str]) -> (i32, String, String) {
    run_command(rig, "status", extra).await
}

/// `oci-rotator <command>`, run as an administrator against the simulator.
async fn run_command(rig: &SimRig, command: &str, extra: &[&str]) -> (i32, String, String) {
    let args: Vec<&str> = std::iter::once(command).chain(extra.iter().copied()).collect();
    run_cli(rig, &args).await
}

#[tokio::test]
async fn the_binary_prints_one_json_document_and_exits_1_only_when_something_is_stale_or_failed() {
    // Given: a healthy fleet.
    let rig = sim_rig(opts()).await;
    let c = compartment(&rig, "fleet");
    let fleet = rig.sim.seed_fleet(8, &c, &[]);
    // When
    let (code, stdout, stderr) = run_binary(&rig, &["--compartment-id", &c, "--json"]).await;
    // Then: exit 0 and the documented shape.
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["healthy"], true);
    assert_eq!(doc["compartmentId"], c);
    assert_eq!(doc["olderThanDays"], 90);
    assert_eq!(doc["summary"]["secrets"], fleet.len());
    for field in ["compartments", "secrets", "unmanaged", "notCovered", "errors"] {
        assert!(doc[field].is_array(), "{field}: {doc}");
    }
    let first = &doc["secrets"][0];
    for field in [
        "secretId",
        "secretName",
        "credentialType",
        "userId",
        "currentVersionNumber",
        "currentVersionAgeDays",
        "rotationStatus",
        "lastRotationTime",
        "nextRotationTime",
        "targetsFunction",
        "bound",
        "failed",
        "problems",
    ] {
        assert!(first.get(field).is_some(), "{field}: {first}");
    }
    // Given: an unmanaged API key 100 days old.
    let api = member(&fleet, CredentialKind::ApiKey);
    let key = oci_rotator::keys::generate(2048).unwrap();
    let fp = rig.sim.upload_api_key(&api.user_id, &key.public_pem).unwrap();
    rig.sim.backdate_credential(&api.user_id, &fp, 100 * DAY).unwrap();
    // When / Then: exit 1, the key flagged stale; with --older-than 120d, exit 0.
    let (code, stdout, _) = run_binary(&rig, &["--compartment-id", &c, "--json"]).await;
    assert_eq!(code, 1, "{stdout}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let stale: Vec<&Value> = doc["unmanaged"].as_array().unwrap().iter().filter(|u| u["stale"] == true).collect();
    assert_eq!(stale.len(), 1, "{doc}");
    assert_eq!((stale[0]["credentialId"].as_str(), stale[0]["userId"].as_str()), (Some(fp.as_str()), Some(api.user_id.as_str())));
    assert_eq!(stale[0]["credentialType"], "API_KEY");
    let (code, _, _) = run_binary(&rig, &["--compartment-id", &c, "--json", "--older-than", "120d"]).await;
    assert_eq!(code, 0);
    // And the table marks the stale key and says the fleet is not healthy.
    let (code, table, _) = run_binary(&rig, &["--compartment-id", &c]).await;
    assert_eq!(code, 1);
    assert!(table.contains("STALE") && table.contains("NOT HEALTHY"), "{table}");
    assert!(table.contains(&fleet[0].kind.as_str().to_owned()), "{table}");
}

#[tokio::test]
async fn the_wide_table_prints_full_ocids_and_the_default_one_cuts_them() {
    // Given: a fleet in a compartment of its own.
    let rig = sim_rig(opts()).await;
    let c = compartment(&rig, "fleet");
    let fleet = rig.sim.seed_fleet(2, &c, &[]);
    // When: the table, with and without --wide.
    let (code, wide, stderr) = run_binary(&rig, &["--compartment-id", &c, "--wide"]).await;
    let (_, narrow, _) = run_binary(&rig, &["--compartment-id", &c]).await;
    // Then: --wide holds every secret's and user's full OCID; the default table none of them.
    assert_eq!(code, 0, "{wide}\n{stderr}");
    for m in &fleet {
        assert!(wide.contains(&m.secret_id) && wide.contains(&m.user_id), "{}\n{wide}", m.secret_id);
        assert!(!narrow.contains(&m.secret_id) && !narrow.contains(&m.user_id), "{}\n{narrow}", m.secret_id);
    }
}

#[tokio::test]
async fn a_bad_compartment_id_is_refused_before_any_call() {
    let rig = sim_rig(opts()).await;
    let before = rig.sim.request_count();
    let err = status(rig.rotator.client(), &args("not-an-ocid"), &mut |_| {}).await.unwrap_err();
    assert!(err.to_string().contains("--compartment-id"), "{err}");
    assert_eq!(rig.sim.request_count(), before);
}

#[tokio::test]
async fn the_simulators_admin_routes_seed_backdate_and_fail_out_of_process() {
    // Given: a fleet made, aged and broken through `/_sim/`, as a test of another process would.
    let rig = sim_rig(opts()).await;
    let http = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        let (http, url) = (http.clone(), format!("{}/_sim/{path}", rig.endpoint));
        async move {
            let resp = http.post(url).header("content-type", "application/json").body(body.to_string()).send().await.unwrap();
            serde_json::from_slice::<Value>(&resp.bytes().await.unwrap()).unwrap()
        }
    };
    let c = post("compartments", serde_json::json!({"parentId": rig.sim.tenancy_id(), "name": "fleet"})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let members = post("fleet", serde_json::json!({"count": 6, "compartmentId": c, "kinds": ["API_KEY", "AUTH_TOKEN"]})).await;
    let members = members.as_array().unwrap();
    assert_eq!(members.len(), 6);
    assert!(members.iter().all(|m| m["credentialType"] == "API_KEY" || m["credentialType"] == "AUTH_TOKEN"), "{members:?}");
    let token = members.iter().find(|m| m["credentialType"] == "AUTH_TOKEN").unwrap();
    let (extra, _) = rig.sim.create_auth_token(token["userId"].as_str().unwrap(), "by hand").unwrap();
    post("backdate", serde_json::json!({"userId": token["userId"], "credentialId": extra, "days": 91})).await;
    post("fail-rotation", serde_json::json!({"secretId": members[0]["secretId"]})).await;
    // When
    let r = report(&rig, &args(&c)).await;
    // Then
    assert_eq!(r.secrets.len(), 6);
    assert_eq!(
        r.secrets.iter().filter(|s| s.failed).map(|s| s.secret_id.as_str()).collect::<Vec<_>>(),
        vec![members[0]["secretId"].as_str().unwrap()]
    );
    assert_eq!(r.unmanaged.iter().filter(|u| u.stale).map(|u| u.credential_id.as_str()).collect::<Vec<_>>(), vec![extra.as_str()]);
}

/// One rotation of `secret` as Vault plays it (each step tried once).
async fn rotate_once(rig: &SimRig, secret: &str) -> Vec<(Step, oci_rotator::protocol::SecretRotationOutput)> {
    let driver = Driver { attempts_per_step: 1, retry_wait: Duration::from_millis(10) };
    driver.rotate(&rig.transport(Duration::from_secs(30)), secret, &mut |_| {}).await
}

#[tokio::test]
async fn a_rotation_that_failed_on_an_unbound_user_is_unhealthy_until_one_succeeds() {
    // Given: a healthy fleet, then a rotation refused because the user no longer names the secret
    // (refused before any write: no PENDING version, nothing else shows it).
    let rig = sim_rig(opts()).await;
    let c = compartment(&rig, "fleet");
    let fleet = rig.sim.seed_fleet(4, &c, &[CredentialKind::AuthToken]);
    let m = &fleet[0];
    let bound = rig.sim.user_tags(&m.user_id);
    let mut unbound = bound.clone();
    unbound.remove(&tag_key(m.kind));
    rig.sim.set_user_tags(&m.user_id, unbound).unwrap();
    let answers = rotate_once(&rig, &m.secret_id).await;
    assert_eq!(answers.last().map(|(s, o)| (*s, o.response_code)), Some((Step::CreatePendingVersion, 400)), "{answers:?}");
    // When
    let r = report(&rig, &args(&c)).await;
    // Then: the secret shows the recorded failure, is failed, and its user unbound; not healthy.
    let s = by_id(&r)[m.secret_id.as_str()];
    let last = s.last_outcome.as_ref().expect("lastOutcome");
    assert_eq!((last.result, last.step.as_deref(), last.response_code), (OutcomeResult::Failed, Some("CREATE_PENDING_VERSION"), Some(400)));
    assert!(last.message.as_deref().is_some_and(|m| m.contains("does not name secret")), "{last:?}");
    assert!(s.failed && s.problems.iter().any(|p| p.contains("the last rotation failed: CREATE_PENDING_VERSION answered 400")), "{s:?}");
    assert_eq!(s.bound, Some(false));
    assert_eq!((r.failed(), r.unbound()), (1, 1));
    assert!(!r.healthy());
    // And in the JSON document, with its five fields; the other secrets have null.
    let doc = r.json();
    let row = doc["secrets"].as_array().unwrap().iter().find(|x| x["secretId"] == m.secret_id.as_str()).unwrap().clone();
    assert_eq!(row["lastOutcome"]["result"], "failed");
    assert_eq!(row["lastOutcome"]["step"], "CREATE_PENDING_VERSION");
    assert_eq!(row["lastOutcome"]["responseCode"], 400);
    assert!(row["lastOutcome"]["at"].as_str().is_some_and(|t| t.ends_with('Z')), "{row}");
    assert!(row["lastOutcome"]["message"].as_str().is_some_and(|t| t.contains(&m.user_id)), "{row}");
    assert!(doc["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["secretId"] != m.secret_id.as_str())
        .all(|x| x["lastOutcome"].is_null()));
    assert_eq!(doc["summary"]["unbound"], 1);
    // When: the user is bound again. Then: still failed (the last rotation did fail).
    rig.sim.set_user_tags(&m.user_id, bound).unwrap();
    let r = report(&rig, &args(&c)).await;
    assert_eq!((r.failed(), r.unbound(), r.healthy()), (1, 0, false));
    // When: the next rotation succeeds. Then: `succeeded`, nothing failed, healthy.
    assert!(completed(&rotate_once(&rig, &m.secret_id).await));
    let r = report(&rig, &args(&c)).await;
    let last = by_id(&r)[m.secret_id.as_str()].last_outcome.clone().expect("lastOutcome");
    assert_eq!((last.result, last.step, last.response_code, last.message), (OutcomeResult::Succeeded, None, None, None));
    assert!(r.healthy(), "{:?}", r.secrets);
}

#[tokio::test]
async fn an_unbound_user_is_unhealthy_unless_allowed() {
    // Given: a healthy fleet whose first user loses its binding tag.
    let rig = sim_rig(opts()).await;
    let c = compartment(&rig, "fleet");
    let fleet = rig.sim.seed_fleet(3, &c, &[CredentialKind::ApiKey]);
    rig.sim.set_user_tags(&fleet[0].user_id, BTreeMap::new()).unwrap();
    // When
    let r = report(&rig, &args(&c)).await;
    // Then: nothing failed yet, but its next rotation will: not healthy.
    assert_eq!((r.failed(), r.unbound(), r.stale(), r.errors.len()), (0, 1, 0, 0));
    assert!(!r.healthy());
    // And with --allow-unbound (a function running with OCI_ROTATOR_USER_BINDING=off) it is.
    assert!(report(&rig, &StatusArgs { allow_unbound: true, ..args(&c) }).await.healthy());
}

#[tokio::test]
async fn the_binary_exits_1_for_a_failed_last_outcome_and_for_an_unbound_user() {
    // Given: a fleet whose first secret records a failure, and then (the record cleared) an unbound user.
    let rig = sim_rig(opts()).await;
    let c = compartment(&rig, "fleet");
    let fleet = rig.sim.seed_fleet(3, &c, &[CredentialKind::AuthToken]);
    let failed = "failed UPDATE_TARGET_SYSTEM 502 2026-12-01T10:00:00Z: UpdateSecret: 500 InternalServerError";
    rig.sim.set_secret_tags(&fleet[0].secret_id, BTreeMap::from([(TAG_KEY.to_owned(), failed.to_owned())])).unwrap();
    // When / Then: exit 1, the row's lastOutcome read from the tag, the table says why.
    let (code, stdout, stderr) = run_binary(&rig, &["--compartment-id", &c, "--json"]).await;
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let row = doc["secrets"].as_array().unwrap().iter().find(|x| x["secretId"] == fleet[0].secret_id.as_str()).unwrap().clone();
    assert_eq!(
        row["lastOutcome"],
        serde_json::json!({"result": "failed", "step": "UPDATE_TARGET_SYSTEM", "responseCode": 502, "at": "2026-12-01T10:00:00Z",
            "message": "UpdateSecret: 500 InternalServerError"})
    );
    let (code, table, _) = run_binary(&rig, &["--compartment-id", &c]).await;
    assert_eq!(code, 1);
    assert!(table.contains("FAILED: the last rotation failed: UPDATE_TARGET_SYSTEM answered 502"), "{table}");
    // Given: the record says succeeded, and a user is unbound.
    let succeeded = BTreeMap::from([(TAG_KEY.to_owned(), "succeeded 2026-12-02T10:00:00Z".to_owned())]);
    rig.sim.set_secret_tags(&fleet[0].secret_id, succeeded).unwrap();
    let (code, _, _) = run_binary(&rig, &["--compartment-id", &c]).await;
    assert_eq!(code, 0, "a succeeded record is healthy");
    rig.sim.set_user_tags(&fleet[1].user_id, BTreeMap::new()).unwrap();
    // When / Then: exit 1, the summary counts it; with --allow-unbound, exit 0.
    let (code, stdout, _) = run_binary(&rig, &["--compartment-id", &c, "--json"]).await;
    assert_eq!(code, 1, "{stdout}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (doc["summary"]["unbound"].as_u64(), doc["summary"]["failed"].as_u64(), doc["healthy"].as_bool()),
        (Some(1), Some(0), Some(false))
    );
    let (code, _, _) = run_binary(&rig, &["--compartment-id", &c, "--allow-unbound"]).await;
    assert_eq!(code, 0);
}

#[tokio::test]
async fn a_compartment_that_does_not_exist_is_exit_2_naming_it_for_status_and_rotate() {
    // Given: a well-formed compartment OCID that names no compartment (a typo).
    let rig = sim_rig(opts()).await;
    let typo = "ocid1.compartment.oc1..aaaaaaaathisisnotacompartment";
    // When: the library. Then: an error naming the compartment, exit code 2.
    let err = status(rig.rotator.client(), &args(typo), &mut |_| {}).await.unwrap_err();
    assert!(matches!(err, CommandError::Compartment(_)) && err.exit_code() == 2, "{err:?}");
    assert!(err.to_string().contains(typo), "{err}");
    for command in [
        vec!["status", "--compartment-id", typo],
        vec!["status", "--compartment-id", typo, "--subtree"],
        vec!["rotate", "--compartment-id", typo],
    ] {
        // When: the binary.
        let (code, stdout, stderr) = run_command(&rig, command[0], &command[1..]).await;
        // Then: exit 2, stderr names the compartment, no report claims a healthy fleet.
        assert_eq!(code, 2, "{command:?}: {stdout}\n{stderr}");
        assert!(stderr.contains(typo) && stderr.contains("does not exist or cannot be read"), "{command:?}: {stderr}");
        assert!(!stdout.contains("healthy"), "{command:?}: {stdout}");
    }
    // And an existing, empty compartment is still a healthy, empty fleet (exit 0).
    let empty = compartment(&rig, "empty");
    let (code, stdout, stderr) = run_binary(&rig, &["--compartment-id", &empty]).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_tenancy_makes_status_slower_not_unhealthy() {
    // Given: a healthy fleet in a tenancy whose Vault, Secrets and Identity APIs are throttled hard.
    let throttle =
        Throttle::default().with(ApiFamily::Vault, 4.0, 2.0).with(ApiFamily::Secrets, 4.0, 2.0).with(ApiFamily::Identity, 4.0, 2.0);
    let rig = sim_rig(SimOptions { throttle: Some(throttle), ..opts() }).await;
    let c = compartment(&rig, "fleet");
    let fleet = rig.sim.seed_fleet(6, &c, &[]);
    // When
    let r = report(&rig, &args(&c)).await;
    // Then: requests were refused with 429, none became a read error, and the fleet is healthy.
    let refused: u64 = rig.sim.throttled().iter().map(|(_, n)| n).sum();
    assert!(refused > 8, "hardly throttled: {:?}", rig.sim.throttled());
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.secrets.len(), fleet.len());
    assert!(r.healthy(), "{:?}", r.secrets);
    // And with no time left (--timeout), the run fails or is unhealthy: never a silent gap.
    let hurried = status(rig.rotator.client(), &StatusArgs { timeout: Duration::from_millis(1), ..args(&c) }, &mut |_| {}).await;
    assert!(hurried.as_ref().map_or(true, |r| !r.healthy()), "{:?}", hurried.map(|r| r.healthy()));
}
