//! PREFLIGHT (`{"step": "PREFLIGHT", "secretId": S}`, never sent by Vault): the function checks,
//! with its own principal, every READ the four steps would make for the secret (the secret, its
//! CURRENT bundle, the metadata, the user through the classic API or its identity domain, the
//! binding tag, the kind's credential list, the domain's password policies for console passwords)
//! and names each WRITE the steps would make with the policy statement that grants it, unchecked:
//! OCI has no dry run. It writes nothing, ever: no version, no tag, no notice.
//!
//! The answer carries `checks` (call, ok, status, code, opc-request-id, needs): names, ids and
//! statuses only. The bundle's content is read to prove the read is allowed and dropped unread.

use crate::adapters::VERSIONS_SEARCHED;
use crate::binding::{names_secret, tag_key, BindingMode};
use crate::kinds;
use crate::notify::Notifier;
use crate::oci::secrets::BundleSelector;
use crate::oci::{self, Client};
use crate::policies;
use crate::protocol::{Check, SecretRotationInput, SecretRotationOutput};
use crate::secret::SecretConfig;

/// Why a write is not checked.
const NOT_CHECKED: &str = "not checked: OCI has no dry run";

/// The checks made so far.
#[derive(Default)]
struct Checks(Vec<Check>);

impl Checks {
    /// Records a read: passed, or failed with OCI's status, code and request id. A failed call's
    /// needs are those of the operation that failed (GetTenancy, found on the way to IAM, has its own).
    fn read<T>(&mut self, call: &str, needs: &str, result: Result<T, oci::Error>) -> Option<T> {
        match result {
            Ok(value) => {
                self.0.push(Check {
                    call: call.to_owned(),
                    ok: Some(true),
                    status: Some(200),
                    code: None,
                    opc_request_id: None,
                    needs: needs.to_owned(),
                });
                Some(value)
            }
            Err(e) => {
                let needs = if e.operation == "GetTenancy" { policies::INSPECT_TENANCIES.to_owned() } else { needs.to_owned() };
                let code = e.code().map(str::to_owned).or_else(|| Some(e.kind.to_string()));
                self.0.push(Check {
                    call: e.operation.to_owned(),
                    ok: Some(false),
                    status: e.status(),
                    code,
                    opc_request_id: e.opc_request_id.clone(),
                    needs,
                });
                None
            }
        }
    }

    /// Records a check that is not an OCI call (metadata, binding tag).
    fn local(&mut self, call: &str, passed: bool, code: Option<String>, needs: String) {
        self.0.push(Check { call: call.to_owned(), ok: Some(passed), status: None, code, opc_request_id: None, needs });
    }

    /// Names a write the steps would make, unchecked.
    fn write(&mut self, call: &str, needs: &str) {
        self.0.push(Check {
            call: call.to_owned(),
            ok: None,
            status: None,
            code: Some(NOT_CHECKED.to_owned()),
            opc_request_id: None,
            needs: needs.to_owned(),
        });
    }
}

/// Runs PREFLIGHT for `input.secret_id` on `client` (already bound to the deadline).
pub(super) async fn run(
    client: &Client,
    binding: BindingMode,
    notifier: Option<&Notifier>,
    input: &SecretRotationInput,
) -> SecretRotationOutput {
    let mut checks = Checks::default();
    let current = check_secret(client, binding, notifier, input, &mut checks).await;
    answer(checks.0, current)
}

/// The reads, in the order the steps make them; returns the CURRENT version number.
async fn check_secret(
    client: &Client,
    binding: BindingMode,
    notifier: Option<&Notifier>,
    input: &SecretRotationInput,
    checks: &mut Checks,
) -> Option<u64> {
    let secret_id = &input.secret_id;
    let secret = checks.read("GetSecret", &policies::secret_family(None), client.get_secret(secret_id).await)?.secret;
    let compartment = Some(secret.compartment_id.as_str()).filter(|c| !c.is_empty());
    let family = policies::secret_family(compartment);
    let config = match SecretConfig::from_metadata(secret.metadata.as_ref()) {
        Ok(c) => {
            checks.local("metadata", true, None, "valid metadata (docs/credential-kinds.md)".to_owned());
            c
        }
        Err(why) => {
            checks.local("metadata", false, Some("InvalidMetadata".to_owned()), why);
            return secret.current_version_number;
        }
    };
    let bundles = policies::secret_bundles(compartment);
    match checks.read("GetSecretBundle", &bundles, client.get_secret_bundle(secret_id, BundleSelector::Stage("CURRENT")).await) {
        // OCI answers 404 NotAuthorizedOrNotFound both for a missing version and a refused read;
        // the secret said it has a CURRENT version, so here it is a refusal.
        Some(None) => {
            checks.0.pop();
            checks.0.push(Check {
                call: "GetSecretBundle".to_owned(),
                ok: Some(false),
                status: Some(404),
                code: Some("NotAuthorizedOrNotFound".to_owned()),
                opc_request_id: None,
                needs: bundles.clone(),
            });
        }
        // A bundle read is dropped unread: PREFLIGHT reveals no material.
        Some(Some(_)) | None => {}
    }
    checks.read("ListSecretVersions", &family, client.list_secret_versions(secret_id, VERSIONS_SEARCHED).await);
    check_user(client, binding, &config, secret_id, checks).await;
    checks.write("UpdateSecret", &family);
    if let Some(n) = notifier {
        checks.write("PublishMessage", &policies::ons_topic(n.topic_id()));
    }
    secret.current_version_number
}

