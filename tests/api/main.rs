//! One integration-test binary for the function, against OCI stand-ins.

mod helpers;

/// The four steps of an API_KEY secret, call by call, against wiremock.
mod api_key_steps;
