//! `oci-rotator enroll` against the simulator: each kind from a bare user to a bound secret that
//! the function verifies; a second run changes nothing; a re-run applies what the secret lacks
//! and lists it (`changed`), or refuses another kind or user and writes nothing; a failure after the credential was created
//! leaves no credential behind; a dry run writes nothing; a user of another identity domain.

use std::time::Duration;

use oci_rotator::binding::tag_key;
use oci_rotator::onboard::enroll::{enroll, Enrollment};
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::sim::checks;
use oci_rotator::sim::{Fault, FaultKind, SimOptions};
use serde_json::{json, Value};

use crate::helpers::sim::*;

const FUNCTION: &str = "ocid1.fnfunc.oc1.iad.aaaaaaaaoci-rotator-test";

fn opts() -> SimOptions {
    SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }
}

fn args(rig: &SimRig, kind: CredentialKind, user_id: &str, name: &str) -> Enrollment {
    Enrollment {
        kind,
        user_id: user_id.to_owned(),
        compartment_id: rig.sim.compartment_id(),
        vault_id: rig.sim.vault_id(),
        key_id: rig.sim.key_id(),
        name: name.to_owned(),
        function_id: Some(FUNCTION.to_owned()),
        interval: Some("P90D".to_owned()),
        previous: Some(PreviousCredential::KeepUntilNextRotation),
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
        assert_eq!(line["changed"], json!(["credential", "secret", "binding", "rotationConfig"]), "{kind}: {line}");
        assert_eq!(rig.sim.current_version(&secret), Some(1));
        assert!(checks::current_is_live(&rig.sim, &secret, kind, &user).is_empty(), "{kind}");
        let tags = rig.sim.user_tags(&user);
        assert_eq!(tags.get(&tag_key(kind)), Some(&secret), "{kind}: {tags:?}");
        assert_eq!(tags.get("team").map(String::as_str), Some("payments"));
        let credential = line["credentialId"].as_str().unwrap();
        if kind != CredentialKind::ConsolePassword {
            assert!(checks::iam_credentials(&rig.sim, kind, &user).contains(credential), "{kind}");
        }
        // And a second run with the same name finds it, writes nothing and prints the same line,
        // but for `changed`, empty now.
        rig.sim.clear_journal();
        let mut again = enroll(&rig.rotator, &args(&rig, kind, &user, &name), Duration::from_secs(30)).await.unwrap();
        assert_eq!(again["changed"], json!([]), "{kind}: {again}");
        let mut first = line.clone();
        for l in [&mut again, &mut first] {
            l.as_object_mut().unwrap().remove("changed");
        }
        assert_eq!(again, first, "{kind}");
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

/// The `enroll` command line of `kind` for `user` under `name`, plus `extra` options.
fn command_line(rig: &SimRig, kind: CredentialKind, user: &str, name: &str, extra: &[&str]) -> Vec<String> {
    let mut line: Vec<String> = ["enroll", "--kind", kind.as_str(), "--user-id", user, "--name", name]
        .into_iter()
        .map(str::to_owned)
        .chain(["--compartment-id".to_owned(), rig.sim.compartment_id(), "--vault-id".to_owned(), rig.sim.vault_id()])
        .chain(["--key-id".to_owned(), rig.sim.key_id()])
        .collect();
    line.extend(extra.iter().map(|s| (*s).to_owned()));
    line
}

async fn enroll_cli(rig: &SimRig, line: &[String]) -> (i32, String, String) {
    let args: Vec<&str> = line.iter().map(String::as_str).collect();
    run_cli(rig, &args).await
}

#[tokio::test]
async fn a_rerun_for_another_user_or_kind_is_refused_naming_the_secrets_kind_and_user_and_writes_nothing() {
    // Given: an auth token of user A enrolled as "svc-shared" by the binary.
    let rig = sim_rig(opts()).await;
    let (a, b) = (rig.sim.create_user("enroll-owner"), rig.sim.create_user("enroll-intruder"));
    let (code, stdout, stderr) = enroll_cli(&rig, &command_line(&rig, CredentialKind::AuthToken, &a, "svc-shared", &[])).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let secret = serde_json::from_str::<Value>(&stdout).unwrap()["secretId"].as_str().unwrap().to_owned();
    let (tags_a, tags_b) = (rig.sim.user_tags(&a), rig.sim.user_tags(&b));
    let domain = rig.seeded.domain_id.clone();
    for (kind, user, extra) in [
        (CredentialKind::AuthToken, &b, vec![]),                                            // another user
        (CredentialKind::ApiKey, &a, vec![]),                                               // another kind
        (CredentialKind::CustomerSecretKey, &b, vec!["--function-id", FUNCTION]),           // both, with a function
        (CredentialKind::AuthToken, &a, vec!["--domain-id", domain.as_str(), "--dry-run"]), // another domain, dry run
    ] {
        rig.sim.clear_journal();
        // When: the same --name for another kind, user or domain.
        let (code, stdout, stderr) = enroll_cli(&rig, &command_line(&rig, kind, user, "svc-shared", &extra)).await;
        // Then: exit 1; the message names the secret's kind and user; nothing was written: no
        // tag on either user, no credential for the other user, no Vault write.
        assert_eq!(code, 1, "{kind} {user}: {stdout}\n{stderr}");
        assert!(stdout.is_empty(), "{stdout}");
        assert!(stderr.contains("AUTH_TOKEN") && stderr.contains(&a) && stderr.contains(&secret), "{stderr}");
        assert!(stderr.contains("refusing") && stderr.contains("nothing was changed"), "{stderr}");
        assert_eq!(writes(&rig), Vec::<String>::new(), "{kind} {user}");
        assert_eq!((rig.sim.user_tags(&a), rig.sim.user_tags(&b)), (tags_a.clone(), tags_b.clone()));
        for k in CredentialKind::ALL.into_iter().filter(|k| *k != CredentialKind::ConsolePassword) {
            assert!(checks::iam_credentials(&rig.sim, k, &b).is_empty(), "{k} of {b}");
        }
        assert_eq!(rig.sim.secret_versions(&secret).len(), 1);
    }
}

#[tokio::test]
async fn a_rerun_applies_what_the_secret_lacks_lists_it_in_changed_and_then_changes_nothing() {
    // Given: an API key enrolled by the binary without --function-id (no rotation configuration).
    let rig = sim_rig(opts()).await;
    let user = rig.sim.create_user("enroll-converge");
    let (code, stdout, stderr) = enroll_cli(&rig, &command_line(&rig, CredentialKind::ApiKey, &user, "svc-converge", &[])).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let first: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(first["changed"], json!(["credential", "secret", "binding"]), "{first}");
    let secret = first["secretId"].as_str().unwrap().to_owned();

    // When: re-run with --interval alone: there is no rotation configuration to schedule.
    rig.sim.clear_journal();
    let (code, _, stderr) =
        enroll_cli(&rig, &command_line(&rig, CredentialKind::ApiKey, &user, "svc-converge", &["--interval", "P30D"])).await;
    // Then: exit 1 naming --function-id, nothing written.
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("--function-id") && stderr.contains("nothing was changed"), "{stderr}");
    assert_eq!(writes(&rig), Vec::<String>::new());

    // When: re-run with a function, an interval and another previous-credential policy, its
    // binding tag removed meanwhile (an earlier run stopped before binding).
    rig.sim.set_user_tags(&user, Default::default()).unwrap();
    let converge = ["--function-id", FUNCTION, "--interval", "P30D", "--previous", "DELETE_ON_PROMOTE"];
    let applied = json!(["functionId", "rotationInterval", "isScheduledRotationEnabled", "previousCredential", "binding"]);
    // And first as a dry run: it lists the same changes and writes nothing.
    rig.sim.clear_journal();
    let dry: Vec<&str> = converge.iter().copied().chain(["--dry-run"]).collect();
    let (code, stdout, stderr) = enroll_cli(&rig, &command_line(&rig, CredentialKind::ApiKey, &user, "svc-converge", &dry)).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let plan: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((&plan["dryRun"], &plan["changed"]), (&json!(true), &applied), "{plan}");
    assert_eq!(writes(&rig), Vec::<String>::new());
    rig.sim.clear_journal();
    let (code, stdout, stderr) = enroll_cli(&rig, &command_line(&rig, CredentialKind::ApiKey, &user, "svc-converge", &converge)).await;
    // Then: exit 0; `changed` names each applied field; one UpdateSecret (no new version) and
    // one tag write; the secret is scheduled on the function every 30 days, DELETE_ON_PROMOTE.
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let line: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(line["changed"], applied, "{line}");
    assert_eq!((line["secretId"].as_str(), &line["credentialId"]), (Some(secret.as_str()), &first["credentialId"]));
    let ops: Vec<String> = rig.sim.journal().iter().filter(|j| j.method != "GET").map(|j| j.operation.clone()).collect();
    assert_eq!(ops, ["UpdateSecret", "UpdateUser"], "{:?}", writes(&rig));
    let now = rig.rotator.client().get_secret(&secret).await.unwrap().secret;
    let rc = now.rotation_config.unwrap();
    assert_eq!(rc["targetSystemDetails"]["functionId"], FUNCTION, "{rc}");
    assert_eq!((rc["rotationInterval"].as_str(), &rc["isScheduledRotationEnabled"]), (Some("P30D"), &json!(true)), "{rc}");
    assert_eq!(now.metadata.unwrap()["previousCredential"], "DELETE_ON_PROMOTE");
    assert_eq!(line["rotationConfig"], rc);
    assert_eq!(rig.sim.secret_versions(&secret).len(), 1, "no new version");
    assert_eq!(rig.sim.user_tags(&user).get(&tag_key(CredentialKind::ApiKey)), Some(&secret));

    // When: the same command again. Then: exit 0, `changed` empty, nothing written.
    rig.sim.clear_journal();
    let (code, stdout, _) = enroll_cli(&rig, &command_line(&rig, CredentialKind::ApiKey, &user, "svc-converge", &converge)).await;
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<Value>(&stdout).unwrap()["changed"], json!([]), "{stdout}");
    assert_eq!(writes(&rig), Vec::<String>::new());
}

