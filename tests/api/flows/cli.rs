//! The real binary as an operator meets it (issue 20, points 1, 3, 4 and 7): results on stdout,
//! nothing on stderr at the default level but warnings and errors, each error once with what to
//! do; usage for a bare invocation; examples and the environment in every `--help`; one duration
//! vocabulary and one `--concurrency` range; a demo that fits a screen and ends with its table.

use std::collections::HashMap;
use std::path::PathBuf;

use oci_rotator::secret::CredentialKind;
use oci_rotator::sim::SimOptions;

use crate::helpers::sim::sim_rig;

/// The exit code, stdout and stderr of the binary run with `args` and only `env` (and PATH).
async fn run(args: &[&str], env: &HashMap<String, String>) -> (i32, String, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env)
        .output()
        .await
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A fresh folder for one test's files.
fn work_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("oci-rotator-cli-{name}-{}", std::process::id()))
}

fn fast() -> SimOptions {
    SimOptions { updating_ms: 20, key_propagation_ms: 50, ..Default::default() }
}

#[tokio::test]
async fn a_failing_command_prints_one_error_line_saying_what_to_do_and_no_logs() {
    // Given: no OCI config file where the command looks for one.
    let dir = work_dir("no-config");
    let env: HashMap<String, String> = [("HOME".to_owned(), dir.to_string_lossy().into_owned())].into();
    // When
    let (code, stdout, stderr) = run(&["rotate", "--secret-id", "ocid1.vaultsecret.oc1.iad.aaaa"], &env).await;
    // Then: exit 1, one line on stderr, the error with its fix, no log lines.
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("oci-rotator: authentication: cannot read"), "{stderr}");
    assert!(stderr.contains("OCI_CLI_CONFIG_FILE"), "names what to set: {stderr}");
    for noise in ["INFO", "ERROR", "WARN", "oci-rotator stopped"] {
        assert!(!stderr.contains(noise), "{noise}: {stderr}");
    }
}

#[tokio::test]
async fn a_failed_step_is_reported_on_stdout_and_said_once_on_stderr() {
    // Given: a valid administrator's profile, but nothing listening where OCI should be.
    let rig = sim_rig(fast()).await;
    let mut env = rig.admin_env(&work_dir("dead-endpoint"));
    for var in ["OCI_ROTATOR_VAULT_ENDPOINT", "OCI_ROTATOR_SECRETS_ENDPOINT", "OCI_ROTATOR_IDENTITY_ENDPOINT"] {
        env.insert(var.to_owned(), "http://127.0.0.1:1".to_owned());
    }
    env.insert("OCI_ROTATOR_MAX_ATTEMPTS".to_owned(), "1".to_owned());
    // When
    let (code, stdout, stderr) = run(&["rotate", "--secret-id", &rig.secret(CredentialKind::ApiKey), "--attempts", "1"], &env).await;
    // Then: the step's answer on stdout; one line on stderr, with where to look; no log lines.
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.contains("VERIFY_CONNECTION") && stdout.contains("502"), "{stdout}");
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        ["oci-rotator: a step did not answer 200; its returnMessage above says why; docs/troubleshooting.md lists each cause and its fix"],
        "{stderr}"
    );
    // And: with -v, the engine's own summary of the step joins it.
    let (_, _, stderr) = run(&["rotate", "--secret-id", &rig.secret(CredentialKind::ApiKey), "--attempts", "1", "-v"], &env).await;
    assert!(stderr.lines().any(|l| l.contains("WARN") && l.contains("step failed")), "{stderr}");
}

