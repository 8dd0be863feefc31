//! The step's record on the secret (contract section 6, point 8): after a step that did not answer
//! 200, the freeform tag `oci-rotator-last-outcome` (see [`crate::last_outcome`]); after a
//! promotion, `succeeded ...` in place of a recorded failure.
//!
//! UpdateSecret replaces the whole set of freeform tags, so the tag is merged into the tags the
//! secret was read with and written alone (`{"freeformTags": ...}`) with `if-match` that read's
//! etag. When the etag is stale (412: the step itself wrote to the secret) or the secret is
//! `UPDATING` (409), the secret is read again, awaited until `ACTIVE`, merged and written once
//! more. Best effort: bounded by the step's deadline, never changes the step's answer; a failure
//! is logged and nothing else.
//!
//! A step that lost a race with another writer of the secret (its UpdateSecret refused 412 or 409,
//! or the secret `UPDATING` until the deadline) is not recorded: the record would be one more
//! write racing that writer (a concurrent rotation, an administrator), which it could make fail
//! in turn; Vault retries the step, and what the retry answers is recorded.

use std::collections::BTreeMap;
use std::time::Duration;

use tokio::time::Instant;

use super::Error as StepError;
use crate::last_outcome::TAG_KEY;
use crate::oci::{Client, Error};

/// Time kept back from the step's deadline, so the record never delays the answer past it.
const MARGIN: Duration = Duration::from_millis(50);

/// What the step's GetSecret showed: the secret's freeform tags and the etag they were read with.
#[derive(Debug, Clone, Default)]
pub(super) struct Seen {
    pub tags: BTreeMap<String, String>,
    pub etag: Option<String>,
}

impl Seen {
    /// The recorded outcome, if any.
    pub(super) fn last_outcome(&self) -> Option<&str> {
        self.tags.get(TAG_KEY).map(String::as_str)
    }
}

/// True when the step failed because another writer changed the secret meanwhile (see the
/// module doc): such a failure is not recorded.
pub(super) fn lost_a_race(e: &StepError) -> bool {
    match e {
        StepError::Busy(_) => true,
        StepError::Oci(o) => o.operation == "UpdateSecret" && matches!(o.status(), Some(409 | 412)),
        _ => false,
    }
}

/// Writes `value` as the secret's `oci-rotator-last-outcome` tag before `deadline`. `known`: the
/// tags and etag to try first (none: read the secret first). Never fails: errors are logged.
pub(super) async fn record(client: &Client, secret_id: &str, known: Option<&Seen>, value: &str, deadline: Instant) {
    let Some(by) = deadline.checked_sub(MARGIN).filter(|by| *by > Instant::now()) else {
        tracing::warn!(tag = TAG_KEY, "no time left to record the outcome on the secret");
        return;
    };
    let client = client.with_deadline(by);
    match tokio::time::timeout_at(by, write(&client, secret_id, known, value)).await {
        Ok(Ok(())) => tracing::info!(tag = TAG_KEY, "outcome recorded on the secret"),
        Ok(Err(e)) => tracing::warn!(tag = TAG_KEY, error = %e, "could not record the outcome on the secret"),
        Err(_) => tracing::warn!(tag = TAG_KEY, "could not record the outcome on the secret before the deadline"),
    }
}

async fn write(client: &Client, secret_id: &str, known: Option<&Seen>, value: &str) -> Result<(), Error> {
    if let Some(seen) = known {
        match put(client, secret_id, seen, value).await {
            Ok(()) => return Ok(()),
            // A stale etag (the step wrote to the secret) or a secret UPDATING: read it again.
            Err(e) if matches!(e.status(), Some(409 | 412)) => tracing::debug!(error = %e, "re-reading the secret to record the outcome"),
            Err(e) => return Err(e),
        }
    }
    let fresh = read_when_active(client, secret_id).await?;
    put(client, secret_id, &fresh, value).await
}

/// UpdateSecret with `seen`'s tags and `value` merged in, `if-match` `seen`'s etag.
async fn put(client: &Client, secret_id: &str, seen: &Seen, value: &str) -> Result<(), Error> {
    let mut tags = seen.tags.clone();
    tags.insert(TAG_KEY.to_owned(), value.to_owned());
    client.set_secret_freeform_tags(secret_id, &tags, seen.etag.as_deref()).await.map(|_| ())
}

/// GetSecret, again while the secret is `UPDATING` (a write leaves it so for a moment).
async fn read_when_active(client: &Client, secret_id: &str) -> Result<Seen, Error> {
    let mut wait = Duration::from_millis(20);
    loop {
        let s = client.get_secret(secret_id).await?;
        if s.secret.lifecycle_state != "UPDATING" {
            return Ok(Seen { tags: s.secret.freeform_tags.unwrap_or_default(), etag: s.etag });
        }
        client.sleep_within_deadline(wait, "GetSecret").await?;
        wait = (wait * 2).min(Duration::from_secs(1));
    }
}
