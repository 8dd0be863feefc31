//! Where a user's credentials live (contract 4.2): the classic IAM API (`20160918`) for users of
//! the Default domain (a secret without `domainId`), or the REST API of the user's identity domain.
//! The adapters list, create and delete credentials through a [`Directory`] and never learn which
//! API answered; only this file knows the two apart. The engine knows neither.
//!
//! A domain is found with `GetDomain` (not found: 404, not `ACTIVE`: 409) and the user's SCIM id in
//! it with `GET /admin/v1/Users?filter=ocid eq "<ocid>"` (not in the domain: 404), both before any
//! write of any kind (contract 4.2); a warm process keeps both at most 10 minutes, and never a 404
//! (`oci::domain_cache::DomainCache`).

use std::sync::Arc;

use secrecy::SecretString;

use super::{Error, Target};
use crate::binding::{BoundUser, UserStore};
use crate::oci::auth::Credentials;
pub use crate::oci::family::Family;
use crate::oci::family::NewCredential;
use crate::oci::identity::DatedCredential;
use crate::oci::identity_domains::ScimCredential;
use crate::secret::OAuth2Scope;

/// What a new credential is made of: `oci::family`'s (only the fields its family's body names
/// are read).
pub type New<'a> = NewCredential<'a>;

/// A credential as the directory lists it (no secret).
#[derive(Debug, Clone)]
pub struct Listed {
    /// What a secret version holds: fingerprint, token OCID, access key.
    pub id: String,
    /// What deleting it takes (the same as `id` on the classic API; the SCIM id in a domain).
    pub handle: String,
    /// Its description / display name (where the `oci-rotator <secretId>` marker is).
    pub label: Option<String>,
    /// True when it is usable (`ACTIVE`).
    pub active: bool,
    /// The user name IAM issued with it, for the families that issue one.
    pub username: Option<String>,
    /// OAuth 2.0 client credentials: the scopes.
    pub scopes: Option<Vec<OAuth2Scope>>,
}

impl Listed {
    /// A credential as the classic API lists it: its id is its handle.
    fn classic(c: DatedCredential) -> Listed {
        Listed {
            handle: c.id.clone(),
            id: c.id,
            label: c.description,
            active: c.lifecycle_state == "ACTIVE",
            username: c.username,
            scopes: c.scopes,
        }
    }

    /// A credential of `family` as a domain lists it: the id a version holds (the SCIM id when
    /// the domain did not list it), the SCIM id as handle.
    fn domain(family: Family, c: ScimCredential) -> Listed {
        Listed {
            id: c.credential_id(family).unwrap_or(&c.id).to_owned(),
            handle: c.id,
            label: c.description.or(c.display_name),
            active: c.status.as_deref().is_none_or(|s| s == "ACTIVE"),
            username: c.user_name,
            scopes: c.scopes,
        }
    }
}

/// A credential just created.
pub struct Created {
    /// What a secret version holds (see [`Listed::id`]).
    pub id: String,
    /// The one-time secret IAM issued; None for API keys and database passwords.
    pub secret: Option<SecretString>,
    /// The user name IAM issued with it, for the families that issue one.
    pub username: Option<String>,
}

/// The API that manages the user's credentials.
#[derive(Debug, Clone)]
pub enum Directory {
    /// The classic IAM API (Default domain).
    Classic,
    /// An identity domain's REST API.
    Domain {
        /// The domain's base URL.
        base: String,
        /// The user's id in the domain.
        user_id: String,
    },
}

impl Directory {
    /// The directory of the secret's user: classic without `domainId`; else the domain, found and
    /// checked (404 for a domain or user that does not exist, 409 for a domain not `ACTIVE`).
    pub async fn of(t: &Target<'_>) -> Result<Directory, Error> {
        let Some(domain_id) = t.config.domain_id.as_deref() else { return Ok(Directory::Classic) };
        let base = domain_base(t, domain_id).await?;
        let user_id = match t.client.domain_user_id(&base, &t.config.user_id).await {
            Ok(id) => id,
            Err(e) if e.is_not_found() => return Err(Error::UserNotFound(format!("{} (identity domain {domain_id})", t.config.user_id))),
            Err(e) => return Err(e.into()),
        };
        Ok(Directory::Domain { base, user_id })
    }

