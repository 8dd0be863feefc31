//! The simulator's wire: every request to an OCI path goes through `pipeline` (count, injected
//! fault, throttle token, signature check by `auth` with the sessions `rpst` issues, routing by
//! `routes`, journal, answer by `response`); `throttle` holds the token buckets, `faults` the fault
//! queue and the journal; `/_sim/` goes to the unsigned `admin` surface instead. `serve` binds the
//! listeners (the main one and each identity domain's own) and runs the router.

pub(super) mod admin;
pub(super) mod auth;
pub(super) mod faults;
pub(super) mod pipeline;
pub(super) mod response;
pub(super) mod routes;
pub(super) mod rpst;
pub(super) mod serve;
pub(super) mod throttle;
