//! The demo behind `oci-rotator demo` (`cli/demo.rs` parses its options): a full rotation of all seven credential kinds, for users of the Default
//! domain and of another identity domain, with no cloud account.
//!
//! Starts the embedded OCI simulator and the function (its real router, on loopback TCP, signing
//! as a resource principal the simulator issued), seeds one secret per credential kind, plays
//! Vault over the function's HTTP endpoint, and checks every rotation against the contract's
//! section 6. Then the API key secret is rolled back (`rollback`) and rotated again, and one
//! secret whose user does not name it (contract 4.1) is refused with nothing written. One more
//! scheduled secret is paused (issue 21): the schedule skips it, then it is resumed (one line of
//! output). Last, PREFLIGHT on the API_KEY secret: once passing, once with ListApiKeys refused to
//! the function's principal, naming the missing statement (two lines under the table; nothing
//! written). Exits 0 only when every rotation met the contract, the unbound user was refused,
//! the rollback held and both preflights answered so.
//!
//! By default it prints a few lines and ends with one table (kind × domain, versions before →
//! after, what became of the previous credentials, the four steps' codes, the unbound user's
//! refusal, totals and time): at most 80 lines. Contract violations are always printed. With
//! `--verbose` it prints, as well, for each kind a before/after view: each step's answer, versions
//! and stages, which IAM credentials exist (fingerprints or ids, never values).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use crate::config;
use crate::driver::{Attempt, Driver, HttpTransport};
use crate::lifecycle::pause::{self, Scope};
use crate::secret::{CredentialKind, PreviousCredential};
use crate::server::{self, AppState};
use crate::sim::checks;
use crate::sim::{SimOptions, Simulator};

/// Prints a line of the detailed view (`--verbose`) only.
macro_rules! detail {
    ($verbose:expr, $($arg:tt)*) => {
        if $verbose {
            println!($($arg)*);
        }
    };
}

/// One row of the closing table.
struct Row {
    kind: String,
    domain: String,
    how: String,
    versions: String,
    previous: String,
    steps: String,
    result: String,
    ok: bool,
}

