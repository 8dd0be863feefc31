//! One integration-test binary for the function, against OCI stand-ins.
#![allow(unreachable_pub, missing_docs)]

mod helpers;

/// `oci-rotator adopt`: the tutorial's raw secrets into the contract's form.
mod adopt;
/// The four steps of an API_KEY secret, call by call, against wiremock.
mod api_key_steps;
/// Malformed input and misconfigured secrets: a clear 400, nothing written.
mod bad_input;
/// The user must name the secret (contract 4.1).
mod binding;
/// What a clean rotation costs in OCI calls.
mod call_count;
/// The command line as an operator meets it: quiet by default, help, durations, the demo (issue 20).
mod cli;
/// Cloud Guard findings and ONS notifications.
mod cloud_guard;
/// OAuth 2.0 and database-password limits: IAM's own answer, on the simulator.
mod credential_limits;
/// DB_CREDENTIAL secrets whose passwords Vault generates (PASSPHRASE auto-generation).
mod db_password_autogen;
/// Fn-Deadline and a slow OCI.
mod deadlines;
/// `oci-rotator enroll` against the simulator.
mod enroll;
/// Every fault at every OCI call of every kind.
mod fault_matrix;
/// The real binary on the Fn socket.
mod fn_socket;
/// Property tests over hostile bodies, metadata and content.
mod hostile_input;
/// Auth tokens, customer secret keys and console passwords, call by call.
mod iam_secret_kinds;
/// Users of identity domains, and console passwords in tenancies that have them.
mod identity_domains;
/// The last outcome a step leaves on the secret (contract 6, point 8).
mod last_outcome;
/// Secret hygiene of the logs.
mod logs;
/// Identity-domain password policies: every rule, impossible sets, the 409 before any write.
mod password_policies;
/// `oci-rotator policies`: the statements printed for the function.
mod policies;
/// `oci-rotator rotate --compartment-id`: a compartment's managed secrets through the Vault loop.
mod rotate_fleet;
/// Harness for the simulator-backed tests.
mod sim_helpers;
/// `oci-rotator status`: the fleet view.
mod status;
/// The sample inputs under steps/.
mod steps;
/// The opt-in reset of a console password no secret manages (PASSWORD_TOO_OLD).
mod unmanaged_password_reset;
/// Full rotations, replays, DELETE_ON_PROMOTE, concurrency and dry runs against the simulator.
mod with_simulator;
