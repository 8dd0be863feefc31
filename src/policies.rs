//! The text behind `oci-rotator policies --function-id OCID --secrets-compartment-id OCID [--user-id OCID ...]
//! [--kinds KIND,...] [--domain-name NAME] [--function-compartment-id OCID]
//! [--reset-unmanaged-passwords]`: prints the function's
//! dynamic-group matching rule and the least-privilege IAM policy statements for exactly the kinds
//! and users given, and the statements that let Vault invoke the function: the statements
//! `docs/deploy.md` explains (sections 2 and 3), ready to paste.
//!
//! Lines starting with `#` are comments; every other line is a matching rule or a statement.
//! [`render`] is a pure function of the arguments; `cli/policies.rs` prints what it returns.

use crate::binding::tag_key;
use crate::protocol::is_ocid_of;
use crate::secret::CredentialKind;

/// The dynamic group of the function, as `docs/deploy.md` names it.
pub const DYNAMIC_GROUP: &str = "oci-rotator-fn";
/// The dynamic group of the rotated secrets (Vault invoking the function), as in `docs/deploy.md`.
pub const SECRETS_DYNAMIC_GROUP: &str = "rotated-secrets";

/// What the statements are for: the options of `policies` (the command line's come from
/// `cli::policies::PolicyRequest`).
#[derive(Debug, Clone, Default)]
pub struct PolicyRequest {
    /// The function's OCID (ocid1.fnfunc....).
    pub function_id: String,
    /// The compartment (or tenancy) OCID holding the secrets.
    pub secrets_compartment_id: String,
    /// The compartment OCID holding the function (default: the statements for Vault are at tenancy level).
    pub function_compartment_id: Option<String>,
    /// A user whose credentials are rotated (repeat for several; default: every user, not recommended).
    pub user_ids: Vec<String>,
    /// Credential kinds rotated (default: every kind of the kind table).
    pub kinds: Vec<CredentialKind>,
    /// The identity domain of the users, when not the Default domain (adds its unconfirmed statements).
    pub domain_name: Option<String>,
    /// The function runs with OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS=on (adds GetProblem and the
    /// console-password reset even when CONSOLE_PASSWORD is not among the kinds).
    pub reset_unmanaged_passwords: bool,
    /// The function posts metrics to this compartment (`OCI_ROTATOR_METRICS_COMPARTMENT`): adds
    /// posting them (namespace `ocirotator` only) and, for an administrators' group, `alarms --apply`.
    pub metrics_compartment_id: Option<String>,
}

/// The permissions of one kind beyond the `USER_INSPECT, USER_READ, USER_UPDATE` every kind needs:
/// the kind table's ([`crate::kinds::KindSpec::policy_verbs`]).
pub fn kind_permissions(kind: CredentialKind) -> &'static [&'static str] {
    crate::kinds::spec(kind).policy_verbs
}

fn check_ocid(flag: &str, value: &str, types: &[&str]) -> Result<(), String> {
    if types.iter().any(|t| is_ocid_of(value, t)) {
        return Ok(());
    }
    let wanted = types.iter().map(|t| format!("ocid1.{t}.")).collect::<Vec<_>>().join(" or ");
    Err(format!("{flag} must be an OCID starting with {wanted} (got {value:?})"))
}

/// A domain name goes between quotes in a statement: letters, digits, `-`, `_`, `.` and spaces only.
fn check_domain_name(name: &str) -> Result<(), String> {
    let ok = !name.trim().is_empty()
        && name.len() <= 100
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '));
    if ok {
        Ok(())
    } else {
        Err(format!("--domain-name must be an identity domain's name (letters, digits, '-', '_', '.', spaces; got {name:?})"))
    }
}

