//! The incoming half, sans I/O: bytes from the wire in (split anywhere), frames tungstenite can
//! read out. Messages whose first frame has RSV1 are inflated and re-framed as plain
//! fragmented messages as the output is produced, so memory stays bounded by a chunk, not a
//! message; everything else passes through unchanged, in place where possible.
//!
//! Rules of RFC 7692 §6.1 and the size limit are enforced here and reported as [`Violation`]s.

use super::Role;
use super::codec::Inflater;
use super::framing::{ByteQueue, push_header};
use super::stats::{DeflateStats, Direction, MessageRecord};
use super::violation::Violation;
use crate::wire::frame::apply_mask;
use crate::wire::frame::{FrameHeader, MAX_HEADER_LEN};
use crate::wire::opcode::Opcode;
use std::sync::Arc;

/// Inflated bytes per re-framed frame.
pub(super) const CHUNK: usize = 16 * 1024;

/// Output is produced until this much waits to be read.
const OUT_HIGH: usize = 64 * 1024;

/// Masked compressed payload (server role) is unmasked this much at a time.
const UNMASK_STEP: usize = 4096;

/// Where the parser is inside the current frame.
#[derive(Debug, Clone, Copy)]
enum Frame {
    Boundary,
    /// Copying payload bytes through unchanged.
    Pass {
        remaining: u64,
    },
    /// Inflating the payload of a compressed message's frame.
    Inflate {
        remaining: u64,
        mask: Option<[u8; 4]>,
        offset: u64,
        fin: bool,
    },
    /// The compressed message's last payload byte is in; the tail is being inflated.
    Finishing,
}

/// The data message in progress.
#[derive(Debug, Clone, Copy)]
enum Message {
    None,
    Plain {
        wire_bytes: u64,
    },
    Compressed {
        opcode: Opcode,
        emitted_first: bool,
        wire_bytes: u64,
        inflated: u64,
    },
}

/// What to do with a frame once its header is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Pass,
    Inflate,
}

/// The incoming transformer. Feed it with [`Incoming::pass_in_place`] and
/// [`Incoming::push`]; read what it produced with [`Incoming::output`] and
/// [`Incoming::consume`].
pub struct Incoming {
    /// Our role: a server hands tungstenite masked frames.
    role: Role,
    inflater: Inflater,
    stats: Arc<DeflateStats>,
    head: [u8; MAX_HEADER_LEN],
    head_len: usize,
    frame: Frame,
    message: Message,
    input: ByteQueue,
    out: ByteQueue,
    /// Inflated bytes not yet framed.
    chunk: Vec<u8>,
    scratch: Vec<u8>,
    failed: Option<Violation>,
}

impl Incoming {
    /// `window_bits` and `no_context_takeover` are the peer's (the server's for a client).
    pub fn new(
        role: Role,
        window_bits: u8,
        no_context_takeover: bool,
        max_message_size: u64,
        stats: Arc<DeflateStats>,
    ) -> Self {
        Incoming {
            role,
            inflater: Inflater::new(window_bits, no_context_takeover, max_message_size),
            stats,
            head: [0; MAX_HEADER_LEN],
            head_len: 0,
            frame: Frame::Boundary,
            message: Message::None,
            input: ByteQueue::default(),
            out: ByteQueue::default(),
            chunk: Vec::with_capacity(CHUNK),
            scratch: Vec::new(),
            failed: None,
        }
    }

    /// Given bytes just read from the wire, returns how many at the front can be handed to
    /// tungstenite as they are (plain frames, control frames); the rest must go to
    /// [`Incoming::push`]. Nothing is copied: this is the uncompressed fast path.
    pub fn pass_in_place(&mut self, bytes: &[u8]) -> usize {
        if self.failed.is_some()
            || !self.input.is_empty()
            || !self.out.is_empty()
            || self.head_len > 0
        {
            return 0;
        }
        let mut at = 0;
        loop {
            match self.frame {
                Frame::Pass { remaining } => {
                    let take = remaining.min((bytes.len() - at) as u64);
                    at += take as usize;
                    self.frame = match remaining - take {
                        0 => Frame::Boundary,
                        remaining => Frame::Pass { remaining },
                    };
                    if at == bytes.len() {
                        return at;
                    }
                }
                Frame::Boundary if self.chunk.is_empty() => {
                    let Some(h) = bytes.get(at..).and_then(FrameHeader::parse) else {
                        return at;
                    };
                    if !self.passes_unchanged(&h) {
                        return at;
                    }
                    match self.begin_frame(&h) {
                        Ok(Action::Pass) => {}
                        _ => return at,
                    }
                    at += h.header_len();
                    self.enter(&h, Action::Pass);
                    if at == bytes.len() {
                        return at;
                    }
                }
                _ => return at,
            }
        }
    }

    /// Queues bytes for transformation (what [`Incoming::pass_in_place`] left, or bytes that
    /// arrived with the handshake response).
    pub fn push(&mut self, bytes: &[u8]) {
        self.input.extend(bytes);
    }

