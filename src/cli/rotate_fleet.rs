//! `oci-rotator rotate --compartment-id`: runs [`crate::fleet::rotate`] (mass rotation) with
//! [`super::progress`] on stderr, and prints the report on stdout ([`FleetReport::text`]), or with
//! `--json` one JSON line per secret as it finishes and a summary line. With `--local`, a second
//! Ctrl-C names the secrets it leaves with a PENDING version ([`super::on_second_interrupt`]).

use std::future::Future;

use super::progress::Progress;
use super::CommandError;
pub use crate::fleet::rotate::FleetArgs;
use crate::fleet::rotate::{rotate_fleet, Fleet, FleetReport};
use crate::oci::auth::Env;

/// Runs the command: prints the report on stdout (JSON lines with `json`), progress lines off a
/// terminal only when `verbose`; Ok(true) when every rotation succeeded.
pub async fn run(
    args: FleetArgs,
    env: &dyn Env,
    cancel: impl Future<Output = ()>,
    json: bool,
    verbose: bool,
) -> Result<bool, CommandError> {
    if !crate::protocol::is_ocid_of(&args.compartment_id, "compartment") && !crate::protocol::is_ocid_of(&args.compartment_id, "tenancy") {
        return Err(CommandError::Failed("--compartment-id must be a compartment or tenancy OCID".to_owned()));
    }
    let fleet = Fleet::from_env(env)?;
    if args.local && !args.dry_run {
        let in_flight = args.in_flight.clone();
        super::on_second_interrupt(move || in_flight.stopped_at_once());
    }
    let mut progress = Progress::default().with_json_lines(json).with_plain_lines(verbose);
    let report: FleetReport = rotate_fleet(&fleet, &args, cancel, &mut progress).await?;
    match json {
        true => println!("{}", report.summary_json(&args)),
        false => print!("{}", report.text(&args)),
    }
    Ok(report.all_succeeded())
}
