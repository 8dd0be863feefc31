//! `oci-rotator policies`: its options; the text is [`crate::policies::render`].

use crate::policies::{render, PolicyRequest};
use crate::secret::CredentialKind;

/// Options of `policies` (the command line's, parsed by clap).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PoliciesArgs {
    /// The function's OCID (ocid1.fnfunc....).
    #[arg(long)]
    pub function_id: String,
    /// The compartment (or tenancy) OCID holding the secrets.
    #[arg(long)]
    pub secrets_compartment_id: String,
    /// The compartment OCID holding the function (default: the statements for Vault are at tenancy level).
    #[arg(long)]
    pub function_compartment_id: Option<String>,
    /// A user whose credentials are rotated (repeat for several; default: every user, not recommended).
    #[arg(long = "user-id")]
    pub user_ids: Vec<String>,
    /// Credential kinds rotated, case-insensitive (comma-separated or repeated; default all).
    #[arg(long, value_delimiter = ',', value_parser = crate::flags::KindParser)]
    pub kinds: Vec<CredentialKind>,
    /// The identity domain of the users, when not the Default domain (adds its unconfirmed statements).
    #[arg(long)]
    pub domain_name: Option<String>,
    /// The function runs with OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS=on (adds GetProblem and the
    /// console-password reset even when CONSOLE_PASSWORD is not among the kinds).
    #[arg(long)]
    pub reset_unmanaged_passwords: bool,
    /// The function posts metrics there (OCI_ROTATOR_METRICS_COMPARTMENT): adds Monitoring's statements.
    #[arg(long)]
    pub metrics_compartment_id: Option<String>,
}

impl From<&PoliciesArgs> for PolicyRequest {
    fn from(a: &PoliciesArgs) -> Self {
        PolicyRequest {
            function_id: a.function_id.clone(),
            secrets_compartment_id: a.secrets_compartment_id.clone(),
            function_compartment_id: a.function_compartment_id.clone(),
            user_ids: a.user_ids.clone(),
            kinds: a.kinds.clone(),
            domain_name: a.domain_name.clone(),
            reset_unmanaged_passwords: a.reset_unmanaged_passwords,
            metrics_compartment_id: a.metrics_compartment_id.clone(),
        }
    }
}

/// Prints the rule and the statements.
pub fn run(args: &PoliciesArgs) -> Result<(), String> {
    print!("{}", render(&PolicyRequest::from(args))?);
    Ok(())
}
