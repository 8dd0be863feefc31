//! The tenancy's identity domains and their SCIM REST API (`<domain url>/admin/v1/`): the domains
//! and their password policies (`model`), the credential resources (`resource`), SCIM wire
//! helpers (`scim`), the routing table (`routes`) and the operations (`ops`), on the one IAM
//! store of `identity`.

pub(super) mod model;
pub(super) mod ops;
pub(super) mod resource;
pub(super) mod routes;
pub(super) mod scim;
