//! Vault and Secrets: stages through PENDING and promotion, `if-match`, the UPDATING window,
//! UpdateSecret's rules, auto-generation, version listing and bundles.

use std::time::Duration;

use serde_json::{json, Value};

use super::{b64, expect, instant, setup, stages};
use crate::sim::{AutoGen, SimOptions};

fn pending(v: &Value) -> Value {
    json!({"secretContent": {"contentType": "BASE64", "content": b64(v), "stage": "PENDING"}})
}

#[tokio::test]
async fn stages_follow_pending_and_promotion() {
    let (sim, c) = setup(instant()).await;
    let id = sim.create_secret("s", json!({"k": 1}), &json!({"v": 1}), None);
    let path = format!("/20180608/secrets/{id}");
    assert_eq!(stages(&sim, &id), expect(&[(1, &["CURRENT", "LATEST"])]));

    // A PENDING version takes LATEST.
    let r = c.put(&path, &pending(&json!({"v": 2})), &[]).await;
    assert_eq!(r.status, 200, "{:?}", r.json);
    assert_eq!(r.json["currentVersionNumber"], 1);
    assert_eq!(stages(&sim, &id), expect(&[(1, &["CURRENT"]), (2, &["PENDING", "LATEST"])]));
    let b = c.get(&format!("/20190301/secretbundles/{id}?stage=PENDING")).await;
    assert_eq!((b.status, b.json["versionNumber"].as_u64()), (200, Some(2)));
    assert_eq!(b.json["secretBundleContent"]["content"], b64(&json!({"v": 2})));
    assert_eq!(b.json["metadata"], json!({"k": 1}));

    // A second PENDING replaces the first, which is left DEPRECATED.
    c.put(&path, &pending(&json!({"v": 3})), &[]).await;
    assert_eq!(stages(&sim, &id), expect(&[(1, &["CURRENT"]), (2, &["DEPRECATED"]), (3, &["PENDING", "LATEST"])]));

    // Promotion: 3 CURRENT (no longer PENDING), 1 PREVIOUS.
    let r = c.put(&path, &json!({"currentVersionNumber": 3}), &[]).await;
    assert_eq!((r.status, r.json["currentVersionNumber"].as_u64()), (200, Some(3)));
    assert_eq!(stages(&sim, &id), expect(&[(1, &["PREVIOUS"]), (2, &["DEPRECATED"]), (3, &["CURRENT", "LATEST"])]));
    assert_eq!(c.get(&format!("/20190301/secretbundles/{id}?stage=PENDING")).await.code(), "NotAuthorizedOrNotFound");

    // The next rotation: the old PREVIOUS is DEPRECATED.
    c.put(&path, &pending(&json!({"v": 4})), &[]).await;
    c.put(&path, &json!({"currentVersionNumber": 4}), &[]).await;
    assert_eq!(stages(&sim, &id), expect(&[(1, &["DEPRECATED"]), (2, &["DEPRECATED"]), (3, &["PREVIOUS"]), (4, &["CURRENT", "LATEST"])]));

    // Promoting the CURRENT version again is a successful no-op (same etag).
    let before = c.get(&path).await.header("etag").map(str::to_owned);
    let r = c.put(&path, &json!({"currentVersionNumber": 4}), &[]).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("etag").map(str::to_owned), before);

    // New content without a stage becomes CURRENT at once.
    c.put(&path, &json!({"secretContent": {"contentType": "BASE64", "content": b64(&json!({"v": 5}))}}), &[]).await;
    assert_eq!(sim.current_version(&id), Some(5));
    assert_eq!(stages(&sim, &id)[3..], expect(&[(4, &["PREVIOUS"]), (5, &["CURRENT", "LATEST"])]));
}

#[tokio::test]
async fn currentversionnumber_back_to_previous_swaps_current_and_previous() {
    // Given: version 2 CURRENT, version 1 PREVIOUS.
    let (sim, c) = setup(instant()).await;
    let id = sim.create_secret("s", json!({"k": 1}), &json!({"v": 1}), None);
    let path = format!("/20180608/secrets/{id}");
    c.put(&path, &pending(&json!({"v": 2})), &[]).await;
    c.put(&path, &json!({"currentVersionNumber": 2}), &[]).await;
    // When: CURRENT moves back to 1 (`oci-rotator rollback`).
    let r = c.put(&path, &json!({"currentVersionNumber": 1}), &[]).await;
    // Then: 1 CURRENT, 2 PREVIOUS (still LATEST); the bundle by number and by stage agree.
    assert_eq!((r.status, r.json["currentVersionNumber"].as_u64()), (200, Some(1)));
    assert_eq!(stages(&sim, &id), expect(&[(1, &["CURRENT"]), (2, &["PREVIOUS", "LATEST"])]));
    let b = c.get(&format!("/20190301/secretbundles/{id}?stage=PREVIOUS")).await;
    assert_eq!((b.status, b.json["versionNumber"].as_u64()), (200, Some(2)));
    let b = c.get(&format!("/20190301/secretbundles/{id}?versionNumber=1")).await;
    assert_eq!(b.json["stages"], json!(["CURRENT"]));
}

