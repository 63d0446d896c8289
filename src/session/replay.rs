//! The replay window of `--reconnect`: data sent on the current connection, kept so that what
//! an abnormally ended connection may have lost is sent again, first, on the next one.
//! WebSocket has no acknowledgements, so a message in the window may arrive twice, but one
//! inside it is never lost.

use std::collections::VecDeque;
use tokio_tungstenite::tungstenite::Message;

/// How much recently sent data `--reconnect` keeps for sending again.
pub(crate) const REPLAY_WINDOW: usize = 1 << 20;

/// The newest data sent on this connection, at most [`REPLAY_WINDOW`] bytes (and always the
/// last message, however large).
#[derive(Debug, Default)]
pub(super) struct ReplayWindow {
    on: bool,
    kept: VecDeque<Message>,
    bytes: usize,
}

/// The payload of a data message (empty for other kinds).
pub(super) fn payload_of(m: &Message) -> &[u8] {
    match m {
        Message::Text(t) => t.as_bytes(),
        Message::Binary(b) => b,
        _ => &[],
    }
}

impl ReplayWindow {
    /// A window that keeps messages when `on` (`--reconnect`), and nothing otherwise.
    pub(super) fn new(on: bool) -> Self {
        ReplayWindow {
            on,
            ..ReplayWindow::default()
        }
    }

    /// Keeps a copy of a sent data message (a cheap reference-counted clone), dropping the
    /// oldest beyond the window.
    pub(super) fn remember(&mut self, m: &Message) {
        if !self.on {
            return;
        }
        self.kept.push_back(m.clone());
        self.bytes += payload_of(m).len();
        while self.bytes > REPLAY_WINDOW && self.kept.len() > 1 {
            if let Some(old) = self.kept.pop_front() {
                self.bytes -= payload_of(&old).len();
            }
        }
    }

    /// What to send again on the next connection, oldest first.
    pub(super) fn into_messages(self) -> Vec<Message> {
        self.kept.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_newest_megabyte_and_always_the_last_message() {
        let mut w = ReplayWindow::new(true);
        let big = Message::binary(vec![0u8; REPLAY_WINDOW / 2 + 1]);
        w.remember(&Message::text("first"));
        w.remember(&big);
        w.remember(&big);
        let kept = w.into_messages();
        assert_eq!(kept.len(), 1, "the first two fell out of the window");
        let mut w = ReplayWindow::new(true);
        w.remember(&Message::binary(vec![0u8; 2 * REPLAY_WINDOW]));
        assert_eq!(w.into_messages().len(), 1);
    }

    #[test]
    fn keeps_nothing_when_off() {
        let mut w = ReplayWindow::new(false);
        w.remember(&Message::text("x"));
        assert!(w.into_messages().is_empty());
    }
}
