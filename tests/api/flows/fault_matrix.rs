//! The fault matrix: for each credential kind, of a Default-domain user (classic API) and of a user
//! of another identity domain (the domain's REST API), every OCI call index of a clean rotation, and every
//! fault (HTTP 500, 429 with retry-after, connection reset before the change, change applied but
//! response lost, an answer slower than the deadline, and a crash of the function at that call),
//! a rotation in which Vault retries the failing step (up to 6 tries) must still meet the
//! contract's section 6, with no lockout after any step attempt. The size and the pass count are
//! printed; docs/reliability.md records them.

use std::sync::Arc;
use std::time::Duration;

use oci_rotator::driver::{Driver, InProcess, StepTransport};
use oci_rotator::protocol::{SecretRotationInput, SecretRotationOutput};
use oci_rotator::secret::{CredentialKind, PreviousCredential};
use oci_rotator::sim::{Fault, FaultKind, SimOptions, Simulator};

use crate::helpers::sim::*;

/// A transport that drops the step's future (the function "crashes") at the faulted call: the
/// simulator applies the change and loses the response, and the step is abandoned right there,
/// before the client could retry. Steps that do not reach that call run normally.
struct Crashing {
    inner: InProcess,
    sim: Simulator,
}

impl StepTransport for Crashing {
    async fn call(&self, input: &SecretRotationInput) -> Result<SecretRotationOutput, String> {
        let crash = async {
            while self.sim.faults_pending() > 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        };
        let armed = self.sim.faults_pending() > 0;
        if !armed {
            return self.inner.call(input).await;
        }
        tokio::select! {
            out = self.inner.call(input) => out,
            () = crash => Err("the function crashed mid-step".to_owned()),
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Case {
    Injected(fn() -> FaultKind, &'static str),
    Crash,
}

const STEP_TIMEOUT: Duration = Duration::from_millis(1500);

fn cases() -> Vec<Case> {
    vec![
        Case::Injected(|| FaultKind::Status500, "500"),
        Case::Injected(|| FaultKind::Status429 { retry_after_secs: 1 }, "429+retry-after"),
        Case::Injected(|| FaultKind::ResetBeforeApply, "reset"),
        Case::Injected(|| FaultKind::LostResponse, "lost response"),
        Case::Injected(|| FaultKind::Delay { ms: 2_500 }, "slow past deadline"),
        Case::Crash,
    ]
}

fn opts() -> SimOptions {
    // No timing-dependent polling: a clean rotation makes the same calls every time.
    SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }
}

fn driver() -> Driver {
    Driver { attempts_per_step: 6, retry_wait: Duration::from_millis(10) }
}

/// A rig on the Default domain's users (classic API), or on the SECONDARY identity domain's.
async fn rig_for(domain: bool) -> SimRig {
    let rig = sim_rig(opts()).await;
    if domain {
        rig.in_domain()
    } else {
        rig
    }
}

/// Runs every case for one kind; returns (cases run, failures).
async fn matrix_for(kind: CredentialKind, domain: bool) -> (usize, Vec<String>, Vec<String>) {
    let label = if domain { format!("{kind} (identity domain)") } else { kind.to_string() };
    // The number of OCI calls of a clean rotation, in steady state (after a first rotation).
    let rig = rig_for(domain).await;
    assert!(completed(&rig.rotate(kind, &driver(), STEP_TIMEOUT * 4).await));
    let before = rig.sim.request_count();
    assert!(completed(&rig.rotate(kind, &driver(), STEP_TIMEOUT * 4).await));
    let calls = rig.sim.request_count() - before;
    let mut failures = Vec::new();
    let mut secrets = rig.secret_values();
    let mut run = 0;
    for index in 1..=calls {
        for case in cases() {
            run += 1;
            let rig = rig_for(domain).await;
            let unmanaged = rig.unmanaged(kind);
            assert!(completed(&rig.rotate(kind, &driver(), STEP_TIMEOUT * 4).await), "warm-up");
            let (answers, lockouts) = match case {
                Case::Injected(fault, _) => {
                    rig.sim.inject(Fault { nth: index, method: None, path_contains: None, kind: fault() });
                    rig.rotate_checked(kind, &driver(), &rig.transport(STEP_TIMEOUT)).await
                }
                Case::Crash => {
                    // The call at `index` is applied and its answer lost; the function dies there.
                    rig.sim.inject(Fault { nth: index, method: None, path_contains: None, kind: FaultKind::LostResponse });
                    let crashing = Crashing { inner: rig.transport(STEP_TIMEOUT), sim: rig.sim.clone() };
                    rig.rotate_checked(kind, &driver(), &crashing).await
                }
            };
            let name = match case {
                Case::Injected(_, name) => name,
                Case::Crash => "crash",
            };
            if !lockouts.is_empty() {
                failures.push(format!("{label} call {index} {name}: lockout {lockouts:?}"));
                continue;
            }
            if !completed(&answers) {
                failures.push(format!("{label} call {index} {name}: rotation did not complete: {:?}", answers.last()));
                continue;
            }
            let problems = rig.violations(kind, PreviousCredential::KeepUntilNextRotation, &unmanaged);
            if !problems.is_empty() {
                failures.push(format!("{label} call {index} {name}: {problems:?}"));
            }
            secrets.extend(rig.secret_values());
        }
    }
    println!("fault matrix {label}: {calls} OCI calls per rotation x {} faults = {run} rotations", cases().len());
    (run, failures, secrets)
}

/// How many (kind, domain) matrices run at once: enough to keep two cores busy, few enough that a
/// step's 1.5 s deadline is not eaten by the others' CPU time (14 at once missed deadlines on a
/// loaded 2-core machine).
const MATRICES_AT_ONCE: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_at_every_oci_call_of_every_kind_meets_the_contract() {
    let results = Arc::new(tokio::sync::Mutex::new(Vec::new()));
    let slots = Arc::new(tokio::sync::Semaphore::new(MATRICES_AT_ONCE));
    let tasks: Vec<_> = [false, true]
        .into_iter()
        .flat_map(|domain| CredentialKind::ALL.into_iter().map(move |kind| (kind, domain)))
        .map(|(kind, domain)| {
            let (results, slots) = (results.clone(), slots.clone());
            tokio::spawn(async move {
                let _slot = slots.acquire_owned().await;
                let r = matrix_for(kind, domain).await;
                results.lock().await.push(r);
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    let results = results.lock().await;
    let total: usize = results.iter().map(|(n, _, _)| n).sum();
    let failures: Vec<&String> = results.iter().flat_map(|(_, f, _)| f).collect();
    println!("fault matrix: {} of {total} faulty rotations met the contract", total - failures.len());
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\n"));
    // Secret hygiene across every fault of every kind, logged at trace.
    let secrets: Vec<String> = results.iter().flat_map(|(_, _, s)| s.iter().cloned()).collect();
    println!("fault matrix: {} secret values searched for in the captured logs", secrets.len());
    assert_logs_hold_none_of(&secrets);
}
