//! Vault control-plane operations (`/20180608`): CreateSecret (names unique within the vault,
//! `opc-retry-token`), ListSecrets (filtered, paged), GetSecret (with
//! `etag`), UpdateSecret (new versions, promotion, `if-match`, the `UPDATING` window,
//! auto-generation), ListSecretVersions (paged), GetSecretVersion, ScheduleSecretVersionDeletion
//! and RotateSecret.

use std::time::Duration;

use serde_json::Value;

use super::create::NewSecret;
use super::model::{new_secret_id, Secret, MASTER_KEY_ID};
use super::update::Update;
use crate::sim::answer::Answer;
use crate::sim::call::{page_of, paging, Call};
use crate::sim::error::{err, invalid, not_found, SimError};
use crate::sim::retry::once_per_token;

/// ListSecrets: the `SecretSummary` of each secret of a compartment, optionally filtered by
/// `name`, `vaultId` and `lifecycleState`.
pub(crate) fn list_secrets(call: &Call<'_>) -> Result<Answer, SimError> {
    let compartment = call.param("compartmentId").ok_or_else(|| err(400, "MissingParameter", "compartmentId is required"))?;
    let (limit, start) = paging(call)?;
    let st = call.sim.state();
    // As OCI: a compartment that does not exist (or the caller may not read) is a 404, not an empty list.
    if !st.is_compartment(compartment) {
        return Err(not_found(&format!("compartment {compartment}")));
    }
    // Only the page is turned into JSON (a fleet of 10,000 secrets is listed 100 at a time).
    let mut matching = st
        .vault
        .secrets
        .values()
        .filter(|s| s.compartment == compartment)
        .filter(|s| call.param("name").is_none_or(|n| n == s.name))
        .filter(|_| call.param("vaultId").is_none_or(|v| v == st.vault.id))
        .filter(|s| call.param("lifecycleState").is_none_or(|l| l == s.lifecycle()))
        .skip(start);
    let page: Vec<Value> = matching.by_ref().take(limit).map(|s| s.summary_json(&st.vault.id)).collect();
    let next_page = matching.next().is_some().then(|| (start + limit).to_string());
    Ok(Answer { next_page, ..Answer::read(Value::Array(page)) })
}

/// CreateSecret: a secret whose version 1 (CURRENT, LATEST) holds the content sent (or content
/// Vault generates), answered with the `Secret` and its `etag`. The compartment must be the
/// tenancy or one of its compartments, the vault this simulator's and the key its master key; a second secret of the same
/// name in the vault is a 409. Once per `opc-retry-token`.
pub(crate) async fn create_secret(call: &Call<'_>) -> Result<Answer, SimError> {
    let new = NewSecret::parse(&call.json()?)?;
    {
        let st = call.sim.state();
        if !st.is_compartment(&new.compartment_id) {
            return Err(not_found(&format!("compartment {}", new.compartment_id)));
        }
        if new.vault_id != st.vault.id {
            return Err(not_found(&format!("vault {}", new.vault_id)));
        }
        if new.key_id != MASTER_KEY_ID {
            return Err(invalid(format!("keyId {} is not a key of vault {}", new.key_id, new.vault_id)));
        }
    }
    // Content Vault must generate is generated before the state is locked (key generation is slow).
    let content_b64 = match (&new.content_b64, &new.auto_gen) {
        (Some(c), _) => c.clone(),
        (None, Some(g)) => {
            let g = g.clone();
            tokio::task::spawn_blocking(move || g.generate())
                .await
                .map_err(|_| err(500, "InternalServerError", "content generation failed"))??
        }
        (None, None) => return Err(invalid("secretContent.content is required when auto-generation is not enabled")),
    };
    let generated = new.content_b64.is_none();
    once_per_token(call, || {
        let now = call.sim.now();
        let mut st = call.sim.state();
        if let Some(other) = st.vault.named(&new.name) {
            return Err(err(
                409,
                "Conflict",
                format!("A secret named {} already exists in vault {} ({})", new.name, new.vault_id, other.id),
            ));
        }
        let id = new_secret_id();
        let mut s = Secret::new(id.clone(), &new.name, &new.compartment_id, new.metadata, content_b64, new.auto_gen, now);
        s.auto_gen_enabled = new.auto_gen_enabled;
        s.description = new.description;
        s.rotation_config = new.rotation_config;
        s.freeform_tags = new.freeform_tags;
        s.defined_tags = new.defined_tags;
        if let Some(v) = s.versions.first_mut() {
            v.auto_generated = generated;
        }
        s.reschedule(now);
        let answer = Answer::created(s.json(&st.vault.id)).with_etag(&s.etag);
        st.vault.secrets.insert(id, s);
        Ok((answer, None))
    })
}

