//! Logs: `tracing` events to stdout, plain text or JSON (`OCI_ROTATOR_LOG_FORMAT=json`, what OCI
//! Logging ingests). Level from `RUST_LOG` (default `info` for the function; the administrator's
//! commands default to warnings and errors, and `-v`, `-vv`, `-vvv` raise it). Spans carry the secret OCID, the step
//! and each OCI call's `opc-request-id`; secret material is never recorded anywhere.
//!
//! The writer is a parameter so tests can capture everything and search it for secrets.
//!
//! The filter is `tracing_subscriber`'s `Targets`, not `EnvFilter`: `EnvFilter` brings the `regex`
//! engine, about 0.15 MiB of the image's resident code (docs/performance.md, "Release profile").
//! `RUST_LOG` takes comma-separated `level` and `target=level` directives (`warn`,
//! `oci_rotator=debug,hyper=warn`; levels `off`, `error`, `warn`, `info`, `debug`, `trace`; a
//! target matches every target it prefixes). `EnvFilter`'s span and field directives
//! (`target[span{field=value}]=level`) are not supported: a `RUST_LOG` that does not parse, or is
//! empty, counts as unset (the default level applies).

use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;

/// Installs the global subscriber (once; later calls are ignored). `default_level` applies when
/// `RUST_LOG` is not set. The function logs to stdout (the Fn agent collects it); the
/// administrator's commands log to stderr, keeping stdout for their output.
pub fn init(json: bool, default_level: &str, to_stderr: bool) {
    init_at(json, None, default_level, to_stderr);
}

/// As [`init`], but `level`, when given (the command line's `-v`), wins over `RUST_LOG`.
pub fn init_at(json: bool, level: Option<&str>, default_level: &str, to_stderr: bool) {
    let (filter, _) = chosen_filter(level, default_level);
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
    let (filter, by_default) = chosen_filter(level, default_level);
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

/// Parses `directives` (`level`, `target=level`, comma-separated); `None` if empty or unreadable.
pub fn filter(directives: &str) -> Option<Targets> {
    if directives.trim().is_empty() {
        return None;
    }
    directives.parse().ok()
}

/// `level` (the command line's), else `RUST_LOG`, else `default_level` (then `true`: the default
/// applies). A default that does not parse logs errors only.
fn chosen_filter(level: Option<&str>, default_level: &str) -> (Targets, bool) {
    let chosen = match level {
        Some(level) => filter(level),
        None => std::env::var("RUST_LOG").ok().and_then(|directives| filter(&directives)),
    };
    match chosen {
        Some(filter) => (filter, false),
        None => {
            let default = filter(default_level).unwrap_or_else(|| Targets::new().with_default(tracing::Level::ERROR));
            (default, true)
        }
    }
}

/// The engine's one event per step that carries the step's `returnMessage`.
fn is_step_summary(meta: &tracing::Metadata<'_>) -> bool {
    meta.is_event() && meta.target().starts_with("oci_rotator::engine") && meta.fields().field("return_message").is_some()
}

/// Installs a subscriber writing to `writer` with `filter`; returns false if one was installed.
pub fn init_with<W>(json: bool, filter: Targets, writer: W) -> bool
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    // `fmt()` alone stops at INFO: the level is `filter`'s to choose.
    let builder =
        tracing_subscriber::fmt().with_max_level(tracing::level_filters::LevelFilter::TRACE).with_writer(writer).with_target(false);
    if json {
        builder.json().with_current_span(true).with_span_list(true).finish().with(filter).try_init().is_ok()
    } else {
        builder.with_ansi(false).finish().with(filter).try_init().is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::level_filters::LevelFilter;

    #[test]
    fn rust_log_directives_parse_into_targets() {
        let targets = filter("warn,oci_rotator::engine=debug,hyper=off").unwrap();
        assert_eq!(targets.default_level(), Some(LevelFilter::WARN));
        assert!(targets.would_enable("oci_rotator::engine::step", &tracing::Level::DEBUG));
        assert!(!targets.would_enable("oci_rotator::server", &tracing::Level::INFO));
        assert!(!targets.would_enable("hyper::proto", &tracing::Level::ERROR));
    }

    #[test]
    fn empty_or_unreadable_rust_log_counts_as_unset() {
        assert!(filter("").is_none());
        assert!(filter("  ").is_none());
        assert!(filter("oci_rotator=loud").is_none());
        let (default, by_default) = chosen_filter(Some("not a level=x"), "info");
        assert!(by_default);
        assert_eq!(default.default_level(), Some(LevelFilter::INFO));
    }

    #[test]
    fn the_command_line_level_wins() {
        let (chosen, by_default) = chosen_filter(Some("trace"), "warn");
        assert!(!by_default);
        assert_eq!(chosen.default_level(), Some(LevelFilter::TRACE));
    }
}
