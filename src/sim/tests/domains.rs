//! Identity domains: ListDomains/GetDomain, each domain at a URL of its own with no path (a loopback
//! port; the fallback `<endpoint>/idcs-<hex>/admin/v1/` still routes), SCIM
//! bodies and errors, filters, schemas checked, IAM's limits, one-time secrets, retry tokens,
//! faults and the journal on a domain route, the classic API's 404 for SECONDARY users,
//! UserPasswordChanger against the password policy, and `Me` signed by the user's own key. Paths
//! take SCIM ids only: an OCID in a path is a 404, as an unknown id is (contract 4.2).

use serde_json::{json, Value};

use super::{instant, setup, Client, Resp};
use crate::sim::{Fault, FaultKind, SimOptions, Simulator};

const API_KEY: &str = "urn:ietf:params:scim:schemas:oracle:idcs:apikey";
const AUTH_TOKEN: &str = "urn:ietf:params:scim:schemas:oracle:idcs:authToken";
const CSK: &str = "urn:ietf:params:scim:schemas:oracle:idcs:customerSecretKey";
const PASSWORD_CHANGER: &str = "urn:ietf:params:scim:schemas:oracle:idcs:UserPasswordChanger";
const PASSWORD_STATE: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:passwordState:User";
const OCI_TAGS: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:OCITags";

/// The URL of a domain's REST API + `rest` (`_c`: the client that will send it, any works).
fn at(_c: &Client, domain_url: &str, rest: &str) -> String {
    format!("{domain_url}/admin/v1/{rest}")
}

/// True for `http://127.0.0.1:<port>`: a URL with no path, and not the simulator's endpoint.
fn host_only(url: &str, endpoint: &str) -> bool {
    url.strip_prefix("http://127.0.0.1:").is_some_and(|port| port.parse::<u16>().is_ok()) && url != endpoint
}

