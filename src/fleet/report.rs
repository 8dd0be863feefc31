//! How `status` shows a [`Report`]: the aligned tables for a person ([`Report::table`]), the one
//! JSON document of `--json` ([`Report::json`], its shape in docs/fleet.md), and the progress line
//! on stderr ([`ProgressLine`]). Pure text: `cli/status.rs` prints it.

use std::time::{Duration, Instant};

use super::{Progress, Report, SecretStatus, UnmanagedCredential};

impl Report {
    /// The report as `--json` prints it: the [`Report`] fields, plus `healthy` (the exit status's
    /// reason) and `summary` (the counts).
    pub fn json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or_default();
        v["healthy"] = serde_json::json!(self.healthy());
        v["summary"] = serde_json::json!({"secrets": self.secrets.len(), "failed": self.failed(), "unbound": self.unbound(),
            "unmanaged": self.unmanaged.len(), "stale": self.stale(), "otherSecrets": self.other_secrets,
            "notCovered": self.not_covered.len(), "errors": self.errors.len()});
        v
    }

    /// The report as aligned tables for a person: managed secrets, then unmanaged credentials, then
    /// a summary. Failures and stale credentials are marked in capitals. OCIDs are cut to their
    /// last characters, or printed whole when `wide` (`status --wide`).
    pub fn table(&self, wide: bool) -> String {
        let cut = Cut(wide);
        let mut rows = vec![SecretStatus::HEADER.map(str::to_owned).to_vec()];
        rows.extend(self.secrets.iter().map(|s| s.row(cut)));
        let mut out = format!("Managed secrets in {} compartment(s) under {}\n\n", self.compartments.len(), self.compartment_id);
        out.push_str(&columns(&rows));
        out.push_str(&format!("\nCredentials no secret manages (stale: older than {} days)\n\n", self.older_than_days));
        if self.unmanaged.is_empty() {
            out.push_str("(none)\n");
        } else {
            let mut creds = vec![UnmanagedCredential::HEADER.map(str::to_owned).to_vec()];
            creds.extend(self.unmanaged.iter().map(|c| c.row(cut)));
            out.push_str(&columns(&creds));
        }
        for n in &self.not_covered {
            out.push_str(&format!("\nnot covered: user {} ({}): {}", n.user_id, n.domain_id, n.reason));
        }
        for e in &self.errors {
            out.push_str(&format!("\nREAD ERROR: {}: {}", e.resource, e.message));
        }
        out.push_str(&format!(
            "\n{} managed secret(s), {} FAILED, {} UNBOUND; {} credential(s) no secret manages, {} STALE; {} other secret(s); {} read error(s): {}",
            self.secrets.len(),
            self.failed(),
            self.unbound(),
            self.unmanaged.len(),
            self.stale(),
            self.other_secrets,
            self.errors.len(),
            if self.healthy() { "healthy" } else { "NOT HEALTHY" }
        ));
        out
    }
}

/// How a table prints an OCID: whole (`--wide`), or its last characters.
#[derive(Clone, Copy)]
struct Cut(bool);

impl Cut {
    fn ocid(self, ocid: &str, n: usize) -> String {
        if self.0 {
            ocid.to_owned()
        } else {
            short(ocid, n)
        }
    }
}

