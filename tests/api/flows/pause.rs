//! `pause` and `resume` (issue 21, point 2) on the simulator, whose Vault runs scheduled rotations
//! through the function served on loopback: a paused secret is skipped by the schedule, still
//! rotated by an explicit RotateSecret and in process (`rotate --secret-id`), shown paused (not overdue) by `status`, unhealthy once past
//! its end, and rotated by the schedule again once resumed; the compartment form; the binary's
//! refusals. Call by call: `wire/pause.rs`.

use std::time::Duration;

use oci_rotator::cli::status::status;
use oci_rotator::fleet::Report;
use oci_rotator::lifecycle::pause::{self, Outcome, Scope, TAG_KEY};
use oci_rotator::oci::vault::Secret;
use oci_rotator::secret::CredentialKind;
use oci_rotator::sim::{FleetMember, SimOptions, FLEET_FUNCTION_ID};
use serde_json::json;
use time::OffsetDateTime;

use crate::helpers::sim::*;

const DAY: Duration = Duration::from_secs(86400);

/// A rig, and `n` auth-token secrets scheduled every 90 days in a compartment of their own, whose
/// rotation config targets the function served on loopback.
async fn given_scheduled_secrets(n: usize) -> (SimRig, String, Vec<FleetMember>) {
    let rig = sim_rig(SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }).await;
    let c = rig.sim.create_compartment(&rig.sim.tenancy_id(), "paused").unwrap();
    let fleet = rig.sim.seed_fleet(n, &c, &[CredentialKind::AuthToken]);
    serve_function(&rig, FLEET_FUNCTION_ID).await;
    (rig, c, fleet)
}

async fn details(rig: &SimRig, secret_id: &str) -> Secret {
    rig.rotator.client().get_secret(secret_id).await.unwrap().secret
}

fn scheduled(d: &Secret) -> bool {
    d.rotation_config.as_ref().is_some_and(|r| r["isScheduledRotationEnabled"] == true)
}

async fn fleet_status(rig: &SimRig, compartment: &str) -> Report {
    let args = super::status::args(compartment);
    status(rig.rotator.client(), &args, &mut |_| {}).await.unwrap()
}

/// Moves the simulated clock past the 90-day schedule and waits until `secret` was rotated by it.
async fn schedule_falls_due_and_rotates(rig: &SimRig, secret: &str, version: u64) {
    rig.sim.advance_clock(91 * DAY);
    wait_until(&format!("{secret} is v{version}"), Duration::from_secs(30), || {
        rig.sim.current_version(secret) == Some(version) && rig.sim.last_rotation(secret).is_some_and(|r| r.completed)
    })
    .await;
}

