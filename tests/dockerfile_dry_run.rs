//! The Dockerfile check (`scripts/dockerfile-dry-run`) is itself tested: it must fail when the
//! Dockerfile and the manifest disagree, when the runtime stage copies a file the build did not
//! make, when the binary carries the simulator, and it must refuse instructions it does not
//! understand rather than skip them. `.ci/run` replays the real Dockerfile in full (a release
//! build); these tests use small Dockerfiles that fail or pass within seconds, plus a parse of the
//! real one.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test: a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// The build stage as it was before issue 23: benches and tests stubbed by a hand-kept list,
/// which had fallen behind Cargo.toml (no `status`, no `rotate_fleet`).
const STUB_LIST_DOCKERFILE: &str = r#"
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir -p src benches tests/api \
 && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
 && for b in keygen cold_start per_step signing; do echo 'fn main() {}' > benches/$b.rs; done \
 && for t in api/main sandbox sim_python_sdk; do echo 'fn main() {}' > tests/$t.rs; done \
 && cargo build --release --locked --no-default-features
COPY src ./src
RUN touch src/lib.rs src/main.rs && cargo build --release --locked --no-default-features --bin oci-rotator
"#;

/// The runtime stage as the real Dockerfile has it: the build stage's binary on distroless.
const RUNTIME_STAGE: &str = r#"FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/oci-rotator /function/oci-rotator
USER 1000:1000
ENTRYPOINT ["/function/oci-rotator"]
CMD ["serve"]
"#;

/// Runs the script on `dockerfile` with the repository as the build context.
fn dry_run(dockerfile: &str, extra: &[&str]) -> (Output, String) {
    let dir = temp_dir();
    let file = dir.join("Dockerfile");
    std::fs::write(&file, dockerfile).unwrap();
    let output = Command::new("python3")
        .arg(Path::new(REPO).join("scripts/dockerfile-dry-run"))
        .args(["--context", REPO, "--file"])
        .arg(&file)
        .args(["--root"])
        .arg(dir.join("replay"))
        .args(extra)
        // The replayed cargo must not reuse this test build's target directory.
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("python3 must be installed to run scripts/dockerfile-dry-run");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    (output, text)
}

fn temp_dir() -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("oci-rotator-dockerfile-test-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_repository_dockerfile_is_understood_in_full() {
    // Given the real Dockerfile, when it is parsed
    let output = Command::new("python3")
        .arg(Path::new(REPO).join("scripts/dockerfile-dry-run"))
        .arg("--parse-only")
        .output()
        .expect("python3 must be installed");
    // Then every instruction is one the replay carries out
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}{}", String::from_utf8_lossy(&output.stderr));
    assert!(text.contains("every instruction understood"), "{text}");
}

#[test]
fn a_stub_list_that_drifted_from_the_manifest_fails_the_replay() {
    // Given the old build stage, whose stub list lacks benches Cargo.toml declares
    // When it is replayed
    let (output, text) = dry_run(&format!("{STUB_LIST_DOCKERFILE}{RUNTIME_STAGE}"), &[]);
    // Then the replay fails where `docker build` failed: cargo cannot load the manifest
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("can't find") && text.contains("bench"), "{text}");
    assert!(text.contains("FAILED: line"), "{text}");
}

#[test]
fn a_runtime_stage_that_copies_a_file_the_build_did_not_make_fails() {
    // Given a build stage that makes no binary
    let dockerfile = "FROM rust:1 AS build\nWORKDIR /src\nRUN mkdir -p target/release && echo hi > target/release/other\n\
        FROM gcr.io/distroless/cc-debian12:nonroot\n\
        COPY --from=build /src/target/release/oci-rotator /function/oci-rotator\n\
        ENTRYPOINT [\"/function/oci-rotator\"]\n";
    // When it is replayed
    let (output, text) = dry_run(dockerfile, &[]);
    // Then the check names the missing file
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("/src/target/release/oci-rotator") && text.contains("did not make it"), "{text}");
}

#[test]
fn a_binary_with_the_simulator_subcommands_is_refused() {
    // Given a build stage whose "binary" lists `demo` among its subcommands, as a build with the
    // default features would
    let dockerfile = r#"FROM rust:1 AS build
WORKDIR /src
RUN mkdir -p target/release && printf '#!/bin/sh\nprintf "Usage: oci-rotator\\n\\nCommands:\\n  serve  Serve\\n  demo  The demo\\n"\n' > target/release/oci-rotator && chmod +x target/release/oci-rotator
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/oci-rotator /function/oci-rotator
ENTRYPOINT ["/function/oci-rotator"]
"#;
    // When it is replayed
    let (output, text) = dry_run(dockerfile, &[]);
    // Then the runtime check refuses it
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("has a `demo` subcommand"), "{text}");
}

#[test]
fn a_passing_build_stage_is_replayed_and_its_binary_copied_out() {
    // Given a build stage whose binary answers --help and has no simulator subcommands, and an
    // ENV the RUN must see
    let build = r#"FROM rust:1 AS base
WORKDIR /src
ENV GREETING=hello
FROM base AS build
COPY Cargo.toml ./
RUN test -f Cargo.toml && mkdir -p target/release && printf '#!/bin/sh\n[ "$1" = --help ] && echo "Commands: serve" && exit 0\nexit 2\n' > target/release/oci-rotator && chmod +x target/release/oci-rotator && test "$GREETING" = hello
"#;
    let dockerfile = format!("{build}{RUNTIME_STAGE}");
    let out = temp_dir().join("image-binary");
    // When it is replayed with --out
    let (output, text) = dry_run(&dockerfile, &["--out", out.to_str().unwrap()]);
    // Then it passes and the binary is where --out said
    assert!(output.status.success(), "{text}");
    assert!(text.contains("has no `simulate` subcommand"), "{text}");
    assert!(out.is_file(), "{text}");
}

#[test]
fn instructions_the_replay_does_not_carry_out_are_refused_not_skipped() {
    let build = "FROM rust:1 AS build\nWORKDIR /src\n";
    let runtime = "FROM gcr.io/distroless/cc-debian12:nonroot\nCOPY --from=build /src/x /x\nENTRYPOINT [\"/x\"]\n";
    for (extra_build, extra_runtime, expected) in [
        ("ADD https://example.invalid/x.tar.gz /opt/\n", "", "ADD in a build stage"),
        ("ARG PROFILE=release\n", "", "ARG in a build stage"),
        ("COPY --chown=1000:1000 src ./src\n", "", "COPY flag --chown"),
        ("COPY src/*.rs ./\n", "", "wildcards"),
        ("ENV A=$HOME\n", "", "`$` expansion"),
        ("USER 1000\n", "", "USER in a build stage"),
        ("RUN cp /src/Cargo.toml here\n", "", "absolute path the stage made"),
        ("", "RUN echo hi\n", "no shell"),
        ("", "VOLUME /data\n", "VOLUME in the runtime stage"),
        ("", "ENTRYPOINT /x\n", "exec (JSON) form"),
    ] {
        // Given a Dockerfile with one instruction the replay cannot honour
        let dockerfile = format!("{build}{extra_build}{runtime}{extra_runtime}");
        // When it is checked
        let (output, text) = dry_run(&dockerfile, &["--parse-only"]);
        // Then it is refused (exit 2), naming what
        assert_eq!(output.status.code(), Some(2), "{dockerfile}\n{text}");
        assert!(text.contains("refused") && text.contains(expected), "expected {expected:?}:\n{text}");
    }
}
