//! The subcommands behind `main.rs`: each a plain async fn returning the process outcome.
//!
//! - [`serve`]: the function itself, on the Fn socket or on TCP.
//! - [`rotate`]: play Vault against real OCI for one secret (or rehearse it with `--dry-run`).
//! - [`rotate_fleet`]: `rotate --compartment-id`, every managed secret of a compartment (issue
//!   14; the work is [`crate::fleet::rotate`]), with [`progress`] on stderr.
//! - [`enroll`] ([`crate::onboard::enroll`]): create a user's first credential, the secret holding it, the binding and the
//!   rotation configuration, in one idempotent command.
//! - [`policies`]: print the dynamic group rule and least-privilege policy statements.
//! - [`alarms`] ([`crate::monitoring`]): print or create the two alarms over the function's metrics.
//! - [`status`]: the fleet view: managed secrets, their state, credentials no secret manages.
//! - [`pause`] ([`crate::lifecycle::pause`]): `pause` and `resume`: a secret's scheduled rotation off and on, with a reason.
//! - [`adopt`] ([`crate::onboard::adopt`]): turn an existing secret (the tutorial's raw forms too) into the contract's form.
//! - [`demo`] ([`crate::demo`]): a full rotation of all seven credential kinds against the embedded simulator.
//! - [`simulate`] ([`crate::simulate`]): run the simulator alone, for the official SDK or manual tests.
//! - [`rollback`], [`history`] ([`crate::lifecycle`]): the PREVIOUS version CURRENT again, when its
//!   credential is live; what happened to one secret.
//! - [`help`]: each subcommand's examples and environment, shown at the end of its `--help`.
//!
//! `demo` and `simulate` need the `simulator` feature (on by default).

pub mod adopt;
pub mod alarms;
#[cfg(feature = "simulator")]
pub mod demo;
pub mod enroll;
pub mod help;
pub mod history;
pub mod pause;
pub mod policies;
pub mod preflight;
pub mod progress;
pub mod rollback;
pub mod rotate;
pub mod rotate_fleet;
pub mod serve;
#[cfg(feature = "simulator")]
pub mod simulate;
pub mod status;

use std::process::ExitCode;

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
        match e {
            crate::fleet::CollectError::NotACompartment => CommandError::Failed(e.to_string()),
            crate::fleet::CollectError::Compartment { .. } => CommandError::Compartment(e.to_string()),
        }
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

/// How a command logs on stderr: the function (`serving`) at INFO; the administrator's commands
/// print their results on stdout and log only warnings and errors beside them (`quiet` ones:
/// `status`, `demo`, `simulate`, errors only). `OCI_ROTATOR_LOG_FORMAT=json` gives JSON lines.
#[derive(Debug, Clone, Copy)]
pub struct Logs {
    serving: bool,
    quiet: bool,
    level: Option<&'static str>,
}

impl Logs {
    /// The function itself (`serve`, or no command with `FN_LISTENER` set).
    pub fn serving(verbose: u8) -> Logs {
        Logs { serving: true, quiet: false, level: verbose_level(verbose, false) }
    }

    /// An administrator's command: warnings and errors.
    pub fn admin(verbose: u8) -> Logs {
        Logs { serving: false, quiet: false, level: verbose_level(verbose, false) }
    }

    /// A command whose output is for a person (or the SDK test): errors only.
    pub fn quiet(verbose: u8) -> Logs {
        Logs { serving: false, quiet: true, level: verbose_level(verbose, false) }
    }

    /// `demo`: errors only, and its first `-v` is its detail.
    pub fn demo(verbose: u8) -> Logs {
        Logs { serving: false, quiet: true, level: verbose_level(verbose, true) }
    }
}

/// Starts logging as `logs` says.
pub fn init_logs(logs: Logs) {
    let json = std::env::var("OCI_ROTATOR_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let default_level = match (logs.serving, logs.quiet) {
        (true, _) => "info",
        (false, true) => "error",
        (false, false) => "warn",
    };
    if logs.serving {
        crate::telemetry::init_at(json, logs.level, default_level, false);
    } else {
        crate::telemetry::init_cli(json, logs.level, default_level);
    }
}

/// What a subcommand's `run` answers, as the process sees it: the exit status of an answer (`Ok(true)`
/// 0; `Ok(false)` 1, an answer that is not a success, e.g. `status`: not healthy; `Ok(n)` n, e.g.
/// `preflight`'s 2), or an error.
pub trait Finish {
    /// The answer in one form: its exit status, or the error.
    fn finish(self) -> Result<u8, CommandError>;
}

impl Finish for Result<(), String> {
    fn finish(self) -> Result<u8, CommandError> {
        self.map(|()| 0).map_err(CommandError::Failed)
    }
}

impl Finish for Result<(), CommandError> {
    fn finish(self) -> Result<u8, CommandError> {
        self.map(|()| 0)
    }
}

impl Finish for Result<bool, CommandError> {
    fn finish(self) -> Result<u8, CommandError> {
        self.map(|ok| u8::from(!ok))
    }
}

impl Finish for Result<u8, CommandError> {
    fn finish(self) -> Result<u8, CommandError> {
        self
    }
}

/// Runs a subcommand: starts logging, a current-thread runtime, runs `work` on it, and ends as
/// [`exit`] says.
pub fn run<F: std::future::Future>(logs: Logs, work: F) -> ExitCode
where
    F::Output: Finish,
{
    init_logs(logs);
    match tokio::runtime::Builder::new_current_thread().enable_all().max_blocking_threads(4).build() {
        Ok(runtime) => exit(runtime.block_on(work), logs.serving),
        Err(e) => {
            eprintln!("oci-rotator: cannot start the runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The exit status for a subcommand's answer. An error is reported on stderr, once, with what to
/// do about it ([`help::error_line`]); `serving`, in the function's log too (as it always has).
pub fn exit(answer: impl Finish, serving: bool) -> ExitCode {
    match answer.finish() {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{}", help::error_line(&e.to_string()));
            if serving {
                tracing::error!(error = %e, "oci-rotator stopped");
            }
            ExitCode::from(e.exit_code())
        }
    }
}

/// Bare `oci-rotator` outside a container: the usage (`help`) and what to do, exit 2.
pub fn usage(help: impl std::fmt::Display) -> ExitCode {
    eprintln!("{help}");
    eprintln!("oci-rotator: no command given; pick one above (`oci-rotator serve` serves the function on TCP)");
    ExitCode::from(2)
}

/// What a second Ctrl-C prints before the process ends (`rotate --compartment-id --local`: the
/// secrets left with a PENDING version); unset, it says the rotations Vault runs go on.
static ON_SECOND_INTERRUPT: std::sync::OnceLock<Box<dyn Fn() -> String + Send + Sync>> = std::sync::OnceLock::new();

/// Sets what a second Ctrl-C prints (the first call wins; one command runs per process).
pub fn on_second_interrupt(message: impl Fn() -> String + Send + Sync + 'static) {
    let _ = ON_SECOND_INTERRUPT.set(Box::new(message));
}

/// Resolves at the first Ctrl-C (SIGINT); a second one ends the process at once (exit 130),
/// printing on stderr what [`on_second_interrupt`] set.
pub async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        // No signal handler: never cancelled.
        std::future::pending::<()>().await;
    }
    tokio::spawn(async {
        if tokio::signal::ctrl_c().await.is_ok() {
            match ON_SECOND_INTERRUPT.get() {
                Some(message) => eprintln!("{}", message()),
                None => eprintln!("oci-rotator: interrupted again; stopping without waiting (rotations Vault runs go on)"),
            }
            std::process::exit(130);
        }
    });
}
