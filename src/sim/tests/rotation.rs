//! Vault's rotation loop in the simulator: RotateSecret and a schedule falling due on the
//! simulated clock run the four steps against the real function (its router on a loopback port,
//! signing as a resource principal the simulator issued), then set the rotation fields.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{setup, Client};
use crate::server::{self, AppState};
use crate::sim::{RotationRecord, SimOptions, Simulator};

const FUNCTION: &str = "ocid1.fnfunc.oc1.iad.rotator";

/// Serves the function's router against `endpoint` on a loopback port; returns its URL.
async fn serve_function(sim: &Simulator, endpoint: &str) -> String {
    let env = sim.function_env(endpoint);
    let (rotator, _) = crate::config::rotator_from_env(&env).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = server::router(AppState::new(rotator, Duration::from_secs(30)));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// A seeded simulator whose AUTH_TOKEN secret's rotation targets the (served, registered) function.
async fn rotating_setup(scheduled: bool) -> (Simulator, Client, String, String) {
    let (sim, c) = setup(SimOptions { updating_ms: 20, key_propagation_ms: 0, ..Default::default() }).await;
    let seeded = sim.seed().await;
    let url = serve_function(&sim, &c.endpoint).await;
    sim.register_function(FUNCTION, &url);
    let id = seeded.secrets["AUTH_TOKEN"].clone();
    let config = json!({"rotationInterval": "P90D", "isScheduledRotationEnabled": scheduled,
        "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": FUNCTION}});
    let r = c.put(&format!("/20180608/secrets/{id}"), &json!({"rotationConfig": config}), &[]).await;
    assert_eq!(r.status, 200, "{:?}", r.json);
    let user = seeded.users["AUTH_TOKEN"].clone();
    (sim, c, id, user)
}

/// Waits for the rotation's outcome.
async fn outcome(sim: &Simulator, id: &str) -> RotationRecord {
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(r) = sim.last_rotation(id) {
            return r;
        }
        assert!(Instant::now() < until, "no rotation ended");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn secret_view(sim: &Simulator, id: &str) -> Value {
    sim.state_view()["secrets"].as_array().and_then(|a| a.iter().find(|s| s["id"] == id).cloned()).unwrap_or_default()
}

fn four_steps_ok(r: &RotationRecord) {
    assert!(r.completed, "{r:?}");
    let last: Vec<(&str, u16)> = r.steps.iter().filter(|(_, code)| *code == 200).map(|(s, c)| (s.as_str(), *c)).collect();
    assert_eq!(
        last,
        [("VERIFY_CONNECTION", 200), ("CREATE_PENDING_VERSION", 200), ("UPDATE_TARGET_SYSTEM", 200), ("PROMOTE_PENDING_VERSION", 200)]
    );
}

#[tokio::test]
async fn rotate_secret_runs_the_four_steps_against_the_function() {
    let (sim, c, id, user) = rotating_setup(true).await;
    let before = sim.current_version(&id).unwrap();
    let r = c.post(&format!("/20180608/secrets/{id}/actions/rotate"), None, &[]).await;
    assert_eq!(r.status, 202, "{:?}", r.json);
    assert_eq!(secret_view(&sim, &id)["rotationStatus"], "IN_PROGRESS");
    // A second request while it runs: 409.
    assert_eq!(c.post(&format!("/20180608/secrets/{id}/actions/rotate"), None, &[]).await.status, 409);
    four_steps_ok(&outcome(&sim, &id).await);
    assert!(sim.current_version(&id).unwrap() > before);
    let s = c.get(&format!("/20180608/secrets/{id}")).await.json;
    assert_eq!(s["rotationStatus"], "SCHEDULED");
    let parse = |f: &str| time::OffsetDateTime::parse(s[f].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap();
    assert_eq!((parse("nextRotationTime") - parse("lastRotationTime")).whole_days(), 90);
    let problems = crate::sim::checks::after_rotation(
        &sim,
        &id,
        crate::secret::CredentialKind::AuthToken,
        &user,
        crate::secret::PreviousCredential::KeepUntilNextRotation,
        &Default::default(),
    );
    assert!(problems.is_empty(), "{problems:?}");
}

#[tokio::test]
async fn a_schedule_falls_due_on_the_simulated_clock() {
    let (sim, c, id, _) = rotating_setup(true).await;
    let before = sim.current_version(&id).unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sim.last_rotation(&id).is_none(), "not due yet");
    sim.advance_clock(Duration::from_secs(91 * 86_400));
    four_steps_ok(&outcome(&sim, &id).await);
    assert_eq!(sim.current_version(&id), Some(before + 1));
    let s = c.get(&format!("/20180608/secrets/{id}")).await.json;
    assert_eq!(s["rotationStatus"], "SCHEDULED");
    let next =
        time::OffsetDateTime::parse(s["nextRotationTime"].as_str().unwrap(), &time::format_description::well_known::Rfc3339).unwrap();
    assert!(next > sim.now(), "the next rotation is in the future");
}

#[tokio::test]
async fn without_scheduling_the_status_is_not_enabled_and_nothing_falls_due() {
    let (sim, c, id, _) = rotating_setup(false).await;
    sim.advance_clock(Duration::from_secs(400 * 86_400));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sim.last_rotation(&id).is_none());
    assert_eq!(c.post(&format!("/20180608/secrets/{id}/actions/rotate"), None, &[]).await.status, 202);
    four_steps_ok(&outcome(&sim, &id).await);
    let s = c.get(&format!("/20180608/secrets/{id}")).await.json;
    assert_eq!(s["rotationStatus"], "NOT_ENABLED");
    assert!(s["lastRotationTime"].is_string());
    assert!(s["nextRotationTime"].is_null());
}

#[tokio::test]
async fn rotate_secret_needs_a_function_the_simulator_knows() {
    let (sim, c) = setup(super::instant()).await;
    let id = sim.create_secret("s", json!({}), &json!({"v": 1}), None);
    let rotate = format!("/20180608/secrets/{id}/actions/rotate");
    let r = c.post(&rotate, None, &[]).await;
    assert_eq!((r.status, r.code()), (400, "InvalidParameter"));
    let config = json!({"targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": "ocid1.fnfunc.oc1.iad.unknown"}});
    c.put(&format!("/20180608/secrets/{id}"), &json!({"rotationConfig": config}), &[]).await;
    assert_eq!(c.post(&rotate, None, &[]).await.status, 400);
    assert_eq!(c.post("/20180608/secrets/ocid1.vaultsecret.oc1.iad.nope/actions/rotate", None, &[]).await.status, 404);
    assert_eq!(sim.rotations_requested(&id), 0);
}

#[tokio::test]
async fn the_admin_surface_moves_the_clock() {
    let (sim, c) = setup(super::instant()).await;
    let before = sim.now();
    let http = reqwest::Client::new();
    let r = http.post(format!("{}/_sim/clock", c.endpoint)).body(r#"{"advanceSeconds": 86400}"#).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!((sim.now() - before).whole_hours() >= 24);
    let r = http.post(format!("{}/_sim/clock", c.endpoint)).body(r#"{"advanceSeconds": -1}"#).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = http
        .post(format!("{}/_sim/functions", c.endpoint))
        .body(r#"{"functionId": "f", "url": "http://127.0.0.1:1"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}
