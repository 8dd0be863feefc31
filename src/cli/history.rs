//! `oci-rotator history`: runs [`crate::lifecycle::history`] (read-only) and prints its table or
//! JSON document.

use super::CommandError;
use crate::lifecycle::{self, history};

/// Options of `history`.
#[derive(clap::Args)]
pub struct HistoryArgs {
    /// The secret.
    #[arg(long)]
    pub secret_id: String,
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command.
pub async fn run(args: HistoryArgs) -> Result<(), CommandError> {
    let (client, _) = lifecycle::admin_client_from_env()?;
    let h = history::history(&client, &args.secret_id).await.map_err(|e| e.to_string())?;
    println!("{}", if args.json { h.json().to_string() } else { h.table() });
    Ok(())
}
