//! Functions, for `preflight`: GetFunction on the management endpoint
//! (`GET /20260325/functions/{functionId}`: the function's `invokeEndpoint`), and InvokeFunction
//! on that endpoint (`POST {invokeEndpoint}/20260325/functions/{functionId}/actions/invoke`), as the
//! official SDK sends them (2.189.0: API version `20260325`; older documents say `20181201`):
//! `FunctionsManagementClient.get_function` and `FunctionsInvokeClient.invoke_function`. The invoke body is signed like every other body (`x-content-sha256`): the Python
//! SDK signs it. The SDK's optional `fn-intent` / `fn-invoke-type` headers are not sent (a
//! synchronous call is the default).

use reqwest::Method;
use serde::Deserialize;

use super::client::{encode_segment, Client, Request, Service};
use super::error::Error;

/// The API version the official SDK's Functions clients send (`base_path`).
pub const API_VERSION: &str = "20260325";

/// A function as GetFunction answers it (the fields `preflight` reads).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Function {
    /// The function's OCID.
    pub id: String,
    /// Its name.
    #[serde(default)]
    pub display_name: String,
    /// Its compartment.
    #[serde(default)]
    pub compartment_id: String,
    /// `ACTIVE`, `CREATING`...
    #[serde(default)]
    pub lifecycle_state: String,
    /// Where it is invoked (scheme and host, no API version).
    #[serde(default)]
    pub invoke_endpoint: String,
}

impl Client {
    /// GetFunction.
    pub async fn get_function(&self, function_id: &str) -> Result<Function, Error> {
        let req = Request::new(
            "GetFunction",
            Service::Functions,
            Method::GET,
            format!("/{API_VERSION}/functions/{}", encode_segment(function_id)),
        );
        self.send(req).await?.json("GetFunction")
    }

    /// InvokeFunction: posts `body` to the function at `invoke_endpoint` and returns its JSON answer.
    /// Not retried: an invocation is not idempotent in general (PREFLIGHT is, but the client
    /// does not know what it sends).
    pub async fn invoke_function(
        &self,
        invoke_endpoint: &str,
        function_id: &str,
        body: &serde_json::Value,
    ) -> Result<serde_json::Value, Error> {
        let path = format!("/{API_VERSION}/functions/{}/actions/invoke", encode_segment(function_id));
        let mut req = Request::new("InvokeFunction", Service::Functions, Method::POST, path).json(body);
        req.base_url = Some(invoke_endpoint.trim_end_matches('/').to_owned());
        req.retry = false;
        self.send(req).await?.json("InvokeFunction")
    }
}
