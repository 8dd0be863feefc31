//! `oci-rotator preflight`: its options; the work and the table are [`crate::preflight`].

use super::CommandError;
use crate::flags;
use crate::preflight::{client_from_env, preflight, PreflightArgs};

/// Options of `preflight` (the command line's, parsed by clap).
#[derive(Debug, Clone, clap::Args)]
pub struct PreflightCommand {
    /// The deployed function's OCID (ocid1.fnfunc....).
    #[arg(long)]
    pub function_id: String,
    /// One secret to check.
    #[arg(long, conflicts_with = "compartment_id", required_unless_present = "compartment_id")]
    pub secret_id: Option<String>,
    /// Every managed secret of this compartment (or tenancy).
    #[arg(long)]
    pub compartment_id: Option<String>,
    /// With --compartment-id: the compartments below it too.
    #[arg(long, requires = "compartment_id")]
    pub subtree: bool,
    /// Invocations in flight at most (1 to 64).
    #[arg(long, default_value_t = flags::CONCURRENCY_DEFAULT, value_parser = flags::parse_concurrency)]
    pub concurrency: u16,
    /// One JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command and prints the report; Ok(exit status): 0 all pass, 1 something missing, 2 not invocable.
pub async fn run(cmd: PreflightCommand) -> Result<u8, CommandError> {
    let client = client_from_env(&crate::oci::auth::ProcessEnv)?;
    let args = PreflightArgs {
        function_id: cmd.function_id,
        secret_id: cmd.secret_id,
        compartment_id: cmd.compartment_id,
        subtree: cmd.subtree,
        concurrency: usize::from(cmd.concurrency),
        timeout: std::time::Duration::from_secs(120),
    };
    let report = preflight(&client, &args).await.map_err(CommandError::Compartment)?;
    if cmd.json {
        println!("{}", report.json_line());
    } else {
        print!("{}", report.table());
    }
    Ok(report.exit_code())
}
