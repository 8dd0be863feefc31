//! The OCI routing table: which method and path is which operation (with its path parameters,
//! percent-decoded), and the dispatch to the handlers, which get a [`Call`] (`sim::call`, below
//! both: the routes import the handlers, never the reverse). Vault `20180608` (with CreateSecret),
//! Secrets `20190301`, Identity `20160918` (with ListDomains, GetDomain and ListCompartments),
//! Notifications `20181201`, Functions `20181201` and `20260325` (the SDK's), Cloud Guard `20200131` (GetProblem), Monitoring `20180401`, and each identity domain's REST
//! API under `/idcs-<32 hex>/admin/v1/` (`domains::routes`; at a domain's own listener,
//! `/admin/v1/` is routed there, see `pipeline`).

use crate::sim::answer::Answer;
use crate::sim::call::Call;
use crate::sim::domains::routes::{self as domain_routes, DomainOp};
use crate::sim::error::{err, SimError};
use crate::sim::identity::iam::CredKind;
use crate::sim::identity::ops as identity;
use crate::sim::monitoring::ops as monitoring;
use crate::sim::vault::ops as vault;
use crate::sim::{cloud_guard, functions, notifications, secrets};

/// One OCI operation, with its path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    CreateSecret,
    ListSecrets,
    GetSecret(String),
    UpdateSecret(String),
    ListSecretVersions(String),
    GetSecretVersion(String, String),
    ScheduleSecretVersionDeletion(String, String),
    RotateSecret(String),
    GetSecretBundle(String),
    GetTenancy(String),
    ListRegionSubscriptions(String),
    GetUser(String),
    UpdateUser(String),
    ListApiKeys(String),
    UploadApiKey(String),
    DeleteApiKey(String, String),
    ListCreds(String, CredKind),
    CreateCred(String, CredKind),
    DeleteCred(String, CredKind, String),
    CreateOrResetUiPassword(String),
    GetUiPasswordInformation(String),
    PublishMessage(String),
    ListDomains,
    GetDomain(String),
    GetProblem(String),
    ListCompartments,
    PostMetricData,
    ListMetrics,
    CreateAlarm,
    ListAlarms,
    GetFunction(String),
    InvokeFunction(String),
    /// An operation of the domain served under `idcs-<hex>`.
    Domain(String, DomainOp),
    Unknown,
}

fn cred_kind(segment: &str) -> Option<CredKind> {
    match segment {
        "authTokens" => Some(CredKind::AuthToken),
        "customerSecretKeys" => Some(CredKind::CustomerSecretKey),
        "smtpCredentials" => Some(CredKind::SmtpCredential),
        "oauth2ClientCredentials" => Some(CredKind::OAuth2ClientCredential),
        "dbCredentials" => Some(CredKind::DbCredential),
        _ => None,
    }
}

/// The routes under `/20160918/users/{id}/`.
fn user_route(method: &str, id: &str, rest: &[&str]) -> Route {
    let id = id.to_owned();
    match (method, rest) {
        ("GET", ["apiKeys"]) => Route::ListApiKeys(id),
        ("POST", ["apiKeys"]) => Route::UploadApiKey(id),
        ("DELETE", ["apiKeys", fp]) => Route::DeleteApiKey(id, (*fp).to_owned()),
        ("POST", ["uiPassword"]) => Route::CreateOrResetUiPassword(id),
        ("GET", ["uiPassword"]) => Route::GetUiPasswordInformation(id),
        (_, [kind, tail @ ..]) => match (cred_kind(kind), method, tail) {
            (Some(k), "GET", []) => Route::ListCreds(id, k),
            (Some(k), "POST", []) => Route::CreateCred(id, k),
            (Some(k), "DELETE", [c]) => Route::DeleteCred(id, k, (*c).to_owned()),
            _ => Route::Unknown,
        },
        _ => Route::Unknown,
    }
}

