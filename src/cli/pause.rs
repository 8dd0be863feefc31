//! `oci-rotator pause` and `resume`: options, one call to [`crate::lifecycle::pause`] (workflow and
//! rendering), print. Exit 1: input refused or a secret failed; 2: the compartment cannot be read.

use super::CommandError;
use crate::lifecycle::pause::{self, PauseError, Scope};
use crate::oci::auth::ProcessEnv;

/// Which secrets (`--secret-id`, or `--compartment-id [--subtree]`: every managed secret there).
#[derive(clap::Args, Debug, Clone)]
pub struct ScopeArgs {
    /// The secret's OCID.
    #[arg(long, conflicts_with = "compartment_id", required_unless_present = "compartment_id")]
    pub secret_id: Option<String>,
    /// Every managed secret of this compartment (or tenancy).
    #[arg(long)]
    pub compartment_id: Option<String>,
    /// With --compartment-id: every compartment under it too.
    #[arg(long, requires = "compartment_id")]
    pub subtree: bool,
    /// Print one JSON document instead of lines.
    #[arg(long)]
    pub json: bool,
}

/// Options of `pause`.
#[derive(clap::Args, Debug, Clone)]
pub struct PauseArgs {
    /// Which secrets.
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Why: recorded on the secret (tag oci-rotator-paused), seen by everyone who reads its tags.
    #[arg(long)]
    pub reason: String,
    /// When the pause should end: a date (2027-01-15, from 00:00 UTC) or an RFC 3339 time. Nothing resumes by itself; `status` flags a pause past its end.
    #[arg(long)]
    pub until: Option<String>,
}

/// Runs `pause` (`Some(args)`) or `resume` (`None`, with `scope`) and prints the report.
pub async fn run(scope: ScopeArgs, pause_args: Option<PauseArgs>) -> Result<(), CommandError> {
    let (rotator, _) = crate::config::rotator_from_env(&ProcessEnv).map_err(|e| e.to_string())?;
    let target = Scope::from_flags(scope.secret_id.as_deref(), scope.compartment_id.as_deref(), scope.subtree);
    let report = match &pause_args {
        Some(a) => pause::pause(rotator.client(), &target, &a.reason, a.until.as_deref(), time::OffsetDateTime::now_utc()).await,
        None => pause::resume(rotator.client(), &target).await,
    }
    .map_err(|e| match e {
        PauseError::Compartment { .. } => CommandError::Compartment(e.to_string()),
        PauseError::Input(_) => CommandError::Failed(e.to_string()),
    })?;
    println!("{}", if scope.json { report.json().to_string() } else { report.text() });
    report.all_ok().then_some(()).ok_or_else(|| CommandError::Failed("not every secret could be changed (see FAILED above)".to_owned()))
}
