//! VERIFY_CONNECTION: the PENDING credential (if any) works on the target, else the CURRENT one.
//! Read-only. Answers the CURRENT version number.
//!
//! The newest version is read first: it is PENDING while one exists, and otherwise it is usually
//! the CURRENT version itself, so the common case costs one bundle read
//! (see `StepContext::pending_and_current`).

use super::{Error, Outcome, StepContext};
use crate::adapters::{TargetAdapter, Version};

pub(super) async fn run<A: TargetAdapter>(cx: &mut StepContext<'_, A>) -> Result<Outcome, Error> {
    let t = cx.target();
    let current_no = cx.secret.secret.current_version_number;
    let (pending, current) = cx.pending_and_current().await?;
    if let Some(pending) = pending {
        if cx.adapter.is_live(&t, &pending).await? {
            return Ok(Outcome::new(current_no, format!("the PENDING version {}'s {} is live", pending.number, cx.describe(&pending))));
        }
        tracing::info!(pending_version = pending.number, "the PENDING credential is not live yet; checking CURRENT");
    }
    let current: Version = match current {
        Some(c) => c,
        None => cx.current().await?,
    };
    if cx.adapter.is_live(&t, &current).await? {
        Ok(Outcome::new(
            Some(current.number),
            format!("the CURRENT version {}'s {} is live for {}", current.number, cx.describe(&current), cx.config.user_id),
        ))
    } else {
        Err(Error::Conflict(format!(
            "the CURRENT version {}'s {} is not accepted by IAM for {}",
            current.number,
            cx.describe(&current),
            cx.config.user_id
        )))
    }
}
