//! Logs: `tracing` events to stdout, plain text or JSON (`OCI_ROTATOR_LOG_FORMAT=json`, what OCI
//! Logging ingests). Level from `RUST_LOG` (default `info` for the function; the administrator's
//! commands default to warnings and errors, and `-v`, `-vv`, `-vvv` raise it). Spans carry the secret OCID, the step
//! and each OCI call's `opc-request-id`; secret material is never recorded anywhere.
//!
//! The writer is a parameter so tests can capture everything and search it for secrets.

use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (once; later calls are ignored). `default_level` applies when
/// `RUST_LOG` is not set. The function logs to stdout (the Fn agent collects it); the
/// administrator's commands log to stderr, keeping stdout for their output.
pub fn init(json: bool, default_level: &str, to_stderr: bool) {
    init_at(json, None, default_level, to_stderr);
}

/// As [`init`], but `level`, when given (the command line's `-v`), wins over `RUST_LOG`.
pub fn init_at(json: bool, level: Option<&str>, default_level: &str, to_stderr: bool) {
    let filter = match level {
        Some(level) => EnvFilter::new(level),
        None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level)),
    };
    if to_stderr {
        init_with(json, filter, std::io::stderr);
    } else {
        init_with(json, filter, std::io::stdout);
    }
}

/// The administrator's commands: logs on stderr at `level` (the command line's `-v`), else
/// `RUST_LOG`, else `default_level`. At that default, the engine's summary of each step (`step
/// succeeded` / `step failed`, with its `return_message`) is left out: every command that runs
/// steps prints their answers on stdout itself, and an error is said once.
pub fn init_cli(json: bool, level: Option<&str>, default_level: &str) {
    use tracing_subscriber::filter::FilterExt as _;
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::Layer as _;
    let (filter, by_default) = match level {
        Some(level) => (EnvFilter::new(level), false),
        None => match EnvFilter::try_from_default_env() {
            Ok(filter) => (filter, false),
            Err(_) => (EnvFilter::new(default_level), true),
        },
    };
    let summaries = tracing_subscriber::filter::filter_fn(move |meta| !(by_default && is_step_summary(meta)));
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_target(false);
    let _ = if json {
        tracing_subscriber::registry()
            .with(layer.json().with_current_span(true).with_span_list(true).with_filter(filter.and(summaries)))
            .try_init()
    } else {
        tracing_subscriber::registry().with(layer.with_ansi(false).with_filter(filter.and(summaries))).try_init()
    };
}

/// The engine's one event per step that carries the step's `returnMessage`.
fn is_step_summary(meta: &tracing::Metadata<'_>) -> bool {
    meta.is_event() && meta.target().starts_with("oci_rotator::engine") && meta.fields().field("return_message").is_some()
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
