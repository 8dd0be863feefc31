//! `oci-rotator simulate`: its options; serving the simulator is [`crate::simulate`].

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::simulate::{FunctionPrincipal, Simulation};

/// What `simulate` is asked for (the command line's options, parsed by clap).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct SimulateArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9090")]
    pub listen: Option<SocketAddr>,
    /// Write an OCI config file (profile DEFAULT) for an administrator the simulator trusts.
    #[arg(long)]
    pub admin_config: Option<PathBuf>,
    /// Seed one user and one secret per credential kind.
    #[arg(long)]
    pub seed: bool,
    /// OCID=URL: where a function answers (`URL/call`) when the simulated Vault rotates (repeatable).
    #[arg(long = "function", value_name = "OCID=URL")]
    pub functions: Vec<String>,
    /// Simulated time runs this many times faster than real time.
    #[arg(long)]
    pub clock_speed: Option<f64>,
    /// FAMILY=RATE[/BURST]: throttle an API family (vault, secrets, identity, notifications) to RATE requests per second, 429 past it (repeatable).
    #[arg(long = "throttle", value_name = "FAMILY=RATE[/BURST]")]
    pub throttle: Vec<String>,
    /// A JSON file with a SCIM PasswordPolicy (minLength, maxRepeatedChars, allowedChars, ...) every identity domain gets.
    #[arg(long, value_name = "FILE.json")]
    pub password_policy: Option<PathBuf>,
    /// Write the `export` lines (endpoints, OCI_CLI_CONFIG_FILE, OCI_CLI_PROFILE, and with --seed the
    /// seeded OCIDs) that the CLI and `serve` need to talk to this simulator (docs/simulator.md).
    #[arg(long, value_name = "PATH")]
    pub env_file: Option<PathBuf>,
    /// The function's own principal: --function-env-file PATH, --deny-function-op OP[,OP...].
    #[command(flatten)]
    pub function_principal: FunctionPrincipal,
}

impl From<SimulateArgs> for Simulation {
    fn from(a: SimulateArgs) -> Self {
        let SimulateArgs { listen, admin_config, seed, functions, clock_speed, throttle, password_policy, env_file, function_principal } =
            a;
        Simulation { listen, admin_config, seed, functions, clock_speed, throttle, password_policy, env_file, function_principal }
    }
}

/// Runs the simulator until the process is killed.
pub async fn run(args: SimulateArgs) -> Result<(), String> {
    crate::simulate::run_with(args.into()).await
}