#[tokio::test]
async fn commands_are_quiet_by_default_and_verbose_on_request() {
    // Given: the simulator and an administrator's environment for it.
    let rig = sim_rig(fast()).await;
    let env = rig.admin_env(&work_dir("verbose"));
    let secret = rig.secret(CredentialKind::AuthToken);
    // When: a dry run at the default level.
    let (code, stdout, stderr) = run(&["rotate", "--secret-id", &secret, "--dry-run"], &env).await;
    // Then: the result on stdout, nothing on stderr (no "UpdateSecret failed" warning).
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("dry run: nothing was written"), "{stdout}");
    assert_eq!(stderr, "", "a dry run logs nothing at the default level");
    // When: a rotation at the default level, then with -v.
    let (code, stdout, stderr) = run(&["rotate", "--secret-id", &secret], &env).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stdout.contains("PROMOTE_PENDING_VERSION"), "{stdout}");
    assert_eq!(stderr, "", "quiet by default");
    let (code, stdout, stderr) = run(&["rotate", "--secret-id", &secret, "-v"], &env).await;
    // Then: -v adds the INFO logs, on stderr only.
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stderr.lines().any(|l| l.contains(" INFO ")), "-v shows INFO: {stderr}");
    assert!(!stdout.contains(" INFO "), "logs stay off stdout: {stdout}");
    assert_eq!(rig.sim.current_version(&secret), Some(3), "both rotations happened");
    // When: a mass rotation off a terminal, at the default level, then with -v.
    let fleet = ["rotate", "--compartment-id", &rig.seeded.compartment_id, "--kind", "AUTH_TOKEN", "--local"];
    let (code, stdout, stderr) = run(&fleet, &env).await;
    // Then: one row per secret on stdout and no progress lines on stderr; -v adds them.
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ROTATED")).count(), 2, "{stdout}");
    assert_eq!(stderr, "", "no progress lines off a terminal by default");
    let (code, stdout, stderr) = run(&[&fleet[..], &["-v"]].concat(), &env).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("[1/") && l.contains("] ROTATED")), "-v shows the progress lines: {stderr}");
}

#[tokio::test]
async fn bare_invocation_prints_usage_and_exits_2() {
    // Given: no FN_LISTENER. When: no command.
    let (code, stdout, stderr) = run(&[], &HashMap::new()).await;
    // Then: usage with the commands, exit 2, nothing read from OCI.
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stdout, "");
    assert!(stderr.contains("Usage: oci-rotator") && stderr.contains("Commands:") && stderr.contains("serve"), "{stderr}");
    assert!(!stderr.contains("authentication"), "{stderr}");
}

#[tokio::test]
async fn rotate_without_a_target_names_both_flags() {
    let (code, _, stderr) = run(&["rotate"], &HashMap::new()).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--secret-id") && stderr.contains("--compartment-id"), "{stderr}");
}

#[tokio::test]
async fn every_subcommand_help_ends_with_examples_and_its_environment() {
    for sub in [
        "serve",
        "demo",
        "rotate",
        "enroll",
        "adopt",
        "status",
        "pause",
        "resume",
        "policies",
        "preflight",
        "simulate",
        "rollback",
        "history",
    ] {
        // When
        let (code, stdout, stderr) = run(&[sub, "--help"], &HashMap::new()).await;
        // Then: an example of this very subcommand, and the environment it reads.
        assert_eq!(code, 0, "{sub}: {stderr}");
        let examples = stdout.split_once("Examples:").map(|(_, e)| e).unwrap_or_else(|| panic!("{sub}: no examples: {stdout}"));
        assert!(examples.contains(&format!("oci-rotator {sub}")), "{sub}: {examples}");
        assert!(stdout.contains("Environment"), "{sub}: {stdout}");
    }
    let (_, stdout, _) = run(&["rotate", "--help"], &HashMap::new()).await;
    assert!(stdout.contains("OCI_CLI_CONFIG_FILE") && stdout.contains("OCI_ROTATOR_VAULT_ENDPOINT"), "{stdout}");
}

