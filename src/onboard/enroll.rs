//! The `enroll` workflow (`oci-rotator enroll` parses and prints, in `cli/enroll.rs`): from "I have a service user" to a secret the function rotates, in one
//! command (issue 12). Run by an administrator with an API-key profile (`~/.oci/config`, as
//! `rotate`), it:
//!
//! 1. finds the secret by `--name` in the vault. When it exists, the run converges or refuses
//!    (issue 18): the secret of another `credentialType`, user or identity domain is refused
//!    before any write (no tag, no credential, no Vault write); for the same kind and user, what
//!    the secret lacks of `--function-id` (the rotation configuration targeting it, scheduled),
//!    `--interval` and `--previous` is applied in one `UpdateSecret`, the user is bound if an
//!    earlier run stopped before that, and the line lists it in `changed` (empty: nothing changed);
//! 2. deletes what an earlier, interrupted run of this command created for this name (labelled
//!    `oci-rotator enroll <vault>/<name>`), then creates the user's first credential (an API key
//!    generated here and uploaded; a token or secret key created in IAM; a console password set
//!    or reset, as the rotation does);
//! 3. creates the secret (version 1, CURRENT) with the contract's content and metadata, and the
//!    rotation configuration when `--function-id` is given;
//! 4. binds the user (contract 4.1: the tag `oci-rotator-<kind>` names the secret; the user's
//!    other tags are kept);
//! 5. runs VERIFY_CONNECTION on the new secret in this process (retried while a new API key
//!    propagates in IAM);
//!
//! and prints one JSON line; on a first enrollment its `changed` lists what was created:
//! `credential`, `secret`, `binding` and, with `--function-id`, `rotationConfig`. A failure
//! after the credential was created and before the secret holds
//! it deletes the credential again, and the message says so. `--dry-run` prints the plan and writes
//! nothing.

use std::collections::BTreeMap;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::{json, Value};

use crate::adapters::directory::{Directory, Family, New};
use crate::adapters::{self, Target};
use crate::binding::{self, BindingMode, BoundUser};
use crate::engine::Rotator;
use crate::kinds;
use crate::oci::vault::Secret;
use crate::oci::Client;
use crate::protocol::{is_ocid_of, SecretRotationInput, Step};
use crate::secret::{CredentialKind, PreviousCredential, SecretConfig, SecretContent};

/// What to enroll: the options of `enroll` (the command line's come from `cli::enroll::EnrollArgs`).
#[derive(Debug, Clone)]
pub struct Enrollment {
    /// API_KEY, AUTH_TOKEN, CUSTOMER_SECRET_KEY, CONSOLE_PASSWORD, SMTP_CREDENTIAL,
    /// OAUTH2_CLIENT_CREDENTIAL or DB_CREDENTIAL.
    pub kind: CredentialKind,
    /// The user's OCID.
    pub user_id: String,
    /// The compartment the secret is created in.
    pub compartment_id: String,
    /// The vault.
    pub vault_id: String,
    /// The vault's master encryption key.
    pub key_id: String,
    /// The secret's name (unique in the vault; a second run with it applies only what the secret
    /// lacks, and refuses another kind or user).
    pub name: String,
    /// The rotation function to attach (scheduled rotation every --interval).
    pub function_id: Option<String>,
    /// Rotation interval: 1 to 360 days, ISO 8601 (`P90D`, `P12W`) or short (`90d`, `12w`); P90D on
    /// a first enrollment when not given; on a re-run, only a given value changes the secret's.
    pub interval: Option<String>,
    /// KEEP_UNTIL_NEXT_ROTATION (the default on a first enrollment) or DELETE_ON_PROMOTE; on a
    /// re-run, only a given value changes the secret's.
    pub previous: Option<PreviousCredential>,
    /// RSA key size for API keys: 2048, 3072 or 4096.
    pub key_bits: usize,
    /// The user's identity domain, when it is not the Default domain.
    pub domain_id: Option<String>,
    /// OAUTH2_CLIENT_CREDENTIAL only (required there): the scopes, as JSON
    /// (`[{"audience": "...", "scope": "..."}]`); kept in the metadata for every rotation.
    pub scopes: Option<String>,
    /// Print the plan and write nothing.
    pub dry_run: bool,
}

