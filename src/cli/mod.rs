//! The subcommands behind `main.rs`: each a plain async fn returning the process outcome.
//!
//! - [`serve`]: the function itself, on the Fn socket or on TCP.
//! - [`rotate`]: play Vault against real OCI for one secret (or rehearse it with `--dry-run`).
//! - [`rotate_fleet`]: `rotate --compartment-id`, every managed secret of a compartment (issue
//!   14; the work is [`crate::fleet::rotate`]), with [`progress`] on stderr.
//! - [`enroll`] ([`crate::onboard::enroll`]): create a user's first credential, the secret holding it, the binding and the
//!   rotation configuration, in one idempotent command.
//! - [`policies`]: print the dynamic group rule and least-privilege policy statements.
//! - [`status`]: the fleet view: managed secrets, their state, credentials no secret manages.
//! - [`adopt`] ([`crate::onboard::adopt`]): turn an existing secret (the tutorial's raw forms too) into the contract's form.
//! - [`demo`] ([`crate::demo`]): a full rotation of all seven credential kinds against the embedded simulator.
//! - [`simulate`] ([`crate::simulate`]): run the simulator alone, for the official SDK or manual tests.
//! - [`help`]: each subcommand's examples and environment, shown at the end of its `--help`.
//!
//! `demo` and `simulate` need the `simulator` feature (on by default).

pub mod adopt;
#[cfg(feature = "simulator")]
pub mod demo;
pub mod enroll;
pub mod help;
pub mod policies;
pub mod preflight;
pub mod progress;
pub mod rotate;
pub mod rotate_fleet;
pub mod serve;
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

impl From<crate::fleet::rotate::RotateError> for CommandError {
    fn from(e: crate::fleet::rotate::RotateError) -> Self {
        CommandError::Compartment(e.to_string())
    }
}

impl From<crate::fleet::CollectError> for CommandError {
    fn from(e: crate::fleet::CollectError) -> Self {
        CommandError::Compartment(e.to_string())
    }
}

/// The log filter `-v` asks for (`None`: `RUST_LOG`, else the command's default). For `demo`, the
/// first `-v` is its detail, not logs.
pub fn verbose_level(verbose: u8, demo: bool) -> Option<&'static str> {
    match verbose.saturating_sub(u8::from(demo)) {
        0 => None,
        1 => Some("info"),
        2 => Some("debug"),
        _ => Some("trace"),
    }
}

/// Starts logging: the function (`serving`) logs INFO; the administrator's commands print their
/// results on stdout and log only warnings and errors beside them (`quiet` ones: errors only).
/// `OCI_ROTATOR_LOG_FORMAT=json` gives JSON lines.
pub fn init_logs(serving: bool, quiet: bool, level: Option<&'static str>) {
    let json = std::env::var("OCI_ROTATOR_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let default_level = match (serving, quiet) {
        (true, _) => "info",
        (false, true) => "error",
        (false, false) => "warn",
    };
    if serving {
        crate::telemetry::init_at(json, level, default_level, false);
    } else {
        crate::telemetry::init_cli(json, level, default_level);
    }
}

/// Resolves at the first Ctrl-C (SIGINT); a second one ends the process at once (exit 130).
pub async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handler: never cancelled.
        std::future::pending::<()>().await;
    }
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("oci-rotator: interrupted again; stopping without waiting (rotations Vault runs go on)");
            std::process::exit(130);
        }
    });
}
