//! Identity (`20160918`): the user and their credentials (API keys, auth tokens, customer secret
//! keys, SMTP credentials, OAuth 2.0 client credentials, database passwords, console password). Every call goes to the tenancy's home region, where IAM writes must
//! go and where reads agree with them.
//!
//! Every write (upload, create, reset, delete of a credential) takes a [`BoundUser`]: the proof
//! that the user names the secret being rotated (contract 4.1), which only `crate::binding` makes.
//!
//! One-time secrets (`token`, `key`, `password`) come back only from the create call; they are
//! held as [`SecretString`] and never printed. A database password goes the other way: the caller
//! chooses it and IAM never returns it.

use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::Method;
use secrecy::{ExposeSecret as _, SecretString};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use super::auth::Credentials;
use super::client::{encode_segment, new_retry_token, Client, Request, Service};
use super::error::Error;
use super::paging::Paging;
use crate::proof::BoundUser;
use crate::secret::OAuth2Scope;

/// An IAM user.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The user OCID.
    pub id: String,
    /// `ACTIVE`, `INACTIVE`...
    #[serde(default)]
    pub lifecycle_state: String,
    /// Free-form tags (`freeformTags`): where the user names the secrets that may rotate its
    /// credentials (contract 4.1, `crate::binding`).
    #[serde(default)]
    pub freeform_tags: BTreeMap<String, String>,
}

/// An API signing key of a user.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    /// The key's fingerprint.
    pub fingerprint: String,
    /// `CREATING`, `ACTIVE`, `INACTIVE`, `DELETING`, `DELETED`.
    #[serde(default)]
    pub lifecycle_state: String,
}

/// A credential with an IAM id and a label as IAM lists it (no secret): auth tokens, customer
/// secret keys, SMTP credentials, OAuth 2.0 client credentials, database passwords.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialSummary {
    /// The credential id (for customer secret keys: the access key).
    pub id: String,
    /// Customer secret keys: `displayName`; the others: `description`.
    #[serde(default, alias = "displayName")]
    pub description: Option<String>,
    /// `CREATING`, `ACTIVE`...
    #[serde(default)]
    pub lifecycle_state: String,
    /// SMTP credentials: the SMTP user name IAM issued.
    #[serde(default)]
    pub username: Option<String>,
    /// OAuth 2.0 client credentials: the scopes.
    #[serde(default)]
    pub scopes: Option<Vec<OAuth2Scope>>,
}

/// A credential just created, with its one-time secret.
pub struct CreatedCredential {
    /// The credential id (OCID, or the customer secret key's access key).
    pub id: String,
    /// The secret IAM shows only now (None for database passwords: the caller chose it).
    pub secret: Option<SecretString>,
    /// SMTP credentials: the user name IAM issued with it.
    pub username: Option<String>,
}

/// What a new credential is made of, besides its family.
pub struct NewCredential<'a> {
    /// The label (description / display name) carrying the `oci-rotator <secretId>` marker.
    pub label: &'a str,
    /// OAuth 2.0 client credentials: `name`.
    pub name: Option<&'a str>,
    /// OAuth 2.0 client credentials: `scopes`.
    pub scopes: Option<&'a [OAuth2Scope]>,
    /// Database passwords: the password the caller chose.
    pub password: Option<&'a SecretString>,
}

#[derive(Deserialize)]
struct WireCreated {
    id: String,
    #[serde(alias = "key", alias = "password")]
    token: Option<SecretString>,
    #[serde(default)]
    username: Option<String>,
}

#[derive(Deserialize)]
struct WireUiPassword {
    password: Option<SecretString>,
}

/// Which per-user credential family a call is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialFamily {
    /// `/users/{id}/authTokens`, body field `description`.
    AuthToken,
    /// `/users/{id}/customerSecretKeys`, body field `displayName`.
    CustomerSecretKey,
    /// `/users/{id}/smtpCredentials`, body field `description`; the create response adds
    /// `username` and `password`.
    SmtpCredential,
    /// `/users/{id}/oauth2ClientCredentials`, body `name`, `description`, `scopes`; the create
    /// response adds `password`. The list is paged.
    OAuth2ClientCredential,
    /// `/users/{id}/dbCredentials`, body `password`, `description`; nothing secret comes back. The
    /// list is paged.
    DbCredential,
}

