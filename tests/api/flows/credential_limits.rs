//! Per-user credential limits on the simulator (contract 4): for OAuth 2.0 client credentials and
//! database passwords Oracle documents no per-user figure, so the function creates without
//! counting, and the simulated IAM's own limit answer (classic API and identity domain alike)
//! becomes a 409 naming the credentials the secret does not manage, with nothing written.

use std::collections::BTreeSet;
use std::time::Duration;

use oci_rotator::driver::Driver;
use oci_rotator::protocol::Step;
use oci_rotator::secret::CredentialKind;
use oci_rotator::sim::SimOptions;

use crate::helpers::sim::{sim_rig, SimRig};

/// The simulated IAM's per-user limits for the two kinds.
const LIMITS: [(CredentialKind, usize); 2] = [(CredentialKind::OAuth2ClientCredential, 10), (CredentialKind::DbCredential, 2)];

async fn refused_at_the_limit(rig: &SimRig, where_: &str) {
    let driver = Driver { attempts_per_step: 3, retry_wait: Duration::from_millis(20) };
    for (kind, limit) in LIMITS {
        // Given: the user's other credentials of the kind, someone else's, fill IAM's limit.
        let (user, secret) = (rig.user(kind), rig.secret(kind));
        let held = rig.sim.credentials(&user, kind).len();
        let unmanaged: Vec<String> =
            (held..limit).map(|n| rig.sim.create_credential(&user, kind, &format!("team job {n}")).unwrap().0).collect();
        let before: BTreeSet<String> = rig.sim.credentials(&user, kind).into_iter().map(|c| c.id).collect();
        let versions = rig.sim.secret_versions(&secret).len();
        rig.sim.clear_journal();
        // When
        let answers = rig.rotate(kind, &driver, Duration::from_secs(30)).await;
        // Then: the create was tried (no count ahead of IAM), IAM refused it, and CREATE answers
        // 409 naming the unmanaged credentials with their labels; nothing changed.
        let (_, create) = answers.iter().find(|(s, _)| *s == Step::CreatePendingVersion).unwrap();
        assert_eq!(create.response_code, 409, "{where_} {kind}: {}", create.return_message);
        assert!(create.return_message.contains("IAM refused to create another"), "{where_} {kind}: {}", create.return_message);
        for (n, id) in unmanaged.iter().enumerate() {
            let label = format!("team job {}", held + n);
            assert!(create.return_message.contains(&format!("{id} (\"{label}\")")), "{where_} {kind}: {}", create.return_message);
        }
        let tried: Vec<u16> = rig
            .sim
            .journal()
            .iter()
            .filter(|j| j.method == "POST" && (j.operation.contains("OAuth") || j.operation.contains("DbCredential")))
            .map(|j| j.status)
            .collect();
        assert!(!tried.is_empty() && tried.iter().all(|s| *s == 400), "{where_} {kind}: {tried:?}");
        let after: BTreeSet<String> = rig.sim.credentials(&user, kind).into_iter().map(|c| c.id).collect();
        assert_eq!(after, before, "{where_} {kind}");
        assert_eq!(rig.sim.secret_versions(&secret).len(), versions, "{where_} {kind}: no version written");
    }
}

#[tokio::test]
async fn oauth2_and_database_password_limits_are_iams_answer_in_the_default_domain() {
    let rig = sim_rig(SimOptions { updating_ms: 20, ..SimOptions::default() }).await;
    refused_at_the_limit(&rig, "classic").await;
}

#[tokio::test]
async fn oauth2_and_database_password_limits_are_iams_answer_in_a_secondary_domain() {
    let rig = sim_rig(SimOptions { updating_ms: 20, ..SimOptions::default() }).await.in_domain();
    refused_at_the_limit(&rig, "domain").await;
}