/// The text `policies` prints, or why the arguments are refused.
pub fn render(args: &PolicyRequest) -> Result<String, String> {
    check_ocid("--function-id", &args.function_id, &["fnfunc"])?;
    check_ocid("--secrets-compartment-id", &args.secrets_compartment_id, &["compartment", "tenancy"])?;
    if let Some(c) = &args.function_compartment_id {
        check_ocid("--function-compartment-id", c, &["compartment", "tenancy"])?;
    }
    for u in &args.user_ids {
        check_ocid("--user-id", u, &["user"])?;
    }
    if let Some(d) = &args.domain_name {
        check_domain_name(d)?;
    }
    if let Some(c) = &args.metrics_compartment_id {
        check_ocid("--metrics-compartment-id", c, &["compartment", "tenancy"])?;
    }
    let mut kinds: Vec<CredentialKind> = if args.kinds.is_empty() { CredentialKind::ALL.to_vec() } else { args.kinds.clone() };
    kinds.sort();
    kinds.dedup();
    let mut users: Vec<&str> = Vec::new();
    for u in &args.user_ids {
        if !users.contains(&u.as_str()) {
            users.push(u);
        }
    }
    let kind_list = kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
    let dg = DYNAMIC_GROUP;
    let secrets_compartment = scope(Some(&args.secrets_compartment_id));
    let fn_compartment = scope(args.function_compartment_id.as_deref());
    let mut out = Vec::<String>::new();
    let mut line = |s: String| out.push(s);

    line(format!("# oci-rotator policies for function {} and kinds {kind_list}", args.function_id));
    line("# Lines starting with # are comments; paste the other lines (docs/deploy.md explains each).".to_owned());
    line(String::new());

    line(format!("# Dynamic group of the function: create it as {dg}, with this matching rule"));
    line(format!("ALL {{resource.type = 'fnfunc', resource.id = '{}'}}", args.function_id));
    line(String::new());

    line(format!("# Vault and Secrets, {secrets_compartment} (GetSecret, ListSecretVersions, GetSecretBundle, UpdateSecret)"));
    line("# Narrow them to the rotated secrets with: where any {target.secret.id = '<secret OCID>', ...}".to_owned());
    line(secret_family(Some(&args.secrets_compartment_id)));
    line(secret_bundles(Some(&args.secrets_compartment_id)));
    line(String::new());

    let reset_note = if args.reset_unmanaged_passwords { " and the unmanaged password reset" } else { "" };
    line(format!("# IAM, at tenancy level (users live in the tenancy): the permissions of {kind_list}{reset_note}"));
    if args.reset_unmanaged_passwords && !users.is_empty() {
        line("# The unmanaged password reset reaches only the users named here: add the opted-in users with --user-id".to_owned());
    }
    if users.is_empty() {
        line("# No --user-id: this statement reaches every user of the tenancy; name the users (--user-id) to limit it to them".to_owned());
    }
    let condition = user_condition(&users);
    line(iam_statement(&kinds, &users, args.reset_unmanaged_passwords));
    // What is unconfirmed about a chosen kind's permissions: the kind table's notes.
    for k in &kinds {
        for note in crate::kinds::spec(*k).policy_notes {
            line(note.replace("{dg}", dg).replace("{condition}", &condition));
        }
    }
    line("# Home region (GetTenancy): not needed when the function's configuration sets OCI_ROTATOR_HOME_REGION".to_owned());
    line(INSPECT_TENANCIES.to_owned());
    let console = kinds.contains(&CredentialKind::ConsolePassword);
    if console || args.domain_name.is_some() {
        line("# Identity domains (where they are): needed for console passwords and for users of an identity domain".to_owned());
        line(INSPECT_DOMAINS.to_owned());
    }
    line(String::new());

    if let Some(domain) = &args.domain_name {
        line(format!(
            "# Users of identity domain {domain}: UNCONFIRMED for a dynamic group of functions (docs/deploy.md, \"Identity domains\")"
        ));
        line(domain_users(domain));
        line(format!("# If that is not enough: grant {dg} the domain's \"User Administrator\" admin role"));
        line(format!("# (Console: Identity > Domains > {domain} > Administrators, or the domain's AppRoles)"));
        line(String::new());
    }

    if args.reset_unmanaged_passwords {
        line("# Cloud Guard (OCI_ROTATOR_RESET_UNMANAGED_PASSWORDS=on): GetProblem confirms a PASSWORD_TOO_OLD problem before".to_owned());
        line("# the reset (docs/cloud-guard.md); problems of users are in the tenancy's root compartment".to_owned());
        line(READ_CLOUD_GUARD_PROBLEMS.to_owned());
        line(String::new());
    }

    if let Some(c) = &args.metrics_compartment_id {
        let (scope, ns) = (scope(Some(c)), format!("where target.metrics.namespace='{}'", crate::monitoring::NAMESPACE));
        line("# Monitoring (OCI_ROTATOR_METRICS_COMPARTMENT): PostMetricData, the function's own namespace only".to_owned());
        line(format!("Allow dynamic-group {dg} to use metrics {scope} {ns}"));
        line(
            "# `oci-rotator alarms --apply`, for the administrators who run it (not the function): ListAlarms, CreateAlarm, and".to_owned(),
        );
        line(
            "# reading the metrics the alarms query; UNCONFIRMED: the verb CreateAlarm needs on the ONS topic (use ons-topics)".to_owned(),
        );
        line(format!("# Allow group <administrators> to manage alarms {scope}"));
        line(format!("# Allow group <administrators> to read metrics {scope} {ns}"));
        line(format!("# Allow group <administrators> to use ons-topics {scope}"));
        line(String::new());
    }

    line("# Vault invokes the function: UNCONFIRMED, Oracle does not document it (docs/deploy.md, section 3)".to_owned());
    line(format!(
        "# Dynamic group of the secrets: create it as {SECRETS_DYNAMIC_GROUP}, with this matching rule (or one resource.id per secret)"
    ));
    line(format!("ALL {{resource.type = 'vaultsecret', resource.compartment.id = '{}'}}", args.secrets_compartment_id));
    line(format!("Allow dynamic-group {SECRETS_DYNAMIC_GROUP} to read fn-function {fn_compartment}"));
    line(format!(
        "Allow dynamic-group {SECRETS_DYNAMIC_GROUP} to use fn-invocation {fn_compartment} where target.function.id = '{}'",
        args.function_id
    ));
    line("# If Vault's rotation fails before the function logs anything, try this instead (the principal type is a guess):".to_owned());
    line(format!(
        "# Allow any-user to use fn-invocation {fn_compartment} where all {{request.principal.type = 'vaultsecret', target.function.id = '{}'}}",
        args.function_id
    ));
    line(String::new());

    line("# Bind each user to its secret (contract 4.1): a freeform tag on the user, whose value lists the secret's OCID".to_owned());
    for k in &kinds {
        line(format!("#    {}: tag {}", k.as_str(), tag_key(*k)));
    }
    line(
        "#    Without it the first IAM write answers 400 and writes nothing (docs/deploy.md, \"Bind the user to the secret\").".to_owned(),
    );
    if args.reset_unmanaged_passwords {
        line(format!(
            "#    Unmanaged password reset: a user opts in with the tag {} = {} (exactly; no secret)",
            tag_key(CredentialKind::ConsolePassword),
            crate::binding::UNMANAGED_RESET
        ));
    }
    let mut text = out.join("\n");
    text.push('\n');
    Ok(text)
}