    /// Where the binding tag of the user is read.
    pub fn user_store(&self) -> UserStore<'_> {
        match self {
            Directory::Classic => UserStore::Classic,
            Directory::Domain { base, .. } => UserStore::Domain(base),
        }
    }

    /// The user's credentials of `family`.
    pub async fn list(&self, t: &Target<'_>, family: Family) -> Result<Vec<Listed>, Error> {
        let user = &t.config.user_id;
        let not_found = |e: crate::oci::Error| if e.is_not_found() { Error::UserNotFound(user.clone()) } else { e.into() };
        Ok(match self {
            Directory::Classic => {
                t.client.list_credentials(family, user).await.map_err(not_found)?.into_iter().map(Listed::classic).collect()
            }
            Directory::Domain { base, user_id } => t
                .client
                .list_domain_credentials(base, family, user_id)
                .await
                .map_err(not_found)?
                .into_iter()
                .map(|c| Listed::domain(family, c))
                .collect(),
        })
    }

    /// Creates a credential of `family` labelled `label` (API keys: uploads `public_pem`), with one
    /// `opc-retry-token` for this logical create.
    pub async fn create(
        &self,
        t: &Target<'_>,
        user: &BoundUser,
        family: Family,
        label: &str,
        public_pem: Option<&str>,
    ) -> Result<Created, crate::oci::Error> {
        self.create_with(t, user, family, &New { label, public_pem, ..New::default() }).await
    }

    /// Creates a credential of `family` from `new`, with one `opc-retry-token` for this logical
    /// create.
    pub async fn create_with(&self, t: &Target<'_>, user: &BoundUser, family: Family, new: &New<'_>) -> Result<Created, crate::oci::Error> {
        match self {
            Directory::Classic => {
                let created = t.client.create_credential(family, user, new).await?;
                Ok(Created { id: created.id, secret: created.secret, username: created.username })
            }
            Directory::Domain { base, user_id } => {
                let created = t.client.create_domain_credential(base, family, user, user_id, new).await?;
                let c = created.credential;
                let id = c.credential_id(family).unwrap_or(&c.id).to_owned();
                Ok(Created { id, secret: created.secret, username: c.user_name })
            }
        }
    }

    /// Deletes the credential `handle` ([`Listed::handle`]). Already gone counts as deleted.
    pub async fn delete(&self, t: &Target<'_>, user: &BoundUser, family: Family, handle: &str) -> Result<(), crate::oci::Error> {
        match self {
            Directory::Classic => t.client.delete_credential(family, user, handle).await,
            Directory::Domain { base, .. } => t.client.delete_domain_credential(base, family, user, handle).await,
        }
    }

    /// Deletes the credential a version holds (`id`): on the classic API its id is its handle; in
    /// a domain the listing maps it to the SCIM id (gone already: nothing to do).
    pub async fn delete_by_id(&self, t: &Target<'_>, user: &BoundUser, family: Family, id: &str) -> Result<(), Error> {
        match self {
            Directory::Classic => Ok(self.delete(t, user, family, id).await?),
            Directory::Domain { .. } => {
                for listed in self.list(t, family).await?.into_iter().filter(|l| l.id == id) {
                    self.delete(t, user, family, &listed.handle).await?;
                }
                Ok(())
            }
        }
    }

    /// True when IAM accepts a request signed with `creds` (an API key of the user): GetUser on
    /// the classic API, `GET /admin/v1/Me` in a domain. 401: not (yet) accepted. In a domain a 403
    /// is live too (contract 4.2): the signature was accepted, the user only lacks rights to `/Me`.
    pub async fn accepts_key(&self, t: &Target<'_>, creds: Arc<Credentials>) -> Result<bool, Error> {
        let answer = match self {
            Directory::Classic => t.client.get_user_signed_with(&t.config.user_id, creds).await.map(drop),
            Directory::Domain { base, .. } => t.client.domain_me_signed_with(base, creds).await,
        };
        match answer {
            Ok(()) => Ok(true),
            Err(e) if e.status() == Some(401) => Ok(false),
            Err(e) if e.status() == Some(403) && matches!(self, Directory::Domain { .. }) => {
                tracing::debug!("the domain answered 403 to /Me signed with the key: the signature was accepted, so the key is live");
                Ok(true)
            }
            Err(e) if e.is_not_found() => Err(Error::UserNotFound(t.config.user_id.clone())),
            Err(e) => Err(e.into()),
        }
    }
}

/// The base URL of an identity domain that exists and is `ACTIVE`.
pub async fn domain_base(t: &Target<'_>, domain_id: &str) -> Result<String, Error> {
    let domain = match t.client.domain(domain_id).await {
        Ok(d) => d,
        Err(e) if e.is_not_found() => return Err(Error::DomainNotFound(domain_id.to_owned())),
        Err(e) => return Err(e.into()),
    };
    if domain.lifecycle_state != "ACTIVE" {
        return Err(Error::Conflict(format!(
            "identity domain {domain_id} is {}, not ACTIVE: its users' credentials cannot be rotated now; nothing was changed",
            domain.lifecycle_state
        )));
    }
    Ok(domain.url)
}