/// `--interval` when not given.
const DEFAULT_INTERVAL: &str = "P90D";

/// The metadata word of `previous`.
fn previous_word(previous: PreviousCredential) -> &'static str {
    match previous {
        PreviousCredential::KeepUntilNextRotation => "KEEP_UNTIL_NEXT_ROTATION",
        PreviousCredential::DeleteOnPromote => "DELETE_ON_PROMOTE",
    }
}

impl Enrollment {
    /// The interval of a new rotation configuration.
    fn interval(&self) -> &str {
        self.interval.as_deref().unwrap_or(DEFAULT_INTERVAL)
    }

    /// The policy of a new secret.
    fn previous(&self) -> PreviousCredential {
        self.previous.unwrap_or(PreviousCredential::KeepUntilNextRotation)
    }

    /// Checks the options (OCIDs, interval, name, scopes) before anything is read or written.
    pub fn validate(&self) -> Result<(), String> {
        for (flag, value, kind) in [
            ("--user-id", self.user_id.as_str(), "user"),
            ("--compartment-id", self.compartment_id.as_str(), ""),
            ("--vault-id", self.vault_id.as_str(), "vault"),
            ("--key-id", self.key_id.as_str(), "key"),
        ] {
            let ok = if kind.is_empty() { value.starts_with("ocid1.") } else { is_ocid_of(value, kind) };
            if !ok {
                return Err(format!(
                    "{flag} must be an OCID{}",
                    if kind.is_empty() { String::new() } else { format!(" (ocid1.{kind}...)") }
                ));
            }
        }
        if let Some(f) = &self.function_id {
            if !is_ocid_of(f, "fnfunc") {
                return Err("--function-id must be a function OCID (ocid1.fnfunc...)".to_owned());
            }
        }
        if let Some(d) = &self.domain_id {
            if !is_ocid_of(d, "domain") {
                return Err("--domain-id must be an identity domain OCID (ocid1.domain...)".to_owned());
            }
        }
        // Callers that build the arguments in code (the demo, tests) go through the same parser.
        crate::flags::parse_interval(self.interval()).map_err(|e| format!("--interval {e}"))?;
        if self.name.trim().is_empty() {
            return Err("--name must not be empty".to_owned());
        }
        match (self.kind, &self.scopes) {
            (CredentialKind::OAuth2ClientCredential, None) => {
                return Err(
                    "--scopes is required for OAUTH2_CLIENT_CREDENTIAL (JSON: [{\"audience\": \"...\", \"scope\": \"...\"}])".to_owned()
                )
            }
            (CredentialKind::OAuth2ClientCredential, Some(s)) => {
                serde_json::from_str::<Value>(s).map_err(|_| "--scopes must be JSON".to_owned())?;
            }
            (_, Some(_)) => return Err("--scopes applies to OAUTH2_CLIENT_CREDENTIAL only".to_owned()),
            (_, None) => {}
        }
        Ok(())
    }

    fn metadata(&self) -> Value {
        let mut m = json!({"credentialType": self.kind.as_str(), "userId": self.user_id,
            "previousCredential": previous_word(self.previous())});
        if self.kind == CredentialKind::ApiKey {
            m["keyBits"] = json!(self.key_bits);
        }
        if let Some(d) = &self.domain_id {
            m["domainId"] = json!(d);
        }
        if let Some(scopes) = self.scopes.as_deref().and_then(|s| serde_json::from_str::<Value>(s).ok()) {
            m["scopes"] = scopes;
        }
        m
    }

    fn rotation_config(&self) -> Value {
        match &self.function_id {
            Some(f) => json!({"rotationInterval": self.interval(), "isScheduledRotationEnabled": true,
                "targetSystemDetails": {"targetSystemType": "FUNCTION", "functionId": f}}),
            None => Value::Null,
        }
    }

    /// The label of credentials this command creates, before the secret (and its marker) exist.
    fn label(&self) -> String {
        format!("oci-rotator enroll {}/{}", self.vault_id, self.name)
    }
}

