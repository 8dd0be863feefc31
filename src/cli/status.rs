//! `oci-rotator status --compartment-id OCID [--subtree] [--older-than 90d] [--json]`: the fleet
//! view (issue 14). Lists the managed secrets of a compartment (kind, user, CURRENT version and its
//! age, `rotationStatus`, last and next rotation, whether the rotation targets a function, whether
//! the user is bound) and, per user, the credentials IAM holds that no secret manages, those older
//! than `--older-than` flagged stale. An aligned table, or one JSON document with `--json`
//! (its shape: docs/fleet.md). Read-only. Exit status 0 when nothing is failed or stale, no user is
//! unbound and every read answered, 1 otherwise, 2 when the compartment (or one of its subtree)
//! does not exist or cannot be read. A throttled tenancy's 429s are waited out (`retry-after`)
//! within `--timeout`. Progress goes to stderr once a run takes more than a second.
//!
//! What it reads and why: [`crate::fleet`]; how it is shown: [`crate::fleet::report`].

use std::io::{IsTerminal, Write};
use std::time::Duration;

use super::CommandError;
use crate::fleet::report::ProgressLine;
use crate::fleet::{self, Options, Progress, Report};
use crate::oci::auth::ProcessEnv;
use crate::oci::Client;

/// Options of `status` (the command line's, parsed by clap).
#[derive(clap::Args, Debug, Clone)]
pub struct StatusArgs {
    /// The compartment (or tenancy) whose secrets are listed.
    #[arg(long)]
    pub compartment_id: String,
    /// Include every compartment under it.
    #[arg(long)]
    pub subtree: bool,
    /// Credentials no secret manages that are older than this are stale: ISO 8601 (`P90D`, `P12W`) or short (`90d`, `12w`, `90`).
    #[arg(long, default_value = "90d", value_parser = crate::flags::parse_duration)]
    pub older_than: Duration,
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Print full OCIDs (secret, user, credential) in the table instead of their last characters, to paste into other commands.
    #[arg(long)]
    pub wide: bool,
    /// OCI calls in flight at once (1 to 64).
    #[arg(long, default_value_t = crate::flags::CONCURRENCY_DEFAULT, value_parser = crate::flags::parse_concurrency)]
    pub concurrency: u16,
    /// Longest the whole run may take, waiting out throttling (429s) included: `10m`, `PT10M`, `600s` or `600` (seconds).
    #[arg(long, default_value = "10m", value_parser = crate::flags::parse_timeout)]
    pub timeout: Duration,
    /// An unbound user (its tag does not name the secret) is not unhealthy: for a function that runs with OCI_ROTATOR_USER_BINDING=off.
    #[arg(long)]
    pub allow_unbound: bool,
}

/// Collects the view with `client` ([`fleet::status`], no output): what `run` prints, for tests
/// and the benchmark.
pub async fn status(client: &Client, args: &StatusArgs, progress: &mut dyn FnMut(Progress)) -> Result<Report, CommandError> {
    let opts = Options {
        compartment_id: args.compartment_id.clone(),
        subtree: args.subtree,
        older_than: args.older_than,
        now: time::OffsetDateTime::now_utc(),
        concurrency: usize::from(args.concurrency),
        allow_unbound: args.allow_unbound,
    };
    Ok(fleet::status(client, &opts, args.timeout, progress).await?)
}

/// Runs the command; the exit status is success only when the report is healthy. Progress goes
/// to stderr on a terminal, and off one only when `verbose` (`-v`).
pub async fn run(args: StatusArgs, verbose: bool) -> Result<bool, CommandError> {
    let (rotator, _) = crate::config::rotator_from_env(&ProcessEnv).map_err(|e| e.to_string())?;
    let (mut line, terminal) = (ProgressLine::default(), std::io::stderr().is_terminal());
    let report = status(rotator.client(), &args, &mut |p| {
        if !terminal && !verbose {
            return;
        }
        if let Some(l) = line.next(p) {
            let _ = if terminal { write!(std::io::stderr(), "\r\x1b[K{l}") } else { writeln!(std::io::stderr(), "{l}") };
        }
    })
    .await;
    if terminal && line.shown() {
        eprint!("\r\x1b[K");
    }
    let report = report?;
    let out = if args.json { serde_json::to_string_pretty(&report.json()).map_err(|e| e.to_string())? } else { report.table(args.wide) };
    println!("{out}");
    Ok(report.healthy())
}
