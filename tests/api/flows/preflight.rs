//! PREFLIGHT on the simulator: for every kind, classic and identity-domain users, the function's
//! principal makes reads only (the journal holds no write), and each operation the simulator
//! refuses to that principal (`deny_function_ops`, as `simulate --deny-function-op`) yields a 403
//! naming its statement; and `oci-rotator preflight` (the real binary) invoking the function through
//! the simulator's Functions API. Call by call against wiremock in `wire/preflight.rs`.

use oci_rotator::protocol::{SecretRotationInput, SecretRotationOutput, Step};
use oci_rotator::secret::CredentialKind;
use oci_rotator::sim::SimOptions;

use crate::helpers::sim::*;

async fn preflight(rig: &SimRig, kind: CredentialKind) -> SecretRotationOutput {
    let input = SecretRotationInput { step: Step::Preflight, secret_id: rig.secret(kind), version_no: None };
    rig.rotator.run(&input, tokio::time::Instant::now() + std::time::Duration::from_secs(20)).await
}

#[tokio::test]
async fn every_kind_passes_and_the_journal_holds_no_write() {
    // Given the seeded tenancy, Default-domain and SECONDARY-domain secrets of every kind
    let rig = sim_rig(SimOptions::default()).await;
    for rig in [&rig, &rig.in_domain()] {
        for kind in CredentialKind::ALL {
            rig.sim.clear_journal();
            // When PREFLIGHT runs
            let out = preflight(rig, kind).await;
            // Then it passes, and the simulator saw GETs only
            assert_eq!(out.response_code, 200, "{kind}: {}", out.return_message);
            assert!(out.checks.as_ref().is_some_and(|c| c.iter().any(|c| c.ok.is_none())), "{kind}: the writes are named");
            assert_eq!(writes(rig), Vec::<String>::new(), "{kind}");
            assert!(rig.sim.journal().len() >= 4, "{kind}: {:?}", rig.sim.journal());
        }
    }
}

#[tokio::test]
async fn each_denied_read_names_its_statement() {
    // Given operations the function's principal is refused, one at a time
    let cases: &[(&str, CredentialKind, bool, &str)] = &[
        ("GetSecretBundle", CredentialKind::AuthToken, false, "to read secret-bundles in"),
        ("ListSecretVersions", CredentialKind::AuthToken, false, "to use secret-family in"),
        ("ListApiKeys", CredentialKind::ApiKey, false, "USER_APIKEY_ADD, USER_APIKEY_REMOVE} in tenancy where any {target.user.id = '"),
        ("GetUser", CredentialKind::SmtpCredential, false, "to {USER_INSPECT, USER_READ, USER_UPDATE"),
        ("ListDomains", CredentialKind::ConsolePassword, false, "to inspect domains in tenancy"),
        ("GetDomain", CredentialKind::AuthToken, true, "to inspect domains in tenancy"),
        (
            "DomainListPasswordPolicies",
            CredentialKind::ConsolePassword,
            true,
            "to manage users in tenancy where target.resource.domain.name = ",
        ),
        ("DomainListAuthTokens", CredentialKind::AuthToken, true, "to manage users in tenancy where target.resource.domain.name = "),
    ];
    for (op, kind, in_domain, statement) in cases {
        let rig = sim_rig(SimOptions::default()).await;
        let rig = if *in_domain { rig.in_domain() } else { rig };
        rig.sim.deny_function_ops(&[op]);
        rig.sim.clear_journal();
        // When PREFLIGHT runs
        let out = preflight(&rig, *kind).await;
        // Then 403, a one-line message naming the statement, and still no write
        assert_eq!(out.response_code, 403, "{op}: {}", out.return_message);
        assert!(out.return_message.contains(statement) && !out.return_message.contains('\n'), "{op}: {}", out.return_message);
        let failed: Vec<_> = out.checks.unwrap_or_default().into_iter().filter(|c| c.ok == Some(false)).collect();
        assert_eq!(failed.len(), 1, "{op}: {failed:?}");
        assert_eq!((failed[0].status, failed[0].code.as_deref()), (Some(404), Some("NotAuthorizedOrNotFound")), "{op}");
        assert_eq!(writes(&rig), Vec::<String>::new(), "{op}");
    }
}

#[tokio::test]
async fn a_denied_operation_stays_open_to_the_administrator() {
    // Given ListApiKeys refused to the function
    let rig = sim_rig(SimOptions::default()).await;
    rig.sim.deny_function_ops(&["ListApiKeys"]);
    // When an administrator runs `status`, which lists API keys
    let (code, stdout, stderr) = run_cli(&rig, &["status", "--compartment-id", &rig.sim.compartment_id(), "--json"]).await;
    // Then it is answered: the denial is the function's alone
    assert!(code == 0 || code == 1, "{code}: {stderr}");
    assert!(!stdout.is_empty() && !stderr.contains("ListApiKeys"), "{stdout}\n{stderr}");
}

const FUNCTION: &str = "ocid1.fnfunc.oc1.iad.aaaaaaaapreflightfunction";

/// Given the rig's function served on TCP (its own resource principal), registered with the
/// simulator as [`FUNCTION`], and the API_KEY secret's rotation configuration targeting it.
async fn given_deployed_function(rig: &SimRig) {
    let app = oci_rotator::server::router(oci_rotator::server::AppState::new(rig.rotator.clone(), std::time::Duration::from_secs(20)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    rig.sim.register_function(FUNCTION, &url);
    rig.sim.set_rotation_config(&rig.secret(CredentialKind::ApiKey), oci_rotator::sim::function_rotation_config(FUNCTION)).unwrap();
}

#[tokio::test]
async fn the_cli_passes_names_a_missing_statement_and_tells_a_function_it_cannot_invoke() {
    // Given a deployed function and its secret
    let rig = sim_rig(SimOptions::default()).await;
    given_deployed_function(&rig).await;
    let secret = rig.secret(CredentialKind::ApiKey);
    // When preflight runs with every grant: exit 0, every check ok
    let (code, stdout, stderr) = run_cli(&rig, &["preflight", "--function-id", FUNCTION, "--secret-id", &secret]).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains(&format!("PASS  {secret}")) && stdout.contains("ok         ListApiKeys"), "{stdout}");
    // When the function's principal may not list API keys: exit 1, the statement printed
    rig.sim.deny_function_ops(&["ListApiKeys"]);
    let (code, stdout, stderr) = run_cli(&rig, &["preflight", "--function-id", FUNCTION, "--secret-id", &secret]).await;
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let statement = oci_rotator::policies::iam_statement(&[CredentialKind::ApiKey], &[&rig.user(CredentialKind::ApiKey)], false);
    assert!(stdout.contains(&format!("MISSING    ListApiKeys (404 NotAuthorizedOrNotFound): add {statement}")), "{stdout}");
    // When the function cannot be invoked (unknown to the caller): exit 2, the caller's statement
    let other = "ocid1.fnfunc.oc1.iad.aaaaaaaanotdeployed";
    let (code, stdout, stderr) = run_cli(&rig, &["preflight", "--function-id", other, "--secret-id", &secret]).await;
    assert_eq!(code, 2, "{stdout}\n{stderr}");
    assert!(stdout.contains("cannot be invoked") && stdout.contains("use fn-invocation"), "{stdout}");
    // And preflight wrote nothing
    assert!(writes(&rig).iter().all(|w| w.contains("InvokeFunction")), "{:?}", writes(&rig));
}