#[tokio::test]
async fn a_paused_secret_is_skipped_by_the_schedule_rotated_on_demand_and_scheduled_again_once_resumed() {
    // Given: two scheduled secrets, one of them paused.
    let (rig, c, fleet) = given_scheduled_secrets(2).await;
    let (paused, running) = (&fleet[0].secret_id, &fleet[1].secret_id);
    let client = rig.rotator.client();
    let until = (OffsetDateTime::now_utc() + 30 * DAY).date().to_string();
    let report =
        pause::pause(client, &Scope::Secret(paused.clone()), "quarter-end freeze", Some(until.as_str()), OffsetDateTime::now_utc())
            .await
            .unwrap();
    assert_eq!(report.lines[0].outcome, Outcome::Paused);
    let d = details(&rig, paused).await;
    assert!(!scheduled(&d) && d.rotation_config.as_ref().unwrap()["rotationInterval"] == "P90D", "{:?}", d.rotation_config);
    // When: the schedule falls due.
    schedule_falls_due_and_rotates(&rig, running, 2).await;
    // Then: the paused secret was skipped.
    assert_eq!(rig.sim.current_version(paused), Some(1));
    assert!(rig.sim.last_rotation(paused).is_none(), "{:?}", rig.sim.last_rotation(paused));
    // And status shows it paused with reason and end, not overdue; the fleet is healthy.
    let r = fleet_status(&rig, &c).await;
    let row = r.secrets.iter().find(|s| &s.secret_id == paused).unwrap();
    assert!(!row.failed, "{:?}", row.problems);
    let v = r.json();
    let paused_json = v["secrets"].as_array().unwrap().iter().find(|s| &s["secretId"] == paused).unwrap()["paused"].clone();
    assert_eq!(paused_json, json!({"reason": "quarter-end freeze", "until": until}));
    assert!(v["secrets"].as_array().unwrap().iter().find(|s| &s["secretId"] == running).unwrap()["paused"].is_null());
    assert!(r.table(false).contains(&format!("paused until {until}: quarter-end freeze")), "{}", r.table(false));
    assert!(r.healthy(), "{}", r.table(false));

    // When: an explicit RotateSecret, as after a leak.
    client.rotate_secret(paused, "pause-test-rotate").await.unwrap();
    // Then: it is rotated, and still paused.
    wait_until("the paused secret is rotated on demand", Duration::from_secs(30), || rig.sim.current_version(paused) == Some(2)).await;
    wait_until("its rotation ended", Duration::from_secs(30), || rig.sim.last_rotation(paused).is_some_and(|r| r.completed)).await;
    assert!(rig.sim.secret_tags(paused).contains_key(TAG_KEY));
    assert!(!scheduled(&details(&rig, paused).await));

    // When: resumed.
    let report = pause::resume(client, &Scope::Secret(paused.clone())).await.unwrap();
    // Then: the tag is gone, the schedule on, and it rotates again when the schedule falls due.
    assert_eq!(report.lines[0].outcome, Outcome::Resumed);
    assert!(!rig.sim.secret_tags(paused).contains_key(TAG_KEY));
    assert!(scheduled(&details(&rig, paused).await));
    schedule_falls_due_and_rotates(&rig, paused, 3).await;
}

#[tokio::test]
async fn a_pause_past_its_end_is_unhealthy_and_names_the_resume_command() {
    // Given: a secret paused on 2025-12-01 until 2026-01-01, a date now past.
    let (rig, c, fleet) = given_scheduled_secrets(1).await;
    let secret = &fleet[0].secret_id;
    let then = OffsetDateTime::new_utc(time::Date::from_calendar_date(2025, time::Month::December, 1).unwrap(), time::Time::MIDNIGHT);
    pause::pause(rig.rotator.client(), &Scope::Secret(secret.clone()), "year-end freeze", Some("2026-01-01"), then).await.unwrap();
    // When
    let r = fleet_status(&rig, &c).await;
    // Then: failed, with the command that ends the pause; the fleet is not healthy.
    let row = &r.secrets[0];
    assert!(
        row.failed && row.problems.iter().any(|p| p.contains(&format!("oci-rotator resume --secret-id {secret}"))),
        "{:?}",
        row.problems
    );
    assert!(!r.healthy());
    assert!(r.table(false).contains("FAILED: paused past its end 2026-01-01"), "{}", r.table(false));
}