/// Runs the demo; Ok(true) when every rotation met the contract. `verbose`: today's detail too.
pub async fn run(rounds: u32, verbose: bool) -> Result<bool, String> {
    let started = Instant::now();
    let sim = Simulator::new(SimOptions { updating_ms: 50, key_propagation_ms: 300, ..Default::default() });
    let endpoint = sim.spawn().await.map_err(|e| format!("cannot start the simulator: {e}"))?;
    println!("OCI simulator (Vault, Secrets, Identity) on {endpoint}; every request's signature is checked");
    let seeded = sim.seed().await;
    let mut env = sim.function_env(&endpoint);
    // The function posts its metrics (issue 21): the closing line counts the datapoints.
    env.insert("OCI_ROTATOR_METRICS_COMPARTMENT".to_owned(), sim.compartment_id());
    let (rotator, _) = config::rotator_from_env(&env).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| e.to_string())?;
    let function = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    let app = server::router(AppState::new(rotator.clone(), Duration::from_secs(60)));
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("oci-rotator function on {function} (POST /call), signing as a resource principal");
    detail!(verbose, "");
    if !verbose {
        println!("rotating 7 kinds enrolled on a schedule (one more secret paused), then 7 kinds × 2 domains × {rounds} rounds, one rollback, an unbound user (--verbose: each step)");
    }

    let mut rows = Vec::new();
    let mut all_ok = enroll_and_rotate_on_schedule(&sim, &seeded, &rotator, &function, verbose, &mut rows).await;
    let transport = HttpTransport::new(function, Duration::from_secs(60));
    let driver = Driver { attempts_per_step: 3, retry_wait: Duration::from_millis(300) };
    // Users of the Default domain (classic IAM API), then users of another identity domain (its
    // REST API): the same four steps, the same checks.
    let populations = [
        ("", "Default", &seeded.secrets, &seeded.users),
        (" (identity domain rotation-demo-domain)", "rotation-demo-domain", &seeded.domain_secrets, &seeded.domain_users),
    ];
    for (kind, (where_, domain, secrets, users)) in populations.iter().flat_map(|p| CredentialKind::ALL.into_iter().map(move |k| (k, p))) {
        let (Some(secret_id), Some(user_id)) = (secrets.get(kind.as_str()), users.get(kind.as_str())) else {
            return Err(format!("the simulator seeded no {kind} secret{where_}"));
        };
        detail!(verbose, "== {kind}{where_}  secret {secret_id}\n   user {user_id}");
        let managed_before = managed_ids(&sim, secret_id, kind);
        let unmanaged: BTreeSet<String> = checks::iam_credentials(&sim, kind, user_id).difference(&managed_before).cloned().collect();
        let version_before = sim.current_version(secret_id);
        if verbose {
            print_state(&sim, "before", secret_id, kind, user_id, &unmanaged);
        }
        let (mut row_ok, mut codes, mut retries, mut problems_seen) = (true, String::new(), 0u32, 0usize);
        for round in 1..=rounds {
            detail!(verbose, "   rotation {round}:");
            let mut report = |a: &Attempt| {
                retries += u32::from(a.attempt > 1);
                let v = a.output.current_version_no.map_or("-".to_owned(), |v| format!("v{v}"));
                let retry = if a.attempt > 1 { format!(" (try {})", a.attempt) } else { String::new() };
                detail!(
                    verbose,
                    "     {:<24} {} {:<3} {}{retry}",
                    a.step.as_str(),
                    a.output.response_code,
                    v,
                    a.output.return_message.split_once(": ").map_or(a.output.return_message.as_str(), |(_, m)| m)
                );
            };
            let answers = driver.rotate(&transport, secret_id, &mut report).await;
            let completed = answers.len() == 4 && answers.iter().all(|(_, o)| o.response_code == 200);
            let problems = checks::after_rotation(&sim, secret_id, kind, user_id, PreviousCredential::KeepUntilNextRotation, &unmanaged);
            if !completed {
                println!("   {kind}{where_}: rotation {round} did not complete");
            }
            for p in &problems {
                println!("   {kind}{where_}: CONTRACT VIOLATION: {p}");
            }
            codes = answers.iter().map(|(_, o)| o.response_code.to_string()).collect::<Vec<_>>().join(" ");
            problems_seen += problems.len();
            row_ok &= completed && problems.is_empty();
        }
        all_ok &= row_ok;
        if verbose {
            print_state(&sim, "after", secret_id, kind, user_id, &unmanaged);
            println!();
        }
        rows.push(Row {
            kind: kind.as_str().to_owned(),
            domain: (*domain).to_owned(),
            how: format!("rotate ×{rounds}"),
            versions: versions_column(version_before, sim.current_version(secret_id)),
            previous: previous_column(&sim, secret_id, kind, user_id),
            steps: if retries > 0 { format!("{codes} ({retries} retried)") } else { codes },
            result: result_column(row_ok, problems_seen),
            ok: row_ok,
        });
    }
    let (secret_id, user_id) = (&seeded.secrets[CredentialKind::ApiKey.as_str()], &seeded.users[CredentialKind::ApiKey.as_str()]);
    let rolled_back = rolls_back_and_rotates(&sim, (secret_id, user_id), &rotator, (&transport, &driver), verbose, &mut rows).await;
    let refused = refuses_an_unbound_user(&sim, &transport, &driver, verbose, &mut rows).await;
    all_ok &= refused && rolled_back;
    let (preflight_ok, preflight_lines) =
        preflights(&sim, &transport, &driver, seeded.secrets.get("API_KEY").map_or("", String::as_str)).await;
    all_ok &= preflight_ok;
    let writes = sim.journal().iter().filter(|j| j.write).count();
    let elapsed = started.elapsed().as_secs_f64();
    if verbose {
        println!(
            "{} in {elapsed:.1} s: {} OCI requests ({writes} writes), all signed and verified\n",
            if all_ok { "All rotations met the contract" } else { "SOME ROTATIONS FAILED" },
            sim.request_count()
        );
    }
    // The closing table: the whole run at a glance, and the verdict on its last line.
    println!();
    print!("{}", table(&rows));
    println!();
    for line in &preflight_lines {
        println!("{line}");
    }
    let rotations = rows.iter().filter(|r| !r.how.starts_with("unbound") && !r.how.starts_with("rollback")).count();
    let met = rows.iter().filter(|r| r.ok && !r.how.starts_with("unbound") && !r.how.starts_with("rollback")).count();
    println!(
        "{met}/{rotations} secrets rotated within the contract, one rolled back {}, the unbound user {}; {} OCI requests ({writes} writes), all signed and verified; {} metric datapoints posted to Monitoring; {elapsed:.1} s",
        if rolled_back { "and rotated again" } else { "BUT NOT CLEANLY" },
        if refused { "refused" } else { "NOT REFUSED" },
        sim.request_count(),
        sim.metric_datapoints().len()
    );
    println!("{}", if all_ok { "All rotations met the contract" } else { "SOME ROTATIONS FAILED" });
    Ok(all_ok)
}

