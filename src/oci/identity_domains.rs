//! Identity domains (contract 4.2). Two halves:
//!
//! - The classic API (`20160918`) says where a domain is: `ListDomains` (does the tenancy have
//!   identity domains? which one is the Default?) and `GetDomain` (its `url`, its state). A warm
//!   process keeps what it learned ([`DomainCache`]) at most [`TENANCY_FACTS_TTL`] (10 minutes,
//!   contract 4.2); a lookup that failed (a domain that answered 404) is not kept.
//! - The domain's own REST API (SCIM, `<domain url>/admin/v1/...`), signed with the normal OCI
//!   request signature, as the SDK's `IdentityDomainsClient` does: users (found by OCID with
//!   `filter=ocid eq "..."`), their API keys, auth tokens and customer secret keys,
//!   `UserPasswordChanger`, `PasswordPolicies`, and `Me` (a user reading itself, the API-key live
//!   check). A path addresses a resource by its SCIM `id` only (`Users/{id}`,
//!   `UserPasswordChanger/{id}`, `AuthTokens/{id}`...), never by an OCID: OCIDs go in bodies
//!   (`user.ocid`) and filters.
//!
//! Wire facts and their sources: `docs/credential-kinds.md` ("Identity domains"). Every write takes
//! a [`BoundUser`], as in `oci::identity`. One-time secrets come back only from the create calls
//! and are held as [`SecretString`].

use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::time::Instant;

use super::auth::Credentials;
use super::client::{encode_segment, new_retry_token, Client, Request, Service};
use super::domain_cache::Learned;
pub use super::domain_cache::{Domain, DomainCache, TENANCY_FACTS_TTL};
use super::error::{Error, ErrorKind};
use super::paging::Paging;
use crate::proof::BoundUser;

/// The `accept` header the SDK's `IdentityDomainsClient` sends.
const SCIM_ACCEPT: &str = "application/json, application/scim+json";
/// The OCI tags extension of a domain user.
pub const OCI_TAGS: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:OCITags";
/// The password-state extension of a domain user (returned only on request).
pub const PASSWORD_STATE: &str = "urn:ietf:params:scim:schemas:oracle:idcs:extension:passwordState:User";
/// The schema of a `UserPasswordChanger` body.
pub const PASSWORD_CHANGER: &str = "urn:ietf:params:scim:schemas:oracle:idcs:UserPasswordChanger";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireDomain {
    id: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    lifecycle_state: String,
    #[serde(default, rename = "type")]
    domain_type: String,
}

/// A domain URL as the function sends to it: no trailing `/`, no default `:443` port.
pub fn normalize_url(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    match url.strip_suffix(":443") {
        Some(stripped) if url.starts_with("https://") => stripped.to_owned(),
        _ => url.to_owned(),
    }
}

/// The SCIM credential resources the function rotates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimResource {
    /// `ApiKeys`.
    ApiKeys,
    /// `AuthTokens`.
    AuthTokens,
    /// `CustomerSecretKeys`.
    CustomerSecretKeys,
    /// `SmtpCredentials`.
    SmtpCredentials,
    /// `OAuth2ClientCredentials`.
    OAuth2ClientCredentials,
    /// `UserDbCredentials`.
    UserDbCredentials,
}