#[tokio::test]
async fn if_match_must_be_the_current_etag() {
    let (sim, c) = setup(instant()).await;
    let id = sim.create_secret("s", json!({}), &json!({"v": 1}), None);
    let path = format!("/20180608/secrets/{id}");
    let etag = c.get(&path).await.header("etag").unwrap().to_owned();
    let r = c.put(&path, &pending(&json!({"v": 2})), &[("if-match", "stale")]).await;
    assert_eq!((r.status, r.code()), (412, "NoEtagMatch"));
    assert_eq!(sim.secret_versions(&id).len(), 1, "a refused update changes nothing");
    let r = c.put(&path, &pending(&json!({"v": 2})), &[("if-match", &etag)]).await;
    assert_eq!(r.status, 200);
    let new_etag = r.header("etag").unwrap();
    assert_ne!(new_etag, etag, "every update changes the etag");
    assert_eq!(c.get(&path).await.header("etag"), Some(new_etag));
}

#[tokio::test]
async fn a_secret_is_updating_for_a_while_after_an_update() {
    let (sim, c) = setup(SimOptions { updating_ms: 300, key_propagation_ms: 0, ..Default::default() }).await;
    let id = sim.create_secret("s", json!({}), &json!({"v": 1}), None);
    let path = format!("/20180608/secrets/{id}");
    assert_eq!(c.get(&path).await.json["lifecycleState"], "ACTIVE");
    assert_eq!(c.put(&path, &pending(&json!({"v": 2})), &[]).await.json["lifecycleState"], "UPDATING");
    let r = c.put(&path, &json!({"currentVersionNumber": 2}), &[]).await;
    assert_eq!((r.status, r.code()), (409, "IncorrectState"));
    assert!(r.json["message"].as_str().unwrap().contains("UPDATING"));
    assert_eq!(c.get(&path).await.json["lifecycleState"], "UPDATING");
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(c.get(&path).await.json["lifecycleState"], "ACTIVE");
    assert_eq!(c.put(&path, &json!({"currentVersionNumber": 2}), &[]).await.status, 200);
}

#[tokio::test]
async fn update_secret_refuses_what_oci_refuses() {
    let (sim, c) = setup(instant()).await;
    let id = sim.create_secret("s", json!({}), &json!({"v": 1}), None);
    let path = format!("/20180608/secrets/{id}");
    let both =
        json!({"secretContent": {"contentType": "BASE64", "content": b64(&json!(1)), "stage": "PENDING"}, "currentVersionNumber": 1});
    let cases = [
        (both, 400, "InvalidParameter"),
        (json!({"secretContent": {"contentType": "BASE64", "stage": "PENDING"}}), 400, "InvalidParameter"),
        (json!({"secretContent": {"contentType": "BASE64", "content": "e30=", "stage": "LATEST"}}), 400, "InvalidParameter"),
        (json!({"secretContent": {"contentType": "TEXT", "content": "e30="}}), 400, "InvalidParameter"),
        (json!({"secretContent": {"contentType": "BASE64", "content": "not base64!"}}), 400, "InvalidParameter"),
        (json!({"currentVersionNumber": 9}), 404, "NotAuthorizedOrNotFound"),
        (json!({"metadata": "not an object"}), 400, "InvalidParameter"),
    ];
    for (body, status, code) in cases {
        let r = c.put(&path, &body, &[]).await;
        assert_eq!((r.status, r.code()), (status, code), "{body}");
    }
    let r = c.put("/20180608/secrets/ocid1.vaultsecret.oc1.iad.nope", &pending(&json!(1)), &[]).await;
    assert_eq!((r.status, r.code()), (404, "NotAuthorizedOrNotFound"));
    assert_eq!(stages(&sim, &id), expect(&[(1, &["CURRENT", "LATEST"])]), "nothing changed");
    // Metadata alone is an update.
    let r = c.put(&path, &json!({"metadata": {"a": 1}}), &[]).await;
    assert_eq!((r.status, &r.json["metadata"]), (200, &json!({"a": 1})));
}

