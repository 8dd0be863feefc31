//! What each subcommand's `--help` ends with (issue 20, point 3): one to three examples and the
//! environment variables the subcommand reads. Kept here, beside each other, so that the commands
//! name the same variables the same way; `main.rs` attaches them (`after_help`). And the one line a
//! failed command prints ([`error_line`]): the error, and what to do when the error does not say.

/// The environment of the commands that call OCI as an administrator (`rotate`, `enroll`, `adopt`,
/// `status`, `pause`, `resume`).
macro_rules! admin_env {
    () => {
        "Environment:
  OCI_CLI_CONFIG_FILE    the OCI config file (default ~/.oci/config); OCI_CONFIG_FILE is read too
  OCI_CLI_PROFILE        its profile (default DEFAULT)
  OCI_REGION             the region, when the profile names none
  OCI_ROTATOR_VAULT_ENDPOINT, OCI_ROTATOR_SECRETS_ENDPOINT, OCI_ROTATOR_IDENTITY_ENDPOINT
                         other endpoints (the simulator's: `simulate --env-file` writes them)
  RUST_LOG               log filter on stderr (default: warnings and errors; or -v, -vv, -vvv)"
    };
}

/// The whole program's `--help`.
pub const MAIN: &str = "Examples:
  oci-rotator demo                                    # all seven kinds against the embedded simulator
  oci-rotator rotate --secret-id \"$SECRET\" --dry-run  # rehearse one secret's rotation, write nothing
  oci-rotator status --compartment-id \"$SECRETS_COMPARTMENT\"

With no command and FN_LISTENER set (as OCI Functions starts the container), it serves the Fn socket.
Each command's --help has examples and names the environment it reads.";

/// The whole program's `--help`, in a build without the simulator (the function's image: with
/// neither the simulator nor the administrator's commands).
pub const MAIN_WITHOUT_SIMULATOR: &str = "This is the function's image: it serves Vault's rotation steps (with FN_LISTENER set, as OCI
Functions starts the container, on the Fn socket; `oci-rotator serve` on TCP). The administrator's
commands (rotate, enroll, status, preflight...) are in the full build: cargo install --path . (docs/deploy.md).";

/// `serve`.
pub const SERVE: &str = "Examples:
  oci-rotator serve                                 # on 127.0.0.1:8080 (POST /call), as the API-key profile
  oci-rotator serve --listen 0.0.0.0:8080

Environment:
  FN_LISTENER, FN_FORMAT  set by OCI Functions: serve its socket instead of TCP
  OCI_RESOURCE_PRINCIPAL_VERSION (and the other OCI_RESOURCE_PRINCIPAL_*)
                          sign as the function's resource principal; else as OCI_CLI_CONFIG_FILE's
                          OCI_CLI_PROFILE (default ~/.oci/config, DEFAULT)
  OCI_ROTATOR_*           the function's settings (endpoints, retries, binding, notifications):
                          docs/deploy.md
  RUST_LOG, OCI_ROTATOR_LOG_FORMAT=json
                          the log filter (default info) and format, on stdout";

/// `demo`.
pub const DEMO: &str = "Examples:
  oci-rotator demo              # at most 80 lines, ending with one table
  oci-rotator demo --verbose    # every step, version and credential of every rotation
  oci-rotator demo --rounds 3

