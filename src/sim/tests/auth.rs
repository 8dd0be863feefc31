//! Signatures and principals: unsigned, stale, tampered and forged requests are 401; resource
//! principal sessions and administrators may do anything; a user's own API key may only read
//! that user, and only once the key is ACTIVE.

use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use super::{instant, setup, Client};
use crate::oci::signer::{self, RequestParts};
use crate::sim::{SimOptions, Simulator};

#[tokio::test]
async fn unsigned_stale_and_tampered_requests_are_401() {
    let (sim, c) = setup(instant()).await;
    let user = sim.create_user("u");
    let unsigned = reqwest::get(format!("{}/20160918/users/{user}", c.endpoint)).await.unwrap();
    assert_eq!(unsigned.status(), 401);
    assert!(unsigned.headers().contains_key("opc-request-id"));
    let body: Value = serde_json::from_slice(&unsigned.bytes().await.unwrap()).unwrap();
    assert_eq!(body["code"], "NotAuthenticated");

    let stale =
        c.send_dated("GET", &format!("/20160918/users/{user}"), None, &[], SystemTime::now() - Duration::from_secs(400)).await.unwrap();
    assert_eq!((stale.status, stale.code()), (401, "NotAuthenticated"));
    let ahead =
        c.send_dated("GET", &format!("/20160918/users/{user}"), None, &[], SystemTime::now() + Duration::from_secs(400)).await.unwrap();
    assert_eq!(ahead.status, 401);
    let slight =
        c.send_dated("GET", &format!("/20160918/users/{user}"), None, &[], SystemTime::now() - Duration::from_secs(60)).await.unwrap();
    assert_eq!(slight.status, 200);

    // A body that is not the one signed.
    let path = format!("/20160918/users/{user}/authTokens");
    let (signed_body, sent_body) = (br#"{"description":"a"}"#, br#"{"description":"b"}"#);
    let date = httpdate::fmt_http_date(SystemTime::now());
    let parts = RequestParts {
        method: "POST",
        path_and_query: &path,
        host: &c.host,
        date: &date,
        body: signed_body,
        content_type: "application/json",
    };
    let signed = signer::sign(&parts, &c.key, &c.key_id).unwrap();
    let Some(b) = signed.body else { panic!("POST signs the body") };
    let r = c
        .http
        .post(format!("{}{path}", c.endpoint))
        .header("date", &date)
        .header("authorization", &signed.authorization)
        .header("content-type", &b.content_type)
        .header("x-content-sha256", &b.x_content_sha256)
        .body(sent_body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert!(sim.auth_tokens(&user).is_empty(), "a refused request changes nothing");
    let ops: Vec<(String, u16)> = sim.journal().into_iter().map(|j| (j.operation, j.status)).collect();
    assert_eq!(ops.last(), Some(&("CreateAuthToken".to_owned(), 401)));
}

#[tokio::test]
async fn a_resource_principal_session_is_trusted_and_a_forged_one_is_not() {
    let (sim, _admin) = setup(instant()).await;
    let endpoint = _admin.endpoint.clone();
    let session = sim.create_resource_principal();
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(session.rpst.split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert_eq!(claims["res_tenant"], sim.tenancy_id());
    assert_eq!(claims["jwk"]["kty"], "RSA");
    assert!(claims["exp"].as_i64().unwrap() > claims["iat"].as_i64().unwrap() + 3000);
    let tenancy = format!("/20160918/tenancies/{}", sim.tenancy_id());

    let rp = Client::new(&endpoint, &session.private_key_pem, &format!("ST${}", session.rpst));
    let r = rp.get(&tenancy).await;
    assert_eq!((r.status, r.json["homeRegionKey"].as_str()), (200, Some("IAD")));

    // The same claims with another signature, or another simulator's token: refused.
    let mut parts: Vec<&str> = session.rpst.split('.').collect();
    parts[2] = "AAAA";
    let forged = Client::new(&endpoint, &session.private_key_pem, &format!("ST${}", parts.join(".")));
    assert_eq!(forged.get(&tenancy).await.status, 401);
    let other = Simulator::new(instant()).create_resource_principal();
    let foreign = Client::new(&endpoint, &other.private_key_pem, &format!("ST${}", other.rpst));
    assert_eq!(foreign.get(&tenancy).await.status, 401);
    // The right token, signed with another key.
    let wrong_key = Client::new(&endpoint, &other.private_key_pem, &format!("ST${}", session.rpst));
    assert_eq!(wrong_key.get(&tenancy).await.status, 401);
}

#[tokio::test]
async fn a_users_own_key_may_only_read_that_user() {
    let (sim, admin) = setup(instant()).await;
    let user = sim.create_user("u");
    let other = sim.create_user("v");
    let key = crate::keys::generate(2048).unwrap();
    let fp = sim.upload_api_key(&user, &key.public_pem).unwrap();
    let own = Client::new(&admin.endpoint, &key.private_pem, &format!("{}/{user}/{fp}", sim.tenancy_id()));
    let r = own.get(&format!("/20160918/users/{user}")).await;
    assert_eq!((r.status, r.json["id"].as_str()), (200, Some(user.as_str())));
    assert_eq!(r.json["lifecycleState"], "ACTIVE");
    assert_eq!(r.json["capabilities"]["canUseApiKeys"], true);
    for path in [format!("/20160918/users/{other}"), format!("/20160918/users/{user}/apiKeys")] {
        let r = own.get(&path).await;
        assert_eq!((r.status, r.code()), (404, "NotAuthorizedOrNotFound"), "{path}");
    }
    let r = own.post(&format!("/20160918/users/{user}/authTokens"), Some(&json!({"description": "x"})), &[]).await;
    assert_eq!(r.status, 404);
    assert!(sim.auth_tokens(&user).is_empty());
    // Once the key is deleted it no longer signs.
    sim.state().iam.delete_api_key(&user, &fp).unwrap();
    assert_eq!(own.get(&format!("/20160918/users/{user}")).await.status, 401);
}

#[tokio::test]
async fn an_uploaded_key_signs_only_once_it_has_propagated() {
    let (sim, admin) = setup(SimOptions { updating_ms: 0, key_propagation_ms: 300, ..Default::default() }).await;
    let user = sim.create_user("u");
    let key = crate::keys::generate(2048).unwrap();
    let r = admin.post(&format!("/20160918/users/{user}/apiKeys"), Some(&json!({"key": key.public_pem})), &[]).await;
    assert_eq!((r.status, r.json["lifecycleState"].as_str()), (200, Some("CREATING")));
    assert_eq!(r.json["keyId"], format!("{}/{user}/{}", sim.tenancy_id(), key.fingerprint));
    let own = Client::new(&admin.endpoint, &key.private_pem, r.json["keyId"].as_str().unwrap());
    assert_eq!(own.get(&format!("/20160918/users/{user}")).await.status, 401);
    assert_eq!(sim.api_keys(&user)[0].state, "CREATING");
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(own.get(&format!("/20160918/users/{user}")).await.status, 200);
    assert_eq!(sim.api_keys(&user)[0].state, "ACTIVE");
}