/// The hex of an `idcs-<32 hex>` path segment.
fn domain_hex(segment: &str) -> Option<&str> {
    segment.strip_prefix("idcs-").filter(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl Route {
    /// The operation of `method` on the (decoded) path segments.
    pub(crate) fn resolve(method: &str, segments: &[String]) -> Route {
        let s: Vec<&str> = segments.iter().map(String::as_str).collect();
        let own = |x: &str| x.to_owned();
        match (method, s.as_slice()) {
            ("GET", ["20180608", "secrets"]) => Route::ListSecrets,
            ("POST", ["20180608", "secrets"]) => Route::CreateSecret,
            ("GET", ["20180608", "secrets", id]) => Route::GetSecret(own(id)),
            ("PUT", ["20180608", "secrets", id]) => Route::UpdateSecret(own(id)),
            ("GET", ["20180608", "secrets", id, "versions"]) => Route::ListSecretVersions(own(id)),
            ("GET", ["20180608", "secrets", id, "version", n]) => Route::GetSecretVersion(own(id), own(n)),
            ("POST", ["20180608", "secrets", id, "version", n, "actions", "scheduleDeletion"]) => {
                Route::ScheduleSecretVersionDeletion(own(id), own(n))
            }
            ("POST", ["20180608", "secrets", id, "actions", "rotate"]) => Route::RotateSecret(own(id)),
            ("GET", ["20190301", "secretbundles", id]) => Route::GetSecretBundle(own(id)),
            ("GET", ["20160918", "tenancies", id]) => Route::GetTenancy(own(id)),
            ("GET", ["20160918", "tenancies", id, "regionSubscriptions"]) => Route::ListRegionSubscriptions(own(id)),
            ("GET", ["20160918", "users", id]) => Route::GetUser(own(id)),
            ("PUT", ["20160918", "users", id]) => Route::UpdateUser(own(id)),
            (_, ["20160918", "users", id, rest @ ..]) => user_route(method, id, rest),
            ("POST", ["20181201", "topics", topic, "messages"]) => Route::PublishMessage(own(topic)),
            ("GET", ["20160918", "domains"]) => Route::ListDomains,
            ("GET", ["20160918", "compartments"]) => Route::ListCompartments,
            ("GET", ["20160918", "domains", id]) => Route::GetDomain(own(id)),
            ("GET", ["20200131", "problems", id]) => Route::GetProblem(own(id)),
            ("POST", ["20180401", "metrics"]) => Route::PostMetricData,
            ("POST", ["20180401", "metrics", "actions", "listMetrics"]) => Route::ListMetrics,
            ("POST", ["20180401", "alarms"]) => Route::CreateAlarm,
            ("GET", ["20180401", "alarms"]) => Route::ListAlarms,
            ("GET", ["20181201" | "20260325", "functions", id]) => Route::GetFunction(own(id)),
            ("POST", ["20181201" | "20260325", "functions", id, "actions", "invoke"]) => Route::InvokeFunction(own(id)),
            (_, [host, "admin", "v1", rest @ ..]) => match domain_hex(host) {
                Some(hex) => Route::Domain(own(hex), DomainOp::resolve(method, rest)),
                None => Route::Unknown,
            },
            _ => Route::Unknown,
        }
    }

    /// The OCI operation name (as the SDKs name it).
    pub(crate) fn operation(&self) -> &'static str {
        match self {
            Route::CreateSecret => "CreateSecret",
            Route::ListSecrets => "ListSecrets",
            Route::GetSecret(_) => "GetSecret",
            Route::UpdateSecret(_) => "UpdateSecret",
            Route::ListSecretVersions(_) => "ListSecretVersions",
            Route::GetSecretVersion(..) => "GetSecretVersion",
            Route::ScheduleSecretVersionDeletion(..) => "ScheduleSecretVersionDeletion",
            Route::RotateSecret(_) => "RotateSecret",
            Route::GetSecretBundle(_) => "GetSecretBundle",
            Route::GetTenancy(_) => "GetTenancy",
            Route::ListRegionSubscriptions(_) => "ListRegionSubscriptions",
            Route::GetUser(_) => "GetUser",
            Route::UpdateUser(_) => "UpdateUser",
            Route::ListApiKeys(_) => "ListApiKeys",
            Route::UploadApiKey(_) => "UploadApiKey",
            Route::DeleteApiKey(..) => "DeleteApiKey",
            Route::ListCreds(_, CredKind::AuthToken) => "ListAuthTokens",
            Route::ListCreds(_, CredKind::CustomerSecretKey) => "ListCustomerSecretKeys",
            Route::CreateCred(_, CredKind::AuthToken) => "CreateAuthToken",
            Route::CreateCred(_, CredKind::CustomerSecretKey) => "CreateCustomerSecretKey",
            Route::DeleteCred(_, CredKind::AuthToken, _) => "DeleteAuthToken",
            Route::DeleteCred(_, CredKind::CustomerSecretKey, _) => "DeleteCustomerSecretKey",
            Route::ListCreds(_, CredKind::SmtpCredential) => "ListSmtpCredentials",
            Route::CreateCred(_, CredKind::SmtpCredential) => "CreateSmtpCredential",
            Route::DeleteCred(_, CredKind::SmtpCredential, _) => "DeleteSmtpCredential",
            Route::ListCreds(_, CredKind::OAuth2ClientCredential) => "ListOAuthClientCredentials",
            Route::CreateCred(_, CredKind::OAuth2ClientCredential) => "CreateOAuthClientCredential",
            Route::DeleteCred(_, CredKind::OAuth2ClientCredential, _) => "DeleteOAuthClientCredential",
            Route::ListCreds(_, CredKind::DbCredential) => "ListDbCredentials",
            Route::CreateCred(_, CredKind::DbCredential) => "CreateDbCredential",
            Route::DeleteCred(_, CredKind::DbCredential, _) => "DeleteDbCredential",
            Route::CreateOrResetUiPassword(_) => "CreateOrResetUIPassword",
            Route::GetUiPasswordInformation(_) => "GetUserUIPasswordInformation",
            Route::PublishMessage(_) => "PublishMessage",
            Route::ListDomains => "ListDomains",
            Route::GetDomain(_) => "GetDomain",
            Route::GetProblem(_) => "GetProblem",
            Route::ListCompartments => "ListCompartments",
            Route::PostMetricData => "PostMetricData",
            Route::ListMetrics => "ListMetrics",
            Route::CreateAlarm => "CreateAlarm",
            Route::ListAlarms => "ListAlarms",
            Route::GetFunction(_) => "GetFunction",
            Route::InvokeFunction(_) => "InvokeFunction",
            Route::Domain(_, op) => op.operation(),
            Route::Unknown => "Unknown",
        }
    }

    /// The user of a classic `/20160918/users/{id}...` route.
    fn classic_user(&self) -> Option<&str> {
        match self {
            Route::GetUser(id)
            | Route::UpdateUser(id)
            | Route::ListApiKeys(id)
            | Route::UploadApiKey(id)
            | Route::DeleteApiKey(id, _)
            | Route::ListCreds(id, _)
            | Route::CreateCred(id, _)
            | Route::DeleteCred(id, _, _)
            | Route::CreateOrResetUiPassword(id)
            | Route::GetUiPasswordInformation(id) => Some(id),
            _ => None,
        }
    }
}

/// Runs the operation.
pub(crate) async fn execute(route: &Route, call: &Call<'_>) -> Result<Answer, SimError> {
    if let Some(user) = route.classic_user() {
        identity::classic_user_visible(call, user)?;
    }
    match route {
        Route::CreateSecret => vault::create_secret(call).await,
        Route::ListSecrets => vault::list_secrets(call),
        Route::GetSecret(id) => vault::get_secret(call, id),
        Route::UpdateSecret(id) => vault::update_secret(call, id).await,
        Route::ListSecretVersions(id) => vault::list_secret_versions(call, id),
        Route::GetSecretVersion(id, n) => vault::get_secret_version(call, id, n),
        Route::ScheduleSecretVersionDeletion(id, n) => vault::schedule_version_deletion(call, id, n),
        Route::RotateSecret(id) => vault::rotate_secret(call, id),
        Route::GetSecretBundle(id) => secrets::get_secret_bundle(call, id),
        Route::GetTenancy(id) => identity::get_tenancy(call, id),
        Route::ListRegionSubscriptions(id) => identity::list_region_subscriptions(call, id),
        Route::GetUser(id) => identity::get_user(call, id),
        Route::UpdateUser(id) => identity::update_user(call, id),
        Route::ListApiKeys(id) => identity::list_api_keys(call, id),
        Route::UploadApiKey(id) => identity::upload_api_key(call, id),
        Route::DeleteApiKey(id, fp) => identity::delete_api_key(call, id, fp),
        Route::ListCreds(id, kind) => identity::list_creds(call, id, *kind),
        Route::CreateCred(id, kind) => identity::create_cred(call, id, *kind),
        Route::DeleteCred(id, kind, c) => identity::delete_cred(call, id, *kind, c),
        Route::CreateOrResetUiPassword(id) => identity::reset_ui_password(call, id),
        Route::GetUiPasswordInformation(id) => identity::ui_password_information(call, id),
        Route::PublishMessage(topic) => notifications::publish_message(call, topic),
        Route::ListDomains => identity::list_domains(call),
        Route::GetDomain(id) => identity::get_domain(call, id),
        Route::GetProblem(id) => cloud_guard::get_problem(call, id),
        Route::ListCompartments => identity::list_compartments(call),
        Route::PostMetricData => monitoring::post_metric_data(call),
        Route::ListMetrics => monitoring::list_metrics(call),
        Route::CreateAlarm => monitoring::create_alarm(call),
        Route::ListAlarms => monitoring::list_alarms(call),
        Route::GetFunction(id) => functions::get_function(call, id),
        Route::InvokeFunction(id) => functions::invoke_function(call, id).await,
        Route::Domain(hex, op) => domain_routes::execute(call, hex, op),
        Route::Unknown => Err(err(404, "NotFound", format!("{} {} is not an operation of this simulator", call.method, call.path))),
    }
}