/// Each stdout line of a `--json` run, parsed (a line that is not a JSON object fails the test).
fn json_lines(stdout: &str) -> Vec<Value> {
    stdout.lines().map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}"))).filter(Value::is_object).collect()
}

/// `event`: `action` of each line, in order.
fn events(lines: &[Value]) -> Vec<String> {
    lines.iter().map(|l| format!("{}: {}", l["event"].as_str().unwrap_or("?"), l["action"].as_str().unwrap_or("-"))).collect()
}

#[tokio::test]
async fn json_gives_one_line_per_thing_created_or_kept_and_ends_with_the_summary() {
    // Given: a user with no credential yet.
    let rig = sim_rig(opts()).await;
    let user = rig.sim.create_user("enroll-json");
    let line = command_line(&rig, CredentialKind::AuthToken, &user, "svc-json", &["--function-id", FUNCTION, "--json"]);
    // When: enrolled with --json, then again.
    let (code, stdout, stderr) = enroll_cli(&rig, &line).await;
    // Then: one line each for the credential, the secret, the binding and the rotation
    // configuration, created; the summary last, the object enroll prints without --json.
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let first = json_lines(&stdout);
    assert_eq!(first.len(), stdout.lines().count(), "{stdout}");
    assert_eq!(
        events(&first),
        ["credential: created", "secret: created", "binding: added", "rotationConfig: set", "summary: -"],
        "{stdout}"
    );
    let summary = first.last().unwrap();
    let secret = summary["secretId"].as_str().unwrap().to_owned();
    assert_eq!(summary["changed"], json!(["credential", "secret", "binding", "rotationConfig"]), "{summary}");
    assert_eq!((first[0]["credentialId"].clone(), first[1]["secretId"].as_str()), (summary["credentialId"].clone(), Some(secret.as_str())));
    assert_eq!(first[3]["rotationConfig"]["targetSystemDetails"]["functionId"], FUNCTION, "{}", first[3]);
    let token = rig.sim.credential_secret(&user, CredentialKind::AuthToken, summary["credentialId"].as_str().unwrap()).unwrap();
    assert!(!stdout.contains(&token), "the token reached stdout");
    // And the second run keeps everything and says so.
    let (code, stdout, stderr) = enroll_cli(&rig, &line).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let again = json_lines(&stdout);
    assert_eq!(events(&again), ["credential: kept", "secret: kept", "binding: kept", "rotationConfig: kept", "summary: -"], "{stdout}");
    assert_eq!(again.last().unwrap()["changed"], json!([]));

    // And a first enrollment's dry run gives its plan, a line per step, each marked dryRun.
    let dry = command_line(&rig, CredentialKind::AuthToken, &user, "svc-json-dry", &["--dry-run", "--json"]);
    let (code, stdout, stderr) = enroll_cli(&rig, &dry).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let plan = json_lines(&stdout);
    assert!(plan.len() >= 6 && plan[..plan.len() - 1].iter().all(|l| l["event"] == "plan" && l["dryRun"] == true), "{stdout}");
    assert_eq!(plan.last().unwrap()["event"], "summary");
}
