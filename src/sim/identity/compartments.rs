//! Compartments of the simulated tenancy (made with `Simulator::create_compartment`, in
//! `fixtures::setup`; listed by ListCompartments, in `ops`), as the `Compartment` model shows
//! them. The root compartment is the tenancy itself and is not listed.

use serde_json::{json, Value};

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
    pub(crate) fn json(&self) -> Value {
        json!({"id": self.id, "compartmentId": self.parent, "name": self.name, "description": format!("simulated compartment {}", self.name),
            "timeCreated": self.time_created, "lifecycleState": "ACTIVE", "freeformTags": {}, "definedTags": {}})
    }
}
