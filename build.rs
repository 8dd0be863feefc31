//! Records the compiler version for the `Fn-Fdk-Runtime` response header.
fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let version = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=OCI_ROTATOR_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-changed=build.rs");
}
