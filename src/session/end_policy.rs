//! When a scripted session ends after its input has: the idle window, `--wait` and `-n`, decided
//! once from the options and asked as pure questions by the session.
//!
//! End of input does not end the conversation: many servers (Python `websockets`, uvicorn)
//! answer a Close at once and drop the replies their handler has not sent yet, so closing right
//! behind the last message loses those replies. wscope keeps receiving until the connection has
//! been quiet for the idle window, `--wait` passes or `-n` messages have arrived.

use std::time::{Duration, Instant};

/// The idle window when neither `--idle` nor `--wait` is given: long enough for a server to
/// answer the last message on a loaded machine, short enough not to be noticed in a script.
pub(crate) const DEFAULT_IDLE: Duration = Duration::from_secs(1);

/// What ends a session whose input is done (the server's Close, Ctrl-C and a closed stdout
/// always do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct EndPolicy {
    /// Close once no message has arrived for this long.
    pub idle: Option<Duration>,
    /// Close this long after the input ended, whatever arrives.
    pub wait: Option<Duration>,
    /// Close once this many messages have arrived; then the idle window does not apply.
    pub count: Option<u64>,
}

impl EndPolicy {
    /// From the options as given: `--idle` (explicit), `-w/--wait` and `-n`. A fixed `--wait`
    /// replaces the default idle window; an explicit `--idle` applies beside it.
    pub(crate) fn from_options(
        idle: Option<Duration>,
        wait: Option<Duration>,
        count: Option<u64>,
    ) -> Self {
        let idle = match (idle, wait) {
            (Some(i), _) => Some(i),
            (None, Some(_)) => None,
            (None, None) => Some(DEFAULT_IDLE),
        };
        EndPolicy {
            // With -n the user said how many messages they want: quiet gaps do not end the wait.
            idle: if count.is_some() { None } else { idle },
            wait,
            count,
        }
    }

    /// A policy that never closes on its own (`--reflect`: the peer decides).
    pub(crate) fn until_peer_closes() -> Self {
        EndPolicy::default()
    }

    /// When to start the close handshake, given that input ended at `input_end` and the last
    /// message arrived at `last_received`; `None` while nothing but the peer (or `-n`) can end
    /// the session.
    pub(crate) fn close_at(
        &self,
        input_end: Instant,
        last_received: Option<Instant>,
    ) -> Option<Instant> {
        let by_wait = self.wait.map(|w| input_end + w);
        let by_idle = self.idle.map(|i| {
            let quiet_since = last_received.map_or(input_end, |t| t.max(input_end));
            quiet_since + i
        });
        match (by_wait, by_idle) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// When to close while answers the user asked for are still due (`--proto`): only
    /// `--wait` ends that wait, not the idle window.
    pub(crate) fn close_at_waiting(&self, input_end: Instant) -> Option<Instant> {
        self.wait.map(|w| input_end + w)
    }

    /// Whether `received` messages are all that was asked for.
    pub(crate) fn count_reached(&self, received: u64) -> bool {
        self.count.is_some_and(|n| received >= n)
    }

    /// How many messages short of `-n` the session is, if it asked for a number.
    pub(crate) fn missing(&self, received: u64) -> Option<u64> {
        self.count.filter(|n| received < *n).map(|n| n - received)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    #[test]
    fn default_is_the_idle_window_restarted_by_each_message() {
        let p = EndPolicy::from_options(None, None, None);
        let t0 = Instant::now();
        assert_eq!(p.close_at(t0, None), Some(t0 + DEFAULT_IDLE));
        // A message before the input ended does not shorten the window.
        assert_eq!(p.close_at(t0, Some(t0 - S)), Some(t0 + DEFAULT_IDLE));
        assert_eq!(
            p.close_at(t0, Some(t0 + 3 * S)),
            Some(t0 + 3 * S + DEFAULT_IDLE)
        );
    }

    #[test]
    fn idle_zero_closes_at_once() {
        let p = EndPolicy::from_options(Some(Duration::ZERO), None, None);
        let t0 = Instant::now();
        assert_eq!(p.close_at(t0, None), Some(t0));
    }

    #[test]
    fn wait_is_a_fixed_time_unless_idle_is_given_too() {
        let t0 = Instant::now();
        let p = EndPolicy::from_options(None, Some(5 * S), None);
        assert_eq!(p.idle, None);
        assert_eq!(p.close_at(t0, Some(t0 + 4 * S)), Some(t0 + 5 * S));
        let p = EndPolicy::from_options(Some(S), Some(5 * S), None);
        assert_eq!(p.close_at(t0, Some(t0 + S)), Some(t0 + 2 * S));
        assert_eq!(p.close_at(t0, Some(t0 + 9 * S)), Some(t0 + 5 * S));
    }

    #[test]
    fn count_ignores_the_idle_window_but_not_wait() {
        let t0 = Instant::now();
        let p = EndPolicy::from_options(Some(S), None, Some(3));
        assert_eq!(p.close_at(t0, None), None);
        assert!(!p.count_reached(2));
        assert!(p.count_reached(3));
        assert_eq!(p.missing(1), Some(2));
        assert_eq!(p.missing(3), None);
        let p = EndPolicy::from_options(None, Some(2 * S), Some(3));
        assert_eq!(p.close_at(t0, Some(t0 + S)), Some(t0 + 2 * S));
    }

    #[test]
    fn reflect_waits_for_the_peer() {
        let p = EndPolicy::until_peer_closes();
        assert_eq!(p.close_at(Instant::now(), None), None);
        assert_eq!(p.missing(0), None);
    }
}
