//! Everything one simulated tenancy holds: its identity domains, its IAM, its vault, the answers remembered for
//! `opc-retry-token` replays, messages published to notification topics, and the key that signs
//! the resource-principal tokens it issues.

use std::collections::HashMap;

use super::domains::Domains;
use super::iam::{CreatedResource, Iam};
use super::ids;
use super::response::Answer;
use super::vault_model::Vault;

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
    /// The compartments below the root (see `compartments`).
    pub compartments: super::compartments::Compartments,
    /// (path, retry token) -> remembered answer.
    pub retry_tokens: HashMap<(String, String), Remembered>,
    pub published: Vec<Published>,
    /// Secret OCID -> the outcome of the last rotation the simulated Vault ran for it.
    pub rotations: HashMap<String, super::views::RotationRecord>,
    /// HS256 key of the RPSTs this simulator issues.
    pub rpst_key: [u8; 32],
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
            compartments: Default::default(),
            retry_tokens: HashMap::new(),
            published: Vec::new(),
            rotations: HashMap::new(),
            rpst_key: rand::random(),
        }
    }
}
