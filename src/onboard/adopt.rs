//! The `adopt` workflow (`oci-rotator adopt` parses and prints, in `cli/adopt.rs`): turns an existing secret into the contract's form without touching the
//! user's credentials (issue 12), for users of Oracle's tutorial rotation function, whose secrets
//! hold raw values:
//!
//! - `API_KEY`: a bare PEM private key → `fingerprint`, `privateKey`, `publicKey`, `tenancyId`;
//! - `AUTH_TOKEN`: a bare token → `authTokenId` (from `--credential-id`, or the user's only auth
//!   token; several: an error listing them), `token`;
//! - `CUSTOMER_SECRET_KEY`: a bare access key id here and the secret key in a second secret
//!   (`--secret-key-secret-id`) → `accessKeyId`, `secretAccessKey`;
//! - `CONSOLE_PASSWORD`: a bare password → `password`.
//!
//! Before anything is written, the credential must be the user's in IAM (issue 18): an API key's
//! fingerprint among the user's API keys, any other listed kind's credential id among the user's
//! credentials of that kind (`ACTIVE`), a console password set
//! for an `ACTIVE` user. Otherwise the command fails and writes nothing (no Vault write, no tag).
//!
//! A content already in the contract's form is kept. A rewritten content becomes a new CURRENT
//! version; the metadata (`credentialType`, `userId`, other keys kept) is set in the same
//! `UpdateSecret`; then the user is bound (contract 4.1). A second run finds everything in place
//! and writes nothing.

use serde_json::{json, Value};

use crate::adapters::console_password::{self, ConsolePasswordAdapter};
use crate::adapters::directory::{Directory, Family};
use crate::adapters::{Target, TargetAdapter, Version};
use crate::binding::BindingMode;
use crate::engine::Rotator;
use crate::keys;
use crate::kinds;
use crate::oci::secrets::BundleSelector;
use crate::oci::Client;
use crate::protocol::is_ocid_of;
use crate::secret::{CredentialKind, SecretConfig, SecretContent};

/// What to adopt: the options of `adopt` (the command line's come from `cli::adopt::AdoptArgs`).
#[derive(Debug, Clone)]
pub struct Adoption {
    /// The secret's OCID.
    pub secret_id: String,
    /// API_KEY, AUTH_TOKEN, CUSTOMER_SECRET_KEY or CONSOLE_PASSWORD (the forms of Oracle's tutorial), or any kind already in the contract's JSON.
    pub kind: CredentialKind,
    /// The user's OCID.
    pub user_id: String,
    /// The credential's id where the value does not tell it (an auth token's OCID).
    pub credential_id: Option<String>,
    /// The secret holding the secret key of a customer secret key (the tutorial keeps it apart).
    pub secret_key_secret_id: Option<String>,
}

async fn current_text(client: &Client, secret_id: &str) -> Result<(u64, zeroize::Zeroizing<String>), String> {
    let bundle = client
        .get_secret_bundle(secret_id, BundleSelector::Stage("CURRENT"))
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("secret {secret_id} has no CURRENT version"))?;
    let text = String::from_utf8(bundle.content.to_vec()).map_err(|_| format!("secret {secret_id}'s content is not text"))?;
    Ok((bundle.version_number, zeroize::Zeroizing::new(text)))
}