impl SecretStatus {
    /// The column names of the managed secrets' table.
    const HEADER: [&'static str; 12] =
        ["SECRET", "NAME", "TYPE", "USER", "VER", "AGE(d)", "ROTATION", "LAST", "NEXT", "FUNCTION", "BOUND", "STATE"];

    /// Its row of the table, in [`Self::HEADER`]'s order.
    fn row(&self, cut: Cut) -> Vec<String> {
        let state = match self.problems.as_slice() {
            [] => self.paused.as_ref().map_or_else(|| "ok".to_owned(), crate::pause_tag::Pause::label),
            [one] => format!("FAILED: {one}"),
            [first, rest @ ..] => format!("FAILED: {first} (+{} more)", rest.len()),
        };
        let bound = match self.bound {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "-",
        };
        vec![
            cut.ocid(&self.secret_id, 10),
            self.secret_name.clone(),
            self.credential_type.clone(),
            self.user_id.as_deref().map_or_else(|| "-".to_owned(), |u| cut.ocid(u, 10)),
            self.current_version_number.map_or_else(|| "-".to_owned(), |n| n.to_string()),
            self.current_version_age_days.map_or_else(|| "-".to_owned(), |d| d.to_string()),
            self.rotation_status.clone().unwrap_or_else(|| "-".to_owned()),
            date(self.last_rotation_time.as_deref()),
            date(self.next_rotation_time.as_deref()),
            if self.targets_function { "yes" } else { "NO" }.to_owned(),
            bound.to_owned(),
            state,
        ]
    }
}

impl UnmanagedCredential {
    /// The column names of the unmanaged credentials' table.
    const HEADER: [&'static str; 7] = ["USER", "TYPE", "CREDENTIAL", "AGE(d)", "CREATED", "STATE", "DESCRIPTION"];

    /// Its row of the table, in [`Self::HEADER`]'s order.
    fn row(&self, cut: Cut) -> Vec<String> {
        vec![
            cut.ocid(&self.user_id, 10),
            self.credential_type.clone(),
            if self.credential_id.len() > 48 { cut.ocid(&self.credential_id, 12) } else { self.credential_id.clone() },
            self.age_days.map_or_else(|| "-".to_owned(), |d| d.to_string()),
            date(self.time_created.as_deref()),
            if self.stale { "STALE" } else { "ok" }.to_owned(),
            self.description.clone().unwrap_or_default(),
        ]
    }
}

/// The last `n` characters of an OCID after an ellipsis (tables only; JSON has it whole).
fn short(ocid: &str, n: usize) -> String {
    let chars: Vec<char> = ocid.chars().collect();
    if chars.len() <= n + 1 {
        return ocid.to_owned();
    }
    format!("…{}", chars[chars.len() - n..].iter().collect::<String>())
}

fn date(t: Option<&str>) -> String {
    t.map_or_else(|| "-".to_owned(), |t| t.chars().take(10).collect())
}

/// Left-aligned columns, two spaces apart.
fn columns(rows: &[Vec<String>]) -> String {
    let widths: Vec<usize> = (0..rows.first().map_or(0, Vec::len))
        .map(|c| rows.iter().map(|r| r.get(c).map_or(0, |s| s.chars().count())).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r.iter().enumerate().map(|(i, s)| format!("{s:<w$}", w = widths[i])).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The progress line of `status`: once the run has taken more than a second, at most once a
/// second.
#[derive(Debug, Clone)]
pub struct ProgressLine {
    started: Instant,
    last: Option<Instant>,
}

impl Default for ProgressLine {
    fn default() -> Self {
        ProgressLine { started: Instant::now(), last: None }
    }
}

impl ProgressLine {
    /// The line to show for `p` now, if one is due.
    pub fn next(&mut self, p: Progress) -> Option<String> {
        let now = Instant::now();
        if now - self.last.unwrap_or(self.started) < Duration::from_secs(1) {
            return None;
        }
        self.last = Some(now);
        Some(format!("oci-rotator status: {} {}/{} ({} s)", p.phase, p.done, p.total, self.started.elapsed().as_secs()))
    }

    /// True once a line was shown.
    pub fn shown(&self) -> bool {
        self.last.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_and_ocids_shorten() {
        let t = columns(&[vec!["A".into(), "BB".into()], vec!["CCC".into(), "D".into()]]);
        assert_eq!(t, "A    BB\nCCC  D\n");
        assert_eq!(short("ocid1.user.oc1..aaaaaaaabcdefghij", 4), "…ghij");
        assert_eq!(short("abc", 4), "abc");
    }

    #[test]
    fn no_progress_line_in_the_first_second() {
        let mut line = ProgressLine::default();
        assert_eq!(line.next(Progress { phase: "secrets", done: 1, total: 2 }), None);
        assert!(!line.shown());
        line.started -= Duration::from_secs(2);
        let shown = line.next(Progress { phase: "secrets", done: 1, total: 2 });
        assert_eq!(shown.as_deref(), Some("oci-rotator status: secrets 1/2 (2 s)"));
        assert_eq!(line.next(Progress { phase: "secrets", done: 2, total: 2 }), None, "at most once a second");
    }
}
