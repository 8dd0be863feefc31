//! Progress of a long command on stderr: a bar redrawn in place on a terminal; otherwise nothing at
//! the default level (the results are on stdout; issue 20: nothing on stderr but warnings and
//! errors) and, with `-v`, plain lines (one per finished item, and a summary every few seconds) so
//! that logs and CI output stay readable. No crate: a bar is one `\r`-rewritten line. With
//! `--json`, each finished item's JSON line goes to stdout as it finishes.

use std::io::{IsTerminal as _, Write as _};
use std::time::{Duration, Instant};

pub use crate::fleet::rotate::Counts;
use crate::fleet::rotate::{Finished, Watch};

/// Where progress goes.
pub struct Progress {
    tty: bool,
    started: Instant,
    last_draw: Option<Instant>,
    last_summary: Instant,
    json_lines: bool,
    plain_lines: bool,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::new(std::io::stderr().is_terminal())
    }
}

impl Progress {
    /// A bar (`tty`), or nothing until [`Progress::with_plain_lines`].
    pub fn new(tty: bool) -> Self {
        let now = Instant::now();
        Progress { tty, started: now, last_draw: None, last_summary: now, json_lines: false, plain_lines: false }
    }

    /// Off a terminal, also prints the plain lines (`-v`).
    pub fn with_plain_lines(self, plain_lines: bool) -> Self {
        Progress { plain_lines, ..self }
    }

    /// Also prints each finished item's JSON line on stdout (`--json`).
    pub fn with_json_lines(self, json_lines: bool) -> Self {
        Progress { json_lines, ..self }
    }

    fn rate(&self, done: usize) -> f64 {
        let secs = self.started.elapsed().as_secs_f64();
        if secs > 0.0 {
            done as f64 / secs
        } else {
            0.0
        }
    }

    /// The counts changed; `line` (plain mode only) says about what.
    pub fn update(&mut self, c: Counts, line: Option<&str>) {
        let mut err = std::io::stderr().lock();
        if !self.tty {
            if !self.plain_lines {
                return;
            }
            if let Some(line) = line {
                let _ = writeln!(err, "[{}/{}] {line}", c.done, c.total);
            }
            if self.last_summary.elapsed() >= Duration::from_secs(5) {
                self.last_summary = Instant::now();
                let _ = writeln!(
                    err,
                    "progress: {}/{} done, {} failed, {} in flight, {:.1}/s",
                    c.done,
                    c.total,
                    c.failed,
                    c.in_flight,
                    self.rate(c.done)
                );
            }
            return;
        }
        // At most ten redraws a second, and always the last one.
        if self.last_draw.is_some_and(|t| t.elapsed() < Duration::from_millis(100)) && c.done < c.total {
            return;
        }
        self.last_draw = Some(Instant::now());
        let _ = write!(err, "\r\x1b[2K{}", bar(c, self.rate(c.done)));
        let _ = err.flush();
    }

    /// Ends the bar's line (a terminal), or prints `message` as a plain line.
    pub fn note(&mut self, message: &str) {
        let mut err = std::io::stderr().lock();
        if self.tty {
            let _ = write!(err, "\r\x1b[2K");
        }
        let _ = writeln!(err, "{message}");
    }

    /// Ends the bar's line.
    pub fn finish(&mut self) {
        if self.tty {
            let _ = writeln!(std::io::stderr().lock());
        }
    }
}

/// `[#########...........] 450/1000  failed 0  in flight 10  12.3/s`
pub fn bar(c: Counts, per_second: f64) -> String {
    const WIDTH: usize = 30;
    let filled = (c.done * WIDTH).checked_div(c.total).map_or(WIDTH, |f| f.min(WIDTH));
    format!(
        "[{}{}] {}/{}  failed {}  in flight {}  {per_second:.1}/s",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        c.done,
        c.total,
        c.failed,
        c.in_flight
    )
}

impl Watch for Progress {
    fn update(&mut self, counts: Counts, line: Option<&str>) {
        Progress::update(self, counts, line);
    }

    fn note(&mut self, message: &str) {
        Progress::note(self, message);
    }

    fn finish(&mut self) {
        Progress::finish(self);
    }

    fn finished(&mut self, item: Finished<'_>) {
        if self.json_lines {
            println!("{}", item.json_line());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_the_done_share() {
        let half = bar(Counts { total: 10, done: 5, failed: 1, in_flight: 2 }, 2.5);
        assert!(half.starts_with(&format!("[{}{}] 5/10", "#".repeat(15), ".".repeat(15))), "{half}");
        assert!(half.ends_with("failed 1  in flight 2  2.5/s"), "{half}");
        assert!(bar(Counts::default(), 0.0).starts_with(&format!("[{}]", "#".repeat(30))));
    }
}
