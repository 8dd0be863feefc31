//! The shared shape of the credentials whose secret exists only at creation: the kinds whose
//! secret IAM makes and shows only in the create response, and database passwords (the function
//! makes it, IAM never shows it). Each has an IAM id, a per-user limit, and a label (description / display
//! name) carrying the marker `oci-rotator <secretId>`, which tells us which ones we created.
//!
//! CREATE_PENDING_VERSION creates the credential and writes it into the new PENDING version,
//! after deleting what the secret manages that is neither CURRENT nor PENDING; UPDATE only waits
//! for IAM to list it ACTIVE. The kind files (`auth_token.rs` ...) make their [`Spec`] from the
//! kind table's row (`crate::kinds`: family, fields, limit, who makes the secret) and call these.

use std::collections::HashSet;
use std::time::Duration;

use secrecy::SecretString;

use super::directory::{Directory, Family, Listed, New};
use super::{held_by_other_versions, wait_until, Error, NewPending, Target, TargetAdapter, Version};
use crate::binding::BoundUser;
use crate::kinds::{self, SecretMaker};
use crate::passwords::{self, Rules};
use crate::secret::{CredentialKind, OAuth2Scope, SecretContent};

/// How long to wait for IAM to list a new credential as ACTIVE (bounded by the deadline too).
const PROPAGATION_WAIT: Duration = Duration::from_secs(60);

/// Who makes the new secret.
pub(super) enum Maker {
    /// IAM, in the create response.
    Iam,
    /// The function, to these rules (database passwords); IAM stores it and never returns it.
    Function(fn() -> Rules),
}

/// What differs between the kinds: the kind table's row, with the rules of a password the function
/// makes and the words for messages.
pub(super) struct Spec {
    /// The credential family.
    pub family: Family,
    /// Content field holding the credential id.
    pub id_field: &'static str,
    /// Content field holding the secret.
    pub secret_field: &'static str,
    /// Content field holding the user name IAM issues with each credential, if any.
    pub username_field: Option<&'static str>,
    /// Who makes the secret.
    pub maker: Maker,
    /// IAM's per-user limit where Oracle documents one (checked before any write); `None`: none is
    /// documented (OAuth 2.0 client credentials, database passwords), IAM's own answer decides.
    pub limit: Option<usize>,
    /// Words for messages ("auth token", "auth tokens").
    pub one: &'static str,
    /// Plural.
    pub many: &'static str,
    /// The content fields the function owns.
    pub owned: &'static [&'static str],
}

impl Spec {
    /// The spec of `kind` from its row in the kind table; `maker` must agree with the row (a
    /// compile-time check: the specs are constants).
    pub(super) const fn of(kind: CredentialKind, maker: Maker, one: &'static str, many: &'static str) -> Spec {
        let row = kinds::spec(kind);
        let Some(family) = row.family else { panic!("an IAM-secret kind has a family") };
        let agree = matches!((&maker, row.secret_maker), (Maker::Iam, SecretMaker::Iam) | (Maker::Function(_), SecretMaker::Function));
        assert!(agree, "the maker agrees with the kind table");
        Spec {
            family,
            id_field: row.content_fields[0],
            secret_field: row.secret_field,
            username_field: row.username_field,
            maker,
            limit: row.limit,
            one,
            many,
            owned: row.owned_fields,
        }
    }