impl ScimResource {
    fn path(self) -> &'static str {
        match self {
            ScimResource::ApiKeys => "ApiKeys",
            ScimResource::AuthTokens => "AuthTokens",
            ScimResource::CustomerSecretKeys => "CustomerSecretKeys",
            ScimResource::SmtpCredentials => "SmtpCredentials",
            ScimResource::OAuth2ClientCredentials => "OAuth2ClientCredentials",
            ScimResource::UserDbCredentials => "UserDbCredentials",
        }
    }

    /// The resource's schema URN, required in a create body.
    pub fn schema(self) -> &'static str {
        match self {
            ScimResource::ApiKeys => "urn:ietf:params:scim:schemas:oracle:idcs:apikey",
            ScimResource::AuthTokens => "urn:ietf:params:scim:schemas:oracle:idcs:authToken",
            ScimResource::CustomerSecretKeys => "urn:ietf:params:scim:schemas:oracle:idcs:customerSecretKey",
            ScimResource::SmtpCredentials => "urn:ietf:params:scim:schemas:oracle:idcs:smtpCredential",
            ScimResource::OAuth2ClientCredentials => "urn:ietf:params:scim:schemas:oracle:idcs:oauth2ClientCredential",
            ScimResource::UserDbCredentials => "urn:ietf:params:scim:schemas:oracle:idcs:UserDbCredentials",
        }
    }

    /// (list, create, delete) operation names, as the SDK names them.
    pub fn ops(self) -> (&'static str, &'static str, &'static str) {
        match self {
            ScimResource::ApiKeys => ("ListApiKeys (domain)", "CreateApiKey (domain)", "DeleteApiKey (domain)"),
            ScimResource::AuthTokens => ("ListAuthTokens (domain)", "CreateAuthToken (domain)", "DeleteAuthToken (domain)"),
            ScimResource::CustomerSecretKeys => {
                ("ListCustomerSecretKeys (domain)", "CreateCustomerSecretKey (domain)", "DeleteCustomerSecretKey (domain)")
            }
            ScimResource::SmtpCredentials => {
                ("ListSmtpCredentials (domain)", "CreateSmtpCredential (domain)", "DeleteSmtpCredential (domain)")
            }
            ScimResource::OAuth2ClientCredentials => {
                ("ListOAuth2ClientCredentials (domain)", "CreateOAuth2ClientCredential (domain)", "DeleteOAuth2ClientCredential (domain)")
            }
            ScimResource::UserDbCredentials => {
                ("ListUserDbCredentials (domain)", "CreateUserDbCredential (domain)", "DeleteUserDbCredential (domain)")
            }
        }
    }
}

/// A user of an identity domain.
#[derive(Debug, Clone)]
pub struct DomainUser {
    /// The user's id in the domain (SCIM `id`), which credentials reference.
    pub id: String,
    /// `active`.
    pub active: bool,
    /// The OCI tags extension's free-form tags, as a map.
    pub freeform_tags: BTreeMap<String, String>,
    /// True when the domain reports a password set (`lastSuccessfulSetDate`); only known when the
    /// password state was asked for.
    pub password_set: bool,
    /// `lastSuccessfulSetDate` (RFC 3339), when the password state was asked for and one is set.
    pub password_set_at: Option<String>,
    /// `userName`, `name.givenName` and `name.familyName`, where the domain gives them: what a
    /// password policy with `userNameDisallowed`, `firstNameDisallowed` or `lastNameDisallowed`
    /// keeps out of a password.
    pub names: UserNames,
}

/// A domain user's names, as password policies refer to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserNames {
    /// `userName`.
    pub user_name: Option<String>,
    /// `name.givenName`.
    pub first_name: Option<String>,
    /// `name.familyName`.
    pub last_name: Option<String>,
}

/// A credential of a domain user, as the domain lists it (no secret).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScimCredential {
    /// The SCIM id.
    pub id: String,
    /// The credential's OCID.
    #[serde(default)]
    pub ocid: Option<String>,
    /// API keys: the fingerprint.
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// Customer secret keys: the access key.
    #[serde(default)]
    pub access_key: Option<String>,
    /// The description (where the marker is).
    #[serde(default)]
    pub description: Option<String>,
    /// Customer secret keys: the display name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// SMTP credentials: the SMTP user name.
    #[serde(default)]
    pub user_name: Option<String>,
    /// OAuth 2.0 client credentials: the name.
    #[serde(default)]
    pub name: Option<String>,
    /// OAuth 2.0 client credentials: the scopes.
    #[serde(default)]
    pub scopes: Option<Vec<crate::secret::OAuth2Scope>>,
    /// `ACTIVE` or `INACTIVE` (often not returned: then active).
    #[serde(default)]
    pub status: Option<String>,
    /// SCIM `meta` (`created`: when the credential was made).
    #[serde(default)]
    pub meta: Option<ScimMeta>,
}

