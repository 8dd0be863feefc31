//! What a clean rotation costs in OCI calls, counted on the simulator's journal: a budget per kind
//! that fails the test when the count grows. Before the binding of contract 4.1 a clean rotation
//! of a single-version secret made 23 (API key), 19 (auth token), 19 (customer secret key) and 21
//! (console password) calls by the count; the binding's GetUser is paid for by reading the
//! newest version once instead of PENDING then CURRENT (VERIFY and CREATE), and the budgets are
//! today's counts, which are lower (console passwords go through the Default identity domain of
//! the simulator's tenancy: ListDomains once per process, then the domain's user read).

use std::collections::BTreeMap;
use std::time::Duration;

use oci_rotator::driver::Driver;
use oci_rotator::secret::CredentialKind;
use oci_rotator::sim::SimOptions;

use crate::helpers::sim::*;

/// The most OCI calls one clean rotation of a single-version secret may make, per kind.
fn budget(kind: CredentialKind) -> usize {
    match kind {
        CredentialKind::ApiKey => 21,
        CredentialKind::AuthToken
        | CredentialKind::CustomerSecretKey
        | CredentialKind::SmtpCredential
        | CredentialKind::OAuth2ClientCredential
        | CredentialKind::DbCredential => 17,
        CredentialKind::ConsolePassword => 18,
    }
}

#[tokio::test]
async fn a_clean_rotation_makes_no_more_oci_calls_than_its_budget() {
    // Given: the seeded tenancy (one single-version secret per kind, every user bound); no
    // UPDATING window, so no step polls and the count is the same on every run.
    let rig = sim_rig(SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }).await;
    let driver = Driver { attempts_per_step: 1, retry_wait: Duration::from_millis(10) };
    let mut counts = BTreeMap::new();
    for kind in CredentialKind::ALL {
        rig.sim.clear_journal();
        // When: one rotation, each step answered at the first attempt.
        let answers = rig.rotate(kind, &driver, Duration::from_secs(30)).await;
        // Then
        assert!(completed(&answers), "{kind}: {answers:?}");
        let journal = rig.sim.journal();
        let mut per_operation: BTreeMap<String, usize> = BTreeMap::new();
        for entry in &journal {
            *per_operation.entry(entry.operation.clone()).or_default() += 1;
        }
        println!("{kind}: {} OCI calls {per_operation:?}", journal.len());
        counts.insert(kind.as_str(), journal.len());
        assert!(
            journal.len() <= budget(kind),
            "{kind}: {} OCI calls, over the budget of {}: {per_operation:?}",
            journal.len(),
            budget(kind)
        );
        // The binding read is among them: exactly one GetUser signed by the function before the
        // first IAM write (API keys also read the user signed with their own keys).
        assert!(per_operation.get("GetUser").is_some_and(|n| *n >= 1), "{kind}: {per_operation:?}");
    }
    println!("OCI calls per clean rotation: {counts:?}");
}
