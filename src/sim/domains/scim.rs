//! SCIM wire helpers of the Identity Domains REST API: the schema URNs, the error body
//! (`{"schemas", "detail", "status"}`), the `ListResponse` envelope, the `<attr> eq "<value>"`
//! filters the simulator understands, `attributes` / `attributeSets`, the `schemas` and `user`
//! checks of request bodies, and the JSON of users and credentials as a domain shows them.

use serde_json::{json, Map, Value};

use super::model::Domain;
use crate::sim::error::{invalid, SimError};
use crate::sim::identity::iam::{ApiKey, Cred, CredKind, User};

pub(crate) const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub(crate) const OCI_TAGS: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:OCITags";
pub(crate) const FREEFORM_TAGS_PATH: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:OCITags:freeformTags";
pub(crate) const PASSWORD_STATE: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:passwordState:User";
pub(crate) const PATCH_OP: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
pub(crate) const LIST_RESPONSE: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub(crate) const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub(crate) const ORACLE_ERROR: &str = "urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error";
pub(crate) const API_KEY: &str = "urn:ietf:params:scim:schemas:oracle:idcs:apikey";
pub(crate) const AUTH_TOKEN: &str = "urn:ietf:params:scim:schemas:oracle:idcs:authToken";
pub(crate) const CUSTOMER_SECRET_KEY: &str = "urn:ietf:params:scim:schemas:oracle:idcs:customerSecretKey";
pub(crate) const SMTP_CREDENTIAL: &str = "urn:ietf:params:scim:schemas:oracle:idcs:smtpCredential";
pub(crate) const OAUTH2_CLIENT_CREDENTIAL: &str = "urn:ietf:params:scim:schemas:oracle:idcs:oauth2ClientCredential";
pub(crate) const USER_DB_CREDENTIAL: &str = "urn:ietf:params:scim:schemas:oracle:idcs:UserDbCredentials";
pub(crate) const PASSWORD_CHANGER: &str = "urn:ietf:params:scim:schemas:oracle:idcs:UserPasswordChanger";

/// The SCIM error body; `status` is a string, as IDCS sends it. The simulator's error code goes in
/// Oracle's extension as `messageId`.
pub(crate) fn error_body(e: &SimError) -> Value {
    json!({"schemas": [ERROR, ORACLE_ERROR], "detail": e.message, "status": e.status.to_string(),
        ORACLE_ERROR: {"messageId": e.code}})
}

/// A `ListResponse` of all `resources` (one page); `Resources` is absent when there are none.
pub(crate) fn list_response(resources: Vec<Value>) -> Value {
    let n = resources.len();
    let mut list = json!({"schemas": [LIST_RESPONSE], "totalResults": n, "startIndex": 1, "itemsPerPage": n});
    if n > 0 {
        list["Resources"] = Value::Array(resources);
    }
    list
}

/// A parsed `<attr> eq "<value>"` filter; `attr` in lower case (SCIM attribute names are not case
/// sensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EqFilter {
    pub attr: String,
    pub value: String,
}

/// Parses the only filter form the simulator serves: one attribute, `eq`, one quoted value.
pub(crate) fn parse_filter(filter: &str) -> Result<EqFilter, SimError> {
    let bad = || invalid(format!("Unsupported filter {filter:?}: the simulator serves <attribute> eq \"<value>\""));
    let (attr, rest) = filter.trim().split_once(char::is_whitespace).ok_or_else(bad)?;
    let (op, value) = rest.trim_start().split_once(char::is_whitespace).ok_or_else(bad)?;
    let value = value.trim();
    if !op.eq_ignore_ascii_case("eq") || value.len() < 2 || !value.starts_with('"') || !value.ends_with('"') {
        return Err(bad());
    }
    let inner = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or_else(bad)?;
    Ok(EqFilter { attr: attr.to_ascii_lowercase(), value: inner.replace("\\\"", "\"") })
}

/// The request's `filter`, parsed, if any.
pub(crate) fn filter_of(query: &[(String, String)]) -> Result<Option<EqFilter>, SimError> {
    query.iter().find(|(k, _)| k == "filter").map(|(_, f)| parse_filter(f)).transpose()
}

/// Does the request ask for the passwordState extension (`attributes` naming it, or
/// `attributeSets=all`, repeated or comma-separated)?
pub(crate) fn wants_password_state(query: &[(String, String)]) -> bool {
    query.iter().any(|(k, v)| {
        let mut items = v.split(',').map(str::trim);
        match k.as_str() {
            "attributes" => items.any(|a| a.get(..PASSWORD_STATE.len()).is_some_and(|p| p.eq_ignore_ascii_case(PASSWORD_STATE))),
            "attributeSets" => items.any(|a| a.eq_ignore_ascii_case("all")),
            _ => false,
        }
    })
}

/// Requires `urn` among the body's `schemas` (400 otherwise; SCIM schema URNs are not case sensitive).
pub(crate) fn check_schemas(body: &Value, urn: &str) -> Result<(), SimError> {
    let listed = body
        .get("schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|x| x.as_str().is_some_and(|x| x.eq_ignore_ascii_case(urn))));
    if listed {
        Ok(())
    } else {
        Err(invalid(format!("The request body's schemas must contain {urn}")))
    }
}

/// The user a credential is created for: `user.ocid` or `user.value` (400 when neither is given).
pub(crate) fn user_ref(body: &Value) -> Result<String, SimError> {
    let user = &body["user"];
    user["ocid"]
        .as_str()
        .or_else(|| user["value"].as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| invalid("Missing required attribute: user (with value or ocid)"))
}

/// Optional string field of a body (400 when present and not a string).
pub(crate) fn opt_string<'a>(body: &'a Value, field: &str) -> Result<Option<&'a str>, SimError> {
    match body.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(format!("{field} must be a string"))),
    }
}