impl CredentialFamily {
    fn path(self) -> &'static str {
        match self {
            CredentialFamily::AuthToken => "authTokens",
            CredentialFamily::CustomerSecretKey => "customerSecretKeys",
            CredentialFamily::SmtpCredential => "smtpCredentials",
            CredentialFamily::OAuth2ClientCredential => "oauth2ClientCredentials",
            CredentialFamily::DbCredential => "dbCredentials",
        }
    }

    /// (list, create, delete) operation names, as the SDK names them.
    pub fn ops(self) -> (&'static str, &'static str, &'static str) {
        match self {
            CredentialFamily::AuthToken => ("ListAuthTokens", "CreateAuthToken", "DeleteAuthToken"),
            CredentialFamily::CustomerSecretKey => ("ListCustomerSecretKeys", "CreateCustomerSecretKey", "DeleteCustomerSecretKey"),
            CredentialFamily::SmtpCredential => ("ListSmtpCredentials", "CreateSmtpCredential", "DeleteSmtpCredential"),
            CredentialFamily::OAuth2ClientCredential => {
                ("ListOAuthClientCredentials", "CreateOAuthClientCredential", "DeleteOAuthClientCredential")
            }
            CredentialFamily::DbCredential => ("ListDbCredentials", "CreateDbCredential", "DeleteDbCredential"),
        }
    }

    /// True when IAM pages the list (`page`, `limit`, `opc-next-page`).
    fn paged(self) -> bool {
        matches!(self, CredentialFamily::OAuth2ClientCredential | CredentialFamily::DbCredential)
    }

    /// The create body.
    fn create_body(self, new: &NewCredential<'_>) -> serde_json::Value {
        match self {
            CredentialFamily::AuthToken | CredentialFamily::SmtpCredential => json!({"description": new.label}),
            CredentialFamily::CustomerSecretKey => json!({"displayName": new.label}),
            CredentialFamily::OAuth2ClientCredential => {
                json!({"name": new.name.unwrap_or("oci-rotator"), "description": new.label, "scopes": new.scopes.unwrap_or_default()})
            }
            CredentialFamily::DbCredential => {
                json!({"password": new.password.map(|p| p.expose_secret()).unwrap_or_default(), "description": new.label})
            }
        }
    }
}

/// Most pages read from a paged credential list (IAM's limits keep a user's list to one page).
const MAX_PAGES: usize = 20;

/// One page, without `limit`: the unpaged lists, and the dated listings of `status`.
const ONE_PAGE: Paging = Paging { limit: None, limit_to_missing: false, max_items: usize::MAX, max_pages: 1, stop_at_empty_page: true };

fn user_path(user_id: &str) -> String {
    format!("/20160918/users/{}", encode_segment(user_id))
}

impl Client {
    /// GetUser with the function's principal.
    pub async fn get_user(&self, user_id: &str) -> Result<User, Error> {
        self.get_user_as(user_id, None).await
    }

    /// GetUser (the one place it is built), signed with `creds` when given instead of the
    /// function's principal.
    async fn get_user_as(&self, user_id: &str, creds: Option<Arc<Credentials>>) -> Result<User, Error> {
        let mut req = Request::new("GetUser", Service::IdentityHome, Method::GET, user_path(user_id));
        req.sign_with = creds;
        self.send(req).await?.json("GetUser")
    }

    /// UpdateUser with `freeformTags` only: replaces the user's whole set of free-form tags (an
    /// administrator's call: `enroll` binds a user to its secret, contract 4.1).
    pub async fn update_user_freeform_tags(&self, user_id: &str, tags: &BTreeMap<String, String>) -> Result<User, Error> {
        let req = Request::new("UpdateUser", Service::IdentityHome, Method::PUT, user_path(user_id)).json(&json!({"freeformTags": tags}));
        self.send(req).await?.json("UpdateUser")
    }

    /// GetUser signed with `creds` (an API key of that user), once, without retrying a 401:
    /// the API-key live check.
    pub async fn get_user_signed_with(&self, user_id: &str, creds: Arc<Credentials>) -> Result<User, Error> {
        self.get_user_as(user_id, Some(creds)).await
    }

    /// ListApiKeys.
    pub async fn list_api_keys(&self, user_id: &str) -> Result<Vec<ApiKey>, Error> {
        self.list_api_keys_as(user_id).await
    }

    /// ListApiKeys, each entry read as `T` (the one place it is built).
    async fn list_api_keys_as<T: DeserializeOwned>(&self, user_id: &str) -> Result<Vec<T>, Error> {
        let req = Request::new("ListApiKeys", Service::IdentityHome, Method::GET, format!("{}/apiKeys", user_path(user_id)));
        self.send(req).await?.json("ListApiKeys")
    }

