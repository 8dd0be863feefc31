//! The `oci-rotator` command line: parses the subcommand and hands it to [`cli::run`] (logging, the
//! runtime, the exit status). With no subcommand and `FN_LISTENER` set it serves the Fn socket
//! (that is how the container starts). Each subcommand's options live in its own file under
//! `src/cli/`.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use oci_rotator::cli::{self, help, serve, Logs};
#[cfg(feature = "admin")]
use oci_rotator::cli::{adopt, alarms, enroll, history, pause, policies, preflight, rollback, rotate, status};
#[cfg(feature = "simulator")]
use oci_rotator::cli::{demo, simulate};

#[derive(Parser)]
#[command(name = "oci-rotator", version, about = "OCI Vault secret-rotation function for OCI IAM credentials")]
#[cfg_attr(feature = "simulator", command(after_help = help::MAIN))]
#[cfg_attr(not(feature = "simulator"), command(after_help = help::MAIN_WITHOUT_SIMULATOR))]
struct Cli {
    /// More logs on stderr: -v info, -vv debug, -vvv trace (RUST_LOG works too). `demo --verbose`
    /// shows every rotation in detail (its logs start at -vv).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the function: on the Fn socket when FN_LISTENER is set, else on TCP.
    #[command(after_help = help::SERVE)]
    Serve(serve::ServeArgs),
    /// Rotate all seven credential kinds against the embedded OCI simulator, and check the contract.
    #[cfg(feature = "simulator")]
    #[command(after_help = help::DEMO)]
    Demo(demo::DemoArgs),
    #[cfg(feature = "admin")]
    /// Play Vault against real OCI for one secret (--secret-id: all four steps in order, or one
    /// step), or rotate every managed secret of a compartment (--compartment-id).
    #[command(after_help = help::ROTATE)]
    Rotate(rotate::RotateCommand),
    #[cfg(feature = "admin")]
    /// Enroll a user's credential: create it, the secret holding it, bind the user, attach the function.
    #[command(after_help = help::ENROLL)]
    Enroll(enroll::EnrollArgs),
    #[cfg(feature = "admin")]
    /// Turn an existing secret (raw values of Oracle's tutorial too) into the contract's form and bind the user.
    #[command(after_help = help::ADOPT)]
    Adopt(adopt::AdoptArgs),
    #[cfg(feature = "admin")]
    /// The fleet view: managed secrets of a compartment, their state, and credentials no secret manages.
    #[command(after_help = help::STATUS)]
    Status(status::StatusArgs),
    #[cfg(feature = "admin")]
    /// Make the PREVIOUS version CURRENT again, when its credential is still live in IAM.
    #[command(after_help = help::ROLLBACK)]
    Rollback(rollback::RollbackArgs),
    #[cfg(feature = "admin")]
    /// One secret's versions, the credential each holds, its rotation state, last outcome and pause.
    #[command(after_help = help::HISTORY)]
    History(history::HistoryArgs),
    #[cfg(feature = "admin")]
    /// Turn a secret's scheduled rotation off (--secret-id, or a compartment's), with a reason recorded on it.
    #[command(after_help = help::PAUSE)]
    Pause(pause::PauseArgs),
    #[cfg(feature = "admin")]
    /// Turn a paused secret's scheduled rotation back on and remove the pause.
    #[command(after_help = help::PAUSE)]
    Resume(pause::ScopeArgs),
    #[cfg(feature = "admin")]
    /// Print the dynamic group rule and least-privilege policy statements for the function.
    #[command(after_help = help::POLICIES)]
    Policies(policies::PoliciesArgs),
    #[cfg(feature = "admin")]
    /// Print (or with --apply create) the two OCI Monitoring alarms over the function's metrics.
    #[command(after_help = help::ALARMS)]
    Alarms(alarms::AlarmsArgs),
    #[cfg(feature = "admin")]
    /// Ask the deployed function to check its own rights on each secret (PREFLIGHT); name what is missing.
    #[command(after_help = help::PREFLIGHT)]
    Preflight(preflight::PreflightArgs),
    /// Run the embedded OCI simulator (Vault, Secrets, Identity) until killed.
    #[cfg(feature = "simulator")]
    #[command(after_help = help::SIMULATE)]
    Simulate(simulate::SimulateArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let v = cli.verbose;
    let Some(command) = cli.command else {
        // Bare `oci-rotator`: the container's start (FN_LISTENER set) serves; anyone else gets usage.
        if std::env::var_os("FN_LISTENER").is_none() {
            return cli::usage(Cli::command().render_help());
        }
        return cli::run(Logs::serving(v), serve::run(None));
    };
    // Each subcommand's logs: `Logs` says who logs what (`status`, `demo`, `simulate`: errors only).
    match command {
        Command::Serve(args) => cli::run(Logs::serving(v), serve::run(Some(args.listen))),
        #[cfg(feature = "simulator")]
        Command::Demo(args) => cli::run(Logs::demo(v), demo::run(args, v > 0)),
        #[cfg(feature = "admin")]
        Command::Rotate(args) => cli::run(Logs::admin(v), rotate::run_command(args, cli::interrupted(), v > 0)),
        #[cfg(feature = "admin")]
        Command::Enroll(args) => cli::run(Logs::admin(v), enroll::run(args)),
        #[cfg(feature = "admin")]
        Command::Adopt(args) => cli::run(Logs::admin(v), adopt::run(args)),
        #[cfg(feature = "admin")]
        // Not healthy is an answer, not an error: exit 1 with the report printed (2: a compartment that cannot be read).
        Command::Status(args) => cli::run(Logs::quiet(v), status::run(args, v > 0)),
        #[cfg(feature = "admin")]
        Command::Rollback(args) => cli::run(Logs::admin(v), rollback::run(args)),
        #[cfg(feature = "admin")]
        Command::History(args) => cli::run(Logs::admin(v), history::run(args)),
        #[cfg(feature = "admin")]
        Command::Pause(args) => cli::run(Logs::admin(v), pause::run(args.scope.clone(), Some(args))),
        #[cfg(feature = "admin")]
        Command::Resume(scope) => cli::run(Logs::admin(v), pause::run(scope, None)),
        #[cfg(feature = "admin")]
        Command::Alarms(args) => cli::run(Logs::admin(v), alarms::run(args)),
        #[cfg(feature = "admin")]
        // 1: a statement or binding missing; 2: the function cannot be invoked.
        Command::Preflight(args) => cli::run(Logs::admin(v), preflight::run(args)),
        #[cfg(feature = "admin")]
        // Pure text: no logging, no runtime.
        Command::Policies(args) => cli::exit(policies::run(&args), false),
        #[cfg(feature = "simulator")]
        Command::Simulate(args) => cli::run(Logs::quiet(v), simulate::run(args)),
    }
}
