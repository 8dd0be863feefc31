# oci-rotator as an OCI Function (Fn container contract: HTTP on the Unix socket of FN_LISTENER).
# `fn deploy` builds this file as it is (func.yaml: runtime docker).

# --- build: a release binary, dependencies cached in their own layer ---------------------------
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
# Bench and test targets are declared in Cargo.toml; stub them so the dependency layer builds.
RUN mkdir -p src benches tests/api \
 && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
 && for b in keygen cold_start per_step; do echo 'fn main() {}' > benches/$b.rs; done \
 && echo 'fn main() {}' > tests/api/main.rs \
 && cargo build --release --locked \
 && rm -rf src target/release/deps/oci_rotator* target/release/oci-rotator*
COPY src ./src
RUN touch src/lib.rs src/main.rs && cargo build --release --locked --bin oci-rotator

# --- run: glibc, CA certificates, nothing else; non-root; writes nothing outside /tmp ----------
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/oci-rotator /function/oci-rotator
# The Fn agent runs functions as 1000:1000 (and OCI Functions likewise); no HOME is needed.
USER 1000:1000
ENV OCI_ROTATOR_LOG_FORMAT=json
ENTRYPOINT ["/function/oci-rotator"]
CMD ["serve"]
