//! Vault's rotation loop, played by the simulator: RotateSecret, or a scheduled rotation falling
//! due on the simulated clock, runs the four steps in order against the function the secret's
//! `rotationConfig` targets (`POST <url>/call`, with [`crate::driver::Driver`]'s sequencing and
//! retries), in a background task, while the secret's `rotationStatus` is `IN_PROGRESS`; then sets
//! `lastRotationTime` (when every step answered 200), `nextRotationTime` and the status, and
//! records the outcome ([`RotationRecord`]). Where each function answers is registered with
//! [`Simulator::register_function`] (`simulate --function OCID=URL`).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use crate::driver::{Attempt, Driver, HttpTransport};
use crate::sim::error::{err, invalid, SimError};
use crate::sim::simulator::lock;
use crate::sim::{RotationRecord, Simulator};

/// How often the scheduler looks for rotations that fell due.
const TICK: Duration = Duration::from_millis(200);

/// Each step's time budget (the `Fn-Deadline` sent).
const STEP_TIMEOUT: Duration = Duration::from_secs(60);

/// Vault's retries of a failed step.
fn driver() -> Driver {
    Driver { attempts_per_step: 3, retry_wait: Duration::from_millis(200) }
}

impl Simulator {
    /// Tells the simulator where the function `function_id` answers (`url`: the base of its
    /// `POST /call`, such as `http://127.0.0.1:8080`). Secrets whose `rotationConfig` targets that
    /// function can then be rotated (RotateSecret, or their schedule).
    pub fn register_function(&self, function_id: &str, url: &str) {
        lock(&self.inner.functions).insert(function_id.to_owned(), url.trim_end_matches('/').to_owned());
    }

    /// Where the function `function_id` answers (`URL`, without `/call`), if registered.
    pub(crate) fn function_url(&self, function_id: &str) -> Option<String> {
        lock(&self.inner.functions).get(function_id).cloned()
    }

    /// Marks the secret `IN_PROGRESS` and starts its rotation in the background; Vault's refusals
    /// as errors: no rotation config targeting a function this simulator knows (400), a rotation
    /// in progress already (409). Must run inside a tokio runtime.
    pub(crate) fn start_rotation(&self, secret_id: &str) -> Result<(), SimError> {
        let url = {
            let mut st = self.state();
            let s = st.vault.secret_mut(secret_id)?;
            let Some(function_id) = s.function_id().map(str::to_owned) else {
                return Err(invalid(format!("Secret {secret_id} has no rotation config targeting a function")));
            };
            let Some(url) = lock(&self.inner.functions).get(&function_id).cloned() else {
                return Err(invalid(format!("The target system of secret {secret_id}, function {function_id}, cannot be reached")));
            };
            if s.rotating {
                return Err(err(409, "IncorrectState", format!("A rotation of secret {secret_id} is in progress")));
            }
            s.rotating = true;
            url
        };
        let sim = self.clone();
        let secret_id = secret_id.to_owned();
        tokio::spawn(async move { sim.rotate(secret_id, url).await });
        Ok(())
    }

    /// Runs the four steps and records the outcome.
    async fn rotate(self, secret_id: String, url: String) {
        let transport = HttpTransport::new(url, STEP_TIMEOUT);
        let mut steps = Vec::new();
        let mut report = |a: &Attempt| steps.push((a.step.as_str().to_owned(), a.output.response_code));
        let answers = driver().rotate(&transport, &secret_id, &mut report).await;
        let completed = answers.len() == 4 && answers.iter().all(|(_, o)| o.response_code == 200);
        tracing::info!(secret_id = %secret_id, completed, "the simulated Vault ran a rotation");
        let now = self.now();
        let mut st = self.state();
        if let Ok(s) = st.vault.secret_mut(&secret_id) {
            s.rotating = false;
            if completed {
                s.last_rotation_time = Some(now);
            }
            // After a failure too: the next try waits for the next interval.
            s.reschedule(now);
        }
        st.rotations.insert(secret_id, RotationRecord { completed, steps });
    }

    /// Starts the rotation of every secret whose scheduled rotation fell due (simulated clock)
    /// and whose function is known.
    fn start_due_rotations(&self) {
        let now = self.now();
        let due: Vec<String> = {
            let functions = lock(&self.inner.functions);
            let st = self.state();
            st.vault
                .secrets
                .values()
                .filter(|s| !s.rotating && s.scheduled() && s.next_rotation_time.is_some_and(|t| t <= now))
                .filter(|s| s.function_id().is_some_and(|f| functions.contains_key(f)))
                .map(|s| s.id.clone())
                .collect()
        };
        for id in due {
            if let Err(e) = self.start_rotation(&id) {
                tracing::warn!(secret_id = %id, error = %e, "a scheduled rotation could not start");
            }
        }
    }

    /// Starts, once, the background task that runs scheduled rotations when they fall due (every
    /// 200 ms it compares `nextRotationTime` with the simulated clock). It ends with the simulator.
    /// Must run inside a tokio runtime; `serve` and `spawn` call it.
    pub fn start_scheduler(&self) {
        if self.inner.scheduler_started.swap(true, Ordering::SeqCst) {
            return;
        }
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(TICK);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                let Some(inner) = weak.upgrade() else { return };
                Simulator { inner }.start_due_rotations();
            }
        });
    }
}