/// `Allow dynamic-group oci-rotator-fn to inspect tenancies in tenancy` (GetTenancy: the home region).
pub const INSPECT_TENANCIES: &str = "Allow dynamic-group oci-rotator-fn to inspect tenancies in tenancy";
/// `Allow dynamic-group oci-rotator-fn to inspect domains in tenancy` (ListDomains, GetDomain).
pub const INSPECT_DOMAINS: &str = "Allow dynamic-group oci-rotator-fn to inspect domains in tenancy";
/// `Allow dynamic-group oci-rotator-fn to read cloud-guard-problems in tenancy` (GetProblem).
pub const READ_CLOUD_GUARD_PROBLEMS: &str = "Allow dynamic-group oci-rotator-fn to read cloud-guard-problems in tenancy";

/// The Vault statement (GetSecret, ListSecretVersions, UpdateSecret) for the secrets of `compartment`.
pub fn secret_family(compartment: Option<&str>) -> String {
    format!("Allow dynamic-group {DYNAMIC_GROUP} to use secret-family {}", scope(compartment))
}

/// The Secrets statement (GetSecretBundle) for the secrets of `compartment`.
pub fn secret_bundles(compartment: Option<&str>) -> String {
    format!("Allow dynamic-group {DYNAMIC_GROUP} to read secret-bundles {}", scope(compartment))
}

/// The IAM statement for `kinds` (sorted, deduplicated) and `users` (none: every user).
pub fn iam_statement(kinds: &[CredentialKind], users: &[&str], reset_unmanaged_passwords: bool) -> String {
    let mut permissions = vec!["USER_INSPECT", "USER_READ", "USER_UPDATE"];
    for k in kinds {
        permissions.extend_from_slice(kind_permissions(*k));
    }
    if reset_unmanaged_passwords && !permissions.contains(&"USER_UIPASS_RESET") {
        permissions.push("USER_UIPASS_RESET");
    }
    format!("Allow dynamic-group {DYNAMIC_GROUP} to {{{}}} in tenancy{}", permissions.join(", "), user_condition(users))
}

