//! The tenancy's identity domains: the Default domain (type `DEFAULT`, holding every user made the
//! classic way) and SECONDARY ones, each with a SCIM name `idcs-<32 hex>`, a URL, a lifecycle
//! state and a password policy. Like OCI's `https://idcs-<hex>.identity.oraclecloud.com`, a served
//! domain's URL has no path: `http://127.0.0.1:<port>`, a loopback listener of its own (see
//! `Simulator::serve_domains`); before it has one, the URL is the fallback
//! `<simulator endpoint>/idcs-<hex>`, which the simulator routes too. A legacy tenancy (`SimOptions::identity_domains` false) still keeps its Default domain inside, but
//! shows no domain: ListDomains answers `[]` and no domain URL answers. Pure data and rules.

use serde_json::{json, Value};

use super::error::{err, invalid, not_found, SimError};
use super::ids;

/// `DEFAULT` or `SECONDARY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DomainType {
    Default,
    Secondary,
}

impl DomainType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DomainType::Default => "DEFAULT",
            DomainType::Secondary => "SECONDARY",
        }
    }
}

/// A domain's password policy (the fields the simulator checks).
#[derive(Debug, Clone)]
pub(crate) struct PasswordPolicy {
    pub id: String,
    pub name: String,
    pub min_length: usize,
    pub max_length: usize,
    pub min_lower: usize,
    pub min_upper: usize,
    pub min_numerals: usize,
    pub min_special: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            id: ids::hex(32),
            name: "defaultPasswordPolicy".to_owned(),
            min_length: 8,
            max_length: 40,
            min_lower: 1,
            min_upper: 1,
            min_numerals: 1,
            min_special: 0,
        }
    }
}

impl PasswordPolicy {
    /// Refuses a password that breaks the policy (400, naming the rule, never the password).
    pub(crate) fn check(&self, password: &str) -> Result<(), SimError> {
        let count = |f: fn(&char) -> bool| password.chars().filter(f).count();
        let len = password.chars().count();
        let rules = [
            (len >= self.min_length, format!("at least {} characters", self.min_length)),
            (len <= self.max_length, format!("at most {} characters", self.max_length)),
            (count(char::is_ascii_lowercase) >= self.min_lower, format!("at least {} lower-case letters", self.min_lower)),
            (count(char::is_ascii_uppercase) >= self.min_upper, format!("at least {} upper-case letters", self.min_upper)),
            (count(char::is_ascii_digit) >= self.min_numerals, format!("at least {} numerals", self.min_numerals)),
            (count(|c| !c.is_ascii_alphanumeric()) >= self.min_special, format!("at least {} special characters", self.min_special)),
        ];
        match rules.into_iter().find(|(ok, _)| !ok) {
            None => Ok(()),
            Some((_, rule)) => {
                Err(invalid(format!("The password does not satisfy the password policy {}: it must have {rule}", self.name)))
            }
        }
    }

    /// The SCIM `PasswordPolicy` resource.
    pub(crate) fn json(&self) -> Value {
        json!({"schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:PasswordPolicy"], "id": self.id, "name": self.name,
            "priority": 1, "minLength": self.min_length, "maxLength": self.max_length, "minLowerCase": self.min_lower,
            "minUpperCase": self.min_upper, "minNumerals": self.min_numerals, "minSpecialChars": self.min_special,
            "passwordStrength": "Standard"})
    }
}

/// One identity domain.
#[derive(Debug, Clone)]
pub(crate) struct Domain {
    /// `ocid1.domain.oc1..…`
    pub id: String,
    /// The 32 hex digits of its `idcs-<hex>` URL part.
    pub hex: String,
    pub name: String,
    pub kind: DomainType,
    /// `ACTIVE`, `INACTIVE`...
    pub state: String,
    pub time_created: String,
    pub policy: PasswordPolicy,
    /// `http://127.0.0.1:<port>` once a listener of its own serves the domain.
    pub served_at: Option<String>,
}

impl Domain {
    fn new(name: &str, kind: DomainType) -> Self {
        Domain {
            id: ids::ocid("ocid1.domain.oc1..aaaaaaaa"),
            hex: ids::hex(32),
            name: name.to_owned(),
            kind,
            state: "ACTIVE".to_owned(),
            time_created: ids::now_rfc3339(),
            policy: PasswordPolicy::default(),
            served_at: None,
        }
    }