    /// UploadApiKey, with one `opc-retry-token` for this logical upload.
    pub async fn upload_api_key(&self, user: &BoundUser, public_pem: &str) -> Result<ApiKey, Error> {
        let user_id = user.user_id();
        let mut req = Request::new("UploadApiKey", Service::IdentityHome, Method::POST, format!("{}/apiKeys", user_path(user_id)))
            .json(&json!({"key": public_pem}));
        req.retry_token = Some(new_retry_token());
        self.send(req).await?.json("UploadApiKey")
    }

    /// DeleteApiKey. A key that is already gone counts as deleted.
    pub async fn delete_api_key(&self, user: &BoundUser, fingerprint: &str) -> Result<(), Error> {
        let user_id = user.user_id();
        let req = Request::new(
            "DeleteApiKey",
            Service::IdentityHome,
            Method::DELETE,
            format!("{}/apiKeys/{}", user_path(user_id), encode_segment(fingerprint)),
        );
        ignore_not_found(self.send(req).await.map(drop))
    }

    /// ListAuthTokens / ListCustomerSecretKeys / ListSmtpCredentials / ListOAuthClientCredentials /
    /// ListDbCredentials; the paged ones are followed through `opc-next-page`.
    pub async fn list_credentials(&self, family: CredentialFamily, user_id: &str) -> Result<Vec<CredentialSummary>, Error> {
        // The unpaged lists answer one array: no `limit`, one page.
        let paging = match family.paged() {
            true => Paging { max_pages: MAX_PAGES, stop_at_empty_page: false, ..Paging::all(100) },
            false => ONE_PAGE,
        };
        self.list_credentials_as(family, user_id, paging).await
    }

    /// ListAuthTokens / ListCustomerSecretKeys / ListSmtpCredentials / ListOAuthClientCredentials /
    /// ListDbCredentials, each entry read as `T` (the one place they are built).
    async fn list_credentials_as<T: DeserializeOwned>(
        &self,
        family: CredentialFamily,
        user_id: &str,
        paging: Paging,
    ) -> Result<Vec<T>, Error> {
        let (list, _, _) = family.ops();
        self.pages(paging, || Request::new(list, Service::IdentityHome, Method::GET, format!("{}/{}", user_path(user_id), family.path())))
            .await
    }

    /// Creates a credential of `family` with one `opc-retry-token` for this logical create, reused
    /// by the client's retries, so a lost response does not create a second one.
    pub async fn create_credential(
        &self,
        family: CredentialFamily,
        user: &BoundUser,
        new: &NewCredential<'_>,
    ) -> Result<CreatedCredential, Error> {
        let user_id = user.user_id();
        let (_, create, _) = family.ops();
        // A database password is in the body: serialise it into wiped bytes and wipe the JSON too.
        let mut json = family.create_body(new);
        let body = zeroize::Zeroizing::new(serde_json::to_vec(&json).unwrap_or_default());
        crate::secret::wipe(&mut json);
        let mut req = Request::new(create, Service::IdentityHome, Method::POST, format!("{}/{}", user_path(user_id), family.path()));
        req.body = Some(body);
        req.retry_token = Some(new_retry_token());
        let resp = self.send(req).await?;
        let wire: WireCreated = resp.json(create)?;
        if wire.token.is_none() && family != CredentialFamily::DbCredential {
            return Err(Error::new(
                create,
                super::error::ErrorKind::Decode("the response holds no secret".to_owned()),
                resp.opc_request_id.clone(),
            ));
        }
        Ok(CreatedCredential { id: wire.id, secret: wire.token, username: wire.username })
    }

    /// Deletes a credential of `family` (DeleteAuthToken, DeleteSmtpCredential...). Already gone
    /// counts as deleted.
    pub async fn delete_credential(&self, family: CredentialFamily, user: &BoundUser, id: &str) -> Result<(), Error> {
        let user_id = user.user_id();
        let (_, _, delete) = family.ops();
        let req = Request::new(
            delete,
            Service::IdentityHome,
            Method::DELETE,
            format!("{}/{}/{}", user_path(user_id), family.path(), encode_segment(id)),
        );
        ignore_not_found(self.send(req).await.map(drop))
    }