#[tokio::test]
async fn durations_take_iso_8601_and_the_short_form_and_state_one_range() {
    // Given: the simulator, and enroll's dry run (which prints the interval it would set).
    let rig = sim_rig(fast()).await;
    let env = rig.admin_env(&work_dir("durations"));
    let user = rig.seeded.spare_users["AUTH_TOKEN"].clone();
    let enroll = |interval: &str| {
        [
            "enroll",
            "--kind",
            "AUTH_TOKEN",
            "--user-id",
            &user,
            "--compartment-id",
            &rig.seeded.compartment_id,
            "--vault-id",
            &rig.seeded.vault_id,
            "--key-id",
            &rig.seeded.key_id,
            "--name",
            "durations",
            "--function-id",
            "ocid1.fnfunc.oc1.iad.durations",
            "--dry-run",
            "--interval",
            interval,
        ]
        .map(str::to_owned)
    };
    // When / Then: P90D and 90d both mean every P90D; 12w is P84D.
    for (given, sent) in [("P90D", "P90D"), ("90d", "P90D"), ("12w", "P84D"), ("P12W", "P84D")] {
        let args = enroll(given);
        let (code, stdout, stderr) = run(&args.iter().map(String::as_str).collect::<Vec<_>>(), &env).await;
        assert_eq!(code, 0, "{given}: {stdout}\n{stderr}");
        assert!(stdout.contains(&format!("every {sent}")), "{given}: {stdout}");
    }
    // And: out of range, rejected with the one range, before anything is read.
    for given in ["P361D", "0d", "52w"] {
        let args = enroll(given);
        let (code, _, stderr) = run(&args.iter().map(String::as_str).collect::<Vec<_>>(), &env).await;
        assert_eq!(code, 2, "{given}: {stderr}");
        assert!(stderr.contains("1 to 360 days (P1D to P360D, 1d to 360d)"), "{given}: {stderr}");
    }
    // And: --older-than takes the same forms.
    for given in ["P90D", "90d", "12w"] {
        let (code, stdout, stderr) = run(&["status", "--compartment-id", &rig.seeded.compartment_id, "--older-than", given], &env).await;
        assert_ne!(code, 2, "{given} accepted: {stdout}\n{stderr}");
    }
    let (code, _, stderr) = run(&["status", "--compartment-id", &rig.seeded.compartment_id, "--older-than", "90x"], &HashMap::new()).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("P90D") && stderr.contains("90d"), "{stderr}");
    // And: --timeout too (a bare number there is seconds, as its help says).
    for given in ["PT10M", "10m", "600"] {
        let (code, stdout, stderr) = run(&["status", "--compartment-id", &rig.seeded.compartment_id, "--timeout", given], &env).await;
        assert_ne!(code, 2, "{given} accepted: {stdout}\n{stderr}");
    }
    let (code, _, stderr) = run(&["status", "--compartment-id", &rig.seeded.compartment_id, "--timeout", "PT0S"], &HashMap::new()).await;
    assert_eq!(code, 2, "{stderr}");
}

#[tokio::test]
async fn concurrency_has_one_range_and_one_default() {
    for sub in [
        &["rotate", "--compartment-id", "ocid1.compartment.oc1..x"][..],
        &["status", "--compartment-id", "ocid1.compartment.oc1..x"],
        &["preflight", "--function-id", "ocid1.fnfunc.oc1..f", "--compartment-id", "ocid1.compartment.oc1..x"],
    ] {
        let (_, help, _) = run(&[sub[0], "--help"], &HashMap::new()).await;
        assert!(help.contains("(1 to 64)") && help.contains("[default: 10]"), "{}: {help}", sub[0]);
        let args: Vec<&str> = sub.iter().copied().chain(["--concurrency", "65"]).collect();
        let (code, _, stderr) = run(&args, &HashMap::new()).await;
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("1 to 64"), "{stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_fits_80_lines_and_ends_with_its_table() {
    // When: the demo, once (it checks the contract as it always has).
    let (code, stdout, stderr) = run(&["demo"], &HashMap::new()).await;
    // Then: exit 0, at most 80 lines, nothing on stderr, one table at the end.
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(stderr, "");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.len() <= 80, "{} lines:\n{stdout}", lines.len());
    assert_eq!(lines.last(), Some(&"All rotations met the contract"), "{stdout}");
    let header =
        lines.iter().position(|l| l.starts_with("KIND ") && l.contains("VERSIONS") && l.contains("STEPS")).expect("a table header");
    let rows: Vec<&str> = lines[header + 1..].iter().take_while(|l| !l.is_empty()).copied().collect();
    // 7 kinds enrolled and rotated on Vault's schedule, 7 kinds × 2 domains rotated twice, one
    // rollback (issue 21), the unbound user.
    assert_eq!(rows.len(), 7 + 14 + 1 + 1, "{stdout}");
    for kind in CredentialKind::ALL {
        assert_eq!(
            rows.iter().filter(|r| r.starts_with(&format!("{} ", kind.as_str()))).count(),
            3 + usize::from(kind == CredentialKind::AuthToken || kind == CredentialKind::ApiKey),
            "{kind}: {stdout}"
        );
    }
    assert!(rows.iter().filter(|r| r.contains("rotate ×2")).all(|r| r.contains("v1 → v3") && r.ends_with("ok")), "{stdout}");
    assert!(rows.iter().any(|r| r.contains("v2 kept, v1 deleted")), "{stdout}");
    // The rollback: v3 → v2 (rolled back), → v4 (rotated again); v3's key, rolled away from, deleted.
    assert!(
        rows.iter().any(|r| r.starts_with("API_KEY ")
            && r.contains("rollback, rotate")
            && r.contains("v3 → v2 → v4")
            && r.contains("v3 deleted, v2 kept")
            && r.ends_with("ok: rolled back live")),
        "{stdout}"
    );
    assert!(
        rows.last().is_some_and(|r| r.contains("unbound user") && r.contains("400") && r.contains("refused, 0 IAM writes")),
        "{stdout}"
    );
    // And the paused secret (issue 21): one line, skipped by the schedule, then resumed.
    let paused: Vec<&&str> = lines.iter().filter(|l| l.starts_with("paused ")).collect();
    assert!(paused.len() == 1 && paused[0].contains("the schedule skipped it") && paused[0].ends_with("resumed: ok"), "{stdout}");
    // And: two preflights under the table, one passing, one naming the missing statement.
    assert!(lines.iter().any(|l| l.starts_with("preflight API_KEY: 200 all ")), "{stdout}");
    let denied = lines.iter().position(|l| l.contains("refused to the function: 403"));
    assert!(denied.is_some_and(|i| lines[i + 1].starts_with("  missing: Allow dynamic-group")), "{stdout}");
    // Each line fits a wide terminal: no 300-character blocks.
    assert!(lines.iter().all(|l| l.chars().count() <= 240), "{stdout}");
    let totals = lines[lines.len() - 2];
    // The function posted its metrics (OCI_ROTATOR_METRICS_COMPARTMENT): at least one per step of 21 rotations.
    let posted =
        totals.split("; ").find_map(|p| p.strip_suffix(" metric datapoints posted to Monitoring")).map(|n| n.parse::<usize>().unwrap());
    assert!(posted.is_some_and(|n| n >= 21 * 5), "{totals}");
    assert!(
        totals.starts_with("21/21 secrets rotated within the contract, one rolled back and rotated again, the unbound user refused;")
            && totals.ends_with(" s"),
        "{totals}"
    );
}

