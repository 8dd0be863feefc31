//! The user must name the secret (contract 4.1): before the first IAM write of an invocation, the
//! user whose credential is rotated must carry the freeform tag `oci-rotator-<kind>` whose value
//! lists this secret's OCID. Whoever may edit a secret's metadata cannot then aim the function at
//! another user and read that user's fresh credential from the secret: tagging a user takes
//! `manage users`, which a secret editor does not have.
//!
//! The proof is a type: every IAM write of `oci::identity` (upload, create, reset, delete of a
//! credential) takes a [`BoundUser`] (declared in the leaf `crate::proof`, re-exported here), and
//! only [`check`] makes one. An adapter that forgot the check would not compile.
//!
//! One other proof exists, for one call: [`check_unmanaged_reset`] makes a [`BoundUser`] for the
//! unmanaged console-password reset of a Cloud Guard finding (`crate::cloud_guard::unmanaged_reset`)
//! when Cloud Guard confirmed the problem (it takes a `crate::proof::ConfirmedProblem`, which only
//! that module makes) and the user's tag `oci-rotator-console-password` is exactly [`UNMANAGED_RESET`]: a value
//! that names no secret, so a user bound to a secret is never reset this way.

use std::collections::BTreeMap;

use crate::oci::Client;
use crate::proof::ConfirmedProblem;
use crate::secret::CredentialKind;

/// The value of the user's tag `oci-rotator-console-password` by which the user (or whoever
/// manages it) opts in to the unmanaged console-password reset. Exact: no spaces, no case folding,
/// not one item of a list.
pub const UNMANAGED_RESET: &str = "unmanaged-reset";

/// Whether the binding is required (`OCI_ROTATOR_USER_BINDING`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BindingMode {
    /// Every IAM write needs the user's tag (the default; any value but `off`).
    #[default]
    Required,
    /// No check: the administrator scoped the function's IAM policy to named users instead
    /// (`OCI_ROTATOR_USER_BINDING=off`, exactly).
    Off,
}

impl BindingMode {
    /// The mode a value of `OCI_ROTATOR_USER_BINDING` selects: `off` turns the check off, anything
    /// else (or nothing) leaves it on, so a typo fails safe.
    pub fn from_setting(value: Option<&str>) -> Self {
        match value {
            Some("off") => BindingMode::Off,
            _ => BindingMode::Required,
        }
    }
}

pub use crate::proof::BoundUser;

/// Why a user may not be written to.
#[derive(Debug, thiserror::Error)]
pub enum BindingError {
    /// The user does not carry the tag, or its value does not list the secret (400).
    #[error(
        "user {user_id} does not name secret {secret_id}: its freeform tag {tag_key} {found}; nothing was changed. \
         Whoever manages the user binds it with: {command} (--freeform-tags replaces the user's whole set of freeform tags; \
         this value keeps the ones the user has)"
    )]
    NotBound {
        /// The user.
        user_id: String,
        /// The secret being rotated.
        secret_id: String,
        /// The tag key required.
        tag_key: String,
        /// What was found (`is missing`, `lists only other secrets`).
        found: &'static str,
        /// The OCI CLI command that binds the user, keeping its other freeform tags.
        command: String,
    },
    /// The user does not exist or the function may not read it (404).
    #[error("user {0} does not exist or the function may not read it")]
    UserNotFound(String),
    /// GetUser failed.
    #[error(transparent)]
    Oci(#[from] crate::oci::Error),
}

/// The tag key that binds a user to secrets of `kind`: the kind table's
/// ([`crate::kinds::KindSpec::tag_key`], `oci-rotator-api-key`...). OCI free-form keys are case
/// sensitive.
pub fn tag_key(kind: CredentialKind) -> String {
    crate::kinds::spec(kind).tag_key.to_owned()
}

/// True when the tag value lists `secret_id`: any run of spaces, tabs or commas separates OCIDs,
/// and only an exact OCID counts (no prefix, no substring, case sensitive).
pub fn names_secret(value: &str, secret_id: &str) -> bool {
    value.split([' ', '\t', ',']).any(|ocid| ocid == secret_id)
}

