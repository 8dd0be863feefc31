//! The proof types of the binding (contract 4.1), in a leaf that imports nothing of the crate, so
//! the OCI layer can ask for them without depending on the rotation logic that makes them.
//!
//! - [`BoundUser`]: a user the function may write credentials of. Every IAM write of
//!   `oci::identity` and `oci::identity_domains` takes one. Only `binding` makes one (`check`, or
//!   `check_unmanaged_reset` for a confirmed Cloud Guard problem); `oci-rotator enroll` takes
//!   [`BoundUser::for_enrollment`] in the open.
//! - [`ConfirmedProblem`]: Cloud Guard confirmed a `PASSWORD_TOO_OLD` problem about a user. Only
//!   `cloud_guard::unmanaged_reset::confirm` makes one; `binding::check_unmanaged_reset` takes it.
//!
//! Their fields are private and their constructors are `pub(crate)` functions whose callers a test
//! pins (`tests::only_the_binding_makes_the_proofs`): Rust's privacy cannot reach from a leaf
//! module into `binding` without the import running back up.

/// A user the function may write credentials of for this secret: the user names the secret, or the
/// binding is off. Only `binding::check` and `binding::check_unmanaged_reset` make one.
#[derive(Debug)]
pub struct BoundUser {
    user_id: String,
}

impl BoundUser {
    /// The proof, for `binding` alone (see the module doc).
    pub(crate) fn vouched_by_binding(user_id: &str) -> BoundUser {
        BoundUser { user_id: user_id.to_owned() }
    }

    /// The proof for `oci-rotator enroll`, which an administrator runs to create a user's first
    /// credential and the secret that will hold it: the secret does not exist yet, so the user
    /// cannot name it; enroll binds the user (sets the tag) right after creating the secret. Never
    /// used on the function's rotation path.
    pub fn for_enrollment(user_id: &str) -> BoundUser {
        BoundUser { user_id: user_id.to_owned() }
    }

    /// The user's OCID.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }
}

/// Proof that Cloud Guard confirmed a `PASSWORD_TOO_OLD` problem about this user: only
/// `cloud_guard::unmanaged_reset::confirm` makes one, and `binding::check_unmanaged_reset` takes it.
#[derive(Debug)]
pub struct ConfirmedProblem {
    problem_id: String,
    user_id: String,
}

impl ConfirmedProblem {
    /// The proof, for `cloud_guard::unmanaged_reset::confirm` alone (see the module doc).
    pub(crate) fn confirmed_by_cloud_guard(problem_id: &str, user_id: &str) -> ConfirmedProblem {
        ConfirmedProblem { problem_id: problem_id.to_owned(), user_id: user_id.to_owned() }
    }

    /// The problem OCID.
    pub fn problem_id(&self) -> &str {
        &self.problem_id
    }

    /// The user the problem names.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Who calls a proof's constructor, as paths under `src/` (this file excluded).
    fn callers(constructor: &str) -> Vec<String> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut found: Vec<String> = files
            .iter()
            .filter(|p| !p.ends_with("proof.rs"))
            .filter(|p| std::fs::read_to_string(p).unwrap().contains(constructor))
            .map(|p| p.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn only_the_binding_makes_the_proofs() {
        assert_eq!(callers("vouched_by_binding"), ["binding.rs"]);
        assert_eq!(callers("confirmed_by_cloud_guard"), ["cloud_guard/unmanaged_reset.rs"]);
        assert_eq!(callers("BoundUser {"), Vec::<String>::new(), "no struct literal outside this file");
        assert_eq!(callers("ConfirmedProblem {"), Vec::<String>::new(), "no struct literal outside this file");
    }
}