fn scim_error(r: &Resp, status: u16) {
    assert_eq!(r.status, status, "{:?}", r.json);
    assert_eq!(r.json["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:Error", "{:?}", r.json);
    assert_eq!(r.json["status"], status.to_string());
    assert!(r.json["detail"].as_str().is_some_and(|d| !d.is_empty()));
}

fn resources(r: &Resp) -> Vec<Value> {
    assert_eq!(r.json["schemas"][0], "urn:ietf:params:scim:api:messages:2.0:ListResponse", "{:?}", r.json);
    let n = r.json["totalResults"].as_u64().unwrap() as usize;
    assert_eq!(r.json["itemsPerPage"].as_u64(), Some(n as u64));
    if n == 0 {
        assert!(r.json.get("Resources").is_none(), "no Resources when empty");
        return Vec::new();
    }
    r.json["Resources"].as_array().unwrap().clone()
}

fn enc(s: &str) -> String {
    s.replace(' ', "%20").replace('"', "%22")
}

#[tokio::test]
async fn list_and_get_domains_with_urls_of_their_own() {
    let (sim, c) = setup(instant()).await;
    let default = sim.default_domain();
    let other = sim.create_domain("apps");
    assert!(
        host_only(&default.url, &c.endpoint) && host_only(&other.url, &c.endpoint) && default.url != other.url,
        "{default:?} {other:?}"
    );
    assert_eq!(sim.domain_url(&other.id).as_deref(), Some(other.url.as_str()));
    let list = c.get(&format!("/20160918/domains?compartmentId={}", sim.tenancy_id())).await;
    assert_eq!(list.status, 200);
    let types: Vec<(&str, &str)> =
        list.json.as_array().unwrap().iter().map(|d| (d["type"].as_str().unwrap(), d["url"].as_str().unwrap())).collect();
    assert_eq!(types, [("DEFAULT", default.url.as_str()), ("SECONDARY", other.url.as_str())]);
    let only = c.get(&format!("/20160918/domains?compartmentId={}&type=SECONDARY", sim.tenancy_id())).await;
    assert_eq!(only.json.as_array().unwrap().len(), 1);
    assert_eq!(c.get("/20160918/domains").await.status, 400, "compartmentId is required");

    let got = c.get(&format!("/20160918/domains/{}", other.id)).await;
    assert_eq!((got.status, got.json["displayName"].as_str(), got.json["lifecycleState"].as_str()), (200, Some("apps"), Some("ACTIVE")));
    for field in
        ["compartmentId", "homeRegionUrl", "homeRegion", "timeCreated", "licenseType", "isHiddenOnLogin", "replicaRegions", "freeformTags"]
    {
        assert!(got.json.get(field).is_some(), "{field}");
    }
    let missing = c.get("/20160918/domains/ocid1.domain.oc1..nope").await;
    assert_eq!((missing.status, missing.code()), (404, "NotAuthorizedOrNotFound"));

    sim.set_domain_state(&other.id, "INACTIVE").unwrap();
    assert_eq!(c.get(&format!("/20160918/domains/{}", other.id)).await.json["lifecycleState"], "INACTIVE");
    let user = sim.create_domain_user(&other.id, "x");
    let scim = sim.user_scim_id(&user).unwrap();
    scim_error(&c.get(&at(&c, &other.url, &format!("Users/{scim}"))).await, 404);
    let ops: Vec<String> = sim.journal().into_iter().map(|j| j.operation).collect();
    assert!(
        ops.starts_with(&["ListDomains".to_owned(), "ListDomains".to_owned(), "ListDomains".to_owned(), "GetDomain".to_owned()]),
        "{ops:?}"
    );
}

#[tokio::test]
async fn each_domain_is_served_at_its_own_port_and_under_the_fallback_prefix() {
    // A domain created before the simulator serves has the fallback URL until it is served.
    let sim = Simulator::new(instant());
    let early = sim.create_domain("early");
    assert_eq!(early.url, format!("/idcs-{}", early.url.rsplit("idcs-").next().unwrap()));
    let endpoint = sim.spawn().await.unwrap();
    let admin = sim.create_admin();
    let c = Client::new(&endpoint, &admin.private_key_pem, &admin.key_id);
    let served = sim.domain_url(&early.id).unwrap();
    assert!(host_only(&served, &endpoint), "{served}");
    let user = sim.create_domain_user(&early.id, "alice");
    let scim = sim.user_scim_id(&user).unwrap();
    // At its own URL, signed over the raw path `/admin/v1/...` with its own host.
    let own = c.get(&at(&c, &served, &format!("Users/{scim}"))).await;
    assert_eq!((own.status, own.json["id"].as_str()), (200, Some(scim.as_str())), "{:?}", own.json);
    assert_eq!(own.json["meta"]["location"], format!("{served}/admin/v1/Users/{scim}"));
    // Under the fallback prefix at the endpoint too.
    let prefixed = c.get(&format!("/idcs-{}/admin/v1/Users/{scim}", early.url.rsplit("idcs-").next().unwrap())).await;
    assert_eq!(prefixed.status, 200, "{:?}", prefixed.json);
    // Only the domain's API is there: other paths are SCIM 404s, and so is the prefix.
    scim_error(&c.get(&format!("{served}/20180608/secrets")).await, 404);
    scim_error(&c.get(&format!("{served}/idcs-{}/admin/v1/Users/{scim}", early.url.rsplit("idcs-").next().unwrap())).await, 404);
    // The journal has the path as received.
    let paths: Vec<String> = sim.journal().into_iter().filter(|j| j.operation == "DomainGetUser").map(|j| j.path).collect();
    assert_eq!(paths[0], format!("/admin/v1/Users/{scim}"));
    // A domain created later is served at once, each on a port of its own.
    let late = sim.create_domain("late");
    assert!(host_only(&late.url, &endpoint) && late.url != served);
    let late_user = sim.create_domain_user(&late.id, "bob");
    let late_scim = sim.user_scim_id(&late_user).unwrap();
    assert_eq!(c.get(&at(&c, &late.url, &format!("Users/{late_scim}"))).await.status, 200);
    scim_error(&c.get(&at(&c, &late.url, &format!("Users/{scim}"))).await, 404);
}

#[tokio::test]
async fn a_legacy_tenancy_has_no_domains_and_no_domain_routes() {
    let (sim, c) = setup(SimOptions { identity_domains: false, ..instant() }).await;
    let list = c.get(&format!("/20160918/domains?compartmentId={}", sim.tenancy_id())).await;
    assert_eq!((list.status, list.json.clone()), (200, json!([])));
    let default = sim.default_domain();
    assert_eq!(c.get(&format!("/20160918/domains/{}", default.id)).await.status, 404);
    let user = sim.create_user("u");
    scim_error(&c.get(&at(&c, &default.url, &format!("Users/{}", sim.user_scim_id(&user).unwrap()))).await, 404);
    assert_eq!(c.get(&format!("/20160918/users/{user}")).await.status, 200, "the classic API is unchanged");
    let seeded = sim.seed().await;
    assert!(
        seeded.domain_id.is_empty() && seeded.domain_secrets.is_empty() && seeded.secrets.len() == crate::secret::CredentialKind::ALL.len()
    );
}

#[tokio::test]
async fn users_by_scim_id_and_filter_never_by_ocid_in_the_path_and_classic_404_for_secondary_users() {
    let (sim, c) = setup(instant()).await;
    let d = sim.create_domain("apps");
    let user = sim.create_domain_user(&d.id, "alice");
    let scim_id = sim.user_scim_id(&user).unwrap();
    let classic = sim.create_user("bob");
    let classic_scim = sim.user_scim_id(&classic).unwrap();

    let r = c.get(&at(&c, &d.url, &format!("Users/{scim_id}"))).await;
    assert_eq!(r.status, 200, "{:?}", r.json);
    assert_eq!((r.json["id"].as_str(), r.json["ocid"].as_str()), (Some(scim_id.as_str()), Some(user.as_str())));
    assert_eq!((r.json["userName"].as_str(), r.json["active"].as_bool()), (Some("alice"), Some(true)));
    assert_eq!(r.json["domainOcid"], d.id);
    assert_eq!(r.json["schemas"][0], "urn:ietf:params:scim:schemas:core:2.0:User");
    assert!(r.json.get(PASSWORD_STATE).is_none(), "only when asked for");
    // The stricter reading: an OCID in the path is an unknown id.
    scim_error(&c.get(&at(&c, &d.url, &format!("Users/{user}"))).await, 404);
    // A user of another domain is not in this one; a SECONDARY user is not in the classic API.
    scim_error(&c.get(&at(&c, &d.url, &format!("Users/{classic_scim}"))).await, 404);
    assert_eq!(c.get(&at(&c, &sim.default_domain().url, &format!("Users/{classic_scim}"))).await.status, 200);
    for path in [format!("/20160918/users/{user}"), format!("/20160918/users/{user}/apiKeys"), format!("/20160918/users/{user}/authTokens")]
    {
        let r = c.get(&path).await;
        assert_eq!((r.status, r.code()), (404, "NotAuthorizedOrNotFound"), "{path}");
    }
    let r = c.post(&format!("/20160918/users/{user}/authTokens"), Some(&json!({"description": "x"})), &[]).await;
    assert_eq!(r.status, 404);
    assert!(sim.auth_tokens(&user).is_empty());

    let found = c.get(&at(&c, &d.url, &format!("Users?filter={}", enc(&format!("ocid eq \"{user}\""))))).await;
    assert_eq!(resources(&found).iter().map(|u| u["ocid"].clone()).collect::<Vec<_>>(), [json!(user)]);
    // `+` for spaces, as form encoding sends them.
    let plus = c.get(&at(&c, &d.url, &format!("Users?filter=ocid+eq+%22{classic}%22"))).await;
    assert!(resources(&plus).is_empty());
    scim_error(&c.get(&at(&c, &d.url, "Users?filter=ocid%20co%20%22x%22")).await, 400);
    assert_eq!(resources(&c.get(&at(&c, &d.url, "Users")).await).len(), 1);
}

#[tokio::test]
async fn patch_replaces_freeform_tags_and_attributes_show_the_password_state() {
    let (sim, c) = setup(instant()).await;
    let d = sim.create_domain("apps");
    let user = sim.create_domain_user(&d.id, "alice");
    let path = at(&c, &d.url, &format!("Users/{}", sim.user_scim_id(&user).unwrap()));
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace",
        "path": "urn:ietf:params:scim:schemas:oracle:idcs:extension:OCITags:freeformTags",
        "value": [{"key": "oci-rotator-auth-token", "value": "ocid1.vaultsecret.oc1..x"}, {"key": "team", "value": "a"}]}]});
    let r = c.send("PATCH", &path, Some(&patch), &[]).await.unwrap();
    assert_eq!(r.status, 200, "{:?}", r.json);
    let tags = &r.json[OCI_TAGS]["freeformTags"];
    assert_eq!(tags, &json!([{"key": "oci-rotator-auth-token", "value": "ocid1.vaultsecret.oc1..x"}, {"key": "team", "value": "a"}]));
    assert_eq!(sim.user_tags(&user).get("team").map(String::as_str), Some("a"));
    let journal = sim.journal();
    let last = journal.last().unwrap();
    assert_eq!((last.operation.as_str(), last.write), ("DomainPatchUser", true));
    let bad = c.send("PATCH", &path, Some(&json!({"Operations": patch["Operations"]})), &[]).await.unwrap();
    scim_error(&bad, 400);
    let by_ocid = c.send("PATCH", &at(&c, &d.url, &format!("Users/{user}")), Some(&patch), &[]).await.unwrap();
    scim_error(&by_ocid, 404);

    // passwordState: present when asked for, with lastSuccessfulSetDate once a password is set.
    let ask = format!("{path}?attributes={PASSWORD_STATE}");
    let before = c.get(&ask).await;
    assert!(before.json[PASSWORD_STATE].is_object() && before.json[PASSWORD_STATE].get("lastSuccessfulSetDate").is_none());
    sim.reset_ui_password(&user).unwrap();
    let after = c.get(&format!("{path}?attributeSets=all")).await;
    assert!(after.json[PASSWORD_STATE]["lastSuccessfulSetDate"].as_str().is_some(), "{:?}", after.json);
}

