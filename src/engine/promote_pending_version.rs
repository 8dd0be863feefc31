//! PROMOTE_PENDING_VERSION: the PENDING version becomes CURRENT. A version already CURRENT is a
//! retry after success (200); no `versionNo` and no PENDING version is "nothing to promote" (200);
//! a `versionNo` that is neither PENDING nor CURRENT is a 409. The PENDING credential must be
//! live before it is promoted, so CURRENT never points at a dead credential. With
//! `DELETE_ON_PROMOTE`, the credential of the version that became PREVIOUS is deleted after; the
//! user's binding (contract 4.1) is checked before the promotion, so a refusal changes nothing.

use super::{Error, Outcome, StepContext};
use crate::adapters::{self, TargetAdapter};
use crate::oci::secrets::BundleSelector;
use crate::secret::PreviousCredential;

pub(super) async fn run<A: TargetAdapter>(cx: &mut StepContext<'_, A>) -> Result<Outcome, Error> {
    let current_no = cx.secret.secret.current_version_number;
    let pending = match cx.input.version_no {
        Some(n) if Some(n) == current_no => {
            let retired = retire_previous(cx).await?;
            return Ok(Outcome::new(Some(n), format!("version {n} is already CURRENT{retired}")));
        }
        Some(n) => {
            // The bundle carries the version's stages: one read checks it is PENDING and gets it.
            let bundle =
                cx.client.get_secret_bundle(&cx.input.secret_id, BundleSelector::Version(n)).await?.ok_or(Error::VersionNotFound(n))?;
            if !bundle.stages.iter().any(|s| s == "PENDING") {
                return Err(Error::Conflict(format!("version {n} is neither PENDING nor CURRENT (stages: {})", bundle.stages.join(", "))));
            }
            adapters::understand(cx.adapter, &cx.target(), &bundle)?
        }
        None => match cx.read(BundleSelector::Stage("PENDING")).await? {
            Some(p) => p,
            None => {
                let retired = retire_previous(cx).await?;
                return Ok(Outcome::new(current_no, format!("nothing to promote: the secret has no PENDING version{retired}")));
            }
        },
    };
    let target_no = pending.number;
    if !cx.adapter.is_live(&cx.target(), &pending).await? {
        return Err(Error::Conflict(format!(
            "the PENDING version {}'s {} is not live on the target; run UPDATE_TARGET_SYSTEM first (CURRENT was left as it is)",
            pending.number,
            cx.describe(&pending)
        )));
    }
    // The version about to become PREVIOUS: only needed to delete its credential. The deletion is
    // an IAM write, so the user must name the secret, checked before the promotion so that a
    // refusal changes nothing (contract 4.1).
    let previous = match (cx.config.previous, current_no) {
        (PreviousCredential::DeleteOnPromote, Some(n)) => {
            cx.read(BundleSelector::Version(n)).await?.filter(|old| old.credential_id != pending.credential_id)
        }
        _ => None,
    };
    let bound = match &previous {
        Some(_) => Some(cx.target().bind().await?),
        None => None,
    };
    cx.wait_until_active().await?;
    if let Err(e) = cx.client.promote_version(&cx.input.secret_id, target_no, cx.secret.etag.as_deref()).await {
        tracing::warn!(error = %e, "UpdateSecret failed; checking whether the promotion landed");
        let landed = cx.client.get_secret(&cx.input.secret_id).await.is_ok_and(|s| s.secret.current_version_number == Some(target_no));
        if !landed {
            return Err(e.into());
        }
    }
    let mut message = format!("version {target_no} is CURRENT ({})", cx.describe(&pending));
    if let (Some(old), Some(bound)) = (previous, bound) {
        cx.adapter.retire(&cx.target(), &bound, &old).await?;
        message.push_str(&format!("; the previous {} was deleted", cx.describe(&old)));
    }
    Ok(Outcome { promoted: true, ..Outcome::new(Some(target_no), message) })
}

/// With `DELETE_ON_PROMOTE`, deletes the PREVIOUS version's credential if it is still there (a
/// retried promotion whose deletion failed). Returns a note for the message.
async fn retire_previous<A: TargetAdapter>(cx: &mut StepContext<'_, A>) -> Result<String, Error> {
    if cx.config.previous != PreviousCredential::DeleteOnPromote {
        return Ok(String::new());
    }
    let t = cx.target();
    let (Some(previous), Some(current)) =
        (cx.read(BundleSelector::Stage("PREVIOUS")).await?, cx.read(BundleSelector::Stage("CURRENT")).await?)
    else {
        return Ok(String::new());
    };
    if previous.credential_id == current.credential_id {
        return Ok(String::new());
    }
    let bound = t.bind().await?;
    cx.adapter.retire(&t, &bound, &previous).await?;
    Ok(format!("; the PREVIOUS {} is deleted", cx.describe(&previous)))
}