/// The directory family of `kind` (None: console passwords, which are not listed): the kind
/// table's.
pub(crate) fn family(kind: CredentialKind) -> Option<Family> {
    crate::kinds::spec(kind).family
}

/// The first credential: its content and its id.
async fn create_credential(args: &Enrollment, t: &Target<'_>, dir: &Directory) -> Result<(Value, String), String> {
    let user = BoundUser::for_enrollment(&args.user_id);
    let err = |e: &dyn std::fmt::Display| e.to_string();
    match args.kind {
        CredentialKind::ApiKey => {
            let bits = args.key_bits;
            let key = tokio::task::spawn_blocking(move || crate::keys::generate(bits)).await.map_err(|e| err(&e))?.map_err(|e| err(&e))?;
            dir.create(t, &user, Family::ApiKey, &args.label(), Some(&key.public_pem)).await.map_err(|e| err(&e))?;
            let tenancy = t.client.tenancy().map_err(|e| err(&e))?;
            let content = kinds::content(args.kind, &[&key.fingerprint, key.private_pem.as_str(), &key.public_pem, &tenancy])?;
            Ok((content, key.fingerprint.clone()))
        }
        CredentialKind::AuthToken
        | CredentialKind::CustomerSecretKey
        | CredentialKind::SmtpCredential
        | CredentialKind::OAuth2ClientCredential
        | CredentialKind::DbCredential => {
            let family = family(args.kind).ok_or("no family")?;
            let config = SecretConfig::from_metadata(Some(&args.metadata()))?;
            let chosen = match args.kind {
                CredentialKind::DbCredential => Some(crate::passwords::generate(&adapters::db_credential::rules()).map_err(|e| err(&e))?),
                _ => None,
            };
            let label = args.label();
            let new = New {
                label: &label,
                name: Some(&args.name),
                scopes: config.scopes.as_deref(),
                password: chosen.as_ref(),
                ..New::default()
            };
            let created = dir.create_with(t, &user, family, &new).await.map_err(|e| err(&e))?;
            let secret = chosen.or(created.secret).ok_or("IAM returned no secret for the new credential")?;
            let content = match args.kind {
                // The user name IAM issues with the credential (SMTP) sits between id and secret.
                CredentialKind::SmtpCredential => {
                    let username = created.username.as_deref().ok_or("IAM returned no user name for the new SMTP credential")?;
                    kinds::content(args.kind, &[&created.id, username, secret.expose_secret()])?
                }
                _ => kinds::content(args.kind, &[&created.id, secret.expose_secret()])?,
            };
            Ok((content, created.id))
        }
        CredentialKind::ConsolePassword => {
            let password: SecretString =
                adapters::console_password::set_new_password(t, || async { Ok(BoundUser::for_enrollment(&args.user_id)) })
                    .await
                    .map_err(|e| err(&e))?;
            Ok((kinds::content(args.kind, &[password.expose_secret()])?, adapters::console_password::CREDENTIAL_ID.to_owned()))
        }
    }
}

/// Adds `secret_id` to the user's binding tag, keeping every other tag (classic API, or the
/// user's identity domain); nothing is written when the tag names it already, nor when `write`
/// is false (a dry run). True when the tag lacked the secret.
pub(crate) async fn bind(
    client: &Client,
    kind: CredentialKind,
    user_id: &str,
    dir: &Directory,
    secret_id: &str,
    write: bool,
) -> Result<bool, String> {
    let key = binding::tag_key(kind);
    let with = |mut tags: BTreeMap<String, String>| {
        let value = tags.get(&key).map(|v| v.trim().to_owned()).unwrap_or_default();
        if binding::names_secret(&value, secret_id) {
            return None;
        }
        tags.insert(key.clone(), if value.is_empty() { secret_id.to_owned() } else { format!("{value} {secret_id}") });
        Some(tags)
    };
    match dir {
        Directory::Classic => {
            let user = client.get_user(user_id).await.map_err(|e| e.to_string())?;
            match with(user.freeform_tags) {
                Some(tags) if write => {
                    client.update_user_freeform_tags(user_id, &tags).await.map_err(|e| e.to_string())?;
                }
                Some(_) => {}
                None => return Ok(false),
            }
        }
        Directory::Domain { base, .. } => {
            let user = client.domain_user(base, user_id, false).await.map_err(|e| e.to_string())?;
            match with(user.freeform_tags) {
                Some(tags) if write => {
                    client.patch_domain_user_tags(base, &user.id, &tags).await.map_err(|e| e.to_string())?;
                }
                Some(_) => {}
                None => return Ok(false),
            }
        }
    }
    Ok(true)
}