#[tokio::test]
async fn credentials_schemas_limits_filters_and_one_time_secrets() {
    let (sim, c) = setup(instant()).await;
    let d = sim.create_domain("apps");
    let user = sim.create_domain_user(&d.id, "alice");
    let other = sim.create_domain_user(&d.id, "bob");
    let scim_id = sim.user_scim_id(&user).unwrap();
    let tokens = at(&c, &d.url, "AuthTokens");

    scim_error(&c.post(&tokens, Some(&json!({"user": {"value": scim_id}, "description": "d"})), &[]).await, 400);
    scim_error(&c.post(&tokens, Some(&json!({"schemas": [API_KEY], "user": {"value": scim_id}})), &[]).await, 400);
    scim_error(&c.post(&tokens, Some(&json!({"schemas": [AUTH_TOKEN], "description": "d"})), &[]).await, 400);
    scim_error(&c.post(&tokens, Some(&json!({"schemas": [AUTH_TOKEN], "user": {"value": "nobody"}})), &[]).await, 404);

    let first =
        c.post(&tokens, Some(&json!({"schemas": [AUTH_TOKEN], "user": {"value": scim_id}, "description": "oci-rotator s"})), &[]).await;
    assert_eq!(first.status, 201, "{:?}", first.json);
    let (token_scim, token_ocid) = (first.json["id"].as_str().unwrap().to_owned(), first.json["ocid"].as_str().unwrap().to_owned());
    assert!(token_ocid.starts_with("ocid1.credential.oc1..") && token_scim.len() == 32);
    assert!(first.json["token"].as_str().unwrap().len() >= 20);
    assert_eq!((first.json["user"]["value"].as_str(), first.json["user"]["ocid"].as_str()), (Some(scim_id.as_str()), Some(user.as_str())));
    assert_eq!(first.json["status"], "ACTIVE");
    // The same store: CredView.id is the token's OCID.
    let views = sim.auth_tokens(&user);
    assert_eq!((views[0].id.as_str(), views[0].description.as_str()), (token_ocid.as_str(), "oci-rotator s"));
    let second = c.post(&tokens, Some(&json!({"schemas": [AUTH_TOKEN], "user": {"ocid": user}})), &[]).await;
    assert_eq!(second.status, 201);
    let third = c.post(&tokens, Some(&json!({"schemas": [AUTH_TOKEN], "user": {"ocid": user}})), &[]).await;
    scim_error(&third, 400);
    assert!(third.json["detail"].as_str().unwrap().contains("at most 2"), "{:?}", third.json);
    sim.create_auth_token(&other, "bob's").unwrap();

    for filter in [format!("user.value eq \"{scim_id}\""), format!("user.ocid eq \"{user}\"")] {
        let list = resources(&c.get(&format!("{tokens}?filter={}", enc(&filter))).await);
        assert_eq!(list.len(), 2, "{filter}");
        assert!(list.iter().all(|t| t.get("token").is_none()), "the token is shown only by the create");
    }
    assert_eq!(resources(&c.get(&tokens).await).len(), 3);
    scim_error(&c.get(&format!("{tokens}?filter={}", enc("description eq \"x\""))).await, 400);

    let by_id = c.get(&format!("{tokens}/{token_scim}")).await;
    assert_eq!((by_id.status, by_id.json["ocid"].as_str()), (200, Some(token_ocid.as_str())));
    assert!(by_id.json.get("token").is_none());
    // An OCID in the path is an unknown id: not read, not deleted.
    scim_error(&c.get(&format!("{tokens}/{token_ocid}")).await, 404);
    scim_error(&c.delete(&format!("{tokens}/{token_ocid}")).await, 404);
    assert_eq!(sim.auth_tokens(&user).len(), 2);
    assert_eq!(c.delete(&format!("{tokens}/{token_scim}")).await.status, 204);
    scim_error(&c.delete(&format!("{tokens}/{token_scim}")).await, 404);
    assert_eq!(sim.auth_tokens(&user).len(), 1);

    // Customer secret keys: the access key is `accessKey` (and CredView.id), the secret `secretKey`.
    let keys = at(&c, &d.url, "CustomerSecretKeys");
    let body = json!({"schemas": [CSK], "user": {"value": scim_id}, "displayName": "oci-rotator s", "description": "oci-rotator s"});
    let csk = c.post(&keys, Some(&body), &[]).await;
    assert_eq!(csk.status, 201, "{:?}", csk.json);
    let access = csk.json["accessKey"].as_str().unwrap();
    assert!(csk.json["secretKey"].as_str().unwrap().len() >= 40);
    assert_eq!(sim.customer_secret_keys(&user)[0].id, access);
    assert_ne!(csk.json["id"].as_str(), Some(access));
    let listed = resources(&c.get(&format!("{keys}?filter={}", enc(&format!("user.ocid eq \"{user}\"")))).await);
    assert!(listed[0].get("secretKey").is_none() && listed[0]["accessKey"] == access);
    c.post(&keys, Some(&body), &[]).await;
    scim_error(&c.post(&keys, Some(&body), &[]).await, 400);
    assert_eq!(c.delete(&format!("{keys}/{}", csk.json["id"].as_str().unwrap())).await.status, 204);

    // API keys: the fingerprint comes back; three at most; the classic view shares them.
    let apikeys = at(&c, &d.url, "ApiKeys");
    let generated: Vec<_> = (0..4).map(|_| crate::keys::generate(2048).unwrap()).collect();
    for k in &generated[..3] {
        let r = c.post(&apikeys, Some(&json!({"schemas": [API_KEY], "user": {"ocid": user}, "key": k.public_pem})), &[]).await;
        assert_eq!((r.status, r.json["fingerprint"].as_str()), (201, Some(k.fingerprint.as_str())), "{:?}", r.json);
    }
    let r = c.post(&apikeys, Some(&json!({"schemas": [API_KEY], "user": {"ocid": user}, "key": generated[3].public_pem})), &[]).await;
    scim_error(&r, 400);
    scim_error(&c.post(&apikeys, Some(&json!({"schemas": [API_KEY], "user": {"ocid": user}})), &[]).await, 400);
    assert_eq!(sim.api_keys(&user).len(), 3);
    let listed = resources(&c.get(&format!("{apikeys}?filter={}", enc(&format!("user.value eq \"{scim_id}\"")))).await);
    assert_eq!(listed.len(), 3);
    assert_eq!(c.delete(&format!("{apikeys}/{}", listed[0]["id"].as_str().unwrap())).await.status, 204);
    assert_eq!(sim.api_keys(&user).len(), 2);

    let ops: Vec<(String, u16, bool)> =
        sim.journal().into_iter().filter(|j| j.method == "DELETE").map(|j| (j.operation, j.status, j.write)).collect();
    assert_eq!(ops[0], ("DomainDeleteAuthToken".to_owned(), 404, false), "by OCID");
    assert_eq!(ops[1], ("DomainDeleteAuthToken".to_owned(), 204, true));
    assert_eq!(ops[2], ("DomainDeleteAuthToken".to_owned(), 404, false));
    assert_eq!(ops[4].0, "DomainDeleteApiKey");
}

