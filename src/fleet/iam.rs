//! The IAM side of the fleet view: what a user holds of each credential kind (its family's
//! listing, from the kind table; the console password's information), and which of those
//! credentials the user's secrets manage.
//!
//! A credential is *managed* when the CURRENT, PREVIOUS or PENDING version of one of the user's
//! secrets of that kind holds it, or when its label carries the marker `oci-rotator <secretId>` of
//! one of those secrets (the function labels every token and secret key it creates: those of a
//! PENDING or PREVIOUS version are recognised without reading a bundle). Reads are bounded per
//! secret: the CURRENT bundle always (it names the credential, and tells when IAM no longer holds
//! it), the PREVIOUS bundle only while the user holds credentials still unexplained, the PENDING
//! bundle only then and only when a PENDING version exists. A console password is one per user
//! and has no id: it is managed when a CONSOLE_PASSWORD secret names the user (no bundle read).

use std::collections::{BTreeMap, HashMap};

use crate::oci::identity::DatedCredential;
use crate::oci::secrets::BundleSelector;
use crate::oci::{Client, Error};
use crate::secret::{CredentialKind, SecretContent};

/// What [`DatedCredential::id`] is for a console password (a user has one; it has no id).
pub const CONSOLE_PASSWORD_ID: &str = "console-password";

/// The user's credentials of `kind`, with their `timeCreated`: one call (the family's list, one
/// page; the console password's information).
pub async fn held_by_iam(client: &Client, user_id: &str, kind: CredentialKind) -> Result<Vec<DatedCredential>, Error> {
    match crate::kinds::spec(kind).family {
        Some(family) => client.list_credentials_first_page(family, user_id).await,
        None => Ok(client
            .dated_ui_password(user_id)
            .await?
            .into_iter()
            .map(|p| DatedCredential { id: CONSOLE_PASSWORD_ID.to_owned(), ..p })
            .collect()),
    }
}

/// The user's credentials of `kind` in the identity domain at `base` (the user's SCIM id
/// `scim_user`), with their creation time (SCIM `meta.created`): one call; the console password
/// from the user as already read (`password_set_at`), no call.
pub async fn held_by_domain(
    client: &Client,
    base: &str,
    scim_user: &str,
    password_set_at: Option<&str>,
    kind: CredentialKind,
) -> Result<Vec<DatedCredential>, Error> {
    let Some(family) = crate::kinds::spec(kind).family else {
        return Ok(password_set_at
            .map(|t| DatedCredential {
                id: CONSOLE_PASSWORD_ID.to_owned(),
                description: None,
                time_created: Some(t.to_owned()),
                lifecycle_state: "ACTIVE".to_owned(),
                username: None,
                scopes: None,
            })
            .into_iter()
            .collect());
    };
    let listed = client.list_domain_credentials(base, family, scim_user).await?;
    Ok(listed
        .into_iter()
        .map(|c| DatedCredential {
            // What a secret version holds (the family's id field), else the SCIM id.
            id: c.credential_id(family).unwrap_or(&c.id).to_owned(),
            description: c.description.or(c.display_name),
            time_created: c.meta.and_then(|m| m.created),
            lifecycle_state: c.status.unwrap_or_else(|| "ACTIVE".to_owned()),
            username: c.user_name,
            scopes: c.scopes,
        })
        .collect())
}

/// Whether a kind's credentials have ids a secret version names (all but the console password).
pub fn has_ids(kind: CredentialKind) -> bool {
    crate::kinds::spec(kind).family.is_some()
}

/// One managed secret of a (user, kind) group, as the matching needs it.
pub struct GroupSecret<'a> {
    /// The secret's OCID.
    pub secret_id: &'a str,
    /// Its CURRENT version number.
    pub current: Option<u64>,
    /// True when it has a PENDING version.
    pub has_pending: bool,
}

/// What the matching found for one (user, kind) group.
#[derive(Default)]
pub struct Matched {
    /// Credential id -> the secret managing it.
    pub managed: HashMap<String, String>,
    /// Secret -> the credential its CURRENT version holds.
    pub current: BTreeMap<String, String>,
    /// Secret -> problems met while reading it (a bundle that could not be read or understood).
    pub problems: BTreeMap<String, Vec<String>>,
}

/// The credential id `kind` content names, read from the version `which` of `secret_id`.
async fn credential_in(client: &Client, secret_id: &str, which: BundleSelector, kind: CredentialKind) -> Result<Option<String>, String> {
    match client.get_secret_bundle(secret_id, which).await {
        Ok(Some(bundle)) => {
            let content = SecretContent::parse(&bundle.content).map_err(|why| format!("version {}: {why}", bundle.version_number))?;
            content
                .credential_id(kind)
                .map(Some)
                .ok_or_else(|| format!("version {} names no {} credential", bundle.version_number, kind.as_str()))
        }
        Ok(None) => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

/// Finds which of `listed` the group's secrets manage (see the module documentation).
pub async fn match_group(client: &Client, kind: CredentialKind, listed: &[DatedCredential], group: &[GroupSecret<'_>]) -> Matched {
    let mut m = Matched::default();
    if !has_ids(kind) {
        if let Some(first) = group.first() {
            for c in listed {
                m.managed.insert(c.id.clone(), first.secret_id.to_owned());
            }
        }
        return m;
    }
    for c in listed {
        let marked = c.description.as_deref().and_then(|d| d.strip_prefix("oci-rotator ")).and_then(|rest| rest.split_whitespace().next());
        if let Some(owner) = marked.and_then(|id| group.iter().find(|s| s.secret_id == id)) {
            m.managed.insert(c.id.clone(), owner.secret_id.to_owned());
        }
    }
    let unexplained = |m: &Matched| listed.iter().any(|c| !m.managed.contains_key(&c.id));
    for stage in ["CURRENT", "PREVIOUS", "PENDING"] {
        if stage != "CURRENT" && !unexplained(&m) {
            break;
        }
        for s in group {
            let which = match (stage, s.current) {
                ("CURRENT", Some(n)) => BundleSelector::Version(n),
                ("PENDING", _) if !s.has_pending => continue,
                ("CURRENT", None) => BundleSelector::Stage("CURRENT"),
                ("PREVIOUS", _) => BundleSelector::Stage("PREVIOUS"),
                _ => BundleSelector::Stage("PENDING"),
            };
            match credential_in(client, s.secret_id, which, kind).await {
                Ok(Some(id)) => {
                    if stage == "CURRENT" {
                        m.current.insert(s.secret_id.to_owned(), id.clone());
                    }
                    m.managed.entry(id).or_insert_with(|| s.secret_id.to_owned());
                }
                Ok(None) => {}
                Err(why) => m.problems.entry(s.secret_id.to_owned()).or_default().push(format!("{stage} bundle: {why}")),
            }
        }
    }
    m
}