/// SCIM `meta` of a resource.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScimMeta {
    /// When the resource was created (RFC 3339).
    #[serde(default)]
    pub created: Option<String>,
}

/// A credential just created, with its one-time secret (tokens, secret keys, SMTP passwords,
/// OAuth 2.0 client secrets; none for database passwords).
pub struct ScimCreated {
    /// The credential.
    pub credential: ScimCredential,
    /// `token`, `secretKey`, `password` or `secret`: shown only now.
    pub secret: Option<SecretString>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCreated {
    #[serde(flatten)]
    credential: ScimCredential,
    #[serde(default)]
    token: Option<SecretString>,
    #[serde(default)]
    secret_key: Option<SecretString>,
    #[serde(default)]
    password: Option<SecretString>,
    #[serde(default)]
    secret: Option<SecretString>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListResponse<T> {
    #[serde(default = "Vec::new")]
    resources: Vec<T>,
}

/// A domain's password policy: what a generated password must satisfy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordPolicy {
    /// Lower is stronger precedence.
    #[serde(default)]
    pub priority: Option<i64>,
    /// Shortest length (0: none).
    #[serde(default)]
    pub min_length: Option<usize>,
    /// Longest length (0: none).
    #[serde(default)]
    pub max_length: Option<usize>,
    /// Fewest lower-case letters.
    #[serde(default)]
    pub min_lower_case: Option<usize>,
    /// Fewest upper-case letters.
    #[serde(default)]
    pub min_upper_case: Option<usize>,
    /// Fewest digits.
    #[serde(default)]
    pub min_numerals: Option<usize>,
    /// Fewest special characters.
    #[serde(default)]
    pub min_special_chars: Option<usize>,
    /// Most special characters (0: none).
    #[serde(default)]
    pub max_special_chars: Option<usize>,
    /// Characters that may not appear.
    #[serde(default)]
    pub disallowed_chars: Option<String>,
    /// Fewest letters (`minAlphas`).
    #[serde(default)]
    pub min_alphas: Option<usize>,
    /// Fewest letters and digits together (`minAlphaNumerals`).
    #[serde(default)]
    pub min_alpha_numerals: Option<usize>,
    /// Fewest distinct characters (`minUniqueChars`).
    #[serde(default)]
    pub min_unique_chars: Option<usize>,
    /// Longest run of one character (`maxRepeatedChars`; 0: none).
    #[serde(default)]
    pub max_repeated_chars: Option<usize>,
    /// The first character must be a letter (`startsWithAlphabet`).
    #[serde(default)]
    pub starts_with_alphabet: Option<bool>,
    /// The characters that may appear (`allowedChars`); the function reads its special characters.
    #[serde(default)]
    pub allowed_chars: Option<String>,
    /// Strings that may not appear (`disallowedSubstrings`).
    #[serde(default)]
    pub disallowed_substrings: Option<Vec<String>>,
    /// The user's `userName` may not appear (`userNameDisallowed`).
    #[serde(default)]
    pub user_name_disallowed: Option<bool>,
    /// The user's first name may not appear (`firstNameDisallowed`).
    #[serde(default)]
    pub first_name_disallowed: Option<bool>,
    /// The user's last name may not appear (`lastNameDisallowed`).
    #[serde(default)]
    pub last_name_disallowed: Option<bool>,
}

impl PasswordPolicy {
    /// True when the policy keeps one of the user's names out of a password.
    pub fn disallows_names(&self) -> bool {
        [self.user_name_disallowed, self.first_name_disallowed, self.last_name_disallowed].contains(&Some(true))
    }
}

fn scim_request(op: &'static str, base: &str, method: Method, path: String) -> Request {
    let mut req = Request::new(op, Service::Identity, method, path);
    req.base_url = Some(base.to_owned());
    req.accept = SCIM_ACCEPT;
    req
}

impl Client {
    /// ListDomains of the tenancy, every page (a tenancy has a handful).
    pub async fn list_domains(&self) -> Result<Vec<Domain>, Error> {
        let tenancy = self.tenancy()?;
        // A tenancy has a handful: no `limit`, at most 20 pages.
        let paging = Paging { limit: None, max_pages: 20, stop_at_empty_page: false, ..Paging::all(0) };
        let wire: Vec<WireDomain> = self
            .pages(paging, || {
                let mut req = Request::new("ListDomains", Service::IdentityHome, Method::GET, "/20160918/domains".to_owned());
                req.query.push(("compartmentId", tenancy.clone()));
                req
            })
            .await?;
        Ok(wire.into_iter().map(|d| self.domain_from_wire(d)).collect())
    }

