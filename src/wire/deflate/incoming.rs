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
use crate::wire::frame::{FrameHeader, MAX_HEADER_LEN, opcode_name};
use std::sync::Arc;

/// Inflated bytes per re-framed frame.
pub const CHUNK: usize = 16 * 1024;

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
        opcode: u8,
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
        let name = opcode_name(h.opcode);
        if h.is_control() {
            if h.rsv1 {
                return Err(Violation::protocol(format!(
                    "RSV1 set on a {name} frame; RFC 7692 §6.1 allows it only on the first frame of a data message"
                )));
            }
            return Ok(Action::Pass);
        }
        match h.opcode {
            0 => {
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
            1 | 2 => {
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
        let op = if *emitted_first { 0 } else { *opcode };
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
            match self.frame {
                Frame::Boundary => {
                    if self.input.is_empty() {
                        return Ok(());
                    }
                    let Some(h) = self.take_header() else {
                        return Ok(());
                    };
                    let action = self.begin_frame(&h)?;
                    if action == Action::Pass {
                        // A control frame between fragments goes after what came before it.
                        self.close_chunk(false);
                        self.out.extend(h.raw());
                    }
                    self.enter(&h, action);
                }
                Frame::Pass { remaining } => {
                    let take = remaining
                        .min(self.input.len() as u64)
                        .min((OUT_HIGH - self.out.len()) as u64)
                        as usize;
                    if take == 0 {
                        return Ok(());
                    }
                    self.out.extend(&self.input.pending()[..take]);
                    self.input.consume(take);
                    self.frame = match remaining - take as u64 {
                        0 => Frame::Boundary,
                        remaining => Frame::Pass { remaining },
                    };
                }
                Frame::Inflate {
                    remaining,
                    mask,
                    offset,
                    fin,
                } => {
                    let avail = remaining.min(self.input.len() as u64) as usize;
                    if avail == 0 {
                        return Ok(());
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
                }
                Frame::Finishing => {
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
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::deflate::codec::Compressor;

    fn incoming(role: Role, limit: u64) -> Incoming {
        Incoming::new(role, 15, false, limit, Arc::new(DeflateStats::default()))
    }

    fn frame(b0: u8, mask: Option<[u8; 4]>, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        push_header(
            &mut out,
            b0 & 0x80 != 0,
            b0 & 0x40 != 0,
            b0 & 0x0f,
            mask,
            payload.len() as u64,
        );
        let start = out.len();
        out.extend_from_slice(payload);
        if let Some(key) = mask {
            apply_mask(&mut out[start..], key, 0);
        }
        out
    }

    fn compressed(msg: &[u8]) -> Vec<u8> {
        let mut c = Compressor::new(15, false, 6);
        let mut out = Vec::new();
        c.compress(msg, &mut out).unwrap();
        c.finish_message(&mut out).unwrap();
        out
    }

    /// Everything the transformer produces for `wire`, or the violation it stops at.
    fn run_all(inc: &mut Incoming, wire: &[u8]) -> (Vec<u8>, Option<Violation>) {
        inc.push(wire);
        let mut out = Vec::new();
        loop {
            match inc.output() {
                Ok([]) => return (out, None),
                Ok(bytes) => {
                    let n = bytes.len();
                    out.extend_from_slice(bytes);
                    inc.consume(n);
                }
                Err(v) => return (out, Some(v)),
            }
        }
    }

    #[test]
    fn plain_frames_pass_in_place_and_compressed_ones_do_not() {
        let mut inc = incoming(Role::Client, 1 << 20);
        let mut wire = frame(0x81, None, b"plain");
        wire.extend(frame(0x89, None, b"ping"));
        let plain_len = wire.len();
        wire.extend(frame(0xc1, None, &compressed(b"squeezed")));
        assert_eq!(inc.pass_in_place(&wire), plain_len);
        let (out, err) = run_all(&mut inc, &wire[plain_len..]);
        assert!(err.is_none());
        assert_eq!(out, frame(0x81, None, b"squeezed"));
        let t = inc.stats.totals(Direction::In);
        assert_eq!((t.messages, t.compressed_messages), (2, 1));
    }

    #[test]
    fn server_role_hands_tungstenite_masked_frames() {
        let mut inc = incoming(Role::Server, 1 << 20);
        let key = [1, 2, 3, 4];
        let (out, err) = run_all(&mut inc, &frame(0xc2, Some(key), &compressed(b"bin")));
        assert!(err.is_none());
        assert_eq!(out, frame(0x82, Some([0; 4]), b"bin"));
    }

    #[test]
    fn violations_carry_their_close_codes() {
        let cases: Vec<(Vec<u8>, u16, &str)> = vec![
            (
                [
                    frame(0x41, None, &compressed(b"a")),
                    frame(0xc0, None, b"\x00"),
                ]
                .concat(),
                1002,
                "continuation",
            ),
            (frame(0xc9, None, b""), 1002, "PING"),
            (frame(0xc1, None, &[0xff, 0xee, 0xdd]), 1007, "DEFLATE"),
            (frame(0xc1, None, &compressed(&[b'x'; 4096])), 1009, "limit"),
            (
                [
                    frame(0x41, None, &compressed(b"a")),
                    frame(0x81, None, b"b"),
                ]
                .concat(),
                1002,
                "new message",
            ),
        ];
        for (wire, code, words) in cases {
            let mut inc = incoming(Role::Client, 1000);
            let (_, err) = run_all(&mut inc, &wire);
            let v = err.unwrap();
            assert_eq!(v.code, code, "{v}");
            assert!(v.rule.contains(words), "{v}");
            // It stays failed.
            assert_eq!(inc.output().unwrap_err(), v);
            assert_eq!(inc.pass_in_place(b"\x81\x00"), 0);
        }
    }

    #[test]
    fn compressed_frames_masked_the_wrong_way_are_refused() {
        let body = compressed(b"m");
        for (role, mask) in [(Role::Client, Some([1, 2, 3, 4])), (Role::Server, None)] {
            let mut inc = incoming(role, 1 << 20);
            let (_, err) = run_all(&mut inc, &frame(0xc1, mask, &body));
            let v = err.unwrap();
            assert_eq!(v.code, 1002);
            assert!(v.rule.contains("RFC 6455 §5.1"), "{v}");
        }
    }

    /// Found by fuzzing: a fragment claiming 2^64-1 bytes after one of a byte.
    #[test]
    fn huge_claimed_lengths_do_not_overflow() {
        let wire = [&[0x01, 0x01, b'a', 0x00, 0x7f][..], &[0xff; 8]].concat();
        let mut inc = incoming(Role::Client, 1 << 20);
        assert_eq!(inc.pass_in_place(&wire), wire.len());
        let mut inc = incoming(Role::Client, 1 << 20);
        assert_eq!(run_all(&mut inc, &wire), (wire, None));
    }

    #[test]
    fn bytes_before_a_violation_are_delivered_first() {
        let mut inc = incoming(Role::Client, 1 << 20);
        let wire = [frame(0x89, None, b"p"), frame(0xca, None, b"")].concat();
        let (out, err) = run_all(&mut inc, &wire);
        assert_eq!(out, frame(0x89, None, b"p"));
        assert_eq!(err.unwrap().code, 1002);
    }

    #[test]
    fn large_message_is_refragmented_in_chunks() {
        let msg: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut inc = incoming(Role::Client, 1 << 20);
        let (out, err) = run_all(&mut inc, &frame(0xc2, None, &compressed(&msg)));
        assert!(err.is_none());
        let mut at = 0;
        let mut rebuilt = Vec::new();
        let mut frames = 0;
        while at < out.len() {
            let h = FrameHeader::parse(&out[at..]).unwrap();
            assert!(h.payload_len as usize <= CHUNK);
            assert_eq!(h.opcode, if frames == 0 { 2 } else { 0 });
            at += h.header_len();
            rebuilt.extend_from_slice(&out[at..at + h.payload_len as usize]);
            at += h.payload_len as usize;
            frames += 1;
            assert_eq!(h.fin, at == out.len());
        }
        assert_eq!(rebuilt, msg);
        assert!(frames > 1);
    }
}
