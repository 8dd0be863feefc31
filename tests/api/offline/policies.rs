//! `oci-rotator policies`: the exact text for one invocation, no permission of a kind not chosen,
//! and the binary refusing a function id that is not a function OCID.

use oci_rotator::policies::{kind_permissions, render, PolicyRequest};
use oci_rotator::secret::CredentialKind;

const FUNCTION: &str = "ocid1.fnfunc.oc1.iad.aaaafn";
const COMPARTMENT: &str = "ocid1.compartment.oc1..aaaasecrets";
const USER_1: &str = "ocid1.user.oc1..aaaauser1";
const USER_2: &str = "ocid1.user.oc1..aaaauser2";

const EXPECTED: &str = "\
# oci-rotator policies for function ocid1.fnfunc.oc1.iad.aaaafn and kinds API_KEY, AUTH_TOKEN
# Lines starting with # are comments; paste the other lines (docs/deploy.md explains each).

# Dynamic group of the function: create it as oci-rotator-fn, with this matching rule
ALL {resource.type = 'fnfunc', resource.id = 'ocid1.fnfunc.oc1.iad.aaaafn'}

# Vault and Secrets, in compartment id ocid1.compartment.oc1..aaaasecrets (GetSecret, ListSecretVersions, GetSecretBundle, UpdateSecret)
# Narrow them to the rotated secrets with: where any {target.secret.id = '<secret OCID>', ...}
Allow dynamic-group oci-rotator-fn to use secret-family in compartment id ocid1.compartment.oc1..aaaasecrets
Allow dynamic-group oci-rotator-fn to read secret-bundles in compartment id ocid1.compartment.oc1..aaaasecrets

# IAM, at tenancy level (users live in the tenancy): the permissions of API_KEY, AUTH_TOKEN
Allow dynamic-group oci-rotator-fn to {USER_INSPECT, USER_READ, USER_UPDATE, USER_APIKEY_ADD, USER_APIKEY_REMOVE, USER_AUTHTOKEN_SET, USER_AUTHTOKEN_REMOVE} in tenancy where any {target.user.id = 'ocid1.user.oc1..aaaauser1', target.user.id = 'ocid1.user.oc1..aaaauser2'}
# Home region (GetTenancy): not needed when the function's configuration sets OCI_ROTATOR_HOME_REGION
Allow dynamic-group oci-rotator-fn to inspect tenancies in tenancy

# Vault invokes the function: UNCONFIRMED, Oracle does not document it (docs/deploy.md, section 3)
# Dynamic group of the secrets: create it as rotated-secrets, with this matching rule (or one resource.id per secret)
ALL {resource.type = 'vaultsecret', resource.compartment.id = 'ocid1.compartment.oc1..aaaasecrets'}
Allow dynamic-group rotated-secrets to read fn-function in tenancy
Allow dynamic-group rotated-secrets to use fn-invocation in tenancy where target.function.id = 'ocid1.fnfunc.oc1.iad.aaaafn'
# If Vault's rotation fails before the function logs anything, try this instead (the principal type is a guess):
# Allow any-user to use fn-invocation in tenancy where all {request.principal.type = 'vaultsecret', target.function.id = 'ocid1.fnfunc.oc1.iad.aaaafn'}

# Bind each user to its secret (contract 4.1): a freeform tag on the user, whose value lists the secret's OCID
#    API_KEY: tag oci-rotator-api-key
#    AUTH_TOKEN: tag oci-rotator-auth-token
#    Without it the first IAM write answers 400 and writes nothing (docs/deploy.md, \"Bind the user to the secret\").
";

fn two_users_api_key_and_auth_token() -> PolicyRequest {
    PolicyRequest {
        function_id: FUNCTION.to_owned(),
        secrets_compartment_id: COMPARTMENT.to_owned(),
        function_compartment_id: None,
        user_ids: vec![USER_1.to_owned(), USER_2.to_owned()],
        kinds: vec![CredentialKind::AuthToken, CredentialKind::ApiKey],
        domain_name: None,
        reset_unmanaged_passwords: false,
        metrics_compartment_id: None,
    }
}

#[test]
fn two_users_and_two_kinds_print_exactly_the_pinned_statements() {
    // Given two users and the kinds AUTH_TOKEN, API_KEY (in any order)
    let args = two_users_api_key_and_auth_token();
    // When the text is built
    let text = render(&args).unwrap();
    // Then it is exactly the pinned text
    assert_eq!(text, EXPECTED);
}

