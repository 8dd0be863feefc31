//! `oci-rotator rollback`: runs [`crate::lifecycle::rollback`] and prints its outcome; a refusal
//! is printed, then fails (exit 1) naming the reason.

use super::CommandError;
use crate::lifecycle::{self, rollback};

/// Options of `rollback`.
#[derive(clap::Args)]
pub struct RollbackArgs {
    /// The secret whose PREVIOUS version becomes CURRENT again.
    #[arg(long)]
    pub secret_id: String,
    /// Check everything (the PREVIOUS credential live in IAM, the binding), write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print one JSON object (outcome, versions before and after, reason when refused).
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub async fn run(args: RollbackArgs) -> Result<(), CommandError> {
    let (client, binding) = lifecycle::admin_client_from_env()?;
    let done = rollback::rollback(&client, binding, &args.secret_id, args.dry_run).await.map_err(|e| e.to_string())?;
    println!("{}", if args.json { done.json().to_string() } else { done.text() });
    done.refusal.map_or(Ok(()), |why| Err(CommandError::Failed(format!("rollback refused: {why}"))))
}