    pub(super) fn owned_fields(&self) -> Vec<&'static str> {
        self.owned.to_vec()
    }

    pub(super) fn credential_id(&self, content: &SecretContent) -> Result<String, Error> {
        let id = content.str_field(self.id_field).filter(|s| !s.trim().is_empty());
        let secret = content.str_field(self.secret_field).filter(|s| !s.is_empty());
        match (id, secret) {
            (Some(id), Some(_)) => Ok(id.to_owned()),
            (None, _) => Err(Error::InvalidContent(format!("the content has no {} (a string)", self.id_field))),
            (Some(_), None) => Err(Error::InvalidContent(format!("the content has no {} (a string)", self.secret_field))),
        }
    }

    pub(super) async fn is_live(&self, t: &Target<'_>, id: &str) -> Result<bool, Error> {
        let listed = Directory::of(t).await?.list(t, self.family).await?;
        Ok(listed.iter().any(|c| c.id == id && c.active))
    }

    /// Deletes what this secret manages apart from CURRENT (orphans, superseded ones), checks the
    /// limit, creates the new credential and returns the PENDING content holding it.
    pub(super) async fn new_pending<A: TargetAdapter>(&self, adapter: &A, t: &Target<'_>, current: &Version) -> Result<NewPending, Error> {
        let marker = t.marker();
        let dir = Directory::of(t).await?;
        let listed = dir.list(t, self.family).await?;
        let marked: HashSet<String> =
            listed.iter().filter(|c| c.label.as_deref().is_some_and(|d| d.starts_with(&marker))).map(|c| c.id.clone()).collect();
        let unknown: Vec<String> =
            listed.iter().map(|c| c.id.clone()).filter(|id| *id != current.credential_id && !marked.contains(id)).collect();
        let held = held_by_other_versions(adapter, t, &unknown, &[current.number]).await?;
        let to_delete: Vec<&Listed> =
            listed.iter().filter(|c| c.id != current.credential_id && (marked.contains(&c.id) || held.contains(&c.id))).collect();
        // What holds IAM's limit besides CURRENT and what is deleted below: id and label, no secret.
        let blockers: Vec<String> = listed
            .iter()
            .filter(|c| c.id != current.credential_id && !to_delete.iter().any(|d| d.id == c.id))
            .map(|c| super::blocker(&c.id, c.label.as_deref()))
            .collect();
        if let Some(limit) = self.limit.filter(|limit| listed.len() - to_delete.len() >= *limit) {
            return Err(Error::LimitHeld { limit, what: self.many, blockers });
        }
        // Everything that can refuse without a write is decided before the first write.
        let scopes = self.scopes(t, &listed, current)?;
        let chosen = match &self.maker {
            Maker::Iam => None,
            Maker::Function(rules) => Some(passwords::generate(&rules()).map_err(|e| Error::Conflict(format!("{}: {e}", self.one)))?),
        };
        let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let name = format!("oci-rotator-{}", since_epoch.as_secs());
        let new = New { label: &marker, name: Some(&name), scopes: scopes.as_deref(), password: chosen.as_ref(), ..New::default() };
        // The first IAM write of the step: the user must name the secret (contract 4.1).
        let bound = t.bind().await?;
        for c in to_delete {
            tracing::info!(credential_id = %c.id, "deleting a {} this secret no longer references", self.one);
            dir.delete(t, &bound, self.family, &c.handle).await?;
        }
        let created = match dir.create_with(t, &bound, self.family, &new).await {
            Ok(c) => c,
            Err(e) if is_limit_answer(&e) => return Err(self.limit_error(blockers)),
            Err(e) => return Err(e.into()),
        };
        let secret = match (created.secret, chosen) {
            (_, Some(chosen)) => chosen,
            (Some(issued), None) => issued,
            (None, None) => return Err(Error::Conflict(format!("IAM created {} {} but returned no secret", self.one, created.id))),
        };
        tracing::info!(credential_id = %created.id, "created a new {}", self.one);
        let mut fields = vec![(self.id_field, SecretString::from(created.id.clone())), (self.secret_field, secret)];
        if let Some(field) = self.username_field {
            let username = created
                .username
                .ok_or_else(|| Error::Conflict(format!("IAM created {} {} but returned no user name", self.one, created.id)))?;
            fields.push((field, SecretString::from(username)));
        }
        let content = current.content.next_version(&self.owned_fields(), fields);
        Ok(NewPending::Content(content, created.id))
    }

    /// The 409 for IAM's own limit answer to a create.
    pub(super) fn limit_error(&self, blockers: Vec<String>) -> Error {
        match self.limit {
            Some(limit) => Error::LimitHeld { limit, what: self.many, blockers },
            None => Error::LimitRefused { one: self.one, many: self.many, blockers },
        }
    }

    /// OAuth 2.0 client credentials: the scopes of the new credential, from `metadata.scopes`, else
    /// copied from the CURRENT credential as IAM lists it (not listed: 409 naming it). Other
    /// kinds: none.
    fn scopes(&self, t: &Target<'_>, listed: &[Listed], current: &Version) -> Result<Option<Vec<OAuth2Scope>>, Error> {
        if self.family != Family::OAuth2ClientCredential {
            return Ok(None);
        }
        if let Some(scopes) = &t.config.scopes {
            return Ok(Some(scopes.clone()));
        }
        match listed.iter().find(|c| c.id == current.credential_id).and_then(|c| c.scopes.clone()) {
            Some(scopes) if !scopes.is_empty() => Ok(Some(scopes)),
            _ => Err(Error::Conflict(format!(
                "the CURRENT OAuth 2.0 client credential {} is not listed by IAM (or has no scopes), so its scopes cannot be copied; set metadata.scopes on the secret; nothing was changed",
                current.credential_id
            ))),
        }
    }

    pub(super) async fn apply_pending(&self, t: &Target<'_>, pending: &Version) -> Result<String, Error> {
        let live = wait_until(t.client, PROPAGATION_WAIT, || self.is_live(t, &pending.credential_id)).await?;
        if !live {
            return Err(Error::Conflict(format!(
                "the PENDING {} {} is not ACTIVE in IAM (deleted outside the rotation?); delete the PENDING version's credential and run CREATE_PENDING_VERSION again",
                self.one, pending.credential_id
            )));
        }
        Ok(format!("{} {} is ACTIVE for {}", self.one, pending.credential_id, t.config.user_id))
    }

    pub(super) async fn retire(&self, t: &Target<'_>, user: &BoundUser, old: &Version) -> Result<(), Error> {
        Directory::of(t).await?.delete_by_id(t, user, self.family, &old.credential_id).await
    }
}