    /// The tenancy's identity domains, kept at most [`TENANCY_FACTS_TTL`] by a warm process (a
    /// failed listing is not kept). Empty: a tenancy without identity domains, where the classic
    /// API manages every user.
    pub async fn identity_domains(&self) -> Result<Arc<Vec<Domain>>, Error> {
        let mut listed = self.domain_cache().listed.lock().await;
        if let Some(domains) = listed.as_ref().and_then(|l| l.fresh(Instant::now())) {
            return Ok(domains);
        }
        let domains = Arc::new(self.list_domains().await?);
        *listed = Some(Learned { value: domains.clone(), at: Instant::now() });
        Ok(domains)
    }

    /// GetDomain, kept at most [`TENANCY_FACTS_TTL`] per domain. A domain that does not exist is
    /// OCI's 404, which is not kept: the next lookup asks again.
    pub async fn domain(&self, domain_id: &str) -> Result<Domain, Error> {
        if let Some(d) = self.domain_cache().domain_at(domain_id, Instant::now()) {
            return Ok(d);
        }
        let req = Request::new("GetDomain", Service::IdentityHome, Method::GET, format!("/20160918/domains/{}", encode_segment(domain_id)));
        let wire: WireDomain = self.send(req).await?.json("GetDomain")?;
        let domain = self.domain_from_wire(wire);
        self.domain_cache().keep_domain_at(domain_id, domain.clone(), Instant::now());
        Ok(domain)
    }

    fn domain_from_wire(&self, d: WireDomain) -> Domain {
        let url = self.endpoints().identity_domain.clone().unwrap_or_else(|| normalize_url(&d.url));
        Domain { id: d.id, url, lifecycle_state: d.lifecycle_state, domain_type: d.domain_type }
    }

