//! UPDATE_TARGET_SYSTEM: IAM accepts the PENDING credential. Already live: nothing to do. Else the
//! CURRENT credential must still be live (something outside the rotation changed the target
//! otherwise), then the adapter applies PENDING and waits for IAM. Answers the PENDING number.

use super::{Error, Outcome, StepContext};
use crate::adapters::TargetAdapter;
use crate::oci::secrets::BundleSelector;

pub(super) async fn run<A: TargetAdapter>(cx: &mut StepContext<'_, A>) -> Result<Outcome, Error> {
    let t = cx.target();
    let pending = cx
        .read(BundleSelector::Stage("PENDING"))
        .await?
        .ok_or_else(|| Error::Conflict("the secret has no PENDING version; run CREATE_PENDING_VERSION first".to_owned()))?;
    if cx.adapter.is_live(&t, &pending).await? {
        return Ok(Outcome::new(
            Some(pending.number),
            format!("the PENDING version {}'s {} is already live", pending.number, cx.describe(&pending)),
        ));
    }
    let current = cx.current().await?;
    if !cx.adapter.is_live(&t, &current).await? {
        return Err(Error::Conflict(format!(
            "the CURRENT version {}'s {} is not live: something outside the rotation changed the target; nothing was changed",
            current.number,
            cx.describe(&current)
        )));
    }
    let message = cx.adapter.apply_pending(&t, &current, &pending).await?;
    Ok(Outcome::new(Some(pending.number), message))
}