    /// The domain's URL: its own listener's `http://127.0.0.1:<port>` (no path, as OCI's), or,
    /// before it has one, `<base>/idcs-<hex>` on a simulator served at `base`.
    pub(crate) fn url(&self, base: &str) -> String {
        match &self.served_at {
            Some(url) => url.clone(),
            None => format!("{}/idcs-{}", base.trim_end_matches('/'), self.hex),
        }
    }

    /// The classic `Domain` (and `DomainSummary`) model.
    pub(crate) fn json(&self, tenancy: &str, base: &str) -> Value {
        let url = self.url(base);
        json!({"id": self.id, "compartmentId": tenancy, "displayName": self.name,
            "description": format!("simulated identity domain {}", self.name), "url": url, "homeRegionUrl": url,
            "homeRegion": "us-ashburn-1", "replicaRegions": [], "type": self.kind.as_str(),
            "licenseType": if self.kind == DomainType::Default { "free" } else { "oracle-apps-premium" },
            "isHiddenOnLogin": false, "timeCreated": self.time_created, "lifecycleState": self.state,
            "freeformTags": {}, "definedTags": {}})
    }
}

/// The tenancy's domains, Default first.
pub(crate) struct Domains {
    /// False: a legacy tenancy (no domain is shown).
    pub enabled: bool,
    list: Vec<Domain>,
}

impl Domains {
    pub(crate) fn new(enabled: bool) -> Self {
        Domains { enabled, list: vec![Domain::new("Default", DomainType::Default)] }
    }

    /// The Default domain.
    pub(crate) fn default_domain(&self) -> &Domain {
        &self.list[0]
    }

    /// Every domain, when the tenancy has identity domains.
    pub(crate) fn visible(&self) -> &[Domain] {
        if self.enabled {
            &self.list
        } else {
            &[]
        }
    }

    /// A visible domain by OCID.
    pub(crate) fn get(&self, id: &str) -> Result<&Domain, SimError> {
        self.visible().iter().find(|d| d.id == id).ok_or_else(|| not_found(&format!("identity domain {id}")))
    }

    /// Any domain by OCID, visible or not (for the simulator's own API).
    pub(crate) fn any(&self, id: &str) -> Option<&Domain> {
        self.list.iter().find(|d| d.id == id)
    }

    /// The visible, ACTIVE domain served under `idcs-<hex>` (404 otherwise, as an unknown host).
    pub(crate) fn serving(&self, hex: &str) -> Result<&Domain, SimError> {
        let d = self.visible().iter().find(|d| d.hex == hex).ok_or_else(|| not_found(&format!("identity domain idcs-{hex}")))?;
        if d.state != "ACTIVE" {
            return Err(not_found(&format!("identity domain idcs-{hex} is {}", d.state)));
        }
        Ok(d)
    }

    /// (OCID, hex) of every domain, visible or not, that no listener of its own serves yet.
    pub(crate) fn unserved(&self) -> Vec<(String, String)> {
        self.list.iter().filter(|d| d.served_at.is_none()).map(|d| (d.id.clone(), d.hex.clone())).collect()
    }

    /// Records the URL of the listener serving the domain `id`.
    pub(crate) fn set_served_at(&mut self, id: &str, url: String) {
        if let Some(d) = self.list.iter_mut().find(|d| d.id == id) {
            d.served_at = Some(url);
        }
    }

    /// Adds a SECONDARY domain; returns it.
    pub(crate) fn add(&mut self, name: &str) -> &Domain {
        self.list.push(Domain::new(name, DomainType::Secondary));
        &self.list[self.list.len() - 1]
    }

    /// Sets a domain's lifecycle state.
    pub(crate) fn set_state(&mut self, id: &str, state: &str) -> Result<(), SimError> {
        const STATES: [&str; 4] = ["CREATING", "ACTIVE", "DELETING", "INACTIVE"];
        if !STATES.contains(&state) {
            return Err(err(400, "InvalidParameter", format!("lifecycleState must be one of {STATES:?}")));
        }
        let d = self.list.iter_mut().find(|d| d.id == id).ok_or_else(|| not_found(&format!("identity domain {id}")))?;
        d.state = state.to_owned();
        Ok(())
    }
}