#[tokio::test]
async fn auto_generation_fills_the_template_with_a_new_key_pair() {
    let (sim, c) = setup(instant()).await;
    let template = r#"{"privateKey":"%GENERATED_PRIVATE_KEY%","publicKey":"%GENERATED_PUBLIC_KEY%","region":"us-ashburn-1"}"#;
    let gen = AutoGen::ssh_key("RSA_2048", Some(template));
    let id = sim.create_secret("auto", json!({}), &json!({"v": 1}), Some(gen));
    let path = format!("/20180608/secrets/{id}");
    let s = c.get(&path).await;
    assert_eq!(s.json["isAutoGenerationEnabled"], true);
    assert_eq!(s.json["secretGenerationContext"]["generationType"], "SSH_KEY");
    let r = c.put(&path, &json!({"secretContent": {"contentType": "BASE64", "stage": "PENDING"}}), &[]).await;
    assert_eq!(r.status, 200, "{:?}", r.json);
    let v = &sim.secret_versions(&id)[1];
    assert_eq!(v.stages, ["PENDING", "LATEST"]);
    assert_eq!(v.content["region"], "us-ashburn-1");
    let private = crate::keys::parse_private_pem(v.content["privateKey"].as_str().unwrap(), None).unwrap();
    let public = crate::keys::parse_public_pem(v.content["publicKey"].as_str().unwrap()).unwrap();
    assert_eq!(private.public_key(), &public);
    let version = c.get(&format!("{path}/version/2")).await;
    assert_eq!(version.json["isContentAutoGenerated"], true);
}

