//! IAM database passwords that Vault generates (`DB_CREDENTIAL` secrets with
//! `isAutoGenerationEnabled` and a `PASSPHRASE` generation context; see
//! `docs/db-password-autogeneration.md`).
//!
//! Vault writes the new version's content at CREATE_PENDING_VERSION: the passphrase itself (no
//! `secretTemplate`), or a JSON object holding it in `password` (a template such as
//! `{"password":"%GENERATED_PASSPHRASE%"}`). Such a content names no credential, so the credential
//! of version N is the one whose description is `oci-rotator <secretId> vN`: that description is
//! the version's credential id here. UPDATE_TARGET_SYSTEM creates it from the version's password
//! (after deleting what the secret manages that is neither CURRENT nor PENDING); VERIFY, the live
//! checks and the retirement find it by that description.
//!
//! A credential is managed by the secret when its description is the secret's marker
//! (`oci-rotator <secretId>`, the function-generated form) or the marker plus ` v<number>`, or
//! when one of the secret's newest versions holds its id; any other credential is never deleted.

use std::time::Duration;

use secrecy::SecretString;

use super::directory::{Directory, Listed, New};
use super::iam_secret::{is_limit_answer, Spec};
use super::{held_by_other_versions, wait_until, Error, Target, TargetAdapter, Version};
use crate::binding::BoundUser;
use crate::secret::SecretContent;

/// How long to wait for IAM to list a new credential as ACTIVE (bounded by the deadline too).
const PROPAGATION_WAIT: Duration = Duration::from_secs(60);

/// True when Vault generates the secret's content with a `PASSPHRASE` template.
pub(super) fn enabled(t: &Target<'_>) -> bool {
    t.secret.is_auto_generation_enabled == Some(true)
        && t.secret.secret_generation_context.as_ref().and_then(|c| c["generationType"].as_str()).is_some_and(|g| g == "PASSPHRASE")
}

/// The description of the credential of version `number`: `oci-rotator <secretId> v<number>`.
pub(super) fn label(t: &Target<'_>, number: u64) -> String {
    format!("{} v{number}", t.marker())
}

/// True when `label` marks a credential this secret manages: the marker alone, or the marker and
/// a version number.
fn is_managed_label(marker: &str, label: &str) -> bool {
    match label.strip_prefix(marker) {
        Some("") => true,
        Some(rest) => rest.strip_prefix(" v").is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())),
        None => false,
    }
}

/// True when the listed credential is the one `credential_id` names (an IAM id, or the
/// description of a Vault-generated version's credential).
fn is_named(c: &Listed, credential_id: &str) -> bool {
    c.id == credential_id || c.label.as_deref() == Some(credential_id)
}

/// True when `credential_id` is a description (`oci-rotator <secretId> vN`), not an IAM id.
fn is_label(t: &Target<'_>, credential_id: &str) -> bool {
    credential_id.starts_with(&format!("{} v", t.marker()))
}

/// Understands a version of a secret Vault generates passwords for. A JSON object holding
/// `dbCredentialId` is the function-generated form: `None`, the caller reads it as usual.
/// Otherwise the content is the password (raw text, or a JSON object's `password`), and the
/// credential is the one described `oci-rotator <secretId> v<number>`.
pub(super) fn understand(t: &Target<'_>, number: u64, bytes: &[u8]) -> Result<Option<(SecretContent, String)>, Error> {
    if let Ok(content) = SecretContent::parse(bytes) {
        if content.has("dbCredentialId") {
            return Ok(None);
        }
        if content.str_field("password").is_none_or(str::is_empty) {
            return Err(Error::InvalidContent(
                "the content is a JSON object without password (a string); with a secretTemplate, put %GENERATED_PASSPHRASE% in \"password\"".to_owned(),
            ));
        }
        return Ok(Some((content, label(t, number))));
    }
    let text =
        std::str::from_utf8(bytes).map_err(|_| Error::InvalidContent("the content is neither a JSON object nor UTF-8 text".to_owned()))?;
    if text.is_empty() {
        return Err(Error::InvalidContent("the content is empty".to_owned()));
    }
    let content = SecretContent::default().next_version(&[], vec![("password", SecretString::from(text.to_owned()))]);
    Ok(Some((content, label(t, number))))
}

/// True when IAM lists the credential `credential_id` names as ACTIVE.
pub(super) async fn is_live(spec: &Spec, t: &Target<'_>, credential_id: &str) -> Result<bool, Error> {
    let listed = Directory::of(t).await?.list(t, spec.family).await?;
    Ok(listed.iter().any(|c| is_named(c, credential_id) && c.active))
}

