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

use std::collections::BTreeSet;
use std::time::Duration;

use secrecy::SecretString;

use super::directory::domain_base;
use super::{wait_until, Error, NewPending, Target, TargetAdapter, Version};
use crate::binding::BoundUser;
use crate::oci::identity_domains::{PasswordPolicy, UserNames};
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

/// The strictest value of every rule across the policies the domain lists (which one applies to
/// the user is the domain's business: meeting all of them meets it), with the user's names kept
/// out where a policy says so; then the function's own preferences (24 characters, two of each
/// letter case and digits, one special character) where they still fit. Policies no password can
/// meet: the error names the rule, and nothing has been written.
pub fn rules_for(policies: &[PasswordPolicy], names: &UserNames) -> Result<Rules, passwords::PasswordError> {
    let mut min_length = 0;
    let mut max_length: Option<usize> = None;
    let mut specials: Option<BTreeSet<char>> = None;
    let mut policy = Rules { min_lower: 0, min_upper: 0, min_digits: 0, min_special: 0, max_special: usize::MAX, ..Rules::default() };
    let strictest_max = |current: Option<usize>, new: Option<usize>| match new.filter(|m| *m > 0) {
        Some(m) => Some(current.map_or(m, |c| c.min(m))),
        None => current,
    };
    for p in policies {
        min_length = min_length.max(p.min_length.unwrap_or(0));
        max_length = strictest_max(max_length, p.max_length);
        policy.min_lower = policy.min_lower.max(p.min_lower_case.unwrap_or(0));
        policy.min_upper = policy.min_upper.max(p.min_upper_case.unwrap_or(0));
        policy.min_digits = policy.min_digits.max(p.min_numerals.unwrap_or(0));
        policy.min_special = policy.min_special.max(p.min_special_chars.unwrap_or(0));
        policy.max_special = strictest_max(Some(policy.max_special), p.max_special_chars).unwrap_or(usize::MAX);
        policy.min_alphas = policy.min_alphas.max(p.min_alphas.unwrap_or(0));
        policy.min_alphanumerals = policy.min_alphanumerals.max(p.min_alpha_numerals.unwrap_or(0));
        policy.min_unique = policy.min_unique.max(p.min_unique_chars.unwrap_or(0));
        policy.max_repeated = strictest_max(policy.max_repeated, p.max_repeated_chars);
        policy.starts_with_letter |= p.starts_with_alphabet == Some(true);
        if let Some(d) = &p.disallowed_chars {
            policy.disallowed.push_str(d);
        }
        if let Some(allowed) = p.allowed_chars.as_deref().filter(|a| !a.is_empty()) {
            // The special characters the policy allows (letters and digits are always allowed).
            let these: BTreeSet<char> = allowed.chars().filter(|c| !c.is_ascii_alphanumeric()).collect();
            specials = Some(match specials {
                Some(before) => before.intersection(&these).copied().collect(),
                None => these,
            });
        }
        policy.disallowed_substrings.extend(p.disallowed_substrings.iter().flatten().filter(|s| !s.is_empty()).cloned());
        for (flag, name) in [
            (p.user_name_disallowed, &names.user_name),
            (p.first_name_disallowed, &names.first_name),
            (p.last_name_disallowed, &names.last_name),
        ] {
            if let (Some(true), Some(name)) = (flag, name.as_ref().filter(|n| !n.is_empty())) {
                policy.disallowed_substrings.push(name.clone());
            }
        }
    }
    policy.specials = specials.map(|set| set.into_iter().collect());
    // The policies alone decide what is impossible; the function's preferences only add to them.
    let required = passwords::for_policy(min_length, max_length, policy.clone())?;
    let default = Rules::default();
    let preferred = Rules {
        min_lower: policy.min_lower.max(default.min_lower),
        min_upper: policy.min_upper.max(default.min_upper),
        min_digits: policy.min_digits.max(default.min_digits),
        min_special: policy.min_special.max(default.min_special),
        max_special: policy.max_special.min(default.max_special.max(policy.min_special)),
        ..policy
    };
    Ok(passwords::for_policy(min_length, max_length, preferred).unwrap_or(required))
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
            let policies = t.client.domain_password_policies(&base).await?;
            // The user's names, only when a policy keeps them out of passwords.
            let names = if policies.iter().any(PasswordPolicy::disallows_names) {
                match t.client.domain_user(&base, &t.config.user_id, false).await {
                    Ok(u) => u.names,
                    Err(e) if e.is_not_found() => return Err(Error::UserNotFound(t.config.user_id.clone())),
                    Err(e) => return Err(e.into()),
                }
            } else {
                UserNames::default()
            };
            // Before any write: a policy no password meets is a 409 naming the rule.
            let refused =
                |e: passwords::PasswordError| Error::Conflict(format!("the identity domain's password policies: {e}; nothing was changed"));
            let rules = rules_for(&policies, &names).map_err(refused)?;
            let password = passwords::generate(&rules).map_err(refused)?;
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
                max_repeated_chars: Some(2),
                starts_with_alphabet: Some(true),
                allowed_chars: Some("!#-".to_owned()),
                user_name_disallowed: Some(true),
                ..Default::default()
            },
            PasswordPolicy { allowed_chars: Some("#-_".to_owned()), max_repeated_chars: Some(3), ..Default::default() },
        ];
        let names = UserNames { user_name: Some("alice".to_owned()), first_name: Some("Al".to_owned()), last_name: None };
        let r = rules_for(&policies, &names).unwrap();
        assert_eq!((r.length, r.min_upper, r.min_digits, r.max_special, r.min_special), (30, 3, 2, 1, 1));
        assert_eq!(r.disallowed, "#");
        assert_eq!((r.max_repeated, r.starts_with_letter), (Some(2), true));
        assert_eq!(r.specials.as_deref(), Some("#-"), "only what every policy allows");
        assert_eq!(r.disallowed_substrings, vec!["alice".to_owned()], "the first name is not disallowed by any policy");
    }

    #[test]
    fn an_impossible_policy_names_its_rule() {
        let policies = [PasswordPolicy { min_length: Some(30), max_length: Some(20), ..Default::default() }];
        match rules_for(&policies, &UserNames::default()) {
            Err(passwords::PasswordError::Unsatisfiable { rule, .. }) => assert_eq!(rule, "minLength"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_functions_preferences_give_way_to_a_tight_policy() {
        // Six characters, no special character allowed: the default two-of-each and one special
        // would not fit, the policy alone does.
        let policies =
            [PasswordPolicy { max_length: Some(6), max_special_chars: None, allowed_chars: Some("a".to_owned()), ..Default::default() }];
        let r = rules_for(&policies, &UserNames::default()).unwrap();
        assert_eq!((r.length, r.min_special), (6, 0));
    }
}
