//! One integration-test binary for the function, against OCI stand-ins.
//!
//! # Where a test goes
//!
//! **The folder is the OCI stand-in the test runs against; the file is the one subject it is
//! about.**
//!
//! - `wire/`: against **wiremock** (`helpers/wire.rs`: the function on a random port, one
//!   `MockServer`, the small fake IAM). The test pins the exact requests: every mock has
//!   `.expect(n)`, an unexpected call fails. One file per **credential kind** (its steps, call by
//!   call: `api_key_steps.rs`, `iam_secret_kinds.rs`, `identity_domains.rs`) or per **property of
//!   the function's HTTP surface** (`bad_input.rs`, `binding.rs`, `deadlines.rs`, `logs.rs`,
//!   `cloud_guard.rs`, ...).
//! - `flows/`: on the **embedded simulator** (`helpers/sim.rs`: `SimRig`, the contract's checks).
//!   The test drives whole rotations or a CLI command and asserts the simulator's state and
//!   journal. One file per **CLI command** (`enroll.rs`, `adopt.rs`, `status.rs`,
//!   `rotate_fleet.rs`) or per **property of whole rotations** (`rotation.rs`, `binding.rs`,
//!   `call_count.rs`, `fault_matrix.rs`, ...).
//! - `offline/`: **no OCI at all**: text the CLI prints, sample inputs, the password rules.
//!   One file per subject.
//! - `helpers/`: no tests, only what tests share: the two harnesses (`wire.rs`, `sim.rs`), the
//!   given-helpers (`given.rs`: `TestApp::given_secret`, `given_pending`; `domains.rs`;
//!   `cloud_guard_events.rs`) and the independent password checker (`password_rules.rs`). A given
//!   block written twice in two files becomes a helper here; written twice in one file, a `given_*`
//!   function at the top of that file.
//!
//! A subject checked on two stand-ins has a file of the same name in each folder (`binding.rs`,
//! `password_policies.rs`, `unmanaged_password_reset.rs`); a file never mixes stand-ins. Filter by
//! folder: `cargo test --test api wire::`, `flows::`, `offline::`. Slow: `flows::fault_matrix`
//! (minutes; skip it with `--skip fault_matrix`), `offline::password_policies` (a 10,000-password
//! property test).
#![allow(unreachable_pub, missing_docs)]

mod flows;
mod helpers;
mod offline;
mod wire;
