//! The operations of one connection: the ids wscope gives them (`1`, `2`, … never used twice
//! on a connection, so a late result of a finished operation cannot be taken for a new one's,
//! and a server never sees an id it still holds), the running ones with their result counts,
//! and which operations failed. Pure bookkeeping, time passed in.

use super::document::OperationKind;
use super::operation::Operation;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

/// How much of a document `/ops` shows.
const SUMMARY_CHARS: usize = 60;
/// How many stopped ids are remembered (to tell a late result of ours from a server's slip).
const MAX_STOPPED: usize = 10_000;

/// A running operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Op {
    pub kind: OperationKind,
    pub name: Option<String>,
    /// The document on one line, shortened.
    pub summary: String,
    pub started: Instant,
    pub results: u64,
    /// A result with errors came, or an error message: the operation failed.
    pub failed: bool,
}

/// What a received id is to this connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    Running,
    /// Stopped by us (`/stop`, or our farewell): its last results may still come.
    Stopped,
    /// Completed or failed: the server said so already.
    Over,
    /// Not an id wscope gave on this connection.
    Unknown,
}

/// The operations of one connection.
#[derive(Debug, Default)]
pub(crate) struct Ops {
    /// The last id given (ids start at 1).
    last_id: u64,
    running: BTreeMap<u64, Op>,
    stopped: BTreeSet<u64>,
    /// How many operations failed, and the first failure in words.
    failed: u64,
    first_failure: Option<String>,
}

/// The number an id of ours carries (`"12"` → 12); none for any other text.
fn number(id: &str) -> Option<u64> {
    let n: u64 = id.parse().ok()?;
    (n.to_string() == id).then_some(n)
}

/// The document on one line, white space collapsed, at most [`SUMMARY_CHARS`] characters.
fn summary(query: &str) -> String {
    let flat = query.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= SUMMARY_CHARS {
        return flat;
    }
    let mut short: String = flat.chars().take(SUMMARY_CHARS - 1).collect();
    short.push('…');
    short
}

impl Ops {
    /// Starts an operation: its id.
    pub(crate) fn start(&mut self, op: &Operation, now: Instant) -> String {
        self.last_id += 1;
        self.running.insert(
            self.last_id,
            Op {
                kind: op.kind,
                name: op.operation_name.clone(),
                summary: summary(&op.query),
                started: now,
                results: 0,
                failed: false,
            },
        );
        self.last_id.to_string()
    }

    pub(crate) fn known(&self, id: &str) -> Known {
        match number(id) {
            Some(n) if self.running.contains_key(&n) => Known::Running,
            Some(n) if self.stopped.contains(&n) => Known::Stopped,
            Some(n) if (1..=self.last_id).contains(&n) => Known::Over,
            _ => Known::Unknown,
        }
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Op> {
        self.running.get(&number(id)?)
    }

    /// A result of a running operation: its count so far.
    pub(crate) fn result(&mut self, id: &str) -> Option<u64> {
        let op = self.running.get_mut(&number(id)?)?;
        op.results += 1;
        Some(op.results)
    }

    /// A running operation failed (`why` in words); counted once per operation.
    pub(crate) fn fail(&mut self, id: &str, why: impl FnOnce() -> String) {
        let Some(op) = number(id).and_then(|n| self.running.get_mut(&n)) else {
            return;
        };
        if !op.failed {
            op.failed = true;
            self.failed += 1;
            self.first_failure.get_or_insert_with(why);
        }
    }

    /// The server ended an operation (complete or error): it and how long it ran.
    pub(crate) fn end(&mut self, id: &str, now: Instant) -> Option<(Op, Duration)> {
        let op = self.running.remove(&number(id)?)?;
        let took = now.saturating_duration_since(op.started);
        Some((op, took))
    }

    /// We stop an operation: it, when it was running.
    pub(crate) fn stop(&mut self, id: &str) -> Option<Op> {
        let n = number(id)?;
        let op = self.running.remove(&n)?;
        if self.stopped.len() >= MAX_STOPPED {
            self.stopped.pop_first();
        }
        self.stopped.insert(n);
        Some(op)
    }

    /// Every running id, oldest first.
    pub(crate) fn running_ids(&self) -> Vec<String> {
        self.running.keys().map(u64::to_string).collect()
    }

    pub(crate) fn running(&self) -> impl Iterator<Item = (u64, &Op)> {
        self.running.iter().map(|(n, op)| (*n, op))
    }

    pub(crate) fn is_idle(&self) -> bool {
        self.running.is_empty()
    }

    /// How many operations were started, how many failed, and the first failure.
    pub(crate) fn failures(&self) -> (u64, u64, Option<&str>) {
        (self.last_id, self.failed, self.first_failure.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::graphql::operation::parse_operation;

    #[test]
    fn ids_are_never_given_twice_and_late_ones_are_told_apart() {
        let now = Instant::now();
        let mut ops = Ops::default();
        let op = parse_operation("subscription {\n  count(to: 3)\n}").expect("operation");
        let (a, b) = (ops.start(&op, now), ops.start(&op, now));
        assert_eq!((a.as_str(), b.as_str()), ("1", "2"));
        assert_eq!(
            ops.get("1").map(|o| o.summary.as_str()),
            Some("subscription { count(to: 3) }")
        );
        assert_eq!(ops.result("1"), Some(1));
        assert_eq!(ops.result("1"), Some(2));
        assert!(ops.stop("1").is_some());
        assert!(ops.end("2", now).is_some());
        assert_eq!(ops.start(&op, now), "3");
        assert_eq!(ops.known("1"), Known::Stopped);
        assert_eq!(ops.known("2"), Known::Over);
        assert_eq!(ops.known("3"), Known::Running);
        for other in ["4", "01", "x", "", "-1"] {
            assert_eq!(ops.known(other), Known::Unknown, "{other}");
        }
        assert_eq!(ops.running_ids(), ["3"]);
    }

    #[test]
    fn an_operation_fails_once_and_the_first_failure_is_kept() {
        let now = Instant::now();
        let mut ops = Ops::default();
        let op = parse_operation("{ boom }").expect("operation");
        ops.start(&op, now);
        ops.start(&op, now);
        ops.fail("1", || "first".into());
        ops.fail("1", || "again".into());
        ops.fail("2", || "second".into());
        ops.fail("9", || "not ours".into());
        assert_eq!(ops.failures(), (2, 2, Some("first")));
    }

    #[test]
    fn a_long_document_is_shortened_on_one_line() {
        let long = format!("query {{ {} }}", "field ".repeat(30));
        let s = summary(&long);
        assert_eq!(s.chars().count(), SUMMARY_CHARS);
        assert!(s.ends_with('…') && !s.contains('\n'), "{s}");
    }
}