#[tokio::test]
async fn versions_are_listed_paged_and_read_one_by_one() {
    let (sim, c) = setup(instant()).await;
    let id = sim.create_secret("s", json!({}), &json!({"v": 1}), None);
    let path = format!("/20180608/secrets/{id}");
    c.put(&path, &pending(&json!({"v": 2})), &[]).await;
    c.put(&path, &pending(&json!({"v": 3})), &[]).await;
    let all = c.get(&format!("{path}/versions")).await;
    let numbers: Vec<u64> = all.json.as_array().unwrap().iter().map(|v| v["versionNumber"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(all.json[0]["contentType"], "BASE64");
    assert!(all.json[0]["timeCreated"].is_string());
    assert!(all.json[0].get("content").is_none());

    let first = c.get(&format!("{path}/versions?limit=2&sortBy=VERSION_NUMBER&sortOrder=ASC")).await;
    assert_eq!(first.json.as_array().unwrap().len(), 2);
    let page = first.header("opc-next-page").unwrap().to_owned();
    let rest = c.get(&format!("{path}/versions?limit=2&sortBy=VERSION_NUMBER&sortOrder=ASC&page={page}")).await;
    assert_eq!(rest.json[0]["versionNumber"], 3);
    assert!(rest.header("opc-next-page").is_none());

    let one = c.get(&format!("{path}/version/2")).await;
    assert_eq!((one.json["versionNumber"].as_u64(), one.json["stages"].clone()), (Some(2), json!(["DEPRECATED"])));
    assert_eq!(c.get(&format!("{path}/version/9")).await.status, 404);
    assert_eq!(c.get(&format!("{path}/versions/2")).await.code(), "NotFound", "one version is /version/{{n}}, singular");
}

#[tokio::test]
async fn bundles_by_stage_number_or_current() {
    let (sim, c) = setup(instant()).await;
    let id = sim.create_secret("s", json!({}), &json!({"v": 1}), None);
    c.put(&format!("/20180608/secrets/{id}"), &pending(&json!({"v": 2})), &[]).await;
    let base = format!("/20190301/secretbundles/{id}");
    assert_eq!(c.get(&base).await.json["versionNumber"], 1);
    assert_eq!(c.get(&format!("{base}?stage=LATEST")).await.json["versionNumber"], 2);
    assert_eq!(c.get(&format!("{base}?versionNumber=2")).await.json["stages"], json!(["PENDING", "LATEST"]));
    let r = c.get(&format!("{base}?stage=PREVIOUS")).await;
    assert_eq!((r.status, r.code()), (404, "NotAuthorizedOrNotFound"));
    assert_eq!(c.get(&format!("{base}?stage=NEWEST")).await.status, 400);
    assert_eq!(c.get(&format!("{base}?versionNumber=7")).await.status, 404);
}

#[tokio::test]
async fn rotate_secret_is_accepted_once_per_retry_token() {
    let (sim, c) = setup(instant()).await;
    let id = sim.create_secret("s", json!({}), &json!({"v": 1}), None);
    // A function that does not answer: the rotation runs (and fails) in the background.
    sim.register_function("ocid1.fnfunc.oc1.iad.dead", "http://127.0.0.1:9");
    let config = json!({"targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": "ocid1.fnfunc.oc1.iad.dead"}});
    assert_eq!(c.put(&format!("/20180608/secrets/{id}"), &json!({"rotationConfig": config}), &[]).await.status, 200);
    sim.clear_journal();
    let path = format!("/20180608/secrets/{id}/actions/rotate");
    let r = c.post(&path, None, &[("opc-retry-token", "rotate-1")]).await;
    assert_eq!(r.status, 202);
    assert_eq!(c.post(&path, None, &[("opc-retry-token", "rotate-1")]).await.status, 202);
    assert_eq!(sim.rotations_requested(&id), 1);
    let ops: Vec<(String, bool)> = sim.journal().into_iter().map(|j| (j.operation, j.write)).collect();
    assert_eq!(ops, [("RotateSecret".to_owned(), true), ("RotateSecret".to_owned(), false)]);
}

#[tokio::test]
async fn a_deprecated_version_scheduled_for_deletion_cannot_be_promoted() {
    let (sim, c) = setup(instant()).await;
    let id = sim.create_secret("s", json!({}), &json!({"v": 1}), None);
    let path = format!("/20180608/secrets/{id}");
    c.put(&path, &pending(&json!({"v": 2})), &[]).await;
    c.put(&path, &pending(&json!({"v": 3})), &[]).await;
    assert_eq!(c.post(&format!("{path}/version/3/actions/scheduleDeletion"), Some(&json!({})), &[]).await.status, 400);
    assert_eq!(c.post(&format!("{path}/version/2/actions/scheduleDeletion"), Some(&json!({})), &[]).await.status, 200);
    let r = c.put(&path, &json!({"currentVersionNumber": 2}), &[]).await;
    assert_eq!((r.status, r.code()), (400, "InvalidParameter"));
}

#[tokio::test]
async fn unknown_routes_are_404_not_found() {
    let (_sim, c) = setup(instant()).await;
    let r = c.get("/20180608/vaults").await;
    assert_eq!((r.status, r.code()), (404, "NotFound"));
    assert!(r.header("opc-request-id").is_some());
}

#[tokio::test]
async fn secrets_are_listed_by_compartment_and_state() {
    let (sim, c) = setup(SimOptions { updating_ms: 10_000, key_propagation_ms: 0, ..Default::default() }).await;
    let a = sim.create_secret("a", json!({"m": 1}), &json!({"v": 1}), None);
    let b = sim.create_secret("b", json!({}), &json!({"v": 1}), None);
    c.put(&format!("/20180608/secrets/{b}"), &pending(&json!({"v": 2})), &[]).await;
    let t = sim.tenancy_id();
    let all = c.get(&format!("/20180608/secrets?compartmentId={t}")).await;
    assert_eq!(all.json.as_array().unwrap().len(), 2);
    assert!(all.json[0].get("metadata").is_none(), "a SecretSummary has no metadata");
    let active = c.get(&format!("/20180608/secrets?compartmentId={t}&lifecycleState=ACTIVE&limit=100")).await;
    assert_eq!(active.json.as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect::<Vec<_>>(), [a.as_str()]);
    let paged = c.get(&format!("/20180608/secrets?compartmentId={t}&limit=1")).await;
    assert_eq!((paged.json.as_array().unwrap().len(), paged.header("opc-next-page")), (1, Some("1")));
    assert_eq!(c.get(&format!("/20180608/secrets?compartmentId={t}&name=b")).await.json[0]["id"], b);
    assert_eq!(c.get("/20180608/secrets").await.code(), "MissingParameter");
}

/// A `CreateSecretDetails` for the simulator's vault, as the SDKs send it.
fn create_details(sim: &crate::sim::Simulator, name: &str) -> Value {
    json!({"compartmentId": sim.compartment_id(), "vaultId": sim.vault_id(), "keyId": sim.key_id(), "secretName": name,
        "description": "d", "metadata": {"credentialType": "AUTH_TOKEN"}, "freeformTags": {"team": "t"},
        "secretContent": {"contentType": "BASE64", "content": b64(&json!({"v": 1})), "stage": "CURRENT"},
        "rotationConfig": {"rotationInterval": "P90D", "isScheduledRotationEnabled": true,
            "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": "ocid1.fnfunc.oc1.iad.x"}}})
}

