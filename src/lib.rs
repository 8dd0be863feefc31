//! oci-rotator: an OCI Vault secret-rotation function for OCI IAM credentials.
//!
//! # Layout
//! - [`protocol`]: the wire words Vault speaks (`SecretRotationInput`, `SecretRotationOutput`, `Step`).
//! - [`secret`]: the secret's metadata (which credential of which user) and content.
//! - [`kinds`]: the kind table: what differs per credential kind, declared once.
//! - [`engine`]: the four-step state machine over Vault and an adapter; a plain async fn; and PREFLIGHT (reads only).
//! - [`adapters`]: one file per IAM credential kind, behind the `TargetAdapter` trait.
//! - [`binding`]: the user must name the secret (contract 4.1) before any IAM write; [`proof`]: its proof types (a leaf).
//! - [`oci`]: a small signed REST client for Vault, Secrets and Identity; knows nothing of rotation.
//! - [`keys`]: RSA key material in OCI's forms (PKCS#8, SPKI, fingerprint).
//! - [`passwords`]: passwords the function chooses (identity-domain console passwords), from the OS RNG.
//! - [`policies`]: the dynamic group rule and least-privilege policy statements (`policies`).
//! - [`config`]: process settings from the environment.
//! - [`driver`]: plays Vault (the four steps in order, with retries) for `rotate`, the demo and tests;
//!   [`driver::rotate_one`], the work of `rotate --secret-id`, and its text and `--json` lines.
//! - [`server`]: the axum router, served on the Fn socket or on TCP.
//! - [`last_outcome`]: the tag `oci-rotator-last-outcome` a failed step leaves on the secret.
//! - [`pause_tag`]: the tag `oci-rotator-paused` a pause leaves on the secret (written by `lifecycle`, read by `fleet`).
//! - [`onboard`]: the `enroll` and `adopt` workflows: a user's credential into a secret the function rotates.
//! - [`lifecycle`]: lifecycle control of one secret between rotations: `rollback`, `history`, `pause` and `resume` of the scheduled rotation.
//! - [`fleet`]: the fleet view behind `status`: managed secrets, their state, credentials no secret manages
//!   (`fleet::managed`: the managed secrets of a compartment, also for mass rotation and Cloud Guard;
//!   `fleet::report`: its table and JSON; `fleet::rotate`: mass rotation).
//! - [`cloud_guard`]: Cloud Guard credential-age findings turned into Vault rotations.
//! - [`notify`]: notices of outcomes to an ONS topic.
//! - [`monitoring`]: the custom metrics each step posts (`OCI_ROTATOR_METRICS_COMPARTMENT`) and the alarms over them (`alarms`).
//! - [`preflight`]: `preflight`: the deployed function's PREFLIGHT on each secret, through the Functions invoke API.
//! - [`flags`]: the words a person types: durations (`P90D`, `90d`, `PT10M`) and `--concurrency`.
//! - [`demo`]: the demo: all seven kinds rotated on the simulator, checked against the contract.
//! - [`telemetry`]: logs (plain or JSON for OCI Logging), never secret material.
//! - [`cli`]: the subcommands, one file each with its clap options: `serve`, `rotate` (one secret,
//!   or a compartment's with `--compartment-id`), `enroll`, `adopt`, `status`, `policies`, `preflight`, `alarms`, `rollback`,
//!   `history`, `pause`, `resume`, `demo`, `simulate`; `cli::run` starts a subcommand's logs and runtime and gives its exit status.
//! - [`simulate`]: the simulator served alone (`simulate`: admin config, seed, `--env-file`).
//! - [`sim`]: an embedded OCI simulator (Vault, Secrets, Identity) for the demo and the tests, with
//!   [`sim::checks`]: the contract's section 6 on the simulator.
//!
//! `sim` (with `sim::checks`), `demo`, `simulate` and their subcommands exist only with the `simulator`
//! feature (on by default; the function's image is built without it).
pub mod adapters;
pub mod binding;
pub mod cli;
pub mod cloud_guard;
pub mod config;
#[cfg(feature = "simulator")]
pub mod demo;
pub mod driver;
pub mod engine;
pub mod flags;
pub mod fleet;
pub mod keys;
pub mod kinds;
pub mod last_outcome;
pub mod lifecycle;
pub mod monitoring;
pub mod notify;
pub mod oci;
pub mod onboard;
pub mod passwords;
pub mod pause_tag;
pub mod policies;
pub mod preflight;
pub mod proof;
pub mod protocol;
pub mod secret;
pub mod server;
#[cfg(feature = "simulator")]
pub mod sim;
#[cfg(feature = "simulator")]
pub mod simulate;
pub mod telemetry;
