//! `oci-rotator adopt`: parses the options, runs [`crate::onboard::adopt`] (the workflow: the
//! secret's content into the contract's form, its metadata, the binding) and prints its JSON line
//! (with `--json`, JSON lines: [`crate::onboard::adopt::json_lines`]).

use crate::config;
use crate::oci::auth::ProcessEnv;
use crate::onboard::adopt::{adopt, json_lines, Adoption};
use crate::secret::CredentialKind;

/// Options of `adopt` (the command line's, parsed by clap).
#[derive(clap::Args)]
pub struct AdoptArgs {
    /// The secret's OCID.
    #[arg(long)]
    pub secret_id: String,
    /// API_KEY, AUTH_TOKEN, CUSTOMER_SECRET_KEY or CONSOLE_PASSWORD (the forms of Oracle's tutorial), or any kind already in the contract's JSON.
    #[arg(long, value_parser = crate::flags::KindParser)]
    pub kind: CredentialKind,
    /// The user's OCID.
    #[arg(long)]
    pub user_id: String,
    /// The credential's id where the value does not tell it (an auth token's OCID).
    #[arg(long)]
    pub credential_id: Option<String>,
    /// The secret holding the secret key of a customer secret key (the tutorial keeps it apart).
    #[arg(long)]
    pub secret_key_secret_id: Option<String>,
    /// JSON lines: one per thing checked, done or kept (credential, secret, binding, rotationConfig), then the summary.
    #[arg(long)]
    pub json: bool,
}

impl From<AdoptArgs> for Adoption {
    fn from(a: AdoptArgs) -> Self {
        let AdoptArgs { secret_id, kind, user_id, credential_id, secret_key_secret_id, json: _ } = a;
        Adoption { secret_id, kind, user_id, credential_id, secret_key_secret_id }
    }
}

/// Runs the command and prints its JSON line.
pub async fn run(args: AdoptArgs) -> Result<(), String> {
    let (rotator, settings) = config::rotator_from_env(&ProcessEnv).map_err(|e| e.to_string())?;
    let json = args.json;
    let line = adopt(&rotator, &Adoption::from(args), settings.default_timeout).await?;
    let lines = if json { json_lines(&line) } else { vec![line] };
    lines.iter().for_each(|l| println!("{l}"));
    Ok(())
}
