//! `opc-retry-token` idempotency for creating calls: the first answer for a (path, token) is
//! remembered; a repeat gets the same answer (same id, same one-time secret) without a second
//! create, or 409 `InvalidatedRetryToken` when what it created is gone since.

use super::answer::Answer;
use super::call::Call;
use super::error::{err, SimError};
use super::identity::iam::CreatedResource;
use super::state::Remembered;

/// Runs `create` once per retry token (always, without one).
pub(crate) fn once_per_token(
    call: &Call<'_>,
    create: impl FnOnce() -> Result<(Answer, Option<CreatedResource>), SimError>,
) -> Result<Answer, SimError> {
    let key = call.retry_token.as_ref().map(|t| (call.path.to_owned(), t.clone()));
    if let Some(key) = &key {
        let st = call.sim.state();
        if let Some(r) = st.retry_tokens.get(key) {
            if r.resource.as_ref().is_some_and(|res| !st.iam.exists(res)) {
                return Err(err(409, "InvalidatedRetryToken", "The resource created with this retry token no longer exists"));
            }
            // A replay changes nothing.
            return Ok(Answer { changed: false, ..r.answer.clone() });
        }
    }
    let (answer, resource) = create()?;
    if let Some(key) = key {
        call.sim.state().retry_tokens.insert(key, Remembered { answer: answer.clone(), resource });
    }
    Ok(answer)
}
