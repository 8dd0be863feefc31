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
//! What it reads and why: [`crate::fleet`].

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use super::CommandError;
use crate::config;
use crate::fleet::{self, Options, Progress, Report};
use crate::oci::auth::ProcessEnv;
use crate::oci::Client;
use crate::protocol::is_ocid_of;

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
    #[arg(long, default_value = "90d", value_parser = parse_age)]
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
    #[arg(long, default_value = "10m", value_parser = parse_timeout)]
    pub timeout: Duration,
    /// An unbound user (its tag does not name the secret) is not unhealthy: for a function that runs with OCI_ROTATOR_USER_BINDING=off.
    #[arg(long)]
    pub allow_unbound: bool,
}

/// `--timeout`: a duration flag ([`crate::flags::parse_timeout`]: `10m`, `PT10M`, `600s`,
/// `600` seconds); at least one second.
pub fn parse_timeout(s: &str) -> Result<Duration, String> {
    crate::flags::parse_timeout(s)
}

/// `--older-than`: a duration flag ([`crate::flags::parse_duration`]: `P90D`, `90d`, `12w`, `90`).
pub fn parse_age(s: &str) -> Result<Duration, String> {
    crate::flags::parse_duration(s)
}

/// Collects the view with `client` (no output): what `run` prints, for tests and the benchmark.
/// Every call is bound to `--timeout`, and a 429 is retried after its `retry-after` for as long as
/// that leaves time (the client's own 429 budget does not apply), as `rotate --compartment-id`
/// does: a throttled tenancy makes the run slower, not unhealthy.
pub async fn status(client: &Client, args: &StatusArgs, progress: &mut dyn FnMut(Progress)) -> Result<Report, CommandError> {
    if !is_ocid_of(&args.compartment_id, "compartment") && !is_ocid_of(&args.compartment_id, "tenancy") {
        return Err(CommandError::Failed(
            "--compartment-id must be a compartment or tenancy OCID (ocid1.compartment.<realm>... or ocid1.tenancy.<realm>...)".to_owned(),
        ));
    }
    let opts = Options {
        compartment_id: args.compartment_id.clone(),
        subtree: args.subtree,
        older_than: args.older_than,
        now: time::OffsetDateTime::now_utc(),
        concurrency: usize::from(args.concurrency),
        allow_unbound: args.allow_unbound,
    };
    let client = client.with_throttled_attempts(u32::MAX).with_deadline(tokio::time::Instant::now() + args.timeout);
    Ok(fleet::collect(&client, &opts, progress).await?)
}

/// Writes progress to stderr once the run has taken more than a second, at most once a second
/// (rewriting one line on a terminal).
struct ProgressLine {
    started: Instant,
    last: Option<Instant>,
    terminal: bool,
}

impl ProgressLine {
    fn report(&mut self, p: Progress) {
        let now = Instant::now();
        if now - self.last.unwrap_or(self.started) < Duration::from_secs(1) {
            return;
        }
        self.last = Some(now);
        let line = format!("oci-rotator status: {} {}/{} ({} s)", p.phase, p.done, p.total, self.started.elapsed().as_secs());
        let mut err = std::io::stderr().lock();
        let _ = if self.terminal { write!(err, "\r\x1b[K{line}") } else { writeln!(err, "{line}") };
    }

    fn finish(&self) {
        if self.terminal && self.last.is_some() {
            eprint!("\r\x1b[K");
        }
    }
}

/// Runs the command; the exit status is success only when the report is healthy.
pub async fn run(args: StatusArgs) -> Result<bool, CommandError> {
    let (rotator, _) = config::rotator_from_env(&ProcessEnv).map_err(|e| e.to_string())?;
    let mut line = ProgressLine { started: Instant::now(), last: None, terminal: std::io::stderr().is_terminal() };
    let report = status(rotator.client(), &args, &mut |p| line.report(p)).await;
    line.finish();
    let report = report?;
    let out =
        if args.json { serde_json::to_string_pretty(&json(&report)).map_err(|e| e.to_string())? } else { table_with(&report, args.wide) };
    println!("{out}");
    Ok(report.healthy())
}

/// The report as `--json` prints it: the [`Report`] fields, plus `healthy` (the exit status's
/// reason) and `summary` (the counts).
pub fn json(r: &Report) -> serde_json::Value {
    let mut v = serde_json::to_value(r).unwrap_or_default();
    v["healthy"] = serde_json::json!(r.healthy());
    v["summary"] = serde_json::json!({"secrets": r.secrets.len(), "failed": r.failed(), "unbound": r.unbound(), "unmanaged": r.unmanaged.len(),
        "stale": r.stale(), "otherSecrets": r.other_secrets, "notCovered": r.not_covered.len(), "errors": r.errors.len()});
    v
}

/// The last `n` characters of an OCID after an ellipsis (tables only; JSON has it whole).
fn short(ocid: &str, n: usize) -> String {
    let chars: Vec<char> = ocid.chars().collect();
    if chars.len() <= n + 1 {
        return ocid.to_owned();
    }
    format!("…{}", chars[chars.len() - n..].iter().collect::<String>())
}

fn date(t: Option<&str>) -> String {
    t.map_or_else(|| "-".to_owned(), |t| t.chars().take(10).collect())
}

