//! Tests of the simulator over real HTTP: a reqwest client signing every request as the official
//! SDKs do (`crate::oci::signer::sign`), against the router served on a loopback port; and
//! `layout`, read from the sources: how `sim/`'s files import one another.
#![allow(clippy::unwrap_used)] // `#[tokio::test]` bodies are not seen as tests by clippy

mod auth;
mod domains;
mod faults;
mod identity;
mod layout;
mod rotation;
mod vault;

use std::time::SystemTime;

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::{SimOptions, Simulator};
use crate::oci::signer::{self, RequestParts};

/// A signing client for one principal.
pub(super) struct Client {
    pub(super) endpoint: String,
    host: String,
    http: reqwest::Client,
    key: crate::keys::SigningKey,
    key_id: String,
}

/// A whole response.
#[derive(Debug)]
pub(super) struct Resp {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) json: Value,
}

impl Resp {
    pub(super) fn code(&self) -> &str {
        self.json["code"].as_str().unwrap_or_default()
    }

    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Client {
    pub(super) fn new(endpoint: &str, private_pem: &str, key_id: &str) -> Client {
        Client {
            endpoint: endpoint.to_owned(),
            host: endpoint.trim_start_matches("http://").to_owned(),
            http: reqwest::Client::new(),
            key: crate::keys::parse_private_pem(private_pem, None).unwrap(),
            key_id: key_id.to_owned(),
        }
    }

    /// Sends a signed request to `path_and_query` at the endpoint, or to a whole `http://` URL;
    /// `Err` is a transport error (connection broken, incomplete body).
    pub(super) async fn send(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&Value>,
        extra: &[(&str, &str)],
    ) -> Result<Resp, reqwest::Error> {
        self.send_dated(method, path_and_query, body, extra, SystemTime::now()).await
    }

    pub(super) async fn send_dated(
        &self,
        method: &str,
        path_and_query: &str,
        body: Option<&Value>,
        extra: &[(&str, &str)],
        when: SystemTime,
    ) -> Result<Resp, reqwest::Error> {
        // A whole URL (an identity domain's own listener) or a path at the endpoint.
        let (host, path_and_query) = match path_and_query.strip_prefix("http://") {
            Some(rest) => rest.split_at(rest.find('/').unwrap_or(rest.len())),
            None => (self.host.as_str(), path_and_query),
        };
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let date = httpdate::fmt_http_date(when);
        let parts = RequestParts { method, path_and_query, host, date: &date, body: &bytes, content_type: "application/json" };
        let signed = signer::sign(&parts, &self.key, &self.key_id).unwrap();
        let mut req = self
            .http
            .request(method.parse().unwrap(), format!("http://{host}{path_and_query}"))
            .header("date", &date)
            .header("authorization", &signed.authorization);
        if let Some(b) = &signed.body {
            req = req
                .header("content-type", &b.content_type)
                .header("content-length", b.content_length.to_string())
                .header("x-content-sha256", &b.x_content_sha256)
                .body(bytes);
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.bytes().await?;
        Ok(Resp { status, headers, json: serde_json::from_slice(&text).unwrap_or(Value::Null) })
    }

    pub(super) async fn get(&self, path: &str) -> Resp {
        self.send("GET", path, None, &[]).await.unwrap()
    }

    pub(super) async fn put(&self, path: &str, body: &Value, extra: &[(&str, &str)]) -> Resp {
        self.send("PUT", path, Some(body), extra).await.unwrap()
    }

    pub(super) async fn post(&self, path: &str, body: Option<&Value>, extra: &[(&str, &str)]) -> Resp {
        self.send("POST", path, body, extra).await.unwrap()
    }

    pub(super) async fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, None, &[]).await.unwrap()
    }
}

/// A served simulator and a client signing as its administrator.
pub(super) async fn setup(opts: SimOptions) -> (Simulator, Client) {
    let sim = Simulator::new(opts);
    let endpoint = sim.spawn().await.unwrap();
    let admin = sim.create_admin();
    let client = Client::new(&endpoint, &admin.private_key_pem, &admin.key_id);
    (sim, client)
}

/// Options with no UPDATING window (tests that write several times in a row).
pub(super) fn instant() -> SimOptions {
    SimOptions { updating_ms: 0, key_propagation_ms: 0, ..Default::default() }
}

/// Base64 of a JSON value, as secret content.
pub(super) fn b64(v: &Value) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(v.to_string())
}

/// The stages of every version of a secret, oldest first.
pub(super) fn stages(sim: &Simulator, secret: &str) -> Vec<(u64, Vec<String>)> {
    sim.secret_versions(secret).into_iter().map(|v| (v.version_number, v.stages)).collect()
}

/// `(n, ["A", "B"])` from `(n, &["A", "B"])`.
pub(super) fn expect(list: &[(u64, &[&str])]) -> Vec<(u64, Vec<String>)> {
    list.iter().map(|(n, s)| (*n, s.iter().map(|x| (*x).to_owned()).collect())).collect()
}
