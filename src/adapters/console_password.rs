//! Console passwords (`CONSOLE_PASSWORD`). Content: `password`.
//!
//! Where the password is set depends on the tenancy (contract 4.2):
//!
//! - **A tenancy with identity domains** (ListDomains is not empty: every tenancy created since
//!   identity domains exist). The classic `CreateOrResetUIPassword` there e-mails the user a reset
//!   link and returns no password, so it is never called: the function generates a password (OS
//!   RNG, to the domain's password policies) and sets it with the domain's `UserPasswordChanger`,
//!   `bypassNotification: true`: a known value, no e-mail, no forced change at the next sign-in.
//!   The user's domain is `domainId`, or the Default domain for a secret without it. No usable
//!   domain (no ACTIVE Default domain): 409, nothing changed. Live: the user is active and the
//!   domain reports a password set.
//! - **A tenancy without identity domains.** CREATE_PENDING_VERSION calls CreateOrResetUIPassword
//!   and stores IAM's one-time password; the user must choose a new one at the next sign-in (it
//!   expires after 7 days). Live: the user is ACTIVE and IAM reports a console password.
//!
//! Either way the new password replaces the old one at once (the one exception to "CURRENT is
//! always live"), and there is nothing to retire.

use std::time::Duration;

use secrecy::SecretString;

use super::directory::domain_base;
use super::{wait_until, Error, NewPending, Target, TargetAdapter, Version};
use crate::binding::BoundUser;
use crate::oci::identity_domains::PasswordPolicy;
use crate::passwords::{self, Rules};
use crate::secret::{CredentialKind, SecretContent};

/// The console-password adapter.
pub struct ConsolePasswordAdapter;

/// The id every console-password version holds: a user has one password.
pub const CREDENTIAL_ID: &str = "console-password";

/// Where the user's console password is set.
enum PasswordStore {
    /// The classic API (a tenancy without identity domains).
    Classic,
    /// An identity domain's REST API, at this base URL.
    Domain(String),
}

async fn password_store(t: &Target<'_>) -> Result<PasswordStore, Error> {
    if let Some(domain_id) = t.config.domain_id.as_deref() {
        return Ok(PasswordStore::Domain(domain_base(t, domain_id).await?));
    }
    let domains = match t.client.identity_domains().await {
        Ok(d) => d,
        // Not knowing is not "no domains": the classic reset would e-mail a link and lock the
        // user out in a tenancy that has them.
        Err(e) if e.is_not_found() => {
            return Err(Error::Conflict(format!(
                "cannot tell whether the tenancy has identity domains ({e}): grant the function `inspect domains in tenancy`; nothing was changed"
            )))
        }
        Err(e) => return Err(e.into()),
    };
    if domains.is_empty() {
        return Ok(PasswordStore::Classic);
    }
    match domains.iter().find(|d| d.is_default()) {
        Some(d) if d.lifecycle_state == "ACTIVE" => Ok(PasswordStore::Domain(d.url.clone())),
        found => Err(Error::Conflict(format!(
            "the tenancy has identity domains, where the classic password reset e-mails a link and returns no password, and its Default domain is {}; nothing was changed (set metadata.domainId to the user's domain)",
            found.map_or("not listed".to_owned(), |d| format!("{} ({})", d.lifecycle_state, d.id))
        ))),
    }
}

/// The strictest rules of every policy the domain lists (which one applies to the user is the
/// domain's business: satisfying all of them satisfies it).
fn rules_for(policies: &[PasswordPolicy]) -> Rules {
    let mut rules = Rules::default();
    for p in policies {
        rules.length = rules.length.max(p.min_length.unwrap_or(0));
        rules.min_lower = rules.min_lower.max(p.min_lower_case.unwrap_or(0));
        rules.min_upper = rules.min_upper.max(p.min_upper_case.unwrap_or(0));
        rules.min_digits = rules.min_digits.max(p.min_numerals.unwrap_or(0));
        rules.min_special = rules.min_special.max(p.min_special_chars.unwrap_or(0));
        if let Some(max) = p.max_special_chars.filter(|m| *m > 0) {
            rules.max_special = rules.max_special.min(max);
            rules.min_special = rules.min_special.min(max);
        }
        if let Some(max) = p.max_length.filter(|m| *m > 0) {
            rules.length = rules.length.min(max);
        }
        if let Some(d) = &p.disallowed_chars {
            rules.disallowed.push_str(d);
        }
    }
    rules
}

