//! The `oci-rotator` command line: parses the subcommand, sets up logging and the runtime, and
//! calls the library. With no subcommand and `FN_LISTENER` set it serves the Fn socket (that is
//! how the container starts).

use std::net::SocketAddr;
#[cfg(feature = "simulator")]
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use oci_rotator::cli::{adopt, enroll, flags, help, policies, rotate, rotate_fleet, status};
#[cfg(feature = "simulator")]
use oci_rotator::cli::{demo, simulate};
use oci_rotator::oci::auth::ProcessEnv;
use oci_rotator::protocol::Step;
use oci_rotator::secret::CredentialKind;
use oci_rotator::server::{self, fn_socket, AppState};
use oci_rotator::{config, telemetry};

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
    Serve {
        /// TCP address to listen on when FN_LISTENER is not set.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
    },
    /// Rotate all seven credential kinds against the embedded OCI simulator, and check the contract.
    #[cfg(feature = "simulator")]
    #[command(after_help = help::DEMO)]
    Demo {
        /// Rotations per credential kind (the second shows the superseded credential deleted).
        #[arg(long, default_value_t = 2)]
        rounds: u32,
    },
    /// Play Vault against real OCI for one secret (--secret-id: all four steps in order, or one
    /// step), or rotate every managed secret of a compartment (--compartment-id).
    #[command(after_help = help::ROTATE, group(clap::ArgGroup::new("target").required(true).args(["secret_id", "compartment_id"])))]
    Rotate {
        /// The secret's OCID.
        #[arg(long, conflicts_with = "compartment_id")]
        secret_id: Option<String>,
        /// Rotate every managed secret (metadata with credentialType) of this compartment, through Vault (RotateSecret).
        #[arg(long)]
        compartment_id: Option<String>,
        /// With --compartment-id: also the compartments below it.
        #[arg(long, requires = "compartment_id")]
        subtree: bool,
        /// With --compartment-id: only secrets of this credentialType.
        #[arg(long, requires = "compartment_id", value_parser = enroll::parse_kind)]
        kind: Option<CredentialKind>,
        /// With --compartment-id: rotations in flight at most (1 to 64).
        #[arg(long, default_value_t = flags::CONCURRENCY_DEFAULT, requires = "compartment_id", value_parser = flags::parse_concurrency)]
        concurrency: u16,
        /// With --compartment-id: run the four steps in this process instead of asking Vault (no function deployed yet).
        #[arg(long, requires = "compartment_id")]
        local: bool,
        /// With --compartment-id: seconds before the first poll of a rotation Vault runs (then 1.5 times longer each, at most 10 s).
        #[arg(long, default_value_t = 1.0, requires = "compartment_id")]
        poll_secs: f64,
        /// With --compartment-id: longest wait for one rotation Vault runs, in seconds.
        #[arg(long, default_value_t = 900, requires = "compartment_id")]
        wait_timeout_secs: u64,
        /// Run only this step (VERIFY_CONNECTION, CREATE_PENDING_VERSION, UPDATE_TARGET_SYSTEM, PROMOTE_PENDING_VERSION).
        #[arg(long, value_parser = parse_step, conflicts_with = "compartment_id")]
        step: Option<Step>,
        /// versionNo to send with --step.
        #[arg(long, conflicts_with = "compartment_id")]
        version_no: Option<u64>,
        /// Write nothing: --secret-id runs VERIFY_CONNECTION and reports what the other steps would do; --compartment-id lists what would be rotated.
        #[arg(long)]
        dry_run: bool,
        /// Tries per step (Vault retries a failed step).
        #[arg(long, default_value_t = 3)]
        attempts: u32,
    },
    /// Enroll a user's credential: create it, the secret holding it, bind the user, attach the function.
    #[command(after_help = help::ENROLL)]
    Enroll(enroll::EnrollArgs),
    /// Turn an existing secret (raw values of Oracle's tutorial too) into the contract's form and bind the user.
    #[command(after_help = help::ADOPT)]
    Adopt {
        /// The secret's OCID.
        #[arg(long)]
        secret_id: String,
        /// API_KEY, AUTH_TOKEN, CUSTOMER_SECRET_KEY or CONSOLE_PASSWORD (the forms of Oracle's tutorial), or any kind already in the contract's JSON.
        #[arg(long, value_parser = enroll::parse_kind)]
        kind: CredentialKind,
        /// The user's OCID.
        #[arg(long)]
        user_id: String,
        /// The credential's id where the value does not tell it (an auth token's OCID).
        #[arg(long)]
        credential_id: Option<String>,
        /// The secret holding the secret key of a customer secret key (the tutorial keeps it apart).
        #[arg(long)]
        secret_key_secret_id: Option<String>,
    },
    /// The fleet view: managed secrets of a compartment, their state, and credentials no secret manages.
    #[command(after_help = help::STATUS)]
    Status(status::StatusArgs),
    /// Print the dynamic group rule and least-privilege policy statements for the function.
    #[command(after_help = help::POLICIES)]
    Policies(policies::PoliciesArgs),
    /// Run the embedded OCI simulator (Vault, Secrets, Identity) until killed.
    #[cfg(feature = "simulator")]
    #[command(after_help = help::SIMULATE)]
    Simulate {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9090")]
        listen: SocketAddr,
        /// Write an OCI config file (profile DEFAULT) for an administrator the simulator trusts.
        #[arg(long)]
        admin_config: Option<PathBuf>,
        /// Seed one user and one secret per credential kind.
        #[arg(long)]
        seed: bool,
        /// OCID=URL: where a function answers (`URL/call`) when the simulated Vault rotates (repeatable).
        #[arg(long = "function", value_name = "OCID=URL")]
        functions: Vec<String>,
        /// Simulated time runs this many times faster than real time.
        #[arg(long)]
        clock_speed: Option<f64>,
        /// FAMILY=RATE[/BURST]: throttle an API family (vault, secrets, identity, notifications) to RATE requests per second, 429 past it (repeatable).
        #[arg(long = "throttle", value_name = "FAMILY=RATE[/BURST]")]
        throttle: Vec<String>,
        /// A JSON file with a SCIM PasswordPolicy (minLength, maxRepeatedChars, allowedChars, ...) every identity domain gets.
        #[arg(long, value_name = "FILE.json")]
        password_policy: Option<PathBuf>,
        /// Write the `export` lines (endpoints, OCI_CLI_CONFIG_FILE, OCI_CLI_PROFILE, and with --seed the
        /// seeded OCIDs) that the CLI and `serve` need to talk to this simulator (docs/simulator.md).
        #[arg(long, value_name = "PATH")]
        env_file: Option<PathBuf>,
    },
}

