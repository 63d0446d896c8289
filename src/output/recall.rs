//! The last received messages, kept for the REPL's `/last`: a long message that scrolled by
//! can be shown again, whole and indented. Bounded in count and in bytes; the newest message
//! is always kept. Copies are kept, not the received buffers, which may share (and so keep
//! alive) a larger read buffer.

use crate::event::DataKind;
use std::collections::VecDeque;
use std::time::SystemTime;

/// How many messages are kept at most.
pub(crate) const RECALL_MESSAGES: usize = 100;
/// How many bytes of messages are kept at most (besides the newest, always kept).
pub(crate) const RECALL_BYTES: usize = 16 << 20;

/// One kept message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kept {
    /// Its number among the messages received (from 1).
    pub number: u64,
    pub at: SystemTime,
    pub kind: DataKind,
    pub data: Vec<u8>,
}

/// The newest received messages, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Recall {
    kept: VecDeque<Kept>,
    bytes: usize,
    received: u64,
}

impl Recall {
    /// Keeps a copy of a message just received, letting the oldest go past the bounds.
    pub(crate) fn keep(&mut self, at: SystemTime, kind: DataKind, data: &[u8]) {
        self.received += 1;
        self.bytes += data.len();
        self.kept.push_back(Kept {
            number: self.received,
            at,
            kind,
            data: data.to_vec(),
        });
        while self.kept.len() > RECALL_MESSAGES
            || (self.kept.len() > 1 && self.bytes > RECALL_BYTES)
        {
            if let Some(old) = self.kept.pop_front() {
                self.bytes -= old.data.len();
            }
        }
    }

    /// The last `n` messages kept (fewer when fewer are kept), oldest first.
    pub(crate) fn last(&self, n: usize) -> impl Iterator<Item = &Kept> {
        self.kept.iter().skip(self.kept.len().saturating_sub(n))
    }

    /// How many messages have been received in all.
    pub(crate) fn received(&self) -> u64 {
        self.received
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(r: &Recall, n: usize) -> Vec<u64> {
        r.last(n).map(|k| k.number).collect()
    }

    #[test]
    fn keeps_the_newest_within_the_count() {
        let mut r = Recall::default();
        assert_eq!(numbers(&r, 3), Vec::<u64>::new());
        for i in 0..RECALL_MESSAGES + 5 {
            r.keep(
                SystemTime::UNIX_EPOCH,
                DataKind::Text,
                i.to_string().as_bytes(),
            );
        }
        assert_eq!(r.received(), RECALL_MESSAGES as u64 + 5);
        assert_eq!(numbers(&r, 2), vec![104, 105]);
        assert_eq!(r.last(usize::MAX).count(), RECALL_MESSAGES);
        assert_eq!(
            r.last(1).next().map(|k| k.data.clone()),
            Some(b"104".to_vec())
        );
    }

    #[test]
    fn keeps_the_newest_within_the_bytes_and_always_the_last_one() {
        let mut r = Recall::default();
        let big = vec![b'x'; RECALL_BYTES / 3 + 1];
        for _ in 0..4 {
            r.keep(SystemTime::UNIX_EPOCH, DataKind::Binary, &big);
        }
        assert_eq!(numbers(&r, 10), vec![3, 4]);
        let huge = vec![b'y'; RECALL_BYTES + 1];
        r.keep(SystemTime::UNIX_EPOCH, DataKind::Binary, &huge);
        assert_eq!(numbers(&r, 10), vec![5]);
        r.keep(SystemTime::UNIX_EPOCH, DataKind::Text, b"small");
        assert_eq!(numbers(&r, 10), vec![6]);
    }
}