    /// A user of the domain at `base`, found by OCID in a filter
    /// (`GET /admin/v1/Users?filter=ocid eq "<ocid>"`: a path takes the SCIM id only), with the
    /// password state when `password_state` (asked with `attributeSets=all`). Not listed: a 404
    /// (`NotFound`), as a read by id of a user not in this domain answers.
    pub async fn domain_user(&self, base: &str, user_ocid: &str, password_state: bool) -> Result<DomainUser, Error> {
        const OP: &str = "ListUsers (domain)";
        let mut req = scim_request(OP, base, Method::GET, "/admin/v1/Users".to_owned());
        req.query.push(("filter", format!("ocid eq \"{user_ocid}\"")));
        if password_state {
            req.query.push(("attributeSets", "all".to_owned()));
        }
        let resp = self.send(req).await?;
        let request_id = resp.opc_request_id.clone();
        let wire: ListResponse<Value> = resp.json(OP)?;
        let v = wire.resources.into_iter().find(|u| u["ocid"].as_str() == Some(user_ocid)).ok_or_else(|| {
            let message = format!("the identity domain lists no user {user_ocid}");
            Error::new(OP, ErrorKind::Service { status: 404, code: "NotFound".to_owned(), message }, request_id)
        })?;
        let id =
            v["id"].as_str().map(str::to_owned).ok_or_else(|| Error::new(OP, ErrorKind::Decode("the user has no id".to_owned()), None))?;
        self.domain_cache().keep_user_id_at(base, user_ocid, id.clone(), Instant::now());
        let freeform_tags = v[OCI_TAGS]["freeformTags"]
            .as_array()
            .map(|tags| {
                tags.iter()
                    .filter_map(|t| Some((t["key"].as_str()?.to_owned(), t["value"].as_str().unwrap_or_default().to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        Ok(DomainUser {
            id,
            active: v["active"].as_bool().unwrap_or(true),
            freeform_tags,
            password_set: v[PASSWORD_STATE]["lastSuccessfulSetDate"].is_string(),
            password_set_at: v[PASSWORD_STATE]["lastSuccessfulSetDate"].as_str().map(str::to_owned),
            names: UserNames {
                user_name: v["userName"].as_str().map(str::to_owned),
                first_name: v["name"]["givenName"].as_str().map(str::to_owned),
                last_name: v["name"]["familyName"].as_str().map(str::to_owned),
            },
        })
    }

    /// Replaces the domain user's free-form tags (its OCI tags extension) with `tags`: a SCIM
    /// PatchOp `replace` on `urn:...:OCITags:freeformTags` at `Users/{id}`, `user_scim_id` being
    /// [`DomainUser::id`] (an administrator's call: `enroll`).
    pub async fn patch_domain_user_tags(&self, base: &str, user_scim_id: &str, tags: &BTreeMap<String, String>) -> Result<(), Error> {
        let value: Vec<Value> = tags.iter().map(|(k, v)| json!({"key": k, "value": v})).collect();
        let body = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": format!("{OCI_TAGS}:freeformTags"), "value": value}]});
        let req = scim_request("PatchUser (domain)", base, Method::PATCH, format!("/admin/v1/Users/{}", encode_segment(user_scim_id)))
            .json(&body);
        self.send(req).await.map(drop)
    }

    /// The user's SCIM id in the domain at `base`, kept at most [`TENANCY_FACTS_TTL`]. Not in the
    /// domain: 404 (not kept).
    pub async fn domain_user_id(&self, base: &str, user_ocid: &str) -> Result<String, Error> {
        if let Some(id) = self.domain_cache().user_id_at(base, user_ocid, Instant::now()) {
            return Ok(id);
        }
        Ok(self.domain_user(base, user_ocid, false).await?.id)
    }

    /// The user's credentials of `resource` (`filter=user.value eq "<id>"`).
    pub async fn list_domain_credentials(&self, base: &str, resource: ScimResource, user_id: &str) -> Result<Vec<ScimCredential>, Error> {
        let (list, _, _) = resource.ops();
        let mut req = scim_request(list, base, Method::GET, format!("/admin/v1/{}", resource.path()));
        req.query.push(("filter", format!("user.value eq \"{user_id}\"")));
        req.query.push(("count", "1000".to_owned()));
        let wire: ListResponse<ScimCredential> = self.send(req).await?.json(list)?;
        Ok(wire.resources)
    }

    /// Creates a credential of `resource` for the user (domain id `user_id`), with one
    /// `opc-retry-token` for this logical create. `fields` are the resource's own (`key`,
    /// `description`, `displayName`).
    pub async fn create_domain_credential(
        &self,
        base: &str,
        resource: ScimResource,
        user: &BoundUser,
        user_id: &str,
        fields: Value,
    ) -> Result<ScimCreated, Error> {
        let (_, create, _) = resource.ops();
        let mut body = json!({"schemas": [resource.schema()], "user": {"value": user_id, "ocid": user.user_id()}});
        if let (Some(b), Value::Object(extra)) = (body.as_object_mut(), fields) {
            b.extend(extra);
        }
        // A database password may be in the body: serialise it into wiped bytes, wipe the JSON.
        let mut req = scim_request(create, base, Method::POST, format!("/admin/v1/{}", resource.path()));
        req.body = Some(zeroize::Zeroizing::new(serde_json::to_vec(&body).unwrap_or_default()));
        crate::secret::wipe(&mut body);
        req.retry_token = Some(new_retry_token());
        let wire: WireCreated = self.send(req).await?.json(create)?;
        Ok(ScimCreated { credential: wire.credential, secret: wire.token.or(wire.secret_key).or(wire.password).or(wire.secret) })
    }

    /// Deletes a credential by its SCIM id (`DELETE /admin/v1/<resource>/{id}`). Already gone counts
    /// as deleted.
    pub async fn delete_domain_credential(&self, base: &str, resource: ScimResource, _user: &BoundUser, id: &str) -> Result<(), Error> {
        let (_, _, delete) = resource.ops();
        let req = scim_request(delete, base, Method::DELETE, format!("/admin/v1/{}/{}", resource.path(), encode_segment(id)));
        match self.send(req).await {
            Err(e) if e.is_not_found() => Ok(()),
            other => other.map(drop),
        }
    }

    /// Sets the user's password (`PUT /admin/v1/UserPasswordChanger/{id}`, `user_scim_id` being the
    /// user's SCIM id as the domain lists it, never its OCID), with no e-mail to the user
    /// (`bypassNotification`). The value is known to the caller: the domain returns none.
    pub async fn set_domain_password(
        &self,
        base: &str,
        _user: &BoundUser,
        user_scim_id: &str,
        password: &SecretString,
    ) -> Result<(), Error> {
        let body = json!({"schemas": [PASSWORD_CHANGER], "password": password.expose_secret(), "bypassNotification": true});
        let mut req = scim_request(
            "PutUserPasswordChanger (domain)",
            base,
            Method::PUT,
            format!("/admin/v1/UserPasswordChanger/{}", encode_segment(user_scim_id)),
        )
        .json(&body);
        req.retry_token = Some(new_retry_token());
        self.send(req).await.map(drop)
    }

    /// The domain's password policies.
    pub async fn domain_password_policies(&self, base: &str) -> Result<Vec<PasswordPolicy>, Error> {
        let req = scim_request("ListPasswordPolicies (domain)", base, Method::GET, "/admin/v1/PasswordPolicies".to_owned());
        let wire: ListResponse<PasswordPolicy> = self.send(req).await?.json("ListPasswordPolicies (domain)")?;
        Ok(wire.resources)
    }

    /// `GET /admin/v1/Me` signed with `creds` (an API key of the user), once: the API-key live
    /// check of a domain user.
    pub async fn domain_me_signed_with(&self, base: &str, creds: Arc<Credentials>) -> Result<(), Error> {
        let mut req = scim_request("GetMe (domain)", base, Method::GET, "/admin/v1/Me".to_owned());
        req.sign_with = Some(creds);
        req.retry = false;
        self.send(req).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_url_loses_its_default_port_and_trailing_slash() {
        assert_eq!(normalize_url("https://idcs-abc.identity.oraclecloud.com:443"), "https://idcs-abc.identity.oraclecloud.com");
        assert_eq!(normalize_url("https://idcs-abc.identity.oraclecloud.com:443/"), "https://idcs-abc.identity.oraclecloud.com");
        assert_eq!(normalize_url("https://idcs-abc.identity.oraclecloud.com"), "https://idcs-abc.identity.oraclecloud.com");
        assert_eq!(normalize_url("http://127.0.0.1:443/idcs-x/"), "http://127.0.0.1:443/idcs-x");
        assert_eq!(normalize_url("https://idcs-abc.identity.oraclecloud.com:8443"), "https://idcs-abc.identity.oraclecloud.com:8443");
    }

    #[test]
    fn a_list_response_without_resources_is_empty() {
        let wire: ListResponse<ScimCredential> =
            serde_json::from_str(r#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0}"#).unwrap();
        assert!(wire.resources.is_empty());
    }
}
