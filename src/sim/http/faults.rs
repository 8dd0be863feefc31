//! Fault injection and the request journal. Faults are queued with a filter (method, path
//! substring) and fire on the Nth matching request counted from their injection; the journal
//! records every OCI request with the status answered and whether it changed state.

use serde::Serialize;

/// A fault to inject.
#[derive(Debug, Clone)]
pub struct Fault {
    /// 1-based index among the requests matching the filter, counted from the injection.
    pub nth: u64,
    /// Only requests with this method (`PUT`...), any case.
    pub method: Option<String>,
    /// Only requests whose raw path and query contain this.
    pub path_contains: Option<String>,
    /// What happens.
    pub kind: FaultKind,
}

/// What an injected fault does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer 500 `InternalServerError` without applying anything.
    Status500,
    /// Answer 429 `TooManyRequests` with `retry-after` without applying anything.
    Status429 {
        /// The `retry-after` value, in seconds.
        retry_after_secs: u64,
    },
    /// Break the connection without a response; state untouched.
    ResetBeforeApply,
    /// Apply the change, then break the connection without a response.
    LostResponse,
    /// Answer normally, after a delay.
    Delay {
        /// How long, in milliseconds.
        ms: u64,
    },
}

impl FaultKind {
    /// The short name used by `/_sim/faults` and in the journal.
    pub fn name(&self) -> &'static str {
        match self {
            FaultKind::Status500 => "500",
            FaultKind::Status429 { .. } => "429",
            FaultKind::ResetBeforeApply => "reset",
            FaultKind::LostResponse => "lost",
            FaultKind::Delay { .. } => "delay",
        }
    }
}

/// One request the simulator saw.
#[derive(Debug, Clone, Serialize)]
pub struct JournalEntry {
    /// Order of arrival, from 1 (continues across `clear_journal`).
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Raw path and query, as received.
    pub path: String,
    /// Status answered; 0 when the connection was broken instead.
    pub status: u16,
    /// True when the request changed state (a successful POST, PUT or DELETE that was not a replay).
    pub write: bool,
    /// The OCI operation (`UpdateSecret`...), `Unknown` for an unknown route.
    pub operation: String,
    /// True for an UpdateSecret whose body carries `freeformTags` alone: the record of a step's
    /// outcome (contract section 6, point 8), the one write a failed or refused step may make.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tags_only: bool,
    /// The injected fault that hit this request, if any (`500`, `429`, `reset`, `lost`, `delay`),
    /// or `throttle` when the tenancy's throttle answered it 429.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// Queued faults, each with the count of matching requests seen since its injection.
#[derive(Default)]
pub(crate) struct FaultQueue {
    pending: Vec<(Fault, u64)>,
}

impl FaultQueue {
    pub(crate) fn push(&mut self, fault: Fault) {
        self.pending.push((fault, 0));
    }

    pub(crate) fn clear(&mut self) {
        self.pending.clear();
    }

    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }

    /// Counts a request against every queued fault; removes and returns the first one it triggers.
    pub(crate) fn take(&mut self, method: &str, path_and_query: &str) -> Option<FaultKind> {
        let mut hit = None;
        for (i, (f, seen)) in self.pending.iter_mut().enumerate() {
            let matches = f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
                && f.path_contains.as_deref().is_none_or(|p| path_and_query.contains(p));
            if matches {
                *seen += 1;
                if *seen == f.nth.max(1) && hit.is_none() {
                    hit = Some(i);
                }
            }
        }
        hit.map(|i| self.pending.remove(i).0.kind)
    }
}

/// The request journal.
#[derive(Default)]
pub(crate) struct Journal {
    entries: Vec<JournalEntry>,
    next_seq: u64,
}

impl Journal {
    pub(crate) fn record(&mut self, mut entry: JournalEntry) {
        self.next_seq += 1;
        entry.seq = self.next_seq;
        self.entries.push(entry);
    }

    pub(crate) fn entries(&self) -> Vec<JournalEntry> {
        self.entries.clone()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}
