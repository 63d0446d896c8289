//! Putting messages on the wire for the writer: a data message (counted, kept for
//! `--reconnect`, shown where asked, cut into `--fragment` pieces), fragments by hand, the
//! flush, and our Close (also when the writer cannot go on); and how a failed send reads as an
//! error.

use super::Writer;
use crate::error::{Error, Kind};
use crate::event::{AppMessage, DataKind, Event};
use crate::session::replay::payload_of;
use crate::wire::tap::{Dir, Upto};
use futures_util::SinkExt;
use std::time::Instant;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::{CloseCode, Data as OpData, OpCode};
use tokio_tungstenite::tungstenite::protocol::frame::{
    Frame as WireFrame, FrameHeader as WireHeader,
};
use tokio_tungstenite::tungstenite::{Bytes, Error as WsError, Message, Utf8Bytes};

/// What a data message carries, for its event and for `--reconnect`.
pub(in crate::session) enum Carries {
    /// It is the message the user sent.
    Raw,
    /// With `--proto`: the application message it carries (none for the protocol's own), and
    /// how it is shown and recorded when not as its bytes (credentials masked).
    Proto {
        app: Option<AppMessage>,
        shown: Option<Vec<u8>>,
    },
}

impl<S> Writer<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    /// Feeds one message (without flushing); data is counted, kept for `--reconnect`, shown
    /// as an event where asked, and cut into `--fragment` pieces.
    pub(in crate::session) async fn send(&mut self, m: Message) -> Result<(), Error> {
        self.send_as(m, Carries::Raw).await
    }

    /// [`Self::send`] for a message that is what `carries` says.
    pub(in crate::session) async fn send_as(
        &mut self,
        m: Message,
        carries: Carries,
    ) -> Result<(), Error> {
        if !matches!(m, Message::Text(_) | Message::Binary(_)) {
            return self.sink.feed(m).await.map_err(send_error);
        }
        let len = payload_of(&m).len();
        self.note_data(&m, carries);
        if self.cfg.fragment > 1 {
            let op = match m {
                Message::Text(_) => OpData::Text,
                _ => OpData::Binary,
            };
            self.feed_fragments(payload_of(&m), OpCode::Data(op), self.cfg.fragment, false)
                .await?;
        } else {
            self.sink.feed(m).await.map_err(send_error)?;
        }
        self.count_sent(len);
        Ok(())
    }

    /// Feeds a data message read from the input, as [`Self::send`] does. The pipe's loop
    /// calls this for every buffered line: without `--fragment` the feed is done here, not
    /// in a second future per message.
    #[inline]
    pub(in crate::session) async fn send_data(&mut self, m: Message) -> Result<(), Error> {
        if self.cfg.fragment > 1 {
            return self.send(m).await;
        }
        let len = payload_of(&m).len();
        self.note_data(&m, Carries::Raw);
        self.sink.feed(m).await.map_err(send_error)?;
        self.count_sent(len);
        Ok(())
    }

    /// What is done with every data message we send before sending it: kept for
    /// `--reconnect`, shown as an event where asked.
    fn note_data(&mut self, m: &Message, carries: Carries) {
        match &carries {
            Carries::Raw => self.replay.remember(m),
            // Sent again as the protocol's input, once a new session is ready.
            Carries::Proto { app, .. } => {
                if let Some(input) = app.as_ref().and_then(|a| a.input.as_deref()) {
                    self.replay.remember(&Message::text(input));
                }
            }
        }
        if self.cfg.emit_outgoing {
            let kind = match m {
                Message::Text(_) => DataKind::Text,
                _ => DataKind::Binary,
            };
            self.shared.record(match carries {
                Carries::Raw => Event::Message {
                    dir: Dir::Out,
                    kind,
                    data: payload_of(m).to_vec(),
                },
                Carries::Proto { app, shown } => Event::ProtoMessage {
                    dir: Dir::Out,
                    kind,
                    data: shown.unwrap_or_else(|| payload_of(m).to_vec()),
                    app: app.into_iter().collect(),
                },
            });
        }
    }

    /// A data message of `len` bytes went out (published to the stats at the next flush).
    fn count_sent(&mut self, len: usize) {
        self.unpublished.0 += 1;
        self.unpublished.1 += len as u64;
    }

    /// Feeds `data` as one message in `parts` frames (first with `opcode`, then CONT),
    /// optionally with a ping between fragments.
    pub(in crate::session) async fn feed_fragments(
        &mut self,
        data: &[u8],
        opcode: OpCode,
        parts: usize,
        ping_between: bool,
    ) -> Result<(), Error> {
        let parts = parts.max(1);
        let size = data.len().div_ceil(parts);
        for i in 0..parts {
            let start = (i * size).min(data.len());
            let end = ((i + 1) * size).min(data.len());
            let header = WireHeader {
                is_final: i + 1 == parts,
                opcode: if i == 0 {
                    opcode
                } else {
                    OpCode::Data(OpData::Continue)
                },
                ..WireHeader::default()
            };
            let frame = WireFrame::from_payload(header, Bytes::copy_from_slice(&data[start..end]));
            self.sink
                .feed(Message::Frame(frame))
                .await
                .map_err(send_error)?;
            if ping_between && i + 1 < parts {
                let payload = format!("between {} and {}", i + 1, i + 2).into_bytes();
                self.shared.stats.ping_sent(&payload);
                self.sink
                    .feed(Message::Ping(payload.into()))
                    .await
                    .map_err(send_error)?;
            }
        }
        Ok(())
    }

    /// Gets everything fed out, publishes the counters, shows the frames, and waits while the
    /// output is backed up.
    pub(in crate::session) async fn flush(&mut self) -> Result<(), Error> {
        let (msgs, bytes) = std::mem::take(&mut self.unpublished);
        self.shared.stats.add_sent(msgs, bytes);
        self.sink.flush().await.map_err(send_error)?;
        self.shared.drain_frames(Upto::Sent);
        // Frame and event lines must not pile up without bound behind a slow stderr.
        self.shared.output_room().await;
        Ok(())
    }

    /// Starts the close handshake (once), after the protocol's farewell (`--proto`).
    pub(in crate::session) async fn close(&mut self, code: u16, reason: &str) -> Result<(), Error> {
        if self.close_sent {
            return Ok(());
        }
        self.proto_farewell().await;
        self.close_sent = true;
        self.shared.raw.close_data();
        if self.proto.as_ref().is_some_and(|l| l.has_ended()) {
            // The peer closed while the farewell waited (tungstenite answered its Close).
            return Ok(());
        }
        self.shared.emit(Event::Close {
            dir: Dir::Out,
            code: Some(code),
            reason: reason.to_string(),
            farewell: false,
        });
        self.closing
            .send_if_modified(|at| at.is_none() && at.replace(Instant::now()).is_none());
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: Utf8Bytes::from(reason.to_string()),
        };
        match self.sink.send(Message::Close(Some(frame))).await {
            Ok(()) | Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => {}
            Err(WsError::Protocol(ProtocolError::SendAfterClosing)) => {}
            Err(e) => return Err(send_error(e)),
        }
        self.shared.drain_frames(Upto::Sent);
        Ok(())
    }

    /// The writer cannot go on (a send failed, or the input did): the close deadline starts
    /// now, so the reader stops waiting for the peer within `--close-timeout` whatever the peer
    /// does; and our Close (1011) goes out if none did and the connection still takes one,
    /// within that time too.
    pub(in crate::session) async fn give_up(&mut self) {
        self.closing
            .send_if_modified(|at| at.is_none() && at.replace(Instant::now()).is_none());
        if self.close_sent {
            return;
        }
        self.close_sent = true;
        self.shared.raw.close_data();
        const INTERNAL_ERROR: u16 = 1011;
        let frame = CloseFrame {
            code: CloseCode::from(INTERNAL_ERROR),
            reason: Utf8Bytes::default(),
        };
        let sent = self.sink.send(Message::Close(Some(frame)));
        if let Ok(Ok(())) = tokio::time::timeout(self.cfg.close_timeout, sent).await {
            self.shared.emit(Event::Close {
                dir: Dir::Out,
                code: Some(INTERNAL_ERROR),
                reason: String::new(),
                farewell: false,
            });
            self.shared.drain_frames(Upto::Sent);
        }
    }
}

pub(in crate::session) fn send_error(e: WsError) -> Error {
    match e {
        WsError::ConnectionClosed | WsError::AlreadyClosed => {
            Error::new(Kind::Abnormal, "the connection is closed")
        }
        WsError::Io(io) => Error::new(Kind::Abnormal, format!("sending failed: {io}")),
        // The peer's Close came first: what it said decides how the session ended.
        WsError::Protocol(ProtocolError::SendAfterClosing) => Error::new(
            Kind::Abnormal,
            "the peer closed the connection before everything was sent",
        ),
        other => Error::new(Kind::Other, format!("sending failed: {other}")),
    }
}
