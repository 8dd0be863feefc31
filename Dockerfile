# oci-rotator as an OCI Function (Fn container contract: HTTP on the Unix socket named by
# FN_LISTENER). `fn deploy` builds this file as it is (func.yaml: runtime docker).
#
# The build stages cache the dependencies with cargo-chef (planner and cook): the recipe is
# computed from the manifests, so nothing here lists the crate's targets by hand and nothing can
# drift from Cargo.toml. `scripts/dockerfile-dry-run` replays these stages without a container
# engine on every CI run (docs/deploy.md, "How the image is checked"); it refuses instructions it
# does not know, so keep to FROM, WORKDIR, ENV, COPY, RUN (build stages) and FROM, COPY --from,
# USER, ENV, ENTRYPOINT, CMD (runtime stage), and write RUN paths relative to WORKDIR.

# --- chef: the toolchain and a pinned cargo-chef ------------------------------------------------
FROM rust:1-slim-bookworm AS chef
RUN cargo install --locked cargo-chef@0.1.78
WORKDIR /src

# --- planner: the dependency recipe, from the manifests (Cargo.toml, Cargo.lock) ----------------
# The whole build context: Cargo.toml declares test and bench targets, whose files must exist for
# the manifest to load (.dockerignore leaves out target/, .git/ and the docs).
FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

# --- build: dependencies in a layer of their own, then the crate --------------------------------
# The cook layer is rebuilt only when the recipe changes (a dependency, a feature, a target).
# `--no-default-features` (both builds): without the `simulator` feature the binary carries no
# embedded OCI simulator and no `demo` / `simulate` subcommands (docs/architecture.md).
FROM chef AS build
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --release --locked --no-default-features --recipe-path recipe.json
COPY . .
RUN cargo build --release --locked --no-default-features --bin oci-rotator

# --- runtime stage: glibc + CA certificates, nothing else (no shell, no package manager) --------
# TLS uses rustls with compiled-in webpki roots, so the image's CA bundle is not needed by the
# binary; it is there for anyone who inspects the image with other tools.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/oci-rotator /function/oci-rotator
# The Fn agent runs functions as 1000:1000 (OSS Fn; OCI is believed to do the same). A numeric
# uid needs no passwd entry; the function reads no HOME and writes nothing outside /tmp, so a
# read-only root file system is fine. No VOLUME (Fn refuses images that declare one).
# tests/sandbox.rs checks these claims on the binary the replayed build stage makes (`.ci/run`).
# It runs `/function/oci-rotator serve` as uid 1000, with a read-only root, a tmpfs on /tmp only,
# no HOME, RLIMIT_NPROC 50 and loopback only, and it fails if the binary writes elsewhere or
# needs HOME.
USER 1000:1000
ENV OCI_ROTATOR_LOG_FORMAT=json
# Exec form: the binary is the process (tini is PID 1 under Fn). `serve` uses the Fn socket when
# FN_LISTENER is set, else TCP 127.0.0.1:8080.
ENTRYPOINT ["/function/oci-rotator"]
CMD ["serve"]