/// Why the unmanaged console-password reset may not write to the user.
#[derive(Debug, thiserror::Error)]
pub enum UnmanagedResetRefused {
    /// The tag is missing or is not exactly [`UNMANAGED_RESET`].
    #[error("user {user_id} has not opted in: its freeform tag {tag_key} {found}, not exactly {UNMANAGED_RESET}")]
    NotOptedIn {
        /// The user.
        user_id: String,
        /// `oci-rotator-console-password`.
        tag_key: String,
        /// `is missing`, `has another value`.
        found: &'static str,
    },
    /// The classic GetUser does not find the user (404): it does not exist, the function may not
    /// read it, or it belongs to an identity domain other than the Default one.
    #[error("user {0} is not found by the classic GetUser (it does not exist, the function may not read it, or it is a user of an identity domain other than Default)")]
    UserNotFound(String),
    /// GetUser failed.
    #[error(transparent)]
    Oci(#[from] crate::oci::Error),
}

/// Reads the user the confirmed problem names (one classic GetUser) and returns a [`BoundUser`]
/// for its console-password reset when its tag `oci-rotator-console-password` is exactly
/// [`UNMANAGED_RESET`]. Required whatever `OCI_ROTATOR_USER_BINDING` says.
pub async fn check_unmanaged_reset(client: &Client, problem: &ConfirmedProblem) -> Result<BoundUser, UnmanagedResetRefused> {
    let user_id = problem.user_id();
    let tags = match client.get_user(user_id).await {
        Ok(u) => u.freeform_tags,
        Err(e) if e.is_not_found() => return Err(UnmanagedResetRefused::UserNotFound(user_id.to_owned())),
        Err(e) => return Err(e.into()),
    };
    let tag_key = tag_key(CredentialKind::ConsolePassword);
    let found = match tags.get(&tag_key) {
        Some(value) if value == UNMANAGED_RESET => return Ok(BoundUser::vouched_by_binding(user_id)),
        Some(_) => "has another value",
        None => "is missing",
    };
    Err(UnmanagedResetRefused::NotOptedIn { user_id: user_id.to_owned(), tag_key, found })
}

/// Where the user's tags are read: the classic API (Default-domain users) or the REST API of the
/// user's identity domain (its base URL), whose OCI tags extension holds them (contract 4.2).
#[derive(Debug, Clone, Copy)]
pub enum UserStore<'a> {
    /// `GET /20160918/users/{id}`, `freeformTags`.
    Classic,
    /// `GET <domain url>/admin/v1/Users?filter=ocid eq "<ocid>"`, `urn:...:OCITags` `freeformTags`.
    Domain(&'a str),
}

/// Reads the user (one call) and returns a [`BoundUser`] when its tag names `secret_id`; with the
/// binding off, returns one without a call.
pub async fn check(
    client: &Client,
    mode: BindingMode,
    kind: CredentialKind,
    user_id: &str,
    secret_id: &str,
    store: UserStore<'_>,
) -> Result<BoundUser, BindingError> {
    if mode == BindingMode::Off {
        return Ok(BoundUser::vouched_by_binding(user_id));
    }
    // A domain user's patch command addresses it by its SCIM id, never its OCID (contract 4.2).
    let read = match store {
        UserStore::Classic => client.get_user(user_id).await.map(|u| (u.freeform_tags, user_id.to_owned())),
        UserStore::Domain(base) => client.domain_user(base, user_id, false).await.map(|u| (u.freeform_tags, u.id)),
    };
    let (tags, path_id) = match read {
        Ok(tags) => tags,
        Err(e) if e.is_not_found() => return Err(BindingError::UserNotFound(user_id.to_owned())),
        Err(e) => return Err(e.into()),
    };
    let key = tag_key(kind);
    let found = match tags.get(&key) {
        Some(value) if names_secret(value, secret_id) => {
            tracing::debug!(tag_key = %key, "the user names the secret");
            return Ok(BoundUser::vouched_by_binding(user_id));
        }
        Some(_) => "lists only other secrets",
        None => "is missing",
    };
    let command = match store {
        UserStore::Classic => bind_command(user_id, &tags, &key, secret_id),
        UserStore::Domain(base) => bind_command_in_domain(base, &path_id, &tags, &key, secret_id),
    };
    Err(BindingError::NotBound { user_id: user_id.to_owned(), secret_id: secret_id.to_owned(), command, tag_key: key, found })
}

/// Adds `secret_id` to the user's tag for `kind` (an administrator's call: `enroll`, `adopt`),
/// keeping every other tag, on the classic API or in the user's identity domain (`store`);
/// nothing is written when the tag names the secret already, nor when `write` is false (a dry
/// run). True when the tag lacked the secret. The one "add this secret to the user's tag".
pub async fn add_to_tag(
    client: &Client,
    kind: CredentialKind,
    user_id: &str,
    store: UserStore<'_>,
    secret_id: &str,
    write: bool,
) -> Result<bool, crate::oci::Error> {
    let key = tag_key(kind);
    let (tags, scim_id) = match store {
        UserStore::Classic => (client.get_user(user_id).await?.freeform_tags, None),
        UserStore::Domain(base) => {
            let user = client.domain_user(base, user_id, false).await?;
            (user.freeform_tags, Some(user.id))
        }
    };
    if tags.get(&key).is_some_and(|v| names_secret(v.trim(), secret_id)) {
        return Ok(false);
    }
    if write {
        let tags = tags_naming(&tags, &key, secret_id);
        match (store, scim_id) {
            (UserStore::Domain(base), Some(scim_id)) => client.patch_domain_user_tags(base, &scim_id, &tags).await?,
            _ => drop(client.update_user_freeform_tags(user_id, &tags).await?),
        }
    }
    Ok(true)
}

/// The tags with `secret_id` added to the value of `key` (kept as it is when it lists it).
fn tags_naming(tags: &BTreeMap<String, String>, key: &str, secret_id: &str) -> BTreeMap<String, String> {
    let mut tags = tags.clone();
    let value = match tags.get(key).map(|v| v.trim()) {
        Some(v) if names_secret(v, secret_id) => v.to_owned(),
        Some(v) if !v.is_empty() => format!("{v} {secret_id}"),
        _ => secret_id.to_owned(),
    };
    tags.insert(key.to_owned(), value);
    tags
}

/// The command a [`BindingError::NotBound`] message (a step's `returnMessage`, a failure line)
/// names as its fix, as the shell reads it (single-quoted, unescaped), or None when the message
/// names none. The one reader of the message this module writes.
pub fn fix_command(message: &str) -> Option<&str> {
    let (_, rest) = message.split_once(" binds it with: ")?;
    Some(rest.split_once(" (--freeform-tags replaces").map_or(rest, |(command, _)| command).trim())
}

fn shell_quote(json: &str) -> String {
    format!("'{}'", json.replace('\'', r"'\''"))
}

/// The OCI CLI command that binds a user of an identity domain: a SCIM PatchOp replacing the OCI
/// tags extension's free-form tags with the user's current ones plus this secret. `user_scim_id` is
/// the user's SCIM `id` in the domain: the CLI puts `--user-id` in the path, which takes no OCID.
pub fn bind_command_in_domain(base: &str, user_scim_id: &str, tags: &BTreeMap<String, String>, key: &str, secret_id: &str) -> String {
    let value: Vec<serde_json::Value> =
        tags_naming(tags, key, secret_id).into_iter().map(|(k, v)| serde_json::json!({"key": k, "value": v})).collect();
    let operations =
        serde_json::json!([{"op": "replace", "path": format!("{}:freeformTags", crate::oci::identity_domains::OCI_TAGS), "value": value}]);
    format!(
        "oci identity-domains user patch --endpoint {base} --user-id {user_scim_id} --schemas '[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"]' --operations {}",
        shell_quote(&operations.to_string())
    )
}