/// A secret-to-be, for the adapters' directory (which needs only the user and the domain).
pub(crate) fn placeholder_secret(name: &str) -> Secret {
    Secret {
        id: String::new(),
        lifecycle_state: "CREATING".to_owned(),
        current_version_number: None,
        metadata: None,
        is_auto_generation_enabled: None,
        secret_generation_context: None,
        secret_name: Some(name.to_owned()),
        compartment_id: None,
        rotation_config: None,
        freeform_tags: None,
    }
}

/// The work of `enroll`, on `rotator`'s OCI client; returns the JSON line.
pub async fn enroll(rotator: &Rotator, args: &Enrollment, timeout: Duration) -> Result<Value, String> {
    let client = rotator.client().with_deadline(tokio::time::Instant::now() + timeout);
    let metadata = args.metadata();
    let config = SecretConfig::from_metadata(Some(&metadata))?;
    let placeholder = placeholder_secret(&args.name);
    let t = Target { client: &client, secret_id: "", secret: &placeholder, config: &config, binding: BindingMode::Off };
    let line = |secret_id: &str, version: Option<u64>, credential_id: &str| {
        let rc = args.rotation_config();
        json!({"secretId": secret_id, "versionNo": version, "kind": args.kind.as_str(), "userId": args.user_id,
            "credentialId": credential_id, "bound": true, "rotationConfig": if rc.is_null() { Value::Null } else { rc }})
    };

    // 1. Already enrolled: converge (apply what the secret lacks) or refuse, before any write.
    if let Some(found) = client.find_secret_by_name(&args.compartment_id, &args.vault_id, &args.name).await.map_err(|e| e.to_string())? {
        return converge(&client, args, &t, &found.id).await;
    }
    if args.dry_run {
        return Ok(json!({"dryRun": true, "plan": [
            format!("delete the user's credentials labelled \"{}\" (left by an interrupted enroll)", args.label()),
            format!("create the user's first {} ({})", args.kind, match args.kind {
                CredentialKind::ApiKey => "a key pair generated here, its public key uploaded",
                CredentialKind::ConsolePassword => "set with the domain's UserPasswordChanger, or reset with the classic API in a tenancy without identity domains",
                _ => "created in IAM",
            }),
            format!("create secret \"{}\" in vault {} with metadata {}", args.name, args.vault_id, metadata),
            format!("add the secret to the user's freeform tag {}", binding::tag_key(args.kind)),
            if args.function_id.is_some() { format!("attach the rotation function, every {}", args.interval()) } else { "no rotation configuration (--function-id not given)".to_owned() },
            "run VERIFY_CONNECTION".to_owned(),
        ]}));
    }

    // 2. Clean what an interrupted run left, then the first credential.
    let dir = Directory::of(&t).await.map_err(|e| e.to_string())?;
    let user = BoundUser::for_enrollment(&args.user_id);
    if let Some(family) = family(args.kind) {
        for leftover in
            dir.list(&t, family).await.map_err(|e| e.to_string())?.into_iter().filter(|c| c.label.as_deref() == Some(args.label().as_str()))
        {
            dir.delete(&t, &user, family, &leftover.handle).await.map_err(|e| e.to_string())?;
        }
    }
    let (content, credential_id) = create_credential(args, &t, &dir).await?;
    let content = SecretContent::parse(content.to_string().as_bytes())?;

    // 3. The secret holding it.
    let mut details = json!({"compartmentId": args.compartment_id, "vaultId": args.vault_id, "keyId": args.key_id,
        "secretName": args.name, "description": format!("{} of {}, rotated by oci-rotator", args.kind, args.user_id),
        "metadata": metadata, "secretContent": {"contentType": "BASE64", "content": content.to_base64().as_str()}});
    if args.function_id.is_some() {
        details["rotationConfig"] = args.rotation_config();
    }
    let created = match client.create_secret(&details).await {
        Ok(s) => s,
        Err(e) => {
            let undone = match family(args.kind) {
                Some(family) => match dir.delete_by_id(&t, &user, family, &credential_id).await {
                    Ok(()) => format!("the new {} {credential_id} was deleted again", args.kind),
                    Err(d) => format!("deleting the new {} {credential_id} failed too ({d}): delete it by hand", args.kind),
                },
                None => "the user's console password was already changed: set it again by hand".to_owned(),
            };
            return Err(format!("creating the secret failed: {e}; {undone}"));
        }
    };
    let secret_id = created.secret.id.clone();

    // 4. The user names the secret.
    bind(&client, args.kind, &args.user_id, &dir, &secret_id, true).await.map_err(|e| {
        format!("secret {secret_id} holds the new credential, but binding the user failed ({e}); run the same command again")
    })?;

    // 5. The function's own check, in process; a new API key takes a moment to propagate in IAM
    // (as in UPDATE_TARGET_SYSTEM), so a refusal is retried, with backoff, until the timeout.
    let input = SecretRotationInput { step: Step::VerifyConnection, secret_id: secret_id.clone(), version_no: None };
    let give_up = tokio::time::Instant::now() + timeout;
    let mut wait = Duration::from_millis(200);
    let verify = loop {
        let verify = rotator.run(&input, give_up).await;
        if verify.response_code == 200 || tokio::time::Instant::now() + wait >= give_up {
            break verify;
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(3));
    };
    if verify.response_code != 200 {
        return Err(format!(
            "secret {secret_id} was created and the user bound, but VERIFY_CONNECTION answered {}: {}",
            verify.response_code, verify.return_message
        ));
    }
    let mut out = line(&secret_id, created.secret.current_version_number.or(Some(1)), &credential_id);
    let mut changed = vec!["credential", "secret", "binding"];
    if args.function_id.is_some() {
        changed.push("rotationConfig");
    }
    out["changed"] = json!(changed);
    Ok(out)
}

