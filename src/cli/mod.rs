//! The subcommands behind `main.rs`: each a plain async fn returning the process outcome.
//!
//! - [`rotate`]: play Vault against real OCI for one secret (or rehearse it with `--dry-run`).
//! - [`rotate_fleet`]: `rotate --compartment-id`, every managed secret of a compartment (issue
//!   14), with [`progress`] on stderr.
//! - [`enroll`]: create a user's first credential, the secret holding it, the binding and the
//!   rotation configuration, in one idempotent command.
//! - [`policies`]: print the dynamic group rule and least-privilege policy statements.
//! - [`status`]: the fleet view: managed secrets, their state, credentials no secret manages.
//! - [`adopt`]: turn an existing secret (the tutorial's raw forms too) into the contract's form.
//! - [`demo`]: a full rotation of all seven credential kinds against the embedded simulator.
//! - [`simulate`]: run the simulator alone, for the official SDK or manual tests.
//! - [`flags`]: the vocabulary the subcommands share: durations (`P90D`, `90d`) and `--concurrency`.
//! - [`help`]: each subcommand's examples and environment, shown at the end of its `--help`.
//!
//! `demo` and `simulate` need the `simulator` feature (on by default).

pub mod adopt;
#[cfg(feature = "simulator")]
pub mod demo;
pub mod enroll;
pub mod flags;
pub mod help;
pub mod policies;
pub mod progress;
pub mod rotate;
pub mod rotate_fleet;
#[cfg(feature = "simulator")]
pub mod simulate;
pub mod status;
