//! The operations of an identity domain's REST API, on the one IAM store: Users (get by SCIM id,
//! list with an `eq` filter, PATCH of the OCI freeform tags), Me (the caller's own user),
//! ApiKeys / AuthTokens / CustomerSecretKeys (create with their schema checked and IAM's limits,
//! one-time secrets only in the create answer, `opc-retry-token` replays; get, list filtered by
//! `user.value` or `user.ocid`, delete by SCIM id) and UserPasswordChanger (by the user's SCIM id,
//! checked against the domain's password policy, kept as the user's console password). Only users
//! of the domain are seen; errors are SCIM-shaped by the pipeline.
//!
//! The stricter reading of Oracle's documentation (contract 4.2): a path addresses a resource by
//! its SCIM `id` only. An OCID in a path (`Users/{ocid}`, `UserPasswordChanger/{ocid}`,
//! `AuthTokens/{ocid}`...) is answered 404, as an unknown id is; OCIDs belong in bodies
//! (`user.ocid`) and filters.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::domain_routes::Resource;
use super::domains::{Domain, PolicyNames};
use super::error::{err, invalid, not_found, SimError};
use super::iam::{CreatedResource, CredKind, Iam, User};
use super::response::Answer;
use super::retry::once_per_token;
use super::routes::Call;
use super::scim::{self, Scope};
use super::state::State;

/// The user of `domain` whose SCIM id is `id` (a path parameter: an OCID is an unknown id).
fn find_user<'a>(iam: &'a Iam, domain: &Domain, id: &str) -> Result<&'a User, SimError> {
    iam.users
        .values()
        .find(|u| u.domain_id == domain.id && u.scim_id == id)
        .ok_or_else(|| not_found(&format!("user {id} in identity domain {}", domain.name)))
}

/// The user of `domain` a body names: `user.value` (SCIM id) or `user.ocid`.
fn find_user_named<'a>(iam: &'a Iam, domain: &Domain, reference: &str) -> Result<&'a User, SimError> {
    iam.users
        .values()
        .find(|u| u.domain_id == domain.id && (u.id == reference || u.scim_id == reference))
        .ok_or_else(|| not_found(&format!("user {reference} in identity domain {}", domain.name)))
}

fn scope<'a>(st: &'a State, domain: &'a Domain, base: &'a str) -> Scope<'a> {
    Scope { domain, tenancy: &st.tenancy_id, base }
}

fn base(call: &Call<'_>) -> String {
    call.sim.endpoint().unwrap_or_default()
}

/// A successful create: 201, state changed.
fn created(body: Value) -> Answer {
    Answer { status: 201, ..Answer::created(body) }
}

pub(crate) fn get_user(call: &Call<'_>, d: &Domain, id: &str) -> Result<Answer, SimError> {
    let (st, base) = (call.sim.state(), base(call));
    let user = find_user(&st.iam, d, id)?;
    Ok(Answer::read(scope(&st, d, &base).user(user, scim::wants_password_state(&call.query))))
}

pub(crate) fn list_users(call: &Call<'_>, d: &Domain) -> Result<Answer, SimError> {
    let filter = scim::filter_of(&call.query)?;
    let (st, base) = (call.sim.state(), base(call));
    let matches = |u: &User| match &filter {
        None => Ok(true),
        Some(f) => match f.attr.as_str() {
            "ocid" => Ok(u.id == f.value),
            "id" => Ok(u.scim_id == f.value),
            "username" => Ok(u.name == f.value),
            _ => Err(invalid(format!("Users cannot be filtered by {}: use ocid, id or userName", f.attr))),
        },
    };
    let mut found = Vec::new();
    for u in st.iam.users.values().filter(|u| u.domain_id == d.id) {
        if matches(u)? {
            found.push(scope(&st, d, &base).user(u, scim::wants_password_state(&call.query)));
        }
    }
    Ok(Answer::read(scim::list_response(found)))
}

/// The freeform tags of a PATCH operation's `value`: `[{"key", "value"}]`.
fn tags_of(value: &Value) -> Result<BTreeMap<String, String>, SimError> {
    let bad = || invalid("The freeformTags value must be an array of {\"key\", \"value\"} strings");
    value
        .as_array()
        .ok_or_else(bad)?
        .iter()
        .map(|t| match (t["key"].as_str(), t["value"].as_str()) {
            (Some(k), Some(v)) => Ok((k.to_owned(), v.to_owned())),
            _ => Err(bad()),
        })
        .collect()
}

