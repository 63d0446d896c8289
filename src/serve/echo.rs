//! The echo handler of `wscope serve`: text and binary messages sent back as they came, fed
//! without a flush per message and flushed when nothing more is ready (pings are answered and
//! the close handshake is done by tungstenite; a client that breaks the protocol gets its Close
//! code, see `failing`).

use super::Wire;
use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

pub(super) async fn run(mut ws: WebSocketStream<Wire>) {
    loop {
        let next = match ws.next().now_or_never() {
            Some(n) => n,
            None => {
                if ws.flush().await.is_err() {
                    return;
                }
                ws.next().await
            }
        };
        match next {
            Some(Ok(m @ (Message::Text(_) | Message::Binary(_)))) => {
                if ws.feed(m).await.is_err() {
                    return;
                }
            }
            // Pings are answered and Close is acknowledged by tungstenite itself.
            Some(Ok(_)) => {}
            Some(Err(e)) => return super::failing::fail(&mut ws, &e).await,
            None => return,
        }
    }
}
