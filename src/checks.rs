//! The contract's section 6 ("what must hold, whatever fails"), checked against the embedded
//! simulator's state. Used by the demo to decide its exit status and by the fault tests.

use std::collections::BTreeSet;

use crate::secret::{CredentialKind, PreviousCredential};
use crate::sim::{Simulator, VersionView};

/// The credentials IAM holds for the user, of the secret's kind, as ids (fingerprints for keys).
pub fn iam_credentials(sim: &Simulator, kind: CredentialKind, user_id: &str) -> BTreeSet<String> {
    match kind {
        CredentialKind::ApiKey => sim.api_keys(user_id).into_iter().map(|k| k.fingerprint).collect(),
        CredentialKind::AuthToken => sim.auth_tokens(user_id).into_iter().map(|c| c.id).collect(),
        CredentialKind::CustomerSecretKey => sim.customer_secret_keys(user_id).into_iter().map(|c| c.id).collect(),
        CredentialKind::ConsolePassword => sim.ui_password(user_id).map(|_| "console-password".to_owned()).into_iter().collect(),
        CredentialKind::SmtpCredential | CredentialKind::OAuth2ClientCredential | CredentialKind::DbCredential => {
            sim.credentials(user_id, kind).into_iter().map(|c| c.id).collect()
        }
    }
}

/// The simulated IAM's per-user limit for the kind: Oracle's documented figures (3 API keys, 2 auth
/// tokens, 2 customer secret keys, 2 SMTP credentials) and, where Oracle documents none (OAuth 2.0
/// client credentials, database passwords), the simulator's own.
pub fn limit(kind: CredentialKind) -> usize {
    match kind {
        CredentialKind::ApiKey => 3,
        CredentialKind::AuthToken | CredentialKind::CustomerSecretKey | CredentialKind::SmtpCredential | CredentialKind::DbCredential => 2,
        CredentialKind::OAuth2ClientCredential => 10,
        CredentialKind::ConsolePassword => 1,
    }
}

/// The credential id a version's content holds, by kind.
pub fn credential_of(kind: CredentialKind, content: &serde_json::Value) -> Option<String> {
    crate::secret::SecretContent::parse(content.to_string().as_bytes()).ok()?.credential_id(kind)
}

/// The credential id a version holds: [`credential_of`] its content, else, for a database
/// password Vault generated (raw passphrase, or JSON without `dbCredentialId`), the id of the
/// credential IAM lists with the description `oci-rotator <secretId> v<versionNumber>`.
pub fn version_credential(sim: &Simulator, secret_id: &str, kind: CredentialKind, user_id: &str, v: &VersionView) -> Option<String> {
    credential_of(kind, &v.content).or_else(|| {
        let description = format!("oci-rotator {secret_id} v{}", v.version_number);
        (kind == CredentialKind::DbCredential)
            .then(|| sim.credentials(user_id, kind).into_iter().find(|c| c.description == description).map(|c| c.id))
            .flatten()
    })
}

/// The secret value a version holds for IAM (`password`, `clientSecret`); a database password
/// Vault generated without a template is the whole content.
fn held_secret(kind: CredentialKind, v: &VersionView) -> Option<String> {
    let field = if kind == CredentialKind::OAuth2ClientCredential { "clientSecret" } else { "password" };
    match v.content.as_object() {
        Some(fields) => fields.get(field).and_then(serde_json::Value::as_str).map(str::to_owned),
        None if kind == CredentialKind::DbCredential && !v.text.is_empty() => Some(v.text.clone()),
        None => None,
    }
}

