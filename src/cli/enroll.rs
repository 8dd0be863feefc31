//! `oci-rotator enroll`: parses the options, runs [`crate::onboard::enroll`] (the workflow: the
//! first credential, the secret, the binding, the rotation configuration) and prints its JSON line
//! (with `--json`, JSON lines: [`crate::onboard::enroll::json_lines`]).

use crate::config;
use crate::oci::auth::ProcessEnv;
use crate::onboard::enroll::{enroll, json_lines, Enrollment};
use crate::secret::{CredentialKind, PreviousCredential};

/// Options of `enroll` (the command line's, parsed by clap).
#[derive(clap::Args)]
pub struct EnrollArgs {
    /// The credential kind (the metadata word, case-insensitive).
    #[arg(long, value_parser = crate::flags::KindParser)]
    pub kind: CredentialKind,
    /// The user's OCID.
    #[arg(long)]
    pub user_id: String,
    /// The compartment the secret is created in.
    #[arg(long)]
    pub compartment_id: String,
    /// The vault.
    #[arg(long)]
    pub vault_id: String,
    /// The vault's master encryption key.
    #[arg(long)]
    pub key_id: String,
    /// The secret's name (unique in the vault; a second run with it applies only what the secret
    /// lacks, and refuses another kind or user).
    #[arg(long)]
    pub name: String,
    /// The rotation function to attach (scheduled rotation every --interval).
    #[arg(long)]
    pub function_id: Option<String>,
    /// Rotation interval: 1 to 360 days, ISO 8601 (`P90D`, `P12W`) or short (`90d`, `12w`); P90D on
    /// a first enrollment when not given; on a re-run, only a given value changes the secret's.
    #[arg(long, value_parser = crate::flags::parse_interval)]
    pub interval: Option<String>,
    /// KEEP_UNTIL_NEXT_ROTATION (the default on a first enrollment) or DELETE_ON_PROMOTE; on a
    /// re-run, only a given value changes the secret's.
    #[arg(long, value_parser = parse_previous)]
    pub previous: Option<PreviousCredential>,
    /// RSA key size for API keys: 2048, 3072 or 4096.
    #[arg(long, default_value_t = 2048)]
    pub key_bits: usize,
    /// The user's identity domain, when it is not the Default domain.
    #[arg(long)]
    pub domain_id: Option<String>,
    /// OAUTH2_CLIENT_CREDENTIAL only (required there): the scopes, as JSON
    /// (`[{"audience": "...", "scope": "..."}]`); kept in the metadata for every rotation.
    #[arg(long)]
    pub scopes: Option<String>,
    /// Print the plan and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// JSON lines: one per thing done or kept (credential, secret, binding, rotationConfig), then the summary.
    #[arg(long)]
    pub json: bool,
}

/// `--previous`: what happens to the superseded credential.
pub fn parse_previous(s: &str) -> Result<PreviousCredential, String> {
    match s {
        "KEEP_UNTIL_NEXT_ROTATION" => Ok(PreviousCredential::KeepUntilNextRotation),
        "DELETE_ON_PROMOTE" => Ok(PreviousCredential::DeleteOnPromote),
        _ => Err("KEEP_UNTIL_NEXT_ROTATION or DELETE_ON_PROMOTE".to_owned()),
    }
}

impl From<EnrollArgs> for Enrollment {
    fn from(a: EnrollArgs) -> Self {
        let EnrollArgs {
            kind,
            user_id,
            compartment_id,
            vault_id,
            key_id,
            name,
            function_id,
            interval,
            previous,
            key_bits,
            domain_id,
            scopes,
            dry_run,
            json: _,
        } = a;
        Enrollment {
            kind,
            user_id,
            compartment_id,
            vault_id,
            key_id,
            name,
            function_id,
            interval,
            previous,
            key_bits,
            domain_id,
            scopes,
            dry_run,
        }
    }
}

/// Runs the command and prints its JSON line.
pub async fn run(args: EnrollArgs) -> Result<(), String> {
    let json = args.json;
    let enrollment = Enrollment::from(args);
    enrollment.validate()?;
    let (rotator, settings) = config::rotator_from_env(&ProcessEnv).map_err(|e| e.to_string())?;
    let line = enroll(&rotator, &enrollment, settings.default_timeout).await?;
    let lines = if json { json_lines(&line) } else { vec![line] };
    lines.iter().for_each(|l| println!("{l}"));
    Ok(())
}