/// The OCI CLI command that adds `secret_id` to the user's tag `key`, keeping every other freeform
/// tag (the CLI's `--freeform-tags` replaces the whole set) and the OCIDs the value lists already.
pub fn bind_command(user_id: &str, tags: &BTreeMap<String, String>, key: &str, secret_id: &str) -> String {
    let json = serde_json::to_string(&tags_naming(tags, key, secret_id)).unwrap_or_default();
    format!("oci iam user update --user-id {user_id} --freeform-tags {} --force", shell_quote(&json))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "ocid1.vaultsecret.oc1.iad.amaaaaaaone";

    #[test]
    fn a_value_names_a_secret_only_by_its_exact_ocid() {
        assert!(names_secret(SECRET, SECRET));
        assert!(names_secret(&format!("ocid1.vaultsecret.oc1.iad.other,{SECRET}"), SECRET));
        assert!(names_secret(&format!(" ocid1.vaultsecret.oc1.iad.other \t ,, {SECRET}  "), SECRET));
        assert!(!names_secret(&format!("{SECRET}x"), SECRET), "a longer OCID is another secret");
        assert!(!names_secret("ocid1.vaultsecret.oc1.iad.amaaaaaa", SECRET), "a prefix is not the OCID");
        assert!(!names_secret(&SECRET.to_uppercase(), SECRET), "OCIDs are matched exactly");
        assert!(!names_secret(&format!("{SECRET};other"), SECRET), "only spaces, tabs and commas separate");
        assert!(!names_secret("", SECRET));
    }

    #[test]
    fn the_mode_is_off_only_for_exactly_off() {
        assert_eq!(BindingMode::from_setting(Some("off")), BindingMode::Off);
        for other in [None, Some("OFF"), Some("Off"), Some("false"), Some("0"), Some(""), Some("on"), Some(" off")] {
            assert_eq!(BindingMode::from_setting(other), BindingMode::Required, "{other:?}");
        }
    }

    #[test]
    fn the_command_keeps_other_tags_and_listed_secrets() {
        let tags: BTreeMap<String, String> =
            [("team".to_owned(), "payments".to_owned()), ("oci-rotator-api-key".to_owned(), "ocid1.vaultsecret.oc1.iad.old".to_owned())]
                .into_iter()
                .collect();
        let cmd = bind_command("ocid1.user.oc1..u", &tags, "oci-rotator-api-key", SECRET);
        assert_eq!(
            cmd,
            format!(
                "oci iam user update --user-id ocid1.user.oc1..u --freeform-tags '{{\"oci-rotator-api-key\":\"ocid1.vaultsecret.oc1.iad.old {SECRET}\",\"team\":\"payments\"}}' --force"
            )
        );
    }

    #[test]
    fn the_fix_command_is_read_back_from_the_message_as_written() {
        let tags: BTreeMap<String, String> = [("owner".to_owned(), "o'brien".to_owned())].into_iter().collect();
        let command = bind_command("ocid1.user.oc1..u", &tags, "oci-rotator-auth-token", SECRET);
        let e = BindingError::NotBound {
            user_id: "ocid1.user.oc1..u".to_owned(),
            secret_id: SECRET.to_owned(),
            tag_key: "oci-rotator-auth-token".to_owned(),
            found: "is missing",
            command: command.clone(),
        };
        assert_eq!(fix_command(&format!("UPDATE_TARGET_SYSTEM: {e}")), Some(command.as_str()));
        assert_eq!(fix_command("GetUser: OCI answered 404"), None);
    }

    #[test]
    fn the_command_quotes_a_single_quote_for_the_shell() {
        let tags: BTreeMap<String, String> = [("owner".to_owned(), "o'brien".to_owned())].into_iter().collect();
        let cmd = bind_command("ocid1.user.oc1..u", &tags, "oci-rotator-auth-token", SECRET);
        assert!(cmd.contains(r#""owner":"o'\''brien""#), "{cmd}");
    }
}
