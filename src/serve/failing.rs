//! A client that breaks the protocol gets the Close that RFC 6455 §7.1.7 asks for (1002, 1007,
//! 1009, with the broken rule as its reason) before the server lets the connection go, instead
//! of a TCP connection dropped without a word: `wscope serve` is a server people test clients
//! against, and the code is what tells them what they did.

use super::Wire;
use crate::session::violations;
use std::time::Duration;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Error as WsError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;

/// How long the Close may take to go out to a client that has stopped reading.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// The longest close reason a frame can carry (125 bytes of payload, 2 of them the code).
const MAX_REASON: usize = 123;

/// Answers a read error that is the client breaking a rule with the matching Close; other
/// errors (the connection ended, I/O) need no answer.
pub(super) async fn fail(ws: &mut WebSocketStream<Wire>, e: &WsError) {
    let Some(v) = violations::classify(e) else {
        return;
    };
    let frame = CloseFrame {
        code: v.code.into(),
        reason: reason(&v.rule).into(),
    };
    let _ = tokio::time::timeout(CLOSE_GRACE, ws.close(Some(frame))).await;
}

/// The rule, cut at a character boundary to fit a close frame.
fn reason(rule: &str) -> &str {
    let mut end = rule.len().min(MAX_REASON);
    while !rule.is_char_boundary(end) {
        end -= 1;
    }
    &rule[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_fits_a_close_frame_and_is_cut_between_characters() {
        assert_eq!(reason("short"), "short");
        let long = "é".repeat(100);
        let cut = reason(&long);
        assert!(cut.len() <= MAX_REASON && cut.len() >= MAX_REASON - 1);
        assert!(cut.chars().all(|c| c == 'é'));
    }
}