/// PATCH of a user: `replace` (all freeform tags) or `add` (merged) on the OCITags freeformTags path.
pub(crate) fn patch_user(call: &Call<'_>, d: &Domain, id: &str) -> Result<Answer, SimError> {
    let body = call.json()?;
    scim::check_schemas(&body, scim::PATCH_OP)?;
    let ops = body["Operations"].as_array().filter(|o| !o.is_empty()).ok_or_else(|| invalid("Missing required attribute: Operations"))?;
    let mut edits = Vec::new();
    for op in ops {
        let kind = op["op"].as_str().unwrap_or_default().to_ascii_lowercase();
        let path = op["path"].as_str().unwrap_or_default();
        if !path.eq_ignore_ascii_case(scim::FREEFORM_TAGS_PATH) || !(kind == "replace" || kind == "add") {
            return Err(invalid(format!(
                "The simulator patches only {} (op replace or add), not {kind} {path:?}",
                scim::FREEFORM_TAGS_PATH
            )));
        }
        edits.push((kind == "replace", tags_of(&op["value"])?));
    }
    let (mut guard, base) = (call.sim.state(), base(call));
    let st = &mut *guard;
    let user_id = find_user(&st.iam, d, id)?.id.clone();
    let user = st.iam.user_mut(&user_id)?;
    for (replace, tags) in edits {
        if replace {
            user.freeform_tags = tags;
        } else {
            user.freeform_tags.extend(tags);
        }
    }
    let user = st.iam.user(&user_id)?;
    Ok(Answer::created(Scope { domain: d, tenancy: &st.tenancy_id, base: &base }.user(user, false)))
}

/// The caller's own user (the signature names its OCID), when it belongs to this domain.
pub(crate) fn get_me(call: &Call<'_>, d: &Domain) -> Result<Answer, SimError> {
    let me = call.caller.as_deref().ok_or_else(|| not_found("Me: the request is not signed by a user"))?;
    let (st, base) = (call.sim.state(), base(call));
    let user = st
        .iam
        .users
        .values()
        .find(|u| u.domain_id == d.id && u.id == me)
        .ok_or_else(|| not_found(&format!("user {me} in identity domain {}", d.name)))?;
    Ok(Answer::read(scope(&st, d, &base).user(user, scim::wants_password_state(&call.query))))
}

pub(crate) fn create(call: &Call<'_>, d: &Domain, r: Resource) -> Result<Answer, SimError> {
    let body = call.json()?;
    scim::check_schemas(&body, r.schema())?;
    let reference = scim::user_ref(&body)?;
    let description = scim::opt_string(&body, "description")?.unwrap_or_default();
    let key = match r {
        Resource::ApiKeys => Some(scim::opt_string(&body, "key")?.ok_or_else(|| invalid("Missing required attribute: key"))?),
        _ => None,
    };
    let display_name = scim::opt_string(&body, "displayName")?;
    let name = scim::opt_string(&body, "name")?;
    let scopes = match r {
        Resource::OAuth2ClientCredentials => Some(super::iam::check_scopes(body.get("scopes"))?),
        _ => None,
    };
    let password = match r {
        Resource::UserDbCredentials => {
            Some(scim::opt_string(&body, "dbPassword")?.ok_or_else(|| invalid("Missing required attribute: dbPassword"))?)
        }
        _ => None,
    };
    if r == Resource::OAuth2ClientCredentials && name.is_none() {
        return Err(invalid("Missing required attribute: name"));
    }
    let propagation = std::time::Duration::from_millis(call.sim.options().key_propagation_ms);
    once_per_token(call, || {
        let (mut guard, base) = (call.sim.state(), base(call));
        let st = &mut *guard;
        let user_id = find_user_named(&st.iam, d, &reference)?.id.clone();
        match (r.cred_kind(), key) {
            (None, Some(pem)) => {
                let fingerprint = st.iam.add_api_key(&user_id, pem, description, propagation)?;
                let user = st.iam.user(&user_id)?;
                let k = user.api_keys.iter().find(|k| k.fingerprint == fingerprint).ok_or_else(|| not_found(&fingerprint))?;
                let body = Scope { domain: d, tenancy: &st.tenancy_id, base: &base }.api_key(user, k);
                Ok((created(body), Some(CreatedResource::ApiKey { user: user_id, fingerprint })))
            }
            (Some(kind), _) => {
                let label = match kind {
                    CredKind::CustomerSecretKey => display_name.unwrap_or(description),
                    CredKind::AuthToken | CredKind::SmtpCredential | CredKind::OAuth2ClientCredential | CredKind::DbCredential => {
                        description
                    }
                };
                let new = super::iam::NewCred { description: Some(description), name, scopes: scopes.clone(), password };
                let (cred_id, secret) = st.iam.add_cred_with(&user_id, kind, label, new)?;
                let user = st.iam.user(&user_id)?;
                let c = user.creds(kind).iter().find(|c| c.id == cred_id).ok_or_else(|| not_found(&cred_id))?;
                let mut body = Scope { domain: d, tenancy: &st.tenancy_id, base: &base }.cred(user, kind, c);
                if let Some(field) = scim::secret_field(kind) {
                    body[field] = json!(secret);
                }
                Ok((created(body), Some(CreatedResource::Cred { user: user_id, kind, id: cred_id })))
            }
            (None, None) => Err(invalid("Missing required attribute: key")),
        }
    })
}