#[tokio::test]
async fn the_compartment_form_pauses_and_resumes_every_managed_secret_and_nothing_else() {
    // Given: three managed secrets and one secret that is not managed, with a schedule of its own.
    let (rig, c, fleet) = given_scheduled_secrets(3).await;
    let other = rig.sim.create_secret("not-managed", json!({"owner": "someone else"}), &json!({"password": "x"}), None);
    rig.sim.move_secret(&other, &c).unwrap();
    let mut rc = oci_rotator::sim::function_rotation_config(FLEET_FUNCTION_ID);
    rc["isScheduledRotationEnabled"] = json!(true);
    rig.sim.set_rotation_config(&other, rc).unwrap();
    let client = rig.rotator.client();
    let scope = Scope::Compartment { id: c.clone(), subtree: false };
    // When
    let report = pause::pause(client, &scope, "incident 4711", None, OffsetDateTime::now_utc()).await.unwrap();
    // Then: each managed secret paused, once; the other untouched.
    assert_eq!(report.lines.len(), 3, "{}", report.text());
    for m in &fleet {
        assert!(report.lines.iter().any(|l| l.secret_id == m.secret_id && l.outcome == Outcome::Paused), "{}", report.text());
        assert_eq!(rig.sim.secret_tags(&m.secret_id)[TAG_KEY], "- incident 4711");
        assert!(!scheduled(&details(&rig, &m.secret_id).await));
    }
    assert!(!rig.sim.secret_tags(&other).contains_key(TAG_KEY));
    assert!(scheduled(&details(&rig, &other).await));
    // When: resumed twice.
    let first = pause::resume(client, &scope).await.unwrap();
    rig.sim.clear_journal();
    let second = pause::resume(client, &scope).await.unwrap();
    // Then: every one resumed, then a no-op that writes nothing.
    assert!(first.lines.iter().all(|l| l.outcome == Outcome::Resumed) && first.lines.len() == 3, "{}", first.text());
    assert!(second.lines.iter().all(|l| l.outcome == Outcome::NotPaused) && second.lines.len() == 3, "{}", second.text());
    assert_eq!(writes(&rig), Vec::<String>::new());
    for m in &fleet {
        assert!(scheduled(&details(&rig, &m.secret_id).await) && !rig.sim.secret_tags(&m.secret_id).contains_key(TAG_KEY));
    }
}

#[tokio::test]
async fn the_binary_refuses_a_pause_without_reason_or_with_an_end_in_the_past_and_writes_nothing() {
    // Given: a scheduled secret.
    let (rig, _, fleet) = given_scheduled_secrets(1).await;
    let secret = fleet[0].secret_id.as_str();
    rig.sim.clear_journal();
    // When / Then: no --reason: clap's usage error (2); an end in the past: 1, naming it.
    let (code, _, err) = run_cli(&rig, &["pause", "--secret-id", secret]).await;
    assert!(code == 2 && err.contains("--reason"), "{code}: {err}");
    let (code, _, err) = run_cli(&rig, &["pause", "--secret-id", secret, "--reason", "freeze", "--until", "2020-01-01"]).await;
    assert!(code == 1 && err.contains("not in the future"), "{code}: {err}");
    assert_eq!(writes(&rig), Vec::<String>::new());
    // And a good one pauses it (exit 0), and resume undoes it.
    let (code, out, err) = run_cli(&rig, &["pause", "--secret-id", secret, "--reason", "freeze"]).await;
    assert!(code == 0 && out.contains("PAUSED"), "{code}: {out} {err}");
    let (code, out, err) = run_cli(&rig, &["resume", "--secret-id", secret, "--json"]).await;
    let line: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    assert!(code == 0 && line["secrets"][0]["outcome"] == "RESUMED", "{code}: {out} {err}");
}

#[tokio::test]
async fn rotate_secret_id_in_process_still_rotates_a_paused_secret() {
    // Given: a paused secret.
    let (rig, _, fleet) = given_scheduled_secrets(1).await;
    let secret = &fleet[0].secret_id;
    pause::pause(rig.rotator.client(), &Scope::Secret(secret.clone()), "freeze", None, OffsetDateTime::now_utc()).await.unwrap();
    // When: the four steps played in this process, as `rotate --secret-id` does.
    let driver = oci_rotator::driver::Driver { attempts_per_step: 3, retry_wait: Duration::from_millis(50) };
    let answers = driver.rotate(&rig.transport(Duration::from_secs(30)), secret, &mut |_| {}).await;
    // Then: rotated, still paused.
    assert!(completed(&answers), "{answers:?}");
    assert_eq!(rig.sim.current_version(secret), Some(2));
    assert_eq!(rig.sim.secret_tags(secret)[TAG_KEY], "- freeze");
}
