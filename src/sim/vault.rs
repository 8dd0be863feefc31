//! Vault control-plane operations (`/20180608`): ListSecrets (filtered, paged), GetSecret (with
//! `etag`), UpdateSecret (new versions, promotion, `if-match`, the `UPDATING` window,
//! auto-generation), ListSecretVersions (paged), GetSecretVersion, ScheduleSecretVersionDeletion
//! and RotateSecret.

use std::time::Duration;

use serde_json::Value;

use super::error::{err, invalid, SimError};
use super::response::Answer;
use super::retry::once_per_token;
use super::routes::Call;
use super::update::Update;

/// `limit` (1 to 1000, default 100) and `page` (an offset this simulator issued).
fn paging(call: &Call<'_>) -> Result<(usize, usize), SimError> {
    let limit = match call.param("limit") {
        None => 100,
        Some(l) => l.parse::<usize>().ok().filter(|l| (1..=1000).contains(l)).ok_or_else(|| invalid("limit must be 1 to 1000"))?,
    };
    let start = match call.param("page") {
        None => 0,
        Some(p) => p.parse::<usize>().map_err(|_| invalid("page is not a page token this service issued"))?,
    };
    Ok((limit, start))
}

/// One page of `list`, with `opc-next-page` when more follow.
fn page_of(list: Vec<Value>, (limit, start): (usize, usize)) -> Answer {
    let next_page = (start + limit < list.len()).then(|| (start + limit).to_string());
    let page: Vec<Value> = list.into_iter().skip(start).take(limit).collect();
    Answer { next_page, ..Answer::read(Value::Array(page)) }
}

/// ListSecrets: the `SecretSummary` of each secret of a compartment, optionally filtered by
/// `name`, `vaultId` and `lifecycleState`.
pub(crate) fn list_secrets(call: &Call<'_>) -> Result<Answer, SimError> {
    let compartment = call.param("compartmentId").ok_or_else(|| err(400, "MissingParameter", "compartmentId is required"))?;
    let paging = paging(call)?;
    let st = call.sim.state();
    let list: Vec<Value> = st
        .vault
        .secrets
        .values()
        .filter(|s| s.compartment == compartment)
        .filter(|s| call.param("name").is_none_or(|n| n == s.name))
        .filter(|_| call.param("vaultId").is_none_or(|v| v == st.vault.id))
        .filter(|s| call.param("lifecycleState").is_none_or(|l| l == s.lifecycle()))
        .map(|s| s.summary_json(&st.vault.id))
        .collect();
    Ok(page_of(list, paging))
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
    let mut st = call.sim.state();
    let vault_id = st.vault.id.clone();
    let s = st.vault.secret_mut(id)?;
    if let Some(tag) = &call.if_match {
        if *tag != s.etag {
            return Err(err(412, "NoEtagMatch", "The if-match value does not match the secret's current etag"));
        }
    }
    let changed = s.apply(update, generated, updating)?;
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

/// RotateSecret: accepted (202) and counted; the simulator does not run a rotation itself.
pub(crate) fn rotate_secret(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    once_per_token(call, || {
        call.sim.state().vault.secret_mut(id)?.rotations_requested += 1;
        Ok((Answer::empty(202), None))
    })
}