Environment: none (RUST_LOG for logs on stderr; -vv shows the function's INFO logs).";

/// `rotate`.
pub const ROTATE: &str = concat!(
    "Examples:
  oci-rotator rotate --secret-id \"$SECRET\" --dry-run          # read-only rehearsal
  oci-rotator rotate --secret-id \"$SECRET\"                    # all four steps, in this process
  oci-rotator rotate --compartment-id \"$SECRETS_COMPARTMENT\" --subtree --kind API_KEY

",
    admin_env!(),
    "
  OCI_ROTATOR_*          with --secret-id or --local, the function's settings apply: docs/deploy.md"
);

/// `enroll`.
pub const ENROLL: &str = concat!(
    "Examples:
  oci-rotator enroll --kind API_KEY --user-id \"$USER_OCID\" --compartment-id \"$SECRETS_COMPARTMENT\" \\
      --vault-id \"$VAULT\" --key-id \"$MASTER_KEY\" --name svc-api-key --function-id \"$FUNCTION\" --interval 90d
  oci-rotator enroll --kind OAUTH2_CLIENT_CREDENTIAL --scopes '[{\"audience\": \"urn:app\", \"scope\": \"read\"}]' \\
      --user-id \"$USER_OCID\" --compartment-id \"$SECRETS_COMPARTMENT\" --vault-id \"$VAULT\" --key-id \"$MASTER_KEY\" \\
      --name svc-oauth --dry-run

",
    admin_env!()
);

/// `adopt`.
pub const ADOPT: &str = concat!(
    "Examples:
  oci-rotator adopt --secret-id \"$SECRET\" --kind API_KEY --user-id \"$USER_OCID\"
  oci-rotator adopt --secret-id \"$SECRET\" --kind AUTH_TOKEN --user-id \"$USER_OCID\" --credential-id \"$TOKEN_OCID\"

",
    admin_env!()
);

/// `status`.
pub const STATUS: &str = concat!(
    "Examples:
  oci-rotator status --compartment-id \"$SECRETS_COMPARTMENT\"
  oci-rotator status --compartment-id \"$TENANCY\" --subtree --older-than P30D
  oci-rotator status --compartment-id \"$SECRETS_COMPARTMENT\" --json > fleet.json

",
    admin_env!()
);

/// `rollback` (exit 1 when refused, the reason printed).
pub const ROLLBACK: &str = concat!(
    "Examples:
  oci-rotator rollback --secret-id \"$SECRET\" --dry-run   # all the checks, no write
  oci-rotator rollback --secret-id \"$SECRET\" --json

",
    admin_env!(),
    "\n  OCI_ROTATOR_USER_BINDING  `off`: the user's tag is not checked (contract 4.1)"
);

/// `history`.
pub const HISTORY: &str = concat!(
    "Examples:\n  oci-rotator history --secret-id \"$SECRET\"\n  oci-rotator history --secret-id \"$SECRET\" --json\n\n",
    admin_env!()
);

/// `pause` and `resume`.
pub const PAUSE: &str = concat!(
    "Examples:
  oci-rotator pause --secret-id \"$SECRET\" --reason \"quarter-end freeze\" --until 2027-01-15
  oci-rotator pause --compartment-id \"$SECRETS_COMPARTMENT\" --subtree --reason \"incident 4711\"
  oci-rotator resume --secret-id \"$SECRET\"

",
    admin_env!()
);

/// `policies`.
pub const POLICIES: &str = "Examples:
  oci-rotator policies --function-id \"$FUNCTION\" --secrets-compartment-id \"$SECRETS_COMPARTMENT\" --user-id \"$USER_OCID\"
  oci-rotator policies --function-id \"$FUNCTION\" --secrets-compartment-id \"$TENANCY\" --kinds API_KEY,AUTH_TOKEN

Environment: none (pure text: nothing is read from OCI).";

/// `alarms`.
pub const ALARMS: &str = concat!("Examples:
  oci-rotator alarms --compartment-id \"$C\" --topic-id \"$TOPIC\" | head -1 > a.json  # oci monitoring alarm create --from-json file://a.json
  oci-rotator alarms --compartment-id \"$C\" --topic-id \"$TOPIC\" --interval 30d --apply

With --apply (else nothing is read): ", admin_env!(), "\n  OCI_ROTATOR_MONITORING_ENDPOINT  Monitoring's endpoint");
/// `preflight`.
pub const PREFLIGHT: &str = concat!(
    "Examples:
  oci-rotator preflight --function-id \"$FUNCTION\" --secret-id \"$SECRET\"
  oci-rotator preflight --function-id \"$FUNCTION\" --compartment-id \"$SECRETS_COMPARTMENT\" --subtree --json
Exit: 0 all passed, 1 a statement or binding missing, 2 the function cannot be invoked.

",
    admin_env!(),
    "\n  OCI_ROTATOR_FUNCTIONS_ENDPOINT  the Functions endpoint (GetFunction)"
);

/// `simulate`.
pub const SIMULATE: &str = "Examples:
  oci-rotator simulate --seed --env-file sim.env    # then, in another shell: . ./sim.env
  oci-rotator simulate --seed --env-file sim.env --function ocid1.fnfunc.oc1.iad.local=http://127.0.0.1:8080
  oci-rotator simulate --seed --env-file sim.env --function-env-file fn.env --deny-function-op ListApiKeys

Environment: none (RUST_LOG for logs on stderr). docs/simulator.md walks simulate, serve, enroll,
status and rotate.";

/// What to do about an error whose message names the problem but not the fix (first match wins).
const ADVICE: &[(&[&str], &str)] = &[
    (
        &["authentication:", "config"],
        "point OCI_CLI_CONFIG_FILE (and OCI_CLI_PROFILE) at an API-key profile, or run `oci setup config` to write one",
    ),
    (
        &["connection failed"],
        "check that OCI is reachable: the region (OCI_REGION or the profile's), any OCI_ROTATOR_*_ENDPOINT (is the simulator running?), the network or proxy",
    ),
    (
        &["NotAuthenticated"],
        "check the profile's key_file and fingerprint (OCI_CLI_CONFIG_FILE, OCI_CLI_PROFILE); with the simulator, read the env file of the one now running",
    ),
    (&["NotAuthorizedOrNotFound"], "check the OCID, and that a policy lets your user (or group) do this in its compartment"),
    (&["a step did not answer 200"], "its returnMessage above says why; docs/troubleshooting.md lists each cause and its fix"),
];

/// The line a failed command prints on stderr, once: `oci-rotator: <error>`, then what to do about
/// it when [`ADVICE`] knows.
pub fn error_line(e: &str) -> String {
    match ADVICE.iter().find(|(needles, _)| needles.iter().all(|n| e.contains(n))) {
        Some((_, advice)) => format!("oci-rotator: {e}; {advice}"),
        None => format!("oci-rotator: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::error_line;

    #[test]
    fn errors_get_their_fix_once() {
        let line = error_line("ListSecrets: connection failed: could not connect");
        assert!(line.starts_with("oci-rotator: ListSecrets: connection failed") && line.contains("OCI_ROTATOR_*_ENDPOINT"), "{line}");
        assert_eq!(error_line("--name must not be empty"), "oci-rotator: --name must not be empty");
        assert!(error_line("GetSecret: OCI answered 401 NotAuthenticated: bad signature").contains("key_file"));
    }
}
