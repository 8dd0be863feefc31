//! The Fn Project container contract: where and how to listen when `FN_LISTENER` is set.
//!
//! `FN_LISTENER=unix:/tmp/iofs/lsnr.sock` names the socket the Fn agent will call. The agent
//! watches for that path and uses it as soon as it appears, so the socket is bound under another
//! name in the same directory (`phonylsnr.sock`), made `0666`, and only then linked to the listener
//! path with a relative symlink (the bare file name), exactly as the official FDKs do.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tokio::net::UnixListener;

/// Why the Fn environment is unusable (the process exits non-zero, as the contract requires).
#[derive(Debug, thiserror::Error)]
pub enum FnError {
    /// `FN_FORMAT` is set to something other than `http-stream`.
    #[error("FN_FORMAT={0} is not supported: only http-stream")]
    Format(String),
    /// `FN_LISTENER` is not `unix:/absolute/path`.
    #[error("FN_LISTENER must be unix:/absolute/path (got {0:?})")]
    Listener(String),
    /// Binding or linking the socket failed.
    #[error("cannot create the Fn socket at {path}: {why}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        why: std::io::Error,
    },
}

/// The listener path from `FN_LISTENER` (`None` when unset), after checking `FN_FORMAT`.
pub fn listener_path(fn_listener: Option<&str>, fn_format: Option<&str>) -> Result<Option<PathBuf>, FnError> {
    if let Some(format) = fn_format.filter(|f| !f.is_empty() && *f != "http-stream") {
        return Err(FnError::Format(format.to_owned()));
    }
    let Some(listener) = fn_listener.filter(|l| !l.is_empty()) else {
        return Ok(None);
    };
    match listener.strip_prefix("unix:") {
        Some(path) if Path::new(path).is_absolute() && path.len() <= 107 => Ok(Some(PathBuf::from(path))),
        _ => Err(FnError::Listener(listener.to_owned())),
    }
}

/// Binds the Fn socket: private file, `chmod 0666`, then the relative symlink at `path`.
pub fn bind(path: &Path) -> Result<UnixListener, FnError> {
    let io = |why: std::io::Error| FnError::Io { path: path.display().to_string(), why };
    let dir = path.parent().ok_or_else(|| io(std::io::Error::other("no parent directory")))?;
    let name = path.file_name().ok_or_else(|| io(std::io::Error::other("no file name")))?;
    let phony_name = format!("phony{}", name.to_string_lossy());
    let phony = dir.join(&phony_name);
    for stale in [path, phony.as_path()] {
        match std::fs::remove_file(stale) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
            _ => {}
        }
    }
    let listener = UnixListener::bind(&phony).map_err(io)?;
    std::fs::set_permissions(&phony, std::fs::Permissions::from_mode(0o666)).map_err(io)?;
    std::os::unix::fs::symlink(&phony_name, path).map_err(io)?;
    Ok(listener)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_the_fn_environment() {
        assert_eq!(listener_path(None, None).unwrap(), None);
        assert_eq!(
            listener_path(Some("unix:/tmp/iofs/lsnr.sock"), Some("http-stream")).unwrap(),
            Some(PathBuf::from("/tmp/iofs/lsnr.sock"))
        );
        assert!(matches!(listener_path(Some("tcp://x"), None), Err(FnError::Listener(_))));
        assert!(matches!(listener_path(Some("unix:relative.sock"), None), Err(FnError::Listener(_))));
        assert!(matches!(listener_path(Some("unix:/tmp/x.sock"), Some("json")), Err(FnError::Format(_))));
    }
}
