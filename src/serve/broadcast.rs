//! `wscope serve --broadcast`: a chat room for testing fan-out. Every text or binary message
//! from one client goes to every client connected at that moment, the sender included, in the
//! order the server received them.
//!
//! Memory stays bounded: messages are shared, not copied, the room keeps the last
//! [`BACKLOG`] of them, and messages are at most [`MAX_MESSAGE`] bytes. A client that falls
//! further behind than the backlog is closed with 1008 and told how many it missed, rather than
//! silently missing them; one that takes in nothing for [`STALL`] is dropped.

use super::Wire;
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::timeout;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// How many messages the room keeps for clients that are behind.
pub(super) const BACKLOG: usize = 256;
/// The largest message a client may send to the room.
pub(super) const MAX_MESSAGE: usize = 1 << 20;
/// How long a send to a client may make no progress before the client is dropped.
pub(super) const STALL: Duration = Duration::from_secs(10);

/// The room: one sender, a receiver per client.
pub(super) struct Hub(broadcast::Sender<Message>);

/// A client's place in the room, taken before its upgrade is answered so that nothing sent
/// after its 101 passes it by.
pub(super) type Seat = broadcast::Receiver<Message>;

impl Default for Hub {
    fn default() -> Self {
        Hub(broadcast::channel(BACKLOG).0)
    }
}

impl Hub {
    pub(super) fn seat(&self) -> Seat {
        self.0.subscribe()
    }
}

/// Relays between one client and the room until either ends.
pub(super) async fn run(mut ws: WebSocketStream<Wire>, hub: &Hub, mut seat: Seat) {
    loop {
        tokio::select! {
            incoming = ws.next() => match incoming {
                Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => {
                    // Nobody else in the room is no error: the sender itself is in it.
                    let _ = hub.0.send(m);
                }
                // Pings are answered and a Close acknowledged by tungstenite on the next read.
                Some(Ok(_)) => {}
                Some(Err(e)) => return super::failing::fail(&mut ws, &e).await,
                None => return,
            },
            outgoing = seat.recv() => match outgoing {
                Ok(m) => {
                    if !matches!(timeout(STALL, ws.send(m)).await, Ok(Ok(()))) {
                        return;
                    }
                }
                Err(RecvError::Lagged(missed)) => {
                    let reason = format!("too slow: {missed} messages of the room missed");
                    let frame = CloseFrame {
                        code: CloseCode::Policy,
                        reason: reason.into(),
                    };
                    let _ = timeout(STALL, ws.close(Some(frame))).await;
                    return;
                }
                Err(RecvError::Closed) => return,
            },
        }
    }
}
