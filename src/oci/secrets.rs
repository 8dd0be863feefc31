//! Secrets data plane (`20190301`): reading a version's content, by stage or by number.

use reqwest::Method;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::client::{encode_segment, Client, Request, Service};
use super::error::{Error, ErrorKind};

/// Which version of a secret to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleSelector {
    /// The version carrying this stage (`CURRENT`, `PENDING`, `PREVIOUS`...).
    Stage(&'static str),
    /// The version with this number.
    Version(u64),
}

/// A secret bundle: one version's number, stages and decoded content.
pub struct SecretBundle {
    /// The version number.
    pub version_number: u64,
    /// The version's stages.
    pub stages: Vec<String>,
    /// The decoded content bytes (wiped on drop).
    pub content: Zeroizing<Vec<u8>>,
    /// The `opc-request-id` of the read.
    pub opc_request_id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireBundle {
    version_number: u64,
    #[serde(default)]
    stages: Vec<String>,
    secret_bundle_content: Option<WireContent>,
}

#[derive(Deserialize)]
struct WireContent {
    content: Option<secrecy::SecretString>,
}

impl Client {
    /// GetSecretBundle: `GET /20190301/secretbundles/{secretId}?stage=..|versionNumber=..`.
    /// A missing version is `Ok(None)` (OCI answers 404).
    pub async fn get_secret_bundle(&self, secret_id: &str, which: BundleSelector) -> Result<Option<SecretBundle>, Error> {
        use base64::Engine as _;
        use secrecy::ExposeSecret;
        let mut req = Request::new(
            "GetSecretBundle",
            Service::Secrets,
            Method::GET,
            format!("/20190301/secretbundles/{}", encode_segment(secret_id)),
        );
        req.query = match which {
            BundleSelector::Stage(stage) => vec![("stage", stage.to_owned())],
            BundleSelector::Version(n) => vec![("versionNumber", n.to_string())],
        };
        let resp = match self.send(req).await {
            Ok(resp) => resp,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        let wire: WireBundle = resp.json("GetSecretBundle")?;
        let encoded = wire.secret_bundle_content.and_then(|c| c.content);
        let content = match encoded {
            Some(b64) => {
                base64::engine::general_purpose::STANDARD.decode(b64.expose_secret().trim()).map(Zeroizing::new).map_err(|_| {
                    Error::new("GetSecretBundle", ErrorKind::Decode("content is not base64".to_owned()), resp.opc_request_id.clone())
                })?
            }
            None => Zeroizing::new(Vec::new()),
        };
        Ok(Some(SecretBundle {
            version_number: wire.version_number,
            stages: wire.stages,
            content,
            opc_request_id: resp.opc_request_id.clone(),
        }))
    }
}
