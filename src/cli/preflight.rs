//! `oci-rotator preflight`: its options and the work are [`crate::preflight`] (table and exit status too).
pub use crate::preflight::PreflightArgs;

/// Runs the command; Ok(exit status): 0 all pass, 1 something missing, 2 the function cannot be invoked.
pub async fn run(args: PreflightArgs) -> Result<u8, super::CommandError> {
    crate::preflight::run(&crate::oci::auth::ProcessEnv, &args).await.map_err(super::CommandError::Compartment)
}
