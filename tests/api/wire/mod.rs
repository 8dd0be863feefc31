//! Tests against wiremock: the exact requests the function sends (see `main.rs` for the rule).

/// The four steps of an API_KEY secret, call by call.
mod api_key_steps;
/// Malformed input and misconfigured secrets: a clear 400, nothing written.
mod bad_input;
/// The user must name the secret (contract 4.1): no IAM write for an unbound user.
mod binding;
/// Cloud Guard findings and ONS notifications.
mod cloud_guard;
/// Fn-Deadline and a slow OCI.
mod deadlines;
/// The real binary on the Fn socket.
mod fn_socket;
/// Property tests over hostile bodies, metadata and content.
mod hostile_input;
/// Auth tokens, customer secret keys and console passwords, call by call.
mod iam_secret_kinds;
/// Users of identity domains, and console passwords in tenancies that have them.
mod identity_domains;
/// The last outcome a step records on the secret, call by call (contract 6, point 8).
mod last_outcome;
/// Secret hygiene of the logs.
mod logs;
/// The metrics each step posts to OCI Monitoring (issue 21).
mod metrics;
/// The OCI client's one pager, through ListSecrets.
mod paging;
/// Identity-domain password policies: the 409 before any write.
mod password_policies;
/// `pause` and `resume`: the schedule off and on, the pause tag, call by call.
mod pause;
/// PREFLIGHT: every read, no write, the statement a refused read needs.
mod preflight;
/// `rollback`: the one UpdateSecret after the checks, and every refusal with none.
mod rollback;
/// The opt-in reset of a console password no secret manages (PASSWORD_TOO_OLD).
mod unmanaged_password_reset;