#[tokio::test]
async fn rotate_secret_id_json_gives_a_line_per_attempt_and_a_summary() {
    // Given: the simulator and a managed secret.
    let rig = sim_rig(fast()).await;
    let env = rig.admin_env(&work_dir("rotate-json"));
    let secret = rig.secret(CredentialKind::AuthToken);
    // When: a rotation with --json.
    let (code, stdout, stderr) = run(&["rotate", "--secret-id", &secret, "--json"], &env).await;
    // Then: exit 0; every line a JSON object: the four steps' attempts, then the summary.
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let lines: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
    let (summary, attempts) = lines.split_last().unwrap();
    let steps: Vec<&str> = attempts.iter().filter_map(|a| a["step"].as_str()).collect();
    assert_eq!(steps, ["VERIFY_CONNECTION", "CREATE_PENDING_VERSION", "UPDATE_TARGET_SYSTEM", "PROMOTE_PENDING_VERSION"], "{stdout}");
    for a in attempts {
        assert_eq!(
            (a["event"].as_str(), a["secretId"].as_str(), a["responseCode"].as_u64()),
            (Some("attempt"), Some(secret.as_str()), Some(200)),
            "{a}"
        );
        assert!(a["returnMessage"].is_string() && a["fixCommand"].is_null(), "{a}");
    }
    assert_eq!(attempts[3]["currentVersionNo"].as_u64(), rig.sim.current_version(&secret), "{stdout}");
    assert_eq!(
        (summary["event"].as_str(), summary["ok"].as_bool(), summary["dryRun"].as_bool()),
        (Some("summary"), Some(true), Some(false))
    );
    assert_eq!(summary["steps"].as_array().map(Vec::len), Some(4), "{summary}");
    // And: a dry run's summary lists the writes CREATE_PENDING_VERSION would make.
    let (code, stdout, stderr) = run(&["rotate", "--secret-id", &secret, "--json", "--dry-run"], &env).await;
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["dryRun"], true, "{last}");
    assert!(last["plannedWrites"].as_array().is_some_and(|w| !w.is_empty()), "{last}");
    assert!(!stdout.contains("dry run: nothing was written"), "text in JSON output: {stdout}");
}
