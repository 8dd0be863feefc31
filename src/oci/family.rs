//! The per-user credential families IAM holds, and their wire words, declared once as table data:
//! the classic API's path segment and operation names (`20160918`), the identity domain's SCIM
//! resource, schema URN and operation names, which field of a listed credential is the id a secret
//! version holds, and what a create body carries. `oci::identity` and `oci::identity_domains` read
//! their paths, operation names and bodies from here; nothing else names a family's wire words.
//!
//! Sources: the OCI Python SDK (`IdentityClient`, `IdentityDomainsClient`) and
//! `docs/credential-kinds.md`.

use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Map, Value};

use crate::secret::OAuth2Scope;

/// A per-user credential family (the console password is not one: a user has one, unlisted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// API signing keys (id: the fingerprint).
    ApiKey,
    /// Auth tokens (id: the token's OCID).
    AuthToken,
    /// Customer secret keys (id: the access key).
    CustomerSecretKey,
    /// SMTP credentials (id: the credential's OCID; IAM issues a user name with each).
    SmtpCredential,
    /// OAuth 2.0 client credentials (id: the credential's OCID).
    OAuth2ClientCredential,
    /// Database passwords (id: the credential's OCID; the caller chooses the password).
    DbCredential,
}

/// One field of a create body, and the name it goes under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyField {
    /// The label carrying the `oci-rotator <secretId>` marker (`description`, `displayName`).
    Label(&'static str),
    /// The public key PEM (`key`).
    PublicKey(&'static str),
    /// The OAuth 2.0 client credential's name (`name`; `oci-rotator` when none is given).
    Name(&'static str),
    /// The OAuth 2.0 scopes (`scopes`; an empty list when none are given).
    Scopes(&'static str),
    /// The password the caller chose (`password`, `dbPassword`).
    Password(&'static str),
}

/// A family on the classic IAM API: `/20160918/users/{id}/<path>`.
#[derive(Debug)]
pub struct Classic {
    /// The path segment under the user (`authTokens`).
    pub path: &'static str,
    /// The operation names (list, create, delete), as the SDK names them.
    pub ops: (&'static str, &'static str, &'static str),
    /// True when IAM pages the list (`page`, `limit`, `opc-next-page`).
    pub paged: bool,
    /// The create body, in order.
    pub body: &'static [BodyField],
}

/// Which field of a listed credential is the id a secret version holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdField {
    /// `ocid` (SCIM) / `id` (classic).
    Ocid,
    /// `fingerprint`.
    Fingerprint,
    /// `accessKey` (SCIM) / `id` (classic).
    AccessKey,
}

/// A family in an identity domain's REST API: `<domain url>/admin/v1/<resource>`.
#[derive(Debug)]
pub struct Scim {
    /// The resource (`AuthTokens`).
    pub resource: &'static str,
    /// Its schema URN, required in a create body.
    pub schema: &'static str,
    /// The operation names (list, create, delete), as the SDK names them.
    pub ops: (&'static str, &'static str, &'static str),
    /// The create body's own fields (besides `schemas` and `user`), in order.
    pub body: &'static [BodyField],
}

/// What one family is on the wire.
#[derive(Debug)]
pub struct Wire {
    /// On the classic API.
    pub classic: Classic,
    /// In an identity domain.
    pub scim: Scim,
    /// The field of a listed credential that a secret version holds as its id.
    pub id: IdField,
    /// True when the create response carries a one-time secret (not API keys, whose key pair the
    /// caller made, nor database passwords, which the caller chose).
    pub returns_secret: bool,
}

use BodyField::{Label, Name, Password, PublicKey, Scopes};

const API_KEY: Wire = Wire {
    classic: Classic { path: "apiKeys", ops: ("ListApiKeys", "UploadApiKey", "DeleteApiKey"), paged: false, body: &[PublicKey("key")] },
    scim: Scim {
        resource: "ApiKeys",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:apikey",
        ops: ("ListApiKeys (domain)", "CreateApiKey (domain)", "DeleteApiKey (domain)"),
        body: &[PublicKey("key"), Label("description")],
    },
    id: IdField::Fingerprint,
    returns_secret: false,
};

const AUTH_TOKEN: Wire = Wire {
    classic: Classic {
        path: "authTokens",
        ops: ("ListAuthTokens", "CreateAuthToken", "DeleteAuthToken"),
        paged: false,
        body: &[Label("description")],
    },
    scim: Scim {
        resource: "AuthTokens",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:authToken",
        ops: ("ListAuthTokens (domain)", "CreateAuthToken (domain)", "DeleteAuthToken (domain)"),
        body: &[Label("description")],
    },
    id: IdField::Ocid,
    returns_secret: true,
};

const CUSTOMER_SECRET_KEY: Wire = Wire {
    classic: Classic {
        path: "customerSecretKeys",
        ops: ("ListCustomerSecretKeys", "CreateCustomerSecretKey", "DeleteCustomerSecretKey"),
        paged: false,
        body: &[Label("displayName")],
    },
    scim: Scim {
        resource: "CustomerSecretKeys",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:customerSecretKey",
        ops: ("ListCustomerSecretKeys (domain)", "CreateCustomerSecretKey (domain)", "DeleteCustomerSecretKey (domain)"),
        body: &[Label("displayName"), Label("description")],
    },
    id: IdField::AccessKey,
    returns_secret: true,
};

const SMTP_CREDENTIAL: Wire = Wire {
    classic: Classic {
        path: "smtpCredentials",
        ops: ("ListSmtpCredentials", "CreateSmtpCredential", "DeleteSmtpCredential"),
        paged: false,
        body: &[Label("description")],
    },
    scim: Scim {
        resource: "SmtpCredentials",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:smtpCredential",
        ops: ("ListSmtpCredentials (domain)", "CreateSmtpCredential (domain)", "DeleteSmtpCredential (domain)"),
        body: &[Label("description")],
    },
    id: IdField::Ocid,
    returns_secret: true,
};

const OAUTH2_CLIENT_CREDENTIAL: Wire = Wire {
    classic: Classic {
        path: "oauth2ClientCredentials",
        ops: ("ListOAuthClientCredentials", "CreateOAuthClientCredential", "DeleteOAuthClientCredential"),
        paged: true,
        body: &[Name("name"), Label("description"), Scopes("scopes")],
    },
    scim: Scim {
        resource: "OAuth2ClientCredentials",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:oauth2ClientCredential",
        ops: ("ListOAuth2ClientCredentials (domain)", "CreateOAuth2ClientCredential (domain)", "DeleteOAuth2ClientCredential (domain)"),
        body: &[Name("name"), Label("description"), Scopes("scopes")],
    },
    id: IdField::Ocid,
    returns_secret: true,
};

const DB_CREDENTIAL: Wire = Wire {
    classic: Classic {
        path: "dbCredentials",
        ops: ("ListDbCredentials", "CreateDbCredential", "DeleteDbCredential"),
        paged: true,
        body: &[Password("password"), Label("description")],
    },
    scim: Scim {
        resource: "UserDbCredentials",
        schema: "urn:ietf:params:scim:schemas:oracle:idcs:UserDbCredentials",
        ops: ("ListUserDbCredentials (domain)", "CreateUserDbCredential (domain)", "DeleteUserDbCredential (domain)"),
        body: &[Password("dbPassword"), Label("description")],
    },
    id: IdField::Ocid,
    returns_secret: false,
};

impl Family {
    /// Every family.
    pub const ALL: [Family; 6] = [
        Family::ApiKey,
        Family::AuthToken,
        Family::CustomerSecretKey,
        Family::SmtpCredential,
        Family::OAuth2ClientCredential,
        Family::DbCredential,
    ];

    /// The family's wire words: the one place they are declared.
    pub const fn wire(self) -> &'static Wire {
        match self {
            Family::ApiKey => &API_KEY,
            Family::AuthToken => &AUTH_TOKEN,
            Family::CustomerSecretKey => &CUSTOMER_SECRET_KEY,
            Family::SmtpCredential => &SMTP_CREDENTIAL,
            Family::OAuth2ClientCredential => &OAUTH2_CLIENT_CREDENTIAL,
            Family::DbCredential => &DB_CREDENTIAL,
        }
    }

    /// On the classic IAM API.
    pub const fn classic(self) -> &'static Classic {
        &self.wire().classic
    }

    /// In an identity domain.
    pub const fn scim(self) -> &'static Scim {
        &self.wire().scim
    }
}

/// What a new credential is made of (only the fields its family's body names are read).
#[derive(Default)]
pub struct NewCredential<'a> {
    /// The label (description / display name) with the `oci-rotator <secretId>` marker.
    pub label: &'a str,
    /// API keys: the public key (PEM).
    pub public_pem: Option<&'a str>,
    /// OAuth 2.0 client credentials: the name.
    pub name: Option<&'a str>,
    /// OAuth 2.0 client credentials: the scopes.
    pub scopes: Option<&'a [OAuth2Scope]>,
    /// Database passwords: the password the caller chose.
    pub password: Option<&'a SecretString>,
}

impl NewCredential<'_> {
    /// The create body `fields` describe (it may hold a password: the caller wipes it).
    pub fn body(&self, fields: &[BodyField]) -> Map<String, Value> {
        let mut body = Map::new();
        for field in fields {
            let (name, value) = match *field {
                Label(name) => (name, Value::from(self.label)),
                PublicKey(name) => (name, Value::from(self.public_pem.unwrap_or_default())),
                Name(name) => (name, Value::from(self.name.unwrap_or("oci-rotator"))),
                Scopes(name) => (name, serde_json::to_value(self.scopes.unwrap_or_default()).unwrap_or_default()),
                Password(name) => (name, Value::from(self.password.map(|p| p.expose_secret()).unwrap_or_default())),
            };
            body.insert(name.to_owned(), value);
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_body_holds_the_fields_its_family_names() {
        let scopes = [OAuth2Scope { audience: "a".to_owned(), scope: "s".to_owned() }];
        let new = NewCredential { label: "oci-rotator x", name: Some("n"), scopes: Some(&scopes), ..NewCredential::default() };
        let body = Value::Object(new.body(Family::OAuth2ClientCredential.classic().body));
        assert_eq!(body, json!({"name": "n", "description": "oci-rotator x", "scopes": [{"audience": "a", "scope": "s"}]}));
        let body = Value::Object(new.body(Family::CustomerSecretKey.scim().body));
        assert_eq!(body, json!({"displayName": "oci-rotator x", "description": "oci-rotator x"}));
    }

    #[test]
    fn every_family_has_its_own_paths() {
        for (i, a) in Family::ALL.iter().enumerate() {
            for b in &Family::ALL[i + 1..] {
                assert_ne!(a.classic().path, b.classic().path);
                assert_ne!(a.scim().resource, b.scim().resource);
            }
        }
    }
}