/// `v1 → v3`.
fn versions_column(before: Option<u64>, after: Option<u64>) -> String {
    let v = |n: Option<u64>| n.map_or("-".to_owned(), |n| format!("v{n}"));
    format!("{} → {}", v(before), v(after))
}

/// `ok`, or how many violations.
fn result_column(ok: bool, problems: usize) -> String {
    match (ok, problems) {
        (true, _) => "ok".to_owned(),
        (false, 0) => "DID NOT COMPLETE".to_owned(),
        (false, n) => format!("{n} CONTRACT VIOLATIONS"),
    }
}

/// What became of the credentials of the versions that are no longer CURRENT: `v2 kept, v1 deleted`.
fn previous_column(sim: &Simulator, secret_id: &str, kind: CredentialKind, user_id: &str) -> String {
    if kind == CredentialKind::ConsolePassword {
        return "replaced in place".to_owned();
    }
    let iam = checks::iam_credentials(sim, kind, user_id);
    let mut versions = sim.secret_versions(secret_id);
    versions.sort_by_key(|v| std::cmp::Reverse(v.version_number));
    let parts: Vec<String> = versions
        .iter()
        .filter(|v| !v.stages.iter().any(|s| s == "CURRENT"))
        .filter_map(|v| {
            checks::version_credential(sim, secret_id, kind, user_id, v)
                .map(|id| format!("v{} {}", v.version_number, if iam.contains(&id) { "kept" } else { "deleted" }))
        })
        .collect();
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join(", ")
    }
}

