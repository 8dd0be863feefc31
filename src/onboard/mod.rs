//! Bringing a credential under the function's care: the workflows behind `oci-rotator enroll`
//! and `oci-rotator adopt` (the CLI only parses their options and prints their JSON line).
//!
//! - [`enroll`]: create a user's first credential, the secret holding it, the binding and the
//!   rotation configuration, in one idempotent run (the user's tag is written by
//!   `binding::add_to_tag`, the one "add this secret to the user's tag").
//! - [`adopt`]: turn an existing secret (the tutorial's raw forms too) into the contract's form
//!   and bind the user.

pub mod adopt;
pub mod enroll;
