//! A small signed REST client for the three OCI services the rotation needs. It knows OCI's wire
//! formats and nothing of rotation.
//!
//! - [`signer`]: request signing (and verification, for the simulator and tests).
//! - [`auth`]: resource principal or config-file API key.
//! - [`client`]: send, retry, deadline, errors; `paging`: the one pager (`opc-next-page`);
//!   [`region`]: regions and realms.
//! - [`vault`], [`secrets`], [`identity`], [`notification`]: one typed method per OCI operation;
//!   [`family`]: the per-user credential families and their wire words (paths, operation names,
//!   SCIM resources), declared once.
//! - [`cloud_guard`]: GetProblem (the unmanaged console-password reset confirms the problem).
//! - [`monitoring`]: PostMetricData, CreateAlarm, ListAlarms (Monitoring `20180401`).
//! - [`functions`]: GetFunction and InvokeFunction (`preflight` asks the deployed function).
//! - [`compartments`]: ListCompartments, a compartment's subtree (for `rotate --compartment-id`).
//! - [`identity_domains`]: where identity domains are, and their REST API (users, credentials);
//!   [`domain_cache`]: what a warm process learned of them (held by the client).
pub mod auth;
pub mod client;
pub mod cloud_guard;
pub mod compartments;
pub mod domain_cache;
pub mod error;
pub mod family;
pub mod functions;
pub mod identity;
pub mod identity_domains;
pub mod monitoring;
pub mod notification;
pub(crate) mod paging;
pub mod region;
pub mod secrets;
pub mod signer;
pub mod vault;

pub use client::{Client, Endpoints, RetryPolicy};
pub use error::{Error, ErrorKind};
