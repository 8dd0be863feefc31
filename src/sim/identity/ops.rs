//! Identity operations (`/20160918`): GetTenancy, ListRegionSubscriptions, ListDomains, GetDomain,
//! ListCompartments, GetUser, UpdateUser (freeform tags), and a user's API keys, auth tokens, customer secret keys,
//! SMTP credentials, OAuth 2.0 client credentials (list paged), database passwords (list paged)
//! and console password. One-time secrets (`token`, `key`, `password`) appear only in the create
//! responses; a database password is never returned; creates honour `opc-retry-token`. Users of a SECONDARY identity domain are not
//! served here (404): their domain's REST API manages them.

use serde_json::{json, Value};

use super::compartments::Compartment;
use super::iam::{check_scopes, CreatedResource, CredKind, NewCred};
use crate::sim::answer::Answer;
use crate::sim::call::{page_of, paging, Call};
use crate::sim::error::{err, invalid, not_found, SimError};
use crate::sim::retry::once_per_token;

pub(crate) fn get_tenancy(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    if id != call.sim.state().tenancy_id {
        return Err(not_found(&format!("tenancy {id}")));
    }
    Ok(Answer::read(json!({"id": id, "name": "simulated-tenancy", "description": "oci-rotator simulator", "homeRegionKey": "IAD",
        "freeformTags": {}, "definedTags": {}})))
}

pub(crate) fn list_region_subscriptions(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    if id != call.sim.state().tenancy_id {
        return Err(not_found(&format!("tenancy {id}")));
    }
    Ok(Answer::read(json!([{"regionKey": "IAD", "regionName": "us-ashburn-1", "status": "READY", "isHomeRegion": true}])))
}

/// Refuses (404) a classic call on a user of a SECONDARY domain; unknown users are left to the
/// operation (also 404).
pub(crate) fn classic_user_visible(call: &Call<'_>, id: &str) -> Result<(), SimError> {
    let st = call.sim.state();
    match st.iam.users.get(id) {
        Some(u) if u.domain_id != st.iam.default_domain => Err(not_found(&format!("user {id}"))),
        _ => Ok(()),
    }
}

/// ListDomains: a bare array, filtered by `type`, `lifecycleState`, `displayName` or `name`;
/// `[]` for a tenancy without identity domains or another compartment.
pub(crate) fn list_domains(call: &Call<'_>) -> Result<Answer, SimError> {
    let compartment = call.param("compartmentId").ok_or_else(|| err(400, "MissingParameter", "compartmentId is required"))?;
    let (st, base) = (call.sim.state(), call.sim.endpoint().unwrap_or_default());
    let keep = |field: &str, value: &str| call.param(field).is_none_or(|want| want == value);
    let list: Vec<Value> = st
        .domains
        .visible()
        .iter()
        .filter(|d| compartment == st.tenancy_id && keep("type", d.kind.as_str()) && keep("lifecycleState", &d.state))
        .filter(|d| keep("displayName", &d.name) && keep("name", &d.name))
        .map(|d| d.json(&st.tenancy_id, &base))
        .collect();
    Ok(Answer::read(Value::Array(list)))
}

pub(crate) fn get_domain(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    let (st, base) = (call.sim.state(), call.sim.endpoint().unwrap_or_default());
    Ok(Answer::read(st.domains.get(id)?.json(&st.tenancy_id, &base)))
}

pub(crate) fn get_user(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    let st = call.sim.state();
    Ok(Answer::read(st.iam.user(id)?.json(&st.tenancy_id)))
}

/// UpdateUser (`UpdateUserDetails`): `description`, `email` and `freeformTags`, which replaces the
/// user's whole set of freeform tags, as OCI does. Answers the updated user.
pub(crate) fn update_user(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    let body = call.json()?;
    let tags = match body.get("freeformTags") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(
            map.iter()
                .map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect::<Option<std::collections::BTreeMap<String, String>>>()
                .ok_or_else(|| err(400, "InvalidParameter", "freeformTags values must be strings"))?,
        ),
        Some(_) => return Err(err(400, "InvalidParameter", "freeformTags must be an object")),
    };
    let mut st = call.sim.state();
    let tenancy = st.tenancy_id.clone();
    let user = st.iam.user_mut(id)?;
    if let Some(tags) = tags {
        user.freeform_tags = tags;
    }
    Ok(Answer::read(user.json(&tenancy)))
}

pub(crate) fn list_api_keys(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    let st = call.sim.state();
    let user = st.iam.user(id)?;
    Ok(Answer::read(Value::Array(user.api_keys.iter().map(|k| user.api_key_json(&st.tenancy_id, k)).collect())))
}

fn required_string<'a>(body: &'a Value, field: &str) -> Result<&'a str, SimError> {
    body.get(field).and_then(Value::as_str).ok_or_else(|| err(400, "MissingParameter", format!("{field} is required")))
}

pub(crate) fn upload_api_key(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    let body = call.json()?;
    let pem = required_string(&body, "key")?;
    let propagation = std::time::Duration::from_millis(call.sim.options().key_propagation_ms);
    once_per_token(call, || {
        let mut st = call.sim.state();
        let fingerprint = st.iam.upload_api_key(id, pem, propagation)?;
        let tenancy = st.tenancy_id.clone();
        let user = st.iam.user(id)?;
        let key = user.api_keys.iter().find(|k| k.fingerprint == fingerprint).ok_or_else(|| not_found(&fingerprint))?;
        Ok((Answer::created(user.api_key_json(&tenancy, key)), Some(CreatedResource::ApiKey { user: id.to_owned(), fingerprint })))
    })
}