#[tokio::test]
async fn create_secret_answers_the_secret() {
    let (sim, c) = setup(instant()).await;
    let r = c.post("/20180608/secrets", Some(&create_details(&sim, "new-one")), &[]).await;
    assert_eq!(r.status, 200, "{:?}", r.json);
    assert!(r.header("etag").is_some());
    let id = r.json["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("ocid1.vaultsecret."));
    for (field, want) in [
        ("secretName", json!("new-one")),
        ("vaultId", json!(sim.vault_id())),
        ("keyId", json!(sim.key_id())),
        ("compartmentId", json!(sim.compartment_id())),
        ("description", json!("d")),
        ("metadata", json!({"credentialType": "AUTH_TOKEN"})),
        ("freeformTags", json!({"team": "t"})),
        ("currentVersionNumber", json!(1)),
        ("lifecycleState", json!("ACTIVE")),
        ("rotationStatus", json!("SCHEDULED")),
    ] {
        assert_eq!(r.json[field], want, "{field}");
    }
    assert_eq!(r.json["rotationConfig"]["targetSystemDetails"]["functionId"], "ocid1.fnfunc.oc1.iad.x");
    let created =
        time::OffsetDateTime::parse(r.json["timeCreated"].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap();
    let next =
        time::OffsetDateTime::parse(r.json["nextRotationTime"].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap();
    assert_eq!((next - created).whole_days(), 90);
    assert_eq!(stages(&sim, &id), expect(&[(1, &["CURRENT", "LATEST"])]));
    assert_eq!(sim.secret_versions(&id)[0].content, json!({"v": 1}));
    // ListSecrets finds it by name and vault, as the SDKs ask.
    let list = c.get(&format!("/20180608/secrets?compartmentId={}&name=new-one&vaultId={}", sim.compartment_id(), sim.vault_id())).await;
    assert_eq!(list.json.as_array().map(|a| a.iter().map(|s| s["id"].clone()).collect::<Vec<_>>()), Some(vec![json!(id)]));
    let none = c.get(&format!("/20180608/secrets?compartmentId={}&name=other", sim.compartment_id())).await;
    assert_eq!(none.json, json!([]));
}

#[tokio::test]
async fn create_secret_names_are_unique_and_retry_tokens_replay() {
    let (sim, c) = setup(instant()).await;
    let token = [("opc-retry-token", "create-1")];
    let first = c.post("/20180608/secrets", Some(&create_details(&sim, "dup")), &token).await;
    assert_eq!(first.status, 200);
    // The same token: the same secret, not a conflict.
    let replay = c.post("/20180608/secrets", Some(&create_details(&sim, "dup")), &token).await;
    assert_eq!((replay.status, &replay.json["id"]), (200, &first.json["id"]));
    // Another create of the same name: 409.
    let again = c.post("/20180608/secrets", Some(&create_details(&sim, "dup")), &[]).await;
    assert_eq!((again.status, again.code()), (409, "Conflict"));
    assert_eq!(sim.state_view()["secrets"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn create_secret_refuses_unknown_vaults_keys_and_bad_details() {
    let (sim, c) = setup(instant()).await;
    let with = |field: &str, value: Value| {
        let mut d = create_details(&sim, "x");
        d[field] = value;
        d
    };
    let cases = [
        (with("vaultId", json!("ocid1.vault.oc1.iad.nope")), 404),
        (with("compartmentId", json!("ocid1.compartment.oc1..nope")), 404),
        (with("keyId", json!("ocid1.key.oc1.iad.nope")), 400),
        (with("secretName", Value::Null), 400),
        (with("secretContent", json!({"contentType": "BASE64", "content": "%%%"})), 400),
        (with("secretContent", Value::Null), 400),
        (with("metadata", json!([1])), 400),
        (with("rotationConfig", json!({"targetSystemDetails": {"targetSystemType": "FUNCTION"}})), 400),
        (
            with(
                "rotationConfig",
                json!({"rotationInterval": "90 days", "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": "f"}}),
            ),
            400,
        ),
    ];
    for (details, status) in cases {
        let r = c.post("/20180608/secrets", Some(&details), &[]).await;
        assert_eq!(r.status, status, "{details} -> {:?}", r.json);
    }
    assert_eq!(sim.state_view()["secrets"], json!([]));
}