impl Command {
    /// `demo`: its first `-v` is its detail.
    fn is_demo(&self) -> bool {
        #[cfg(feature = "simulator")]
        return matches!(self, Command::Demo { .. });
        #[cfg(not(feature = "simulator"))]
        false
    }

    /// `demo` and `simulate` log errors only: their output is for a person (or the SDK test).
    fn is_simulator(&self) -> bool {
        #[cfg(feature = "simulator")]
        return matches!(self, Command::Demo { .. } | Command::Simulate { .. });
        #[cfg(not(feature = "simulator"))]
        false
    }
}

fn parse_step(s: &str) -> Result<Step, String> {
    Step::parse(&s.to_ascii_uppercase())
        .ok_or_else(|| "one of VERIFY_CONNECTION, CREATE_PENDING_VERSION, UPDATE_TARGET_SYSTEM, PROMOTE_PENDING_VERSION".to_owned())
}

/// The log filter `-v` asks for (`None`: `RUST_LOG`, else the command's default). For `demo`, the
/// first `-v` is its detail, not logs.
fn verbose_level(verbose: u8, demo: bool) -> Option<&'static str> {
    match verbose.saturating_sub(u8::from(demo)) {
        0 => None,
        1 => Some("info"),
        2 => Some("debug"),
        _ => Some("trace"),
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
    let serving = matches!(cli.command, None | Some(Command::Serve { .. }));
    let json = std::env::var("OCI_ROTATOR_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let default_level = match (serving, quiet) {
        (true, _) => "info",
        (false, true) => "error",
        (false, false) => "warn",
    };
    let verbose = cli.verbose;
    let level = verbose_level(verbose, cli.command.as_ref().is_some_and(Command::is_demo));
    if serving {
        telemetry::init_at(json, level, default_level, false);
    } else {
        telemetry::init_cli(json, level, default_level);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().max_blocking_threads(4).build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("oci-rotator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Some(Command::Serve { listen }) => runtime.block_on(serve(Some(listen))),
        None => runtime.block_on(serve(None)),
        #[cfg(feature = "simulator")]
        Some(Command::Demo { rounds }) => runtime
            .block_on(demo::run(rounds, verbose > 0))
            .and_then(|ok| ok.then_some(()).ok_or_else(|| "the demo found contract violations".to_owned())),
        Some(Command::Rotate {
            secret_id,
            compartment_id,
            subtree,
            kind,
            concurrency,
            local,
            poll_secs,
            wait_timeout_secs,
            step,
            version_no,
            dry_run,
            attempts,
        }) => match (secret_id, compartment_id) {
            (_, Some(compartment_id)) => {
                let args = rotate_fleet::FleetArgs {
                    subtree,
                    kind,
                    concurrency: usize::from(concurrency),
                    dry_run,
                    local,
                    poll_interval: std::time::Duration::from_secs_f64(poll_secs.clamp(0.05, 60.0)),
                    wait_timeout: std::time::Duration::from_secs(wait_timeout_secs),
                    attempts,
                    ..rotate_fleet::FleetArgs::new(compartment_id)
                };
                match runtime.block_on(rotate_fleet::run(args, &ProcessEnv, interrupted())) {
                    Ok(ok) => ok.then_some(()).ok_or_else(|| "not every secret was rotated".to_owned()),
                    Err(e) => return fail(&e.to_string(), e.exit_code(), false),
                }
            }
            (Some(secret_id), None) => runtime
                .block_on(rotate::run(rotate::RotateArgs { secret_id, step, version_no, dry_run, attempts }))
                .and_then(|ok| ok.then_some(()).ok_or_else(|| "a step did not answer 200".to_owned())),
            (None, None) => Err("--secret-id or --compartment-id is required: name one secret or a compartment".to_owned()),
        },
        Some(Command::Enroll(args)) => runtime.block_on(enroll::run(args)),
        Some(Command::Status(args)) => match runtime.block_on(status::run(args)) {
            // Not healthy is an answer, not an error: exit 1 with the report printed.
            Ok(healthy) => return if healthy { ExitCode::SUCCESS } else { ExitCode::FAILURE },
            // A compartment that cannot be read: exit 2.
            Err(e) => return fail(&e.to_string(), e.exit_code(), false),
        },
        Some(Command::Adopt { secret_id, kind, user_id, credential_id, secret_key_secret_id }) => {
            runtime.block_on(adopt::run(adopt::AdoptArgs { secret_id, kind, user_id, credential_id, secret_key_secret_id }))
        }
        #[cfg(feature = "simulator")]
        Some(Command::Simulate { listen, admin_config, seed, functions, clock_speed, throttle, password_policy, env_file }) => runtime
            .block_on(simulate::run_with(simulate::SimulateArgs {
                listen: Some(listen),
                admin_config,
                seed,
                functions,
                clock_speed,
                throttle,
                password_policy,
                env_file,
            })),
        Some(Command::Policies { .. }) => Ok(()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&e, 1, serving),
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

/// Resolves at the first Ctrl-C (SIGINT); a second one ends the process at once (exit 130).
async fn interrupted() {
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

async fn serve(listen: Option<SocketAddr>) -> Result<(), String> {
    let fn_path = fn_socket::listener_path(std::env::var("FN_LISTENER").ok().as_deref(), std::env::var("FN_FORMAT").ok().as_deref())
        .map_err(|e| e.to_string())?;
    let (rotator, settings) = config::rotator_from_env(&ProcessEnv).map_err(|e| e.to_string())?;
    // The platform sends the first request as soon as the socket appears: build the HTTP client
    // and parse the principal's key meanwhile, on a short-lived thread of their own (cold start).
    let client = rotator.client().clone();
    let _ = std::thread::Builder::new().name("warm-up".to_owned()).spawn(move || client.warm_up());
    let app = server::router(
        AppState::new(rotator, settings.default_timeout)
            .with_secrets_compartment(settings.secrets_compartment.clone())
            .with_unmanaged_reset(settings.reset_unmanaged_passwords),
    );
    match (fn_path, listen) {
        (Some(path), _) => {
            let listener = fn_socket::bind(&path).map_err(|e| e.to_string())?;
            tracing::info!(socket = %path.display(), "serving the Fn socket");
            axum::serve(listener, app).await.map_err(|e| e.to_string())
        }
        (None, Some(addr)) => {
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            tracing::info!(%addr, "serving on TCP");
            axum::serve(listener, app).await.map_err(|e| e.to_string())
        }
        (None, None) => Err("FN_LISTENER is not set; to serve locally run `oci-rotator serve --listen 127.0.0.1:8080`".to_owned()),
    }
}