/// Checks the steady state after a completed rotation. `unmanaged` are the user's credentials the
/// secret does not manage (taken before the rotation). Returns the violations (empty: all holds).
pub fn after_rotation(
    sim: &Simulator,
    secret_id: &str,
    kind: CredentialKind,
    user_id: &str,
    previous: PreviousCredential,
    unmanaged: &BTreeSet<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let versions = sim.secret_versions(secret_id);
    let with = |stage: &str| versions.iter().filter(|v| v.stages.iter().any(|s| s == stage)).collect::<Vec<_>>();
    let current = with("CURRENT");
    if current.len() != 1 {
        problems.push(format!("{} versions are CURRENT (expected exactly 1)", current.len()));
    }
    if !with("PENDING").is_empty() {
        problems.push("a version is still PENDING".to_owned());
    }
    problems.extend(current_is_live(sim, secret_id, kind, user_id));
    if kind == CredentialKind::ConsolePassword {
        let current_password = current.first().and_then(|v| v.content["password"].as_str().map(str::to_owned));
        if current_password.is_none() || current_password != sim.ui_password(user_id) {
            problems.push("the CURRENT version does not hold the user's console password".to_owned());
        }
    }
    let iam = iam_credentials(sim, kind, user_id);
    for u in unmanaged {
        if !iam.contains(u) {
            problems.push(format!("the unmanaged credential {u} was deleted"));
        }
    }
    if iam.len() > limit(kind) {
        problems.push(format!("IAM holds {} credentials, over the limit of {}", iam.len(), limit(kind)));
    }
    if kind != CredentialKind::ConsolePassword {
        let of = |v: &&VersionView| version_credential(sim, secret_id, kind, user_id, v);
        let mut allowed: BTreeSet<String> = current.iter().filter_map(of).collect();
        if previous == PreviousCredential::KeepUntilNextRotation {
            allowed.extend(with("PREVIOUS").iter().filter_map(of));
        }
        for id in iam.difference(unmanaged) {
            if !allowed.contains(id) {
                problems.push(format!("IAM holds {id}, which is neither CURRENT nor (kept) PREVIOUS: a leaked credential"));
            }
        }
    }
    problems
}

/// "No lockout": the CURRENT version's credential is live in IAM (console passwords excepted
/// between CREATE_PENDING_VERSION and PROMOTE_PENDING_VERSION, where IAM replaced it in place).
pub fn current_is_live(sim: &Simulator, secret_id: &str, kind: CredentialKind, user_id: &str) -> Vec<String> {
    let versions = sim.secret_versions(secret_id);
    let Some(current) = versions.iter().find(|v| v.stages.iter().any(|s| s == "CURRENT")) else {
        return vec!["no CURRENT version".to_owned()];
    };
    let live = match kind {
        CredentialKind::ApiKey => credential_of(kind, &current.content)
            .is_some_and(|fp| sim.api_keys(user_id).iter().any(|k| k.fingerprint == fp && k.state == "ACTIVE")),
        CredentialKind::AuthToken => credential_of(kind, &current.content)
            .is_some_and(|id| sim.auth_tokens(user_id).iter().any(|c| c.id == id && c.state == "ACTIVE")),
        CredentialKind::CustomerSecretKey => credential_of(kind, &current.content)
            .is_some_and(|id| sim.customer_secret_keys(user_id).iter().any(|c| c.id == id && c.state == "ACTIVE")),
        // IAM replaces a console password in place when CREATE_PENDING_VERSION resets it: the
        // contract exempts it from "no lockout between steps". The user must still have one.
        CredentialKind::ConsolePassword => sim.ui_password(user_id).is_some(),
        // Live, and holding the value IAM accepts (the secret field of the content).
        CredentialKind::SmtpCredential | CredentialKind::OAuth2ClientCredential | CredentialKind::DbCredential => {
            let held = held_secret(kind, current);
            version_credential(sim, secret_id, kind, user_id, current).is_some_and(|id| {
                sim.credentials(user_id, kind).iter().any(|c| c.id == id && c.state == "ACTIVE")
                    && held.is_some()
                    && sim.credential_secret(user_id, kind, &id) == held
            }) && (kind != CredentialKind::SmtpCredential
                || credential_of(kind, &current.content)
                    .and_then(|id| sim.credentials(user_id, kind).into_iter().find(|c| c.id == id))
                    .and_then(|c| c.username)
                    .as_deref()
                    == current.content["username"].as_str())
        }
    };
    if live {
        Vec::new()
    } else {
        vec![format!("the CURRENT version {}'s credential is not live in IAM (lockout)", current.version_number)]
    }
}
