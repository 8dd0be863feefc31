//! Tests on the embedded simulator: whole rotations and CLI commands, asserted on the simulator's
//! state and journal (see `main.rs` for the rule).

/// `oci-rotator adopt`: the tutorial's raw secrets into the contract's form.
mod adopt;
/// `oci-rotator alarms` and the metrics its alarms read (issue 21).
mod alarms;
/// The user must name the secret (contract 4.1).
mod binding;
/// What a clean rotation costs in OCI calls.
mod call_count;
/// The command line as an operator meets it: quiet by default, help, durations, the demo (issue 20).
mod cli;
/// OAuth 2.0 and database-password limits: IAM's own answer.
mod credential_limits;
/// DB_CREDENTIAL secrets whose passwords Vault generates (PASSPHRASE auto-generation).
mod db_password_autogen;
/// `oci-rotator enroll`.
mod enroll;
/// Every fault at every OCI call of every kind.
mod fault_matrix;
/// The last outcome a failed step leaves on the secret, and its clearing (contract 6, point 8).
mod last_outcome;
/// A domain user's console password under a strict custom policy, and an impossible one.
mod password_policies;
/// `oci-rotator pause` and `resume`: the schedule skips a paused secret, on-demand rotation does not.
mod pause;
/// PREFLIGHT: reads only, and the statement each refused read needs.
mod preflight;
/// `oci-rotator rollback` and `history`: rotate, roll back, rotate again, per kind.
mod rollback;
/// `oci-rotator rotate --compartment-id`: a compartment's managed secrets through the Vault loop.
mod rotate_fleet;
/// Full rotations, replays, DELETE_ON_PROMOTE, concurrency and dry runs.
mod rotation;
/// `oci-rotator status`: the fleet view.
mod status;
/// The opt-in reset of a console password no secret manages, end to end.
mod unmanaged_password_reset;
