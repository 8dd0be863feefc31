//! Read-only listings for the fleet view (`oci-rotator status`): compartments, every secret of a
//! compartment whatever its state, a secret with its rotation fields, the newest versions with
//! their `timeCreated`, and a user's credentials with their `timeCreated`. Nothing here writes.
//!
//! Paging follows the SDKs: ListCompartments, ListSecrets and ListSecretVersions take `limit` and
//! `page` and answer `opc-next-page`; ListApiKeys, ListAuthTokens and ListCustomerSecretKeys take
//! no paging parameters (a user holds at most a few of each) and answer one array.

use reqwest::Method;
use serde::Deserialize;

use super::client::{encode_segment, Client, Request, Service};
use super::error::Error;
use super::identity::CredentialFamily;
use super::paging::Paging;

/// Items asked for per page of a paged list.
const PAGE: usize = 100;

/// One entry of ListSecrets (`SecretSummary`; it carries no metadata).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedSecret {
    /// The secret OCID.
    pub id: String,
    /// `ACTIVE`, `UPDATING`, `PENDING_DELETION`...
    #[serde(default)]
    pub lifecycle_state: String,
}

/// A secret as GetSecret answers it, with the fields the fleet view reads.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretDetails {
    /// The secret OCID.
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub secret_name: String,
    /// Its compartment.
    #[serde(default)]
    pub compartment_id: String,
    /// `ACTIVE`, `UPDATING`, `FAILED`...
    #[serde(default)]
    pub lifecycle_state: String,
    /// The CURRENT version number.
    #[serde(default)]
    pub current_version_number: Option<u64>,
    /// Free-form metadata (`credentialType`, `userId`...).
    #[serde(default)]
    pub metadata: Option<serde_json::Value>,
    /// `rotationInterval`, `isScheduledRotationEnabled`, `targetSystemDetails`.
    #[serde(default)]
    pub rotation_config: Option<serde_json::Value>,
    /// `IN_PROGRESS`, `SCHEDULED`, `NOT_ENABLED`, `CANCELLING`.
    #[serde(default)]
    pub rotation_status: Option<String>,
    /// When the secret was last rotated successfully (RFC 3339).
    #[serde(default)]
    pub last_rotation_time: Option<String>,
    /// When the next scheduled rotation falls due (RFC 3339).
    #[serde(default)]
    pub next_rotation_time: Option<String>,
    /// The secret's freeform tags (`oci-rotator-last-outcome`, the function's record of its last
    /// failure or success).
    #[serde(default)]
    pub freeform_tags: Option<std::collections::BTreeMap<String, String>>,
}

/// One entry of ListSecretVersions with its creation time.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatedVersion {
    /// The version number.
    pub version_number: u64,
    /// Its stages.
    #[serde(default)]
    pub stages: Vec<String>,
    /// When it was created (RFC 3339).
    #[serde(default)]
    pub time_created: Option<String>,
}

impl DatedVersion {
    /// True when the version carries `stage`.
    pub fn has_stage(&self, stage: &str) -> bool {
        self.stages.iter().any(|s| s == stage)
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

fn user_path(user_id: &str) -> String {
    format!("/20160918/users/{}", encode_segment(user_id))
}

impl Client {
    /// ListSecrets of a compartment, every page, whatever their lifecycle state.
    pub async fn list_all_secrets(&self, compartment_id: &str) -> Result<Vec<ListedSecret>, Error> {
        self.pages(Paging::all(PAGE), || {
            let mut req = Request::new("ListSecrets", Service::Vault, Method::GET, "/20180608/secrets".to_owned());
            req.query = vec![("compartmentId", compartment_id.to_owned())];
            req
        })
        .await
    }

    /// GetSecret, with the rotation fields.
    pub async fn secret_details(&self, secret_id: &str) -> Result<SecretDetails, Error> {
        let req = Request::new("GetSecret", Service::Vault, Method::GET, format!("/20180608/secrets/{}", encode_segment(secret_id)));
        self.send(req).await?.json("GetSecret")
    }

    /// The `max` newest versions (one page of ListSecretVersions, newest first).
    pub async fn newest_versions(&self, secret_id: &str, max: usize) -> Result<Vec<DatedVersion>, Error> {
        let mut req = Request::new(
            "ListSecretVersions",
            Service::Vault,
            Method::GET,
            format!("/20180608/secrets/{}/versions", encode_segment(secret_id)),
        );
        req.query =
            vec![("limit", max.clamp(1, 100).to_string()), ("sortBy", "VERSION_NUMBER".to_owned()), ("sortOrder", "DESC".to_owned())];
        self.send(req).await?.json("ListSecretVersions")
    }

    /// GetSecretVersion (`/version/{n}`, singular): one version's stages and `timeCreated`.
    pub async fn dated_version(&self, secret_id: &str, number: u64) -> Result<DatedVersion, Error> {
        let req = Request::new(
            "GetSecretVersion",
            Service::Vault,
            Method::GET,
            format!("/20180608/secrets/{}/version/{number}", encode_segment(secret_id)),
        );
        self.send(req).await?.json("GetSecretVersion")
    }

    /// ListApiKeys, with `timeCreated` (id: the fingerprint).
    pub async fn dated_api_keys(&self, user_id: &str) -> Result<Vec<DatedCredential>, Error> {
        let req = Request::new("ListApiKeys", Service::IdentityHome, Method::GET, format!("{}/apiKeys", user_path(user_id)));
        self.send(req).await?.json("ListApiKeys")
    }

    /// ListAuthTokens / ListCustomerSecretKeys / ListSmtpCredentials / ListOAuthClientCredentials /
    /// ListDbCredentials, with `timeCreated`.
    pub async fn dated_credentials(&self, family: CredentialFamily, user_id: &str) -> Result<Vec<DatedCredential>, Error> {
        let (operation, path) = match family {
            CredentialFamily::AuthToken => ("ListAuthTokens", "authTokens"),
            CredentialFamily::CustomerSecretKey => ("ListCustomerSecretKeys", "customerSecretKeys"),
            CredentialFamily::SmtpCredential => ("ListSmtpCredentials", "smtpCredentials"),
            // Paged lists: a user holds at most 10 (OAuth 2.0) or 2, far below one page.
            CredentialFamily::OAuth2ClientCredential => ("ListOAuthClientCredentials", "oauth2ClientCredentials"),
            CredentialFamily::DbCredential => ("ListDbCredentials", "dbCredentials"),
        };
        let req = Request::new(operation, Service::IdentityHome, Method::GET, format!("{}/{path}", user_path(user_id)));
        self.send(req).await?.json(operation)
    }

    /// GetUserUIPasswordInformation, with `timeCreated`; `Ok(None)` when the user has no console
    /// password (404).
    pub async fn dated_ui_password(&self, user_id: &str) -> Result<Option<DatedCredential>, Error> {
        let req =
            Request::new("GetUserUIPasswordInformation", Service::IdentityHome, Method::GET, format!("{}/uiPassword", user_path(user_id)));
        match self.send(req).await {
            Ok(resp) => resp.json("GetUserUIPasswordInformation").map(Some),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }
}
