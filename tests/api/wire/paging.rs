//! The one pager of the OCI client (`oci::paging`), seen on the wire through ListSecrets: it
//! follows `opc-next-page` with `limit` and `page`, stops when the token is absent or a page is
//! empty, and a name lookup is one page without `limit`.

use oci_rotator::oci::vault::SecretFilter;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::helpers::*;

const COMPARTMENT: &str = "ocid1.compartment.oc1..aaaaaaaapaged";
const VAULT: &str = "ocid1.vault.oc1.iad.aaaaaaaapaged";

fn summary(n: u32) -> serde_json::Value {
    json!({"id": format!("ocid1.vaultsecret.oc1.iad.amaaaaaapaged{n}"), "lifecycleState": "ACTIVE", "secretName": format!("s{n}")})
}

#[tokio::test]
async fn list_secrets_follows_every_page_and_stops_without_a_token() {
    // Given ListSecrets answering two secrets and a next page, then one secret and no token
    let oci = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/20180608/secrets"))
        .and(query_param("compartmentId", COMPARTMENT))
        .and(query_param("lifecycleState", "ACTIVE"))
        .and(query_param("limit", "100"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).insert_header("opc-next-page", "p2").set_body_json(json!([summary(1), summary(2)])))
        .expect(1)
        .mount(&oci)
        .await;
    Mock::given(method("GET"))
        .and(path("/20180608/secrets"))
        .and(query_param("limit", "100"))
        .and(query_param("page", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([summary(3)])))
        .expect(1)
        .mount(&oci)
        .await;
    let client = client_against(&oci);
    // When the ACTIVE secrets of the compartment are listed
    let listed =
        client.list_secrets(COMPARTMENT, SecretFilter { lifecycle_state: Some("ACTIVE"), ..SecretFilter::default() }).await.unwrap();
    // Then all three come back in order, from two calls (the mocks' expectations)
    let ids: Vec<&str> = listed.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "ocid1.vaultsecret.oc1.iad.amaaaaaapaged1",
            "ocid1.vaultsecret.oc1.iad.amaaaaaapaged2",
            "ocid1.vaultsecret.oc1.iad.amaaaaaapaged3"
        ]
    );
}

#[tokio::test]
async fn list_secrets_stops_at_an_empty_page_and_at_its_maximum() {
    // Given a first page that is empty yet names a next page, which must not be asked for
    let oci = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/20180608/secrets"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).insert_header("opc-next-page", "p2").set_body_json(json!([])))
        .expect(1)
        .mount(&oci)
        .await;
    Mock::given(method("GET"))
        .and(path("/20180608/secrets"))
        .and(query_param("page", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([summary(9)])))
        .expect(0)
        .mount(&oci)
        .await;
    let client = client_against(&oci);
    // When every secret of the compartment is listed
    let listed = client.list_secrets(COMPARTMENT, SecretFilter::default()).await.unwrap();
    // Then the empty page ends the listing
    assert!(listed.is_empty(), "{listed:?}");
}

#[tokio::test]
async fn a_name_lookup_is_one_page_without_limit() {
    // Given ListSecrets with name and vaultId answering the secret and a next page
    let oci = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/20180608/secrets"))
        .and(query_param("compartmentId", COMPARTMENT))
        .and(query_param("name", "s2"))
        .and(query_param("vaultId", VAULT))
        .and(query_param("lifecycleState", "ACTIVE"))
        .and(query_param_is_missing("limit"))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).insert_header("opc-next-page", "p2").set_body_json(json!([summary(1), summary(2)])))
        .expect(1)
        .mount(&oci)
        .await;
    let client = client_against(&oci);
    // When the secret named s2 is looked up
    let found = client.find_secret_by_name(COMPARTMENT, VAULT, "s2").await.unwrap();
    // Then it is found from one call, by its exact name
    assert_eq!(found.map(|s| s.id), Some("ocid1.vaultsecret.oc1.iad.amaaaaaapaged2".to_owned()));
}
