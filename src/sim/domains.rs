//! The tenancy's identity domains: the Default domain (type `DEFAULT`, holding every user made the
//! classic way) and SECONDARY ones, each with a SCIM name `idcs-<32 hex>`, a URL, a lifecycle
//! state and a password policy. Like OCI's `https://idcs-<hex>.identity.oraclecloud.com`, a served
//! domain's URL has no path: `http://127.0.0.1:<port>`, a loopback listener of its own (see
//! `Simulator::serve_domains`); before it has one, the URL is the fallback
//! `<simulator endpoint>/idcs-<hex>`, which the simulator routes too. A legacy tenancy (`SimOptions::identity_domains` false) still keeps its Default domain inside, but
//! shows no domain: ListDomains answers `[]` and no domain URL answers. Pure data and rules.

use serde::Deserialize;
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

/// A domain's password policy: every rule of Oracle's SCIM `PasswordPolicy` that constrains a
/// password's text (field names as `oci/identity_domains/models/password_policy.py` spells them).
/// An absent rule, or a maximum of 0, constrains nothing. Deserialised from a policy's JSON for
/// [`Simulator::set_password_policy`](super::Simulator::set_password_policy) and
/// `simulate --password-policy`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PasswordPolicy {
    #[serde(default = "policy_id")]
    pub id: String,
    #[serde(default = "policy_name")]
    pub name: String,
    /// `Standard` (the default policy) or `Custom`.
    #[serde(default = "custom_strength")]
    pub password_strength: String,
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub max_length: Option<usize>,
    #[serde(default)]
    pub min_lower_case: Option<usize>,
    #[serde(default)]
    pub min_upper_case: Option<usize>,
    #[serde(default)]
    pub min_numerals: Option<usize>,
    #[serde(default)]
    pub min_special_chars: Option<usize>,
    #[serde(default)]
    pub max_special_chars: Option<usize>,
    #[serde(default)]
    pub min_alphas: Option<usize>,
    #[serde(default)]
    pub min_alpha_numerals: Option<usize>,
    #[serde(default)]
    pub min_unique_chars: Option<usize>,
    /// The longest run of one character.
    #[serde(default)]
    pub max_repeated_chars: Option<usize>,
    #[serde(default)]
    pub starts_with_alphabet: Option<bool>,
    /// The special characters a password may hold (letters and digits are always allowed).
    #[serde(default)]
    pub allowed_chars: Option<String>,
    #[serde(default)]
    pub disallowed_chars: Option<String>,
    /// Compared without regard to case.
    #[serde(default)]
    pub disallowed_substrings: Option<Vec<String>>,
    #[serde(default)]
    pub user_name_disallowed: Option<bool>,
    #[serde(default)]
    pub first_name_disallowed: Option<bool>,
    #[serde(default)]
    pub last_name_disallowed: Option<bool>,
}

fn policy_id() -> String {
    ids::hex(32)
}

fn policy_name() -> String {
    "customPasswordPolicy".to_owned()
}

fn custom_strength() -> String {
    "Custom".to_owned()
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy {
            id: ids::hex(32),
            name: "defaultPasswordPolicy".to_owned(),
            password_strength: "Standard".to_owned(),
            min_length: Some(8),
            max_length: Some(40),
            min_lower_case: Some(1),
            min_upper_case: Some(1),
            min_numerals: Some(1),
            min_special_chars: Some(0),
            max_special_chars: None,
            min_alphas: None,
            min_alpha_numerals: None,
            min_unique_chars: None,
            max_repeated_chars: None,
            starts_with_alphabet: Some(false),
            allowed_chars: None,
            disallowed_chars: None,
            disallowed_substrings: None,
            user_name_disallowed: Some(false),
            first_name_disallowed: Some(false),
            last_name_disallowed: Some(false),
        }
    }
}

/// A user's names as a policy refers to them: `userName`, first (given) and last (family) name.
pub(crate) struct PolicyNames<'a> {
    pub user_name: &'a str,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
}

impl PasswordPolicy {
    /// Parses a policy's JSON (SCIM field names); 400 naming what is wrong.
    pub(crate) fn from_json(v: &Value) -> Result<Self, SimError> {
        serde_json::from_value(v.clone()).map_err(|e| invalid(format!("not a PasswordPolicy: {e}")))
    }