/// The rows, aligned under a header.
fn table(rows: &[Row]) -> String {
    let header = ["KIND", "DOMAIN", "HOW", "VERSIONS", "PREVIOUS CREDENTIALS", "STEPS (VC CPV UTS PPV)", "RESULT"];
    let cells: Vec<[&str; 7]> = std::iter::once(header)
        .chain(rows.iter().map(|r| {
            [
                r.kind.as_str(),
                r.domain.as_str(),
                r.how.as_str(),
                r.versions.as_str(),
                r.previous.as_str(),
                r.steps.as_str(),
                r.result.as_str(),
            ]
        }))
        .collect();
    let mut widths = [0usize; 7];
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for row in &cells {
        let mut line = String::new();
        for (i, (c, w)) in row.iter().zip(widths).enumerate() {
            line.push_str(c);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(w - c.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The function's OCID in the demo tenancy.
const FUNCTION_ID: &str = "ocid1.fnfunc.oc1.iad.aaaaaaaademorotator";

/// Issue 12's path, as an administrator walks it: `enroll` each kind for a user that has nothing
/// yet (the credential, the secret, the binding, a 90-day schedule on the function), then the
/// simulated Vault itself rotates every secret when the schedule falls due (the clock jumps 91
/// days). True when every enrolment verified and every scheduled rotation met the contract.
async fn enroll_and_rotate_on_schedule(
    sim: &Simulator,
    seeded: &crate::sim::Seeded,
    rotator: &crate::engine::Rotator,
    function: &str,
    verbose: bool,
    rows: &mut Vec<Row>,
) -> bool {
    detail!(verbose, "== enroll, then Vault's own schedule (the simulated Vault invokes the function on {function})");
    sim.register_function(FUNCTION_ID, function);
    let mut enrolled = Vec::new();
    let mut ok = true;
    for kind in CredentialKind::ALL {
        let Some(user) = seeded.spare_users.get(kind.as_str()) else { return false };
        let args = crate::onboard::enroll::Enrollment {
            kind,
            user_id: user.clone(),
            compartment_id: seeded.compartment_id.clone(),
            vault_id: seeded.vault_id.clone(),
            key_id: seeded.key_id.clone(),
            name: format!("enrolled-{}", kind.as_str().to_ascii_lowercase()),
            function_id: Some(FUNCTION_ID.to_owned()),
            interval: Some("P90D".to_owned()),
            previous: Some(PreviousCredential::KeepUntilNextRotation),
            key_bits: 2048,
            domain_id: None,
            scopes: (kind == CredentialKind::OAuth2ClientCredential).then(|| crate::sim::DEMO_OAUTH2_SCOPES.to_owned()),
            dry_run: false,
        };
        match crate::onboard::enroll::enroll(rotator, &args, Duration::from_secs(60)).await {
            Ok(line) => {
                detail!(verbose, "   oci-rotator enroll --kind {kind} ...  {line}");
                if let Some(secret) = line["secretId"].as_str() {
                    enrolled.push((kind, secret.to_owned(), user.clone()));
                }
            }
            Err(e) => {
                println!("   enroll {kind} FAILED: {e}");
                ok = false;
            }
        }
    }
    let status = |id: &str| -> String {
        sim.state_view()["secrets"]
            .as_array()
            .and_then(|all| all.iter().find(|s| s["id"] == id).cloned())
            .map(|s| {
                format!(
                    "CURRENT v{} rotationStatus {} lastRotationTime {}",
                    s["currentVersionNumber"], s["rotationStatus"], s["lastRotationTime"]
                )
            })
            .unwrap_or_default()
    };
    for (kind, secret, _) in &enrolled {
        detail!(verbose, "   {kind:<20} before: {}", status(secret));
    }
    let paused = pause_one(sim, rotator, &seeded.compartment_id).await;
    detail!(verbose, "   the simulated clock moves 91 days: the 90-day schedules fall due, and Vault invokes the function");
    sim.advance_clock(Duration::from_secs(91 * 24 * 3600));
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && enrolled.iter().any(|(_, s, _)| sim.last_rotation(s).is_none()) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for (kind, secret, user) in &enrolled {
        let record = sim.last_rotation(secret);
        let steps =
            record.as_ref().map(|r| r.steps.iter().map(|(s, c)| format!("{s} {c}")).collect::<Vec<_>>().join(", ")).unwrap_or_default();
        detail!(verbose, "   {kind:<20} after:  {}\n                        steps: {steps}", status(secret));
        let problems = checks::after_rotation(sim, secret, *kind, user, PreviousCredential::KeepUntilNextRotation, &BTreeSet::new());
        for p in &problems {
            println!("   {kind} (enrolled): CONTRACT VIOLATION: {p}");
        }
        let completed = record.as_ref().is_some_and(|r| r.completed);
        let row_ok = completed && problems.is_empty() && sim.current_version(secret) == Some(2);
        ok &= row_ok;
        rows.push(Row {
            kind: kind.as_str().to_owned(),
            domain: "Default".to_owned(),
            how: "enroll + schedule".to_owned(),
            versions: versions_column(Some(1), sim.current_version(secret)),
            previous: previous_column(sim, secret, *kind, user),
            steps: record.map_or_else(|| "none".to_owned(), |r| r.steps.iter().map(|(_, c)| c.to_string()).collect::<Vec<_>>().join(" ")),
            result: result_column(row_ok, problems.len()),
            ok: row_ok,
        });
    }
    ok &= skipped_while_paused(sim, rotator, paused.as_deref()).await;
    detail!(verbose, "");
    ok
}

/// Issue 21's pause: one more secret on the same 90-day schedule, paused (`pause --reason
/// --until`) before the schedule falls due. Its id, when it could be made and paused.
async fn pause_one(sim: &Simulator, rotator: &crate::engine::Rotator, compartment_id: &str) -> Option<String> {
    let rc = serde_json::json!({"rotationInterval": "P90D", "isScheduledRotationEnabled": true,
        "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": FUNCTION_ID}});
    let secret = sim.seed_fleet_with(1, compartment_id, &[CredentialKind::AuthToken], Some(rc), "demo-paused").pop()?.secret_id;
    let until = (time::OffsetDateTime::now_utc() + Duration::from_secs(30 * 24 * 3600)).date().to_string();
    let scope = Scope::Secret(secret.clone());
    let paused = pause::pause(rotator.client(), &scope, "quarter-end freeze", Some(&until), time::OffsetDateTime::now_utc()).await;
    paused.is_ok_and(|r| r.all_ok()).then_some(secret)
}

/// After the schedule fell due: the paused secret was not rotated (still v1, no rotation run) and
/// carries its pause; then it is resumed. One line; true when all of that held.
async fn skipped_while_paused(sim: &Simulator, rotator: &crate::engine::Rotator, secret: Option<&str>) -> bool {
    let Some(secret) = secret else {
        println!("   paused secret: could not be made or paused");
        return false;
    };
    let tag = sim.secret_tags(secret).get(pause::TAG_KEY).cloned().unwrap_or_default();
    let skipped = sim.current_version(secret) == Some(1) && sim.last_rotation(secret).is_none() && !tag.is_empty();
    let resumed = pause::resume(rotator.client(), &Scope::Secret(secret.to_owned())).await.is_ok_and(|r| r.all_ok())
        && !sim.secret_tags(secret).contains_key(pause::TAG_KEY);
    println!(
        "paused (oci-rotator-paused \"{tag}\"): {}; then resumed: {}",
        if skipped { "the schedule skipped it (v1 → v1)" } else { "NOT SKIPPED by the schedule" },
        if resumed { "ok" } else { "FAILED" }
    );
    skipped && resumed
}

/// Contract 4.1 in action: a secret whose metadata names a user who does not name the secret (what
/// someone who may edit secrets, but not users, could set up to read another user's credential).
/// The rotation must be refused with 400 before any IAM write. True when it was.
async fn refuses_an_unbound_user(sim: &Simulator, transport: &HttpTransport, driver: &Driver, verbose: bool, rows: &mut Vec<Row>) -> bool {
    let kind = CredentialKind::AuthToken;
    let user_id = sim.create_user("rotation-demo-unbound");
    let Ok((token_id, token)) = sim.create_auth_token(&user_id, "made by hand") else { return false };
    let Ok(content) = crate::kinds::content(kind, &[&token_id, &token]) else { return false };
    let metadata = serde_json::json!({"credentialType": kind.as_str(), "userId": user_id});
    let secret_id = sim.create_secret("demo-unbound-auth-token", metadata, &content, None);
    detail!(
        verbose,
        "== {kind}  secret {secret_id}\n   user {user_id}, who does not name this secret (no freeform tag {})",
        crate::binding::tag_key(kind)
    );
    let before = checks::iam_credentials(sim, kind, &user_id);
    let current_before = sim.current_version(&secret_id);
    let seq_before = sim.journal().last().map_or(0, |j| j.seq);
    let answers = driver.rotate(transport, &secret_id, &mut |_| {}).await;
    let Some((step, out)) = answers.last() else { return false };
    let (message, how) = out.return_message.split_once(" Whoever manages the user binds it with: ").unwrap_or((&out.return_message, ""));
    detail!(verbose, "     {:<24} {} {}", step.as_str(), out.response_code, message.split_once(": ").map_or(message, |(_, m)| m));
    if !how.is_empty() {
        detail!(verbose, "     the fix it names: {how}");
    }
    let iam_writes = sim.journal().iter().filter(|j| j.seq > seq_before && j.write && j.path.starts_with("/20160918/")).count();
    let refused = out.response_code == 400
        && iam_writes == 0
        && checks::iam_credentials(sim, kind, &user_id) == before
        && sim.current_version(&secret_id) == current_before;
    if verbose || !refused {
        println!(
            "   {}: {iam_writes} IAM writes, the user's auth tokens and the CURRENT version unchanged\n",
            if refused { "refused as the contract requires" } else { "CONTRACT VIOLATION: the unbound user was not refused cleanly" }
        );
    }
    let codes: Vec<String> = answers.iter().map(|(_, o)| o.response_code.to_string()).collect();
    rows.push(Row {
        kind: kind.as_str().to_owned(),
        domain: "Default".to_owned(),
        how: "unbound user (4.1)".to_owned(),
        versions: versions_column(current_before, sim.current_version(&secret_id)),
        previous: "untouched".to_owned(),
        steps: codes.join(" "),
        result: if refused { format!("refused, {iam_writes} IAM writes") } else { "NOT REFUSED CLEANLY".to_owned() },
        ok: refused,
    });
    refused
}

/// One rollback (issue 21): the API key secret, already rotated, is rolled back
/// ([`crate::lifecycle::rollback`]: its PREVIOUS version CURRENT again, once its key is found
/// live), then rotated again; the contract's section 6 must hold after, and the key rolled away
/// from must be gone from IAM. One row of the table; `--verbose` shows the versions. True when all held.
async fn rolls_back_and_rotates(
    sim: &Simulator,
    (secret_id, user_id): (&str, &str),
    rotator: &crate::engine::Rotator,
    (transport, driver): (&HttpTransport, &Driver),
    verbose: bool,
    rows: &mut Vec<Row>,
) -> bool {
    let kind = CredentialKind::ApiKey;
    let before = sim.current_version(secret_id);
    let managed: BTreeSet<String> = managed_ids(sim, secret_id, kind);
    let unmanaged: BTreeSet<String> = checks::iam_credentials(sim, kind, user_id).difference(&managed).cloned().collect();
    let done = crate::lifecycle::rollback::rollback(rotator.client(), crate::binding::BindingMode::Required, secret_id, false).await;
    let (rolled, text) = match &done {
        Ok(r) => (r.outcome == crate::lifecycle::rollback::RollbackOutcome::RolledBack, r.text()),
        Err(e) => (false, e.to_string()),
    };
    let rolled_to = sim.current_version(secret_id);
    let live = rolled && checks::current_is_live(sim, secret_id, kind, user_id).is_empty();
    let away = done.ok().and_then(|r| r.before.current).and_then(|v| v.credential_id);
    detail!(verbose, "== {kind} rollback  secret {secret_id}\n   {}", text.replace('\n', "\n   "));
    let answers = driver.rotate(transport, secret_id, &mut |_| {}).await;
    let completed = answers.len() == 4 && answers.iter().all(|(_, o)| o.response_code == 200);
    let problems = checks::after_rotation(sim, secret_id, kind, user_id, PreviousCredential::KeepUntilNextRotation, &unmanaged);
    let gone = away.is_some_and(|id| !checks::iam_credentials(sim, kind, user_id).contains(&id));
    for p in &problems {
        println!("   {kind} after the rollback: CONTRACT VIOLATION: {p}");
    }
    let ok = live && completed && problems.is_empty() && gone;
    let v = |n: Option<u64>| n.map_or("-".to_owned(), |n| format!("v{n}"));
    rows.push(Row {
        kind: kind.as_str().to_owned(),
        domain: "Default".to_owned(),
        how: "rollback, rotate".to_owned(),
        versions: format!("{} → {} → {}", v(before), v(rolled_to), v(sim.current_version(secret_id))),
        previous: previous_column(sim, secret_id, kind, user_id),
        steps: answers.iter().map(|(_, o)| o.response_code.to_string()).collect::<Vec<_>>().join(" "),
        result: match (ok, rolled, live) {
            (true, ..) => "ok: rolled back live".to_owned(),
            (false, false, _) => format!("ROLLBACK FAILED: {}", text.lines().next().unwrap_or_default()),
            (false, true, false) => "ROLLED BACK TO A DEAD KEY".to_owned(),
            _ => result_column(false, problems.len()),
        },
        ok,
    });
    ok
}

/// PREFLIGHT twice on `secret_id` (the function's `/call`, as `oci-rotator preflight` invokes it):
/// once with every grant (200), once with ListApiKeys refused to the function's principal (403
/// naming the statement). Nothing may be written either time. True when both answered so; and the
/// lines to print (the missing statement on a line of its own).
async fn preflights(sim: &Simulator, transport: &HttpTransport, driver: &Driver, secret_id: &str) -> (bool, Vec<String>) {
    let seq_before = sim.journal().last().map_or(0, |j| j.seq);
    let pass = driver.step(transport, crate::protocol::Step::Preflight, secret_id, None, &mut |_| {}).await;
    sim.deny_function_ops(&["ListApiKeys"]);
    let denied = driver.step(transport, crate::protocol::Step::Preflight, secret_id, None, &mut |_| {}).await;
    let writes = sim.journal().iter().filter(|j| j.seq > seq_before && j.write).count();
    let ok = pass.response_code == 200 && denied.response_code == 403 && denied.return_message.contains("USER_APIKEY_ADD") && writes == 0;
    let strip = |m: &str| m.strip_prefix("PREFLIGHT: ").unwrap_or(m).to_owned();
    let denied_message = strip(&denied.return_message);
    let (failed, missing) = denied_message.split_once("; missing: ").unwrap_or((&denied_message, ""));
    let mut lines = vec![
        format!("preflight API_KEY: {} {}", pass.response_code, strip(&pass.return_message)),
        format!("preflight API_KEY, ListApiKeys refused to the function: {} {failed}", denied.response_code),
    ];
    if !missing.is_empty() {
        lines.push(format!("  missing: {missing}"));
    }
    (ok, lines)
}

/// Credentials held by some version of the secret.
fn managed_ids(sim: &Simulator, secret_id: &str, kind: CredentialKind) -> BTreeSet<String> {
    sim.secret_versions(secret_id).iter().filter_map(|v| checks::credential_of(kind, &v.content)).collect()
}

fn print_state(sim: &Simulator, label: &str, secret_id: &str, kind: CredentialKind, user_id: &str, unmanaged: &BTreeSet<String>) {
    let versions = sim.secret_versions(secret_id);
    let mut holders: BTreeMap<String, String> = BTreeMap::new();
    let mut line = Vec::new();
    for v in versions.iter().rev() {
        line.push(format!("v{} [{}]", v.version_number, v.stages.join(",")));
        if let Some(id) = checks::credential_of(kind, &v.content) {
            holders.entry(id).or_insert_with(|| format!("v{} {}", v.version_number, v.stages.first().cloned().unwrap_or_default()));
        }
    }
    println!("   {label:<6} versions: {}", line.join("  "));
    let iam: Vec<String> = checks::iam_credentials(sim, kind, user_id)
        .into_iter()
        .map(|id| {
            let who = if unmanaged.contains(&id) {
                "not managed by this secret".to_owned()
            } else {
                holders.get(&id).cloned().unwrap_or_else(|| "held by no version".to_owned())
            };
            format!("{id} ({who})")
        })
        .collect();
    println!("          IAM {}: {}", kind.as_str().to_ascii_lowercase(), if iam.is_empty() { "none".to_owned() } else { iam.join(", ") });
}
