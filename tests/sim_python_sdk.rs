//! The official OCI Python SDK against `oci-rotator simulate`: reads a bundle, creates and promotes
//! a PENDING version, lists/uploads/deletes an API key, every request signed by the SDK and
//! verified by the simulator. Skipped, with a message, where Python or the `oci` package is missing
//! (`pip install oci==2.189.0`).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn the_official_python_sdk_works_against_the_simulator() {
    let has_sdk = Command::new("python3").args(["-c", "import oci, cryptography"]).output().is_ok_and(|o| o.status.success());
    if !has_sdk {
        println!("SKIPPED: python3 with the `oci` package is not available (pip install oci==2.189.0)");
        return;
    }
    // Given: the simulator, seeded, with an administrator's OCI config file.
    let dir = std::env::temp_dir().join(format!("oci-rotator-sdk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    let mut sim = Command::new(env!("CARGO_BIN_EXE_oci-rotator"))
        .args(["simulate", "--listen", "127.0.0.1:0", "--seed", "--admin-config"])
        .arg(&config)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(sim.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let seeded: serde_json::Value = serde_json::from_str(&line).unwrap();
    // When: the SDK script runs.
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sim_python_sdk.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&config)
        .arg(seeded["endpoint"].as_str().unwrap())
        .arg(seeded["secrets"]["API_KEY"].as_str().unwrap())
        .arg(seeded["users"]["API_KEY"].as_str().unwrap())
        .output()
        .unwrap();
    let _ = sim.kill();
    let _ = sim.wait();
    let _ = std::fs::remove_dir_all(&dir);
    // Then
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("OK"), "stdout: {stdout}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
}
