//! Compartments of the simulated tenancy (made with `Simulator::create_compartment`, in
//! `fixtures::setup`) and ListCompartments (`GET /20160918/compartments`), as
//! the SDK calls it: `compartmentId` (required), `compartmentIdInSubtree` (true only on the tenancy,
//! the root compartment: every ACTIVE compartment under it), `accessLevel` (`ANY` or `ACCESSIBLE`;
//! every caller the simulator trusts may access everything), `lifecycleState`, and `limit` /
//! `page` / `opc-next-page` paging. The root compartment is the tenancy itself and is not listed.

use serde_json::{json, Value};

use crate::sim::call::Answer;
use crate::sim::call::Call;
use crate::sim::error::{err, invalid, not_found, SimError};
use crate::sim::state::State;

/// A compartment under the tenancy.
pub(crate) struct Compartment {
    pub id: String,
    /// The parent compartment (the tenancy for a top-level one).
    pub parent: String,
    pub name: String,
    pub time_created: String,
}

impl Compartment {
    /// The `Compartment` model.
    fn json(&self) -> Value {
        json!({"id": self.id, "compartmentId": self.parent, "name": self.name, "description": format!("simulated compartment {}", self.name),
            "timeCreated": self.time_created, "lifecycleState": "ACTIVE", "freeformTags": {}, "definedTags": {}})
    }
}

impl State {
    /// True for the root compartment (the tenancy) and every compartment below it.
    pub(crate) fn is_compartment(&self, id: &str) -> bool {
        id == self.tenancy_id || self.compartments.contains_key(id)
    }
}

/// ListCompartments.
pub(crate) fn list_compartments(call: &Call<'_>) -> Result<Answer, SimError> {
    let parent = call.param("compartmentId").ok_or_else(|| err(400, "MissingParameter", "compartmentId is required"))?;
    let in_subtree = match call.param("compartmentIdInSubtree") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(invalid("compartmentIdInSubtree must be true or false")),
    };
    if call.param("accessLevel").is_some_and(|a| a != "ANY" && a != "ACCESSIBLE") {
        return Err(invalid("accessLevel must be ANY or ACCESSIBLE"));
    }
    let (limit, start) = crate::sim::vault::ops::paging(call)?;
    let st = call.sim.state();
    if in_subtree && parent != st.tenancy_id {
        return Err(invalid("compartmentIdInSubtree can only be true when compartmentId is the tenancy"));
    }
    if parent != st.tenancy_id && !st.compartments.contains_key(parent) {
        return Err(not_found(&format!("compartment {parent}")));
    }
    let keep_state = |state: &str| call.param("lifecycleState").is_none_or(|l| l == state);
    let mut matching = st.compartments.values().filter(|c| (in_subtree || c.parent == parent) && keep_state("ACTIVE")).skip(start);
    let page: Vec<Value> = matching.by_ref().take(limit).map(Compartment::json).collect();
    let next_page = matching.next().is_some().then(|| (start + limit).to_string());
    Ok(Answer { next_page, ..Answer::read(Value::Array(page)) })
}
