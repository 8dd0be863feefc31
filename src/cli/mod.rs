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

/// Why `status` or `rotate --compartment-id` could not do its work, and the exit status it gives:
/// 2 for a compartment that does not exist or cannot be read, 1 for anything else (1 is also
/// "unhealthy" / "not every secret rotated", which are answers, not errors).
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// A compartment (its subtree, or its secrets) could not be listed (exit 2).
    #[error("{0}")]
    Compartment(String),
    /// Anything else (exit 1).
    #[error("{0}")]
    Failed(String),
}

impl CommandError {
    /// The process's exit status for it.
    pub fn exit_code(&self) -> u8 {
        match self {
            CommandError::Compartment(_) => 2,
            CommandError::Failed(_) => 1,
        }
    }
}

impl From<String> for CommandError {
    fn from(message: String) -> Self {
        CommandError::Failed(message)
    }
}

impl From<crate::fleet::CollectError> for CommandError {
    fn from(e: crate::fleet::CollectError) -> Self {
        CommandError::Compartment(e.to_string())
    }
}