/// The contract's content for a raw value, or None when `raw` is already in form.
async fn rewrite(args: &Adoption, t: &Target<'_>, dir: &Directory, raw: &str) -> Result<Option<Value>, String> {
    if SecretContent::parse(raw.as_bytes()).ok().and_then(|c| c.credential_id(args.kind)).is_some() {
        return Ok(None);
    }
    let value = raw.trim();
    Ok(Some(match args.kind {
        CredentialKind::ApiKey => {
            let key = keys::parse_private_pem(value, None)
                .map_err(|e| format!("the secret holds neither the contract's JSON nor a usable PEM private key: {e}"))?;
            let public_pem = keys::public_pem(key.public_key()).map_err(|e| e.to_string())?;
            let fingerprint = keys::fingerprint(key.public_key()).map_err(|e| e.to_string())?;
            let tenancy = t.client.tenancy().map_err(|e| e.to_string())?;
            kinds::content(args.kind, &[&fingerprint, value, &public_pem, &tenancy])?
        }
        CredentialKind::AuthToken => {
            let id = match &args.credential_id {
                Some(id) => id.clone(),
                None => {
                    let tokens = dir.list(t, Family::AuthToken).await.map_err(|e| e.to_string())?;
                    match tokens.as_slice() {
                        [only] => only.id.clone(),
                        [] => return Err(format!("user {} has no auth token: the secret's token is not one of theirs", args.user_id)),
                        many => {
                            let ids: Vec<String> =
                                many.iter().map(|c| format!("{} ({})", c.id, c.label.as_deref().unwrap_or("no description"))).collect();
                            return Err(format!(
                                "user {} has {} auth tokens: name the one the secret holds with --credential-id, one of: {}",
                                args.user_id,
                                ids.len(),
                                ids.join(", ")
                            ));
                        }
                    }
                }
            };
            kinds::content(args.kind, &[&id, value])?
        }
        CredentialKind::CustomerSecretKey => {
            let other = args
                .secret_key_secret_id
                .as_deref()
                .ok_or("the secret holds a bare access key id: name the secret holding its secret key with --secret-key-secret-id")?;
            let (_, secret_key) = current_text(t.client, other).await?;
            kinds::content(args.kind, &[value, secret_key.trim()])?
        }
        CredentialKind::ConsolePassword => kinds::content(args.kind, &[value])?,
        // The kinds Oracle's tutorial has no raw form for (their fields: the kind table's).
        _ => {
            let fields = kinds::spec(args.kind).content_fields;
            return Err(format!(
                "Oracle's tutorial has no {} form to convert: the secret must already hold the contract's JSON ({})",
                args.kind,
                fields.join(", ")
            ));
        }
    }))
}

/// Refuses, before any write, a credential that IAM does not hold for the user (see the module
/// doc): `content` is what the secret will hold.
async fn held_by_user(args: &Adoption, t: &Target<'_>, dir: &Directory, content: &SecretContent) -> Result<(), String> {
    let refused = |why: String| format!("{why}: refusing to adopt secret {}; nothing was written (no Vault write, no tag)", args.secret_id);
    let id = content
        .credential_id(args.kind)
        .ok_or_else(|| refused(format!("the secret's content names no {} (see docs/credential-kinds.md for its fields)", args.kind)))?;
    let user = &args.user_id;
    let Some(family) = kinds::spec(args.kind).family else {
        // Console passwords: IAM lists none; the user must be ACTIVE with a password set.
        let probe = Version {
            number: 0,
            content: SecretContent::parse(b"{}")?,
            credential_id: console_password::CREDENTIAL_ID.to_owned(),
            stages: Vec::new(),
        };
        return match ConsolePasswordAdapter.is_live(t, &probe).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(refused(format!("user {user} has no console password in IAM, or is not ACTIVE"))),
            Err(e) => Err(e.to_string()),
        };
    };
    let what = match args.kind {
        CredentialKind::ApiKey => format!("API key with fingerprint {id}"),
        kind => format!("{kind} {id}"),
    };
    match dir.list(t, family).await.map_err(|e| e.to_string())?.iter().find(|c| c.id == id) {
        Some(c) if c.active => Ok(()),
        Some(_) => Err(refused(format!("user {user}'s {what} is not ACTIVE in IAM"))),
        None => Err(refused(format!("user {user} holds no {what} in IAM (the secret's credential is not one of theirs)"))),
    }
}

