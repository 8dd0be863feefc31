//! Embedded OCI simulator (work in progress).
