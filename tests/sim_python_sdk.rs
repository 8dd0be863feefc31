//! The official OCI Python SDK against the embedded simulator, started in process: reads bundles,
//! creates and promotes a PENDING version (with `if-match`, through the UPDATING window),
//! lists/uploads/deletes an API key, creates an auth token and resets a console password; lists the
//! identity domains and, with `oci.identity_domains` at the seeded domain's URL, reads a user, lists
//! API keys and auth tokens by filter, creates and deletes an auth token and sets a password with
//! UserPasswordChanger; creates a secret with a rotation config (CreateSecret, a duplicate name
//! refused, ListSecrets by name and vault) and rotates it (RotateSecret, `if-match`, the rotation
//! status); runs PREFLIGHT in a function through `FunctionsManagementClient.get_function` and
//! `FunctionsInvokeClient.invoke_function`; every request signed by the SDK and verified by the simulator. Skipped, with
//! a message, where `python3` or the `oci` package is missing (`pip install oci==2.189.0`), except
//! in CI (`CI` set), where `.ci/run` installs it and a missing package fails the test.
#![allow(clippy::unwrap_used)] // `#[tokio::test]` bodies are not seen as tests by clippy

use std::path::Path;

use oci_rotator::sim::{SimOptions, Simulator};

fn python_has_oci() -> bool {
    std::process::Command::new("python3").args(["-c", "import oci"]).output().is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_python_sdk_works_against_the_simulator() {
    if !python_has_oci() {
        // CI installs the SDK (.ci/run); there, a skip would hide a broken install.
        assert!(std::env::var_os("CI").is_none(), "python3 with the `oci` package is missing in CI (.ci/run installs it)");
        println!("SKIPPED: python3 with the `oci` package is not available (pip install oci==2.189.0)");
        return;
    }
    // Given: a seeded simulator and an OCI config file for its administrator.
    let sim = Simulator::new(SimOptions { updating_ms: 200, key_propagation_ms: 0, ..Default::default() });
    let endpoint = sim.spawn().await.unwrap();
    let seeded = sim.seed().await;
    let admin = sim.create_admin();
    let dir = std::env::temp_dir().join(format!("oci-rotator-sdk-{}-{}", std::process::id(), endpoint.rsplit(':').next().unwrap()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    admin.write_oci_config(&config, &dir.join("admin.key.pem")).unwrap();
    let (secret, user) = (&seeded.secrets["API_KEY"], &seeded.users["API_KEY"]);
    let keys_before: Vec<String> = sim.api_keys(user).into_iter().map(|k| k.fingerprint).collect();
    // A function that does not answer: RotateSecret is accepted and the rotation fails in the background.
    let function = "ocid1.fnfunc.oc1.iad.sdkdead";
    sim.register_function(function, "http://127.0.0.1:9");
    // A function that answers: the function's router, signing as its own resource principal.
    let (rotator, _) = oci_rotator::config::rotator_from_env(&sim.function_env(&endpoint)).unwrap();
    let app = oci_rotator::server::router(oci_rotator::server::AppState::new(rotator, std::time::Duration::from_secs(20)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let preflight_function = "ocid1.fnfunc.oc1.iad.sdkpreflight";
    sim.register_function(preflight_function, &format!("http://{}", listener.local_addr().unwrap()));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let seeded_json =
        serde_json::json!({"compartmentId": seeded.compartment_id, "vaultId": seeded.vault_id, "keyId": seeded.key_id}).to_string();

    // When: the SDK script runs.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sim_python_sdk.py");
    let domain_users = serde_json::to_string(&seeded.domain_users).unwrap();
    let out = tokio::process::Command::new("python3")
        .arg(script)
        .arg(&config)
        .arg(&endpoint)
        .arg(secret)
        .arg(user)
        .arg(&seeded.domain_url)
        .arg(&domain_users)
        .arg(&seeded_json)
        .arg(function)
        .arg(preflight_function)
        .output()
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);

    // Then: the script passed, the simulator accepted every signature, and the state is as the script left it.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("OK"), "stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    let journal = sim.journal();
    assert!(journal.iter().all(|j| j.status != 401), "every SDK signature verifies: {journal:?}");
    for op in [
        "GetSecretBundle",
        "UpdateSecret",
        "ListSecretVersions",
        "GetSecretVersion",
        "UploadApiKey",
        "DeleteApiKey",
        "ListDomains",
        "GetDomain",
        "DomainGetUser",
        "DomainListApiKeys",
        "DomainListAuthTokens",
        "DomainCreateAuthToken",
        "DomainDeleteAuthToken",
        "DomainPutUserPasswordChanger",
        "DomainListPasswordPolicies",
        "CreateSecret",
        "ListSecrets",
        "RotateSecret",
        "PostMetricData",
        "ListMetrics",
        "CreateAlarm",
        "ListAlarms",
        "GetFunction",
        "InvokeFunction",
    ] {
        assert!(journal.iter().any(|j| j.operation == op && j.status < 300), "{op} succeeded");
    }
    // The SDK's metric datapoint and alarm are stored as it sent them (the oci_ namespace refused).
    let points = sim.metric_datapoints();
    assert_eq!(points.len(), 1, "{points:?}");
    assert_eq!((points[0].0.as_str(), points[0].1["step"].as_str(), points[0].2), ("step_result", "VERIFY_CONNECTION", 1.0));
    let alarms = sim.alarms();
    assert_eq!(alarms.len(), 1);
    assert_eq!((alarms[0]["displayName"].as_str(), alarms[0]["severity"].as_str()), (Some("sdk-alarm"), Some("CRITICAL")));
    let versions = sim.secret_versions(secret);
    let stages: Vec<Vec<String>> = versions.iter().map(|v| v.stages.clone()).collect();
    assert_eq!(stages, [vec!["PREVIOUS".to_owned()], vec!["CURRENT".to_owned(), "LATEST".to_owned()]]);
    assert_eq!(versions[1].content, serde_json::json!({"hello": "sdk"}));
    let keys_after: Vec<String> = sim.api_keys(user).into_iter().map(|k| k.fingerprint).collect();
    assert_eq!(keys_after, keys_before);
    assert!(sim.ui_password(user).is_some());
    assert_eq!(sim.ui_password(&seeded.domain_users["CONSOLE_PASSWORD"]).as_deref(), Some("Sdk-Passw0rd-1"));
    assert_eq!(sim.auth_tokens(&seeded.domain_users["AUTH_TOKEN"]).len(), 1);
    let created = sim.state_view()["secrets"].as_array().unwrap().iter().find(|s| s["name"] == "sdk-created").cloned().unwrap();
    let record = sim.last_rotation(created["id"].as_str().unwrap()).unwrap();
    assert!(!record.completed && record.steps.iter().all(|(step, code)| step == "VERIFY_CONNECTION" && *code == 502), "{record:?}");
}