/// Why the secret named `--name` is not this enrollment's (another kind, user or identity
/// domain, or no oci-rotator metadata), or None when it is.
fn not_this_enrollment(args: &Enrollment, secret_id: &str, metadata: Option<&Value>) -> Option<String> {
    let field = |name: &str| metadata.and_then(|m| m.get(name)).and_then(Value::as_str);
    let refused = format!("secret \"{}\" ({secret_id}) already exists in vault {}", args.name, args.vault_id);
    let (Some(kind), Some(user)) = (field("credentialType"), field("userId")) else {
        return Some(format!(
            "{refused} without oci-rotator metadata (credentialType, userId): nothing was changed; choose another --name, or take it over with `oci-rotator adopt`"
        ));
    };
    let domain = field("domainId");
    if kind == args.kind.as_str() && user == args.user_id && domain == args.domain_id.as_deref() {
        return None;
    }
    let in_domain = |d: Option<&str>| d.map(|d| format!(" in identity domain {d}")).unwrap_or_default();
    Some(format!(
        "{refused} and holds the {kind} of user {user}{}: refusing to enroll the {} of user {}{} under the same --name; nothing was changed (no tag, no credential, no Vault write); choose another --name",
        in_domain(domain),
        args.kind,
        args.user_id,
        in_domain(args.domain_id.as_deref())
    ))
}