/// The work of `adopt`; returns the JSON line (`secretId`, `versionNo`, `kind`, `userId`,
/// `credentialId`, `rewritten`, `bound`, `changed` (`content`, `metadata`, `binding`: what this
/// run wrote), `rotationConfig` (the secret's, untouched; null when none)).
pub async fn adopt(rotator: &Rotator, args: &Adoption, timeout: std::time::Duration) -> Result<Value, String> {
    if !is_ocid_of(&args.secret_id, "vaultsecret") || !is_ocid_of(&args.user_id, "user") {
        return Err("--secret-id must be a secret OCID and --user-id a user OCID".to_owned());
    }
    let client = rotator.client().with_deadline(tokio::time::Instant::now() + timeout);
    let secret = client.get_secret(&args.secret_id).await.map_err(|e| e.to_string())?;
    let mut metadata = match secret.secret.metadata.clone() {
        Some(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    metadata.insert("credentialType".to_owned(), json!(args.kind.as_str()));
    metadata.insert("userId".to_owned(), json!(args.user_id));
    let metadata = Value::Object(metadata);
    let config = SecretConfig::from_metadata(Some(&metadata))?;
    // The binding is off: adopt binds the user itself, after the checks.
    let t = Target { client: &client, secret_id: &args.secret_id, secret: &secret.secret, config: &config, binding: BindingMode::Off };
    let dir = Directory::of(&t).await.map_err(|e| e.to_string())?;

    let (current, raw) = current_text(&client, &args.secret_id).await?;
    let content = rewrite(args, &t, &dir, &raw).await?;
    let adopted = match &content {
        Some(c) => SecretContent::parse(c.to_string().as_bytes())?,
        None => SecretContent::parse(raw.as_bytes())?,
    };
    held_by_user(args, &t, &dir, &adopted).await?;
    let metadata_changed = secret.secret.metadata.as_ref() != Some(&metadata);
    let mut version = current;
    if content.is_some() || metadata_changed {
        let mut details = json!({"metadata": metadata});
        if content.is_some() {
            details["secretContent"] = json!({"contentType": "BASE64", "content": adopted.to_base64().as_str(), "stage": "CURRENT"});
        }
        let updated = client.update_secret(&args.secret_id, &details, secret.etag.as_deref()).await.map_err(|e| e.to_string())?;
        if content.is_some() {
            // The new version is the newest: CURRENT and LATEST.
            version = client
                .get_secret_bundle(&args.secret_id, BundleSelector::Stage("CURRENT"))
                .await
                .ok()
                .flatten()
                .map_or(updated.secret.current_version_number.unwrap_or(current + 1), |b| b.version_number);
        }
    }
    let bound_now = crate::binding::add_to_tag(&client, args.kind, &args.user_id, dir.user_store(), &args.secret_id, true)
        .await
        .map_err(|e| e.to_string())?;
    let changed: Vec<&str> = [(content.is_some(), "content"), (metadata_changed, "metadata"), (bound_now, "binding")]
        .into_iter()
        .filter_map(|(yes, name)| yes.then_some(name))
        .collect();
    Ok(json!({"secretId": args.secret_id, "versionNo": version, "kind": args.kind.as_str(), "userId": args.user_id,
        "credentialId": adopted.credential_id(args.kind), "rewritten": version != current, "bound": true, "changed": changed,
        "rotationConfig": secret.secret.rotation_config.filter(|r| r.is_object())}))
}

/// `adopt --json`: the JSON lines for `line` (what [`adopt`] returned; see [`super::event`]):
/// `credential` (`checked`: IAM holds it for the user; adopt never changes it), `secret`
/// (`rewritten` (a new CURRENT version in the contract's form), `updated` (its metadata only) or
/// `kept`), `binding` (`added` or `kept`), `rotationConfig` (`kept` or `none`: adopt never
/// changes it), then the summary.
pub fn json_lines(line: &Value) -> Vec<Value> {
    use super::{changed, event};
    let secret = if changed(line, &["content"]) {
        "rewritten"
    } else if changed(line, &["metadata"]) {
        "updated"
    } else {
        "kept"
    };
    vec![
        event("credential", "checked", line, &["kind", "userId", "credentialId"]),
        event("secret", secret, line, &["secretId", "versionNo"]),
        event("binding", if changed(line, &["binding"]) { "added" } else { "kept" }, line, &["userId", "secretId"]),
        event("rotationConfig", if line["rotationConfig"].is_object() { "kept" } else { "none" }, line, &["rotationConfig"]),
        super::summary(line),
    ]
}
