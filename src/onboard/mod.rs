//! Bringing a credential under the function's care: the workflows behind `oci-rotator enroll`
//! and `oci-rotator adopt` (the CLI only parses their options and prints their JSON line).
//!
//! - [`enroll`]: create a user's first credential, the secret holding it, the binding and the
//!   rotation configuration, in one idempotent run (the user's tag is written by
//!   `binding::add_to_tag`, the one "add this secret to the user's tag").
//! - [`adopt`]: turn an existing secret (the tutorial's raw forms too) into the contract's form
//!   and bind the user.
//!
//! Each prints one JSON object by default; with `--json`, JSON lines instead
//! ([`enroll::json_lines`], [`adopt::json_lines`]): one per thing done or kept (`credential`,
//! `secret`, `binding`, `rotationConfig`, built here by [`event`]) and the object itself last, as
//! the `summary`.

pub mod adopt;
pub mod enroll;

use serde_json::{json, Value};

/// One `--json` line of `enroll` or `adopt`: `event` (what the line is about), `action` (what was
/// done to it, or `kept`), the `fields` copied from the command's `line`, and `dryRun: true` when
/// the line is a dry run's (then `action` is what the real run would do).
pub(crate) fn event(event: &str, action: &str, line: &Value, fields: &[&str]) -> Value {
    let mut out = json!({"event": event, "action": action});
    for field in fields {
        out[*field] = line.get(*field).cloned().unwrap_or(Value::Null);
    }
    if line["dryRun"] == json!(true) {
        out["dryRun"] = json!(true);
    }
    out
}

/// The command's own object as the last `--json` line (`event` `"summary"`).
pub(crate) fn summary(line: &Value) -> Value {
    let mut out = json!({"event": "summary"});
    if let (Some(out), Some(line)) = (out.as_object_mut(), line.as_object()) {
        out.extend(line.clone());
    }
    out
}

/// Whether the command's `changed` lists any of `names`.
pub(crate) fn changed(line: &Value, names: &[&str]) -> bool {
    line["changed"].as_array().is_some_and(|c| c.iter().any(|v| v.as_str().is_some_and(|v| names.contains(&v))))
}
