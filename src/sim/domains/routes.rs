//! The routing table of an identity domain's REST API (`<domain url>/admin/v1/...`): which method
//! and path is which SCIM operation, its journal name (`Domain` + the SDK's name, so that
//! `DomainListApiKeys` is not the classic `ListApiKeys`), and the dispatch to `ops`.

use super::ops;
use super::resource::Resource;
use crate::sim::answer::Answer;
use crate::sim::call::Call;
use crate::sim::error::{err, SimError};

/// One operation of a domain's REST API, with its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DomainOp {
    GetUser(String),
    ListUsers,
    PatchUser(String),
    GetMe,
    Create(Resource),
    Get(Resource, String),
    List(Resource),
    Delete(Resource, String),
    PutUserPasswordChanger(String),
    ListPasswordPolicies,
    Unknown,
}

impl DomainOp {
    /// The operation of `method` on the segments after `/admin/v1/`.
    pub(crate) fn resolve(method: &str, rest: &[&str]) -> DomainOp {
        let own = |x: &str| x.to_owned();
        match (method, rest) {
            ("GET", ["Users"]) => DomainOp::ListUsers,
            ("GET", ["Users", id]) => DomainOp::GetUser(own(id)),
            ("PATCH", ["Users", id]) => DomainOp::PatchUser(own(id)),
            ("GET", ["Me"]) => DomainOp::GetMe,
            ("PUT", ["UserPasswordChanger", id]) => DomainOp::PutUserPasswordChanger(own(id)),
            ("GET", ["PasswordPolicies"]) => DomainOp::ListPasswordPolicies,
            (_, [resource, tail @ ..]) => match (Resource::parse(resource), method, tail) {
                (Some(r), "POST", []) => DomainOp::Create(r),
                (Some(r), "GET", []) => DomainOp::List(r),
                (Some(r), "GET", [id]) => DomainOp::Get(r, own(id)),
                (Some(r), "DELETE", [id]) => DomainOp::Delete(r, own(id)),
                _ => DomainOp::Unknown,
            },
            _ => DomainOp::Unknown,
        }
    }

    /// The journal name.
    pub(crate) fn operation(&self) -> &'static str {
        use Resource::{ApiKeys, AuthTokens, CustomerSecretKeys, OAuth2ClientCredentials, SmtpCredentials, UserDbCredentials};
        match self {
            DomainOp::GetUser(_) => "DomainGetUser",
            DomainOp::ListUsers => "DomainListUsers",
            DomainOp::PatchUser(_) => "DomainPatchUser",
            DomainOp::GetMe => "DomainGetMe",
            DomainOp::Create(ApiKeys) => "DomainCreateApiKey",
            DomainOp::Create(AuthTokens) => "DomainCreateAuthToken",
            DomainOp::Create(CustomerSecretKeys) => "DomainCreateCustomerSecretKey",
            DomainOp::Get(ApiKeys, _) => "DomainGetApiKey",
            DomainOp::Get(AuthTokens, _) => "DomainGetAuthToken",
            DomainOp::Get(CustomerSecretKeys, _) => "DomainGetCustomerSecretKey",
            DomainOp::List(ApiKeys) => "DomainListApiKeys",
            DomainOp::List(AuthTokens) => "DomainListAuthTokens",
            DomainOp::List(CustomerSecretKeys) => "DomainListCustomerSecretKeys",
            DomainOp::Delete(ApiKeys, _) => "DomainDeleteApiKey",
            DomainOp::Delete(AuthTokens, _) => "DomainDeleteAuthToken",
            DomainOp::Delete(CustomerSecretKeys, _) => "DomainDeleteCustomerSecretKey",
            DomainOp::Create(SmtpCredentials) => "DomainCreateSmtpCredential",
            DomainOp::Get(SmtpCredentials, _) => "DomainGetSmtpCredential",
            DomainOp::List(SmtpCredentials) => "DomainListSmtpCredentials",
            DomainOp::Delete(SmtpCredentials, _) => "DomainDeleteSmtpCredential",
            DomainOp::Create(OAuth2ClientCredentials) => "DomainCreateOAuth2ClientCredential",
            DomainOp::Get(OAuth2ClientCredentials, _) => "DomainGetOAuth2ClientCredential",
            DomainOp::List(OAuth2ClientCredentials) => "DomainListOAuth2ClientCredentials",
            DomainOp::Delete(OAuth2ClientCredentials, _) => "DomainDeleteOAuth2ClientCredential",
            DomainOp::Create(UserDbCredentials) => "DomainCreateUserDbCredential",
            DomainOp::Get(UserDbCredentials, _) => "DomainGetUserDbCredential",
            DomainOp::List(UserDbCredentials) => "DomainListUserDbCredentials",
            DomainOp::Delete(UserDbCredentials, _) => "DomainDeleteUserDbCredential",
            DomainOp::PutUserPasswordChanger(_) => "DomainPutUserPasswordChanger",
            DomainOp::ListPasswordPolicies => "DomainListPasswordPolicies",
            DomainOp::Unknown => "Unknown",
        }
    }
}

/// Runs `op` in the domain served under `idcs-<hex>` (404 when there is none, or it is not ACTIVE).
pub(crate) fn execute(call: &Call<'_>, hex: &str, op: &DomainOp) -> Result<Answer, SimError> {
    let domain = call.sim.state().domains.serving(hex)?.clone();
    let d = &domain;
    match op {
        DomainOp::GetUser(id) => ops::get_user(call, d, id),
        DomainOp::ListUsers => ops::list_users(call, d),
        DomainOp::PatchUser(id) => ops::patch_user(call, d, id),
        DomainOp::GetMe => ops::get_me(call, d),
        DomainOp::Create(r) => ops::create(call, d, *r),
        DomainOp::Get(r, id) => ops::get(call, d, *r, id),
        DomainOp::List(r) => ops::list(call, d, *r),
        DomainOp::Delete(r, id) => ops::delete(call, d, *r, id),
        DomainOp::PutUserPasswordChanger(id) => ops::put_password(call, d, id),
        DomainOp::ListPasswordPolicies => Ok(Answer::read(super::scim::list_response(vec![d.policy.json()]))),
        DomainOp::Unknown => Err(err(404, "NotFound", format!("{} {} is not an operation of this simulator", call.method, call.path))),
    }
}
