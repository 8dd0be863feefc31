//! What the tests share, and no test: the two OCI stand-ins' harnesses and the given-helpers of a
//! subject. `crate::helpers::*` is the wiremock harness (`wire.rs`), which most tests use.

/// Given-helpers for Cloud Guard events.
pub mod cloud_guard_events;
/// Given-helpers for identity domains against wiremock.
pub mod domains;
/// Given-helpers against wiremock: the setup blocks many tests start with (methods on `TestApp`).
pub mod given;
/// An independent checker of identity-domain password policies.
pub mod password_rules;
/// Harness for the simulator-backed tests.
pub mod sim;
/// Harness for the wiremock-backed tests: the function on a random port beside one `MockServer`.
pub mod wire;

pub use wire::*;