    /// CreateOrResetUIPassword (no body; still body-signed). Returns IAM's one-time password, if
    /// IAM returned one (identity-domain tenancies send an e-mail instead).
    pub async fn create_or_reset_ui_password(&self, user: &BoundUser) -> Result<Option<SecretString>, Error> {
        let user_id = user.user_id();
        let mut req =
            Request::new("CreateOrResetUIPassword", Service::IdentityHome, Method::POST, format!("{}/uiPassword", user_path(user_id)));
        req.body = Some(zeroize::Zeroizing::new(Vec::new()));
        req.retry_token = Some(new_retry_token());
        let wire: WireUiPassword = self.send(req).await?.json("CreateOrResetUIPassword")?;
        Ok(wire.password)
    }

    /// CreateOrResetUIPassword whose one-time password nobody keeps (the unmanaged reset of a
    /// Cloud Guard finding): the response body is never parsed and is wiped when dropped, so the
    /// password is never a string. `retry_token` is the caller's (derived from the event, so a
    /// replayed event within IAM's retry-token window does not reset twice). Returns the
    /// `opc-request-id`.
    pub async fn reset_ui_password_discarding(&self, user: &BoundUser, retry_token: &str) -> Result<Option<String>, Error> {
        let mut req = Request::new(
            "CreateOrResetUIPassword",
            Service::IdentityHome,
            Method::POST,
            format!("{}/uiPassword", user_path(user.user_id())),
        );
        req.body = Some(zeroize::Zeroizing::new(Vec::new()));
        req.retry_token = Some(retry_token.to_owned());
        let resp = self.send(req).await?;
        Ok(resp.opc_request_id.clone())
    }

    /// GetUserUIPasswordInformation. `Ok(None)` when the user has no console password.
    pub async fn get_ui_password_information(&self, user_id: &str) -> Result<Option<String>, Error> {
        let info: Option<serde_json::Value> = self.ui_password_information_as(user_id).await?;
        Ok(info.map(|v| v["lifecycleState"].as_str().unwrap_or("ACTIVE").to_owned()))
    }

    /// GetUserUIPasswordInformation read as `T` (the one place it is built); `Ok(None)` when the
    /// user has no console password (404).
    async fn ui_password_information_as<T: DeserializeOwned>(&self, user_id: &str) -> Result<Option<T>, Error> {
        let req =
            Request::new("GetUserUIPasswordInformation", Service::IdentityHome, Method::GET, format!("{}/uiPassword", user_path(user_id)));
        match self.send(req).await {
            Ok(resp) => resp.json("GetUserUIPasswordInformation").map(Some),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn ignore_not_found(r: Result<(), Error>) -> Result<(), Error> {
    match r {
        Err(e) if e.is_not_found() => Ok(()),
        other => other,
    }
}

/// A credential IAM lists for a user (no secret), with its creation time.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatedCredential {
    /// What a secret version holds: the fingerprint (API keys), the OCID (auth tokens), the access
    /// key (customer secret keys); empty for the console password.
    #[serde(default, alias = "fingerprint")]
    pub id: String,
    /// Auth tokens: `description`; customer secret keys: `displayName` (where the
    /// `oci-rotator <secretId>` marker is).
    #[serde(default, alias = "displayName")]
    pub description: Option<String>,
    /// When it was created (RFC 3339).
    #[serde(default)]
    pub time_created: Option<String>,
    /// `ACTIVE`, `INACTIVE`...
    #[serde(default)]
    pub lifecycle_state: String,
}

/// Listings with `timeCreated`, for the fleet view (`oci-rotator status`).
impl Client {
    /// ListApiKeys, with `timeCreated` (id: the fingerprint).
    pub async fn dated_api_keys(&self, user_id: &str) -> Result<Vec<DatedCredential>, Error> {
        self.list_api_keys_as(user_id).await
    }

    /// ListAuthTokens / ListCustomerSecretKeys / ListSmtpCredentials / ListOAuthClientCredentials /
    /// ListDbCredentials, with `timeCreated`: one page without `limit` (a user holds at most 10
    /// OAuth 2.0 credentials or 2 of the others, far below one page).
    pub async fn dated_credentials(&self, family: CredentialFamily, user_id: &str) -> Result<Vec<DatedCredential>, Error> {
        self.list_credentials_as(family, user_id, ONE_PAGE).await
    }

    /// GetUserUIPasswordInformation, with `timeCreated`; `Ok(None)` when the user has no console
    /// password (404).
    pub async fn dated_ui_password(&self, user_id: &str) -> Result<Option<DatedCredential>, Error> {
        self.ui_password_information_as(user_id).await
    }
}
