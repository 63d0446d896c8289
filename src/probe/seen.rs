//! What the server sent on a probe connection, gathered frame by frame: pongs (with when they
//! came), data messages reassembled from their fragments, its Close, and how the connection
//! ended. Pure: frames in, facts out; `conn` feeds it.

use crate::wire::frame::close_payload;
use crate::wire::opcode::Opcode;
use crate::wire::scanner::FrameRecord;
use std::time::Instant;

/// Payload bytes kept of one message (the rest is counted, not kept).
pub(crate) const MESSAGE_KEEP: usize = 64 * 1024;
/// Messages kept at most (with their first bytes: 4 MiB at most, whatever a server sends).
const MAX_MESSAGES: usize = 64;
/// Pongs and pings kept at most.
const MAX_CONTROL: usize = 1024;

/// A data message from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    /// Text or Binary.
    pub opcode: Opcode,
    /// RSV1 on its first frame (compressed, with permessage-deflate).
    pub compressed: bool,
    /// Its length on the wire, all fragments.
    pub len: u64,
    /// Its first [`MESSAGE_KEEP`] bytes.
    pub data: Vec<u8>,
    pub at: Instant,
}

/// The server's Close frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CloseFrame {
    pub code: Option<u16>,
    pub reason: String,
    pub at: Instant,
}

/// How the server's side of the TCP connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum End {
    /// An orderly end of stream (FIN).
    Closed,
    /// An error, such as a reset.
    Failed(String),
}

/// Everything noticed so far on one connection.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    /// Pong payloads and when each came.
    pub pongs: Vec<(Vec<u8>, Instant)>,
    /// Ping payloads the server sent and when.
    pub pings: Vec<(Vec<u8>, Instant)>,
    pub messages: Vec<Message>,
    /// A message whose last fragment has not come yet.
    pub partial: Option<Message>,
    pub close: Option<CloseFrame>,
    /// Set once the TCP connection has ended.
    pub end: Option<(End, Instant)>,
    /// Frames with an opcode no data or control frame has (from a broken server).
    pub odd: usize,
}

impl Seen {
    /// Takes in one frame the server sent.
    pub(crate) fn absorb(&mut self, frame: FrameRecord, at: Instant) {
        let h = &frame.header;
        match h.opcode {
            Opcode::Pong if self.pongs.len() < MAX_CONTROL => self.pongs.push((frame.payload, at)),
            Opcode::Ping if self.pings.len() < MAX_CONTROL => self.pings.push((frame.payload, at)),
            Opcode::Pong | Opcode::Ping => {}
            Opcode::Close => {
                let (code, reason) = match close_payload(&frame.payload) {
                    Some((code, reason)) => (Some(code), reason),
                    None => (None, String::new()),
                };
                self.close.get_or_insert(CloseFrame { code, reason, at });
            }
            Opcode::Text | Opcode::Binary => {
                self.partial = Some(Message {
                    opcode: h.opcode,
                    compressed: h.rsv1,
                    len: 0,
                    data: Vec::new(),
                    at,
                });
                self.continue_message(&frame, at);
            }
            Opcode::Continuation => self.continue_message(&frame, at),
            Opcode::Reserved(_) => self.odd += 1,
        }
    }

    fn continue_message(&mut self, frame: &FrameRecord, at: Instant) {
        let Some(m) = self.partial.as_mut() else {
            self.odd += 1;
            return;
        };
        m.len = m.len.saturating_add(frame.header.payload_len);
        let room = MESSAGE_KEEP.saturating_sub(m.data.len());
        m.data
            .extend_from_slice(&frame.payload[..frame.payload.len().min(room)]);
        if frame.header.fin {
            if let Some(mut m) = self.partial.take() {
                m.at = at;
                if self.messages.len() < MAX_MESSAGES {
                    self.messages.push(m);
                }
            }
        }
    }

    /// When the pong answering a ping with `payload` came, if it has.
    pub(crate) fn pong(&self, payload: &[u8]) -> Option<Instant> {
        self.pongs
            .iter()
            .find(|(p, _)| p == payload)
            .map(|(_, at)| *at)
    }

    /// Whether the conversation is over: a Close or the end of TCP.
    pub(crate) fn over(&self) -> bool {
        self.close.is_some() || self.end.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::frame::FrameHeader;

    fn rec(first: u8, payload: &[u8]) -> FrameRecord {
        let mut bytes = Vec::new();
        crate::wire::frame::encode_header(&mut bytes, first, None, payload.len() as u64);
        FrameRecord {
            header: FrameHeader::parse(&bytes).expect("header"),
            payload: payload.to_vec(),
        }
    }

    #[test]
    fn fragments_make_one_message_and_controls_pass_between() {
        let now = Instant::now();
        let mut s = Seen::default();
        s.absorb(rec(0x01, b"he"), now);
        s.absorb(rec(0x8a, b"p"), now);
        s.absorb(rec(0x80, b"llo"), now);
        s.absorb(rec(0xc2, b"z"), now);
        assert_eq!(s.messages.len(), 2);
        assert_eq!(
            (s.messages[0].opcode, &s.messages[0].data[..]),
            (Opcode::Text, &b"hello"[..])
        );
        assert_eq!(s.messages[0].len, 5);
        assert!(s.messages[1].compressed);
        assert_eq!(s.pong(b"p"), Some(now));
        assert_eq!(s.pong(b"q"), None);
        assert!(!s.over());
        s.absorb(rec(0x88, b"\x03\xe9bye"), now);
        let close = s.close.as_ref().expect("close");
        assert_eq!((close.code, close.reason.as_str()), (Some(1001), "bye"));
        assert!(s.over());
    }

    #[test]
    fn a_continuation_without_a_start_and_odd_opcodes_are_counted() {
        let mut s = Seen::default();
        s.absorb(rec(0x80, b"x"), Instant::now());
        s.absorb(rec(0x83, b""), Instant::now());
        assert_eq!((s.odd, s.messages.len()), (2, 0));
        s.absorb(rec(0x88, b""), Instant::now());
        assert_eq!(s.close.as_ref().map(|c| c.code), Some(None));
    }
}