/// A credential of the domain by its SCIM id (an OCID is an unknown id): its user's OCID, its
/// classic id (fingerprint, OCID or access key) and its JSON.
fn find_cred(st: &State, d: &Domain, base: &str, r: Resource, id: &str) -> Result<(String, String, Value), SimError> {
    let sc = Scope { domain: d, tenancy: &st.tenancy_id, base };
    for u in st.iam.users.values().filter(|u| u.domain_id == d.id) {
        let hit = match r.cred_kind() {
            None => u.api_keys.iter().find(|k| k.scim_id == id).map(|k| (k.fingerprint.clone(), sc.api_key(u, k))),
            Some(kind) => u.creds(kind).iter().find(|c| c.scim_id == id).map(|c| (c.id.clone(), sc.cred(u, kind, c))),
        };
        if let Some((classic, json)) = hit {
            return Ok((u.id.clone(), classic, json));
        }
    }
    Err(not_found(&format!("credential {id} in identity domain {}", d.name)))
}

pub(crate) fn get(call: &Call<'_>, d: &Domain, r: Resource, id: &str) -> Result<Answer, SimError> {
    let (st, base) = (call.sim.state(), base(call));
    Ok(Answer::read(find_cred(&st, d, &base, r, id)?.2))
}

pub(crate) fn list(call: &Call<'_>, d: &Domain, r: Resource) -> Result<Answer, SimError> {
    let filter = scim::filter_of(&call.query)?;
    if let Some(f) = &filter {
        if f.attr != "user.value" && f.attr != "user.ocid" {
            return Err(invalid(format!("Credentials cannot be filtered by {}: use user.value or user.ocid", f.attr)));
        }
    }
    let (st, base) = (call.sim.state(), base(call));
    let sc = Scope { domain: d, tenancy: &st.tenancy_id, base: &base };
    let wanted = |u: &User| filter.as_ref().is_none_or(|f| if f.attr == "user.ocid" { u.id == f.value } else { u.scim_id == f.value });
    let mut found = Vec::new();
    for u in st.iam.users.values().filter(|u| u.domain_id == d.id && wanted(u)) {
        match r.cred_kind() {
            None => found.extend(u.api_keys.iter().map(|k| sc.api_key(u, k))),
            Some(kind) => found.extend(u.creds(kind).iter().map(|c| sc.cred(u, kind, c))),
        }
    }
    Ok(Answer::read(scim::list_response(found)))
}

pub(crate) fn delete(call: &Call<'_>, d: &Domain, r: Resource, id: &str) -> Result<Answer, SimError> {
    let (mut st, base) = (call.sim.state(), base(call));
    let (user, classic, _) = find_cred(&st, d, &base, r, id)?;
    match r.cred_kind() {
        None => st.iam.delete_api_key(&user, &classic)?,
        Some(kind) => st.iam.delete_cred(&user, kind, &classic)?,
    }
    Ok(Answer::empty(204))
}

/// UserPasswordChanger: sets the user's password in place when the domain's policy allows it.
pub(crate) fn put_password(call: &Call<'_>, d: &Domain, id: &str) -> Result<Answer, SimError> {
    let body = call.json()?;
    scim::check_schemas(&body, scim::PASSWORD_CHANGER)?;
    let password = scim::opt_string(&body, "password")?.ok_or_else(|| invalid("Missing required attribute: password"))?;
    if body.get("bypassNotification").is_some_and(|b| !b.is_boolean() && !b.is_null()) {
        return Err(err(400, "InvalidParameter", "bypassNotification must be a boolean"));
    }
    let mut guard = call.sim.state();
    let st = &mut *guard;
    let (user_id, scim_id, name) = find_user(&st.iam, d, id).map(|u| (u.id.clone(), u.scim_id.clone(), u.name.clone()))?;
    // The simulator's users have one name: `userName`, and the family name the domain lists.
    d.policy.check(password, &PolicyNames { user_name: &name, first_name: None, last_name: Some(&name) })?;
    st.iam.set_ui_password(&user_id, password)?;
    Ok(Answer::created(json!({"schemas": [scim::PASSWORD_CHANGER], "id": scim_id, "ocid": user_id})))
}
