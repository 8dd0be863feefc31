//! An embedded OCI simulator: Vault (`20180608`), Secrets (`20190301`), Identity (`20160918`),
//! identity domains' REST API (SCIM, at `<domain url>/admin/v1/`, each domain served on a loopback
//! port of its own so that its URL, like OCI's, has no path), Notifications (`20181201`) and Cloud
//! Guard's GetProblem (`20200131`, problems registered with [`Simulator::add_problem`]) on the real paths with the real JSON, so the function, the demo, the tests and the
//! official OCI SDKs can run rotations with no cloud account.
//!
//! Faithful where the rotation depends on it: version stages (CURRENT, PENDING, PREVIOUS, LATEST,
//! DEPRECATED) and promotion, etags and `if-match`, a secret `UPDATING` for a moment after each
//! update, `SSH_KEY` auto-generation, IAM's per-user limits, one-time secrets shown only by the
//! create call, keys `CREATING` until propagated, `opc-retry-token` idempotency, and an OCI
//! signature check of every request (resource-principal sessions it issued, an administrator's API
//! key, and a user's own API key for their own GetUser and domain `Me`). The tenancy has a Default
//! identity domain holding every classic user, and SECONDARY domains whose users only their
//! domain's API serves; one store holds every credential. Faults can be injected at the Nth
//! matching request, per-family throttles answer 429 with `retry-after` when set, and every request
//! is journaled.
//!
//! Layout, by service (each folder's `mod.rs` says more):
//! - the core, here: [`Simulator`] and [`SimOptions`] (`simulator`: the state handle, the
//!   endpoint, the simulated now, per-request bookkeeping), `state` (everything one tenancy
//!   holds), `call` and `answer` (what a handler gets and answers: `Call`, `Answer`), `retry`
//!   (`opc-retry-token` memory), `clock` (simulated time), `views` (inspection types), `ids` and
//!   `error`;
//! - `http`: the wire: serving (`serve`), the request pipeline, principals (`auth`, `rpst`), the
//!   routing table, responses, throttles, fault injection and the journal, and the `/_sim/` admin
//!   surface;
//! - `vault`: Vault `20180608` (the secrets model and its rules, CreateSecret / UpdateSecret
//!   details, auto-generation, the operations, and the rotation loop Vault runs); `secrets`:
//!   Secrets `20190301` (GetSecretBundle);
//! - `identity`: classic IAM `20160918` (users and credentials, compartments, the operations);
//!   `domains`: identity domains and their SCIM REST API (model, routing table, operations);
//! - `notifications` (PublishMessage) and `cloud_guard` (GetProblem);
//! - `monitoring/` (`20180401`: PostMetricData, ListMetrics, CreateAlarm, ListAlarms; stored, never evaluated);
//! - `fixtures`: the fixture API tests and the demo call (set a tenancy up, look into it, steer
//!   faults, the journal and the clock; the demo tenancy, fleets, backdating, domains);
//! - `checks`: the contract's section 6, checked against the simulator's state.
//!
//! The routing tables import the handlers; the handlers import only `call`, `answer` and the
//! models, never the routes. No file of `sim/` imports, directly or not, one that imports it.

mod answer;
mod call;
pub mod checks;
mod clock;
mod cloud_guard;
mod domains;
mod error;
mod fixtures;
mod functions;
mod http;
mod identity;
mod ids;
mod monitoring;
mod notifications;
mod retry;
mod secrets;
mod simulator;
mod state;
mod vault;
mod views;

#[cfg(test)]
mod tests;

/// The scopes the simulator gives OAuth 2.0 client credentials it makes itself (seeds, fleets),
/// and that the demo enrolls with (JSON, as `metadata.scopes` and `enroll --scopes` take them).
pub const DEMO_OAUTH2_SCOPES: &str = r#"[{"audience":"urn:opc:idm:__myscopes__","scope":"urn:opc:resource:consumer::all"}]"#;
pub use error::SimError;
pub use fixtures::fleet::{FleetMember, CONSOLE_PASSWORD_ID, FLEET_FUNCTION_ID};
pub use fixtures::rotation_fleet::{function_rotation_config, RotationFleetSecret, RotationFleetSpec};
pub use http::faults::{Fault, FaultKind, JournalEntry};
pub use http::throttle::{ApiFamily, Rate, Throttle};
pub use simulator::{SimOptions, Simulator};
pub use vault::autogen::AutoGen;
pub use views::{AdminPrincipal, ApiKeyView, CredView, DomainView, ResourcePrincipalSession, RotationRecord, Seeded, VersionView};
