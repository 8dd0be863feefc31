//! The subcommands behind `main.rs`: each a plain async fn returning the process outcome.
//!
//! - [`rotate`]: play Vault against real OCI for one secret (or rehearse it with `--dry-run`).
//! - [`policies`]: print the dynamic group rule and least-privilege policy statements.
//! - [`demo`]: a full rotation of all four credential kinds against the embedded simulator.
//! - [`simulate`]: run the simulator alone, for the official SDK or manual tests.
//!
//! `demo` and `simulate` need the `simulator` feature (on by default).

#[cfg(feature = "simulator")]
pub mod demo;
pub mod policies;
pub mod rotate;
#[cfg(feature = "simulator")]
pub mod simulate;
