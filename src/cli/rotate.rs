//! `oci-rotator rotate --secret-id OCID [--step STEP] [--dry-run] [--json]`: plays Vault against
//! real OCI (API-key profile or resource principal, as configured by the environment) for one
//! secret ([`crate::driver::rotate_one`]) and prints each step's answer as a line (with `--json`, a
//! JSON line per attempt and a summary line). This is how an administrator tests the function
//! before attaching it, and rotates by hand in an emergency.
//!
//! `--dry-run` runs VERIFY_CONNECTION (read-only) and then CREATE_PENDING_VERSION with a client
//! that sends no write: it lists the writes the step would make, up to the first one whose answer
//! the rest depends on, and describes UPDATE_TARGET_SYSTEM and PROMOTE_PENDING_VERSION.

use std::time::Duration;

use std::future::Future;

use super::{rotate_fleet, CommandError};
use crate::driver::{rotate_one, Attempt, RotateOne};
use crate::flags;
use crate::oci::auth::ProcessEnv;
use crate::protocol::Step;
use crate::secret::CredentialKind;

/// Options of `rotate` (the command line's, parsed by clap): one secret (`--secret-id`, this
/// file) or every managed secret of a compartment (`--compartment-id`, [`rotate_fleet`]).
#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["secret_id", "compartment_id"])))]
pub struct RotateCommand {
    /// The secret's OCID.
    #[arg(long, conflicts_with = "compartment_id")]
    pub secret_id: Option<String>,
    /// Rotate every managed secret (metadata with credentialType) of this compartment, through Vault (RotateSecret).
    #[arg(long)]
    pub compartment_id: Option<String>,
    /// With --compartment-id: also the compartments below it.
    #[arg(long, requires = "compartment_id")]
    pub subtree: bool,
    /// With --compartment-id: only secrets of this credentialType.
    #[arg(long, requires = "compartment_id", value_parser = CredentialKind::parse_flag)]
    pub kind: Option<CredentialKind>,
    /// With --compartment-id: rotations in flight at most (1 to 64).
    #[arg(long, default_value_t = flags::CONCURRENCY_DEFAULT, requires = "compartment_id", value_parser = flags::parse_concurrency)]
    pub concurrency: u16,
    /// With --compartment-id: run the four steps in this process instead of asking Vault (no function deployed yet).
    #[arg(long, requires = "compartment_id")]
    pub local: bool,
    /// With --compartment-id: seconds before the first poll of a rotation Vault runs (then 1.5 times longer each, at most 10 s).
    #[arg(long, default_value_t = 1.0, requires = "compartment_id")]
    pub poll_secs: f64,
    /// With --compartment-id: longest wait for one rotation Vault runs, in seconds.
    #[arg(long, default_value_t = 900, requires = "compartment_id")]
    pub wait_timeout_secs: u64,
    /// Run only this step (VERIFY_CONNECTION, CREATE_PENDING_VERSION, UPDATE_TARGET_SYSTEM, PROMOTE_PENDING_VERSION).
    #[arg(long, value_parser = parse_step, conflicts_with = "compartment_id")]
    pub step: Option<Step>,
    /// versionNo to send with --step.
    #[arg(long, conflicts_with = "compartment_id")]
    pub version_no: Option<u64>,
    /// Write nothing: --secret-id runs VERIFY_CONNECTION and reports what the other steps would do; --compartment-id lists what would be rotated.
    #[arg(long)]
    pub dry_run: bool,
    /// Tries per step (Vault retries a failed step).
    #[arg(long, default_value_t = 3)]
    pub attempts: u32,
    /// JSON lines on stdout: one per step attempt (--secret-id) or finished secret (--compartment-id), then a summary (docs/json-output.md).
    #[arg(long)]
    pub json: bool,
}

/// `--step`: a step's name, case-insensitive.
fn parse_step(s: &str) -> Result<Step, String> {
    Step::parse(&s.to_ascii_uppercase())
        .ok_or_else(|| "one of VERIFY_CONNECTION, CREATE_PENDING_VERSION, UPDATE_TARGET_SYSTEM, PROMOTE_PENDING_VERSION".to_owned())
}

/// Runs `rotate`: one secret, or with `--compartment-id` every managed secret of the compartment
/// (stopped early by `cancel`). Err when a step did not answer 200 or not every secret was
/// rotated (exit 1), or the compartment cannot be read (exit 2). `verbose` (`-v`): mass
/// rotation's progress lines on stderr off a terminal.
pub async fn run_command(cmd: RotateCommand, cancel: impl Future<Output = ()>, verbose: bool) -> Result<(), CommandError> {
    match (cmd.secret_id, cmd.compartment_id) {
        (_, Some(compartment_id)) => {
            let args = rotate_fleet::FleetArgs {
                subtree: cmd.subtree,
                kind: cmd.kind,
                concurrency: usize::from(cmd.concurrency),
                dry_run: cmd.dry_run,
                local: cmd.local,
                poll_interval: Duration::from_secs_f64(cmd.poll_secs.clamp(0.05, 60.0)),
                wait_timeout: Duration::from_secs(cmd.wait_timeout_secs),
                attempts: cmd.attempts,
                ..rotate_fleet::FleetArgs::new(compartment_id)
            };
            let ok = rotate_fleet::run(args, &ProcessEnv, cancel, cmd.json, verbose).await?;
            ok.then_some(()).ok_or_else(|| CommandError::Failed("not every secret was rotated".to_owned()))
        }
        (Some(secret_id), None) => {
            let args = RotateOne { secret_id, step: cmd.step, version_no: cmd.version_no, dry_run: cmd.dry_run, attempts: cmd.attempts };
            let ok = run(args, cmd.json).await?;
            ok.then_some(()).ok_or_else(|| CommandError::Failed("a step did not answer 200".to_owned()))
        }
        (None, None) => {
            Err(CommandError::Failed("--secret-id or --compartment-id is required: name one secret or a compartment".to_owned()))
        }
    }
}

/// Runs `rotate --secret-id`, printing each attempt as it is answered, then the rest of the
/// report; Ok(true) when every step answered 200.
pub async fn run(args: RotateOne, json: bool) -> Result<bool, String> {
    let secret_id = args.secret_id.clone();
    let mut print = |a: &Attempt| if json { println!("{}", a.json_line(&secret_id)) } else { println!("{}", a.line()) };
    let report = rotate_one(&args, &ProcessEnv, &mut print).await?;
    match json {
        true => println!("{}", report.summary_json()),
        false => print!("{}", report.text()),
    }
    Ok(report.ok)
}
