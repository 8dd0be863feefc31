//! Everything one simulated tenancy holds: its identity domains, its IAM, its vault, the answers remembered for
//! `opc-retry-token` replays, messages published to notification topics, Cloud Guard problems, Monitoring's metrics and alarms, and the key that signs
//! the resource-principal tokens it issues.

use std::collections::{BTreeMap, HashMap};

use super::answer::Answer;
use super::domains::model::Domains;
use super::identity::compartments::Compartment;
use super::identity::iam::{CreatedResource, Iam};
use super::ids;
use super::vault::model::Vault;

/// A creating call's answer, kept for replays of the same `opc-retry-token`.
pub(crate) struct Remembered {
    pub answer: Answer,
    /// What must still exist for the replay to be answered (else 409 `InvalidatedRetryToken`).
    pub resource: Option<CreatedResource>,
}

/// A message published to a notification topic.
#[derive(Debug, Clone)]
pub(crate) struct Published {
    pub topic: String,
    pub title: String,
    pub body: String,
}

pub(crate) struct State {
    pub tenancy_id: String,
    pub domains: Domains,
    pub iam: Iam,
    pub vault: Vault,
    /// Compartments under the tenancy (the root compartment is the tenancy itself): id -> compartment.
    pub compartments: BTreeMap<String, Compartment>,
    /// (path, retry token) -> remembered answer.
    pub retry_tokens: HashMap<(String, String), Remembered>,
    pub published: Vec<Published>,
    /// Cloud Guard problem OCID -> the problem (GetProblem's JSON).
    pub problems: HashMap<String, serde_json::Value>,
    /// Secret OCID -> the outcome of the last rotation the simulated Vault ran for it.
    pub rotations: HashMap<String, super::views::RotationRecord>,
    /// Monitoring's metrics and alarms.
    pub monitoring: super::monitoring::Monitoring,
    /// HS256 key of the RPSTs this simulator issues.
    pub rpst_key: [u8; 32],
    /// Operations refused to the function's resource principal (`simulate --deny-function-op`).
    pub function_denied: std::collections::BTreeSet<String>,
}

impl State {
    /// A tenancy with a Default identity domain, shown only when `identity_domains` is true.
    pub(crate) fn new(identity_domains: bool) -> Self {
        let domains = Domains::new(identity_domains);
        let iam = Iam::new(&domains.default_domain().id);
        State {
            tenancy_id: ids::ocid("ocid1.tenancy.oc1..aaaaaaaa"),
            domains,
            iam,
            vault: Vault::new(),
            compartments: BTreeMap::new(),
            retry_tokens: HashMap::new(),
            published: Vec::new(),
            problems: HashMap::new(),
            rotations: HashMap::new(),
            monitoring: Default::default(),
            rpst_key: rand::random(),
            function_denied: std::collections::BTreeSet::new(),
        }
    }
}

impl State {
    /// True for the root compartment (the tenancy) and every compartment below it.
    pub(crate) fn is_compartment(&self, id: &str) -> bool {
        id == self.tenancy_id || self.compartments.contains_key(id)
    }
}
