//! `oci-rotator rotate --secret-id OCID [--step STEP] [--dry-run]`: plays Vault against real OCI
//! (API-key profile or resource principal, as configured by the environment) for one secret and
//! prints each step's `SecretRotationOutput`. This is how an administrator tests the function
//! before attaching it, and rotates by hand in an emergency.
//!
//! `--dry-run` runs VERIFY_CONNECTION (read-only) and then CREATE_PENDING_VERSION with a client
//! that sends no write: it lists the writes the step would make, up to the first one whose answer
//! the rest depends on, and describes UPDATE_TARGET_SYSTEM and PROMOTE_PENDING_VERSION.

use std::time::Duration;

use crate::config;
use crate::driver::{Attempt, Driver, InProcess};
use crate::oci::auth::ProcessEnv;
use crate::protocol::{is_secret_ocid, Step};

/// Options of `rotate`.
pub struct RotateArgs {
    /// The secret OCID.
    pub secret_id: String,
    /// One step only.
    pub step: Option<Step>,
    /// `versionNo` to send with a single step.
    pub version_no: Option<u64>,
    /// Read-only rehearsal.
    pub dry_run: bool,
    /// Tries per step.
    pub attempts: u32,
}

fn print(a: &Attempt) {
    let json = serde_json::to_string(&a.output).unwrap_or_default();
    println!("{:<24} attempt {} {json}", a.step.as_str(), a.attempt);
}

/// Runs the command; the exit status is success only when every step answered 200.
pub async fn run(args: RotateArgs) -> Result<bool, String> {
    if !is_secret_ocid(&args.secret_id) {
        return Err("--secret-id must be a secret OCID (ocid1.vaultsecret.<realm>...)".to_owned());
    }
    let (rotator, settings) =
        if args.dry_run { config::dry_run_rotator_from_env(&ProcessEnv) } else { config::rotator_from_env(&ProcessEnv) }
            .map_err(|e| e.to_string())?;
    let transport = InProcess { rotator: rotator.clone(), timeout: settings.default_timeout };
    let driver = Driver { attempts_per_step: args.attempts, retry_wait: Duration::from_secs(2) };
    let mut report = print;
    if args.dry_run {
        let verify = driver.step(&transport, Step::VerifyConnection, &args.secret_id, None, &mut report).await;
        if verify.response_code != 200 {
            return Ok(false);
        }
        let create = driver.step(&transport, Step::CreatePendingVersion, &args.secret_id, verify.current_version_no, &mut report).await;
        let writes = rotator.client().planned_writes();
        println!("\ndry run: nothing was written. CREATE_PENDING_VERSION would make these writes:");
        if writes.is_empty() {
            println!("  (none: {})", create.return_message);
        }
        for w in &writes {
            println!("  {w}");
        }
        println!("then UPDATE_TARGET_SYSTEM would make the new credential live in IAM (API keys: upload it after deleting superseded keys) and wait until IAM accepts it,");
        println!("and PROMOTE_PENDING_VERSION would make the new version CURRENT (and, with DELETE_ON_PROMOTE, delete the superseded credential).");
        return Ok(create.response_code == 200);
    }
    let answers = match args.step {
        Some(step) => vec![(step, driver.step(&transport, step, &args.secret_id, args.version_no, &mut report).await)],
        None => driver.rotate(&transport, &args.secret_id, &mut report).await,
    };
    let all_ok = answers.iter().all(|(_, o)| o.response_code == 200) && (args.step.is_some() || answers.len() == 4);
    Ok(all_ok)
}
