//! The simulator's public API for identity domains, for tests and the demo: the Default domain,
//! SECONDARY domains and their users, domain URLs and lifecycle states, and a user's SCIM id. The
//! credential accessors of [`Simulator`] (`api_keys`, `auth_tokens`, `ui_password`, `bind_user`...)
//! take a user OCID of any domain.

use super::domains::{Domain, PasswordPolicy};
use super::error::SimError;
use super::{DomainView, Simulator};

impl Simulator {
    fn view(&self, d: &Domain) -> DomainView {
        DomainView { id: d.id.clone(), url: d.url(&self.endpoint().unwrap_or_default()) }
    }

    /// The Default domain (it exists, but is not listed, in a tenancy without identity domains).
    pub fn default_domain(&self) -> DomainView {
        let d = self.state().domains.default_domain().clone();
        self.view(&d)
    }

    /// Creates an ACTIVE SECONDARY domain named `name`, served at once on a port of its own when
    /// the simulator serves its domains already ([`Simulator::serve_domains`]).
    pub fn create_domain(&self, name: &str) -> DomainView {
        let id = self.state().domains.add(name).id.clone();
        self.domain_added();
        let d = self.state().domains.any(&id).cloned();
        d.map(|d| self.view(&d)).unwrap_or_default()
    }

    /// Creates an ACTIVE user in the domain `domain_id`; returns its OCID. The classic API does not
    /// serve users of a SECONDARY domain. An unknown `domain_id` gives a user no API serves.
    pub fn create_domain_user(&self, domain_id: &str, name: &str) -> String {
        let mut st = self.state();
        if st.domains.any(domain_id).is_none() {
            tracing::warn!(domain_id, "create_domain_user: no such identity domain; no API will serve the user");
        }
        st.iam.add_user_in(domain_id, name)
    }

    /// The domain's URL (`http://127.0.0.1:<its own port>` once served, see `DomainView::url`), if
    /// the domain exists.
    pub fn domain_url(&self, domain_id: &str) -> Option<String> {
        let d = self.state().domains.any(domain_id).cloned()?;
        Some(self.view(&d).url)
    }

    /// Sets a domain's lifecycle state (`ACTIVE`, `INACTIVE`, `CREATING`, `DELETING`). A domain that
    /// is not ACTIVE answers 404 at its URL; GetDomain and ListDomains show the state.
    pub fn set_domain_state(&self, domain_id: &str, state: &str) -> Result<(), SimError> {
        self.state().domains.set_state(domain_id, state)
    }

    /// Replaces the password policy of the domain `domain_id` with `policy`, a SCIM
    /// `PasswordPolicy` JSON object (`minLength`, `maxRepeatedChars`, `allowedChars`,
    /// `disallowedSubstrings`, `userNameDisallowed`...): ListPasswordPolicies lists it and
    /// UserPasswordChanger enforces it (400 naming the rule). 400 for JSON that is not a policy,
    /// 404 for an unknown domain.
    pub fn set_password_policy(&self, domain_id: &str, policy: &serde_json::Value) -> Result<(), SimError> {
        let policy = PasswordPolicy::from_json(policy)?;
        self.state().domains.set_policy(domain_id, policy)
    }

    /// The domain's password policy as ListPasswordPolicies lists it, if the domain exists.
    pub fn password_policy(&self, domain_id: &str) -> Option<serde_json::Value> {
        self.state().domains.any(domain_id).map(|d| d.policy.json())
    }

    /// [`Simulator::set_password_policy`] for every domain the tenancy has now.
    pub fn set_password_policy_everywhere(&self, policy: &serde_json::Value) -> Result<(), SimError> {
        let policy = PasswordPolicy::from_json(policy)?;
        let mut st = self.state();
        for id in st.domains.ids() {
            st.domains.set_policy(&id, policy.clone())?;
        }
        Ok(())
    }

    /// The OCID of the user's identity domain.
    pub fn user_domain(&self, user_id: &str) -> Option<String> {
        self.state().iam.users.get(user_id).map(|u| u.domain_id.clone())
    }

    /// The user's name (its domain's `userName`, also listed as its family name).
    pub fn user_name(&self, user_id: &str) -> Option<String> {
        self.state().iam.users.get(user_id).map(|u| u.name.clone())
    }

    /// The user's SCIM id (32 hex) in its domain.
    pub fn user_scim_id(&self, user_id: &str) -> Option<String> {
        self.state().iam.users.get(user_id).map(|u| u.scim_id.clone())
    }
}
