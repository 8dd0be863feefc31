//! Contract section 6, point 8, as a flow on the simulator: a failed rotation leaves its
//! `oci-rotator-last-outcome` record on the secret and the next successful one replaces it with
//! `succeeded ...`; a clean rotation leaves no record. Call by call: `wire/last_outcome.rs`.

use std::collections::BTreeMap;
use std::time::Duration;

use oci_rotator::binding::tag_key;
use oci_rotator::driver::Driver;
use oci_rotator::last_outcome::{self, OutcomeResult, TAG_KEY};
use oci_rotator::protocol::Step;
use oci_rotator::secret::CredentialKind;
use oci_rotator::sim::SimOptions;

use crate::helpers::sim::*;

#[tokio::test]
async fn on_the_simulator_an_unbound_users_rotation_leaves_the_failure_and_the_next_one_clears_it() {
    let rig = sim_rig(SimOptions { updating_ms: 20, key_propagation_ms: 0, ..Default::default() }).await;
    let kind = CredentialKind::AuthToken;
    let (secret, user) = (rig.secret(kind), rig.user(kind));
    rig.sim.set_secret_tags(&secret, BTreeMap::from([("team".to_owned(), "payments".to_owned())])).unwrap();
    let bound = rig.sim.user_tags(&user);
    let mut unbound = bound.clone();
    unbound.remove(&tag_key(kind));
    rig.sim.set_user_tags(&user, unbound).unwrap();
    let driver = Driver { attempts_per_step: 1, retry_wait: Duration::from_millis(10) };
    // When: Vault runs the rotation of a user that does not name the secret.
    let answers = rig.rotate(kind, &driver, Duration::from_secs(30)).await;
    // Then: CREATE_PENDING_VERSION answered 400, and the secret says so, beside its own tag.
    let (step, out) = answers.last().unwrap();
    assert_eq!((*step, out.response_code), (Step::CreatePendingVersion, 400), "{answers:?}");
    let tags = rig.sim.secret_tags(&secret);
    assert_eq!(tags.get("team").map(String::as_str), Some("payments"), "{tags:?}");
    let recorded = last_outcome::parse(&tags[TAG_KEY]).unwrap();
    assert_eq!((recorded.step.as_deref(), recorded.response_code), (Some("CREATE_PENDING_VERSION"), Some(400)), "{tags:?}");
    assert!(recorded.message.as_deref().is_some_and(|m| m.contains(&user)), "{recorded:?}");
    // When: the user is bound again and Vault rotates once more.
    rig.sim.set_user_tags(&user, bound).unwrap();
    let answers = rig.rotate(kind, &driver, Duration::from_secs(30)).await;
    // Then: rotated, and the record says succeeded, the secret's own tag still there.
    assert!(completed(&answers), "{answers:?}");
    let tags = rig.sim.secret_tags(&secret);
    assert_eq!(last_outcome::parse(&tags[TAG_KEY]).map(|o| o.result), Some(OutcomeResult::Succeeded), "{tags:?}");
    assert_eq!(tags.get("team").map(String::as_str), Some("payments"));
}

#[tokio::test]
async fn on_the_simulator_a_clean_rotation_leaves_no_record() {
    let rig = sim_rig(SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }).await;
    let driver = Driver { attempts_per_step: 1, retry_wait: Duration::from_millis(10) };
    for kind in [CredentialKind::ApiKey, CredentialKind::SmtpCredential] {
        let answers = rig.rotate(kind, &driver, Duration::from_secs(30)).await;
        assert!(completed(&answers), "{kind}: {answers:?}");
        assert!(!rig.sim.secret_tags(&rig.secret(kind)).contains_key(TAG_KEY), "{kind}");
    }
}
