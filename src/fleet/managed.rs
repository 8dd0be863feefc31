//! "The managed secrets of a compartment", computed once for `status` ([`super::collect`]), mass
//! rotation ([`super::rotate`]) and Cloud Guard ([`crate::cloud_guard`]).
//!
//! 1. The compartments: it, and with `subtree` every ACTIVE compartment under it
//!    (ListCompartments, `oci::compartments`).
//! 2. Their secrets: ListSecrets (every page), those on their way out ([`LEAVING`]) left aside.
//! 3. Per secret, GetSecret: ListSecrets' `SecretSummary` carries no `metadata`, so telling a
//!    managed secret, one whose metadata has `credentialType` (contract 5), takes one GetSecret
//!    per secret.
//!
//! [`managed_secrets`] does the three; mass rotation streams them itself ([`compartments`],
//! [`listed`], then [`read`] per secret as it rotates) so that a cancelled run reads no more.

use super::{run_all, CollectError, Progress, ReadError};
use crate::oci::vault::{Secret, SecretFilter, SecretSummary};
use crate::oci::{Client, Error};

/// Lifecycle states of secrets on their way out: not part of the fleet.
pub const LEAVING: [&str; 4] = ["DELETING", "DELETED", "SCHEDULING_DELETION", "PENDING_DELETION"];

/// A secret whose metadata has `credentialType`, as GetSecret answered it.
#[derive(Debug, Clone)]
pub struct ManagedSecret {
    /// The secret (GetSecret).
    pub secret: Secret,
    /// `metadata.credentialType` as written (its JSON text when it is not a string).
    pub kind: String,
}

/// The managed secrets of a compartment (and its subtree).
#[derive(Debug, Clone, Default)]
pub struct ManagedSecrets {
    /// Every compartment looked at.
    pub compartments: Vec<String>,
    /// Secrets listed (managed or not), those on their way out left aside.
    pub listed: usize,
    /// The managed ones, in the order they were read.
    pub managed: Vec<ManagedSecret>,
    /// Listed secrets GetSecret could not read.
    pub unreadable: Vec<ReadError>,
}

/// Every compartment to look at: `root`, and with `subtree` every ACTIVE compartment under it.
pub async fn compartments(client: &Client, root: &str, subtree: bool) -> Result<Vec<String>, CollectError> {
    let unreadable = |source| CollectError::Compartment { compartment: root.to_owned(), source };
    if subtree {
        client.compartment_subtree(root).await.map_err(unreadable)
    } else {
        Ok(vec![root.to_owned()])
    }
}

/// The secrets of `compartments` not on their way out: ListSecrets of each, `n` at a time.
pub async fn listed<P: FnMut(Progress) + ?Sized>(
    client: &Client,
    compartments: &[String],
    n: usize,
    progress: &mut P,
) -> Result<Vec<SecretSummary>, CollectError> {
    let lists = run_all(compartments.to_vec(), n, "compartments", progress, |c| async move {
        client.list_secrets(&c, SecretFilter::default()).await.map_err(|source| CollectError::Compartment { compartment: c, source })
    })
    .await;
    let mut all = Vec::new();
    for list in lists {
        all.extend(list?.into_iter().filter(|s| !LEAVING.contains(&s.lifecycle_state.as_str())));
    }
    Ok(all)
}

/// The ids of the secrets of `compartment` (and, with `subtree`, of every compartment under it)
/// that a command can act on now, ACTIVE or UPDATING: what `pause`, `resume` and `preflight` go
/// through, reading each secret (GetSecret) themselves. The OCI error of the compartment that
/// could not be listed, when one could not.
pub async fn actionable_ids(client: &Client, compartment: &str, subtree: bool) -> Result<Vec<String>, Error> {
    let compartments = if subtree { client.compartment_subtree(compartment).await? } else { vec![compartment.to_owned()] };
    let mut ids = Vec::new();
    for c in &compartments {
        let secrets = client.list_secrets(c, SecretFilter::default()).await?;
        ids.extend(secrets.into_iter().filter(|s| matches!(s.lifecycle_state.as_str(), "ACTIVE" | "UPDATING")).map(|s| s.id));
    }
    Ok(ids)
}

/// GetSecret of one listed secret: `Some` when it is managed.
pub async fn read(client: &Client, secret_id: &str) -> Result<Option<ManagedSecret>, Error> {
    let secret = client.get_secret(secret_id).await?.secret;
    let Some(kind) = secret.metadata.as_ref().and_then(|m| m.get("credentialType")) else { return Ok(None) };
    let kind = kind.as_str().map_or_else(|| kind.to_string(), str::to_owned);
    Ok(Some(ManagedSecret { secret, kind }))
}

/// The managed secrets of `compartment` (and, with `subtree`, of every compartment under it),
/// `n` calls at a time. Fails only when a compartment (or its secrets) cannot be listed; a
/// secret that cannot be read is in [`ManagedSecrets::unreadable`].
pub async fn managed_secrets(
    client: &Client,
    compartment: &str,
    subtree: bool,
    n: usize,
    progress: &mut dyn FnMut(Progress),
) -> Result<ManagedSecrets, CollectError> {
    let compartments = compartments(client, compartment, subtree).await?;
    let ids: Vec<String> = listed(client, &compartments, n, progress).await?.into_iter().map(|s| s.id).collect();
    let mut out = ManagedSecrets { compartments, listed: ids.len(), ..ManagedSecrets::default() };
    let reads = run_all(ids, n, "secrets", progress, |id| async move {
        read(client, &id).await.map_err(|e| ReadError { resource: id.clone(), message: e.to_string() })
    })
    .await;
    for r in reads {
        match r {
            Ok(Some(m)) => out.managed.push(m),
            Ok(None) => {}
            Err(e) => out.unreadable.push(e),
        }
    }
    Ok(out)
}
