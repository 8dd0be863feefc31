//! `oci-rotator rotate --compartment-id`: runs [`crate::fleet::rotate`] (mass rotation) with
//! [`super::progress`] on stderr, and prints each secret's line and the totals on stdout. Secrets
//! never started (a cancelled run) are counted in the totals, not listed one by one, and a closing
//! line says why the run stopped short ([`closing_line`]).

use std::future::Future;

use super::progress::Progress;
use super::CommandError;
pub use crate::fleet::rotate::FleetArgs;
use crate::fleet::rotate::{format_line, rotate_fleet, Fleet, FleetReport, Outcome};
use crate::oci::auth::Env;

/// Runs the command: prints the report on stdout; Ok(true) when every rotation succeeded.
pub async fn run(args: FleetArgs, env: &dyn Env, cancel: impl Future<Output = ()>) -> Result<bool, CommandError> {
    if !crate::protocol::is_ocid_of(&args.compartment_id, "compartment") && !crate::protocol::is_ocid_of(&args.compartment_id, "tenancy") {
        return Err(CommandError::Failed("--compartment-id must be a compartment or tenancy OCID".to_owned()));
    }
    let fleet = Fleet::from_env(env)?;
    let mut progress = Progress::default();
    let report = rotate_fleet(&fleet, &args, cancel, &mut progress).await?;
    for o in report.outcomes.iter().filter(|o| o.outcome != Outcome::NotStarted) {
        println!("{}", format_line(o));
    }
    for (id, e) in &report.unreadable {
        println!("UNREADABLE   {id}  {e}");
    }
    let managed = report.outcomes.len();
    let (verb, failed) = if args.dry_run { ("would rotate", "would fail") } else { ("rotated", "failed") };
    println!(
        "\n{} secrets listed: {managed} managed{}, {} unmanaged (no credentialType), {} of another kind; {verb} {}, {failed} {}, timed out {}, not started {}",
        report.listed,
        args.kind.map(|k| format!(" {k}")).unwrap_or_default(),
        report.unmanaged,
        report.other_kind,
        report.count(if args.dry_run { "WOULD_ROTATE" } else { "ROTATED" }),
        report.count("FAILED") + report.count("WOULD_FAIL") + report.unreadable.len(),
        report.count("TIMED_OUT"),
        report.count("NOT_STARTED"),
    );
    if let Some(line) = closing_line(&report, args.dry_run) {
        println!("{line}");
    }
    if args.dry_run {
        println!("dry run: nothing was written (reads only: ListSecrets, GetSecret, and each user's tags).");
    }
    Ok(report.all_succeeded())
}

/// Whether a failure's reason is OCI's throttling still answering 429 when the retries ran out
/// (the [`crate::oci::Error`] text: `OCI answered 429 TooManyRequests: ...`).
fn throttled(why: &str) -> bool {
    why.contains("answered 429") || why.contains("TooManyRequests")
}

/// The line after the totals saying why the run stopped short: interrupted (cancelled, some
/// secrets not started), throttled out (rotations failed on 429s), or failures; None when every
/// selected secret was rotated (or, in a dry run, would be).
pub fn closing_line(report: &FleetReport, dry_run: bool) -> Option<String> {
    let not_started = report.count("NOT_STARTED");
    if report.cancelled {
        return Some(format!(
            "interrupted (cancelled): {not_started} secret(s) not started, nothing written to them; the rotations under way were waited for and are listed above"
        ));
    }
    let failed: Vec<&str> = report
        .outcomes
        .iter()
        .filter_map(|o| match &o.outcome {
            Outcome::Failed(why) | Outcome::WouldFail(why) => Some(why.as_str()),
            _ => None,
        })
        .chain(report.unreadable.iter().map(|(_, e)| e.as_str()))
        .collect();
    let timed_out = report.count("TIMED_OUT");
    if failed.is_empty() && timed_out == 0 {
        return None;
    }
    let throttled = failed.iter().filter(|why| throttled(why)).count();
    if dry_run {
        return Some(format!("dry run: {} secret(s) would fail (the lines above say why)", failed.len()));
    }
    let why = if throttled > 0 {
        format!("throttled out: {throttled} of the {} failure(s) were OCI still answering 429 after the retries (run again later, or with a lower --concurrency)", failed.len())
    } else {
        format!("failures: {} failed", failed.len())
    };
    Some(format!("stopped short, {why}; {timed_out} timed out (the lines above say why)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::rotate::SecretOutcome;

    fn outcome(outcome: Outcome) -> SecretOutcome {
        SecretOutcome {
            secret_id: "ocid1.vaultsecret.oc1..a".to_owned(),
            name: "n".to_owned(),
            kind: "API_KEY".to_owned(),
            current_before: Some(1),
            current_after: Some(1),
            rotation_status: None,
            outcome,
        }
    }

    #[test]
    fn the_closing_line_says_why_the_run_stopped_short() {
        let report = |outcomes: Vec<Outcome>, cancelled: bool| FleetReport {
            outcomes: outcomes.into_iter().map(outcome).collect(),
            cancelled,
            ..FleetReport::default()
        };
        assert_eq!(closing_line(&report(vec![Outcome::Rotated], false), false), None);
        let cancelled = closing_line(&report(vec![Outcome::Rotated, Outcome::NotStarted, Outcome::NotStarted], true), false).unwrap();
        assert!(cancelled.starts_with("interrupted") && cancelled.contains("2 secret(s) not started"), "{cancelled}");
        let failed =
            closing_line(&report(vec![Outcome::Failed("GetUser: OCI answered 404 NotAuthorizedOrNotFound: x".into())], false), false)
                .unwrap();
        assert!(failed.contains("failures: 1 failed") && !failed.contains("throttled"), "{failed}");
        let throttled = closing_line(
            &report(vec![Outcome::Failed("UploadApiKey: OCI answered 429 TooManyRequests: slow down".into()), Outcome::TimedOut], false),
            false,
        )
        .unwrap();
        assert!(throttled.contains("throttled out: 1 of the 1 failure(s)") && throttled.contains("1 timed out"), "{throttled}");
    }
}
