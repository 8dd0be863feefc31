//! The credential resources of an identity domain's REST API (`ApiKeys`, `AuthTokens`, ...): their
//! path segment, the IAM credential kind behind each, and the schema URN a create body must list.
//! Shared by the routing table (`routes`) and the operations (`ops`), below both.

use crate::sim::identity::iam::CredKind;

/// A credential resource of the domain API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resource {
    ApiKeys,
    AuthTokens,
    CustomerSecretKeys,
    SmtpCredentials,
    OAuth2ClientCredentials,
    UserDbCredentials,
}

impl Resource {
    pub(super) fn parse(segment: &str) -> Option<Resource> {
        match segment {
            "ApiKeys" => Some(Resource::ApiKeys),
            "AuthTokens" => Some(Resource::AuthTokens),
            "CustomerSecretKeys" => Some(Resource::CustomerSecretKeys),
            "SmtpCredentials" => Some(Resource::SmtpCredentials),
            "OAuth2ClientCredentials" => Some(Resource::OAuth2ClientCredentials),
            "UserDbCredentials" => Some(Resource::UserDbCredentials),
            _ => None,
        }
    }

    /// The credential kind behind every resource but API keys (`None` for API keys).
    pub(crate) fn cred_kind(self) -> Option<CredKind> {
        match self {
            Resource::ApiKeys => None,
            Resource::AuthTokens => Some(CredKind::AuthToken),
            Resource::CustomerSecretKeys => Some(CredKind::CustomerSecretKey),
            Resource::SmtpCredentials => Some(CredKind::SmtpCredential),
            Resource::OAuth2ClientCredentials => Some(CredKind::OAuth2ClientCredential),
            Resource::UserDbCredentials => Some(CredKind::DbCredential),
        }
    }

    /// The schema URN a create body must list.
    pub(crate) fn schema(self) -> &'static str {
        match self {
            Resource::ApiKeys => super::scim::API_KEY,
            Resource::AuthTokens => super::scim::AUTH_TOKEN,
            Resource::CustomerSecretKeys => super::scim::CUSTOMER_SECRET_KEY,
            Resource::SmtpCredentials => super::scim::SMTP_CREDENTIAL,
            Resource::OAuth2ClientCredentials => super::scim::OAUTH2_CLIENT_CREDENTIAL,
            Resource::UserDbCredentials => super::scim::USER_DB_CREDENTIAL,
        }
    }
}
