//! The calls waiting for an answer, keyed by id, with their method, when they went out and
//! the batch they went in; bounded, so that a server that never answers cannot make the table
//! grow for ever. Calls are kept in the order they were sent, so the oldest (the next to run
//! out of time) is found at once however many wait.

use super::id::IdKey;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

/// Calls sent together in one batch message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BatchId(pub u64);

/// A call waiting for its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    /// The id as sent.
    pub id: String,
    pub method: String,
    pub sent: Instant,
    pub batch: Option<BatchId>,
    /// Sent on wscope's own account (`--heartbeat`): its answer is not shown.
    pub quiet: bool,
    /// Its place in the order of sending.
    seq: u64,
}

/// Why a call cannot be added or an answer matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PendingError {
    /// An id already waiting for an answer (as written).
    Duplicate(String),
    Full {
        limit: usize,
    },
    /// An answer for an id no call is waiting for (as written).
    UnknownId(String),
    /// `null`, or something that is not an id, where an id belongs.
    NotAnId(String),
}

impl fmt::Display for PendingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PendingError::Duplicate(id) => {
                write!(f, "a call with id {id} is already waiting for its answer")
            }
            PendingError::Full { limit } => write!(
                f,
                "{limit} calls are waiting for answers; no more are sent until some are answered"
            ),
            PendingError::UnknownId(id) => {
                write!(f, "an answer for id {id}, which no call is waiting for")
            }
            PendingError::NotAnId(id) if id == "null" => f.write_str(
                "an answer with id null: the server could not read the id of the call it answers",
            ),
            PendingError::NotAnId(id) => write!(f, "{id} is not a JSON-RPC id"),
        }
    }
}

impl std::error::Error for PendingError {}

/// The table of pending calls.
#[derive(Debug)]
pub struct PendingCalls {
    calls: HashMap<IdKey, Pending>,
    /// The keys in the order of sending.
    order: BTreeMap<u64, IdKey>,
    limit: usize,
    next_batch: u64,
    next_seq: u64,
    /// How many of the calls are quiet.
    quiet: usize,
}

impl PendingCalls {
    /// A table of at most `limit` calls.
    pub fn new(limit: usize) -> Self {
        PendingCalls {
            calls: HashMap::new(),
            order: BTreeMap::new(),
            limit,
            next_batch: 0,
            next_seq: 0,
            quiet: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.calls.len()
    }

    /// How many calls the user made are waiting (the quiet ones left out).
    pub fn asked(&self) -> usize {
        self.calls.len() - self.quiet
    }

    pub fn is_empty(&self) -> bool {
        self.calls.is_empty()
    }

    /// Whether a call with this id is waiting.
    pub fn contains(&self, key: &IdKey) -> bool {
        self.calls.contains_key(key)
    }

    /// Adds one call, or every call of a batch (none if any cannot be added), sent at `sent`
    /// (quiet: on wscope's own account); the batch's id when there are several.
    pub fn insert(
        &mut self,
        calls: &[(&str, &str)],
        sent: Instant,
        quiet: bool,
    ) -> Result<Option<BatchId>, PendingError> {
        let mut keys = Vec::with_capacity(calls.len());
        let mut seen = HashSet::with_capacity(calls.len());
        for (id, _) in calls {
            let key = key(id)?;
            if self.calls.contains_key(&key) || !seen.insert(key.clone()) {
                return Err(PendingError::Duplicate(id.to_string()));
            }
            keys.push(key);
        }
        if self.calls.len() + calls.len() > self.limit {
            return Err(PendingError::Full { limit: self.limit });
        }
        let batch = (calls.len() > 1).then(|| {
            self.next_batch += 1;
            BatchId(self.next_batch)
        });
        for (key, (id, method)) in keys.into_iter().zip(calls) {
            let seq = self.next_seq;
            self.next_seq += 1;
            self.order.insert(seq, key.clone());
            self.quiet += usize::from(quiet);
            self.calls.insert(
                key,
                Pending {
                    id: id.to_string(),
                    method: method.to_string(),
                    sent,
                    batch,
                    quiet,
                    seq,
                },
            );
        }
        Ok(batch)
    }

    /// Takes the call an answer with this id (as written) is for.
    pub fn take(&mut self, id: &str) -> Result<Pending, PendingError> {
        let key = key(id)?;
        self.remove(&key)
            .ok_or_else(|| PendingError::UnknownId(id.to_string()))
    }

    fn remove(&mut self, key: &IdKey) -> Option<Pending> {
        let p = self.calls.remove(key)?;
        self.order.remove(&p.seq);
        self.quiet -= usize::from(p.quiet);
        Some(p)
    }

    /// The call sent first of those waiting.
    pub fn oldest(&self) -> Option<&Pending> {
        let (_, key) = self.order.first_key_value()?;
        self.calls.get(key)
    }

    /// The waiting calls in the order they were sent (for `/pending`).
    pub(crate) fn oldest_first(&self) -> impl Iterator<Item = &Pending> {
        self.order.values().filter_map(|k| self.calls.get(k))
    }

    /// Removes and returns the calls sent `timeout` or more before `now`, oldest first
    /// (calls are sent in the order of time: the first still in time ends the search).
    pub(crate) fn expire(&mut self, now: Instant, timeout: Duration) -> Vec<Pending> {
        let mut gone = Vec::new();
        loop {
            let due = |p: &Pending| now.saturating_duration_since(p.sent) >= timeout;
            let Some((_, key)) = self.order.first_key_value() else {
                break;
            };
            if !self.calls.get(key).is_some_and(due) {
                break;
            }
            let key = key.clone();
            gone.extend(self.remove(&key));
        }
        gone
    }
}

fn key(id: &str) -> Result<IdKey, PendingError> {
    match IdKey::of(id) {
        Some(IdKey::Null) | None => Err(PendingError::NotAnId(id.trim().to_string())),
        Some(k) => Ok(k),
    }
}