/// An identity domain PREFLIGHT reached: its URL and the name its statement uses.
struct Domain {
    base: String,
    name: String,
}

/// The user and its binding tag where `binding::check` reads them, the kind's credential list or
/// console password, and the kind's writes.
async fn check_user(client: &Client, binding: BindingMode, config: &SecretConfig, secret_id: &str, checks: &mut Checks) {
    let kind = config.kind;
    let user_id = config.user_id.as_str();
    let iam = policies::iam_statement(&[kind], &[user_id], false);
    let key = tag_key(kind);
    let family = kinds::spec(kind).family;
    let console = family.is_none();
    let domain = match &config.domain_id {
        None => None,
        Some(domain_id) => match checks.read("GetDomain", policies::INSPECT_DOMAINS, client.domain(domain_id).await) {
            Some(d) => Some(Domain { base: d.url, name: format!("<name of identity domain {domain_id}>") }),
            None => return,
        },
    };
    let scim_user_id = match &domain {
        None => {
            let Some(user) = checks.read("GetUser", &iam, client.get_user(user_id).await) else { return };
            check_binding(checks, binding, &key, user.freeform_tags.get(&key), user_id, secret_id);
            None
        }
        Some(d) => {
            let needs = policies::domain_users(&d.name);
            let Some(user) = checks.read("ListUsers (domain)", &needs, client.domain_user(&d.base, user_id, console).await) else { return };
            check_binding(checks, binding, &key, user.freeform_tags.get(&key), user_id, secret_id);
            Some(user.id)
        }
    };
    match (family, domain, scim_user_id) {
        (None, domain, _) => check_console_password(client, config, domain, &iam, checks).await,
        (Some(f), Some(d), Some(scim_id)) => {
            let needs = policies::domain_users(&d.name);
            let (list, create, delete) = f.scim().ops;
            checks.read(list, &needs, client.list_domain_credentials(&d.base, f, &scim_id).await);
            checks.write(create, &needs);
            checks.write(delete, &needs);
        }
        (Some(f), _, _) => {
            let (list, create, delete) = f.classic().ops;
            checks.read(list, &iam, client.list_credentials(f, user_id).await);
            checks.write(create, &iam);
            checks.write(delete, &iam);
        }
    }
}

/// Console passwords: the user's domain, else the Default domain where the tenancy has identity
/// domains (ListDomains), else the classic API.
async fn check_console_password(client: &Client, config: &SecretConfig, domain: Option<Domain>, iam: &str, checks: &mut Checks) {
    let user_id = config.user_id.as_str();
    let domain = match domain {
        Some(d) => Some(d),
        None => {
            let Some(domains) = checks.read("ListDomains", policies::INSPECT_DOMAINS, client.list_domains().await) else { return };
            let default = domains.into_iter().find(|d| d.is_default()).map(|d| Domain { base: d.url, name: "Default".to_owned() });
            if let Some(d) = &default {
                let needs = policies::domain_users(&d.name);
                checks.read("ListUsers (domain)", &needs, client.domain_user(&d.base, user_id, true).await);
            }
            default
        }
    };
    match domain {
        Some(d) => {
            let needs = policies::domain_users(&d.name);
            checks.read("ListPasswordPolicies (domain)", &needs, client.domain_password_policies(&d.base).await);
            checks.write("PutUserPasswordChanger (domain)", &needs);
        }
        None => {
            checks.read("GetUserUIPasswordInformation", iam, client.get_ui_password_information(user_id).await);
            checks.write("CreateOrResetUIPassword", iam);
        }
    }
}

/// Contract 4.1: the user's tag must name the secret before the first IAM write.
fn check_binding(checks: &mut Checks, binding: BindingMode, key: &str, value: Option<&String>, user_id: &str, secret_id: &str) {
    let wanted = format!("freeform tag {key} on user {user_id} naming {secret_id} (docs/deploy.md, \"Bind the user to the secret\")");
    match binding {
        BindingMode::Off => checks.local("binding tag", true, Some("OCI_ROTATOR_USER_BINDING=off".to_owned()), wanted),
        BindingMode::Required => {
            let bound = value.is_some_and(|v| names_secret(v, secret_id));
            let code = (!bound).then(|| if value.is_some() { "TagNamesOtherSecrets" } else { "TagMissing" }.to_owned());
            checks.local("binding tag", bound, code, wanted);
        }
    }
}

/// The answer: 200 when every read passed, 403 when OCI refused one (see `engine::preflight_code`).
fn answer(checks: Vec<Check>, current: Option<u64>) -> SecretRotationOutput {
    let code = super::error::preflight_code(&checks);
    let reads = checks.iter().filter(|c| c.ok.is_some()).count();
    let writes = checks.iter().filter(|c| c.ok.is_none()).count();
    let message = match checks.iter().find(|c| c.ok == Some(false)) {
        None => format!("PREFLIGHT: all {reads} reads passed; {writes} writes not checked (OCI has no dry run)"),
        Some(c) => {
            let answered = match (c.status, &c.code) {
                (Some(s), Some(code)) => format!("{s} {code}"),
                (None, Some(code)) => code.clone(),
                (s, None) => s.map(|s| s.to_string()).unwrap_or_default(),
            };
            format!("PREFLIGHT: {} failed ({answered}); missing: {}", c.call, c.needs)
        }
    };
    let mut out = SecretRotationOutput::new(code, current, message);
    out.checks = Some(checks);
    out
}