/// Left-aligned columns, two spaces apart.
fn columns(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows.first().map_or(0, Vec::len))
        .map(|c| rows.iter().map(|r| r.get(c).map_or(0, |s| s.chars().count())).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r.iter().enumerate().map(|(i, s)| format!("{s:<w$}", w = widths[i])).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The report as aligned tables for a person: managed secrets, then unmanaged credentials, then a
/// summary. Failures and stale credentials are marked in capitals. OCIDs are cut to their last
/// characters; [`table_with`] with `wide` prints them whole.
pub fn table(r: &Report) -> String {
    table_with(r, false)
}

/// [`table`], with full OCIDs when `wide` (`status --wide`).
pub fn table_with(r: &Report, wide: bool) -> String {
    let cut = |ocid: &str, n: usize| if wide { ocid.to_owned() } else { short(ocid, n) };
    let mut rows = vec![["SECRET", "NAME", "TYPE", "USER", "VER", "AGE(d)", "ROTATION", "LAST", "NEXT", "FUNCTION", "BOUND", "STATE"]
        .map(str::to_owned)
        .to_vec()];
    for s in &r.secrets {
        let state = match s.problems.as_slice() {
            [] => s.paused.as_ref().map_or_else(|| "ok".to_owned(), crate::lifecycle::pause::Pause::label),
            [one] => format!("FAILED: {one}"),
            [first, rest @ ..] => format!("FAILED: {first} (+{} more)", rest.len()),
        };
        rows.push(vec![
            cut(&s.secret_id, 10),
            s.secret_name.clone(),
            s.credential_type.clone(),
            s.user_id.as_deref().map_or_else(|| "-".to_owned(), |u| cut(u, 10)),
            s.current_version_number.map_or_else(|| "-".to_owned(), |n| n.to_string()),
            s.current_version_age_days.map_or_else(|| "-".to_owned(), |d| d.to_string()),
            s.rotation_status.clone().unwrap_or_else(|| "-".to_owned()),
            date(s.last_rotation_time.as_deref()),
            date(s.next_rotation_time.as_deref()),
            if s.targets_function { "yes" } else { "NO" }.to_owned(),
            match s.bound {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "-",
            }
            .to_owned(),
            state,
        ]);
    }
    let mut out = format!("Managed secrets in {} compartment(s) under {}\n\n", r.compartments.len(), r.compartment_id);
    out.push_str(&columns(&rows));
    out.push_str(&format!("\nCredentials no secret manages (stale: older than {} days)\n\n", r.older_than_days));
    let mut creds = vec![["USER", "TYPE", "CREDENTIAL", "AGE(d)", "CREATED", "STATE", "DESCRIPTION"].map(str::to_owned).to_vec()];
    for c in &r.unmanaged {
        creds.push(vec![
            cut(&c.user_id, 10),
            c.credential_type.clone(),
            if c.credential_id.len() > 48 && !wide { cut(&c.credential_id, 12) } else { c.credential_id.clone() },
            c.age_days.map_or_else(|| "-".to_owned(), |d| d.to_string()),
            date(c.time_created.as_deref()),
            if c.stale { "STALE" } else { "ok" }.to_owned(),
            c.description.clone().unwrap_or_default(),
        ]);
    }
    if r.unmanaged.is_empty() {
        out.push_str("(none)\n");
    } else {
        out.push_str(&columns(&creds));
    }
    for n in &r.not_covered {
        out.push_str(&format!("\nnot covered: user {} ({}): {}", n.user_id, n.domain_id, n.reason));
    }
    for e in &r.errors {
        out.push_str(&format!("\nREAD ERROR: {}: {}", e.resource, e.message));
    }
    out.push_str(&format!(
        "\n{} managed secret(s), {} FAILED, {} UNBOUND; {} credential(s) no secret manages, {} STALE; {} other secret(s); {} read error(s): {}",
        r.secrets.len(),
        r.failed(),
        r.unbound(),
        r.unmanaged.len(),
        r.stale(),
        r.other_secrets,
        r.errors.len(),
        if r.healthy() { "healthy" } else { "NOT HEALTHY" }
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_in_days_and_weeks() {
        assert_eq!(parse_age("90d"), Ok(Duration::from_secs(90 * 86400)));
        assert_eq!(parse_age("30"), Ok(Duration::from_secs(30 * 86400)));
        assert_eq!(parse_age("2w"), Ok(Duration::from_secs(14 * 86400)));
        for bad in ["", "d", "90m", "-1d", "ninety"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timeouts_in_seconds_and_minutes() {
        assert_eq!(parse_timeout("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_timeout("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_timeout("45"), Ok(Duration::from_secs(45)));
        // Issue 20 (one duration vocabulary): hours and ISO 8601 are durations too.
        assert_eq!(parse_timeout("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_timeout("PT10M"), Ok(Duration::from_secs(600)));
        for bad in ["", "0", "0m", "-5s", "soon"] {
            assert!(parse_timeout(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn columns_align_and_ocids_shorten() {
        let t = columns(&[vec!["A".into(), "BB".into()], vec!["CCC".into(), "D".into()]]);
        assert_eq!(t, "A    BB\nCCC  D\n");
        assert_eq!(short("ocid1.user.oc1..aaaaaaaabcdefghij", 4), "…ghij");
        assert_eq!(short("abc", 4), "abc");
    }
}
