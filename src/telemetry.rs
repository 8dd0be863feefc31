//! Logs: `tracing` events to stdout, plain text or JSON (`OCI_ROTATOR_LOG_FORMAT=json`, what OCI
//! Logging ingests). Level from `RUST_LOG` (default `info`). Spans carry the secret OCID, the step
//! and each OCI call's `opc-request-id`; secret material is never recorded anywhere.
//!
//! The writer is a parameter so tests can capture everything and search it for secrets.

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (once; later calls are ignored). `default_level` applies when
/// `RUST_LOG` is not set. The function logs to stdout (the Fn agent collects it); the
/// administrator's commands log to stderr, keeping stdout for their output.
pub fn init(json: bool, default_level: &str, to_stderr: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    if to_stderr {
        init_with(json, filter, std::io::stderr);
    } else {
        init_with(json, filter, std::io::stdout);
    }
}

/// Installs a subscriber writing to `writer` with `filter`; returns false if one was installed.
pub fn init_with<W>(json: bool, filter: EnvFilter, writer: W) -> bool
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(writer).with_target(false);
    if json {
        builder.json().with_current_span(true).with_span_list(true).try_init().is_ok()
    } else {
        builder.with_ansi(false).try_init().is_ok()
    }
}