/// The statement for the users of identity domain `domain` (UNCONFIRMED, docs/deploy.md).
pub fn domain_users(domain: &str) -> String {
    format!("Allow dynamic-group {DYNAMIC_GROUP} to manage users in tenancy where target.resource.domain.name = '{domain}'")
}

/// The statement for publishing to the ONS topic `topic_id` (docs/cloud-guard.md).
pub fn ons_topic(topic_id: &str) -> String {
    format!("Allow dynamic-group {DYNAMIC_GROUP} to use ons-topics in tenancy where target.topic.id = '{topic_id}'")
}

fn user_condition(users: &[&str]) -> String {
    if users.is_empty() {
        return String::new();
    }
    let each = users.iter().map(|u| format!("target.user.id = '{u}'")).collect::<Vec<_>>().join(", ");
    format!(" where any {{{each}}}")
}

/// `in compartment id OCID`, `in tenancy` for a tenancy OCID or none.
fn scope(compartment: Option<&str>) -> String {
    match compartment {
        Some(c) if !c.starts_with("ocid1.tenancy.") => format!("in compartment id {c}"),
        _ => "in tenancy".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> PolicyRequest {
        PolicyRequest {
            function_id: "ocid1.fnfunc.oc1.iad.aaaa".to_owned(),
            secrets_compartment_id: "ocid1.compartment.oc1..bbbb".to_owned(),
            ..PolicyRequest::default()
        }
    }

    #[test]
    fn all_kinds_and_no_users_grant_every_permission_with_a_warning() {
        // Given no --kinds and no --user-id
        // When the text is rendered
        let text = render(&args()).unwrap_or_default();
        // Then every kind's permissions appear, with the no-user warning and inspect domains
        for k in CredentialKind::ALL {
            for p in kind_permissions(k) {
                assert!(text.contains(p), "{p} missing");
            }
        }
        assert!(text.contains("reaches every user"));
        assert!(text.contains("inspect domains in tenancy"));
        assert!(!text.contains("target.user.id"));
    }

    #[test]
    fn a_quote_in_an_argument_is_refused() {
        // Given a user id or domain name that would end a quoted string in a statement
        let mut bad_user = args();
        bad_user.user_ids = vec!["ocid1.user.oc1..a' or 'x".to_owned()];
        let mut bad_domain = args();
        bad_domain.domain_name = Some("d' or '1".to_owned());
        // When rendered / Then refused
        assert!(render(&bad_user).is_err_and(|e| e.contains("--user-id")));
        assert!(render(&bad_domain).is_err_and(|e| e.contains("--domain-name")));
    }

    #[test]
    fn the_unmanaged_reset_adds_get_problem_and_the_password_reset_only_when_asked() {
        // Given API keys only, without and with --reset-unmanaged-passwords
        let mut plain = args();
        plain.kinds = vec![CredentialKind::ApiKey];
        let mut reset = plain.clone();
        reset.reset_unmanaged_passwords = true;
        // When rendered
        let (plain, reset) = (render(&plain).unwrap_or_default(), render(&reset).unwrap_or_default());
        // Then only the second reads Cloud Guard problems, may reset passwords and names the tag value
        assert!(!plain.contains("cloud-guard-problems") && !plain.contains("USER_UIPASS_RESET"));
        assert!(reset.contains("Allow dynamic-group oci-rotator-fn to read cloud-guard-problems in tenancy\n"), "{reset}");
        assert!(reset.contains("USER_APIKEY_REMOVE, USER_UIPASS_RESET}"), "{reset}");
        assert!(reset.contains("oci-rotator-console-password = unmanaged-reset"), "{reset}");
    }

    #[test]
    fn a_tenancy_as_secrets_compartment_scopes_to_the_tenancy() {
        // Given the tenancy as the secrets' compartment
        let mut a = args();
        a.secrets_compartment_id = "ocid1.tenancy.oc1..tttt".to_owned();
        // When rendered
        let text = render(&a).unwrap_or_default();
        // Then the Vault statement is at tenancy level
        assert!(text.contains("to use secret-family in tenancy\n"));
    }
}