/// Gives the user a new console password and returns it: set with the domain's
/// `UserPasswordChanger` (a generated one) in a tenancy with identity domains, else reset with the
/// classic API (IAM's one-time password). `bind` is called right before the write and yields the
/// proof it takes (the rotation checks the binding there; `enroll` binds after the secret exists).
pub(crate) async fn set_new_password<F, Fut>(t: &Target<'_>, bind: F) -> Result<SecretString, Error>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<BoundUser, Error>>,
{
    match password_store(t).await? {
        PasswordStore::Domain(base) => {
            // The user's SCIM id addresses `UserPasswordChanger/{id}`; a user not in the domain is a
            // 404 before any write (contract 4.2).
            let user_scim_id = match t.client.domain_user_id(&base, &t.config.user_id).await {
                Ok(id) => id,
                Err(e) if e.is_not_found() => return Err(Error::UserNotFound(t.config.user_id.clone())),
                Err(e) => return Err(e.into()),
            };
            let rules = rules_for(&t.client.domain_password_policies(&base).await?);
            let password = passwords::generate(&rules).map_err(|e| Error::Conflict(format!("identity domain password policy: {e}")))?;
            let bound = bind().await?;
            match t.client.set_domain_password(&base, &bound, &user_scim_id, &password).await {
                Ok(()) => Ok(password),
                Err(e) if e.is_not_found() => Err(Error::UserNotFound(t.config.user_id.clone())),
                Err(e) => Err(e.into()),
            }
        }
        PasswordStore::Classic => {
            let bound = bind().await?;
            t.client.create_or_reset_ui_password(&bound).await?.ok_or_else(|| {
                Error::Conflict("IAM reset the console password but returned no one-time password (identity-domain tenancies e-mail a reset link instead); this secret cannot be rotated by the function".to_owned())
            })
        }
    }
}

impl TargetAdapter for ConsolePasswordAdapter {
    const KIND: CredentialKind = CredentialKind::ConsolePassword;

    fn credential_id(&self, _t: &Target<'_>, content: &SecretContent) -> Result<String, Error> {
        match content.str_field("password") {
            Some(p) if !p.is_empty() => Ok(CREDENTIAL_ID.to_owned()),
            _ => Err(Error::InvalidContent("the content has no password (a string)".to_owned())),
        }
    }

    async fn is_live(&self, t: &Target<'_>, _version: &Version) -> Result<bool, Error> {
        let user_id = &t.config.user_id;
        match password_store(t).await? {
            PasswordStore::Domain(base) => match t.client.domain_user(&base, user_id, true).await {
                Ok(u) => Ok(u.active && u.password_set),
                Err(e) if e.is_not_found() => Err(Error::UserNotFound(user_id.clone())),
                Err(e) => Err(e.into()),
            },
            PasswordStore::Classic => {
                let user = match t.client.get_user(user_id).await {
                    Ok(u) => u,
                    Err(e) if e.is_not_found() => return Err(Error::UserNotFound(user_id.clone())),
                    Err(e) => return Err(e.into()),
                };
                if user.lifecycle_state != "ACTIVE" {
                    return Ok(false);
                }
                Ok(t.client.get_ui_password_information(user_id).await?.is_some())
            }
        }
    }

    async fn new_pending(&self, t: &Target<'_>, current: &Version) -> Result<NewPending, Error> {
        // The step's only IAM write: the user must name the secret (contract 4.1).
        let password = set_new_password(t, || t.bind()).await?;
        let content = current.content.next_version(
            &["password"],
            vec![("password", SecretString::from(secrecy::ExposeSecret::expose_secret(&password).to_owned()))],
        );
        Ok(NewPending::Content(content, CREDENTIAL_ID.to_owned()))
    }

    async fn apply_pending(&self, t: &Target<'_>, _current: &Version, pending: &Version) -> Result<String, Error> {
        if !wait_until(t.client, Duration::from_secs(30), || self.is_live(t, pending)).await? {
            return Err(Error::Conflict(format!("user {} is not ACTIVE or has no console password", t.config.user_id)));
        }
        Ok(match password_store(t).await? {
            PasswordStore::Domain(_) => format!("console password of {} was set in its identity domain", t.config.user_id),
            PasswordStore::Classic => {
                format!("console password of {} was reset; the user must choose a new one at the next sign-in", t.config.user_id)
            }
        })
    }

    async fn retire(&self, _t: &Target<'_>, _user: &BoundUser, _old: &Version) -> Result<(), Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rules_are_the_strictest_of_every_policy() {
        let policies = [
            PasswordPolicy { min_length: Some(8), max_length: Some(40), min_numerals: Some(1), ..Default::default() },
            PasswordPolicy {
                min_length: Some(30),
                min_upper_case: Some(3),
                max_special_chars: Some(1),
                disallowed_chars: Some("#".to_owned()),
                ..Default::default()
            },
        ];
        let r = rules_for(&policies);
        assert_eq!((r.length, r.min_upper, r.min_digits, r.max_special, r.min_special), (30, 3, 2, 1, 1));
        assert_eq!(r.disallowed, "#");
    }
}