#[tokio::test]
async fn default_domain_users_share_their_credentials_between_both_apis() {
    let (sim, c) = setup(instant()).await;
    let d = sim.default_domain();
    let user = sim.create_user("classic");
    let (token_id, _) = sim.create_auth_token(&user, "made classic").unwrap();
    let list = resources(&c.get(&at(&c, &d.url, &format!("AuthTokens?filter={}", enc(&format!("user.ocid eq \"{user}\""))))).await);
    assert_eq!((list.len(), list[0]["ocid"].as_str()), (1, Some(token_id.as_str())));
    let scim_id = sim.user_scim_id(&user).unwrap();
    let r = c
        .post(
            &at(&c, &d.url, "AuthTokens"),
            Some(&json!({"schemas": [AUTH_TOKEN], "user": {"value": scim_id}, "description": "domain"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 201);
    let classic = c.get(&format!("/20160918/users/{user}/authTokens")).await;
    let ids: Vec<&str> = classic.json.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [token_id.as_str(), r.json["ocid"].as_str().unwrap()]);
    // The classic console-password reset still works for Default-domain users.
    assert_eq!(c.post(&format!("/20160918/users/{user}/uiPassword"), None, &[]).await.status, 200);
}

#[tokio::test]
async fn a_retry_token_replays_a_domain_create() {
    let (sim, c) = setup(instant()).await;
    let d = sim.create_domain("apps");
    let user = sim.create_domain_user(&d.id, "alice");
    let path = at(&c, &d.url, "AuthTokens");
    let body = json!({"schemas": [AUTH_TOKEN], "user": {"ocid": user}, "description": "d"});
    let token = [("opc-retry-token", "retry-1")];
    let first = c.post(&path, Some(&body), &token).await;
    let again = c.post(&path, Some(&body), &token).await;
    assert_eq!((first.status, &first.json), (again.status, &again.json), "same credential, same one-time token");
    assert_eq!(sim.auth_tokens(&user).len(), 1);
    c.delete(&format!("{path}/{}", first.json["id"].as_str().unwrap())).await;
    let r = c.post(&path, Some(&body), &token).await;
    scim_error(&r, 409);
    let writes: Vec<bool> = sim.journal().into_iter().filter(|j| j.method == "POST").map(|j| j.write).collect();
    assert_eq!(writes, [true, false, false]);
}

#[tokio::test]
async fn faults_hit_domain_routes_and_are_journaled_with_scim_errors() {
    let (sim, c) = setup(instant()).await;
    let d = sim.create_domain("apps");
    let user = sim.create_domain_user(&d.id, "alice");
    let path = at(&c, &d.url, "CustomerSecretKeys");
    let body = json!({"schemas": [CSK], "user": {"ocid": user}, "displayName": "x"});
    sim.inject(Fault {
        nth: 1,
        method: Some("POST".into()),
        path_contains: Some("/admin/v1/CustomerSecretKeys".into()),
        kind: FaultKind::Status500,
    });
    scim_error(&c.post(&path, Some(&body), &[]).await, 500);
    assert!(sim.customer_secret_keys(&user).is_empty(), "a 500 fault applies nothing");
    sim.inject(Fault {
        nth: 1,
        method: Some("POST".into()),
        path_contains: Some("CustomerSecretKeys".into()),
        kind: FaultKind::LostResponse,
    });
    assert!(c.send("POST", &path, Some(&body), &[]).await.is_err(), "the response is lost");
    assert_eq!(sim.customer_secret_keys(&user).len(), 1, "but the key was made");
    sim.inject(Fault { nth: 1, method: None, path_contains: Some("/Users/".into()), kind: FaultKind::Status429 { retry_after_secs: 1 } });
    let r = c.get(&at(&c, &d.url, &format!("Users/{user}"))).await;
    scim_error(&r, 429);
    assert_eq!(r.header("retry-after"), Some("1"));
    let journal: Vec<(String, u16, bool, Option<String>)> =
        sim.journal().into_iter().map(|j| (j.operation, j.status, j.write, j.fault)).collect();
    assert_eq!(
        journal,
        [
            ("DomainCreateCustomerSecretKey".to_owned(), 500, false, Some("500".to_owned())),
            ("DomainCreateCustomerSecretKey".to_owned(), 0, true, Some("lost".to_owned())),
            ("DomainGetUser".to_owned(), 429, false, Some("429".to_owned())),
        ]
    );
    // A bad signature is a SCIM 401.
    let stranger = Simulator::new(instant()).create_admin();
    let forged = Client::new(&c.endpoint, &stranger.private_key_pem, &stranger.key_id);
    scim_error(&forged.get(&at(&c, &d.url, &format!("Users/{user}"))).await, 401);
}

#[tokio::test]
async fn user_password_changer_checks_the_policy_and_replaces_the_password() {
    let (sim, c) = setup(instant()).await;
    let d = sim.create_domain("apps");
    let user = sim.create_domain_user(&d.id, "alice");
    let policies = resources(&c.get(&at(&c, &d.url, "PasswordPolicies")).await);
    let p = &policies[0];
    assert_eq!((p["minLength"].as_u64(), p["maxLength"].as_u64(), p["minUpperCase"].as_u64()), (Some(8), Some(40), Some(1)));
    assert_eq!((p["minLowerCase"].as_u64(), p["minNumerals"].as_u64(), p["minSpecialChars"].as_u64()), (Some(1), Some(1), Some(0)));
    assert_eq!((p["priority"].as_u64(), p["passwordStrength"].as_str()), (Some(1), Some("Standard")));

    let path = at(&c, &d.url, &format!("UserPasswordChanger/{}", sim.user_scim_id(&user).unwrap()));
    let set = |pw: &str| json!({"schemas": [PASSWORD_CHANGER], "password": pw, "bypassNotification": true});
    // At the user's OCID: an unknown id, nothing set.
    scim_error(&c.put(&at(&c, &d.url, &format!("UserPasswordChanger/{user}")), &set("Good-Passw0rd"), &[]).await, 404);
    assert!(sim.ui_password(&user).is_none());
    for weak in ["Short1a", "alllowercase1", "ALLUPPERCASE1", "NoNumeralsHere", &format!("Aa1{}", "x".repeat(40))] {
        scim_error(&c.put(&path, &set(weak), &[]).await, 400);
    }
    scim_error(&c.put(&path, &json!({"password": "Good-Passw0rd"}), &[]).await, 400);
    assert!(sim.ui_password(&user).is_none(), "refused passwords change nothing");
    let r = c.put(&path, &set("Good-Passw0rd"), &[]).await;
    assert_eq!(r.status, 200, "{:?}", r.json);
    assert_eq!(r.json["id"].as_str(), sim.user_scim_id(&user).as_deref());
    assert!(r.json.get("password").is_none());
    assert_eq!(sim.ui_password(&user).as_deref(), Some("Good-Passw0rd"));
    assert_eq!(c.put(&path, &set("0ther-Passw0rd"), &[]).await.status, 200);
    assert_eq!(sim.ui_password(&user).as_deref(), Some("0ther-Passw0rd"));
    let last = sim.journal().pop().unwrap();
    assert_eq!((last.operation.as_str(), last.write), ("DomainPutUserPasswordChanger", true));
}

#[tokio::test]
async fn me_is_readable_with_the_users_own_active_key_at_its_own_domain_only() {
    let (sim, admin) = setup(SimOptions { key_propagation_ms: 300, ..instant() }).await;
    let d = sim.create_domain("apps");
    let user = sim.create_domain_user(&d.id, "alice");
    let key = crate::keys::generate(2048).unwrap();
    let up = admin
        .post(&at(&admin, &d.url, "ApiKeys"), Some(&json!({"schemas": [API_KEY], "user": {"ocid": user}, "key": key.public_pem})), &[])
        .await;
    assert_eq!(up.status, 201);
    let own = Client::new(&admin.endpoint, &key.private_pem, &format!("{}/{user}/{}", sim.tenancy_id(), key.fingerprint));
    let me = at(&admin, &d.url, "Me");
    scim_error(&own.get(&me).await, 401); // still CREATING
    tokio::time::sleep(std::time::Duration::from_millis(350)).await;
    let r = own.get(&me).await;
    assert_eq!((r.status, r.json["ocid"].as_str()), (200, Some(user.as_str())), "{:?}", r.json);
    assert_eq!(sim.journal().last().unwrap().operation, "DomainGetMe");
    // Not another domain's Me, not another user, not a write, not the classic API (a SECONDARY user).
    scim_error(&own.get(&at(&admin, &sim.default_domain().url, "Me")).await, 404);
    scim_error(&own.get(&at(&admin, &d.url, &format!("Users/{}", sim.user_scim_id(&user).unwrap()))).await, 404);
    scim_error(
        &own.post(&at(&admin, &d.url, "AuthTokens"), Some(&json!({"schemas": [AUTH_TOKEN], "user": {"ocid": user}})), &[]).await,
        404,
    );
    assert_eq!(own.get(&format!("/20160918/users/{user}")).await.status, 404);
    assert!(sim.auth_tokens(&user).is_empty());
    // A resource principal has no Me.
    let session = sim.create_resource_principal();
    let rp = Client::new(&admin.endpoint, &session.private_key_pem, &format!("ST${}", session.rpst));
    scim_error(&rp.get(&me).await, 404);
}

#[tokio::test]
async fn seed_makes_a_demo_domain_with_one_bound_live_credential_per_kind() {
    let (sim, c) = setup(instant()).await;
    let s = sim.seed().await;
    assert_eq!(s.domain_url, sim.domain_url(&s.domain_id).unwrap());
    assert!(host_only(&s.domain_url, &c.endpoint), "{}", s.domain_url);
    assert_eq!(c.get(&format!("/20160918/domains/{}", s.domain_id)).await.json["displayName"], "rotation-demo-domain");
    for (kind, user) in &s.domain_users {
        let secret = &s.domain_secrets[kind];
        assert_eq!(sim.user_domain(user).as_deref(), Some(s.domain_id.as_str()));
        let meta = c.get(&format!("/20180608/secrets/{secret}")).await.json["metadata"].clone();
        assert_eq!(
            (meta["credentialType"].as_str(), meta["userId"].as_str(), meta["domainId"].as_str()),
            (Some(kind.as_str()), Some(user.as_str()), Some(s.domain_id.as_str()))
        );
        let tag = crate::binding::tag_key(crate::secret::CredentialKind::parse(kind).unwrap());
        let tags = sim.user_tags(user);
        assert_eq!((tags.get(&tag), tags.get("team").map(String::as_str)), (Some(secret), Some("rotation-demo")));
        let got = c.get(&at(&c, &s.domain_url, &format!("Users/{}", sim.user_scim_id(user).unwrap()))).await;
        assert_eq!(got.status, 200);
    }
    let content = |kind: &str| sim.secret_versions(&s.domain_secrets[kind])[0].content.clone();
    let api = content("API_KEY");
    assert_eq!(sim.api_keys(&s.domain_users["API_KEY"])[0].fingerprint, api["fingerprint"].as_str().unwrap());
    assert_eq!(sim.api_keys(&s.domain_users["API_KEY"])[0].state, "ACTIVE");
    for field in ["privateKey", "publicKey", "tenancyId", "region"] {
        assert!(api[field].is_string(), "{field}");
    }
    let meta_bits = c.get(&format!("/20180608/secrets/{}", s.domain_secrets["API_KEY"])).await.json["metadata"]["keyBits"].clone();
    assert_eq!(meta_bits, 2048);
    let token = content("AUTH_TOKEN");
    let tokens = sim.auth_tokens(&s.domain_users["AUTH_TOKEN"]);
    assert_eq!(tokens[0].id, token["authTokenId"].as_str().unwrap());
    assert!(tokens[0].id.starts_with("ocid1.credential.") && token["token"].is_string());
    assert_eq!(tokens[0].description, format!("oci-rotator {}", s.domain_secrets["AUTH_TOKEN"]));
    let csk = content("CUSTOMER_SECRET_KEY");
    let keys = sim.customer_secret_keys(&s.domain_users["CUSTOMER_SECRET_KEY"]);
    assert_eq!(
        (keys[0].id.as_str(), keys[0].description.clone()),
        (csk["accessKeyId"].as_str().unwrap(), format!("oci-rotator {}", s.domain_secrets["CUSTOMER_SECRET_KEY"]))
    );
    assert!(csk["secretAccessKey"].is_string());
    let pw = content("CONSOLE_PASSWORD");
    assert_eq!(sim.ui_password(&s.domain_users["CONSOLE_PASSWORD"]).as_deref(), pw["password"].as_str());
    // Each domain user is served only by its domain.
    assert_eq!(c.get(&format!("/20160918/users/{}", s.domain_users["API_KEY"])).await.status, 404);
}

#[tokio::test]
async fn a_custom_password_policy_is_listed_with_every_rule_and_enforced() {
    // Given: a domain whose policy is set through the fixture, and a user named alice.
    let (sim, c) = setup(instant()).await;
    let d = sim.create_domain("apps");
    let user = sim.create_domain_user(&d.id, "alice");
    let policy = json!({"name": "strict", "minLength": 10, "maxLength": 16, "minLowerCase": 2, "minUpperCase": 2,
        "minNumerals": 2, "minSpecialChars": 1, "maxSpecialChars": 2, "minAlphas": 5, "minAlphaNumerals": 9,
        "minUniqueChars": 8, "maxRepeatedChars": 2, "startsWithAlphabet": true, "allowedChars": "#!-",
        "disallowedChars": "!", "disallowedSubstrings": ["secret"], "userNameDisallowed": true,
        "firstNameDisallowed": false, "lastNameDisallowed": true});
    assert_eq!(sim.set_password_policy(&d.id, &json!({"minLength": "ten"})).unwrap_err().status, 400);
    assert_eq!(sim.set_password_policy("ocid1.domain.oc1..nope", &policy).unwrap_err().status, 404);
    sim.set_password_policy(&d.id, &policy).unwrap();
    // When: the domain lists its policies.
    let listed = resources(&c.get(&at(&c, &d.url, "PasswordPolicies")).await);
    // Then: every rule is there, with the values given.
    for (field, value) in policy.as_object().unwrap() {
        assert_eq!(&listed[0][field], value, "{field}");
    }
    // And UserPasswordChanger refuses a password breaking any one rule, 400 naming the rule.
    let path = at(&c, &d.url, &format!("UserPasswordChanger/{}", sim.user_scim_id(&user).unwrap()));
    let set = |pw: &str| json!({"schemas": [PASSWORD_CHANGER], "password": pw, "bypassNotification": true});
    for (password, rule) in [
        ("Ab1#cdE2f", "minLength"),
        ("Ab1#cdE2fghijklmnop", "maxLength"),
        ("AB1#CDE2Fg", "minLowerCase"),
        ("ab1#cde2fG", "minUpperCase"),
        ("Ab1#cdEfgh", "minNumerals"),
        ("Ab12cdE3fg", "minSpecialChars"),
        ("Ab1#-#E2fg", "maxSpecialChars"),
        ("Ab12#34E5c", "minAlphas"),
        ("Ab1#cdE2-g", "minAlphaNumerals"),
        ("AaA1#aA2aA", "minUniqueChars"),
        ("Abbb1#cE2f", "maxRepeatedChars"),
        ("1Ab#cdE2fg", "startsWithAlphabet"),
        ("Ab1$cdE2fg", "allowedChars"),
        ("Ab1!cdE2fg", "disallowedChars"),
        ("SeCrEt1#A2", "disallowedSubstrings"),
        ("ALICE1#ab2", "userNameDisallowed"),
    ] {
        let r = c.put(&path, &set(password), &[]).await;
        assert_eq!(r.status, 400, "{rule}: {:?}", r.json);
        let detail = r.json["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(rule) && !detail.contains(password), "{rule}: {detail}");
    }
    assert!(sim.ui_password(&user).is_none(), "refused passwords change nothing");
    assert_eq!(c.put(&path, &set("Ab1#cdE2fg"), &[]).await.status, 200);
    assert_eq!(sim.ui_password(&user).as_deref(), Some("Ab1#cdE2fg"));
}
