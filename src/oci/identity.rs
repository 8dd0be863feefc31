//! Identity (`20160918`): the user and their credentials (every family of `oci::family`, whose
//! paths and operation names this file reads, and the console password). Every call goes to the
//! tenancy's home region, where IAM writes must go and where reads agree with them.
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
use secrecy::SecretString;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use super::auth::Credentials;
use super::client::{encode_segment, new_retry_token, Client, Request, Service};
use super::error::Error;
pub use super::family::{Family, NewCredential};
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

#[derive(Deserialize)]
struct WireCreated {
    /// The credential id (API keys: the fingerprint).
    #[serde(alias = "fingerprint")]
    id: String,
    #[serde(alias = "key", alias = "password")]
    token: Option<SecretString>,
    #[serde(default)]
    username: Option<String>,
}

/// A credential just created, with its one-time secret.
pub struct CreatedCredential {
    /// The credential id (the API key's fingerprint, an OCID, or the customer secret key's access
    /// key).
    pub id: String,
    /// The secret IAM shows only now (None for API keys and database passwords: the caller made
    /// it).
    pub secret: Option<SecretString>,
    /// The user name IAM issued with it, for the families that issue one.
    pub username: Option<String>,
}

#[derive(Deserialize)]
struct WireUiPassword {
    password: Option<SecretString>,
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

    /// ListApiKeys / ListAuthTokens / ListCustomerSecretKeys / ... (the family's list): the
    /// families IAM pages are followed through `opc-next-page`; the others answer one array.
    pub async fn list_credentials(&self, family: Family, user_id: &str) -> Result<Vec<DatedCredential>, Error> {
        let paging = match family.classic().paged {
            true => Paging { max_pages: MAX_PAGES, stop_at_empty_page: false, ..Paging::all(100) },
            false => ONE_PAGE,
        };
        self.list_credentials_paged(family, user_id, paging).await
    }

    /// The family's list, one page without `limit`, for the fleet view (`oci-rotator status`): a
    /// user holds at most 10 OAuth 2.0 credentials or 2 or 3 of the others, far below one page.
    pub async fn list_credentials_first_page(&self, family: Family, user_id: &str) -> Result<Vec<DatedCredential>, Error> {
        self.list_credentials_paged(family, user_id, ONE_PAGE).await
    }

    /// The family's list (the one place it is built).
    async fn list_credentials_paged(&self, family: Family, user_id: &str, paging: Paging) -> Result<Vec<DatedCredential>, Error> {
        let classic = family.classic();
        let (list, _, _) = classic.ops;
        self.pages(paging, || Request::new(list, Service::IdentityHome, Method::GET, format!("{}/{}", user_path(user_id), classic.path)))
            .await
    }

    /// Creates a credential of `family` (UploadApiKey, CreateAuthToken...) with one
    /// `opc-retry-token` for this logical create, reused by the client's retries, so a lost
    /// response does not create a second one.
    pub async fn create_credential(&self, family: Family, user: &BoundUser, new: &NewCredential<'_>) -> Result<CreatedCredential, Error> {
        let user_id = user.user_id();
        let classic = family.classic();
        let (_, create, _) = classic.ops;
        // A database password is in the body: serialise it into wiped bytes and wipe the JSON too.
        let mut json = serde_json::Value::Object(new.body(classic.body));
        let body = zeroize::Zeroizing::new(serde_json::to_vec(&json).unwrap_or_default());
        crate::secret::wipe(&mut json);
        let mut req = Request::new(create, Service::IdentityHome, Method::POST, format!("{}/{}", user_path(user_id), classic.path));
        req.body = Some(body);
        req.retry_token = Some(new_retry_token());
        let resp = self.send(req).await?;
        let wire: WireCreated = resp.json(create)?;
        if wire.token.is_none() && family.wire().returns_secret {
            return Err(Error::new(
                create,
                super::error::ErrorKind::Decode("the response holds no secret".to_owned()),
                resp.opc_request_id.clone(),
            ));
        }
        Ok(CreatedCredential { id: wire.id, secret: wire.token, username: wire.username })
    }

    /// Deletes a credential of `family` (DeleteApiKey, DeleteAuthToken...) by its id (API keys:
    /// the fingerprint). Already gone counts as deleted.
    pub async fn delete_credential(&self, family: Family, user: &BoundUser, id: &str) -> Result<(), Error> {
        let user_id = user.user_id();
        let classic = family.classic();
        let (_, _, delete) = classic.ops;
        let req = Request::new(
            delete,
            Service::IdentityHome,
            Method::DELETE,
            format!("{}/{}/{}", user_path(user_id), classic.path, encode_segment(id)),
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

/// A credential IAM lists for a user (no secret): the one response type of the family lists
/// (ListApiKeys, ListAuthTokens...) and of GetUserUIPasswordInformation.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatedCredential {
    /// What a secret version holds: the fingerprint (API keys), the OCID, the access key
    /// (customer secret keys); empty for the console password.
    #[serde(default, alias = "fingerprint")]
    pub id: String,
    /// `description`, or `displayName` (customer secret keys): where the `oci-rotator <secretId>`
    /// marker is.
    #[serde(default, alias = "displayName")]
    pub description: Option<String>,
    /// When it was created (RFC 3339).
    #[serde(default)]
    pub time_created: Option<String>,
    /// `ACTIVE`, `INACTIVE`...
    #[serde(default)]
    pub lifecycle_state: String,
    /// The user name IAM issued with it, for the families that issue one.
    #[serde(default)]
    pub username: Option<String>,
    /// OAuth 2.0 client credentials: the scopes.
    #[serde(default)]
    pub scopes: Option<Vec<OAuth2Scope>>,
}

impl Client {
    /// GetUserUIPasswordInformation, with `timeCreated`; `Ok(None)` when the user has no console
    /// password (404).
    pub async fn dated_ui_password(&self, user_id: &str) -> Result<Option<DatedCredential>, Error> {
        self.ui_password_information_as(user_id).await
    }
}