#[test]
fn the_permissions_of_kinds_not_chosen_do_not_appear() {
    // Given API_KEY and AUTH_TOKEN only, for Default-domain users
    let args = two_users_api_key_and_auth_token();
    // When the text is built
    let text = render(&args).unwrap();
    // Then neither customer secret keys, console passwords nor identity domains are granted
    for kind in [CredentialKind::CustomerSecretKey, CredentialKind::ConsolePassword] {
        for permission in kind_permissions(kind) {
            assert!(!text.contains(permission), "{permission} granted for a kind not chosen");
        }
    }
    assert!(!text.contains("inspect domains"));
    assert!(!text.contains("manage users"));
}

#[test]
fn a_domain_name_adds_the_domain_statements_marked_unconfirmed() {
    // Given users of an identity domain
    let mut args = two_users_api_key_and_auth_token();
    args.domain_name = Some("Workforce".to_owned());
    // When the text is built
    let text = render(&args).unwrap();
    // Then the domain's statements follow, under a comment saying they are unconfirmed
    assert!(text.contains("\nAllow dynamic-group oci-rotator-fn to inspect domains in tenancy\n"));
    assert!(text.contains(
        "# Users of identity domain Workforce: UNCONFIRMED for a dynamic group of functions (docs/deploy.md, \"Identity domains\")\n\
         Allow dynamic-group oci-rotator-fn to manage users in tenancy where target.resource.domain.name = 'Workforce'\n"
    ));
}

#[test]
fn the_binary_prints_the_same_text_and_refuses_a_function_id_that_is_not_a_function() {
    // Given the binary, once with the pinned arguments and once with a secret OCID as --function-id
    let run = |function_id: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
            .args(["policies", "--function-id", function_id, "--secrets-compartment-id", COMPARTMENT])
            .args(["--user-id", USER_1, "--user-id", USER_2, "--kinds", "api_key,AUTH_TOKEN"])
            .output()
            .unwrap()
    };
    // When it runs
    let good = run(FUNCTION);
    let bad = run("ocid1.vaultsecret.oc1.iad.aaaa");
    // Then the good run prints the pinned text and the bad one exits non-zero naming the flag
    assert!(good.status.success());
    assert_eq!(String::from_utf8_lossy(&good.stdout), EXPECTED);
    assert!(!bad.status.success());
    assert!(bad.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("--function-id must be an OCID starting with ocid1.fnfunc."), "{stderr}");
}

#[test]
fn the_binary_refuses_an_unknown_kind() {
    // Given a kind that does not exist
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
        .args(["policies", "--function-id", FUNCTION, "--secrets-compartment-id", COMPARTMENT, "--kinds", "API_KEY,PASSWORD"])
        .output()
        .unwrap();
    // When it runs / Then it exits non-zero and names the kinds it knows
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("one of API_KEY, AUTH_TOKEN, CUSTOMER_SECRET_KEY, CONSOLE_PASSWORD"));
}

#[test]
fn a_metrics_compartment_adds_posting_in_the_namespace_and_the_alarm_statements() {
    // Given the function posts metrics to a compartment
    let metrics = "ocid1.compartment.oc1..aaaametrics";
    let args = PolicyRequest { metrics_compartment_id: Some(metrics.to_owned()), ..two_users_api_key_and_auth_token() };
    // When the text is built
    let text = render(&args).unwrap();
    // Then the function may post metrics of its namespace only, there
    let post = format!(
        "Allow dynamic-group oci-rotator-fn to use metrics in compartment id {metrics} where target.metrics.namespace='ocirotator'"
    );
    assert!(text.lines().any(|l| l == post), "{text}");
    // And the administrators' statements for `alarms --apply` are given, the unconfirmed one said so
    assert!(text.contains(&format!("# Allow group <administrators> to manage alarms in compartment id {metrics}")), "{text}");
    assert!(text.contains(&format!("# Allow group <administrators> to read metrics in compartment id {metrics} where")), "{text}");
    assert!(text.contains("UNCONFIRMED: the verb CreateAlarm needs on the ONS topic"), "{text}");
    // And without it, nothing of Monitoring is printed
    assert!(!render(&two_users_api_key_and_auth_token()).unwrap().contains("metrics"));
    // And a malformed OCID is refused, naming the flag
    let bad = PolicyRequest { metrics_compartment_id: Some("ocid1.user.oc1..x".to_owned()), ..two_users_api_key_and_auth_token() };
    assert!(render(&bad).unwrap_err().contains("--metrics-compartment-id"));
}
