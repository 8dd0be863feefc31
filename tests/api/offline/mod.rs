//! Tests that need no OCI stand-in (see `main.rs` for the rule).

/// Identity-domain password policies: every rule, impossible sets.
mod password_policies;
/// `oci-rotator policies`: the statements printed for the function.
mod policies;
/// The sample inputs under steps/.
mod steps;
