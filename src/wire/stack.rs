//! The stack tungstenite runs on, built one way for the client and `wscope serve`: the byte
//! stream (the client's with the tap in it), permessage-deflate on it when it was agreed, and
//! tungstenite on top with wscope's buffer sizes and limits.

use super::deflate::{
    Agreed, Deflate, DeflateConfig, DeflateStats, MaybeDeflate, Overrides, Role as DeflateRole,
};
use std::sync::Arc;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};

/// What the stack is built with.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stack {
    pub role: Role,
    /// The largest message accepted from the peer (inflated, with compression), and the
    /// largest frame.
    pub max_message: usize,
    /// permessage-deflate with the parameters to compress and inflate with, when it was agreed.
    pub deflate: Option<Agreed>,
}

/// The compression layer's counters and switches, for whoever reports on it or overrides it.
pub(crate) struct DeflateHandles {
    pub stats: Arc<DeflateStats>,
    pub overrides: Arc<Overrides>,
}

/// Builds the stack on `stream`; `rest` are the bytes read with the upgrade's head, before any
/// frame (they go through the inflater when there is one).
pub(crate) async fn websocket<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    rest: Vec<u8>,
    stack: Stack,
) -> (WebSocketStream<MaybeDeflate<S>>, Option<DeflateHandles>) {
    let config = Some(config(stack.max_message));
    let Some(agreed) = stack.deflate else {
        let wire = MaybeDeflate::Plain(stream);
        let ws = WebSocketStream::from_partially_read(wire, rest, stack.role, config).await;
        return (ws, None);
    };
    let role = match stack.role {
        Role::Client => DeflateRole::Client,
        Role::Server => DeflateRole::Server,
    };
    let settings = DeflateConfig {
        max_message_size: stack.max_message as u64,
        ..DeflateConfig::new(role, agreed)
    };
    let mut layer = Deflate::new(stream, settings);
    layer.already_received(&rest);
    let handles = DeflateHandles {
        stats: layer.stats(),
        overrides: layer.overrides(),
    };
    let wire = MaybeDeflate::Deflate(Box::new(layer));
    let ws = WebSocketStream::from_raw_socket(wire, stack.role, config).await;
    (ws, Some(handles))
}

/// How much tungstenite gathers before it writes (and pipe mode's own framing, the same).
pub(crate) const WRITE_BUFFER: usize = 256 * 1024;

/// tungstenite's settings: 256 KiB read and write buffers, `max_message` for a message and for
/// a frame, and no cap on the write buffer. Every send goes through the `Sink`, which waits
/// for the last write to drain before it takes the next message, so the buffer never holds
/// more than its 256 KiB and one message; a cap could only refuse one message larger than
/// itself (the client's 64 MiB cap made a larger message fail to go out).
fn config(max_message: usize) -> WebSocketConfig {
    WebSocketConfig::default()
        .read_buffer_size(256 * 1024)
        .write_buffer_size(WRITE_BUFFER)
        .max_message_size(Some(max_message))
        .max_frame_size(Some(max_message))
}
