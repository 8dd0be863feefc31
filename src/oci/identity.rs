//! Identity (`20160918`): the user and their credentials (API keys, auth tokens, customer secret
//! keys, console password). Every call goes to the tenancy's home region, where IAM writes must
//! go and where reads agree with them.
//!
//! Every write (upload, create, reset, delete of a credential) takes a [`BoundUser`]: the proof
//! that the user names the secret being rotated (contract 4.1), which only `crate::binding` makes.
//!
//! One-time secrets (`token`, `key`, `password`) come back only from the create call; they are
//! held as [`SecretString`] and never printed.

use std::collections::BTreeMap;
use std::sync::Arc;

use reqwest::Method;
use secrecy::SecretString;
use serde::Deserialize;
use serde_json::json;

use super::auth::Credentials;
use super::client::{encode_segment, new_retry_token, Client, Request, Service};
use super::error::Error;
use crate::binding::BoundUser;

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

/// An auth token or customer secret key as IAM lists it (no secret).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialSummary {
    /// The credential id (for customer secret keys: the access key).
    pub id: String,
    /// Auth tokens: `description`; customer secret keys: `displayName`.
    #[serde(default, alias = "displayName")]
    pub description: Option<String>,
    /// `CREATING`, `ACTIVE`...
    #[serde(default)]
    pub lifecycle_state: String,
}

/// A credential just created, with its one-time secret.
pub struct CreatedCredential {
    /// The credential id (auth token OCID, or the customer secret key's access key).
    pub id: String,
    /// The secret IAM shows only now.
    pub secret: SecretString,
}

#[derive(Deserialize)]
struct WireCreated {
    id: String,
    #[serde(alias = "key")]
    token: Option<SecretString>,
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
}

impl CredentialFamily {
    fn path(self) -> &'static str {
        match self {
            CredentialFamily::AuthToken => "authTokens",
            CredentialFamily::CustomerSecretKey => "customerSecretKeys",
        }
    }

    fn ops(self) -> (&'static str, &'static str, &'static str) {
        match self {
            CredentialFamily::AuthToken => ("ListAuthTokens", "CreateAuthToken", "DeleteAuthToken"),
            CredentialFamily::CustomerSecretKey => ("ListCustomerSecretKeys", "CreateCustomerSecretKey", "DeleteCustomerSecretKey"),
        }
    }
}

fn user_path(user_id: &str) -> String {
    format!("/20160918/users/{}", encode_segment(user_id))
}

impl Client {
    /// GetUser with the function's principal.
    pub async fn get_user(&self, user_id: &str) -> Result<User, Error> {
        let req = Request::new("GetUser", Service::IdentityHome, Method::GET, user_path(user_id));
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
        let mut req = Request::new("GetUser", Service::IdentityHome, Method::GET, user_path(user_id));
        req.sign_with = Some(creds);
        self.send(req).await?.json("GetUser")
    }

    /// ListApiKeys.
    pub async fn list_api_keys(&self, user_id: &str) -> Result<Vec<ApiKey>, Error> {
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

    /// ListAuthTokens / ListCustomerSecretKeys.
    pub async fn list_credentials(&self, family: CredentialFamily, user_id: &str) -> Result<Vec<CredentialSummary>, Error> {
        let (list, _, _) = family.ops();
        let req = Request::new(list, Service::IdentityHome, Method::GET, format!("{}/{}", user_path(user_id), family.path()));
        self.send(req).await?.json(list)
    }

    /// CreateAuthToken / CreateCustomerSecretKey with one `opc-retry-token` for this logical
    /// create, reused by the client's retries, so a lost response does not create a second one.
    pub async fn create_credential(&self, family: CredentialFamily, user: &BoundUser, label: &str) -> Result<CreatedCredential, Error> {
        let user_id = user.user_id();
        let (_, create, _) = family.ops();
        let body = match family {
            CredentialFamily::AuthToken => json!({"description": label}),
            CredentialFamily::CustomerSecretKey => json!({"displayName": label}),
        };
        let mut req =
            Request::new(create, Service::IdentityHome, Method::POST, format!("{}/{}", user_path(user_id), family.path())).json(&body);
        req.retry_token = Some(new_retry_token());
        let resp = self.send(req).await?;
        let wire: WireCreated = resp.json(create)?;
        let secret = wire.token.ok_or_else(|| {
            Error::new(create, super::error::ErrorKind::Decode("the response holds no secret".to_owned()), resp.opc_request_id.clone())
        })?;
        Ok(CreatedCredential { id: wire.id, secret })
    }

    /// DeleteAuthToken / DeleteCustomerSecretKey. Already gone counts as deleted.
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
        let req =
            Request::new("GetUserUIPasswordInformation", Service::IdentityHome, Method::GET, format!("{}/uiPassword", user_path(user_id)));
        match self.send(req).await {
            Ok(resp) => {
                let v: serde_json::Value = resp.json("GetUserUIPasswordInformation")?;
                Ok(Some(v["lifecycleState"].as_str().unwrap_or("ACTIVE").to_owned()))
            }
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