    /// Bytes ready for tungstenite, transforming queued input as needed. Empty: more input is
    /// needed. A violation is reported once the bytes before it have been read, and then on
    /// every call.
    pub fn output(&mut self) -> Result<&[u8], Violation> {
        if self.out.is_empty() {
            if let Some(v) = &self.failed {
                return Err(v.clone());
            }
            if let Err(v) = self.run() {
                self.failed = Some(v.clone());
                if self.out.is_empty() {
                    return Err(v);
                }
            }
        }
        Ok(self.out.pending())
    }

    /// Marks `n` bytes of [`Incoming::output`] as read.
    pub fn consume(&mut self, n: usize) {
        self.out.consume(n);
    }

    /// Whether a frame with this header goes through unchanged whatever else happens.
    fn passes_unchanged(&self, h: &FrameHeader) -> bool {
        !h.rsv1 && (h.is_control() || !matches!(self.message, Message::Compressed { .. }))
    }

    fn record(&self, compressed: bool, wire_bytes: u64, message_bytes: u64) {
        self.stats.record(MessageRecord {
            dir: Direction::In,
            compressed,
            wire_bytes,
            message_bytes: Some(message_bytes),
        });
    }

    /// Classifies a frame, enforcing RFC 7692 §6.1, and follows the message it belongs to.
    fn begin_frame(&mut self, h: &FrameHeader) -> Result<Action, Violation> {
        let name = h.opcode.name();
        if h.is_control() {
            if h.rsv1 {
                return Err(Violation::protocol(format!(
                    "RSV1 set on a {name} frame; RFC 7692 §6.1 allows it only on the first frame of a data message"
                )));
            }
            return Ok(Action::Pass);
        }
        match h.opcode {
            Opcode::Continuation => {
                if h.rsv1 {
                    return Err(Violation::protocol(
                        "RSV1 set on a continuation frame; RFC 7692 §6.1 allows it only on the first frame of a data message",
                    ));
                }
                match &mut self.message {
                    Message::Compressed { .. } => {
                        self.check_mask(h)?;
                        return Ok(Action::Inflate);
                    }
                    Message::Plain { wire_bytes } => {
                        let total = wire_bytes.saturating_add(h.payload_len);
                        if h.fin {
                            self.message = Message::None;
                            self.record(false, total, total);
                        } else {
                            *wire_bytes = total;
                        }
                    }
                    // A continuation of nothing: tungstenite reports it.
                    Message::None => {}
                }
                Ok(Action::Pass)
            }
            Opcode::Text | Opcode::Binary => {
                if matches!(self.message, Message::Compressed { .. }) {
                    return Err(Violation::protocol(format!(
                        "a {name} frame started a new message before the compressed one ended (RFC 6455 §5.4)"
                    )));
                }
                if h.rsv1 && !h.rsv2 && !h.rsv3 {
                    self.check_mask(h)?;
                    self.message = Message::Compressed {
                        opcode: h.opcode,
                        emitted_first: false,
                        wire_bytes: 0,
                        inflated: 0,
                    };
                    return Ok(Action::Inflate);
                }
                // RSV2/RSV3 were not negotiated: tungstenite refuses such frames itself.
                if h.fin {
                    self.message = Message::None;
                    self.record(false, h.payload_len, h.payload_len);
                } else {
                    self.message = Message::Plain {
                        wire_bytes: h.payload_len,
                    };
                }
                Ok(Action::Pass)
            }
            // Reserved opcodes: tungstenite refuses them.
            _ => Ok(Action::Pass),
        }
    }

    /// Masking as RFC 6455 §5.1 wants it, on frames that are re-framed (and so would hide a
    /// wrong mask from tungstenite, which checks the others).
    fn check_mask(&self, h: &FrameHeader) -> Result<(), Violation> {
        match (self.role, h.mask.is_some()) {
            (Role::Client, true) => Err(Violation::protocol(
                "a masked frame from the server; RFC 6455 §5.1 forbids servers to mask",
            )),
            (Role::Server, false) => Err(Violation::protocol(
                "an unmasked frame from the client; RFC 6455 §5.1 requires clients to mask every frame",
            )),
            _ => Ok(()),
        }
    }

    /// Sets the frame state for the payload that follows the header.
    fn enter(&mut self, h: &FrameHeader, action: Action) {
        let remaining = h.payload_len;
        self.frame = match action {
            Action::Pass if remaining > 0 => Frame::Pass { remaining },
            Action::Pass => Frame::Boundary,
            Action::Inflate if remaining > 0 => Frame::Inflate {
                remaining,
                mask: h.mask,
                offset: 0,
                fin: h.fin,
            },
            Action::Inflate if h.fin => Frame::Finishing,
            Action::Inflate => Frame::Boundary,
        };
    }