/// What every resource JSON of one domain shares: the domain, the tenancy and the served base URL.
pub(crate) struct Scope<'a> {
    pub domain: &'a Domain,
    pub tenancy: &'a str,
    pub base: &'a str,
}

impl Scope<'_> {
    fn meta(&self, resource_type: &str, path: &str, id: &str, created: &str) -> Value {
        json!({"resourceType": resource_type, "created": created, "lastModified": created,
            "location": format!("{}/admin/v1/{path}/{id}", self.domain.url(self.base))})
    }

    fn common(&self, schema: &str, id: &str, ocid: &str, meta: Value) -> Map<String, Value> {
        let v = json!({"schemas": [schema], "id": id, "ocid": ocid, "meta": meta, "domainOcid": self.domain.id,
            "compartmentOcid": self.tenancy, "tenancyOcid": self.tenancy});
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn user_link(&self, u: &User) -> Value {
        json!({"value": u.scim_id, "ocid": u.id, "display": u.name, "name": u.name,
            "$ref": format!("{}/admin/v1/Users/{}", self.domain.url(self.base), u.scim_id)})
    }

    /// A user, with the passwordState extension when asked for.
    pub(crate) fn user(&self, u: &User, password_state: bool) -> Value {
        let mut m = self.common(USER, &u.scim_id, &u.id, self.meta("User", "Users", &u.scim_id, &u.time_created));
        m.insert("schemas".to_owned(), json!([USER, OCI_TAGS]));
        let tags: Vec<Value> = u.freeform_tags.iter().map(|(k, v)| json!({"key": k, "value": v})).collect();
        let more = json!({"userName": u.name, "displayName": u.name, "active": true,
            "name": {"formatted": u.name, "familyName": u.name},
            "emails": [{"value": format!("{}@example.com", u.name), "type": "work", "primary": true}],
            OCI_TAGS: {"freeformTags": tags, "definedTags": []}});
        if let Value::Object(more) = more {
            m.extend(more);
        }
        if password_state {
            let state = match &u.ui_password {
                Some(p) => json!({"lastSuccessfulSetDate": p.time_created, "mustChange": false, "expired": false}),
                None => json!({"mustChange": false, "expired": false}),
            };
            m.insert(PASSWORD_STATE.to_owned(), state);
        }
        Value::Object(m)
    }

    /// An API key (no private part exists here).
    pub(crate) fn api_key(&self, u: &User, k: &ApiKey) -> Value {
        let mut m = self.common(API_KEY, &k.scim_id, &k.ocid, self.meta("ApiKey", "ApiKeys", &k.scim_id, &k.time_created));
        m.insert("user".to_owned(), self.user_link(u));
        m.insert("key".to_owned(), json!(k.public_pem));
        m.insert("fingerprint".to_owned(), json!(k.fingerprint));
        m.insert("description".to_owned(), json!(k.description));
        m.insert("status".to_owned(), json!("ACTIVE"));
        Value::Object(m)
    }

    /// A credential of a [`CredKind`], without its secret.
    pub(crate) fn cred(&self, u: &User, kind: CredKind, c: &Cred) -> Value {
        let (schema, resource, path) = match kind {
            CredKind::AuthToken => (AUTH_TOKEN, "AuthToken", "AuthTokens"),
            CredKind::CustomerSecretKey => (CUSTOMER_SECRET_KEY, "CustomerSecretKey", "CustomerSecretKeys"),
            CredKind::SmtpCredential => (SMTP_CREDENTIAL, "SmtpCredential", "SmtpCredentials"),
            CredKind::OAuth2ClientCredential => (OAUTH2_CLIENT_CREDENTIAL, "OAuth2ClientCredential", "OAuth2ClientCredentials"),
            CredKind::DbCredential => (USER_DB_CREDENTIAL, "UserDbCredential", "UserDbCredentials"),
        };
        let mut m = self.common(schema, &c.scim_id, &c.ocid, self.meta(resource, path, &c.scim_id, &c.time_created));
        m.insert("user".to_owned(), self.user_link(u));
        m.insert("status".to_owned(), json!("ACTIVE"));
        match kind {
            CredKind::AuthToken | CredKind::DbCredential => {
                m.insert("description".to_owned(), json!(c.label));
            }
            CredKind::CustomerSecretKey => {
                m.insert("displayName".to_owned(), json!(c.label));
                m.insert("description".to_owned(), json!(c.description));
                m.insert("accessKey".to_owned(), json!(c.id));
            }
            CredKind::SmtpCredential => {
                m.insert("description".to_owned(), json!(c.label));
                m.insert("userName".to_owned(), json!(c.username));
            }
            CredKind::OAuth2ClientCredential => {
                m.insert("description".to_owned(), json!(c.label));
                m.insert("name".to_owned(), json!(c.name));
                m.insert("scopes".to_owned(), c.scopes.clone().unwrap_or(Value::Null));
            }
        }
        Value::Object(m)
    }
}

/// The field of a created credential's one-time secret (none for database passwords: the caller
/// chose it).
pub(crate) fn secret_field(kind: CredKind) -> Option<&'static str> {
    match kind {
        CredKind::AuthToken => Some("token"),
        CredKind::CustomerSecretKey => Some("secretKey"),
        CredKind::SmtpCredential => Some("password"),
        CredKind::OAuth2ClientCredential => Some("secret"),
        CredKind::DbCredential => None,
    }
}
