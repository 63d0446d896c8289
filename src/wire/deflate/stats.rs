//! What compression did, message by message: wire (payload) bytes against message bytes, both
//! ways. Running totals are atomics (for `/status`); a per-message log, kept only while
//! enabled and bounded, lets `-x` say "inflated to N bytes" next to the frames it shows.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Which way a message went, seen from this end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    In,
    Out,
}

/// One data message as it crossed the layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MessageRecord {
    pub dir: Direction,
    /// RSV1 was set on its first frame.
    pub compressed: bool,
    /// Payload bytes on the wire, summed over its frames.
    pub wire_bytes: u64,
    /// The message's size once inflated (incoming) or before compression (outgoing); `None`
    /// for a message sent already compressed by hand, which wscope did not compress.
    pub message_bytes: Option<u64>,
}

/// Totals for one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Totals {
    pub messages: u64,
    pub compressed_messages: u64,
    /// Payload bytes on the wire, every data message.
    pub wire_bytes: u64,
    /// Message bytes, every data message (wire bytes where the size is unknown).
    pub message_bytes: u64,
}

impl Totals {
    /// Wire bytes per message byte (1.0 with nothing compressed; 0 with nothing sent).
    pub(crate) fn ratio(&self) -> f64 {
        if self.message_bytes == 0 {
            0.0
        } else {
            self.wire_bytes as f64 / self.message_bytes as f64
        }
    }
}

#[derive(Debug, Default)]
struct Counters {
    messages: AtomicU64,
    compressed_messages: AtomicU64,
    wire_bytes: AtomicU64,
    message_bytes: AtomicU64,
}

impl Counters {
    fn add(&self, r: &MessageRecord) {
        self.messages.fetch_add(1, Ordering::Relaxed);
        if r.compressed {
            self.compressed_messages.fetch_add(1, Ordering::Relaxed);
        }
        self.wire_bytes.fetch_add(r.wire_bytes, Ordering::Relaxed);
        self.message_bytes
            .fetch_add(r.message_bytes.unwrap_or(r.wire_bytes), Ordering::Relaxed);
    }

    fn totals(&self) -> Totals {
        Totals {
            messages: self.messages.load(Ordering::Relaxed),
            compressed_messages: self.compressed_messages.load(Ordering::Relaxed),
            wire_bytes: self.wire_bytes.load(Ordering::Relaxed),
            message_bytes: self.message_bytes.load(Ordering::Relaxed),
        }
    }
}

/// How many records the log keeps when nobody drains it; older ones are dropped.
pub(crate) const LOG_CAPACITY: usize = 4096;

/// Shared between the compression layer (producer) and the session (consumer).
#[derive(Debug, Default)]
pub struct DeflateStats {
    incoming: Counters,
    outgoing: Counters,
    log_enabled: AtomicBool,
    log: Mutex<VecDeque<MessageRecord>>,
}

impl DeflateStats {
    /// Totals for one direction.
    pub(crate) fn totals(&self, dir: Direction) -> Totals {
        match dir {
            Direction::In => self.incoming.totals(),
            Direction::Out => self.outgoing.totals(),
        }
    }

    /// Starts or stops keeping a record per message.
    pub(crate) fn set_log(&self, on: bool) {
        self.log_enabled.store(on, Ordering::Relaxed);
    }

    /// Takes the records kept so far, oldest first.
    pub(crate) fn drain(&self) -> Vec<MessageRecord> {
        match self.log.lock() {
            Ok(mut log) => log.drain(..).collect(),
            Err(poisoned) => poisoned.into_inner().drain(..).collect(),
        }
    }

    pub(super) fn record(&self, r: MessageRecord) {
        match r.dir {
            Direction::In => self.incoming.add(&r),
            Direction::Out => self.outgoing.add(&r),
        }
        if !self.log_enabled.load(Ordering::Relaxed) {
            return;
        }
        let mut log = match self.log.lock() {
            Ok(log) => log,
            Err(poisoned) => poisoned.into_inner(),
        };
        if log.len() == LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(dir: Direction, compressed: bool, wire: u64, message: Option<u64>) -> MessageRecord {
        MessageRecord {
            dir,
            compressed,
            wire_bytes: wire,
            message_bytes: message,
        }
    }

    #[test]
    fn totals_per_direction_and_log_only_while_enabled() {
        let s = DeflateStats::default();
        s.record(rec(Direction::In, true, 10, Some(100)));
        s.set_log(true);
        s.record(rec(Direction::In, false, 5, Some(5)));
        s.record(rec(Direction::Out, true, 7, None));
        let t = s.totals(Direction::In);
        assert_eq!(
            (
                t.messages,
                t.compressed_messages,
                t.wire_bytes,
                t.message_bytes
            ),
            (2, 1, 15, 105)
        );
        assert_eq!(s.totals(Direction::Out).message_bytes, 7);
        assert!((t.ratio() - 15.0 / 105.0).abs() < 1e-9);
        assert_eq!(s.drain().len(), 2);
        assert!(s.drain().is_empty());
    }

    #[test]
    fn log_is_bounded() {
        let s = DeflateStats::default();
        s.set_log(true);
        for i in 0..LOG_CAPACITY as u64 + 3 {
            s.record(rec(Direction::Out, false, i, Some(i)));
        }
        let log = s.drain();
        assert_eq!(log.len(), LOG_CAPACITY);
        assert_eq!(log[0].wire_bytes, 3);
    }
}
