//! The opt-in reset of a console password no secret manages (`PASSWORD_TOO_OLD`), end to end on
//! the simulator: the opted-in user is reset once across a replay, a bound user is not, and the
//! one-time password reaches no notice and no log line. Call by call against wiremock:
//! `wire/unmanaged_password_reset.rs`.

use std::time::Duration;

use oci_rotator::protocol::SecretRotationOutput;
use oci_rotator::server::{self, AppState};
use oci_rotator::sim::{SimOptions, Simulator};
use serde_json::{json, Value};

use crate::helpers::cloud_guard_events::event;
use crate::helpers::*;

const TOPIC: &str = "ocid1.onstopic.oc1.iad.aaaaaaaatesttopic";
const TAG: &str = "oci-rotator-console-password";

#[tokio::test]
async fn end_to_end_on_the_simulator_an_opted_in_user_is_reset_once_and_another_is_not() {
    // Given the simulator with two users holding console passwords and PASSWORD_TOO_OLD problems,
    // one opted in, and the function with the setting on and a topic
    init_logs();
    let sim = Simulator::new(SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() });
    let endpoint = sim.spawn().await.unwrap();
    let opted_in = sim.create_user("console-user");
    let bound = sim.create_user("bound-user");
    let old = sim.reset_ui_password(&opted_in).unwrap();
    let bound_old = sim.reset_ui_password(&bound).unwrap();
    sim.set_user_tags(&opted_in, [(TAG.to_owned(), "unmanaged-reset".to_owned())].into_iter().collect()).unwrap();
    sim.set_user_tags(&bound, [(TAG.to_owned(), SECRET_ID.to_owned())].into_iter().collect()).unwrap();
    let problem_id = sim.add_problem("PASSWORD_TOO_OLD", &opted_in);
    let bound_problem = sim.add_problem("PASSWORD_TOO_OLD", &bound);
    let mut env = sim.function_env(&endpoint);
    env.insert("OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS".to_owned(), "on".to_owned());
    env.insert("OCI_ROTATOR_NOTIFY_TOPIC".to_owned(), TOPIC.to_owned());
    env.insert("OCI_ROTATOR_NOTIFICATION_ENDPOINT".to_owned(), endpoint.clone());
    let (rotator, settings) = oci_rotator::config::rotator_from_env(&env).unwrap();
    let app = server::router(AppState::new(rotator, Duration::from_secs(30)).with_unmanaged_reset(settings.reset_unmanaged_passwords));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = reqwest::Client::new();
    let post = |body: Value| {
        let (http, base) = (http.clone(), base.clone());
        async move {
            let resp = http.post(format!("{base}/call")).body(body.to_string()).send().await.unwrap();
            serde_json::from_slice::<SecretRotationOutput>(&resp.bytes().await.unwrap()).unwrap()
        }
    };
    sim.clear_journal();
    // When the opted-in user's event arrives twice, and the bound user's once
    let first = post(event("PASSWORD_TOO_OLD", &problem_id, &opted_in, "")).await;
    let after_first = sim.ui_password(&opted_in).unwrap();
    let replay = post(event("PASSWORD_TOO_OLD", &problem_id, &opted_in, "")).await;
    let mut other = event("PASSWORD_TOO_OLD", &bound_problem, &bound, "");
    other["eventID"] = json!("evt-password-0002");
    let refused = post(other).await;
    // Then the opted-in user's password was reset once (the replay carried the same retry token)
    assert_eq!(first.response_code, 200, "{}", first.return_message);
    assert_eq!(replay.response_code, 200, "{}", replay.return_message);
    assert_ne!(after_first, old, "the old password no longer holds");
    assert_eq!(sim.ui_password(&opted_in).unwrap(), after_first, "the replay did not reset again");
    // And the bound user's password is untouched
    assert_eq!(refused.response_code, 404, "{}", refused.return_message);
    assert!(refused.return_message.contains("has not opted in"), "{}", refused.return_message);
    assert_eq!(sim.ui_password(&bound).unwrap(), bound_old);
    // And the journal holds exactly the calls expected
    let ops: Vec<String> = sim.journal().iter().map(|e| e.operation.clone()).collect();
    let count = |op: &str| ops.iter().filter(|o| o.as_str() == op).count();
    assert_eq!(count("GetProblem"), 3, "{ops:?}");
    assert_eq!(count("GetUser"), 3, "{ops:?}");
    assert_eq!(count("CreateOrResetUIPassword"), 2, "{ops:?}");
    assert_eq!(count("PublishMessage"), 3, "{ops:?}");
    // And the user was told, and the new password is in no notice and no log line
    let notices = sim.published();
    assert!(notices[0].1.contains("console password reset") && notices[0].2.contains("Forgot password"), "{notices:?}");
    let logs = captured_logs();
    for (_, title, body) in &notices {
        assert!(!title.contains(&after_first) && !body.contains(&after_first));
    }
    assert!(!logs.contains(&after_first), "the new one-time password reached the logs");
}