/// True when IAM refused a create for the user's limit: `LimitExceeded`, the classic API's code
/// (and the `messageId` the simulator's identity domains answer; what a real domain answers is
/// unconfirmed, see `docs/credential-kinds.md`).
pub(super) fn is_limit_answer(e: &crate::oci::Error) -> bool {
    e.code() == Some("LimitExceeded")
}

/// Implements [`TargetAdapter`] for a kind described by a [`Spec`]: the kind files are a few lines
/// of configuration each.
macro_rules! iam_secret_adapter {
    ($adapter:ident, $kind:expr, $spec:expr) => {
        impl $crate::adapters::TargetAdapter for $adapter {
            const KIND: $crate::secret::CredentialKind = $kind;

            fn credential_id(
                &self,
                _t: &$crate::adapters::Target<'_>,
                content: &$crate::secret::SecretContent,
            ) -> Result<String, $crate::adapters::Error> {
                $spec.credential_id(content)
            }

            async fn is_live(
                &self,
                t: &$crate::adapters::Target<'_>,
                version: &$crate::adapters::Version,
            ) -> Result<bool, $crate::adapters::Error> {
                $spec.is_live(t, &version.credential_id).await
            }

            async fn new_pending(
                &self,
                t: &$crate::adapters::Target<'_>,
                current: &$crate::adapters::Version,
            ) -> Result<$crate::adapters::NewPending, $crate::adapters::Error> {
                $spec.new_pending(self, t, current).await
            }

            async fn apply_pending(
                &self,
                t: &$crate::adapters::Target<'_>,
                _current: &$crate::adapters::Version,
                pending: &$crate::adapters::Version,
            ) -> Result<String, $crate::adapters::Error> {
                $spec.apply_pending(t, pending).await
            }

            async fn retire(
                &self,
                t: &$crate::adapters::Target<'_>,
                user: &$crate::binding::BoundUser,
                old: &$crate::adapters::Version,
            ) -> Result<(), $crate::adapters::Error> {
                $spec.retire(t, user, old).await
            }
        }
    };
}

pub(super) use iam_secret_adapter;
