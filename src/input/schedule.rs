//! The messages `wscope replay` sends, each at its moment: offsets from the start of the
//! session, as recorded, scaled by `--speed`, or all at once with `--no-timing`.

use std::collections::VecDeque;
use std::time::Duration;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;

/// The latest a message is sent, however slow the replay: a century, longer than any session
/// waits, and a moment the clock can still name (a recorded second at `--speed 1e-300` is not).
const FURTHEST: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// One message and when to send it, counted from the start of the session.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Timed {
    pub at: Duration,
    pub message: Message,
}

/// The messages still to send, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Schedule {
    left: VecDeque<Timed>,
    /// When the session started: the first time it asked for a message.
    started: Option<Instant>,
}

impl Schedule {
    /// The messages at their recorded offsets, divided by `speed` (2 plays twice as fast; any
    /// factor above 0, the offsets kept within [`FURTHEST`]); `None` sends each as soon as the
    /// one before it is out.
    pub(crate) fn new(messages: Vec<Timed>, speed: Option<f64>) -> Self {
        let left = messages
            .into_iter()
            .map(|t| Timed {
                at: match speed {
                    Some(s) => Duration::try_from_secs_f64(t.at.as_secs_f64() / s)
                        .map_or(FURTHEST, |at| at.min(FURTHEST)),
                    None => Duration::ZERO,
                },
                message: t.message,
            })
            .collect();
        Schedule {
            left,
            started: None,
        }
    }

    /// The next message, once its moment has come; `None` when all are sent. Cancel-safe: a
    /// message leaves the schedule only when it is returned.
    pub(crate) async fn next(&mut self) -> Option<Message> {
        let start = *self.started.get_or_insert_with(Instant::now);
        let at = self.left.front()?.at;
        tokio::time::sleep_until(start + at).await;
        self.left.pop_front().map(|t| t.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(ms: u64, text: &str) -> Timed {
        Timed {
            at: Duration::from_millis(ms),
            message: Message::text(text),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn messages_leave_at_their_offsets_scaled_by_the_speed() {
        let mut s = Schedule::new(
            vec![timed(0, "a"), timed(1000, "b"), timed(3000, "c")],
            Some(2.0),
        );
        let start = Instant::now();
        let mut seen = Vec::new();
        while let Some(m) = s.next().await {
            seen.push((
                m.into_text().unwrap().to_string(),
                start.elapsed().as_millis(),
            ));
        }
        let want = [("a", 0), ("b", 500), ("c", 1500)].map(|(t, ms)| (t.to_string(), ms));
        assert_eq!(seen, want);
    }

    #[tokio::test(start_paused = true)]
    async fn without_timing_everything_goes_at_once() {
        let mut s = Schedule::new(vec![timed(0, "a"), timed(60_000, "b")], None);
        let start = Instant::now();
        assert_eq!(s.left.len(), 2);
        while s.next().await.is_some() {}
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert!(s.left.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn the_slowest_speed_waits_no_longer_than_the_furthest_moment() {
        let mut s = Schedule::new(vec![timed(1000, "a")], Some(1e-300));
        let start = Instant::now();
        assert_eq!(s.next().await, Some(Message::text("a")));
        assert_eq!(start.elapsed(), FURTHEST);
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_wait_keeps_the_message() {
        let mut s = Schedule::new(vec![timed(1000, "a")], Some(1.0));
        let early = tokio::time::timeout(Duration::from_millis(10), s.next()).await;
        assert!(early.is_err());
        assert_eq!(s.left.len(), 1);
        assert_eq!(s.next().await, Some(Message::text("a")));
    }
}