    /// Takes the next frame header from the queued input, collecting it across pushes.
    fn take_header(&mut self) -> Option<FrameHeader> {
        if self.head_len == 0 {
            if let Some(h) = FrameHeader::parse(self.input.pending()) {
                self.input.consume(h.header_len());
                return Some(h);
            }
        }
        let pending = self.input.pending();
        let take = (MAX_HEADER_LEN - self.head_len).min(pending.len());
        let end = self.head_len + take;
        self.head[self.head_len..end].copy_from_slice(&pending[..take]);
        match FrameHeader::parse(&self.head[..end]) {
            Some(h) => {
                self.input.consume(h.header_len() - self.head_len);
                self.head_len = 0;
                Some(h)
            }
            None => {
                self.input.consume(take);
                self.head_len = end;
                None
            }
        }
    }

    /// Frames the inflated bytes gathered so far: the message's first frame carries its
    /// opcode, later ones are continuations; `fin` ends the message.
    fn close_chunk(&mut self, fin: bool) {
        let Message::Compressed {
            opcode,
            emitted_first,
            inflated,
            ..
        } = &mut self.message
        else {
            return;
        };
        if !fin && self.chunk.is_empty() {
            return;
        }
        let op = if *emitted_first {
            Opcode::Continuation
        } else {
            *opcode
        };
        // A zero masking key leaves the payload as it is.
        let mask = (self.role == Role::Server).then_some([0; 4]);
        push_header(
            self.out.tail(),
            fin,
            false,
            op,
            mask,
            self.chunk.len() as u64,
        );
        self.out.extend(&self.chunk);
        *inflated += self.chunk.len() as u64;
        *emitted_first = true;
        self.chunk.clear();
    }

    /// Transforms queued input until it runs out or enough output waits.
    fn run(&mut self) -> Result<(), Violation> {
        while self.out.len() < OUT_HIGH {
            let progressed = match self.frame {
                Frame::Boundary => self.at_boundary()?,
                Frame::Pass { remaining } => self.pass(remaining),
                Frame::Inflate {
                    remaining,
                    mask,
                    offset,
                    fin,
                } => self.inflate(remaining, mask, offset, fin)?,
                Frame::Finishing => {
                    self.finishing()?;
                    true
                }
            };
            if !progressed {
                return Ok(());
            }
        }
        Ok(())
    }

    /// A frame header, when one has arrived whole; false when more input is needed.
    fn at_boundary(&mut self) -> Result<bool, Violation> {
        if self.input.is_empty() {
            return Ok(false);
        }
        let Some(h) = self.take_header() else {
            return Ok(false);
        };
        let action = self.begin_frame(&h)?;
        if action == Action::Pass {
            // A control frame between fragments goes after what came before it.
            self.close_chunk(false);
            self.out.extend(h.raw());
        }
        self.enter(&h, action);
        Ok(true)
    }

    /// Payload of a frame passed through as it is.
    fn pass(&mut self, remaining: u64) -> bool {
        let take = remaining
            .min(self.input.len() as u64)
            .min((OUT_HIGH - self.out.len()) as u64) as usize;
        if take == 0 {
            return false;
        }
        self.out.extend(&self.input.pending()[..take]);
        self.input.consume(take);
        self.frame = match remaining - take as u64 {
            0 => Frame::Boundary,
            remaining => Frame::Pass { remaining },
        };
        true
    }

    /// Payload of a compressed message's frame, unmasked and inflated.
    fn inflate(
        &mut self,
        remaining: u64,
        mask: Option<[u8; 4]>,
        offset: u64,
        fin: bool,
    ) -> Result<bool, Violation> {
        let avail = remaining.min(self.input.len() as u64) as usize;
        if avail == 0 {
            return Ok(false);
        }
        let payload = &self.input.pending()[..avail];
        let used = match mask {
            None => self.inflater.inflate(payload, &mut self.chunk)?,
            Some(key) => {
                self.scratch.clear();
                self.scratch
                    .extend_from_slice(&payload[..avail.min(UNMASK_STEP)]);
                apply_mask(&mut self.scratch, key, offset);
                self.inflater.inflate(&self.scratch, &mut self.chunk)?
            }
        };
        self.input.consume(used);
        if let Message::Compressed { wire_bytes, .. } = &mut self.message {
            *wire_bytes += used as u64;
        }
        if self.chunk.len() == self.chunk.capacity() {
            self.close_chunk(false);
        }
        let remaining = remaining - used as u64;
        self.frame = match (remaining, fin) {
            (0, true) => Frame::Finishing,
            (0, false) => Frame::Boundary,
            _ => Frame::Inflate {
                remaining,
                mask,
                offset: offset + used as u64,
                fin,
            },
        };
        Ok(true)
    }

    /// The end of a compressed message: the inflater flushed, the message counted.
    fn finishing(&mut self) -> Result<(), Violation> {
        let done = self.inflater.finish(&mut self.chunk)?;
        self.close_chunk(done);
        if done {
            if let Message::Compressed {
                wire_bytes,
                inflated,
                ..
            } = self.message
            {
                self.record(true, wire_bytes, inflated);
            }
            self.message = Message::None;
            self.frame = Frame::Boundary;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
