//! `oci-rotator rotate --compartment-id`: runs [`crate::fleet::rotate`] (mass rotation) with
//! [`super::progress`] on stderr, and prints each secret's line and the totals on stdout.

use std::future::Future;

use super::progress::Progress;
use super::CommandError;
pub use crate::fleet::rotate::FleetArgs;
use crate::fleet::rotate::{format_line, rotate_fleet, Fleet};
use crate::oci::auth::Env;

/// Runs the command: prints the report on stdout; Ok(true) when every rotation succeeded.
pub async fn run(args: FleetArgs, env: &dyn Env, cancel: impl Future<Output = ()>) -> Result<bool, CommandError> {
    if !crate::protocol::is_ocid_of(&args.compartment_id, "compartment") && !crate::protocol::is_ocid_of(&args.compartment_id, "tenancy") {
        return Err(CommandError::Failed("--compartment-id must be a compartment or tenancy OCID".to_owned()));
    }
    let fleet = Fleet::from_env(env)?;
    let mut progress = Progress::default();
    let report = rotate_fleet(&fleet, &args, cancel, &mut progress).await?;
    for o in &report.outcomes {
        println!("{}", format_line(o));
    }
    for (id, e) in &report.unreadable {
        println!("UNREADABLE   {id}  {e}");
    }
    let managed = report.outcomes.len();
    let (verb, failed) = if args.dry_run { ("would rotate", "would fail") } else { ("rotated", "failed") };
    println!(
        "\n{} secrets listed: {managed} managed{}, {} unmanaged (no credentialType), {} of another kind; {verb} {}, {failed} {}, timed out {}, not started {}{}",
        report.listed,
        args.kind.map(|k| format!(" {k}")).unwrap_or_default(),
        report.unmanaged,
        report.other_kind,
        report.count(if args.dry_run { "WOULD_ROTATE" } else { "ROTATED" }),
        report.count("FAILED") + report.count("WOULD_FAIL") + report.unreadable.len(),
        report.count("TIMED_OUT"),
        report.count("NOT_STARTED"),
        if report.cancelled { " (cancelled)" } else { "" }
    );
    if args.dry_run {
        println!("dry run: nothing was written (reads only: ListSecrets, GetSecret, and each user's tags).");
    }
    Ok(report.all_succeeded())
}