pub(crate) fn delete_api_key(call: &Call<'_>, id: &str, fingerprint: &str) -> Result<Answer, SimError> {
    call.sim.state().iam.delete_api_key(id, fingerprint)?;
    Ok(Answer::empty(204))
}

pub(crate) fn list_creds(call: &Call<'_>, id: &str, kind: CredKind) -> Result<Answer, SimError> {
    let paging = if kind.paged() { Some(paging(call)?) } else { None };
    let st = call.sim.state();
    let all: Vec<Value> = st.iam.user(id)?.creds(kind).iter().map(|c| c.json(kind, id)).collect();
    Ok(match paging {
        Some(p) => page_of(all, p),
        None => Answer::read(Value::Array(all)),
    })
}

pub(crate) fn create_cred(call: &Call<'_>, id: &str, kind: CredKind) -> Result<Answer, SimError> {
    let body = call.json()?;
    let label = required_string(&body, kind.label_field())?;
    let mut new = NewCred::default();
    match kind {
        CredKind::OAuth2ClientCredential => {
            new.name = Some(required_string(&body, "name")?);
            new.scopes = Some(check_scopes(body.get("scopes"))?);
        }
        CredKind::DbCredential => new.password = Some(required_string(&body, "password")?),
        CredKind::AuthToken | CredKind::CustomerSecretKey | CredKind::SmtpCredential => {}
    }
    if kind != CredKind::CustomerSecretKey {
        new.description = Some(label);
    }
    once_per_token(call, || {
        let mut st = call.sim.state();
        let new = NewCred { description: new.description, name: new.name, scopes: new.scopes.clone(), password: new.password };
        let (cred_id, secret) = st.iam.add_cred_with(id, kind, label, new)?;
        let cred = st.iam.user(id)?.creds(kind).iter().find(|c| c.id == cred_id).ok_or_else(|| not_found(&cred_id))?;
        let mut created = cred.json(kind, id);
        if let Some(field) = kind.secret_field() {
            created[field] = json!(secret);
        }
        Ok((Answer::created(created), Some(CreatedResource::Cred { user: id.to_owned(), kind, id: cred_id })))
    })
}

pub(crate) fn delete_cred(call: &Call<'_>, id: &str, kind: CredKind, cred_id: &str) -> Result<Answer, SimError> {
    call.sim.state().iam.delete_cred(id, kind, cred_id)?;
    Ok(Answer::empty(204))
}

pub(crate) fn reset_ui_password(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    once_per_token(call, || {
        let mut st = call.sim.state();
        let p = st.iam.reset_ui_password(id)?;
        let answer = Answer::created(json!({"password": p.password, "userId": id, "timeCreated": p.time_created,
            "lifecycleState": "ACTIVE", "inactiveStatus": null}));
        Ok((answer, Some(CreatedResource::UiPassword { user: id.to_owned(), id: p.id.clone() })))
    })
}

pub(crate) fn ui_password_information(call: &Call<'_>, id: &str) -> Result<Answer, SimError> {
    let st = call.sim.state();
    let p = st.iam.user(id)?.ui_password.as_ref().ok_or_else(|| not_found("UI password"))?;
    Ok(Answer::read(json!({"userId": id, "timeCreated": p.time_created, "lifecycleState": "ACTIVE"})))
}

/// ListCompartments (`GET /20160918/compartments`), as the SDK calls it: `compartmentId`
/// (required), `compartmentIdInSubtree` (true only on the tenancy, the root compartment: every
/// ACTIVE compartment under it), `accessLevel` (`ANY` or `ACCESSIBLE`; every caller the simulator
/// trusts may access everything), `lifecycleState`, and `limit` / `page` / `opc-next-page` paging.
pub(crate) fn list_compartments(call: &Call<'_>) -> Result<Answer, SimError> {
    let parent = call.param("compartmentId").ok_or_else(|| err(400, "MissingParameter", "compartmentId is required"))?;
    let in_subtree = match call.param("compartmentIdInSubtree") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(invalid("compartmentIdInSubtree must be true or false")),
    };
    if call.param("accessLevel").is_some_and(|a| a != "ANY" && a != "ACCESSIBLE") {
        return Err(invalid("accessLevel must be ANY or ACCESSIBLE"));
    }
    let (limit, start) = paging(call)?;
    let st = call.sim.state();
    if in_subtree && parent != st.tenancy_id {
        return Err(invalid("compartmentIdInSubtree can only be true when compartmentId is the tenancy"));
    }
    if parent != st.tenancy_id && !st.compartments.contains_key(parent) {
        return Err(not_found(&format!("compartment {parent}")));
    }
    let keep_state = |state: &str| call.param("lifecycleState").is_none_or(|l| l == state);
    let mut matching = st.compartments.values().filter(|c| (in_subtree || c.parent == parent) && keep_state("ACTIVE")).skip(start);
    let page: Vec<Value> = matching.by_ref().take(limit).map(Compartment::json).collect();
    let next_page = matching.next().is_some().then(|| (start + limit).to_string());
    Ok(Answer { next_page, ..Answer::read(Value::Array(page)) })
}
