//! Request signing time (RSA-2048, PKCS#1 v1.5, SHA-256) in the bench (release) profile: parsing
//! the key once, one signature with `ring`, and a whole `oci::signer::sign` per request (signing
//! string, body digest, signature, Authorization header), with the SDK vectors' 2048-bit key.
//!
//! `cargo bench --bench signing` (SIGN_RUNS=1000 by default). Results go to docs/performance.md.

use std::time::{Duration, Instant};

use oci_rotator::keys::SigningKey;
use oci_rotator::oci::signer::{self, RequestParts};

/// One request of the vectors: host, path and query, method, date, body.
struct Req {
    host: String,
    path: String,
    method: String,
    date: String,
    body: String,
}

fn request(v: &serde_json::Value) -> Req {
    let url = v["url"].as_str().and_then(|u| u.strip_prefix("https://")).expect("https URL");
    let slash = url.find('/').expect("a path");
    let text = |x: &serde_json::Value| x.as_str().expect("a string").to_owned();
    Req {
        host: url[..slash].to_owned(),
        path: url[slash..].to_owned(),
        method: text(&v["method"]),
        date: text(&v["headers"]["date"]),
        body: text(&v["body"]),
    }
}

/// Runs `f` `n` times after a short warm-up and returns each run's time.
fn measure(n: usize, mut f: impl FnMut()) -> Vec<Duration> {
    for _ in 0..n / 20 + 1 {
        f();
    }
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "  {what:<58} median {:8.1} us   min {:8.1} us   max {:8.1} us   (n={})",
        us(times[times.len() / 2]),
        us(times[0]),
        us(times[times.len() - 1]),
        times.len()
    );
}

fn main() {
    let runs: usize = std::env::var("SIGN_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../tests/data/oci-request-signing.json")).expect("the vectors are JSON");
    let pem = doc["private_key_pem"].as_str().expect("private_key_pem");
    let key_id = doc["api_key"]["key_id"].as_str().expect("key_id");
    let vectors = doc["vectors"].as_array().expect("vectors");
    let get = request(vectors.iter().find(|v| v["operation"] == "GetSecret").expect("a GetSecret vector"));
    let put = request(vectors.iter().find(|v| v["method"] == "PUT").expect("a PUT vector"));

    println!("RSA-2048 PKCS#1 v1.5 SHA-256 request signing with ring, {runs} runs");
    report(
        "parse the PEM key once (SigningKey::from_pem)",
        measure(runs / 10, || {
            std::hint::black_box(SigningKey::from_pem(pem, None).expect("the vectors' key parses"));
        }),
    );
    let key = SigningKey::from_pem(pem, None).expect("the vectors' key parses");
    let message = format!("date: {}\n(request-target): get {}\nhost: {}", get.date, get.path, get.host);
    report(
        "signature only (ring RsaKeyPair::sign)",
        measure(runs, || {
            std::hint::black_box(key.sign(message.as_bytes()).expect("signs"));
        }),
    );
    for (name, r) in [("signer::sign, GET GetSecret", &get), ("signer::sign, PUT UpdateSecret (99-byte body)", &put)] {
        report(
            name,
            measure(runs, || {
                let parts = RequestParts {
                    method: &r.method,
                    path_and_query: &r.path,
                    host: &r.host,
                    date: &r.date,
                    body: r.body.as_bytes(),
                    content_type: "application/json",
                };
                std::hint::black_box(signer::sign(&parts, &key, key_id).expect("signs"));
            }),
        );
    }
}
