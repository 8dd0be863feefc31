//! Identity: API keys, auth tokens, customer secret keys and console passwords, IAM's limits,
//! one-time secrets, and `opc-retry-token` replays.

use serde_json::{json, Value};

use super::{instant, setup};
use crate::secret::CredentialKind;

fn ids(list: &Value, field: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|x| x[field].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn api_keys_upload_list_delete_and_limits() {
    let (sim, c) = setup(instant()).await;
    let user = sim.create_user("u");
    let path = format!("/20160918/users/{user}/apiKeys");
    let keys: Vec<_> = (0..4).map(|_| crate::keys::generate(2048).unwrap()).collect();
    for k in &keys[..3] {
        let r = c.post(&path, Some(&json!({"key": k.public_pem})), &[]).await;
        assert_eq!((r.status, r.json["fingerprint"].as_str()), (200, Some(k.fingerprint.as_str())));
        assert_eq!(r.json["keyValue"], k.public_pem);
        assert_eq!(r.json["userId"], user);
    }
    let r = c.post(&path, Some(&json!({"key": keys[3].public_pem})), &[]).await;
    assert_eq!((r.status, r.code()), (400, "LimitExceeded"));
    let r = c.post(&path, Some(&json!({"key": keys[0].public_pem})), &[]).await;
    assert_eq!((r.status, r.code()), (409, "Conflict"));
    let r = c.post(&path, Some(&json!({"key": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"})), &[]).await;
    assert_eq!((r.status, r.code()), (400, "InvalidParameter"));
    assert_eq!(ids(&c.get(&path).await.json, "fingerprint").len(), 3);

    // The fingerprint arrives percent-encoded, as the Python SDK sends it.
    let encoded = keys[1].fingerprint.replace(':', "%3A");
    assert_eq!(c.delete(&format!("{path}/{encoded}")).await.status, 204);
    assert_eq!(c.delete(&format!("{path}/{}", keys[2].fingerprint)).await.status, 204);
    let r = c.delete(&format!("{path}/{encoded}")).await;
    assert_eq!((r.status, r.code()), (404, "NotAuthorizedOrNotFound"));
    assert_eq!(ids(&c.get(&path).await.json, "fingerprint"), [keys[0].fingerprint.clone()]);
    let writes: Vec<(String, bool)> = sim.journal().into_iter().filter(|j| j.method == "DELETE").map(|j| (j.operation, j.write)).collect();
    assert_eq!(writes, [("DeleteApiKey".to_owned(), true), ("DeleteApiKey".to_owned(), true), ("DeleteApiKey".to_owned(), false)]);
}

#[tokio::test]
async fn auth_tokens_show_their_secret_once_and_stop_at_two() {
    let (sim, c) = setup(instant()).await;
    let user = sim.create_user("u");
    let path = format!("/20160918/users/{user}/authTokens");
    let first = c.post(&path, Some(&json!({"description": "oci-rotator x"})), &[]).await;
    assert_eq!(first.status, 200);
    assert!(first.json["id"].as_str().unwrap().starts_with("ocid1.credential.oc1.."));
    assert!(first.json["token"].as_str().unwrap().len() >= 20);
    assert_eq!((first.json["description"].as_str(), first.json["lifecycleState"].as_str()), (Some("oci-rotator x"), Some("ACTIVE")));
    c.post(&path, Some(&json!({"description": ""})), &[]).await;
    let r = c.post(&path, Some(&json!({"description": "third"})), &[]).await;
    assert_eq!((r.status, r.code()), (400, "LimitExceeded"));
    let list = c.get(&path).await.json;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert!(list.as_array().unwrap().iter().all(|t| t.get("token").is_none()), "the token is shown only by the create");
    let id = first.json["id"].as_str().unwrap();
    assert_eq!(c.delete(&format!("{path}/{id}")).await.status, 204);
    assert_eq!(sim.auth_tokens(&user).len(), 1);
    assert_eq!(c.post(&path, Some(&json!({})), &[]).await.code(), "MissingParameter");
}

#[tokio::test]
async fn customer_secret_keys_use_the_access_key_as_id() {
    let (sim, c) = setup(instant()).await;
    let user = sim.create_user("u");
    let path = format!("/20160918/users/{user}/customerSecretKeys");
    let r = c.post(&path, Some(&json!({"displayName": "oci-rotator s"})), &[]).await;
    let id = r.json["id"].as_str().unwrap();
    assert!(id.len() == 40 && id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(r.json["key"].as_str().unwrap().len() >= 40);
    assert_eq!(r.json["displayName"], "oci-rotator s");
    let list = c.get(&path).await.json;
    assert_eq!(ids(&list, "id"), [id.to_owned()]);
    assert!(list[0].get("key").is_none());
    c.post(&path, Some(&json!({"displayName": "b"})), &[]).await;
    assert_eq!(c.post(&path, Some(&json!({"displayName": "c"})), &[]).await.code(), "LimitExceeded");
    assert_eq!(sim.customer_secret_keys(&user)[0].description, "oci-rotator s");
}

#[tokio::test]
async fn ui_password_reset_with_an_empty_signed_body() {
    let (sim, c) = setup(instant()).await;
    let user = sim.create_user("u");
    let path = format!("/20160918/users/{user}/uiPassword");
    assert_eq!(c.get(&path).await.status, 404);
    let first = c.post(&path, None, &[]).await;
    assert_eq!(first.status, 200, "{:?}", first.json);
    let password = first.json["password"].as_str().unwrap().to_owned();
    assert_eq!(sim.ui_password(&user).as_deref(), Some(password.as_str()));
    let info = c.get(&path).await;
    assert_eq!((info.status, info.json["lifecycleState"].as_str()), (200, Some("ACTIVE")));
    assert!(info.json.get("password").is_none());
    let second = c.post(&path, None, &[]).await;
    assert_ne!(second.json["password"].as_str(), Some(password.as_str()), "a reset replaces the password");
    assert_eq!(sim.ui_password(&user).as_deref(), second.json["password"].as_str());
}

#[tokio::test]
async fn a_retry_token_replays_the_same_credential_until_it_is_deleted() {
    let (sim, c) = setup(instant()).await;
    let user = sim.create_user("u");
    let path = format!("/20160918/users/{user}/authTokens");
    let token = [("opc-retry-token", "retry-abc")];
    let first = c.post(&path, Some(&json!({"description": "d"})), &token).await;
    let again = c.post(&path, Some(&json!({"description": "d"})), &token).await;
    assert_eq!(first.json, again.json, "same id and same token");
    assert_eq!(sim.auth_tokens(&user).len(), 1);
    // Another token creates another credential.
    let other = c.post(&path, Some(&json!({"description": "d"})), &[("opc-retry-token", "retry-def")]).await;
    assert_ne!(other.json["id"], first.json["id"]);
    // Once deleted, the first token is invalidated.
    c.delete(&format!("{path}/{}", first.json["id"].as_str().unwrap())).await;
    let r = c.post(&path, Some(&json!({"description": "d"})), &token).await;
    assert_eq!((r.status, r.code()), (409, "InvalidatedRetryToken"));

    // The same for API keys and console passwords.
    let key = crate::keys::generate(2048).unwrap();
    let keys = format!("/20160918/users/{user}/apiKeys");
    let a = c.post(&keys, Some(&json!({"key": key.public_pem})), &[("opc-retry-token", "k")]).await;
    let b = c.post(&keys, Some(&json!({"key": key.public_pem})), &[("opc-retry-token", "k")]).await;
    assert_eq!((a.status, b.status, &a.json["fingerprint"]), (200, 200, &b.json["fingerprint"]));
    let pw = format!("/20160918/users/{user}/uiPassword");
    let p1 = c.post(&pw, None, &[("opc-retry-token", "p")]).await;
    let p2 = c.post(&pw, None, &[("opc-retry-token", "p")]).await;
    assert_eq!(p1.json["password"], p2.json["password"]);
    c.post(&pw, None, &[]).await;
    assert_eq!(c.post(&pw, None, &[("opc-retry-token", "p")]).await.code(), "InvalidatedRetryToken");
    let writes = sim.journal().into_iter().filter(|j| j.write).count();
    assert_eq!(writes, 6, "replays are not writes: {:?}", sim.journal());
}

#[tokio::test]
async fn tenancy_and_users() {
    let (sim, c) = setup(instant()).await;
    let t = c.get(&format!("/20160918/tenancies/{}", sim.tenancy_id())).await;
    assert_eq!((t.status, t.json["homeRegionKey"].as_str()), (200, Some("IAD")));
    let regions = c.get(&format!("/20160918/tenancies/{}/regionSubscriptions", sim.tenancy_id())).await;
    assert_eq!(regions.json[0]["regionName"], "us-ashburn-1");
    assert_eq!(c.get("/20160918/users/ocid1.user.oc1..nobody").await.code(), "NotAuthorizedOrNotFound");
}

#[tokio::test]
async fn seed_makes_one_live_credential_per_kind() {
    let (sim, c) = setup(instant()).await;
    let seeded = sim.seed().await;
    assert_eq!(seeded.secrets.len(), CredentialKind::ALL.len());
    let api_user = &seeded.users["API_KEY"];
    let v1 = &sim.secret_versions(&seeded.secrets["API_KEY"])[0];
    assert_eq!(v1.stages, ["CURRENT", "LATEST"]);
    assert_eq!(v1.content["tenancyId"], sim.tenancy_id());
    let fps: Vec<String> = sim.api_keys(api_user).into_iter().map(|k| k.fingerprint).collect();
    assert_eq!(fps.len(), 2, "the managed key and an unmanaged one");
    assert!(fps.contains(&v1.content["fingerprint"].as_str().unwrap().to_owned()));
    let token = &sim.secret_versions(&seeded.secrets["AUTH_TOKEN"])[0].content;
    let tokens = sim.auth_tokens(&seeded.users["AUTH_TOKEN"]);
    assert_eq!(tokens[0].id, token["authTokenId"].as_str().unwrap());
    assert_eq!(tokens[0].description, format!("oci-rotator {}", seeded.secrets["AUTH_TOKEN"]));
    let csk = &sim.secret_versions(&seeded.secrets["CUSTOMER_SECRET_KEY"])[0].content;
    assert_eq!(sim.customer_secret_keys(&seeded.users["CUSTOMER_SECRET_KEY"])[0].id, csk["accessKeyId"].as_str().unwrap());
    let pw = &sim.secret_versions(&seeded.secrets["CONSOLE_PASSWORD"])[0].content;
    assert_eq!(sim.ui_password(&seeded.users["CONSOLE_PASSWORD"]).as_deref(), pw["password"].as_str());
    let secret = c.get(&format!("/20180608/secrets/{}", seeded.secrets["AUTH_TOKEN"])).await;
    assert_eq!(secret.json["metadata"]["credentialType"], "AUTH_TOKEN");
    assert_eq!(secret.json["secretName"], "demo-auth_token");
}
