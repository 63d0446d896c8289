//! Pipe mode's lines framed by the writer itself: many masked frames to a buffer, handed to the
//! tap, which writes them ahead of tungstenite's next write (see [`crate::wire::data_frames`]
//! for why). Used when nothing needs the lines as messages: no compression, `--fragment`,
//! `--proto`, `--reconnect` window or outgoing-message events; the frames are the same bytes
//! tungstenite would write, and `-x` sees them on the wire as it sees tungstenite's.
//!
//! Order is kept: tungstenite's buffer is flushed at the end of each of the writer's steps, so
//! what is queued here never overtakes a message tungstenite holds; its own frames written later
//! (a pong, the Close) go out after these. Once a Close went either way nothing is queued here.

use super::{Flow, Writer, send_error};
use crate::error::Error;
use crate::session::input::Input;
use crate::session::outcome::WriteEnd;
use crate::session::replay::payload_of;
use crate::wire::data_frames::{MaskKeys, push_masked};
use crate::wire::stack::WRITE_BUFFER;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

/// Frames gathered before they are handed over and flushed: as much as tungstenite gathers
/// before it writes.
const HIGH_WATER: usize = WRITE_BUFFER;

/// The writer's own framing: keys, the frames not yet handed over, and what they hold.
pub(in crate::session) struct Direct {
    keys: MaskKeys,
    frames: Vec<u8>,
    messages: u64,
    bytes: u64,
}

impl Direct {
    pub(in crate::session) fn new() -> Self {
        Direct {
            keys: MaskKeys::new(),
            frames: Vec::new(),
            messages: 0,
            bytes: 0,
        }
    }

    fn add(&mut self, payload: &[u8], text: bool) {
        push_masked(&mut self.frames, text, payload, self.keys.next());
        self.messages += 1;
        self.bytes += payload.len() as u64;
    }
}

impl<S> Writer<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    /// Sends `first` and every line already read after it, in frames of our own, flushed
    /// every [`HIGH_WATER`] bytes and at the end.
    pub(super) async fn send_direct(
        &mut self,
        d: &mut Direct,
        first: Message,
        input: &mut Input,
    ) -> Flow {
        d.add(payload_of(&first), matches!(first, Message::Text(_)));
        drop(first);
        loop {
            let mut bad = None;
            while d.frames.len() < HIGH_WATER {
                match input.ready_payload() {
                    Some(Ok((payload, text))) => d.add(payload, text),
                    Some(Err(e)) => {
                        bad = Some(e);
                        break;
                    }
                    None => break,
                }
            }
            let full = d.frames.len() >= HIGH_WATER;
            if let Err(e) = self.hand_over(d) {
                return Flow::Stop(WriteEnd::Failed(e));
            }
            if let Some(e) = bad {
                // What came before the bad line goes out ahead of the Close.
                let _ = self.close(1000, "").await;
                return Flow::Stop(WriteEnd::Failed(e));
            }
            if let Err(e) = self.flush().await {
                return Flow::Stop(WriteEnd::Failed(e));
            }
            if !full {
                return Flow::Go;
            }
        }
    }

    /// Queues the frames for the tap and counts their messages as sent; refused, as
    /// tungstenite refuses a send, once a Close went either way.
    fn hand_over(&mut self, d: &mut Direct) -> Result<(), Error> {
        let (messages, bytes) = (
            std::mem::take(&mut d.messages),
            std::mem::take(&mut d.bytes),
        );
        if !self.shared.raw.push_frames(&mut d.frames) {
            d.frames.clear();
            return Err(send_error(WsError::Protocol(
                ProtocolError::SendAfterClosing,
            )));
        }
        self.unpublished.0 += messages;
        self.unpublished.1 += bytes;
        Ok(())
    }
}
