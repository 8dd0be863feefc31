//! The tenancy's compartments (below the root compartment, which is the tenancy itself) and
//! Identity's ListCompartments (`GET /20160918/compartments`): the children of a compartment, or,
//! with `compartmentIdInSubtree=true` on the root, every compartment of the tenancy; paged with
//! `limit` and `page` (`opc-next-page`). Secrets may be created in any of them.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::error::{err, invalid, not_found, SimError};
use super::routes::Call;
use super::state::State;
use super::vault::{page_of, paging};
use super::{ids, Simulator};

/// A compartment below the root.
pub(crate) struct Compartment {
    pub name: String,
    /// The parent's OCID (the tenancy for a top-level compartment).
    pub parent: String,
    pub time_created: String,
}

/// The compartments of the tenancy, by OCID.
pub(crate) type Compartments = BTreeMap<String, Compartment>;

impl State {
    /// True for the root compartment (the tenancy) and every compartment below it.
    pub(crate) fn is_compartment(&self, id: &str) -> bool {
        id == self.tenancy_id || self.compartments.contains_key(id)
    }
}

fn compartment_json(id: &str, c: &Compartment) -> Value {
    json!({"id": id, "compartmentId": c.parent, "name": c.name, "description": c.name, "timeCreated": c.time_created,
        "lifecycleState": "ACTIVE", "freeformTags": {}, "definedTags": {}})
}

/// ListCompartments: `compartmentId` (required), `compartmentIdInSubtree` (only on the root, as
/// OCI), `lifecycleState`, `limit`, `page`.
pub(crate) fn list_compartments(call: &Call<'_>) -> Result<crate::sim::response::Answer, SimError> {
    let parent = call.param("compartmentId").ok_or_else(|| err(400, "MissingParameter", "compartmentId is required"))?;
    let subtree = call.param("compartmentIdInSubtree") == Some("true");
    let paging = paging(call)?;
    let st = call.sim.state();
    if !st.is_compartment(parent) {
        return Err(not_found(&format!("compartment {parent}")));
    }
    if subtree && parent != st.tenancy_id {
        return Err(invalid("compartmentIdInSubtree can only be true when compartmentId is the tenancy (root compartment)"));
    }
    let list: Vec<Value> = st
        .compartments
        .iter()
        .filter(|(_, c)| subtree || c.parent == parent)
        .filter(|_| call.param("lifecycleState").is_none_or(|l| l == "ACTIVE"))
        .map(|(id, c)| compartment_json(id, c))
        .collect();
    Ok(page_of(list, paging))
}

impl Simulator {
    /// Creates a compartment named `name` below `parent` (the tenancy or another compartment);
    /// returns its OCID.
    pub fn create_compartment(&self, parent: &str, name: &str) -> Result<String, SimError> {
        let mut st = self.state();
        if !st.is_compartment(parent) {
            return Err(not_found(&format!("compartment {parent}")));
        }
        let id = ids::ocid("ocid1.compartment.oc1..aaaaaaaa");
        st.compartments
            .insert(id.clone(), Compartment { name: name.to_owned(), parent: parent.to_owned(), time_created: ids::now_rfc3339() });
        Ok(id)
    }

    /// Moves a secret to another compartment, as ChangeSecretCompartment does.
    pub fn move_secret(&self, secret_id: &str, compartment_id: &str) -> Result<(), SimError> {
        let mut st = self.state();
        if !st.is_compartment(compartment_id) {
            return Err(not_found(&format!("compartment {compartment_id}")));
        }
        st.vault.secret_mut(secret_id)?.compartment = compartment_id.to_owned();
        Ok(())
    }
}