pub(crate) fn get_secret(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    let st = call.sim.state();
    let s = st.vault.secret(id)?;
    Ok(Answer::read(s.json(&st.vault.id)).with_etag(&s.etag))
}

/// UpdateSecret. Content Vault must generate is generated before the state is locked (key
/// generation is slow), then the update is applied all or nothing.
pub(crate) async fn update_secret(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    let update = Update::parse(&call.json()?)?;
    let generator = match &update.content {
        Some(c) if c.content_b64.is_none() => call.sim.state().vault.secret(id)?.generator_after(&update),
        _ => None,
    };
    let generated = match generator {
        Some(g) => Some(
            tokio::task::spawn_blocking(move || g.generate())
                .await
                .map_err(|_| err(500, "InternalServerError", "content generation failed"))??,
        ),
        None => None,
    };
    let updating = Duration::from_millis(call.sim.options().updating_ms);
    let new_rotation_config = update.rotation_config.is_some();
    let now = call.sim.now();
    let mut st = call.sim.state();
    let vault_id = st.vault.id.clone();
    let s = st.vault.secret_mut(id)?;
    if let Some(tag) = &call.if_match {
        if *tag != s.etag {
            return Err(err(412, "NoEtagMatch", "The if-match value does not match the secret's current etag"));
        }
    }
    let changed = s.apply(update, generated, updating)?;
    if new_rotation_config {
        // The schedule counts from the last rotation (or from now, before the first).
        s.reschedule(s.last_rotation_time.unwrap_or(now));
    }
    Ok(Answer { changed, ..Answer::read(s.json(&vault_id)).with_etag(&s.etag) })
}

/// ListSecretVersions: `SecretVersionSummary` items, newest first unless `sortOrder=ASC`.
pub(crate) fn list_secret_versions(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    if call.param("sortBy").is_some_and(|b| b != "VERSION_NUMBER") {
        return Err(invalid("sortBy must be VERSION_NUMBER"));
    }
    let ascending = match call.param("sortOrder") {
        None | Some("DESC") => false,
        Some("ASC") => true,
        Some(_) => return Err(invalid("sortOrder must be ASC or DESC")),
    };
    let paging = paging(call)?;
    let st = call.sim.state();
    let mut list: Vec<Value> = st.vault.secret(id)?.versions.iter().map(|v| v.json(id)).collect();
    if !ascending {
        list.reverse();
    }
    Ok(page_of(list, paging))
}

fn version_number(n: &str) -> Result<u64, SimError> {
    n.parse().map_err(|_| invalid("The secret version number must be an integer"))
}

pub(crate) fn get_secret_version(call: &Call<'_>, id: &str, n: &str) -> Result<Answer, SimError> {
    let st = call.sim.state();
    let v = st.vault.secret(id)?.version(version_number(n)?)?;
    Ok(Answer::read(v.json(id)))
}

pub(crate) fn schedule_version_deletion(call: &Call<'_>, id: &str, n: &str) -> Result<Answer, SimError> {
    let n = version_number(n)?;
    let when = call.json()?.get("timeOfDeletion").and_then(Value::as_str).map(str::to_owned);
    call.sim.state().vault.secret_mut(id)?.schedule_version_deletion(n, when)?;
    Ok(Answer::empty(200))
}

/// RotateSecret: when the secret's rotation config targets a function the simulator knows,
/// accepted (202) and counted, and the rotation runs in the background (see `rotation`); else 400
/// (no such config, or a function that cannot be reached), or 409 while a rotation is in progress;
/// 412 when `if-match` is not the secret's etag.
pub(crate) fn rotate_secret(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    if let Some(tag) = &call.if_match {
        if *tag != call.sim.state().vault.secret(id)?.etag {
            return Err(err(412, "NoEtagMatch", "The if-match value does not match the secret's current etag"));
        }
    }
    once_per_token(call, || {
        call.sim.start_rotation(id)?;
        call.sim.state().vault.secret_mut(id)?.rotations_requested += 1;
        Ok((Answer::empty(202), None))
    })
}
