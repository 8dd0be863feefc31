# oci-rotator as an OCI Function (Fn container contract: HTTP on the Unix socket named by
# FN_LISTENER). `fn deploy` builds this file as it is (func.yaml: runtime docker).

# --- build stage: a release binary; dependencies compiled in a layer of their own ---------------
FROM rust:1-slim-bookworm AS build
WORKDIR /src
# 1. Manifests only, with stub sources: this layer (all crates.io dependencies, compiled) is
#    rebuilt only when Cargo.toml, Cargo.lock or build.rs change. Cargo.toml declares bench and
#    test targets, whose files must exist for the manifest to load, so they are stubbed too.
#    `--no-default-features` (both builds): without the `simulator` feature the binary carries no
#    embedded OCI simulator and no `demo` / `simulate` subcommands (docs/architecture.md).
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir -p src benches tests/api \
 && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
 && for b in keygen cold_start per_step signing; do echo 'fn main() {}' > benches/$b.rs; done \
 && for t in api/main sandbox sim_python_sdk; do echo 'fn main() {}' > tests/$t.rs; done \
 && cargo build --release --locked --no-default-features \
 && rm -rf src target/release/deps/oci_rotator* target/release/deps/liboci_rotator* target/release/oci-rotator*
# 2. The real sources (touched so cargo does not trust the stubs' fingerprints).
COPY src ./src
RUN touch src/lib.rs src/main.rs && cargo build --release --locked --no-default-features --bin oci-rotator

# --- runtime stage: glibc + CA certificates, nothing else (no shell, no package manager) --------
# TLS uses rustls with compiled-in webpki roots, so the image's CA bundle is not needed by the
# binary; it is there for anyone who inspects the image with other tools.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/oci-rotator /function/oci-rotator
# The Fn agent runs functions as 1000:1000 (OSS Fn; OCI is believed to do the same). A numeric
# uid needs no passwd entry; the function reads no HOME and writes nothing outside /tmp, so a
# read-only root file system is fine. No VOLUME (Fn refuses images that declare one).
# tests/sandbox.rs checks these claims on the release binary (`.ci/run`). It runs
# `/function/oci-rotator serve` as uid 1000, with a read-only root, a tmpfs on /tmp only, no HOME,
# RLIMIT_NPROC 50 and loopback only, and it fails if the binary writes elsewhere or needs HOME.
USER 1000:1000
ENV OCI_ROTATOR_LOG_FORMAT=json
# Exec form: the binary is the process (tini is PID 1 under Fn). `serve` uses the Fn socket when
# FN_LISTENER is set, else TCP 127.0.0.1:8080.
ENTRYPOINT ["/function/oci-rotator"]
CMD ["serve"]
