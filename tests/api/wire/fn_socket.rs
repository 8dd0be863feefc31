//! The real binary started as the Fn agent starts it (`FN_LISTENER`, no subcommand): the socket
//! appears as a relative symlink to a 0666 socket, and `POST /call` over it answers with the Fn
//! headers, for a rotation step and for bad input alike.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use oci_rotator::protocol::SecretRotationOutput;
use serde_json::json;

use crate::helpers::*;

async fn call_over_socket(socket: &std::path::Path, body: String, chunked: bool) -> (u16, hyper::HeaderMap, SecretRotationOutput) {
    let stream = tokio::net::UnixStream::connect(socket).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let deadline =
        (time::OffsetDateTime::now_utc() + time::Duration::seconds(30)).format(&time::format_description::well_known::Rfc3339).unwrap();
    let mut req = hyper::Request::post("/call")
        .header("host", "localhost")
        .header("fn-call-id", "01TESTCALL")
        .header("fn-deadline", deadline)
        .header("content-type", "text/plain");
    if !chunked {
        req = req.header("content-length", body.len());
    }
    let resp = sender.send_request(req.body(Full::new(Bytes::from(body))).unwrap()).await.unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn the_binary_serves_the_fn_socket_with_the_fn_contract() {
    // Arrange: a fresh socket directory and the OCI stand-in.
    let app = spawn_app().await;
    let dir = std::env::temp_dir().join(format!("iofs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let socket = dir.join("lsnr.sock");
    let (private_pem, _) = principal_keys();
    let key_file = dir.join("private.pem");
    std::fs::write(&key_file, private_pem).unwrap();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
        .env_clear()
        .env("FN_LISTENER", format!("unix:{}", socket.display()))
        .env("FN_FORMAT", "http-stream")
        .env("OCI_RESOURCE_PRINCIPAL_VERSION", "2.2")
        .env("OCI_RESOURCE_PRINCIPAL_RPST", rpst())
        .env("OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM", &key_file)
        .env("OCI_RESOURCE_PRINCIPAL_REGION", "us-ashburn-1")
        .env("OCI_ROTATOR_VAULT_ENDPOINT", app.oci.uri())
        .env("OCI_ROTATOR_SECRETS_ENDPOINT", app.oci.uri())
        .env("OCI_ROTATOR_IDENTITY_ENDPOINT", app.oci.uri())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::fs::symlink_metadata(&socket).is_err() {
        assert!(started.elapsed() < Duration::from_secs(5), "the socket did not appear within 5 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Assert: the socket dance.
    assert!(std::fs::symlink_metadata(&socket).unwrap().file_type().is_symlink());
    let target = std::fs::read_link(&socket).unwrap();
    assert!(!target.to_string_lossy().contains('/'), "relative link to a bare file name");
    let meta = std::fs::metadata(&socket).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o666);

    // Act + Assert: bad input over the socket, both framings.
    for chunked in [false, true] {
        let (status, headers, out) = call_over_socket(&socket, "{oops".to_owned(), chunked).await;
        assert_eq!(status, 200);
        assert!(headers["fn-fdk-version"].to_str().unwrap().starts_with("oci-rotator/"));
        assert!(headers["fn-fdk-runtime"].to_str().unwrap().starts_with("rust/"));
        assert_eq!(out.response_code, 400);
    }
    // A real step over the socket: the secret is gone (404 from Vault).
    app.mount_secret_not_found(1).await;
    let body = json!({"step": "VERIFY_CONNECTION", "secretId": SECRET_ID, "versionNo": 1}).to_string();
    let (status, _, out) = call_over_socket(&socket, body, true).await;
    assert_eq!(status, 200);
    assert_eq!(out.response_code, 404, "{}", out.return_message);
    child.kill().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_binary_refuses_a_bad_fn_environment_quickly() {
    for (listener, format) in [("tcp://127.0.0.1:1", "http-stream"), ("unix:/tmp/x.sock", "json")] {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
            .env_clear()
            .env("FN_LISTENER", listener)
            .env("FN_FORMAT", format)
            .output()
            .await
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("FN_"), "{}", String::from_utf8_lossy(&out.stderr));
    }
}
