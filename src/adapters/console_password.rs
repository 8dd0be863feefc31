//! Console passwords (`CONSOLE_PASSWORD`). Content: `password` (IAM's one-time password).
//!
//! CREATE_PENDING_VERSION calls CreateOrResetUIPassword and stores the one-time password IAM
//! returns as the PENDING version. IAM replaces the password in place: the previous one stops
//! working at once (the one exception to "CURRENT is always live"), and the user must choose a new
//! password at the next sign-in (a one-time password expires after 7 days). Live: the user is
//! ACTIVE and IAM reports a console password for them. There is nothing to retire.

use std::time::Duration;

use secrecy::SecretString;

use super::{wait_until, Error, NewPending, Target, TargetAdapter, Version};
use crate::binding::BoundUser;
use crate::secret::{CredentialKind, SecretContent};

/// The console-password adapter.
pub struct ConsolePasswordAdapter;

/// The id every console-password version holds: a user has one password.
pub const CREDENTIAL_ID: &str = "console-password";

impl TargetAdapter for ConsolePasswordAdapter {
    const KIND: CredentialKind = CredentialKind::ConsolePassword;

    fn credential_id(&self, _t: &Target<'_>, content: &SecretContent) -> Result<String, Error> {
        match content.str_field("password") {
            Some(p) if !p.is_empty() => Ok(CREDENTIAL_ID.to_owned()),
            _ => Err(Error::InvalidContent("the content has no password (a string)".to_owned())),
        }
    }

    async fn is_live(&self, t: &Target<'_>, _version: &Version) -> Result<bool, Error> {
        let user = match t.client.get_user(&t.config.user_id).await {
            Ok(u) => u,
            Err(e) if e.is_not_found() => return Err(Error::UserNotFound(t.config.user_id.clone())),
            Err(e) => return Err(e.into()),
        };
        if user.lifecycle_state != "ACTIVE" {
            return Ok(false);
        }
        Ok(t.client.get_ui_password_information(&t.config.user_id).await?.is_some())
    }

    async fn new_pending(&self, t: &Target<'_>, current: &Version) -> Result<NewPending, Error> {
        // The step's only IAM write: the user must name the secret (contract 4.1).
        let bound = t.bind().await?;
        let password = t.client.create_or_reset_ui_password(&bound).await?.ok_or_else(|| {
            Error::Conflict("IAM reset the console password but returned no one-time password (identity-domain tenancies e-mail a reset link instead); this secret cannot be rotated by the function".to_owned())
        })?;
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
        Ok(format!("console password of {} was reset; the user must choose a new one at the next sign-in", t.config.user_id))
    }

    async fn retire(&self, _t: &Target<'_>, _user: &BoundUser, _old: &Version) -> Result<(), Error> {
        Ok(())
    }
}
