//! Counters shared by the session's reader and writer: messages and bytes each way, uptime,
//! and the outstanding pings used to compute round-trip times and detect a dead peer.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// How many unanswered pings are remembered for RTT matching.
const MAX_PENDING_PINGS: usize = 32;

#[derive(Debug)]
pub(crate) struct Stats {
    pub started: Instant,
    msgs_in: AtomicU64,
    bytes_in: AtomicU64,
    msgs_out: AtomicU64,
    bytes_out: AtomicU64,
    pings: Mutex<PingState>,
    first_in: OnceLock<Instant>,
    /// When the last data message arrived: nanoseconds after `started`, plus one (0: none yet).
    last_in: AtomicU64,
}

#[derive(Debug, Default)]
struct PingState {
    pending: VecDeque<(Vec<u8>, Instant)>,
    last_rtt: Option<Duration>,
    last_pong: Option<Instant>,
}

/// A snapshot for `/status`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Snapshot {
    pub uptime: Duration,
    pub msgs_in: u64,
    pub bytes_in: u64,
    pub msgs_out: u64,
    pub bytes_out: u64,
    pub last_rtt: Option<Duration>,
}

impl Default for Stats {
    fn default() -> Self {
        Stats {
            started: Instant::now(),
            msgs_in: AtomicU64::new(0),
            bytes_in: AtomicU64::new(0),
            msgs_out: AtomicU64::new(0),
            bytes_out: AtomicU64::new(0),
            pings: Mutex::new(PingState::default()),
            first_in: OnceLock::new(),
            last_in: AtomicU64::new(0),
        }
    }
}

impl Stats {
    /// Records that the first data message arrived; returns how long after the session began.
    pub(crate) fn first_message(&self) -> Duration {
        self.first_in
            .get_or_init(Instant::now)
            .duration_since(self.started)
    }

    /// When the first data message arrived, measured from the session's start.
    pub(crate) fn first_message_after(&self) -> Option<Duration> {
        self.first_in.get().map(|t| t.duration_since(self.started))
    }

    /// Adds a burst of received data messages, which arrived now.
    pub(crate) fn add_received(&self, msgs: u64, bytes: u64) {
        if msgs > 0 {
            self.count_received(msgs, bytes);
            self.mark_received();
        }
    }

    /// Counts received data messages without saying that something arrived (`--proto`: the
    /// protocol's keepalive does not restart the idle window; see [`Self::mark_received`]).
    pub(crate) fn count_received(&self, msgs: u64, bytes: u64) {
        self.msgs_in.fetch_add(msgs, Ordering::Relaxed);
        self.bytes_in.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Something arrived now (for the idle window).
    pub(crate) fn mark_received(&self) {
        let since = self.started.elapsed().as_nanos();
        let stamp = u64::try_from(since).unwrap_or(u64::MAX - 1) + 1;
        self.last_in.store(stamp, Ordering::Relaxed);
    }

    /// When the last data message arrived (for the idle window).
    pub(crate) fn last_received(&self) -> Option<Instant> {
        match self.last_in.load(Ordering::Relaxed) {
            0 => None,
            n => Some(self.started + Duration::from_nanos(n - 1)),
        }
    }

    /// Adds a batch of sent data messages.
    pub(crate) fn add_sent(&self, msgs: u64, bytes: u64) {
        if msgs > 0 {
            self.msgs_out.fetch_add(msgs, Ordering::Relaxed);
            self.bytes_out.fetch_add(bytes, Ordering::Relaxed);
        }
    }

    fn with_pings<T>(&self, f: impl FnOnce(&mut PingState) -> T) -> T {
        f(&mut crate::sync::lock(&self.pings))
    }

    /// Remembers a ping we sent.
    pub(crate) fn ping_sent(&self, payload: &[u8]) {
        self.with_pings(|p| {
            if p.pending.len() == MAX_PENDING_PINGS {
                p.pending.pop_front();
            }
            p.pending.push_back((payload.to_vec(), Instant::now()));
        });
    }

    /// Matches a pong to its ping; returns the round-trip time when it matched.
    pub(crate) fn pong_received(&self, payload: &[u8]) -> Option<Duration> {
        self.with_pings(|p| {
            p.last_pong = Some(Instant::now());
            let i = p.pending.iter().position(|(pl, _)| pl == payload)?;
            let (_, at) = p.pending.remove(i)?;
            // Older pings were answered implicitly (a pong may acknowledge several).
            p.pending.drain(..i);
            let rtt = at.elapsed();
            p.last_rtt = Some(rtt);
            Some(rtt)
        })
    }

    /// When the oldest unanswered ping was sent.
    pub(crate) fn oldest_unanswered_ping(&self) -> Option<Instant> {
        self.with_pings(|p| p.pending.front().map(|(_, at)| *at))
    }

    pub(crate) fn snapshot(&self) -> Snapshot {
        Snapshot {
            uptime: self.started.elapsed(),
            msgs_in: self.msgs_in.load(Ordering::Relaxed),
            bytes_in: self.bytes_in.load(Ordering::Relaxed),
            msgs_out: self.msgs_out.load(Ordering::Relaxed),
            bytes_out: self.bytes_out.load(Ordering::Relaxed),
            last_rtt: self.with_pings(|p| p.last_rtt),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pong_matches_its_ping_and_clears_older_ones() {
        let s = Stats::default();
        s.ping_sent(b"1");
        s.ping_sent(b"2");
        assert!(s.pong_received(b"x").is_none());
        assert!(s.pong_received(b"2").is_some());
        assert!(s.oldest_unanswered_ping().is_none());
        assert!(s.snapshot().last_rtt.is_some());
    }

    #[test]
    fn last_received_moves_with_each_burst() {
        let s = Stats::default();
        assert_eq!(s.last_received(), None);
        s.add_received(0, 0);
        assert_eq!(s.last_received(), None);
        s.add_received(2, 10);
        let first = s.last_received().expect("a burst arrived");
        assert!(first >= s.started && first <= Instant::now());
        std::thread::sleep(Duration::from_millis(2));
        s.add_received(1, 1);
        assert!(s.last_received().expect("later") > first);
    }
}
