//! The `oci-rotator` command line: parses the subcommand, sets up logging and the runtime, and
//! calls the library. With no subcommand and `FN_LISTENER` set it serves the Fn socket (that is
//! how the container starts). Each subcommand's options live in its own file under `src/cli/`.

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use oci_rotator::cli::{self, adopt, enroll, help, policies, preflight, rotate, serve, status, CommandError};
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
    /// Play Vault against real OCI for one secret (--secret-id: all four steps in order, or one
    /// step), or rotate every managed secret of a compartment (--compartment-id).
    #[command(after_help = help::ROTATE)]
    Rotate(rotate::RotateCommand),
    /// Enroll a user's credential: create it, the secret holding it, bind the user, attach the function.
    #[command(after_help = help::ENROLL)]
    Enroll(enroll::EnrollArgs),
    /// Turn an existing secret (raw values of Oracle's tutorial too) into the contract's form and bind the user.
    #[command(after_help = help::ADOPT)]
    Adopt(adopt::AdoptArgs),
    /// The fleet view: managed secrets of a compartment, their state, and credentials no secret manages.
    #[command(after_help = help::STATUS)]
    Status(status::StatusArgs),
    /// Print the dynamic group rule and least-privilege policy statements for the function.
    #[command(after_help = help::POLICIES)]
    Policies(policies::PoliciesArgs),
    /// Ask the deployed function to check its own rights on each secret (PREFLIGHT); name what is missing.
    #[command(after_help = help::PREFLIGHT)]
    Preflight(preflight::PreflightArgs),
    /// Run the embedded OCI simulator (Vault, Secrets, Identity) until killed.
    #[cfg(feature = "simulator")]
    #[command(after_help = help::SIMULATE)]
    Simulate(simulate::SimulateArgs),
}

impl Command {
    /// `demo`: its first `-v` is its detail.
    fn is_demo(&self) -> bool {
        #[cfg(feature = "simulator")]
        return matches!(self, Command::Demo(_));
        #[cfg(not(feature = "simulator"))]
        false
    }

    /// `demo` and `simulate` log errors only: their output is for a person (or the SDK test).
    fn is_simulator(&self) -> bool {
        #[cfg(feature = "simulator")]
        return matches!(self, Command::Demo(_) | Command::Simulate(_));
        #[cfg(not(feature = "simulator"))]
        false
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Bare `oci-rotator`: the container's start (FN_LISTENER set) serves; anyone else gets usage.
    if cli.command.is_none() && std::env::var_os("FN_LISTENER").is_none() {
        eprintln!("{}", Cli::command().render_help());
        eprintln!("oci-rotator: no command given; pick one above (`oci-rotator serve` serves the function on TCP)");
        return ExitCode::from(2);
    }
    // Pure text: no logging, no runtime.
    if let Some(Command::Policies(args)) = cli.command {
        return match policies::run(&args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("oci-rotator: {e}");
                ExitCode::FAILURE
            }
        };
    }
    // The function logs INFO; the administrator's commands print their results on stdout and log
    // only warnings and errors beside them (`status`, `demo`, `simulate`: errors only).
    let quiet = cli.command.as_ref().is_some_and(|c| c.is_simulator() || matches!(c, Command::Status(_)));
    let serving = matches!(cli.command, None | Some(Command::Serve(_)));
    let verbose = cli.verbose;
    cli::init_logs(serving, quiet, cli::verbose_level(verbose, cli.command.as_ref().is_some_and(Command::is_demo)));
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().max_blocking_threads(4).build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("oci-rotator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result: Result<(), CommandError> = match cli.command {
        Some(Command::Serve(args)) => runtime.block_on(serve::run(Some(args.listen))).map_err(Into::into),
        None => runtime.block_on(serve::run(None)).map_err(Into::into),
        #[cfg(feature = "simulator")]
        Some(Command::Demo(args)) => runtime.block_on(demo::run(args, verbose > 0)).map_err(Into::into),
        Some(Command::Rotate(args)) => runtime.block_on(rotate::run_command(args, cli::interrupted())),
        Some(Command::Enroll(args)) => runtime.block_on(enroll::run(args)).map_err(Into::into),
        Some(Command::Status(args)) => match runtime.block_on(status::run(args)) {
            // Not healthy is an answer, not an error: exit 1 with the report printed.
            Ok(healthy) => return if healthy { ExitCode::SUCCESS } else { ExitCode::FAILURE },
            // A compartment that cannot be read: exit 2.
            Err(e) => Err(e),
        },
        Some(Command::Preflight(args)) => match runtime.block_on(preflight::run(args)) {
            Ok(code) => return ExitCode::from(code),
            Err(e) => Err(e),
        },
        Some(Command::Adopt(args)) => runtime.block_on(adopt::run(args)).map_err(Into::into),
        #[cfg(feature = "simulator")]
        Some(Command::Simulate(args)) => runtime.block_on(simulate::run(args)).map_err(Into::into),
        Some(Command::Policies(_)) => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e.to_string(), e.exit_code(), serving),
    }
}

/// Reports `e` on stderr, once, with what to do about it; serving, in the function's log too (as it
/// always has); and ends with `code`.
fn fail(e: &str, code: u8, serving: bool) -> ExitCode {
    eprintln!("{}", help::error_line(e));
    if serving {
        tracing::error!(error = %e, "oci-rotator stopped");
    }
    ExitCode::from(code)
}
