//! Reconnecting (`--reconnect`): which failures are worth another attempt, and the delays
//! between attempts: exponential, capped, with jitter so that many clients dropped together do
//! not come back together; reset after a connection that stayed up.

use crate::error::{Cause, Error, Kind};
use std::time::Duration;

/// Whether a failure is worth another connection attempt: the connection could not be made,
/// timed out, ended without a Close, or was dropped before the upgrade was answered.
pub(crate) fn worth_reconnecting(e: &Error) -> bool {
    matches!(e.kind, Kind::Connect | Kind::Timeout | Kind::Abnormal)
        || e.cause == Cause::ClosedDuringHandshake
}

/// The first delay.
pub(crate) const BASE: Duration = Duration::from_millis(500);
/// The longest delay.
pub(crate) const CAP: Duration = Duration::from_secs(30);
/// A connection up at least this long resets the delay and the attempt count.
pub(crate) const STABLE: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub(crate) struct Backoff {
    /// Attempts made since the last stable connection.
    pub attempts: u32,
    next: Duration,
    rng: u64,
}

impl Backoff {
    pub(crate) fn new(seed: u64) -> Self {
        Backoff {
            attempts: 0,
            next: BASE,
            rng: seed | 1,
        }
    }

    /// Whether another attempt is allowed with at most `max` attempts (`None`: no limit).
    pub(crate) fn allows(&self, max: Option<u32>) -> bool {
        max.is_none_or(|m| self.attempts < m)
    }

    /// Counts an attempt and returns how long to wait before it: the current delay times a
    /// random factor in [0.75, 1.25), never above [`CAP`]. The delay then doubles.
    pub(crate) fn next_delay(&mut self) -> Duration {
        self.attempts += 1;
        // xorshift64: plenty for jitter, no dependency.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let factor = 0.75 + (self.rng % 1000) as f64 / 2000.0;
        let delay = self.next.mul_f64(factor).min(CAP);
        self.next = (self.next * 2).min(CAP);
        delay
    }

    /// A connection stayed up: start again from the first delay.
    pub(crate) fn reset(&mut self) {
        self.attempts = 0;
        self.next = BASE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_failures_are_worth_another_attempt() {
        assert!(worth_reconnecting(&Error::new(Kind::Connect, "refused")));
        assert!(worth_reconnecting(&Error::new(Kind::Abnormal, "reset")));
        assert!(worth_reconnecting(
            &Error::new(Kind::Rejected, "anything").because(Cause::ClosedDuringHandshake)
        ));
        // The decision is typed: a rejection's wording does not matter.
        assert!(!worth_reconnecting(&Error::new(
            Kind::Rejected,
            "the server closed the connection"
        )));
        assert!(!worth_reconnecting(&Error::new(
            Kind::Tls,
            "bad certificate"
        )));
        assert!(!worth_reconnecting(&Error::new(Kind::PeerClose, "4000")));
    }

    #[test]
    fn grows_with_jitter_caps_and_resets() {
        let mut b = Backoff::new(42);
        let d: Vec<Duration> = (0..10).map(|_| b.next_delay()).collect();
        assert!(d[0] >= BASE.mul_f64(0.75) && d[0] < BASE.mul_f64(1.25));
        assert!(d[1] >= BASE.mul_f64(1.5) && d[1] < BASE.mul_f64(2.5));
        assert!(d[2] > d[0]);
        assert!(d.iter().all(|x| *x <= CAP));
        assert_eq!(d[9], d[9].min(CAP));
        assert_eq!(b.attempts, 10);
        assert!(!b.allows(Some(10)));
        assert!(b.allows(None));
        b.reset();
        assert_eq!(b.attempts, 0);
        assert!(b.next_delay() < BASE.mul_f64(1.25));
    }
}
