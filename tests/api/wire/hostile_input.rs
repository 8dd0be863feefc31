//! Hostile input, searched with proptest: arbitrary bytes, arbitrary JSON (deep, huge numbers,
//! wrong types, unicode), arbitrary secret metadata and content. Never a panic; always a 400 (or
//! 404) with a message that names the problem; never a write to OCI.

use std::collections::HashMap;

use oci_rotator::adapters::api_key::ApiKeyAdapter;
use oci_rotator::adapters::auth_token::AuthTokenAdapter;
use oci_rotator::adapters::console_password::ConsolePasswordAdapter;
use oci_rotator::adapters::customer_secret_key::CustomerSecretKeyAdapter;
use oci_rotator::adapters::db_credential::DbCredentialAdapter;
use oci_rotator::adapters::oauth2_client_credential::OAuth2ClientCredentialAdapter;
use oci_rotator::adapters::smtp_credential::SmtpCredentialAdapter;
use oci_rotator::adapters::{Target, TargetAdapter};
use oci_rotator::protocol::{parse_input, SecretRotationOutput, Step, MAX_BODY_BYTES};
use oci_rotator::secret::{CredentialKind, SecretConfig, SecretContent};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

use crate::helpers::*;

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
        any::<String>().prop_map(Value::String),
        prop_oneof![
            Just("VERIFY_CONNECTION"),
            Just("PROMOTE_PENDING_VERSION"),
            Just("API_KEY"),
            Just(SECRET_ID),
            Just(USER_ID),
            Just("ocid1.vaultsecret.")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::hash_map(
                prop_oneof![
                    Just("step".to_owned()),
                    Just("secretId".to_owned()),
                    Just("versionNo".to_owned()),
                    Just("currentVersionNo".to_owned()),
                    Just("credentialType".to_owned()),
                    Just("userId".to_owned()),
                    Just("keyBits".to_owned()),
                    Just("previousCredential".to_owned()),
                    any::<String>()
                ],
                inner,
                0..8
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn cases(n: u32) -> ProptestConfig {
    ProptestConfig { cases: n, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(cases(10_000))]

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_explain_themselves(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        match parse_input(&body) {
            Ok(input) => prop_assert!(input.secret_id.starts_with("ocid1.vaultsecret.")),
            Err(e) => prop_assert!(e.0.len() > 10),
        }
    }

    #[test]
    fn arbitrary_json_is_either_a_valid_input_or_a_named_problem(value in arb_json()) {
        let body = value.to_string();
        match parse_input(body.as_bytes()) {
            Ok(input) => {
                prop_assert_eq!(value["step"].as_str(), Some(input.step.as_str()));
                prop_assert_eq!(value["secretId"].as_str(), Some(input.secret_id.as_str()));
            }
            Err(e) => prop_assert!(
                ["body", "step", "secretId", "versionNo", "currentVersionNo", "JSON"].iter().any(|w| e.0.contains(w)),
                "{}", e.0
            ),
        }
    }

    #[test]
    fn arbitrary_metadata_never_panics_and_errors_name_the_field(value in arb_json()) {
        if let Err(e) = SecretConfig::from_metadata(Some(&value)) {
            prop_assert!(e.contains("metadata"), "{}", e);
        }
    }
}

#[test]
fn oversized_and_deeply_nested_bodies_are_refused() {
    let mut at_limit = format!(r#"{{"step":"VERIFY_CONNECTION","secretId":"{SECRET_ID}","pad":""#);
    at_limit.push_str(&"x".repeat(MAX_BODY_BYTES - at_limit.len() - 2));
    at_limit.push_str("\"}");
    assert!(parse_input(at_limit.as_bytes()).is_ok(), "exactly 64 KiB is accepted");
    let over = format!("{at_limit} ");
    assert!(parse_input(over.as_bytes()).unwrap_err().0.contains("limit"));
    for depth in [128, 1_000, 30_000] {
        let deep = format!(r#"{{"step":"VERIFY_CONNECTION","secretId":"{SECRET_ID}","x":{}{}}}"#, "[".repeat(depth), "]".repeat(depth));
        let _ = parse_input(deep.as_bytes());
    }
    let huge = format!(r#"{{"step":"VERIFY_CONNECTION","secretId":"{SECRET_ID}","versionNo":1{}}}"#, "0".repeat(400));
    let err = parse_input(huge.as_bytes()).unwrap_err().0;
    assert!(err.contains("number out of range"), "{err}");
    let big = format!(r#"{{"step":"VERIFY_CONNECTION","secretId":"{SECRET_ID}","versionNo":18446744073709551616}}"#);
    assert!(parse_input(big.as_bytes()).unwrap_err().0.contains("versionNo"));
}

/// Content of any shape, for any kind: either a credential id or a 400 that names the field.
#[tokio::test]
async fn arbitrary_content_is_understood_or_refused_by_every_adapter() {
    let (pem, _) = principal_keys();
    let env: HashMap<String, String> = [
        ("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2".to_owned()),
        ("OCI_RESOURCE_PRINCIPAL_RPST", rpst()),
        ("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", pem),
        ("OCI_RESOURCE_PRINCIPAL_REGION", "us-ashburn-1".to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let (rotator, _) = oci_rotator::config::rotator_from_env(&env).unwrap();
    let secret: oci_rotator::oci::vault::Secret = serde_json::from_value(secret_json(1, api_key_metadata())).unwrap();
    let config = SecretConfig::from_metadata(Some(&api_key_metadata())).unwrap();
    let t = Target { client: rotator.client(), secret_id: SECRET_ID, secret: &secret, config: &config, binding: Default::default() };
    let fields = [
        "privateKey",
        "publicKey",
        "fingerprint",
        "token",
        "authTokenId",
        "accessKeyId",
        "secretAccessKey",
        "password",
        "smtpCredentialId",
        "username",
        "clientId",
        "clientSecret",
        "dbCredentialId",
    ];
    let mut runner = proptest::test_runner::TestRunner::new(cases(2_000));
    let strategy = (prop::collection::hash_map(prop::sample::select(fields.to_vec()), arb_json(), 0..5), any::<u8>());
    runner
        .run(&strategy, |(map, pem_kind)| {
            let mut obj: serde_json::Map<String, Value> = map.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            if pem_kind % 3 == 0 {
                obj.insert("privateKey".to_owned(), json!("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"));
            }
            let content = SecretContent::parse(Value::Object(obj).to_string().as_bytes()).unwrap();
            for result in [
                ApiKeyAdapter.credential_id(&t, &content),
                AuthTokenAdapter.credential_id(&t, &content),
                CustomerSecretKeyAdapter.credential_id(&t, &content),
                ConsolePasswordAdapter.credential_id(&t, &content),
                SmtpCredentialAdapter.credential_id(&t, &content),
                OAuth2ClientCredentialAdapter.credential_id(&t, &content),
                DbCredentialAdapter.credential_id(&t, &content),
            ] {
                if let Err(e) = result {
                    let msg = e.to_string();
                    prop_assert!(fields.iter().any(|f| msg.contains(f)) || msg.contains("key"), "{}", msg);
                }
            }
            Ok(())
        })
        .unwrap();
    for not_an_object in [&b"[]"[..], b"\"s\"", b"12", b"{", b""] {
        assert!(SecretContent::parse(not_an_object).is_err());
    }
}

/// Through the whole function: random metadata and content served by Vault never lead to a write.
#[tokio::test]
async fn hostile_secrets_through_the_function_never_write() {
    let app = spawn_app().await;
    let mut runner = proptest::test_runner::TestRunner::new(cases(150));
    let strategy = (
        arb_json(),
        arb_json(),
        prop::sample::select(Step::ALL.to_vec()),
        prop::sample::select(CredentialKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()),
    );
    let values: Vec<(Value, Value, Step, &str)> = (0..150).map(|_| strategy.new_tree(&mut runner).unwrap().current()).collect();
    for (metadata, content, step, kind) in values {
        app.oci.reset().await;
        // Half the cases: valid metadata with hostile content; the other half: hostile metadata.
        let metadata = if content.is_object() { json!({"credentialType": kind, "userId": USER_ID}) } else { metadata };
        let content = if content.is_object() { content } else { json!({"junk": content}) };
        Mock::given(method("GET"))
            .and(path(format!("/20180608/secrets/{SECRET_ID}")))
            .respond_with(ResponseTemplate::new(200).insert_header("etag", "e").set_body_json(secret_json(1, metadata.clone())))
            .mount(&app.oci)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/20190301/secretbundles/{SECRET_ID}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(bundle_json(1, &["CURRENT", "PENDING"], &content)))
            .mount(&app.oci)
            .await;
        Mock::given(method("GET")).respond_with(not_found()).with_priority(200).mount(&app.oci).await;
        // The one write a refused step may make: its record on the secret (contract 6, point 8).
        app.mount_tag_writes().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(ResponseTemplate::new(500))
            .with_priority(250)
            .named("a write")
            .expect(0)
            .mount(&app.oci)
            .await;
        let out: SecretRotationOutput = app.run_step(step, Some(1)).await;
        // 200 only where the step had nothing to do (a PROMOTE of the version already CURRENT).
        assert!(
            matches!(out.response_code, 200 | 400 | 404 | 409),
            "{step} {metadata} {content}: {} {}",
            out.response_code,
            out.return_message
        );
        let received = app.oci.received_requests().await.unwrap_or_default();
        let writes = received.iter().filter(|r| r.method.as_str() != "GET" && !is_tag_write(r)).count();
        assert_eq!(writes, 0, "{step} {metadata} {content}: {}", out.return_message);
    }
}