/// The rotation configuration the secret should have after this run, and the names of the
/// fields that differ from `existing` (`functionId`, `rotationInterval`,
/// `isScheduledRotationEnabled`). Err when `--interval` is given with no function to schedule.
fn converged_rotation_config(args: &Enrollment, secret_id: &str, existing: Option<&Value>) -> Result<(Value, Vec<&'static str>), String> {
    let existing = existing.filter(|r| r.is_object());
    let mut changed = Vec::new();
    let Some(function_id) = &args.function_id else {
        let Some(interval) = &args.interval else { return Ok((existing.cloned().unwrap_or(Value::Null), changed)) };
        let Some(mut rc) = existing.cloned() else {
            return Err(format!(
                "--interval {interval}: secret {secret_id} has no rotation configuration to schedule; give --function-id too (nothing was changed)"
            ));
        };
        if rc["rotationInterval"].as_str() != Some(interval.as_str()) {
            rc["rotationInterval"] = json!(interval);
            changed.push("rotationInterval");
        }
        return Ok((rc, changed));
    };
    let mut rc = existing.cloned().unwrap_or_else(|| json!({}));
    let target = &rc["targetSystemDetails"];
    if target["targetSystemType"].as_str() != Some("FUNCTION") || target["functionId"].as_str() != Some(function_id.as_str()) {
        rc["targetSystemDetails"] = json!({"targetSystemType": "FUNCTION", "functionId": function_id});
        changed.push("functionId");
    }
    let interval = args.interval.as_deref().or(rc["rotationInterval"].as_str()).unwrap_or(DEFAULT_INTERVAL).to_owned();
    if rc["rotationInterval"].as_str() != Some(interval.as_str()) {
        rc["rotationInterval"] = json!(interval);
        changed.push("rotationInterval");
    }
    if rc["isScheduledRotationEnabled"] != json!(true) {
        rc["isScheduledRotationEnabled"] = json!(true);
        changed.push("isScheduledRotationEnabled");
    }
    Ok((rc, changed))
}

/// A re-run on the secret `secret_id` that `--name` found: refuses another kind, user or domain
/// before any write; else applies what the secret lacks (one `UpdateSecret` with `if-match` for
/// the rotation configuration and `previousCredential`, then the binding) and returns the line,
/// whose `changed` names what was applied (in a dry run, what would be, with `dryRun`).
async fn converge(client: &Client, args: &Enrollment, t: &Target<'_>, secret_id: &str) -> Result<Value, String> {
    let secret = client.get_secret(secret_id).await.map_err(|e| e.to_string())?;
    if let Some(refusal) = not_this_enrollment(args, secret_id, secret.secret.metadata.as_ref()) {
        return Err(refusal);
    }
    let current = client
        .get_secret_bundle(secret_id, crate::oci::secrets::BundleSelector::Stage("CURRENT"))
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("secret {secret_id} has no CURRENT version"))?;
    let credential_id = SecretContent::parse(&current.content).ok().and_then(|c| c.credential_id(args.kind)).unwrap_or_default();

    let (rotation_config, mut changed) = converged_rotation_config(args, secret_id, secret.secret.rotation_config.as_ref())?;
    let mut metadata = secret.secret.metadata.clone().unwrap_or_else(|| json!({}));
    if let Some(previous) = args.previous {
        let had = metadata["previousCredential"].as_str().unwrap_or("KEEP_UNTIL_NEXT_ROTATION");
        if had != previous_word(previous) {
            metadata["previousCredential"] = json!(previous_word(previous));
            changed.push("previousCredential");
        }
    }
    let mut rotation_config_now = rotation_config.clone();
    if !changed.is_empty() && !args.dry_run {
        let mut details = json!({});
        if changed.contains(&"previousCredential") {
            details["metadata"] = metadata;
        }
        if changed.iter().any(|c| *c != "previousCredential") {
            details["rotationConfig"] = rotation_config;
        }
        let updated = client
            .update_secret(secret_id, &details, secret.etag.as_deref())
            .await
            .map_err(|e| format!("updating secret {secret_id} ({}) failed: {e}; nothing else was changed", changed.join(", ")))?;
        if let Some(rc) = updated.secret.rotation_config.filter(|r| !r.is_null()) {
            rotation_config_now = rc;
        }
    }
    let dir = Directory::of(t).await.map_err(|e| e.to_string())?;
    if bind(client, args.kind, &args.user_id, &dir, secret_id, !args.dry_run).await? {
        changed.push("binding");
    }
    let mut out = json!({"secretId": secret_id, "versionNo": secret.secret.current_version_number, "kind": args.kind.as_str(),
        "userId": args.user_id, "credentialId": credential_id, "bound": true, "rotationConfig": rotation_config_now, "changed": changed});
    if args.dry_run {
        out["dryRun"] = json!(true);
        out["bound"] = json!(!changed.contains(&"binding"));
    }
    Ok(out)
}
