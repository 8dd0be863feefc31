//! `oci-rotator alarms` on the simulator (issue 21, point 4): the two alarms printed for
//! `oci monitoring alarm create --from-json`, created with `--apply` and not duplicated by a second
//! one; and the metrics the alarms read, posted by whole rotations (point 3).

use std::time::Duration;

use oci_rotator::driver::Driver;
use oci_rotator::protocol::Step;
use oci_rotator::secret::CredentialKind;
use oci_rotator::sim::SimOptions;
use serde_json::Value;

use crate::helpers::sim::*;

const TOPIC: &str = "ocid1.onstopic.oc1.iad.aaaaaaaatopic";

fn alarms_args(compartment: &str, more: &[&'static str]) -> Vec<String> {
    let mut args: Vec<String> = ["alarms", "--compartment-id", compartment, "--topic-id", TOPIC].iter().map(|s| (*s).to_owned()).collect();
    args.extend(more.iter().map(|s| (*s).to_owned()));
    args
}

async fn alarms(rig: &SimRig, more: &[&'static str]) -> (i32, String, String) {
    let args = alarms_args(&rig.sim.compartment_id(), more);
    run_cli(rig, &args.iter().map(String::as_str).collect::<Vec<_>>()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alarms_prints_the_two_alarms_for_the_oci_cli_and_reads_nothing() {
    // Given
    let rig = sim_rig(SimOptions::default()).await;
    let requests_before = rig.sim.request_count();
    // When
    let (code, stdout, stderr) = alarms(&rig, &["--interval", "30d"]).await;
    // Then: two JSON lines in the CLI's shape (queryText), to the topic, in the compartment.
    assert_eq!(code, 0, "{stderr}");
    let alarms: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(alarms.len(), 2, "{stdout}");
    for a in &alarms {
        assert_eq!(a["destinations"], serde_json::json!([TOPIC]));
        assert_eq!(a["compartmentId"].as_str(), Some(rig.sim.compartment_id().as_str()));
        assert_eq!(a["metricCompartmentId"], a["compartmentId"]);
        assert_eq!((a["namespace"].as_str(), a["isEnabled"].as_bool()), (Some("ocirotator"), Some(true)));
        assert!(a.get("query").is_none(), "the CLI reads queryText: {a}");
    }
    assert_eq!(alarms[0]["queryText"], "step_result[1h]{result = \"failed\"}.grouping().count() > 0");
    assert_eq!(alarms[1]["queryText"], "rotation_completed[1d].groupBy(secretId).absent(72h)");
    // And: the window OCI cannot express is said (37 days), and nothing was read from OCI.
    assert!(stderr.contains("37 days") && stderr.contains("72h"), "{stderr}");
    assert_eq!(rig.sim.request_count(), requests_before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alarms_apply_creates_both_once_and_a_second_apply_creates_none() {
    // Given
    let rig = sim_rig(SimOptions::default()).await;
    // When
    let (code, first, stderr) = alarms(&rig, &["--apply"]).await;
    // Then: two alarms created, listed as the simulator holds them.
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(first.lines().filter(|l| l.starts_with("created: oci-rotator: ")).count(), 2, "{first}");
    let created = rig.sim.alarms();
    assert_eq!(created.len(), 2);
    assert!(created.iter().all(|a| a["destinations"][0] == TOPIC && a["lifecycleState"] == "ACTIVE"), "{created:?}");
    assert!(created[0]["query"].as_str().unwrap().starts_with("step_result[1h]"), "{created:?}");
    // When: applied again.
    let (code, second, stderr) = alarms(&rig, &["--apply"]).await;
    // Then: both found by name, none created.
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(second.lines().filter(|l| l.starts_with("exists (left as it is, not compared): ")).count(), 2, "{second}");
    assert_eq!(rig.sim.alarms().len(), 2);
    for a in &created {
        assert!(second.contains(a["id"].as_str().unwrap()), "{second}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_official_cli_creates_a_printed_alarm_from_json_and_apply_then_finds_it() {
    let Some(oci) = std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join("oci")).find(|p| p.is_file())) else {
        // CI installs the CLI (.ci/run); there, a skip would hide a broken install.
        assert!(std::env::var_os("CI").is_none(), "the `oci` CLI is missing in CI (.ci/run installs oci-cli)");
        println!("SKIPPED: the `oci` CLI is not on PATH");
        return;
    };
    // Given: the first alarm as `alarms` prints it, in a file.
    let rig = sim_rig(SimOptions::default()).await;
    let dir = std::env::temp_dir().join(format!("oci-rotator-alarms-cli-{}", std::process::id()));
    let env = rig.admin_env(&dir);
    let (_, stdout, _) = alarms(&rig, &[]).await;
    let json = dir.join("failed-step.json");
    std::fs::write(&json, stdout.lines().next().unwrap()).unwrap();
    // When: `oci monitoring alarm create --from-json file://...` against the simulator.
    let out = tokio::process::Command::new(oci)
        .args(["monitoring", "alarm", "create", "--config-file", &env["OCI_CLI_CONFIG_FILE"], "--endpoint", &rig.endpoint])
        .arg("--from-json")
        .arg(format!("file://{}", json.display()))
        .env("OCI_CLI_SUPPRESS_FILE_PERMISSIONS_WARNING", "True")
        .env("SUPPRESS_LABEL_WARNING", "True")
        .output()
        .await
        .unwrap();
    // Then: the CLI read every field: the alarm holds the printed query, topic and severity.
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let created = rig.sim.alarms();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["query"], "step_result[1h]{result = \"failed\"}.grouping().count() > 0");
    assert_eq!((created[0]["destinations"][0].as_str(), created[0]["severity"].as_str()), (Some(TOPIC), Some("CRITICAL")));
    // And: `alarms --apply` finds it by name and creates only the other one.
    let (code, applied, stderr) = alarms(&rig, &["--apply"]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(
        applied.contains(&format!(
            "exists (left as it is, not compared): oci-rotator: a rotation step failed {}",
            created[0]["id"].as_str().unwrap()
        )),
        "{applied}"
    );
    assert_eq!(rig.sim.alarms().len(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_with_metrics_on_posts_four_step_results_and_one_rotation_completed() {
    // Given: the function posts metrics to the seeded compartment.
    let rig = sim_rig(SimOptions::default()).await;
    let session = rig.sim.create_resource_principal();
    let mut env = function_env(&rig.endpoint, &session.rpst, &session.private_key_pem);
    env.insert("OCI_ROTATOR_MONITORING_ENDPOINT".to_owned(), rig.endpoint.clone());
    env.insert("OCI_ROTATOR_METRICS_COMPARTMENT".to_owned(), rig.sim.compartment_id());
    let (rotator, _) = oci_rotator::config::rotator_from_env(&env).unwrap();
    let rig = SimRig { rotator, ..rig };
    let kind = CredentialKind::AuthToken;
    // When: Vault runs one rotation.
    let driver = Driver { attempts_per_step: 1, retry_wait: Duration::from_millis(10) };
    let answers = rig.rotate(kind, &driver, Duration::from_secs(30)).await;
    // Then: four succeeded step_results in the steps' order, then one rotation_completed.
    assert!(answers.iter().all(|(_, o)| o.response_code == 200), "{answers:?}");
    let points = rig.sim.metric_datapoints();
    let steps: Vec<(&str, &str, &str)> = points
        .iter()
        .filter(|p| p.0 == "step_result")
        .map(|p| (p.1["step"].as_str(), p.1["result"].as_str(), p.1["credentialType"].as_str()))
        .collect();
    let want: Vec<(&str, &str, &str)> =
        [Step::VerifyConnection, Step::CreatePendingVersion, Step::UpdateTargetSystem, Step::PromotePendingVersion]
            .iter()
            .map(|s| (s.as_str(), "succeeded", "AUTH_TOKEN"))
            .collect();
    assert_eq!(steps, want);
    let completed: Vec<_> = points.iter().filter(|p| p.0 == "rotation_completed").collect();
    assert_eq!(completed.len(), 1, "{points:?}");
    assert_eq!(completed[0].1["secretId"], rig.secret(kind));
    assert!(points.iter().all(|p| p.2 == 1.0));
}