    /// Refuses a password that breaks the policy (400, naming the rule, never the password).
    pub(crate) fn check(&self, password: &str, names: &PolicyNames<'_>) -> Result<(), SimError> {
        let count = |f: fn(&char) -> bool| password.chars().filter(f).count();
        let at_least = |n: Option<usize>| n.unwrap_or(0);
        let at_most = |n: Option<usize>| n.filter(|m| *m > 0).unwrap_or(usize::MAX);
        let len = password.chars().count();
        let specials = count(|c| !c.is_alphanumeric());
        let distinct = password.chars().collect::<std::collections::HashSet<char>>().len();
        let mut run = (0, None::<char>, 0);
        for c in password.chars() {
            run.0 = if run.1 == Some(c) { run.0 + 1 } else { 1 };
            run.1 = Some(c);
            run.2 = usize::max(run.2, run.0);
        }
        let lowered = password.to_lowercase();
        let holds = |s: &str| !s.is_empty() && lowered.contains(&s.to_lowercase());
        let name_rule = |flag: Option<bool>, name: Option<&str>| flag != Some(true) || !name.is_some_and(holds);
        let rules = [
            (len >= at_least(self.min_length), format!("minLength: at least {} characters", at_least(self.min_length))),
            (len <= at_most(self.max_length), format!("maxLength: at most {} characters", at_most(self.max_length))),
            (count(|c| c.is_lowercase()) >= at_least(self.min_lower_case), "minLowerCase: more lower-case letters".to_owned()),
            (count(|c| c.is_uppercase()) >= at_least(self.min_upper_case), "minUpperCase: more upper-case letters".to_owned()),
            (count(char::is_ascii_digit) >= at_least(self.min_numerals), "minNumerals: more numerals".to_owned()),
            (specials >= at_least(self.min_special_chars), "minSpecialChars: more special characters".to_owned()),
            (specials <= at_most(self.max_special_chars), "maxSpecialChars: fewer special characters".to_owned()),
            (count(|c| c.is_alphabetic()) >= at_least(self.min_alphas), "minAlphas: more letters".to_owned()),
            (count(|c| c.is_alphanumeric()) >= at_least(self.min_alpha_numerals), "minAlphaNumerals: more letters and numerals".to_owned()),
            (distinct >= at_least(self.min_unique_chars), "minUniqueChars: more distinct characters".to_owned()),
            (run.2 <= at_most(self.max_repeated_chars), "maxRepeatedChars: a character repeated too many times in a row".to_owned()),
            (
                self.starts_with_alphabet != Some(true) || password.chars().next().is_some_and(char::is_alphabetic),
                "startsWithAlphabet: it must start with a letter".to_owned(),
            ),
            (
                self.allowed_chars.as_deref().is_none_or(|a| password.chars().all(|c| c.is_alphanumeric() || a.contains(c))),
                "allowedChars: a special character the policy does not allow".to_owned(),
            ),
            (
                self.disallowed_chars.as_deref().is_none_or(|d| !password.chars().any(|c| d.contains(c))),
                "disallowedChars: a character the policy disallows".to_owned(),
            ),
            (!self.disallowed_substrings.iter().flatten().any(|s| holds(s)), "disallowedSubstrings: a disallowed substring".to_owned()),
            (name_rule(self.user_name_disallowed, Some(names.user_name)), "userNameDisallowed: it contains the user name".to_owned()),
            (name_rule(self.first_name_disallowed, names.first_name), "firstNameDisallowed: it contains the first name".to_owned()),
            (name_rule(self.last_name_disallowed, names.last_name), "lastNameDisallowed: it contains the last name".to_owned()),
        ];
        match rules.into_iter().find(|(ok, _)| !ok) {
            None => Ok(()),
            Some((_, rule)) => Err(invalid(format!("The password does not satisfy the password policy {}: {rule}", self.name))),
        }
    }

    /// The SCIM `PasswordPolicy` resource, with every rule (null where the policy sets none).
    pub(crate) fn json(&self) -> Value {
        json!({"schemas": ["urn:ietf:params:scim:schemas:oracle:idcs:PasswordPolicy"], "id": self.id, "name": self.name,
            "priority": 1, "passwordStrength": self.password_strength,
            "minLength": self.min_length, "maxLength": self.max_length, "minLowerCase": self.min_lower_case,
            "minUpperCase": self.min_upper_case, "minNumerals": self.min_numerals, "minSpecialChars": self.min_special_chars,
            "maxSpecialChars": self.max_special_chars, "minAlphas": self.min_alphas, "minAlphaNumerals": self.min_alpha_numerals,
            "minUniqueChars": self.min_unique_chars, "maxRepeatedChars": self.max_repeated_chars,
            "startsWithAlphabet": self.starts_with_alphabet, "allowedChars": self.allowed_chars,
            "disallowedChars": self.disallowed_chars, "disallowedSubstrings": self.disallowed_substrings,
            "userNameDisallowed": self.user_name_disallowed, "firstNameDisallowed": self.first_name_disallowed,
            "lastNameDisallowed": self.last_name_disallowed})
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

    /// Replaces the password policy of the domain `id`.
    pub(crate) fn set_policy(&mut self, id: &str, policy: PasswordPolicy) -> Result<(), SimError> {
        let d = self.list.iter_mut().find(|d| d.id == id).ok_or_else(|| not_found(&format!("identity domain {id}")))?;
        d.policy = policy;
        Ok(())
    }

    /// The OCIDs of every domain, visible or not.
    pub(crate) fn ids(&self) -> Vec<String> {
        self.list.iter().map(|d| d.id.clone()).collect()
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