/// UPDATE_TARGET_SYSTEM: creates the PENDING version's credential from its password, described
/// `oci-rotator <secretId> v<N>`, unless IAM lists it already (a retry), after deleting what the
/// secret manages that is neither CURRENT nor PENDING; then waits until it is ACTIVE.
pub(super) async fn apply_pending<A: TargetAdapter>(
    spec: &Spec,
    adapter: &A,
    t: &Target<'_>,
    current: &Version,
    pending: &Version,
) -> Result<String, Error> {
    if !is_label(t, &pending.credential_id) {
        // A PENDING version the function wrote (before auto-generation was turned on).
        return spec.apply_pending(t, pending).await;
    }
    let marker = t.marker();
    let dir = Directory::of(t).await?;
    let listed = dir.list(t, spec.family).await?;
    if !listed.iter().any(|c| is_named(c, &pending.credential_id)) {
        let others = |c: &&Listed| !is_named(c, &current.credential_id) && !is_named(c, &pending.credential_id);
        let unknown: Vec<String> = listed
            .iter()
            .filter(others)
            .filter(|c| !c.label.as_deref().is_some_and(|l| is_managed_label(&marker, l)))
            .map(|c| c.id.clone())
            .collect();
        let held = held_by_other_versions(adapter, t, &unknown, &[current.number, pending.number]).await?;
        let to_delete: Vec<&Listed> = listed
            .iter()
            .filter(others)
            .filter(|c| c.label.as_deref().is_some_and(|l| is_managed_label(&marker, l)) || held.contains(&c.id))
            .collect();
        let blockers: Vec<String> = listed
            .iter()
            .filter(others)
            .filter(|c| !to_delete.iter().any(|d| d.id == c.id))
            .map(|c| super::blocker(&c.id, c.label.as_deref()))
            .collect();
        if let Some(limit) = spec.limit.filter(|limit| listed.len() - to_delete.len() >= *limit) {
            return Err(Error::LimitHeld { limit, what: spec.many, blockers });
        }
        let password = pending
            .content
            .str_field("password")
            .map(|p| SecretString::from(p.to_owned()))
            .ok_or_else(|| Error::InvalidContent(format!("version {}: the content holds no password", pending.number)))?;
        let new = New { label: &pending.credential_id, password: Some(&password), ..New::default() };
        // The first IAM write of the step: the user must name the secret (contract 4.1).
        let bound = t.bind().await?;
        for c in to_delete {
            tracing::info!(credential_id = %c.id, "deleting a {} this secret no longer references", spec.one);
            dir.delete(t, &bound, spec.family, &c.handle).await?;
        }
        match dir.create_with(t, &bound, spec.family, &new).await {
            Ok(created) => tracing::info!(credential_id = %created.id, version = pending.number, "created the {} Vault generated", spec.one),
            Err(e) if is_limit_answer(&e) => return Err(spec.limit_error(blockers)),
            Err(e) if e.status() == Some(400) => {
                return Err(Error::InvalidContent(format!(
                    "IAM refused the PENDING version {}'s password ({e}); a DBAAS_DEFAULT_PASSWORD generation template makes passwords IAM accepts",
                    pending.number
                )))
            }
            Err(e) => return Err(e.into()),
        }
    }
    let live = wait_until(t.client, PROPAGATION_WAIT, || is_live(spec, t, &pending.credential_id)).await?;
    if !live {
        return Err(Error::NotLiveInTime(format!(
            "the {} \"{}\" was created but IAM did not list it ACTIVE before the deadline; retry the step",
            spec.one, pending.credential_id
        )));
    }
    Ok(format!("{} \"{}\" is ACTIVE for {}", spec.one, pending.credential_id, t.config.user_id))
}

/// Deletes the credential of a superseded version (already gone: nothing to do).
pub(super) async fn retire(spec: &Spec, t: &Target<'_>, user: &BoundUser, old: &Version) -> Result<(), Error> {
    if !is_label(t, &old.credential_id) {
        return spec.retire(t, user, old).await;
    }
    let dir = Directory::of(t).await?;
    for c in dir.list(t, spec.family).await?.iter().filter(|c| is_named(c, &old.credential_id)) {
        dir.delete(t, user, spec.family, &c.handle).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_managed_label;

    #[test]
    fn managed_labels_are_the_marker_alone_or_with_a_version_number() {
        let m = "oci-rotator ocid1.vaultsecret.oc1..abc";
        for (label, managed) in [
            (m.to_owned(), true),
            (format!("{m} v1"), true),
            (format!("{m} v42"), true),
            (format!("{m} v"), false),
            (format!("{m} v1x"), false),
            (format!("{m}d v1"), false),
            ("oci-rotator ocid1.vaultsecret.oc1..other v1".to_owned(), false),
            ("reporting job".to_owned(), false),
        ] {
            assert_eq!(is_managed_label(m, &label), managed, "{label}");
        }
    }
}
